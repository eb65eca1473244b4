"""Idempotency keys for the JSON API's actions: a retried request gets the first answer, not a second intro.

Clients send `Idempotency-Key: <1–200 visible ASCII characters>` once per user action and repeat it on
every retry of that action. Keys are stored per account with a fingerprint of the request (method, path,
body): the same key with the same request answers with the first status and body; with a different
request it is a 422 (`idempotency_key_reused`); while the first request is still being handled, a 409
(`idempotency_key_in_use`). Without the header a request is handled as before.

For `POST /intros` the key is claimed in the same transaction as the intro (service/intros.py), so a
retry after the web process died between its commit and its answer finds the intro instead of making a
second one. Other actions record their answer once they succeeded.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable

from flask import current_app, make_response, request

from .auth import current_account_id
from .errors import ApiError, bad_request

HEADER = "Idempotency-Key"
_VALID = re.compile(r"^[\x21-\x7e]{1,200}$")


def header_key() -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if not _VALID.match(raw.strip()):
        raise bad_request(f"{HEADER}: must be 1 to 200 visible ASCII characters (a new random value per action).")
    return raw.strip()


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def request_fingerprint() -> str:
    return fingerprint(request.method, request.path, request.get_json(silent=True))


def _uow():
    return current_app.extensions["introducer"].uow()


def replay(account_id: int, key: str, digest: str, render_intro: Callable[[int], dict]) -> tuple[dict, int] | None:
    """The first answer given for this key, or None when the key is new."""
    with _uow() as uow:
        row = uow.idempotency.get(account_id, key)
        if row is None:
            return None
        if row.request_hash != digest:
            raise ApiError(422, "idempotency_key_reused", f"{HEADER}: was used for a different request; "
                                                          "send a new key for a new action.")
        if row.status is not None:
            return dict(row.response or {}), row.status
        intro_id = row.intro_id
    if intro_id is None:
        raise ApiError(409, "idempotency_key_in_use", "A request with this key is still being handled; "
                                                      "try again in a moment.")
    body = render_intro(intro_id)  # created, but the answer was never sent (the process died): make it now
    answer(account_id, key, 201, body)
    return body, 201


def answer(account_id: int, key: str, status: int, body: dict) -> None:
    with _uow() as uow:
        uow.idempotency.answer(account_id, key, status, body)
        uow.commit()


def idempotent(view):
    """For an action that is not a create: with a key, a retry gets the first successful answer back."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        key = header_key()
        if key is None:
            return view(*args, **kwargs)
        account_id, digest = current_account_id(), request_fingerprint()
        replayed = replay(account_id, key, digest, lambda _: {})
        if replayed is not None:
            return replayed
        response = make_response(view(*args, **kwargs))
        if 200 <= response.status_code < 300 and response.is_json:
            with _uow() as uow:
                container = current_app.extensions["introducer"]
                uow.idempotency.claim(account_id, key, digest, container.deps.clock(),
                                      status=response.status_code, response=response.get_json())
                uow.commit()
        return response
    return wrapped
