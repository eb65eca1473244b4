"""Read models for the panel, the API and the CLI: an intro with its consents, messages, timeline and next step."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from ..domain.model import Policy
from ..domain.states import IntroState
from .errors import NotFoundError
from .outbound import still_wanted


def _iso(value):
    return value.isoformat() if value is not None else None


def intro_summary(intro, consents: dict, outbound: list, due: list, tz: str = "UTC") -> dict:
    return {
        "id": intro.id,
        "state": intro.state,
        "needs_review": bool(intro.needs_review),
        "requester": {"name": intro.requester_name, "email": intro.requester_email},
        "target": {"name": intro.target_name, "email": intro.target_email},
        "context": intro.context,
        "consents": {role: c.status for role, c in consents.items()},
        "next_step": next_step(intro, consents, outbound, due, tz),
        "created_at": _iso(intro.created_at),
        "updated_at": _iso(intro.updated_at),
    }


def next_step(intro, consents: dict, outbound: list, due: list, tz: str = "UTC") -> str:
    """One sentence telling the introducer what happens next, and whether it is up to them."""
    state = IntroState(intro.state)
    names = {"requester": intro.requester_name, "target": intro.target_name}
    drafts = [o for o in outbound if o.status == "drafted" and still_wanted(intro.state, o.step)]
    stale = [o for o in outbound if o.status == "drafted" and not still_wanted(intro.state, o.step)]
    failed = [o for o in outbound if o.status == "failed"]
    if failed:
        return f"A message could not be created ({failed[-1].last_error}). Check the account and try again."
    if stale:
        kinds = ", ".join(sorted({o.step.replace("_", " ") for o in stale}))
        return f"Delete the {kinds} draft: it must not be sent any more ({state.value.replace('_', ' ')})."
    review = [role for role, c in consents.items() if c.status == "needs_review"]
    if review and state is IntroState.AWAITING_CONSENT:
        return f"{names[review[0]]}'s answer needs you: read it and mark yes or no."
    if drafts:
        kinds = ", ".join(sorted({o.step.replace("_", " ") for o in drafts}))
        return f"Review and send the {kinds} — it is in your drafts."
    pending = sorted((w for w in due if w.status == "pending"), key=lambda w: w.due_at)
    when = ""
    if pending:
        local = pending[0].due_at.astimezone(ZoneInfo(tz))
        when = f" ({pending[0].kind.replace('_', ' ')} due {local:%a %d %b %H:%M} {local.tzname()})"
    if state is IntroState.AWAITING_CONSENT:
        waiting = [names[r] for r, c in consents.items() if c.status == "pending"]
        return f"Waiting for {' and '.join(waiting) or 'answers'}{when}."
    if state is IntroState.CONSENTED:
        return "Everyone agreed; the intro is being written."
    if state is IntroState.INTRODUCED:
        return f"Introduced. Waiting for a reply in the intro thread; you step out when someone replies{when}."
    if state is IntroState.HANDED_OFF:
        return f"You stepped out; they are talking directly{when}."
    return {
        IntroState.COMPLETED: "Done: the loop is closed.",
        IntroState.DECLINED: "Declined. A tactful note to the requester is in your drafts or sent.",
        IntroState.EXPIRED: "No answer after a reminder; the intro expired.",
        IntroState.CANCELLED: "Cancelled.",
        IntroState.NEW: "Starting…",
    }[state]


def _tz(uow, account_id: int) -> str:
    account = uow.accounts.get(account_id)
    return (account.timezone if account is not None else None) or "UTC"


def list_intros(uow, account_id: int, states=None, limit: int = 50, offset: int = 0) -> list[dict]:
    tz = _tz(uow, account_id)
    out = []
    for intro in uow.intros.list(account_id, states, limit, offset):
        out.append(intro_summary(intro, uow.consents.for_intro(intro.id), uow.outbound.for_intro(intro.id),
                                 uow.due.pending_for_intro(intro.id), tz))
    return out


def show_intro(uow, account_id: int, intro_id: int) -> dict:
    intro = uow.intros.get(intro_id, account_id)
    if intro is None:
        raise NotFoundError(f"No intro {intro_id} in this account.")
    consents = uow.consents.for_intro(intro.id)
    outbound = uow.outbound.for_intro(intro.id)
    due = uow.due.pending_for_intro(intro.id)
    view = intro_summary(intro, consents, outbound, due, _tz(uow, account_id))
    view["spec"] = intro.spec
    view["consent_detail"] = {
        role: {"status": c.status, "asked_at": _iso(c.asked_at), "answered_at": _iso(c.answered_at),
               "reason": c.reason, "thread_id": c.thread_id, "away_until": _iso(c.snooze_until)}
        for role, c in consents.items()}
    view["messages"] = [
        {"step": o.step, "role": o.role, "mode": o.mode, "status": o.status, "thread_id": o.thread_id,
         "draft_id": o.draft_id, "subject": (o.payload or {}).get("subject"),
         "to": [p["email"] for p in (o.payload or {}).get("to", [])], "sent_at": _iso(o.sent_at),
         "error": o.last_error if o.status == "failed" else None}
        for o in outbound]
    view["scheduled"] = [{"kind": w.kind, "role": w.role, "due_at": _iso(w.due_at)} for w in due]
    view["timeline"] = [{"at": _iso(e.at), "kind": e.kind, "message": e.message, "detail": e.detail}
                        for e in uow.events.for_intro(intro.id)]
    return view


def intro_for_thread(uow, account_id: int, thread_id: str | None = None, message_id: str | None = None) -> dict | None:
    """The intro an open mail thread (or message) belongs to, in full, with what the thread is for; else None.

    Tracked threads (the ask, the permission requests, the intro thread that also carries the handoff)
    come first, then the messages Introducer wrote (a draft's thread, a message by its id).
    """
    found = uow.intros.for_thread(account_id, thread_id) if thread_id else None
    if found:
        intro, purpose = found
        return {**show_intro(uow, account_id, intro.id), "thread_purpose": purpose}
    written = uow.outbound.by_thread(account_id, thread_id) if thread_id else []
    if not written and message_id:
        written = [o for o in [uow.outbound.by_message(account_id, message_id)] if o is not None]
    if written:
        return {**show_intro(uow, account_id, written[-1].intro_id), "thread_purpose": written[-1].step}
    return None


def account_view(account) -> dict:
    return {
        "id": account.id, "provider": account.provider, "email": account.email, "name": account.name,
        "timezone": account.timezone, "status": account.status,
        "settings": Policy.from_dict(account.policy).to_dict(),
    }
