"""The Outlook task pane inside the sandbox page (`introducer demo --provider outlook`); sandbox only.

    GET  /sandbox/addin/office.js              Office.js stand-in: reads the sandbox page's open message
    GET  /sandbox/addin/msal-browser.js        MSAL.js stand-in: asks the sandbox for the session below
    POST /sandbox/api/outlook/session          {"email"} → a session token for that person's Outlook account
    GET  /sandbox/api/outlook/conversation     ?thread_id= → the Graph face's conversationId for a world thread

The task pane's own code runs unchanged (`/addin/outlook/taskpane.html?sandbox=1`); only Office.js and
MSAL.js, the two scripts Microsoft would serve, are replaced. Registered only with the sandbox mail world.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, request, send_from_directory

from ..mail.sandbox.graph_ids import conversation_id
from .body import check_shape, json_object
from .errors import ApiError, bad_request
from .outlook_auth import SESSIONS, OutlookSessions

SHIMS = Path(__file__).parent / "sandbox_addin"
bp = Blueprint("addin_sandbox", __name__)


@bp.get("/sandbox/addin/office.js")
def office_js():
    return send_from_directory(SHIMS, "office.js", mimetype="text/javascript", max_age=0)


@bp.get("/sandbox/addin/msal-browser.js")
def msal_js():
    return send_from_directory(SHIMS, "msal-browser.js", mimetype="text/javascript", max_age=0)


@bp.post("/sandbox/api/outlook/session")
def session():
    data = json_object()
    check_shape(data, {"email": str})
    container = current_app.extensions["introducer"]
    user = container.world.user((data.get("email") or "").strip())
    if user is None or user.is_simulated:
        raise ApiError(403, "forbidden", "Only the introducer's sandbox mailbox can sign in.")
    with container.uow() as uow:
        account = uow.accounts.by_email("outlook", user.email)
        if account is None or account.credentials is None:
            raise ApiError(404, "not_found", f"{user.email} has no connected Outlook account; run the demo with "
                                             "--provider outlook.")
        account_id, external_id = account.id, account.external_id or ""
    sessions: OutlookSessions = current_app.extensions[SESSIONS]
    return {"token": sessions.issue(account_id, external_id), "email": user.email,
            "expires_in": int(sessions.ttl.total_seconds())}


@bp.get("/sandbox/api/outlook/conversation")
def conversation():
    thread_id = request.args.get("thread_id", "")
    if not thread_id:
        raise bad_request("thread_id: is required.")
    return {"conversationId": conversation_id(thread_id)}


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
