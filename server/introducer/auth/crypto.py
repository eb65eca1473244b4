"""Encryption at rest for refresh tokens and token caches, with keys that can be rotated.

Keys are Fernet keys (url-safe base64 of 32 random bytes). The setting holds a comma-separated
list: the first key encrypts, every key decrypts, so a new key can be put in front, stored blobs
re-encrypted with `rotate`, and the old key dropped afterwards.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CipherError(Exception):
    """A blob could not be decrypted: wrong keys, or it was altered."""


class TokenCipher:
    """Encrypts and decrypts opaque secrets with a MultiFernet over the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("TokenCipher needs at least one key")
        fernets = []
        for position, key in enumerate(keys):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError) as exc:
                # Name the position, never the value: the message may end up in a log.
                raise ValueError(
                    f"key #{position + 1} is not a Fernet key (url-safe base64 of 32 bytes)"
                ) from exc
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_setting(cls, value: str) -> "TokenCipher":
        """Build from a comma-separated key list, newest (encrypting) key first."""
        keys = [part.strip() for part in (value or "").split(",") if part.strip()]
        return cls(keys)

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, blob: bytes) -> bytes:
        try:
            return self._fernet.decrypt(blob)
        except InvalidToken as exc:
            raise CipherError("cannot decrypt: no configured key opens it, or it was altered") from exc

    def rotate(self, blob: bytes) -> bytes:
        """Re-encrypt a blob under the first key, keeping its original timestamp."""
        try:
            return self._fernet.rotate(blob)
        except InvalidToken as exc:
            raise CipherError("cannot rotate: no configured key opens it, or it was altered") from exc
