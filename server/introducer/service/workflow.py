"""Workflow decisions taken inside one transaction: state changes, what to write next, what to schedule.

Every function here takes the open unit of work and an `After` collector; provider calls happen only
after commit (outbound.run_after).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..domain import compose
from ..domain.business_time import add_business_days, after_return
from ..domain.model import ConsentStatus, IntroSpec, Policy, Role, Step
from ..domain.states import IntroState, transition
from ..mail.port import ThreadMessage
from ..spec import spec_from_stored
from .deps import Deps
from .outbound import After, record


@dataclass
class Ctx:
    """One intro with everything a decision needs."""

    deps: Deps
    uow: object
    account: object
    intro: object
    after: After

    @property
    def spec(self) -> IntroSpec:
        return spec_from_stored(self.intro.spec)

    @property
    def policy(self) -> Policy:
        return Policy.from_dict(self.account.policy)

    @property
    def now(self) -> datetime:
        return self.deps.clock()

    @property
    def tz(self) -> str:
        return self.account.timezone or "UTC"

    def business_days_later(self, days: int, start: datetime | None = None) -> datetime:
        return add_business_days(start or self.now, days, self.tz, self.deps.window)

    def event(self, kind: str, message: str, **detail) -> None:
        self.uow.events.append(self.intro.id, self.account.id, kind, message, detail or None, self.now)

    def consents(self) -> dict:
        """The intro's consents. Change one only together with `touch()`."""
        return {Role(k): v for k, v in self.uow.consents.for_intro(self.intro.id).items()}

    def touch(self) -> None:
        """Bump the intro's version. Consents have no version of their own: two writers that each
        recorded one party's answer, each reading the other's as still open, would otherwise both
        commit and leave every answer in with nobody moving the intro on. With this, the second
        writer fails on the intro and reads again."""
        self.intro.updated_at = self.now

    def party_name(self, role: Role) -> str:
        return self.spec.party(role).person.name


def set_state(ctx: Ctx, wanted: IntroState, why: str) -> None:
    current = IntroState(ctx.intro.state)
    if current is wanted:
        return
    ctx.intro.state = transition(current, wanted).value
    ctx.intro.updated_at = ctx.now
    ctx.event("state_changed", why, previous=current.value, state=wanted.value)
    ctx.after.relabel.add(ctx.intro.id)


def ask(ctx: Ctx, role: Role) -> None:
    """Write the permission request to one party (draft or send per policy)."""
    links = None
    if ctx.policy.consent_links and ctx.deps.consent_links:
        links = ctx.deps.consent_links(ctx.intro.id, role, account_id=ctx.account.id)
    composed = compose.permission_request(ctx.spec, role, ctx.deps.renderer, ctx.policy, consent_links=links)
    record(ctx, composed, ctx.policy.mode_for(Step.PERMISSION_REQUEST))
    verb = "drafted" if ctx.policy.permission_request.value == "draft" else "sending"
    ctx.event("permission_request_recorded", f"Permission request to {ctx.party_name(role)} {verb}.", role=role.value)


def _record_answer(ctx: Ctx, role: Role, status: ConsentStatus, why: str, by_user: bool = False) -> dict:
    """Store a party's answer (bumping the intro's version, so concurrent answers re-read) and log it.

    `by_user`: the introducer recorded it (a phone call, an answer read by hand); the timeline says it
    is their statement, not the party's own answer."""
    ctx.touch()
    consents = ctx.consents()
    consent = consents[role]
    consent.status = status.value
    consent.answered_at = ctx.now
    consent.reason = why
    said = "yes" if status is ConsentStatus.YES else "no"
    name = ctx.party_name(role)
    if by_user:
        ctx.event(f"consent_{said}", f"You recorded that {name} said {said}: your statement, not a reply from "
                                     f"{name}. {why}", role=role.value, source="user")
    else:
        ctx.event(f"consent_{said}", f"{name} said {said}. {why}", role=role.value, source="party")
    _refresh_review_flag(ctx, consents)
    return consents


def consent_given(ctx: Ctx, role: Role, why: str, by_user: bool = False) -> None:
    ctx.uow.due.cancel(ctx.intro.id, None, role.value)
    consents = _record_answer(ctx, role, ConsentStatus.YES, why, by_user)
    required = [c for c in consents.values() if c.status != ConsentStatus.NOT_REQUIRED.value]
    if all(c.status == ConsentStatus.YES.value for c in required) and IntroState(ctx.intro.state) in (
            IntroState.NEW, IntroState.AWAITING_CONSENT):
        set_state(ctx, IntroState.CONSENTED, "Everyone who had to be asked said yes.")
        write_intro(ctx)


def consent_refused(ctx: Ctx, role: Role, why: str, by_user: bool = False) -> None:
    ctx.uow.due.cancel(ctx.intro.id)
    _record_answer(ctx, role, ConsentStatus.NO, why, by_user)
    set_state(ctx, IntroState.DECLINED, f"{ctx.party_name(role)} declined the introduction.")
    # the other party hears back tactfully (drafted by default): nobody is left waiting
    composed = compose.decline_note(ctx.spec, ctx.deps.renderer, ctx.policy, declined_by=role)
    record(ctx, composed, ctx.policy.mode_for(Step.DECLINE_NOTE))


def needs_review(ctx: Ctx, role: Role, why: str, excerpt: str = "") -> None:
    ctx.touch()
    consents = ctx.consents()
    consents[role].status = ConsentStatus.NEEDS_REVIEW.value
    consents[role].reason = why
    ctx.uow.due.cancel(ctx.intro.id, "consent_bump", role.value)
    ctx.intro.needs_review = True
    ctx.after.relabel.add(ctx.intro.id)
    ctx.event("needs_review", f"{ctx.party_name(role)}'s answer needs you: {why}", role=role.value, excerpt=excerpt[:500])


def _refresh_review_flag(ctx: Ctx, consents: dict) -> None:
    flag = any(c.status == ConsentStatus.NEEDS_REVIEW.value for c in consents.values())
    if flag != bool(ctx.intro.needs_review):
        ctx.intro.needs_review = flag
        ctx.after.relabel.add(ctx.intro.id)


def write_intro(ctx: Ctx) -> None:
    composed = compose.intro(ctx.spec, ctx.deps.renderer, ctx.policy)
    record(ctx, composed, ctx.policy.mode_for(Step.INTRO))
    how = "drafted for you to review and send" if ctx.policy.intro.value == "draft" else "being sent"
    ctx.event("intro_recorded", f"The intro is {how}.")


def reply_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def record_reply(ctx: Ctx, composed, to_message: ThreadMessage) -> None:
    """Record a message that answers `to_message` in its thread, under the thread's subject."""
    record(ctx, replace(composed, subject=reply_subject(to_message.subject)),
           ctx.policy.mode_for(composed.step),
           thread_id=to_message.thread_id, reply_to=to_message.as_reply_target())


def post_handoff(ctx: Ctx, to_message: ThreadMessage, next_actor: Role) -> None:
    if any(row.step == Step.HANDOFF.value for row in ctx.uow.outbound.for_intro(ctx.intro.id)):
        return  # one handoff per intro, however many replies arrive before it goes out
    composed = compose.handoff(ctx.spec, ctx.deps.renderer, ctx.policy, next_actor=next_actor)
    record_reply(ctx, composed, to_message)
    ctx.event("handoff_recorded", f"Stepping out of the thread ({ctx.policy.handoff_mode.value}).")


def expire(ctx: Ctx, role: Role) -> None:
    ctx.uow.due.cancel(ctx.intro.id)
    set_state(ctx, IntroState.EXPIRED, f"{ctx.party_name(role)} did not answer, even after a reminder.")
    if role is Role.TARGET:  # the requester is waiting on the target; a silent requester needs no note
        composed = compose.expiry_note(ctx.spec, ctx.deps.renderer, ctx.policy)
        record(ctx, composed, ctx.policy.mode_for(Step.EXPIRY_NOTE))


def snooze_for_auto_reply(ctx: Ctx, role: Role, return_date, why: str) -> None:
    """An out-of-office is never consent; move the bump past the return date when there is one."""
    consent = ctx.consents()[role]
    ctx.touch()
    if return_date is None:
        ctx.event("auto_reply", f"Automatic reply from {ctx.party_name(role)} ({why}); still waiting.", role=role.value)
        return
    when = after_return(return_date, ctx.tz, ctx.deps.window)
    consent.snooze_until = when
    for kind in ("consent_bump", "expire"):
        pending = [w for w in ctx.uow.due.pending_for_intro(ctx.intro.id) if w.kind == kind and w.role == role.value]
        for work in pending:
            if work.due_at < when:
                ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, kind, role.value, when)
    ctx.event("auto_reply", f"{ctx.party_name(role)} is away until {return_date.isoformat()}; "
                            f"the reminder moves to {when.isoformat()}.", role=role.value)

