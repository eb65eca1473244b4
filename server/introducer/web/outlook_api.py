"""What the Outlook task pane adds to /api/v1 (bearer token required, like the rest of the API).

    POST /api/v1/connect/outlook              connect the signed-in mailbox on behalf of the task-pane token
                                              (on-behalf-of) → the account; 409 interactive_sign_in_needed
                                              when Microsoft wants the user to sign in or consent in a window
    GET  /api/v1/intros/<id>/intro-message    the intro as Introducer writes it, for a compose window;
                                              409 until everyone who had to be asked said yes
"""
from __future__ import annotations

import logging

import requests
from flask import Blueprint, Flask, current_app, g, request

from ..auth.errors import AuthError as GrantError
from ..domain import compose
from ..domain.model import Policy
from ..domain.states import IntroState
from ..mail.graph.accounts import microsoft_connect
from ..service import views
from ..service.errors import NotFoundError
from ..spec import spec_from_stored
from .auth import bearer_token, current_account_id, require_account
from .connect_microsoft import configured, connect_account
from .errors import ApiError

log = logging.getLogger("introducer.web")
bp = Blueprint("outlook_api", __name__, url_prefix="/api/v1")
bp.before_request(require_account)
WRITTEN_STATES = {IntroState.CONSENTED, IntroState.INTRODUCED, IntroState.HANDED_OFF, IntroState.COMPLETED}


def _container():
    return current_app.extensions["introducer"]


def _sign_in_window(why: str) -> ApiError:
    return ApiError(409, "interactive_sign_in_needed",
                    f"{why} Open the Microsoft sign-in window (/connect/microsoft/start) to connect Outlook.")


@bp.post("/connect/outlook")
def connect_outlook():
    container = _container()
    if g.identity.provider != "outlook":
        raise ApiError(409, "wrong_provider", "Only an Outlook account can connect Outlook.")
    if not configured(container.settings):
        raise ApiError(503, "not_configured", "Outlook connection is not configured on this server.")
    if g.identity.method != "entra":
        raise _sign_in_window("On-behalf-of needs the task pane's Microsoft token.")
    with container.uow() as uow:
        external_id = uow.accounts.get(current_account_id()).external_id or ""
    try:
        grant = microsoft_connect(container.settings, request.host_url).on_behalf_of(
            bearer_token(request), external_id.rpartition(".")[2])
    except GrantError as exc:
        log.info("on-behalf-of refused for account %s: %s", current_account_id(), exc)
        raise _sign_in_window(f"Microsoft did not grant offline access ({exc.reason}).") from None
    except requests.RequestException:
        raise ApiError(503, "unavailable", "Microsoft's sign-in service cannot be reached right now.") from None
    if grant.home_account_id != external_id:
        raise ApiError(403, "forbidden", "Microsoft connected a different account than the one signed in.")
    connect_account(container, current_account_id(), grant)
    with container.uow() as uow:
        return views.account_view(uow.accounts.get(current_account_id()))


@bp.get("/intros/<int:intro_id>/intro-message")
def intro_message(intro_id: int):
    container = _container()
    with container.uow() as uow:
        intro = uow.intros.get(intro_id, current_account_id())
        if intro is None:
            raise NotFoundError(f"No intro {intro_id}.")
        policy = Policy.from_dict(uow.accounts.get(current_account_id()).policy)
        state, stored = IntroState(intro.state), dict(intro.spec)
    if state not in WRITTEN_STATES:
        raise ApiError(409, "conflict", "The intro can be written once everyone who was asked said yes.")
    written = compose.intro(spec_from_stored(stored), container.deps.renderer, policy)
    return {"subject": written.subject, "html": written.html, "text": written.text,
            "to": [{"name": p.name, "email": p.email} for p in written.to]}


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
