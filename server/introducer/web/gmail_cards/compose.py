"""Compose-time cards: pick which agreed intro to write into the draft, or say none is ready."""
from __future__ import annotations

from .labels import party_names
from .widgets import button, buttons, card, paragraph, section, selection


def choose(action_url: str, intros: list[dict]) -> dict:
    options = [(f"{party_names(v)} – {v['context']}", str(v["id"])) for v in intros]
    return card("Write an intro", section(
        paragraph("Everyone agreed to these intros. Pick one to write it into this draft."),
        selection("intro_id", "Intro", options, options[0][1], kind="RADIO_BUTTON"),
        buttons(button("Write intro", action_url, action="compose_insert"))), name="compose")


def nothing_ready() -> dict:
    return card("Write an intro", section(paragraph(
        "No intro is ready to write yet: an intro goes out only once everyone asked has said yes. "
        "Open the sidebar on a message to start one.")), name="compose")
