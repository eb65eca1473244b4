"""What happens once a message exists: a draft waits for the user, a sent message moves the intro on.

A message counts as sent either when Introducer sent it (policy "send") or when the user sent our draft
from their mailbox, which ingest notices (`message_sent`).
"""
from __future__ import annotations

from ..domain.model import ConsentStatus, Role, Step
from sqlalchemy import select

from ..domain.states import ALL_LABELS, NEEDS_REVIEW_LABEL, IntroState
from ..mail.port import Created, MailboxError, NotFound
from ..store.models import Intro, Outbound, TrackedThread
from ..crashpoints import crash_point
from . import drafts
from .deps import Deps, log
from .outbound import THREAD_PURPOSE, After, run_after
from .workflow import Ctx, set_state


def _ctx(deps: Deps, uow, row: Outbound, after: After) -> Ctx:
    account = uow.accounts.get(row.account_id)
    intro = uow.intros.get(row.intro_id, row.account_id)
    return Ctx(deps, uow, account, intro, after)


def outbound_done(deps: Deps, outbound_id: int, created: Created, sent: bool) -> None:
    after = After()
    with deps.uow() as uow:
        row = uow.session.get(Outbound, outbound_id)
        purpose = THREAD_PURPOSE[Step(row.step)].format(role=row.role)
        # before the row changes (tracking and loading flush the session): its changes go in one UPDATE
        new_thread = uow.intros.track_thread(row.account_id, created.thread_id, row.intro_id, purpose)
        ctx = _ctx(deps, uow, row, after)
        row.claimed_until = None
        row.provider_id = created.provider_id
        row.thread_id = created.thread_id
        row.internet_message_id = created.internet_message_id
        row.updated_at = deps.clock()
        if new_thread and created.labels is not None:  # the thread was created carrying them
            uow.intros.set_thread_labels(row.intro_id, created.thread_id, sorted(created.labels))
        if sent:
            message_sent(ctx, row)
        else:
            row.status = "drafted"
            row.draft_id = created.draft_id
            ctx.event(f"{row.step}_drafted", f"{describe(row)} is in your drafts, ready for you to review and send.",
                      role=row.role, thread_id=created.thread_id, draft_id=created.draft_id)
            after.relabel.add(row.intro_id)
            drafts.schedule_check(ctx)
        crash_point("send.before_commit")
        uow.commit()
        account_id = row.account_id
    crash_point("send.after_commit")
    run_after(deps, after)
    if new_thread and sent:
        # Replies may have come in before the thread was tracked (a crash between the send and this
        # commit leaves that gap open until the lease runs out), and a sync that saw them then passed
        # them by: read the new thread once now.
        from .ingest import process_thread

        process_thread(deps, account_id, created.thread_id)


def message_sent(ctx: Ctx, row: Outbound, sent_at=None) -> None:
    """Record that an outbound message went out and take the step it unlocks."""
    if row.status == "sent":
        return
    drafts.settled(ctx, row)
    if row.status == "drafted" and row.thread_id:
        # sending replaced the labelled draft with a new, unlabelled message: label the thread again
        ctx.uow.intros.set_thread_labels(ctx.intro.id, row.thread_id, [])
    row.status = "sent"
    row.sent_at = sent_at or ctx.now
    step = Step(row.step)
    role = Role(row.role) if row.role else None
    policy = ctx.policy
    ctx.event(f"{row.step}_sent", f"{describe(row)} was sent.", role=row.role, thread_id=row.thread_id)
    ctx.after.relabel.add(ctx.intro.id)
    if IntroState(ctx.intro.state).is_final:
        return  # e.g. a draft of a cancelled intro sent anyway: recorded, but nothing more is scheduled
    if step is Step.PERMISSION_REQUEST:
        consent = ctx.consents()[role]
        consent.asked_at = row.sent_at
        consent.thread_id = row.thread_id
        if IntroState(ctx.intro.state) is IntroState.NEW:
            set_state(ctx, IntroState.AWAITING_CONSENT, "The permission request went out.")
        if consent.status == ConsentStatus.PENDING.value:
            ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, "consent_bump", role.value,
                                 ctx.business_days_later(policy.consent_nudge_after_days, row.sent_at))
    elif step is Step.CONSENT_BUMP:
        ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, "expire", role.value,
                             ctx.business_days_later(policy.expire_after_bump_days, row.sent_at))
    elif step is Step.INTRO:
        ctx.intro.intro_thread_id = row.thread_id
        set_state(ctx, IntroState.INTRODUCED, "The intro went out to both parties.")
        ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, "requester_reminder", Role.REQUESTER.value,
                             ctx.business_days_later(policy.requester_reminder_after_days, row.sent_at))
        if policy.handoff_trigger.value == "immediate":
            ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, "handoff", None, ctx.now)
    elif step is Step.HANDOFF:
        ctx.uow.due.cancel(ctx.intro.id, "requester_reminder")
        set_state(ctx, IntroState.HANDED_OFF, "Introducer stepped out of the thread.")
        if policy.close_loop_after_days:
            ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, "close_loop", Role.REQUESTER.value,
                                 ctx.business_days_later(policy.close_loop_after_days, row.sent_at))
        else:
            set_state(ctx, IntroState.COMPLETED, "No check-in is configured: the loop is closed.")
    elif step is Step.CLOSE_LOOP:
        set_state(ctx, IntroState.COMPLETED, "Checked in with the requester: the loop is closed.")


def outbound_failed(deps: Deps, outbound_id: int, error: str) -> None:
    after = After()
    with deps.uow() as uow:
        row = uow.session.get(Outbound, outbound_id)
        row.status = "failed"
        row.claimed_until = None
        row.last_error = error[:500]
        ctx = _ctx(deps, uow, row, after)
        ctx.intro.needs_review = True
        ctx.event("send_failed", f"{describe(row)} could not be created: {error}", role=row.role)
        uow.commit()
    log.error("outbound %s failed: %s", row.key, error)


def outbound_dropped(deps: Deps, outbound_id: int, state: str) -> None:
    """A recorded message the intro has moved past (declined, cancelled, …): it is never created or sent."""
    with deps.uow() as uow:
        row = uow.session.get(Outbound, outbound_id)
        row.status = "cancelled"
        row.claimed_until = None
        row.updated_at = deps.clock()
        ctx = _ctx(deps, uow, row, After())
        ctx.event(f"{row.step}_dropped", f"{describe(row)} was not sent: the intro is {state} now.", role=row.role)
        uow.commit()


def mark_reconnect(deps: Deps, account_id: int, why: str) -> None:
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is not None and account.status == "active":
            account.status = "reconnect_needed"
            account.updated_at = deps.clock()
            uow.commit()
    log.warning("account %s needs to reconnect: %s", account_id, why)


def wanted_labels(intro: Intro) -> list[str]:
    return sorted({IntroState(intro.state).label} | ({NEEDS_REVIEW_LABEL} if intro.needs_review else set()))


def relabel(deps: Deps, intro_id: int) -> None:
    """Make the intro's threads carry exactly the label of its state (and Needs review while it needs you).

    Only threads whose recorded labels differ from the wanted ones are changed, each in one provider
    call that adds the wanted labels and removes every other Introducer label: applying it twice does
    nothing more, so a crash after the mailbox change but before the labels were recorded is repaired by
    doing it again (every sync of the thread and the sweep `relabel_drifted` ask for that), and a label
    left by an earlier crash is removed whatever the record says. A thread that no longer exists
    carries nothing and is recorded as done. The record goes along (`present`): a mailbox may learn from
    it of a label another process made.
    """
    with deps.uow() as uow:
        intro = uow.session.get(Intro, intro_id)
        account = uow.accounts.get(intro.account_id)
        applied = uow.intros.thread_labels(intro.id)
        wanted = wanted_labels(intro)
    if account is None or account.status != "active":
        return
    mailbox = deps.mailboxes(account)
    done: dict[str, list[str]] = {}
    for thread_id, have in applied.items():
        if sorted(have) == wanted:
            continue
        try:
            mailbox.change_labels(thread_id, add=wanted, remove=[n for n in ALL_LABELS if n not in wanted],
                                  present=have)
            crash_point("relabel.after_provider")
        except NotFound:
            pass  # e.g. the thread of a draft that was deleted when it was sent from another app
        except MailboxError as exc:  # labels mirror state; a failure here must not stop the workflow
            log.warning("labels for intro %s not updated: %s", intro_id, exc)
            break
        done[thread_id] = wanted
    if done:
        with deps.uow() as uow:
            for thread_id, labels in done.items():
                uow.intros.set_thread_labels(intro_id, thread_id, labels)
            uow.commit()


def relabel_drifted(deps: Deps, limit: int = 200) -> int:
    """Sweep: relabel the most recently changed intros whose threads' recorded labels are not the wanted
    ones (a relabel lost to a crash after its transaction committed); returns how many were relabelled."""
    with deps.uow() as uow:
        recent = select(Intro.id).order_by(Intro.updated_at.desc(), Intro.id.desc()).limit(limit).subquery()
        rows = uow.session.execute(
            select(Intro, TrackedThread.labels).join(TrackedThread, TrackedThread.intro_id == Intro.id)
            .where(Intro.id.in_(select(recent.c.id)))).all()
        drifted = sorted({intro.id for intro, labels in rows if sorted(labels or []) != wanted_labels(intro)})
    for intro_id in drifted:
        relabel(deps, intro_id)
    return len(drifted)


_NAMES = {
    Step.PERMISSION_REQUEST: "The permission request to {party}",
    Step.CONSENT_BUMP: "The reminder to {party}",
    Step.INTRO: "The intro",
    Step.HANDOFF: "The handoff",
    Step.REQUESTER_REMINDER: "The reminder to the requester",
    Step.CLOSE_LOOP: "The check-in",
    Step.DECLINE_NOTE: "The note to the requester",
    Step.EXPIRY_NOTE: "The note to the requester",
}


def describe(row: Outbound) -> str:
    to = ", ".join(p["name"] or p["email"] for p in row.payload.get("to", []))
    return _NAMES[Step(row.step)].format(party=to)
