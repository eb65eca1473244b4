"""Drafts waiting for the user: notice that one was sent however the mailbox shows it, and say so when
one waits too long or disappears.

A drafted message moves the intro on only once the user sends it. The send can show up as a new
message in the draft's thread (the usual case, handled by ingest), as label changes on the draft's own
message (SENT added, DRAFT removed: the change feed reports it as a sent change), as a message in a
thread of its own with neither our key header nor our Message-ID (sent from another mail client, which
drops the draft and with it the draft's thread), or not at all (a notification lost). So:

- sync: a message the owner sent into an untracked thread, while drafts wait, is compared with the
  waiting drafts (`adopt_sent_elsewhere`); the one it matches moves to that thread;
- a periodic check (due work `draft_check`, every `CHECK_EVERY` while drafts wait) asks the provider
  whether each waiting draft still exists (one cheap call each) and reads its thread when it does not;
- a draft still unsent after the policy's `draft_waiting_after_days` business days, or gone without a
  sent copy, is told to the introducer (panel, event and the Needs review label), once. The other party
  is never nudged about a message they never received.
"""
from __future__ import annotations

from datetime import timedelta

from ..domain.model import ConsentStatus, Step
from ..mail.port import Changes, MailboxError
from ..store.models import DueWork, Outbound, OutboundStatus
from .deps import Deps, log
from .outbound import THREAD_PURPOSE, After, run_after
from .workflow import Ctx

CHECK_EVERY = timedelta(hours=1)
KIND = "draft_check"
WAITING = "Waiting in your drafts since "  # prefixes of Outbound.last_error for a drafted row:
GONE = "No longer in your drafts"  # the introducer has been told (once)


def schedule_check(ctx: Ctx) -> None:
    """Check this intro's waiting drafts again after CHECK_EVERY (re-arms a cancelled check)."""
    ctx.uow.due.schedule(ctx.account.id, ctx.intro.id, KIND, None, ctx.now + CHECK_EVERY)


def sent_changes_outside(changes: Changes, tracked: set[str]) -> set[str]:
    return {m.thread_id for m in changes.messages if m.sent and m.thread_id not in tracked}


def adopt_sent_elsewhere(deps: Deps, account_id: int, changes: Changes, tracked: set[str], mailbox) -> set[str]:
    """Threads (untracked so far) where the owner sent one of our waiting drafts from another client.

    Each is tracked for the draft's intro and the draft's row moves to it, so reading the thread (ingest)
    records the send. Costs one thread read per sent message outside intro threads, only while drafts
    wait."""
    candidates = sent_changes_outside(changes, tracked)
    if not candidates:
        return set()
    with deps.uow() as uow:
        waiting = [r.id for r in uow.outbound.drafted_for_account(account_id)]
    if not waiting:
        return set()
    from .ingest import looks_like

    adopted: set[str] = set()
    for thread_id in sorted(candidates):
        try:
            messages = mailbox.read_thread(thread_id)
        except MailboxError as exc:  # the periodic check still finds the draft gone and looks again
            log.info("thread %s not read for waiting drafts: %s", thread_id, exc)
            continue
        sent = [m for m in messages if m.from_me and not m.is_draft]
        with deps.uow() as uow:
            rows = [uow.session.get(Outbound, i) for i in waiting]
            matched = [r for r in rows if r.status == OutboundStatus.DRAFTED.value and any(looks_like(m, r) for m in sent)]
            if len(matched) != 1:
                continue
            row = matched[0]
            purpose = THREAD_PURPOSE[Step(row.step)].format(role=row.role)
            uow.intros.track_thread(account_id, thread_id, row.intro_id, purpose)
            uow.events.append(row.intro_id, account_id, "draft_sent_elsewhere",
                              "The draft was sent from another mail app; following it in its new thread.",
                              {"thread_id": thread_id, "previous_thread_id": row.thread_id}, deps.clock())
            row.thread_id = thread_id
            uow.commit()
        waiting.remove(row.id)
        adopted.add(thread_id)
    return adopted


def check_drafts(deps: Deps, work_id: int) -> None:
    """Due work: are this intro's waiting drafts still drafts? Read the thread of each one that is gone
    (its send is recorded there), tell the introducer about drafts that waited too long or vanished."""
    from .ingest import process_thread

    with deps.uow() as uow:
        work = uow.session.get(DueWork, work_id)
        account = uow.accounts.get(work.account_id)
        rows = [(r.id, r.draft_id, r.thread_id) for r in uow.outbound.for_intro(work.intro_id)
                if r.status == OutboundStatus.DRAFTED.value]
    if account is None or account.status != "active":
        return  # the lease runs out and the check comes back; nothing can be read meanwhile
    mailbox = deps.mailboxes(account)
    gone = set()
    for row_id, draft_id, thread_id in rows:
        if draft_id and not mailbox.draft_exists(draft_id):
            gone.add(row_id)
            if thread_id:
                process_thread(deps, account.id, thread_id, mailbox)
    after = After()
    with deps.uow() as uow:
        work = uow.session.get(DueWork, work_id)
        if work.status != "pending":
            return
        account = uow.accounts.get(work.account_id)
        ctx = Ctx(deps, uow, account, uow.intros.get(work.intro_id, work.account_id), after)
        waiting = [r for r in uow.outbound.for_intro(ctx.intro.id) if r.status == OutboundStatus.DRAFTED.value]
        for row in waiting:
            if row.id in gone:
                _tell(ctx, row, GONE, "draft_gone", "is no longer in your drafts and was not seen going out. "
                      "If you sent it from another app it will be picked up when it shows in your mailbox; "
                      "otherwise write it again or cancel the intro.")
            elif ctx.now >= ctx.business_days_later(ctx.policy.draft_waiting_after_days, _drafted_at(ctx, row)):
                since = _drafted_at(ctx, row)
                _tell(ctx, row, f"{WAITING}{since:%Y-%m-%d}", "draft_waiting",
                      f"has been waiting in your drafts since {since:%a %d %b}: nobody is reminded of a "
                      "message they never got. Send it, or cancel the intro.")
        if any(r.id not in gone for r in waiting):
            schedule_check(ctx)  # re-arms this row: the claim is released with it
        else:
            uow.due.cancel(ctx.intro.id, KIND)  # cancelled, not done: a later draft re-arms it
        uow.commit()
    run_after(deps, after)


def _drafted_at(ctx: Ctx, row: Outbound):
    drafted = [e.at for e in ctx.uow.events.for_intro(ctx.intro.id)
               if e.kind == f"{row.step}_drafted" and (e.detail or {}).get("draft_id") == row.draft_id]
    return max(drafted, default=row.created_at)


def _tell(ctx: Ctx, row: Outbound, note: str, kind: str, what: str) -> None:
    """Once per draft and reason: the panel shows the note, the thread gets Needs review."""
    if row.last_error and (row.last_error.startswith(WAITING) and note.startswith(WAITING) or row.last_error == note):
        return
    from .progress import describe

    row.last_error = note
    ctx.intro.needs_review = True
    ctx.after.relabel.add(ctx.intro.id)
    ctx.event(kind, f"{describe(row)} {what}", role=row.role, draft_id=row.draft_id)


def settled(ctx: Ctx, row: Outbound) -> None:
    """A draft the introducer was told about went out after all: take the notice back."""
    if not row.last_error or not row.last_error.startswith((WAITING, GONE)):
        return
    row.last_error = None
    if not any(r.last_error and r.last_error.startswith((WAITING, GONE)) and r.id != row.id
               for r in ctx.uow.outbound.for_intro(ctx.intro.id) if r.status == OutboundStatus.DRAFTED.value):
        ctx.intro.needs_review = any(c.status == ConsentStatus.NEEDS_REVIEW.value for c in ctx.consents().values())
        ctx.after.relabel.add(ctx.intro.id)
