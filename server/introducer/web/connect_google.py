"""Connect Gmail: the server-side OAuth consent that lets Introducer work while the user is away.

    GET /connect/google/start?ticket=T   from the add-on card's openLink; T is a short-lived signed ticket
                                         naming the add-on user (Google sub + address)
    GET /connect/google/callback         Google's redirect: the grant must belong to the ticket's user

State, PKCE verifier and the ticket's user wait in the Flask session (a signed cookie) between the two.
The refresh token is sealed with the token cipher into Account.credentials; the account becomes active,
its change cursor starts now, and the mailbox watch starts when a Pub/Sub topic is configured.
"""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, redirect, render_template, request, session
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..auth.credentials import seal
from ..auth.errors import AuthError
from ..auth.google_oauth import GoogleConnect
from ..mail.gmail.accounts import sealed_grant
from ..mail.port import MailboxError
from ..service.connections import ProviderUser, account_for_user, connect_account
from ..service.errors import ConflictError
from .gmail_identity import verifier
from .public_urls import external_url

log = logging.getLogger("introducer.web")
bp = Blueprint("connect_google", __name__, url_prefix="/connect/google")
TICKET_SALT = "introducer.google-connect"
TICKET_SECONDS = 15 * 60
PENDING = "google_connect"
REFUSALS = {
    "access_denied": "You cancelled on Google's consent screen, so Gmail is not connected.",
    "missing_scope": "Introducer needs the Gmail access on the consent screen; without it nothing can run.",
    "bad_state": "This sign-in did not start here (or was already used).",
}


def _container():
    return current_app.extensions["introducer"]


def _tickets() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_container().settings.secret("secret_key"), salt=TICKET_SALT)


def start_url(user: ProviderUser) -> str:
    """The link the add-on card opens; only the user it names can complete the connection."""
    ticket = _tickets().dumps({"sub": user.subject, "email": user.email})
    return external_url("connect_google.start", ticket=ticket)


def _flow() -> GoogleConnect | None:
    s = _container().settings
    if not s.google_client_id or s.google_client_secret is None:
        return None
    return GoogleConnect(s.google_client_id, s.google_client_secret.get_secret_value(),
                         external_url("connect_google.callback"), auth_uri=s.google_auth_url,
                         token_uri=s.google_token_url, id_token_verifier=verifier())


def _page(title: str, message: str, status: int, ok: bool = False):
    return render_template("connect_google.html", title=title, message=message, ok=ok), status


@bp.get("/start")
def start():
    try:
        who = _tickets().loads(request.args.get("ticket", ""), max_age=TICKET_SECONDS)
    except SignatureExpired:
        return _page("This link expired", "Connect links last 15 minutes.", 400)
    except BadSignature:
        return _page("This link is not valid", "Open Connect Gmail from the Introducer sidebar.", 400)
    flow = _flow()
    if flow is None:
        return _page("Gmail is not set up here", "The server has no Google OAuth client configured.", 503)
    try:
        started = flow.start(login_hint=who["email"])
    except AuthError as exc:  # insecure_transport: a setting, not something the user can fix
        log.error("Connect Gmail cannot start: %s", exc.message)
        return _page("Gmail is not set up here", f"This server's Google settings need fixing: {exc.message}.", 503)
    session[PENDING] = {"state": started.state, "verifier": started.code_verifier, **who}
    return redirect(started.authorization_url, code=302)


@bp.get("/callback")
def callback():
    pending, flow = session.pop(PENDING, None), _flow()
    if not pending or flow is None:
        return _page("Nothing to finish", "This sign-in is not waiting here (or was finished already).", 400)
    try:
        grant = flow.finish(request.url, pending["state"], pending["verifier"])
    except AuthError as exc:
        if exc.reason == "insecure_transport":
            log.error("Connect Gmail cannot finish: %s", exc.message)
            return _page("Gmail is not set up here", f"This server's Google settings need fixing: {exc.message}.", 503)
        return _page("Gmail is not connected", REFUSALS.get(exc.reason, exc.message), 400)
    if grant.subject != pending["sub"]:
        return _page("A different Google account", f"You signed in as {grant.email}, but the sidebar is open for "
                     f"{pending['email']}. Connect with that account.", 403)
    deps = _container().deps
    try:
        account_id = account_for_user(deps, ProviderUser("gmail", grant.subject, pending["email"]))
        sealed = seal(_container().cipher, sealed_grant(grant.refresh_token, grant.subject))
        connect_account(deps, account_id, sealed)
    except ConflictError as exc:
        return _page("Gmail is not connected", str(exc), 409)
    except MailboxError as exc:
        log.warning("connecting %s failed: %s", pending["email"], exc)
        return _page("Gmail is not connected", "Google accepted, but the mailbox could not be read; try again.", 502)
    return _page("Gmail is connected", f"Introducer can now work from {pending['email']}.", 200, ok=True)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
