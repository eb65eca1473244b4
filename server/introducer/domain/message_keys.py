"""Unguessable keys for our own outbound messages.

Every outbound message has an exactly-once key. It rides on the message (the X-Introducer-Key header)
and the Message-ID is derived from it, so whoever could compute it could thread a forged reply into our
permission request. The key is therefore a keyed MAC (HMAC-SHA256 under the app's secret key) of what the
message is (`intro-<id>:<step>:<role>`): stable for the same message, so a retry after a crash finds it
again, and impossible to derive from the intro id without the secret.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_CONTEXT = b"introducer.outbound-key\x00"


class MessageKeys:
    def __init__(self, secret: str | bytes):
        if not secret:
            raise ValueError("message keys need a secret")
        self._secret = secret.encode() if isinstance(secret, str) else secret

    @classmethod
    def random(cls) -> "MessageKeys":
        """Keys under a throw-away secret (stable only for this process; production passes the secret key)."""
        return cls(secrets.token_bytes(32))

    def key(self, name: str) -> str:
        """The opaque key for the message called `name` (26 base32 characters, 130 bits of the MAC)."""
        digest = hmac.new(self._secret, _CONTEXT + name.encode(), hashlib.sha256).digest()
        return "k" + base64.b32encode(digest).decode("ascii").lower()[:26]
