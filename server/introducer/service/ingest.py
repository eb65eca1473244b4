"""Read mailbox changes and act on each new message in a tracked thread exactly once.

Cost grows with mailbox changes, not with the number of intros: the change feed names messages and
their threads, and only threads we track are read; of those, just the named messages we do not know yet
where each decides on its own (changed.py), else the whole thread. Notifications may be duplicated,
reordered or lost; messages are handled in date order and ones already seen are skipped, so any order
and any repetition give the same result.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..classifier import classify_message
from ..domain.address import same_address
from ..domain.model import ConsentStatus, Role, Verdict
from ..domain.states import IntroState
from ..crashpoints import crash_point
from ..mail.port import (ChangeFeedUnavailable, ChangedMessage, MailboxError, ReconnectNeeded, ThreadMessage,
                         TransientMailboxError)
from .changed import news, read_changed, to_read
from .deps import Deps, log
from ..domain.numbers import whole_number
from .drafts import adopt_sent_elsewhere
from .outbound import After, run_after
from .progress import mark_reconnect, message_sent
from .reply_sender import sender_problem
from .workflow import (Ctx, consent_given, consent_refused, needs_review, post_handoff,
                       snooze_for_auto_reply)

RETRIES = 3


def sync_account(deps: Deps, account_id: int) -> int:
    """Read the change feed from the stored cursor; returns how many tracked threads were read.

    The cursor never skips: it moves past a change only once every tracked thread it names was read.
    No cursor yet, one the provider forgot, or a feed that is not offered (Graph delta 404) means
    reading every open intro's thread (one read each) before a new cursor is set; without a feed the
    sync keeps doing that, and tries the feed again after a growing pause (feed_paused). When the
    feed or a thread could not be read for now, the cursor stays and another sync is requested."""
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or account.status != "active":
            return 0
        cursor = account.sync_cursor
    mailbox = deps.mailboxes(account)
    now = deps.clock()
    paused = feed_paused(cursor)
    if paused is not None and now < paused[1]:
        return _read_open_threads(deps, account_id, mailbox, cursor)
    try:
        changes = mailbox.changes_since(None if paused is not None else cursor)
    except ReconnectNeeded as exc:
        mark_reconnect(deps, account_id, str(exc))
        return 0
    except TransientMailboxError as exc:
        log.warning("sync of account %s postponed: %s", account_id, exc)
        _sync_again(deps, account_id)
        return 0
    except ChangeFeedUnavailable as exc:
        attempts = paused[0] + 1 if paused is not None else 1
        pause = min(FEED_PAUSE * 2 ** (attempts - 1), FEED_PAUSE_MAX)
        log.warning("account %s: no change feed (%s); reading open intros' threads, feed tried again in %s",
                    account_id, exc, pause)
        return _read_open_threads(deps, account_id, mailbox, f"{PAUSED}{attempts}:{(now + pause).isoformat()}")
    reset = changes.reset or cursor is None or paused is not None
    named: set[str] = set()
    with deps.uow() as uow:
        if reset:
            threads = uow.intros.open_thread_ids(account_id)
            log.info("account %s: no usable change cursor; re-reading %d open threads", account_id, len(threads))
        else:
            named = {m.thread_id for m in news(uow, account_id, changes.messages)}
            threads = uow.intros.tracked_among(account_id, named)
    adopted = adopt_sent_elsewhere(deps, account_id, changes, set(threads), mailbox)
    threads = set(threads) | adopted
    by_thread: dict[str, list[ChangedMessage]] = {}
    for message in () if reset else changes.messages:
        by_thread.setdefault(message.thread_id, []).append(message)
    # A reply can land before we record the thread of the message it answers (the provider call has
    # returned in another process, its commit not yet made): while a send is in flight, changes in
    # threads we do not know yet are read again on the next sync rather than passed over.
    hold = False
    if not reset and named - threads:
        with deps.uow() as uow:
            hold = uow.outbound.in_flight(account_id, deps.clock())
    crash_point("sync.mid")
    read = [process_thread(deps, account_id, thread_id, mailbox,
                           None if thread_id in adopted else by_thread.get(thread_id))
            for thread_id in sorted(threads)]
    if not all(read) or hold:
        if not all(read):
            log.warning("account %s: %d thread(s) not read; the change cursor stays for another sync",
                        account_id, read.count(False))
        _sync_again(deps, account_id)
        return len(threads)
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        account.sync_cursor = newer_cursor(None if paused else account.sync_cursor, changes.cursor, reset)
        account.synced_at = now
        uow.commit()
    return len(threads)


# Where a mailbox offers no change feed the stored cursor says so, and until when not to ask again:
# "feed-paused:<attempts>:<ISO time>". The pause doubles from 15 minutes up to a day.
PAUSED = "feed-paused:"
FEED_PAUSE = timedelta(minutes=15)
FEED_PAUSE_MAX = timedelta(days=1)


def feed_paused(cursor: str | None) -> tuple[int, datetime] | None:
    """(attempts so far, when to try the feed again) of a paused cursor; None for any other."""
    if not cursor or not cursor.startswith(PAUSED):
        return None
    attempts, _, until = cursor[len(PAUSED):].partition(":")
    try:
        return int(attempts), datetime.fromisoformat(until)
    except ValueError:
        return None


def _read_open_threads(deps: Deps, account_id: int, mailbox, cursor: str | None) -> int:
    """Without a change feed: one read per open intro thread; `cursor` is stored once all were read."""
    with deps.uow() as uow:
        threads = uow.intros.open_thread_ids(account_id)
    read = [process_thread(deps, account_id, thread_id, mailbox) for thread_id in sorted(threads)]
    if not all(read):
        _sync_again(deps, account_id)
        return len(threads)
    with deps.uow() as uow:
        account = uow.accounts.get(account_id)
        account.sync_cursor = cursor
        account.synced_at = deps.clock()
        uow.commit()
    return len(threads)


def _sync_again(deps: Deps, account_id: int) -> None:
    with deps.uow() as uow:
        uow.sync.request(account_id, "retry", deps.clock())
        uow.commit()


def newer_cursor(stored: str | None, seen: str, reset: bool) -> str:
    """Cursors only move forward (a late, reordered read must not move them back)."""
    old, new = whole_number(stored, max_digits=20), whole_number(seen, max_digits=20)
    if reset or old is None or new is None:
        return seen
    return seen if new > old else stored


def process_thread(deps: Deps, account_id: int, thread_id: str, mailbox=None,
                   changed: list[ChangedMessage] | None = None) -> bool:
    """Read one tracked thread and handle every message not handled before. False when it could not be
    read for now (the provider was busy, the account must reconnect, other workers kept winning).
    `changed`: the thread's messages the change feed named; then only those are read where they decide
    on their own (None: the whole thread)."""
    return read_and_process(deps, account_id, thread_id, mailbox, changed) is not None


def read_and_process(deps: Deps, account_id: int, thread_id: str, mailbox=None,
                     changed: list[ChangedMessage] | None = None) -> list[ThreadMessage] | None:
    """`process_thread`, returning the messages read (None when the thread could not be read for now), so a
    caller that acts on the thread next (a due nudge) need not read it again."""
    for attempt in range(RETRIES):
        try:
            return _process_thread(deps, account_id, thread_id, mailbox, changed)
        except (StaleDataError, IntegrityError) as exc:  # another worker moved the same intro first
            log.info("thread %s: concurrent update (%s); reading again", thread_id, type(exc).__name__)
    log.warning("thread %s: gave up after %d concurrent updates", thread_id, RETRIES)
    return None


def _process_thread(deps: Deps, account_id: int, thread_id: str, mailbox,
                    changed) -> list[ThreadMessage] | None:
    wanted = None
    if mailbox is None or changed is not None:
        with deps.uow() as uow:
            account = uow.accounts.get(account_id)
            wanted = None if changed is None else to_read(uow, account, thread_id, changed)
            mailbox = mailbox or deps.mailboxes(account)
    try:
        messages = mailbox.read_thread(thread_id) if wanted is None else read_changed(mailbox, thread_id, wanted)
    except ReconnectNeeded as exc:
        mark_reconnect(deps, account_id, str(exc))
        return None
    except TransientMailboxError as exc:
        log.warning("thread %s not read for now: %s", thread_id, exc)
        return None
    except MailboxError as exc:  # gone (deleted) or refused for good: reading again would not help
        log.warning("thread %s not read: %s", thread_id, exc)
        return []
    after = After()
    with deps.uow() as uow:
        found = uow.intros.for_thread(account_id, thread_id)
        if found is None:
            return messages
        intro, purpose = found
        ctx = Ctx(deps, uow, uow.accounts.get(account_id), intro, after)
        for message in sorted((m for m in messages if not m.is_draft), key=lambda m: m.date):
            if uow.seen.mark(account_id, message.provider_id, intro.id):
                _handle(ctx, purpose, message, messages)
        after.relabel.add(intro.id)  # labels are reconciled on every read (no provider call when they match)
        crash_point("ingest.before_commit")
        uow.commit()
    crash_point("ingest.after_commit")
    run_after(deps, after)
    return messages


def _handle(ctx: Ctx, purpose: str, message: ThreadMessage, thread: list[ThreadMessage]) -> None:
    if message.from_me:
        row = _our_outbound(ctx, message)
        if row is not None:
            message_sent(ctx, row, message.date)
        return
    if purpose.startswith("permission:"):
        _permission_reply(ctx, Role(purpose.split(":", 1)[1]), message)
    elif purpose == "intro":
        _intro_reply(ctx, message, thread)


def _our_outbound(ctx: Ctx, message: ThreadMessage):
    """The recorded message this sent message is: by its key header, by its Message-ID, else the one
    draft waiting in this thread.

    Quirk: Graph drops internetMessageHeaders from Sent Items copies, so there the Message-ID (derived
    from the key when the draft was created) is what identifies it.
    """
    if message.key:
        row = ctx.uow.outbound.by_key(message.key)
        if row is not None and row.intro_id == ctx.intro.id:
            return row
    in_thread = ctx.uow.outbound.by_thread(ctx.account.id, message.thread_id)
    same_id = [r for r in in_thread if r.internet_message_id and r.internet_message_id == message.internet_message_id]
    if same_id:
        return same_id[0]
    drafted = [r for r in in_thread if r.status == "drafted"]
    if len(drafted) == 1 and looks_like(message, drafted[0]):
        return drafted[0]
    return None


def looks_like(message: ThreadMessage, row) -> bool:
    """A sent message that lost our header and Message-ID is still our draft if it went to everyone the
    draft was for and kept the draft's most distinctive line: the introducer's own, different message in
    the same thread must not count as the draft being sent."""
    sent_to = {p.email.lower() for p in (*message.to, *message.cc, *message.bcc)}
    if not {p["email"].lower() for p in row.payload.get("to", [])} <= sent_to:
        return False
    lines = [" ".join(line.split()) for line in (row.payload.get("text") or "").splitlines()]
    distinctive = max(lines, key=len, default="")[:60]
    return bool(distinctive) and distinctive in " ".join(message.text.split())


def _permission_reply(ctx: Ctx, role: Role, message: ThreadMessage) -> None:
    party = ctx.spec.party(role).person
    consent = ctx.consents()[role]
    state = IntroState(ctx.intro.state)
    if state is IntroState.CONSENTED and consent.status == ConsentStatus.YES.value and same_address(
            message.sender.email, party.email):
        problem = sender_problem(message, party)
        if problem is None:
            _second_thoughts(ctx, role, message)
        else:  # a forged "no" must not withdraw a real yes; the introducer looks at it
            ctx.intro.needs_review = True
            ctx.after.relabel.add(ctx.intro.id)
            ctx.event("unverified_reply", f"A reply in {ctx.party_name(role)}'s permission thread needs you: "
                                          f"{problem}.", role=role.value, excerpt=message.text[:400])
        return
    if state not in (IntroState.NEW, IntroState.AWAITING_CONSENT) or consent.status in (
            ConsentStatus.YES.value, ConsentStatus.NO.value):
        ctx.event("late_reply", f"{message.sender.email} wrote again in the permission thread.", role=role.value)
        return
    result = classify_message(message)
    excerpt = message.text[:400]
    if result.verdict is Verdict.AUTO_REPLY:
        if result.bounce:
            needs_review(ctx, role, f"the permission request to {party.email} bounced ({result.reason})", excerpt)
        else:
            snooze_for_auto_reply(ctx, role, result.return_date, result.reason)
        return
    problem = sender_problem(message, party)
    if problem is not None:
        needs_review(ctx, role, problem, excerpt)
        return
    if result.verdict is Verdict.YES:
        consent_given(ctx, role, f"Reply classified yes ({result.reason}).")
    elif result.verdict is Verdict.NO:
        consent_refused(ctx, role, f"Reply classified no ({result.reason}).")
    else:
        needs_review(ctx, role, f"the answer is unclear ({result.reason})", excerpt)


def _second_thoughts(ctx: Ctx, role: Role, message: ThreadMessage) -> None:
    """A party who said yes writes again before the intro went out: a "no" withdraws the consent."""
    result = classify_message(message)
    if result.verdict is Verdict.NO:
        consent_refused(ctx, role, f"Changed their mind before the intro went out ({result.reason}).")
        ctx.intro.needs_review = True  # the intro draft may still sit in the mailbox: do not send it
        ctx.event("consent_withdrawn", f"{ctx.party_name(role)} withdrew their yes; delete the intro draft.",
                  role=role.value)
    elif result.verdict is Verdict.UNCLEAR:
        ctx.event("late_reply", f"{ctx.party_name(role)} wrote again after saying yes.", role=role.value,
                  excerpt=message.text[:400])


def human_reply(message: ThreadMessage) -> bool:
    """Written by a person (an out-of-office or a bounce is not a reply)."""
    verdict = classify_message(message)
    return verdict.verdict is not Verdict.AUTO_REPLY


def _intro_reply(ctx: Ctx, message: ThreadMessage, thread: list[ThreadMessage]) -> None:
    if IntroState(ctx.intro.state) is not IntroState.INTRODUCED:
        return
    role = _role_of(ctx, message.sender.email)
    if role is None:
        return
    result = classify_message(message)
    if result.verdict is Verdict.AUTO_REPLY:
        ctx.event("auto_reply", f"Automatic reply from {ctx.party_name(role)} in the intro thread; no handoff yet.")
        return
    ctx.event("party_replied", f"{ctx.party_name(role)} replied in the intro thread.", role=role.value)
    if role is Role.REQUESTER:
        ctx.uow.due.cancel(ctx.intro.id, "requester_reminder")
    trigger = ctx.policy.handoff_trigger.value
    if trigger == "both_replied":
        replied = {_role_of(ctx, m.sender.email) for m in thread
                   if not m.is_draft and not m.from_me and human_reply(m)}
        if not {Role.REQUESTER, Role.TARGET} <= replied:
            return
    post_handoff(ctx, message, role.other)


def _role_of(ctx: Ctx, email: str) -> Role | None:
    spec = ctx.spec
    for role in Role:
        if same_address(spec.party(role).person.email, email):
            return role
    return None
