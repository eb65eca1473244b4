"""Exactly-once outbound messages.

Protocol (DESIGN §5): a message is first recorded as a `pending` Outbound row with its deterministic key,
in the same transaction as the decision that wants it. After commit, `perform` claims the row with a
conditional UPDATE (attempts+1, a lease), calls the provider, and records the result. If the process dies
after the provider call but before that last commit, the row is still pending with attempts > 0: the next
`perform` first looks the key up in the mailbox (`find_by_key`, the X-Introducer-Key header / Message-ID)
and adopts what it finds instead of sending again. No duplicate send, no lost send.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, update

from ..domain.compose import Composed
from ..domain.message_keys import MessageKeys
from ..domain.model import Person, Role, SendMode, Step
from ..domain.states import IntroState
from ..mail.port import (Created, MailboxError, NotFound, OutgoingMessage, ReconnectNeeded, ReplyTarget,
                         TransientMailboxError)
from ..store.models import Intro, Outbound
from ..crashpoints import crash_point
from .deps import Deps, log

LEASE = Deps.lease  # the default; INTRODUCER_LEASE_SECONDS sets Deps.lease
RETRY_AFTER = timedelta(minutes=1)

THREAD_PURPOSE = {
    Step.PERMISSION_REQUEST: "permission:{role}",
    Step.CONSENT_BUMP: "permission:{role}",
    Step.INTRO: "intro",
    Step.HANDOFF: "intro",
    Step.REQUESTER_REMINDER: "intro",
    Step.CLOSE_LOOP: "note",
    Step.DECLINE_NOTE: "note",
    Step.EXPIRY_NOTE: "note",
}

_ASKING = frozenset({IntroState.NEW, IntroState.AWAITING_CONSENT})
WRITTEN_FOR = {  # the states in which each message still makes sense
    Step.PERMISSION_REQUEST: _ASKING,
    Step.CONSENT_BUMP: _ASKING,
    Step.INTRO: frozenset({IntroState.CONSENTED}),
    Step.HANDOFF: frozenset({IntroState.INTRODUCED}),
    Step.REQUESTER_REMINDER: frozenset({IntroState.INTRODUCED}),
    Step.CLOSE_LOOP: frozenset({IntroState.HANDED_OFF}),
    Step.DECLINE_NOTE: frozenset({IntroState.DECLINED}),
    Step.EXPIRY_NOTE: frozenset({IntroState.EXPIRED}),
}


def still_wanted(state: str, step: str) -> bool:
    """Whether a message recorded earlier may still be created or sent now that the intro is in `state`
    (a permission request held back by the provider must not go out after the other party declined)."""
    return IntroState(state) in WRITTEN_FOR[Step(step)]


def message_name(intro_id: int, step: Step, role: Role | None, generation: int = 0) -> str:
    """What the message is, readably: `intro-<id>:<step>:<role>` (the key before keys became MACs)."""
    base = f"intro-{intro_id}:{step.value}:{role.value if role else 'all'}"
    return base if generation == 0 else f"{base}:{generation}"


def outbound_key(keys: MessageKeys, intro_id: int, step: Step, role: Role | None, generation: int = 0) -> str:
    """The message's exactly-once key: a MAC of its name (see domain/message_keys.py), so neither it nor the
    Message-ID derived from it can be guessed from the intro id."""
    return keys.key(message_name(intro_id, step, role, generation))


@dataclass
class After:
    """Provider work decided inside a transaction, done once it has committed."""

    outbound_ids: list[int] = field(default_factory=list)
    relabel: set[int] = field(default_factory=set)  # intro ids whose thread labels must follow their state


def _people(items) -> list[dict]:
    return [{"name": p.name, "email": p.email} for p in items]


def _unpeople(items) -> tuple[Person, ...]:
    return tuple(Person(i["name"], i["email"]) for i in items or ())


def record(ctx, composed: Composed, mode: SendMode, *,
           thread_id: str | None = None, reply_to: ReplyTarget | None = None, generation: int = 0) -> Outbound:
    """Record the message as pending (idempotent per key) and queue it for after commit.

    `ctx` is the workflow's Ctx (its unit of work, intro, After and Deps)."""
    uow, intro, after = ctx.uow, ctx.intro, ctx.after
    name = message_name(intro.id, composed.step, composed.role, generation)
    key = ctx.deps.message_keys.key(name)
    # a message recorded before keys became MACs keeps its readable key: never record it twice
    existing = uow.outbound.by_keys(key, name)
    if existing:
        return existing[0]
    row = Outbound(
        account_id=intro.account_id, intro_id=intro.id, key=key, step=composed.step.value,
        role=composed.role.value if composed.role else None, mode=mode.value, status="pending",
        thread_id=thread_id, attempts=0,
        payload={
            "to": _people(composed.to), "cc": _people(composed.cc), "bcc": _people(composed.bcc),
            "reply_to": _people(composed.reply_to), "subject": composed.subject, "text": composed.text,
            "html": composed.html,
            "reply_target": None if reply_to is None else {
                "provider_id": reply_to.provider_id, "internet_message_id": reply_to.internet_message_id,
                "references": list(reply_to.references)},
        },
    )
    uow.outbound.add(row)
    uow.session.flush()
    after.outbound_ids.append(row.id)
    return row


def message_of(row: Outbound, labels: tuple[str, ...] = ()) -> OutgoingMessage:
    p = row.payload
    rt = p.get("reply_target")
    return OutgoingMessage(
        key=row.key, to=_unpeople(p["to"]), cc=_unpeople(p["cc"]), bcc=_unpeople(p["bcc"]),
        reply_to_addresses=_unpeople(p["reply_to"]), subject=p["subject"], text=p["text"], html=p.get("html"),
        thread_id=row.thread_id,
        reply_to=None if rt is None else ReplyTarget(rt["provider_id"], rt["internet_message_id"],
                                                     tuple(rt["references"])),
        labels=labels,
    )


def _claim(deps: Deps, outbound_id: int):
    """The row, its account, the intro's state and the labels its threads should carry; Nones if taken."""
    from .progress import wanted_labels

    now = deps.clock()
    with deps.uow() as uow:
        row = uow.session.scalars(
            update(Outbound)
            .where(Outbound.id == outbound_id, Outbound.status == "pending",
                   or_(Outbound.claimed_until.is_(None), Outbound.claimed_until < now))
            .values(attempts=Outbound.attempts + 1, claimed_until=now + deps.lease, updated_at=now)
            .returning(Outbound)
            .execution_options(populate_existing=True)  # the row as the UPDATE left it
        ).first()
        if row is None:
            return None, None, None, ()
        account = uow.accounts.get(row.account_id)
        intro = uow.session.get(Intro, row.intro_id)
        state, labels = intro.state, tuple(wanted_labels(intro))
        uow.commit()
        return row, account, state, labels


def perform(deps: Deps, outbound_id: int) -> None:
    """Create or send one recorded message, exactly once; then apply what that step causes."""
    from . import progress  # the consequences of a sent/drafted step live with the workflow

    row, account, state, labels = _claim(deps, outbound_id)
    if row is None:
        return
    obsolete = not still_wanted(state, row.step)
    if obsolete and row.attempts == 1 and not row.draft_id:  # never reached the provider: nothing to look up
        progress.outbound_dropped(deps, outbound_id, state)
        return
    if account is None or account.status != "active":
        _release(deps, outbound_id, "account needs to reconnect", RETRY_AFTER * 10)
        return
    mailbox = deps.mailboxes(account)
    try:
        crash_point("send.before_provider")
        delivered = _deliver(mailbox, row, obsolete, labels)
        crash_point("send.after_provider")
    except TransientMailboxError as exc:
        log.warning("outbound %s: provider busy (%s); retrying later", row.key, exc)
        _release(deps, outbound_id, str(exc), RETRY_AFTER)
        return
    except ReconnectNeeded as exc:
        progress.mark_reconnect(deps, account.id, str(exc))
        _release(deps, outbound_id, str(exc), RETRY_AFTER * 10)
        return
    except (MailboxError, ValueError) as exc:
        progress.outbound_failed(deps, outbound_id, str(exc))
        return
    if delivered is None:
        progress.outbound_dropped(deps, outbound_id, state)
        return
    progress.outbound_done(deps, outbound_id, *delivered)


def _deliver(mailbox, row: Outbound, obsolete: bool = False,
             labels: tuple[str, ...] = ()) -> tuple[Created, bool] | None:
    """The provider call, guarded against a previous attempt that may already have reached the provider.

    An obsolete message (the intro moved on since it was recorded) is only adopted as it stands: None
    when there is nothing to adopt."""
    if row.attempts > 1 or row.draft_id:
        found = mailbox.find_by_key(row.key, row.thread_id)
        if found is not None and not found.is_draft:
            return Created(found.provider_id, found.thread_id, found.internet_message_id), True
        if found is not None and (row.mode == SendMode.DRAFT.value or obsolete):
            return Created(found.provider_id, found.thread_id, found.internet_message_id, found.draft_id), False
        if found is not None and found.draft_id:
            return mailbox.send_draft(found.draft_id), True
    if obsolete:
        return None
    if row.mode == SendMode.DRAFT.value:
        return mailbox.create_draft(message_of(row, labels)), False
    if row.draft_id:
        try:
            return mailbox.send_draft(row.draft_id), True
        except NotFound:
            pass  # the user deleted the draft: send a fresh copy of the same message
    return mailbox.send(message_of(row, labels)), True


def _release(deps: Deps, outbound_id: int, error: str, delay: timedelta) -> None:
    with deps.uow() as uow:
        row = uow.session.get(Outbound, outbound_id)
        row.claimed_until = deps.clock() + delay
        row.last_error = error[:500]
        uow.commit()


def run_after(deps: Deps, after: After) -> None:
    """Do the provider work a committed transaction asked for (each step may queue more)."""
    from . import progress

    while after.outbound_ids or after.relabel:
        if deps.stopping.is_set():  # these stay pending and unclaimed: the next sweep anywhere sends them
            after.outbound_ids.clear()
        if after.outbound_ids:
            perform(deps, after.outbound_ids.pop(0))
        elif after.relabel:
            progress.relabel(deps, after.relabel.pop())


def retry_pending(deps: Deps, limit: int = 50) -> int:
    """Sweep: perform pending rows whose lease ran out (crash recovery and provider back-off)."""
    now = deps.clock()
    with deps.uow() as uow:
        ids = uow.outbound.retryable(now, limit)
    for oid in ids:
        if deps.stopping.is_set():
            break
        perform(deps, oid)
    return len(ids)
