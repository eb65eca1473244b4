"""Words the cards use for states and times."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

OPEN_STATES = ("new", "awaiting_consent", "consented", "introduced", "handed_off")


def state_label(state: str) -> str:
    return state.replace("_", " ").capitalize()


def party_names(view: dict) -> str:
    return f"{view['requester']['name']} → {view['target']['name']}"


def local_time(iso: str | None, tz: str) -> str:
    if not iso:
        return ""
    when = datetime.fromisoformat(iso).astimezone(ZoneInfo(tz or "UTC"))
    return f"{when:%a %d %b %H:%M}"
