"""The Insights card: the numbers of GET /api/v1/insights as text (cards cannot draw charts)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .widgets import button, buttons, card, decorated, paragraph, section

BAR = "▇"
SHOWN = 5


def hours(value: float | None) -> str:
    """8.0 → "8 h", 0.5 → "30 min", 72 → "3 days", None → "—" (the panel's insights.js says the same)."""
    if value is None:
        return "—"
    if value < 1:
        return f"{round(value * 60)} min"
    if value < 48:
        return f"{round(value)} h"
    return f"{round(value / 24)} days"


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


def _month(key: str) -> str:
    return datetime.strptime(key + "-15", "%Y-%m-%d").strftime("%b")


def _outcome(row: dict, tz: str) -> dict:
    who = " and ".join(row["who"])
    what = {"declined": f"{who} declined", "no_answer": f"{who} never answered"}.get(
        row["outcome"], f"Stalled, {row['idle_days']} days quiet")
    since = datetime.fromisoformat(row["since"]).astimezone(ZoneInfo(tz or "UTC"))
    return decorated(what, top=f"{row['requester']} → {row['target']}",
                     bottom=f"{row['context']} · {since:%d %b %Y}")


def insights(action_url: str, numbers: dict) -> dict:
    c = numbers["consent"]
    if not numbers["total"]:
        body = [section(paragraph("No intros yet: your numbers appear here once you make some."))]
    else:
        months = numbers["per_month"]
        most = max(m["intros"] for m in months) or 1
        per_month = [decorated(f"{BAR * round(8 * m['intros'] / most) or '·'} {m['intros']}", top=_month(m["month"]))
                     for m in months if m["intros"]] or [paragraph("None in this period.")]
        answered = c["yes"] + c["no"] + c["no_answer"]
        body = [
            section(
                decorated(f"{sum(m['intros'] for m in months)} intros, {numbers['introduced']} introduced",
                          top=f"Last {len(months)} months"),
                decorated(_percent(c["rate"]), top="Consent rate",
                          bottom=f"{c['yes']} of {answered} answered yes · {c['no']} no · {c['no_answer']} no answer"
                                 + (f" · {c['pending']} deciding" if c["pending"] else "")),
                decorated(hours(c["median_hours_ask_to_yes"]), top="Ask → yes (median)"),
                decorated(hours(numbers["median_hours_intro_to_handoff"]), top="Intro → handoff (median)"),
                header="Outcomes"),
            section(*per_month, header="Intros per month", collapsible=len(per_month) > 4),
            section(*([decorated(f"{p['name']}: {p['intros']} intro{'s' if p['intros'] != 1 else ''}", bottom=p["email"])
                       for p in numbers["most_connected"]] or [paragraph("Nobody introduced yet.")]),
                    header="Most connected"),
            section(*([_outcome(r, numbers["timezone"]) for r in numbers["declined_or_stalled"][:SHOWN]]
                      or [paragraph("Nothing declined or stalled.")]), header="Declined or stalled"),
        ]
    return card("Insights", *body, section(buttons(button("Back to intros", action_url, action="home"))),
                subtitle="What your intros added up to", name="insights")
