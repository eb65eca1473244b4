"""What each add-on trigger and button answers: read models in, a card or a Gmail action out.

Refusals a user can act on (a conflict, a bad setting, an etiquette error) come back as cards or
toasts, since Google shows any error status as a blank "something went wrong"; only authentication
and malformed events are HTTP errors (gmail_addon.py).
"""
from __future__ import annotations

import logging

from flask import current_app

from ..domain import compose
from ..domain.address import same_address
from ..domain.model import Person, Policy, Role
from ..domain.prefill import read_ask
from ..domain.states import IntroState
from ..mail.gmail.open_message import read_open_message
from ..mail.port import MailboxError
from ..service import insights as insight_numbers
from ..service import intros, views
from ..service.changed import read_changed
from ..service.connections import name_from_email, rename_account
from ..service.errors import KeyUsed, ServiceError
from ..spec import SpecError, field_problems, parse_spec, spec_from_stored, spec_to_stored
from . import gmail_form
from .connect_google import start_url
from .gmail_cards import compose as compose_cards
from .gmail_cards import home as home_cards
from .gmail_cards import insights as insight_cards
from .gmail_cards import intros as intro_cards
from .gmail_cards.introduce import introduce
from .gmail_cards.widgets import (notify, open_created_draft, push_card, push_card_action, update_card,
                                  update_draft)
from ..domain.numbers import whole_number
from .gmail_event import AddonEvent
from .gmail_identity import AddonCaller
from .idempotency import fingerprint
from .public_urls import external_url

log = logging.getLogger("introducer.web")
OPEN = [IntroState(s) for s in ("new", "awaiting_consent", "consented", "introduced", "handed_off")]


def _container():
    return current_app.extensions["introducer"]


def _action_url() -> str:
    return external_url("gmail_addon.action")


def _account(caller: AddonCaller):
    with _container().uow() as uow:
        return uow.accounts.get(caller.account_id)


def connection_of(account) -> str:
    if not account.credentials:
        return "not_connected"
    return "active" if account.status == "active" else "reconnect_needed"


# --- home and one intro -----------------------------------------------------------------------------
def home_card(caller: AddonCaller) -> dict:
    with _container().uow() as uow:
        account = uow.accounts.get(caller.account_id)
        listed = views.list_intros(uow, caller.account_id, OPEN)
    return home_cards.home(_action_url(), views.account_view(account), connection_of(account), listed,
                           start_url(caller.user))


def intro_card(caller: AddonCaller, intro_id: int) -> dict:
    with _container().uow() as uow:
        view = views.show_intro(uow, caller.account_id, intro_id)
        tz = uow.accounts.get(caller.account_id).timezone
    return intro_cards.intro(_action_url(), view, tz)


# --- the open message --------------------------------------------------------------------------------
def open_card(event: AddonEvent, caller: AddonCaller) -> dict:
    """What the contextual trigger shows: the intro the open thread belongs to, else the Introduce form."""
    if event.gmail.thread_id or event.gmail.message_id:
        with _container().uow() as uow:
            view = views.intro_for_thread(uow, caller.account_id, event.gmail.thread_id or None,
                                          event.gmail.message_id or None)
            tz = uow.accounts.get(caller.account_id).timezone
        if view is not None:
            return intro_cards.intro(_action_url(), view, tz, from_thread=True)
    return introduce_card(event, caller)


def _ask_hints(account, message) -> dict:
    """Suggestions read from the ask's text, through the account's own mailbox (the add-on token sees headers only)."""
    if message is None or connection_of(account) != "active":
        return {}
    try:
        mailbox = _container().deps.mailboxes(account)
        theirs = []
        if message.sender is not None and not same_address(message.sender.email, account.email):
            # the open message is the ask: read it alone (messages.get, 5 quota units; the thread costs 10)
            theirs = [m for m in read_changed(mailbox, message.thread_id, [message.message_id])
                      if m.provider_id == message.message_id and not m.from_me and not m.is_draft]
        if not theirs:
            theirs = [m for m in mailbox.read_thread(message.thread_id) if not m.from_me and not m.is_draft]
    except MailboxError as exc:
        log.warning("open thread %s not read for suggestions: %s", message.thread_id, exc)
        return {}
    if not theirs:
        return {}
    with _container().uow() as uow:
        known = [Person(p, e) for i in uow.intros.list(account.id, None, 200)
                 for p, e in ((i.requester_name, i.requester_email), (i.target_name, i.target_email))]
    known += [p for p in message.to + message.cc]
    return read_ask(theirs[-1].text, message.subject, known).as_dict()


def insights_card(caller: AddonCaller) -> dict:
    with _container().uow() as uow:
        numbers = insight_numbers.for_account(uow, caller.account_id, _container().deps.clock())
    return insight_cards.insights(_action_url(), numbers)


# --- the Introduce form -------------------------------------------------------------------------------
def introduce_card(event: AddonEvent, caller: AddonCaller) -> dict:
    """The form for the open message: its sender asks, another recipient is the likely target, and the
    ask's text suggests the target, the context and the requester's line (marked as suggestions)."""
    account = _account(caller)
    message = None
    if event.gmail.message_id and event.user_oauth_token:
        try:
            message = read_open_message(event.gmail.message_id, event.user_oauth_token, event.gmail.access_token,
                                        _container().settings.gmail_api_url)
        except MailboxError as exc:  # the form still works, just without suggestions
            log.warning("open message %s not read: %s", event.gmail.message_id, exc)
    me = Person(account.name, account.email)
    if account.name == name_from_email(account.email):
        me = Person("", account.email)  # only a stand-in: let the message's headers name the user
    values = gmail_form.prefill(message, me, Policy.from_dict(account.policy).consent_links,
                                _ask_hints(account, message))
    values["your_name"] = values["your_name"] or account.name
    values["thread_id"] = values["thread_id"] or event.gmail.thread_id or ""
    return introduce(_action_url(), values, notice=_connect_notice(account, caller))


def _connect_notice(account, caller: AddonCaller) -> dict | None:
    state = connection_of(account)
    if state == "active":
        return None
    return home_cards.connection_section(views.account_view(account), state, start_url(caller.user))


class FormProblems(Exception):
    """What the person must fix in the form, all at once, by input name (shown beside each input)."""

    def __init__(self, values: dict, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.values, self.problems = values, problems


def _spec(event: AddonEvent, caller: AddonCaller):
    account = _account(caller)
    values = gmail_form.submitted(event)
    data = gmail_form.spec_data(values, Person(account.name, account.email), account.timezone or "UTC")
    problems = field_problems(data)
    if problems:
        raise FormProblems(values, {path.replace(".", "_"): message for path, message in problems.items()})
    return values, account, parse_spec(data)


def check(event: AddonEvent, caller: AddonCaller) -> dict:
    try:
        values, account, spec = _spec(event, caller)
    except FormProblems as exc:
        return update_card(introduce(_action_url(), exc.values, problems=exc.problems))
    except SpecError as exc:
        return update_card(introduce(_action_url(), gmail_form.submitted(event), problem=str(exc)))
    findings = [f.as_dict() for f in intros.check(_container().deps, spec, Policy.from_dict(account.policy))]
    return update_card(introduce(_action_url(), values, findings))


def start(event: AddonEvent, caller: AddonCaller) -> dict:
    values = gmail_form.submitted(event)
    try:
        values, account, spec = _spec(event, caller)
    except FormProblems as exc:
        return update_card(introduce(_action_url(), exc.values, problems=exc.problems))
    except SpecError as exc:
        return update_card(introduce(_action_url(), values, problem=str(exc)))
    if connection_of(account) != "active":
        return update_card(introduce(_action_url(), values, problem="connect Gmail first, so Introducer can "
                                     "write from your mailbox.", notice=_connect_notice(account, caller)))
    deps = _container().deps
    try:
        if spec.introducer.name != account.name:
            rename_account(deps, account.id, spec.introducer.name)
        links = "consent_links" in values["options"]
        if links != Policy.from_dict(account.policy).consent_links:
            intros.update_settings(deps, account.id, {"consent_links": links})
        intro_id = _start_once(deps, account.id, spec, event.param("action_key"), values)
    except ServiceError as exc:
        findings = [f.as_dict() for f in getattr(exc, "findings", [])]
        return update_card(introduce(_action_url(), values, findings, problem=str(exc)))
    with _container().uow() as uow:
        view = views.show_intro(uow, account.id, intro_id)
    result = intro_cards.started(_action_url(), view, account.timezone)
    drafted = [m for m in view["messages"] if m["status"] == "drafted" and m["draft_id"]]
    if drafted:
        return open_created_draft(drafted[0]["draft_id"], drafted[0]["thread_id"],
                                  "Permission request drafted: review and send it.", result)
    return update_card(result, "Intro started.")


def _start_once(deps, account_id: int, spec, key: str, values: dict) -> int:
    """Start the intro, once per form shown: the Introduce button carries a per-action key, and a click
    that comes again with it (a double click, Google retrying a timed-out request) gets the intro the first
    one started."""
    if not key:
        return intros.start_intro(deps, account_id, spec)
    digest = fingerprint("addon.start", spec_to_stored(spec))
    for _ in range(2):
        with deps.uow() as uow:
            row = uow.idempotency.get(account_id, key)
            if row is not None and row.request_hash != digest:
                raise ServiceError("this form already started an intro with other details; open the message "
                                   "again to start another one.")
            if row is not None and row.intro_id is not None:
                return row.intro_id
        try:
            return intros.start_intro(deps, account_id, spec, (key, digest))
        except KeyUsed:  # the same click, handled at the same moment: read what it did
            continue
    raise ServiceError("this intro is still being started; look at your intros in a moment.")


# --- buttons on an intro ------------------------------------------------------------------------------
def intro_id_of(event: AddonEvent) -> int:
    raw = event.param("intro_id") or event.value("intro_id")
    intro_id = whole_number(raw)
    if intro_id is None:
        raise ServiceError("Pick an intro first.")
    return intro_id


def act_on_intro(event: AddonEvent, caller: AddonCaller, what: str) -> dict:
    deps, intro_id = _container().deps, intro_id_of(event)
    if what == "cancel":
        intros.cancel_intro(deps, caller.account_id, intro_id)
        done = "Intro cancelled."
    elif what == "consent":
        answer = event.param("answer")
        if answer not in ("yes", "no") or event.param("role") not in ("requester", "target"):
            raise ServiceError("Say which party answered, and yes or no.")
        intros.override_consent(deps, caller.account_id, intro_id, Role(event.param("role")), answer == "yes")
        done = f"Marked {answer}."
    else:
        sent = intros.send_now(deps, caller.account_id, intro_id)
        done = f"Sent {sent} message{'s' if sent != 1 else ''}."
    return update_card(intro_card(caller, intro_id), done)


def refused(event: AddonEvent, caller: AddonCaller, exc: ServiceError) -> dict:
    """A refused button: say why, and show the intro as it is now (what was refused moved on)."""
    intro_id = whole_number(event.param("intro_id") or event.value("intro_id"))
    if intro_id is not None:
        try:
            return update_card(intro_card(caller, intro_id), str(exc))
        except ServiceError:
            pass  # the intro itself is gone: the toast is all there is to say
    return notify(str(exc))


def save_settings(event: AddonEvent, caller: AddonCaller) -> dict:
    intros.update_settings(_container().deps, caller.account_id, gmail_form.settings_changes(event))
    return update_card(home_card(caller), "Settings saved.")


def open_draft(event: AddonEvent) -> dict:
    if not event.param("draft_id"):
        raise ServiceError("No draft to open.")
    return open_created_draft(event.param("draft_id"), event.param("thread_id") or None, "Opening the draft.")


# --- compose ---------------------------------------------------------------------------------------
def compose_answer(event: AddonEvent, caller: AddonCaller, *, trigger: bool) -> dict:
    """Write an agreed intro into the draft: the one picked, the one the draft is addressed to, or
    the only one; a choice when several are ready."""
    with _container().uow() as uow:
        ready = views.list_intros(uow, caller.account_id, [IntroState.CONSENTED])
    chosen = event.param("intro_id") or event.value("intro_id")
    if not chosen:
        to = {a.strip().lower() for a in event.gmail.to + event.gmail.cc}
        addressed = [v for v in ready if {v["requester"]["email"], v["target"]["email"]} <= to]
        chosen = str((addressed or ready)[0]["id"]) if len(addressed) == 1 or len(ready) == 1 else ""
    if chosen:
        return _insert_intro(caller, chosen)
    built = compose_cards.choose(_action_url(), ready) if ready else compose_cards.nothing_ready()
    return push_card(built) if trigger else push_card_action(built)


def _insert_intro(caller: AddonCaller, intro_id: str) -> dict:
    deps = _container().deps
    with deps.uow() as uow:
        number = whole_number(intro_id)
        intro = uow.intros.get(number, caller.account_id) if number is not None else None
        if intro is None or intro.state != IntroState.CONSENTED.value:
            return notify("That intro is not waiting to be written (everyone must have said yes).")
        policy = Policy.from_dict(uow.accounts.get(caller.account_id).policy)
        spec = spec_from_stored(intro.spec)
    written = compose.intro(spec, deps.renderer, policy)
    return update_draft(written.subject, written.html, [p.email for p in written.to],
                        "Intro written here. Introducer follows up only on the intro it drafted (in Drafts); "
                        "a copy sent from this draft is not tracked.")
