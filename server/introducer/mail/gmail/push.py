"""Read a Gmail push: the Cloud Pub/Sub envelope around `{"emailAddress", "historyId"}`.

Envelope (developers.google.com/workspace/gmail/api/guides/push, "Receiving notifications"):
`{"message": {"data": base64url(JSON), "messageId", "publishTime"}, "subscription"}`.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from ...domain.numbers import is_whole_number


class MalformedPush(ValueError):
    """The body is not a Gmail notification; the message says what is wrong."""


@dataclass(frozen=True)
class PushNotice:
    email: str
    history_id: str


def decode_push(envelope, loads=json.loads) -> PushNotice:
    if not isinstance(envelope, dict) or not isinstance(envelope.get("message"), dict):
        raise MalformedPush("message: a Pub/Sub push body has a message object")
    data = envelope["message"].get("data")
    if not isinstance(data, str) or not data.strip():
        raise MalformedPush("message.data: must be base64 text")
    try:
        # Quirk: Pub/Sub's data may come without its "=" padding; base64 refuses it unpadded.
        decoded = loads(base64.urlsafe_b64decode(data.strip() + "=" * (-len(data.strip()) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise MalformedPush("message.data: not base64url-encoded JSON") from None
    if not isinstance(decoded, dict):
        raise MalformedPush("message.data: must decode to a JSON object")
    email, history = decoded.get("emailAddress"), decoded.get("historyId")
    if not isinstance(email, str) or "@" not in email:
        raise MalformedPush("message.data.emailAddress: must be an address")
    if isinstance(history, int) and not isinstance(history, bool):
        history = str(history)  # Gmail sends a number in practice, a string in the guide
    if not is_whole_number(history, max_digits=20):
        raise MalformedPush("message.data.historyId: must be a history id (digits)")
    return PushNotice(email.strip().lower(), history)
