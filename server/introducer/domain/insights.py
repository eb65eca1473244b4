"""What an introducer's intros add up to, computed from their timelines: the Insights view's numbers.

Input is plain data (`IntroFacts`: who, state, and the timeline's events), so the numbers can be
checked against a timeline written by hand. Definitions:

- intros per month: intros created in each calendar month (the introducer's zone), the last
  `months` months up to `now`, empty months included.
- consent: every party asked (a permission request sent or drafted) counts once; `yes` and `no` are
  their answers, `no_answer` the asked parties of intros that expired without one, `pending` the
  rest. The rate is yes / (yes + no + no_answer): undecided asks do not count against it.
- ask to yes: from a party's permission request to their yes; intro to handoff: from the intro to
  the handoff. Medians in hours, None when there is nothing to measure.
- declined or stalled: intros declined (who said no), expired (who never answered), and intros
  waiting on someone (before the handoff) with no activity for `stall_days`, newest first.
- most connected: the people the introducer introduced most (intros that reached the intro).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from statistics import median
from zoneinfo import ZoneInfo

# States in which an intro waits on someone; after the handoff the two talk without us, so quiet is fine.
WAITING = frozenset({"new", "awaiting_consent", "consented", "introduced"})
STALL_DAYS = 14
TOP_PEOPLE = 5


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    role: str | None = None


@dataclass(frozen=True)
class IntroFacts:
    id: int
    created_at: datetime
    state: str
    requester: tuple[str, str]  # (name, email)
    target: tuple[str, str]
    context: str = ""
    events: tuple[Event, ...] = field(default_factory=tuple)

    def party(self, role: str) -> tuple[str, str]:
        return self.requester if role == "requester" else self.target


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _hours(delta: timedelta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def _first(intro: IntroFacts, kind: str, role: str | None = None) -> datetime | None:
    times = [_utc(e.at) for e in intro.events if e.kind == kind and (role is None or e.role == role)]
    return min(times) if times else None


def _asked_roles(intro: IntroFacts) -> set[str]:
    return {e.role for e in intro.events
            if e.kind in ("permission_request_sent", "permission_request_drafted") and e.role}


def per_month(intros: list[IntroFacts], now: datetime, tz: str, months: int = 12) -> list[dict]:
    zone = ZoneInfo(tz)
    local_now = _utc(now).astimezone(zone)
    keys = []
    year, month = local_now.year, local_now.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    counts = dict.fromkeys(reversed(keys), 0)
    for intro in intros:
        key = _utc(intro.created_at).astimezone(zone).strftime("%Y-%m")
        if key in counts:
            counts[key] += 1
    return [{"month": key, "intros": n} for key, n in counts.items()]


def consent(intros: list[IntroFacts]) -> dict:
    yes = no = no_answer = pending = 0
    waits: list[float] = []
    for intro in intros:
        for role in sorted(_asked_roles(intro)):
            asked = min(_first(intro, k, role) or datetime.max.replace(tzinfo=timezone.utc)
                        for k in ("permission_request_sent", "permission_request_drafted"))
            said_yes, said_no = _first(intro, "consent_yes", role), _first(intro, "consent_no", role)
            if said_yes and not said_no:
                yes += 1
                # a yes marked by hand before the request went out is an immediate yes, not a negative wait
                waits.append(_hours(max(said_yes - asked, timedelta(0))))
            elif said_no:
                no += 1
            elif intro.state == "expired":
                no_answer += 1
            else:
                pending += 1
    decided = yes + no + no_answer
    return {"asked": yes + no + no_answer + pending, "yes": yes, "no": no, "no_answer": no_answer,
            "pending": pending, "rate": round(yes / decided, 3) if decided else None,
            "median_hours_ask_to_yes": _median(waits)}


def intro_to_handoff(intros: list[IntroFacts]) -> float | None:
    spans = []
    for intro in intros:
        sent, handed = _first(intro, "intro_sent"), _first(intro, "handoff_sent")
        if sent and handed:
            spans.append(_hours(handed - sent))
    return _median(spans)


def declined_or_stalled(intros: list[IntroFacts], now: datetime, stall_days: int = STALL_DAYS) -> list[dict]:
    out = []
    for intro in intros:
        last = max([_utc(e.at) for e in intro.events] + [_utc(intro.created_at)])
        if intro.state == "declined":
            who = [e.role for e in intro.events if e.kind == "consent_no" and e.role] or ["target"]
            outcome = "declined"
        elif intro.state == "expired":
            answered = {e.role for e in intro.events if e.kind in ("consent_yes", "consent_no")}
            who = sorted(_asked_roles(intro) - answered) or ["target"]
            outcome = "no_answer"
        elif intro.state in WAITING and _utc(now) - last >= timedelta(days=stall_days):
            who, outcome = [], "stalled"
        else:
            continue
        out.append({"intro_id": intro.id, "outcome": outcome, "context": intro.context,
                    "requester": intro.requester[0], "target": intro.target[0],
                    "who": [intro.party(role)[0] for role in who], "since": last.isoformat(),
                    "idle_days": (_utc(now) - last).days})
    return sorted(out, key=lambda row: row["since"], reverse=True)


def most_connected(intros: list[IntroFacts], top: int = TOP_PEOPLE) -> list[dict]:
    people: dict[str, dict] = {}
    for intro in intros:
        if _first(intro, "intro_sent") is None:
            continue
        for name, email in (intro.requester, intro.target):
            row = people.setdefault(email.lower(), {"name": name, "email": email, "intros": 0})
            row["intros"] += 1
    ranked = sorted(people.values(), key=lambda p: (-p["intros"], p["name"].lower()))
    return ranked[:top]


def insights(intros: list[IntroFacts], now: datetime, tz: str = "UTC", months: int = 12) -> dict:
    """Every number of the Insights view (see the module docstring for what each means)."""
    made = [i for i in intros if _first(i, "intro_sent") is not None]
    return {
        "total": len(intros),
        "introduced": len(made),
        "per_month": per_month(intros, now, tz, months),
        "consent": consent(intros),
        "median_hours_intro_to_handoff": intro_to_handoff(intros),
        "declined_or_stalled": declined_or_stalled(intros, now),
        "most_connected": most_connected(intros),
        "timezone": tz,
        "as_of": _utc(now).isoformat(),
    }
