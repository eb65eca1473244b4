"""The Gmail add-on's HTTP endpoints (alternate runtime), as named in addin-manifest/gmail/deployment.json.

    POST /addon/gmail/home      homepage trigger: connection, intros in progress, settings
    POST /addon/gmail/on-open   contextual trigger: the open thread's intro, or the Introduce form for the message
    POST /addon/gmail/action    button clicks; commonEventObject.parameters.action names the button:
                                home, show, introduce, check, start, open_draft, cancel, consent, send_now,
                                save_settings, compose_insert
    POST /addon/gmail/compose   compose trigger: write an agreed intro into the draft

Every request is verified first (system token, then the event, then the user token; gmail_identity.py):
401 JSON when a token is missing or wrong, 400 JSON when the event is malformed. What a user can act
on comes back as a card or a toast (gmail_screens.py).
"""
from __future__ import annotations

from flask import Blueprint, Flask

from ..service.errors import ServiceError
from . import connect_google, gmail_screens as screens, webhooks_gmail
from .errors import bad_request
from .gmail_cards.widgets import notify, push_card, push_card_action, update_card
from .gmail_event import AddonEvent, read_event
from .gmail_identity import AddonCaller, addon_caller, check_system_token

bp = Blueprint("gmail_addon", __name__, url_prefix="/addon/gmail")


def _verified() -> tuple[AddonEvent, AddonCaller]:
    check_system_token()  # before reading the body: strangers learn nothing about what we parse
    event = read_event()
    return event, addon_caller(event)


@bp.post("/home")
def home():
    _event, caller = _verified()
    return push_card(screens.home_card(caller))


@bp.post("/on-open")
def on_open():
    event, caller = _verified()
    return push_card(screens.open_card(event, caller))


@bp.post("/action")
def action():
    event, caller = _verified()
    name = event.param("action")
    if name not in BUTTONS:
        raise bad_request(f"commonEventObject.parameters.action: must be one of {', '.join(BUTTONS)}.")
    try:
        return BUTTONS[name](event, caller)
    except ServiceError as exc:
        return screens.refused(event, caller, exc)


@bp.post("/compose")
def compose():
    event, caller = _verified()
    return screens.compose_answer(event, caller, trigger=True)


BUTTONS = {
    "home": lambda event, caller: update_card(screens.home_card(caller)),
    "show": lambda event, caller: push_card_action(screens.intro_card(caller, screens.intro_id_of(event))),
    "introduce": lambda event, caller: push_card_action(screens.introduce_card(event, caller)),
    "insights": lambda event, caller: push_card_action(screens.insights_card(caller)),
    "check": screens.check,
    "start": screens.start,
    "open_draft": lambda event, caller: screens.open_draft(event),
    "cancel": lambda event, caller: screens.act_on_intro(event, caller, "cancel"),
    "consent": lambda event, caller: screens.act_on_intro(event, caller, "consent"),
    "send_now": lambda event, caller: screens.act_on_intro(event, caller, "send_now"),
    "save_settings": screens.save_settings,
    "compose_insert": lambda event, caller: screens.compose_answer(event, caller, trigger=False),
}


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    """The add-on endpoints, Connect Gmail and the Gmail push webhook."""
    app.register_blueprint(bp)
    connect_google.init_app(app)
    webhooks_gmail.init_app(app)
    if app.extensions["introducer"].world is not None and (app.extensions["introducer"].faces or {}).get("gmail"):
        from . import sandbox_gmail

        sandbox_gmail.register(app)
