"""Every email Introducer writes: who receives it, and what its template is told.

The words themselves come from a Renderer (templates a user can edit), so this module decides
recipients and context only. Each function is pure given its renderer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from . import phrasing
from .model import HandoffMode, IntroSpec, Party, Person, Policy, Role, Step


@dataclass(frozen=True)
class RenderedParts:
    """A template's output, before tidying: one-line subject, plain text, HTML."""

    subject: str
    text: str
    html: str


class Renderer(Protocol):
    def render(self, template: str, context: dict) -> RenderedParts:
        """Render the template named after a Step value (e.g. "intro") with the given context."""
        ...


@dataclass(frozen=True)
class Composed:
    """One email ready to be drafted or sent from the introducer's mailbox.

    `role` is the party a per-party message belongs to (the asked party, or the one recipient of a
    private note); None for the intro and the handoff, which belong to both.
    """

    step: Step
    role: Role | None
    to: tuple[Person, ...]
    subject: str
    text: str
    html: str
    cc: tuple[Person, ...] = ()
    bcc: tuple[Person, ...] = ()
    reply_to: tuple[Person, ...] = ()


def greeting_name(who: Person | Party) -> str:
    """The name after "Hi": a party's chosen call name, else a safe guess (see domain.names)."""
    return who.greeting if isinstance(who, Party) else who.first_name


def _person_view(p: Person) -> dict:
    name = greeting_name(p)
    return {"name": p.name, "first_name": name, "call_name": name, "email": p.email}


def _party_view(party: Party) -> dict:
    name = greeting_name(party)
    return {**_person_view(party.person), "first_name": name, "call_name": name,
            "blurb": phrasing.phrase(party.blurb), "about": phrasing.appositive(party.blurb)}


def _benefit(spec: IntroSpec, role: Role) -> str:
    """What the party in `role` gains from meeting the other."""
    return phrasing.phrase(spec.benefit_to_target if role is Role.TARGET else spec.benefit_to_requester)


def variant_seed(spec: IntroSpec) -> int:
    """The number that picks this intro's phrasings: from who is in it, so the preview and every
    later message of the intro read the same (see domain.phrasing).
    """
    return phrasing.variant_seed(spec.introducer.email, spec.requester.person.email,
                                 spec.target.person.email)


def _context(spec: IntroSpec, policy: Policy, step: Step, **extra) -> dict:
    return {
        "step": step.value,
        "introducer": _person_view(spec.introducer),
        "requester": _party_view(spec.requester),
        "target": _party_view(spec.target),
        "context": phrasing.phrase(spec.context),
        "benefit_to_target": phrasing.phrase(spec.benefit_to_target),
        "benefit_to_requester": phrasing.phrase(spec.benefit_to_requester),
        "shared_connection": " ".join(spec.shared_connection.split()),
        "subject_style": policy.subject_style.value,
        "seed": variant_seed(spec),
        **extra,
    }


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _tidy_text(value: str) -> str:
    # Templates are edited by hand: trailing spaces and stray blank lines should not reach people.
    lines = [line.rstrip() for line in value.strip().splitlines()]
    return phrasing.undouble(re.sub(r"\n{3,}", "\n\n", "\n".join(lines))) + "\n"


def _compose(step: Step, role: Role | None, renderer: Renderer, context: dict,
             to: tuple[Person, ...], bcc: tuple[Person, ...] = (),
             reply_to: tuple[Person, ...] = ()) -> Composed:
    parts = renderer.render(step.value, context)
    return Composed(step=step, role=role, to=to, subject=_one_line(parts.subject),
                    text=_tidy_text(parts.text), html=phrasing.undouble(parts.html.strip()) + "\n",
                    bcc=bcc, reply_to=reply_to)


def _checked_links(links: dict | None) -> dict | None:
    if links is None:
        return None
    if set(links) != {"yes", "no"}:
        raise ValueError("consent_links needs exactly a 'yes' and a 'no' link")
    for answer, url in links.items():
        # Only web links: a javascript: or data: URL in an email is never legitimate.
        if not isinstance(url, str) or urlsplit(url).scheme not in ("https", "http") \
                or any(ch.isspace() for ch in url):
            raise ValueError(f"consent_links[{answer!r}] is not an http(s) link")
    return dict(links)


def permission_request(spec: IntroSpec, role: Role, renderer: Renderer, policy: Policy,
                       consent_links: dict | None = None) -> Composed:
    """The opt-in ask to the party in `role`, To that party only.

    `consent_links` ({"yes": url, "no": url}) adds one-click answers to the message.
    """
    asked, other = spec.party(role), spec.party(role.other)
    ctx = _context(spec, policy, Step.PERMISSION_REQUEST, role=role.value,
                   asked=_party_view(asked), other=_party_view(other),
                   benefit=_benefit(spec, role), consent_links=_checked_links(consent_links))
    return _compose(Step.PERMISSION_REQUEST, role, renderer, ctx, to=(asked.person,))


def intro(spec: IntroSpec, renderer: Renderer, policy: Policy) -> Composed:
    """The introduction itself: To both parties, nobody in Cc or Bcc."""
    ctx = _context(spec, policy, Step.INTRO)
    return _compose(Step.INTRO, None, renderer, ctx,
                    to=(spec.requester.person, spec.target.person))


def handoff(spec: IntroSpec, renderer: Renderer, policy: Policy,
            next_actor: Role = Role.REQUESTER) -> Composed:
    """The introducer stepping out of the intro thread, per policy.handoff_mode.

    step_out: To both parties, Bcc the introducer. bcc_one: To `next_actor`, Bcc the introducer and
    the other party. Either way Reply-To is both parties, so whoever answers leaves the introducer
    out (in bcc_one a plain reply would otherwise go back to the introducer, the sender).
    """
    nxt, other = spec.party(next_actor), spec.party(next_actor.other)
    ctx = _context(spec, policy, Step.HANDOFF, mode=policy.handoff_mode.value,
                   next_actor=_party_view(nxt), other=_party_view(other),
                   thread_subject=intro(spec, renderer, policy).subject)
    both = (spec.requester.person, spec.target.person)
    if policy.handoff_mode is HandoffMode.BCC_ONE:
        to, bcc = (nxt.person,), (spec.introducer, other.person)
    else:
        to, bcc = both, (spec.introducer,)
    return _compose(Step.HANDOFF, None, renderer, ctx, to=to, bcc=bcc, reply_to=both)


def consent_bump(spec: IntroSpec, role: Role, renderer: Renderer, policy: Policy) -> Composed:
    """The one polite bump in the permission-request thread, To the asked party."""
    asked, other = spec.party(role), spec.party(role.other)
    ctx = _context(spec, policy, Step.CONSENT_BUMP, role=role.value,
                   asked=_party_view(asked), other=_party_view(other),
                   benefit=_benefit(spec, role),
                   thread_subject=permission_request(spec, role, renderer, policy).subject)
    return _compose(Step.CONSENT_BUMP, role, renderer, ctx, to=(asked.person,))


def requester_reminder(spec: IntroSpec, renderer: Renderer, policy: Policy) -> Composed:
    """A private reminder in the intro thread, To the requester only."""
    ctx = _context(spec, policy, Step.REQUESTER_REMINDER,
                   thread_subject=intro(spec, renderer, policy).subject)
    return _compose(Step.REQUESTER_REMINDER, Role.REQUESTER, renderer, ctx,
                    to=(spec.requester.person,))


def close_loop(spec: IntroSpec, renderer: Renderer, policy: Policy) -> Composed:
    """The check-in some days after the handoff, To the requester."""
    ctx = _context(spec, policy, Step.CLOSE_LOOP)
    return _compose(Step.CLOSE_LOOP, Role.REQUESTER, renderer, ctx, to=(spec.requester.person,))


def decline_note(spec: IntroSpec, renderer: Renderer, policy: Policy, declined_by: Role) -> Composed:
    """A tactful note to the other party when one party says no.

    When the target declines this goes To the requester. When the requester declines (full double
    opt-in) it goes To the target, who was asked or had agreed, so they are not left waiting.
    """
    recipient, decliner = spec.party(declined_by.other), spec.party(declined_by)
    ctx = _context(spec, policy, Step.DECLINE_NOTE, declined_by=declined_by.value,
                   decliner=_party_view(decliner), recipient=_party_view(recipient))
    return _compose(Step.DECLINE_NOTE, declined_by.other, renderer, ctx, to=(recipient.person,))


def expiry_note(spec: IntroSpec, renderer: Renderer, policy: Policy) -> Composed:
    """Tells the requester kindly that the target did not answer; drafted for the introducer."""
    ctx = _context(spec, policy, Step.EXPIRY_NOTE)
    return _compose(Step.EXPIRY_NOTE, Role.REQUESTER, renderer, ctx, to=(spec.requester.person,))
