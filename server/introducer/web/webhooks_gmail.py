"""`POST /webhooks/gmail`: Gmail push notifications from a Cloud Pub/Sub push subscription.

Each push carries an OIDC token of the subscription's service account (audience: the configured
INTRODUCER_GOOGLE_PUBSUB_AUDIENCE, else this URL) and names a mailbox and a history id. We record one
coalesced sync request for the mailbox and answer 204 at once; the worker reads the history.

Answers: 204 recorded, or nothing to do; 401 bad, missing or misaddressed token; 400 not a Gmail
push (Pub/Sub redelivers it until it expires; it never becomes valid); 503 push not configured.
A mailbox we do not know (or one that is not connected) is acknowledged with 204: Pub/Sub retries
every non-2xx answer, and retrying cannot make the mailbox known, so saying "done" stops the retries.
"""
from __future__ import annotations

import json

from flask import Blueprint, Flask, current_app, request

from ..auth.errors import AuthError
from ..mail.gmail.push import MalformedPush, decode_push
from ..service.push import mailbox_changed
from .body import JSONLimitError, parse_json
from .errors import ApiError, bad_request
from .gmail_identity import unauthenticated, verifier
from .public_urls import called_url

bp = Blueprint("webhooks_gmail", __name__)


@bp.post("/webhooks/gmail")
def gmail_push():
    _check_token()
    notice = _notice()
    mailbox_changed(current_app.extensions["introducer"].deps, "gmail", notice.email, notice.history_id)
    return "", 204


def _check_token() -> None:
    settings = current_app.extensions["introducer"].settings
    if not settings.google_pubsub_service_account:
        raise ApiError(503, "not_configured", "Gmail push is not configured here: set "
                       "INTRODUCER_GOOGLE_PUBSUB_SERVICE_ACCOUNT.")
    try:
        verifier().verify_pubsub_token(request.headers.get("Authorization"),
                                       settings.google_pubsub_audience or called_url(),
                                       settings.google_pubsub_service_account)
    except AuthError as exc:
        raise unauthenticated(exc, "push token") from None


def _notice():
    try:
        return decode_push(parse_json(request.get_data(cache=True) or b"null"), loads=parse_json)
    except (UnicodeDecodeError, json.JSONDecodeError, JSONLimitError):
        raise bad_request("The body is not JSON: expected a Pub/Sub push envelope.") from None
    except MalformedPush as exc:
        raise bad_request(f"Not a Gmail push: {exc}.") from None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
