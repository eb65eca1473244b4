"""The add-on's forms as data: the Introduce form <-> an intro spec, the settings form -> policy changes.

Field names here are the `name`s of the card inputs (gmail_cards/introduce.py, gmail_cards/home.py);
Google sends them back under commonEventObject.formInputs.
"""
from __future__ import annotations

import re
from email.utils import parseaddr, quote

from ..domain.address import same_address
from ..domain.numbers import whole_number
from ..domain.model import HandoffMode, HandoffTrigger, Person, SendMode
from ..mail.gmail.open_message import OpenMessage
from .gmail_event import AddonEvent

OTHER = "other"  # the target dropdown's "someone else" entry: use the typed name and address
TEXT_FIELDS = ("your_name", "requester_name", "requester_email", "requester_blurb", "requester_call_name",
               "target_name", "target_email", "target_blurb", "target_call_name", "context", "benefit_to_target", "benefit_to_requester", "shared_connection")
OPTIONS = ("ask_requester", "target_agreed", "consent_links")
STEP_SETTINGS = ("permission_request", "intro", "handoff", "nudges", "decline_note", "expiry_note")
DAY_SETTINGS = ("consent_nudge_after_days", "requester_reminder_after_days")
CLOSE_LOOP_OFF = "off"


def address(p: Person) -> str:
    """`Name <addr>` as the user reads it (formataddr would show a non-ASCII name as an encoded word);
    parseaddr reads it back, and the name is checked again when the form is submitted."""
    if not p.name:
        return p.email
    if re.fullmatch(r"[\w .'-]+", p.name):
        return f"{p.name} <{p.email}>"
    return f'"{quote(p.name)}" <{p.email}>'



def prefill(message: OpenMessage | None, me: Person, consent_links: bool, hints: dict | None = None) -> dict:
    """Form values from the open message: the sender asks, another recipient is the likely target; `hints`
    (domain.prefill.read_ask) fill what the ask names. values["suggested"]: the fields filled by a guess."""
    values = {name: "" for name in TEXT_FIELDS}
    values.update(your_name=me.name, candidates=[], target_pick=OTHER,
                  options={"consent_links"} if consent_links else set(), thread_id="", suggested=set())
    if message is None:
        return values
    sender = message.sender if message.sender and not same_address(message.sender.email, me.email) else None
    if sender:
        values.update(requester_name=sender.name, requester_email=sender.email)
    others = [p for p in message.to + message.cc
              if not same_address(p.email, me.email) and not (sender and same_address(p.email, sender.email))]
    values["candidates"] = [address(p) for p in dict((p.email.lower(), p) for p in others).values()]
    if values["candidates"]:
        values["target_pick"] = values["candidates"][0]
    if not values["your_name"]:
        mine = [p for p in message.to + message.cc if same_address(p.email, me.email) and p.name]
        values["your_name"] = mine[0].name if mine else ""
    values["thread_id"] = message.thread_id
    if sender:
        values["suggested"] |= {"requester_name", "requester_email"}
    _apply_hints(values, hints or {})
    return values


def _apply_hints(values: dict, hints: dict) -> None:
    named = hints.get("target_email")
    picked = next((c for c in values["candidates"] if named and same_address(parseaddr(c)[1], named)), None)
    if picked:
        values["target_pick"] = picked
    elif hints.get("target_name"):
        values["target_pick"] = OTHER  # the ask names someone who is not on the message
        for key in ("target_name", "target_email"):
            if hints.get(key):
                values[key] = hints[key]
                values["suggested"].add(key)
    if hints.get("target_org") and not values["target_blurb"]:
        values["target_blurb"] = f"at {hints['target_org']}"
        values["suggested"].add("target_blurb")
    for key in ("context", "requester_blurb"):
        if hints.get(key) and not values[key]:
            values[key] = hints[key]
            values["suggested"].add(key)


def submitted(event: AddonEvent) -> dict:
    """The form as the user left it (to show it again after Check, or after a refused start)."""
    values = {name: event.value(name) for name in TEXT_FIELDS}
    values.update(candidates=[c for c in event.param("candidates").split("\n") if c],
                  target_pick=event.value("target_pick", OTHER), options=set(event.values("options")),
                  thread_id=event.param("thread_id"))
    return values


def spec_data(values: dict, me: Person, timezone: str) -> dict:
    """The intro spec (spec.parse_spec's format) from form values; the introducer is the account."""
    name, email = values["target_name"], values["target_email"]
    if values["target_pick"] != OTHER:
        picked_name, picked_email = parseaddr(values["target_pick"])
        name, email = picked_name or name, picked_email
    options = values["options"]
    return {
        "introducer": {"name": values["your_name"] or me.name, "email": me.email, "timezone": timezone},
        "requester": {"name": values["requester_name"], "email": values["requester_email"],
                      "asked": "ask_requester" not in options, "blurb": values["requester_blurb"],
                      "call_name": values["requester_call_name"]},
        "target": {"name": name, "email": email, "blurb": values["target_blurb"],
                   "call_name": values["target_call_name"],
                   "consent_given": "target_agreed" in options},
        "context": values["context"], "benefit_to_target": values["benefit_to_target"],
        "benefit_to_requester": values["benefit_to_requester"], "shared_connection": values["shared_connection"],
        "source_thread_id": values["thread_id"] or None,
    }


def settings_changes(event: AddonEvent) -> dict:
    """Policy changes from the settings form; values are checked by Policy.from_dict (update_settings)."""
    changes: dict = {}
    for key in STEP_SETTINGS + ("handoff_mode", "handoff_trigger"):
        if event.value(key):
            changes[key] = event.value(key)
    for key in DAY_SETTINGS:
        if event.value(key):
            changes[key] = _whole(event.value(key))
    close = event.value("close_loop_after_days")
    if close:
        changes["close_loop_after_days"] = None if close == CLOSE_LOOP_OFF else _whole(close)
    return changes


def _whole(text: str):
    number = whole_number(text)
    return text if number is None else number  # not a number: Policy names the setting in its error


STEP_CHOICES = [("Draft for me to send", SendMode.DRAFT.value), ("Send automatically", SendMode.SEND.value)]
HANDOFF_MODES = [("Step out: To both, Bcc me, replies leave me out", HandoffMode.STEP_OUT.value),
                 ("Bcc: To the one who acts next, Bcc me and the other", HandoffMode.BCC_ONE.value)]
HANDOFF_TRIGGERS = [("At the first reply", HandoffTrigger.FIRST_REPLY.value),
                    ("When both have replied", HandoffTrigger.BOTH_REPLIED.value),
                    ("Right after the intro", HandoffTrigger.IMMEDIATE.value)]
