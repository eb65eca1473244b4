"""The Gmail add-on inside the sandbox page (`introducer demo --provider gmail`): Google's part, played locally.

In Gmail, Google renders the add-on's cards and POSTs signed events to /addon/gmail/*. Here a small
card renderer (static/cards/) does the rendering beside the sandbox mailboxes, and this route hands it
what Google would put in each event, minted by the sandbox's Google sign-in:

    GET  /sandbox/gmail-addon                    the sidebar page (the sandbox page's side panel)
    POST /sandbox/api/gmail-addon/tokens         {"url", "thread_id"?} → {"systemIdToken" (aud = url),
                                                  "userIdToken", "userOAuthToken", "gmail": {...} | null}

Only served with the sandbox world and its Gmail face (the demo); nothing here exists in production.
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

from ..mail.port import NotFound
from ..mail.sandbox.google_identity import account_for
from ..manifests.gmail import ADDON_SCOPES
from .body import check_shape, json_object
from .errors import ApiError, bad_request

bp = Blueprint("sandbox_gmail", __name__)
ADDON_SUBJECT = "117" + "0" * 18  # the add-on service account's numeric id in minted system tokens


def _container():
    return current_app.extensions["introducer"]


def _introducer():
    users = [u for u in _container().world.users() if not u.is_simulated]
    if not users:
        raise ApiError(404, "not_found", "The sandbox has no introducer mailbox.")
    return users[0]


@bp.get("/sandbox/gmail-addon")
def host():
    return render_template("gmail_addon_host.html", introducer=_introducer())


@bp.post("/sandbox/api/gmail-addon/tokens")
def tokens():
    data = json_object()
    check_shape(data, {"url": str, "thread_id": (str, type(None))})
    url = data.get("url") or ""
    if not url.startswith(("http://", "https://")):
        raise bad_request("url: the absolute endpoint URL the event will be POSTed to.")
    settings, face = _container().settings, _container().faces["gmail"]
    me = _introducer()
    google = account_for(me.email, me.name)
    return {
        "systemIdToken": face.identity.mint_id_token(url, ADDON_SUBJECT, settings.google_addon_service_account),
        "userIdToken": face.identity.mint_id_token(settings.google_client_id, google.sub, google.email,
                                                   azp=settings.google_client_id),
        "userOAuthToken": _addon_access_token(face, settings.google_client_id, google),
        "gmail": _open_message(me.email, data.get("thread_id")),
    }


def _addon_access_token(face, client_id: str, google) -> str:
    """An access token with the add-on's scopes only, as Google hands the add-on on each event."""
    refresh = face.identity.grant_offline(client_id, google, ADDON_SCOPES)
    body, status = face.identity.exchange({"grant_type": "refresh_token", "refresh_token": refresh}, client_id)
    if status != 200:
        raise ApiError(502, "sign_in_failed", f"the sandbox sign-in refused: {body.get('error')}")
    return body["access_token"]


def _open_message(email: str, thread_id: str | None) -> dict | None:
    if not thread_id:
        return None
    try:
        messages = [m for m in _container().world.thread(email, thread_id) if not m.is_draft]
    except NotFound:  # an unknown thread: the event simply has no open message
        return None
    if not messages:
        return None
    return {"messageId": messages[-1].id, "threadId": thread_id, "accessToken": "sandbox-open-message-token"}


def register(app: Flask) -> None:
    """Serve the card sidebar and show it in the sandbox page instead of the panel."""
    app.register_blueprint(bp)
    app.config["SANDBOX_PANEL_URL"] = "/sandbox/gmail-addon"  # the sandbox page's iframe (templates/sandbox.html)
