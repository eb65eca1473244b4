"""Connecting an Outlook mailbox for background work: the MSAL authorization-code flow, in a window.

    GET  /connect/microsoft/start[?login_hint=]   send the browser to Microsoft's sign-in (PKCE, form_post)
    POST /connect/microsoft/callback              redeem the answer; the page tells the task pane it is done

The task pane opens `start` with Office's dialog API when nested app authentication is missing, or when
on-behalf-of needs the user's consent first. The signed-in Microsoft user *is* the account (keyed by
"<oid>.<tid>"): nobody can connect a mailbox other than the one they signed in to. The finished page
posts {"status": "connected", "token"} to the task pane (Office.context.ui.messageParent); the token is
an `OutlookSessions` bearer token for /api/v1.

The flow's secrets (PKCE verifier, nonce, state) wait in an encrypted, 10-minute cookie scoped to
/connect/microsoft. Microsoft answers with a cross-site POST (form_post), so over https the cookie is
SameSite=None; Secure, and the state check is what ties the answer to this browser.
"""
from __future__ import annotations

import json
import logging
import time

import requests
from flask import Blueprint, Flask, current_app, redirect, render_template, request

from ..auth.crypto import CipherError
from ..auth.errors import AuthError
from ..auth.msal_client import MicrosoftGrant
from ..mail.graph.accounts import microsoft_connect, save_grant
from ..service.watches import start_watch
from ..mail.port import MailboxError
from .auth import AuthError as AccountConflict
from .outlook_auth import SESSIONS, OutlookSessions, find_or_create_account

log = logging.getLogger("introducer.web")
bp = Blueprint("connect_microsoft", __name__, url_prefix="/connect/microsoft")
COOKIE, COOKIE_PATH, FLOW_MAX_AGE = "introducer_ms_flow", "/connect/microsoft", 600
_FLOW_KEYS = ("state", "redirect_uri", "scope", "code_verifier", "nonce", "claims_challenge")


def _container():
    return current_app.extensions["introducer"]


def configured(settings) -> bool:
    return bool(settings.ms_client_id and settings.ms_client_secret is not None)


def connect_account(container, account_id: int, grant: MicrosoftGrant) -> None:
    """Store a grant, start the change feed now and the subscription, so no reply after this moment is missed."""
    save_grant(container.uow, container.cipher, account_id, grant, container.deps.clock())
    with container.uow() as uow:
        account = uow.accounts.get(account_id)
        if grant.username and account.email.endswith(".invalid") and "@" in grant.username:
            account.email = grant.username.lower()
            uow.commit()
        reconnect = account.sync_cursor is not None  # then the stored delta links carry on
    if not reconnect:
        try:
            cursor = container.deps.mailboxes(account).changes_since(None).cursor
        except MailboxError as exc:  # the first sync re-reads every open intro's thread, then sets it
            log.warning("account %s connected, change cursor not set yet: %s", account_id, exc)
        else:
            with container.uow() as uow:
                uow.accounts.get(account_id).sync_cursor = cursor
                uow.commit()
    try:
        start_watch(container.deps, account_id)  # push from now on, not from the renewal job's next run
    except MailboxError as exc:
        log.warning("account %s: watch not started: %s", account_id, exc)


def _page(status: str, message: str, code: int = 200, **extra):
    settings = _container().settings
    return render_template("addin/connected.html", status=status, message=message,
                           office_js_url=settings.office_js_url, result=json.dumps({"status": status, **extra})), code


@bp.get("/start")
def start():
    settings = _container().settings
    if not configured(settings):
        return _page("error", "Outlook sign-in is not configured on this server.", 503)
    try:
        flow = microsoft_connect(settings, request.host_url).start(login_hint=request.args.get("login_hint") or None)
    except (requests.RequestException, ValueError):  # discovery failed: the sign-in service is unreachable
        return _page("error", "Microsoft's sign-in service cannot be reached right now. Try again soon.", 503)
    kept = {key: flow.get(key) for key in _FLOW_KEYS}
    sealed = _container().cipher.encrypt(json.dumps({"flow": kept, "at": time.time()}).encode()).decode()
    response = redirect(flow["auth_uri"])
    secure = request.is_secure or (settings.public_url or "").startswith("https://")
    response.set_cookie(COOKIE, sealed, max_age=FLOW_MAX_AGE, path=COOKIE_PATH, httponly=True, secure=secure,
                        samesite="None" if secure else "Lax")
    return response


def _kept_flow() -> dict | None:
    sealed = request.cookies.get(COOKIE)
    if not sealed:
        return None
    try:
        kept = json.loads(_container().cipher.decrypt(sealed.encode()))
    except (CipherError, ValueError):
        return None
    return kept["flow"] if time.time() - kept.get("at", 0) <= FLOW_MAX_AGE else None


@bp.post("/callback")
def callback():
    container = _container()
    flow = _kept_flow()
    if flow is None:
        return _page("error", "This sign-in took too long or began in another browser. Start it again.", 400)
    try:
        grant = microsoft_connect(container.settings, request.host_url).finish(flow, request.form.to_dict())
    except AuthError as exc:
        return _page("error", f"Outlook was not connected: {exc.message}", 400, reason=exc.reason)
    except requests.RequestException:
        return _page("error", "Microsoft's sign-in service cannot be reached right now. Try again soon.", 503)
    try:
        account_id = find_or_create_account(container, grant.home_account_id, grant.username, grant.name)
    except AccountConflict as exc:
        return _page("error", str(exc), 409)
    connect_account(container, account_id, grant)
    sessions: OutlookSessions = current_app.extensions[SESSIONS]
    response = current_app.make_response(_page(
        "connected", f"Outlook is connected for {grant.username or 'your account'}. You can close this window.",
        token=sessions.issue(account_id, grant.home_account_id), expires_in=int(sessions.ttl.total_seconds())))
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
