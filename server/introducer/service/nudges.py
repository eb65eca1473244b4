"""Dispatch due work: consent bumps, expiry, requester reminders, immediate handoffs, close-the-loop check-ins.

Due work lives in the database (a due time on a row); ticks claim due rows (SKIP LOCKED on PostgreSQL).
Before anything is sent the thread is read again and ingested: a reply that landed a moment ago cancels
the work, so nobody who already answered is nudged.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..domain import compose
from ..domain.address import same_address
from ..domain.business_time import is_business_time, next_send_time
from ..domain.model import ConsentStatus, Role
from ..domain.states import IntroState
from ..mail.port import ThreadMessage
from ..store.models import Account, DueWork
from .deps import Deps, log
from .drafts import KIND as DRAFT_CHECK
from .drafts import check_drafts
from .ingest import human_reply, read_and_process
from .outbound import After, record, run_after
from .workflow import Ctx, expire, post_handoff, record_reply

CLAIM_BATCH = 5  # rows claimed at a time: other workers share what is due, and a stop gives back little


@dataclass(frozen=True)
class _Claimed:
    work_id: int
    kind: str
    account: Account | None
    thread_id: str | None  # the thread read (and ingested) before acting


def dispatch_due(deps: Deps, limit: int = 50) -> int:
    """Claim due rows a few at a time and handle them, up to `limit`; returns how many were claimed."""
    taken = 0
    while taken < limit and not deps.stopping.is_set():
        claimed = _claim(deps, min(CLAIM_BATCH, limit - taken))
        if not claimed:
            break
        taken += len(claimed)
        for index, item in enumerate(claimed):
            if deps.stopping.is_set():  # asked to stop: give the rest back now rather than when the lease ends
                _hand_back(deps, [left.work_id for left in claimed[index:]])
                break
            try:
                check_drafts(deps, item.work_id) if item.kind == DRAFT_CHECK else _handle(deps, item)
            except Exception as exc:  # one broken row must not stop the others; it is retried later
                log.exception("due work %s (%s) failed", item.work_id, item.kind)
                with deps.uow() as uow:
                    work = uow.session.get(DueWork, item.work_id)
                    uow.due.release(work, str(exc)[:500], deps.clock() + timedelta(minutes=5))
                    uow.commit()
    return taken


def _claim(deps: Deps, limit: int) -> list[_Claimed]:
    """Claim due rows and, in the same transaction, what handling each needs first (its account and thread)."""
    with deps.uow() as uow:
        works = uow.due.claim(deps.clock(), deps.worker_id, limit, deps.long_lease)
        nudging = [w for w in works if w.kind != DRAFT_CHECK]
        intros = uow.intros.by_ids({w.intro_id for w in nudging})
        consents = uow.consents.for_intros({w.intro_id for w in nudging if w.kind in ASKED_THREAD})
        claimed = [_Claimed(w.id, w.kind, uow.accounts.get(w.account_id), _thread_for(w, intros, consents))
                   for w in works]
        uow.commit()
    return claimed


def _hand_back(deps: Deps, work_ids: list[int]) -> None:
    """Release claimed rows untouched (same due time, no error), so another worker takes them at once."""
    with deps.uow() as uow:
        for work_id in work_ids:
            work = uow.session.get(DueWork, work_id)
            uow.due.release(work, None, work.due_at)
        uow.commit()


ASKED_THREAD = ("consent_bump", "expire")  # work about a party's answer: read that party's permission thread


def _thread_for(work: DueWork, intros: dict, consents: dict) -> str | None:
    if work.kind == DRAFT_CHECK or work.intro_id not in intros:
        return None
    if work.kind in ASKED_THREAD:
        consent = consents.get((work.intro_id, work.role))
        return consent.thread_id if consent is not None else None
    return intros[work.intro_id].intro_thread_id


def _handle(deps: Deps, claimed: _Claimed) -> None:
    account, thread_id = claimed.account, claimed.thread_id
    if account is None or account.status != "active":
        return
    mailbox = deps.mailboxes(account)
    thread: list[ThreadMessage] = []
    if thread_id:
        # one read: a fresh reply in it is ingested first (and cancels this work), then it decides the nudge
        thread = read_and_process(deps, account.id, thread_id, mailbox)
        if not thread:  # not read for now, or gone: reading again raises why, and the work is retried later
            thread = mailbox.read_thread(thread_id)
    after = After()
    with deps.uow() as uow:
        work = uow.session.get(DueWork, claimed.work_id)
        if work.status != "pending":
            return
        account = uow.accounts.get(work.account_id)
        intro = uow.intros.get(work.intro_id, work.account_id)
        ctx = Ctx(deps, uow, account, intro, after)
        now = ctx.now
        if work.kind != "handoff" and not is_business_time(now, ctx.tz, deps.window):
            uow.due.schedule(account.id, intro.id, work.kind, work.role, next_send_time(now, ctx.tz, deps.window))
        else:
            _act(ctx, work, thread)
            uow.due.complete(work)
        uow.commit()
    run_after(deps, after)


def _act(ctx: Ctx, work: DueWork, thread: list[ThreadMessage]) -> None:
    state = IntroState(ctx.intro.state)
    role = Role(work.role) if work.role else None
    ours = [m for m in thread if m.from_me and not m.is_draft]
    if work.kind in ("consent_bump", "expire"):
        consent = ctx.consents()[role]
        if state is not IntroState.AWAITING_CONSENT or consent.status != ConsentStatus.PENDING.value:
            return
        if consent.snooze_until and consent.snooze_until > ctx.now:
            ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, work.kind, work.role, consent.snooze_until)
            return
        if work.kind == "expire":
            expire(ctx, role)
        elif ours:
            composed = compose.consent_bump(ctx.spec, role, ctx.deps.renderer, ctx.policy)
            _nudge(ctx, composed, ours[-1])
    elif work.kind == "requester_reminder":
        requester = ctx.spec.requester.person.email
        if state is IntroState.INTRODUCED and ours and not any(
                same_address(m.sender.email, requester) and human_reply(m)
                for m in thread if not m.from_me and not m.is_draft):
            _nudge(ctx, compose.requester_reminder(ctx.spec, ctx.deps.renderer, ctx.policy), ours[0])
    elif work.kind == "handoff":
        if state is IntroState.INTRODUCED and ours:
            post_handoff(ctx, [m for m in thread if not m.is_draft][-1], Role.REQUESTER)
    elif work.kind == "close_loop":
        if state is IntroState.HANDED_OFF:
            # a private check-in with its own subject (a new thread), not a reply in the intro thread
            composed = compose.close_loop(ctx.spec, ctx.deps.renderer, ctx.policy)
            record(ctx, composed, ctx.policy.mode_for(composed.step))
            ctx.event("nudge_recorded", "Close-the-loop check-in is going out.", role=Role.REQUESTER.value)
    else:
        log.warning("unknown due work kind %s", work.kind)


def _nudge(ctx: Ctx, composed, to_message: ThreadMessage) -> None:
    record_reply(ctx, composed, to_message)
    ctx.event("nudge_recorded", f"{composed.step.value.replace('_', ' ').capitalize()} is going out.",
              role=composed.role.value if composed.role else None)


WHAT = {"consent_bump": "a reminder to {who}", "expire": "giving up on {who}'s answer",
        "requester_reminder": "a reminder to {who} to reply to the intro", "handoff": "stepping out of the intro",
        "close_loop": "the check-in with {who}"}


def upcoming(deps: Deps, limit: int = 20) -> list[dict]:
    """Pending work soonest first, each at the time it really goes out (nudges wait for business hours).

    [{"at": aware UTC, "kind", "intro_id", "what": words for the introducer}]; the sandbox clock's
    "next event" jumps to the first one.
    """
    out = []
    with deps.uow() as uow:
        for work in uow.due.next_pending(limit):
            account = uow.accounts.get(work.account_id)
            intro = uow.intros.get(work.intro_id, work.account_id)
            if account is None or account.status != "active" or intro is None or work.kind not in WHAT:
                continue  # internal checks (a waiting draft's hourly look) are not events anyone sees
            at = work.due_at
            if work.kind != "handoff":
                at = next_send_time(at, account.timezone or "UTC", deps.window)
            who = intro.target_name if work.role == Role.TARGET.value else intro.requester_name
            what = WHAT.get(work.kind, work.kind.replace("_", " ")).format(who=who)
            out.append({"at": at, "kind": work.kind, "intro_id": intro.id, "what": what})
    return sorted(out, key=lambda item: item["at"])
