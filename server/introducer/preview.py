"""Every email an intro would produce, rendered without touching a mailbox: the review screen's data.

`preview(spec_data)` returns
    permission_requests: one per party to ask (spec.roles_to_ask())
    intro, handoff:      the intro, and the handoff replying in its thread (per policy.handoff_mode)
    nudges:              consent_bump per asked party (replying to its permission request),
                         requester_reminder (replying to the intro), close_loop (when the policy
                         has a check-in)
    notes:               decline_note for each party that could say no, and expiry_note when anyone
                         is asked: drafted for the introducer only if that happens, shown here so the
                         wording can be reviewed too
    lint:                the etiquette findings (lint_spec + lint_intro + lint_permission_requests), as dicts: code, severity,
                         message
Each message is a dict: step, role, to, cc, bcc, reply_to (plain addresses), subject, text, html and
raw, the RFC 5322 message as mail.mime.build_message creates it, with the outbound key
`preview:{step}:{role}` ("all" for messages to both parties) and its deterministic Message-ID.
"""
from __future__ import annotations

from datetime import datetime, timezone

from .domain import compose
from .domain.compose import Composed, Renderer
from .domain.lint import lint_intro, lint_permission_requests, lint_spec
from .domain.model import IntroSpec, Person, Role
from .mail.mime import build_message, message_id_for
from .mail.port import OutgoingMessage, ReplyTarget
from .spec import parse_policy, parse_spec
from .templating import JinjaRenderer

# Where the one-click consent links of a preview point: a reserved name, so they can never work.
PREVIEW_LINK_BASE = "https://introducer.invalid/consent/preview"


def _key(composed: Composed) -> str:
    return f"preview:{composed.step.value}:{composed.role.value if composed.role else 'all'}"


def _addresses(people: tuple[Person, ...]) -> list[str]:
    return [p.email for p in people]


class _Messages:
    """Builds preview messages from one sender at one time, remembering each key's Message-ID."""

    def __init__(self, spec: IntroSpec, now: datetime) -> None:
        self.spec = spec
        self.now = now
        self.domain = spec.introducer.email.rsplit("@", 1)[1]

    def message_id(self, composed: Composed) -> str:
        return message_id_for(_key(composed), self.domain)

    def reply_to(self, parent: Composed) -> ReplyTarget:
        mid = self.message_id(parent)
        return ReplyTarget(provider_id=_key(parent), internet_message_id=mid, references=(mid,))

    def message(self, composed: Composed, in_reply_to: Composed | None = None) -> dict:
        outgoing = OutgoingMessage(
            key=_key(composed), to=composed.to, subject=composed.subject, text=composed.text,
            html=composed.html, cc=composed.cc, bcc=composed.bcc,
            reply_to_addresses=composed.reply_to,
            reply_to=self.reply_to(in_reply_to) if in_reply_to is not None else None)
        raw = build_message(outgoing, sender=self.spec.introducer, date=self.now)
        return {
            "step": composed.step.value,
            "role": composed.role.value if composed.role else None,
            "to": _addresses(composed.to),
            "cc": _addresses(composed.cc),
            "bcc": _addresses(composed.bcc),
            "reply_to": _addresses(composed.reply_to),
            "subject": composed.subject,
            "text": composed.text,
            "html": composed.html,
            "raw": raw.as_string(),
        }


def preview(spec_data: dict, renderer: Renderer | None = None, now: datetime | None = None) -> dict:
    """All messages of the intro described by `spec_data`; raises spec.SpecError if it is invalid."""
    spec = parse_spec(spec_data)
    policy = parse_policy(spec_data.get("policy"))
    renderer = renderer or JinjaRenderer()
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    messages = _Messages(spec, now)

    links = None
    if policy.consent_links:
        links = {"yes": f"{PREVIEW_LINK_BASE}?answer=yes", "no": f"{PREVIEW_LINK_BASE}?answer=no"}
    asked = spec.roles_to_ask()
    requests = {role: compose.permission_request(spec, role, renderer, policy, consent_links=links)
                for role in asked}
    the_intro = compose.intro(spec, renderer, policy)

    nudges = [messages.message(compose.consent_bump(spec, role, renderer, policy), requests[role])
              for role in asked]
    nudges.append(messages.message(compose.requester_reminder(spec, renderer, policy), the_intro))
    if policy.close_loop_after_days:
        nudges.append(messages.message(compose.close_loop(spec, renderer, policy)))

    notes = [messages.message(compose.decline_note(spec, renderer, policy, declined_by=role))
             for role in asked]
    if asked:
        notes.append(messages.message(compose.expiry_note(spec, renderer, policy)))

    return {
        "permission_requests": [messages.message(requests[role]) for role in asked],
        "intro": messages.message(the_intro),
        "handoff": messages.message(compose.handoff(spec, renderer, policy, Role.REQUESTER), the_intro),
        "nudges": nudges,
        "notes": notes,
        "lint": [finding.as_dict()
                 for finding in lint_spec(spec) + lint_intro(spec, the_intro)
                 + lint_permission_requests(spec, requests)],
    }
