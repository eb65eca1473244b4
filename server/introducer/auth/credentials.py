"""Provider credentials at rest: a JSON document sealed with the token cipher (MultiFernet).

What goes in depends on the provider (a Google refresh token; a serialised MSAL token cache). Only the
mailbox adapters' account factories open it.
"""
from __future__ import annotations

import json

from .crypto import TokenCipher


def seal(cipher: TokenCipher, data: dict) -> bytes:
    return cipher.encrypt(json.dumps(data, separators=(",", ":")).encode())


def unseal(cipher: TokenCipher, blob: bytes | None) -> dict:
    if not blob:
        return {}
    return json.loads(cipher.decrypt(blob))


def rotate_all(uow, cipher: TokenCipher) -> int:
    """Re-encrypt every account's credentials with the newest key; returns how many were rewritten."""
    count = 0
    for account in uow.accounts.with_credentials():
        account.credentials = cipher.rotate(account.credentials)
        count += 1
    return count
