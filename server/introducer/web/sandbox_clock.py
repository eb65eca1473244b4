"""The sandbox clock: move time so the workflow can be watched in a few clicks.

    POST /sandbox/api/clock  {"hours": n}      move n hours
                             {"days": n}       n business days later, in business hours in the introducer's zone
                                               (Monday 19:49 + 1 day is Tuesday 09:00; 10:15 stays 10:15)
                             {"next": true}    jump to whatever is due next: a simulated person's answer,
                                               a reminder, the handoff, a check-in
    → {"now", "moved_seconds", "event": {"at", "what"} | null, "people_sent", "worker_error"?}

After moving, the people and the worker run once (sandbox.settle), so the outcome shows at once.
Nudges wait for business hours, so "next event" lands on the time a nudge really goes out.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app

from ..domain.business_time import days_later_in_business_hours
from ..service.nudges import upcoming
from .body import check_shape, json_object
from .errors import bad_request
from .sandbox import MAX_ADVANCE_HOURS, SANDBOX_TIMEZONE, settle

bp = Blueprint("sandbox_clock", __name__)
MAX_DAYS = 30
REACTIONS = {"agree": "{who} answers yes", "decline": "{who} declines", "question": "{who} asks a question",
             "reply": "{who} replies to the intro", None: "{who} sends an automatic reply"}


def _container():
    return current_app.extensions["introducer"]


def next_event() -> dict | None:
    """The soonest thing that will happen on its own: {"at", "what"}, or None when nothing is scheduled."""
    world = _container().world
    names = {u.email: u.name for u in world.users()}
    found = [{"at": r.due, "what": REACTIONS.get(r.answer, REACTIONS[None]).format(who=names.get(r.person, r.person))}
             for r in world.reactions() if r.done is None]
    found += [{"at": w["at"], "what": w["what"][:1].upper() + w["what"][1:]} for w in upcoming(_container().deps)]
    return min(found, key=lambda item: item["at"]) if found else None


@bp.post("/sandbox/api/clock")
def advance_clock():
    data = json_object()
    check_shape(data, {"hours": (int, float), "days": int, "next": bool})
    world = _container().world
    before = world.now()
    event = None
    if data.get("next"):
        event = next_event()
        target = max(before, event["at"]) if event else before
    elif data.get("days") is not None:
        days = data["days"]
        if isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
            raise bad_request(f"days: must be a whole number from 1 to {MAX_DAYS}.")
        target = days_later_in_business_hours(before, days, SANDBOX_TIMEZONE)
    else:
        hours = data.get("hours")
        if hours is None or isinstance(hours, bool) or not 0 < hours <= MAX_ADVANCE_HOURS:
            raise bad_request(f"hours: must be a number above 0 and at most {MAX_ADVANCE_HOURS} "
                              "(or give days, or next: true).")
        target = before + timedelta(hours=hours)
    now = world.advance(target - before) if target > before else before
    return {"now": now.isoformat(), "moved_seconds": (now - before).total_seconds(),
            "event": {"at": event["at"].isoformat(), "what": event["what"]} if event else None, **settle()}
