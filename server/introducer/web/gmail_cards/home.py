"""The homepage card: connection status, intros in progress with their next step, and settings."""
from __future__ import annotations

from ..gmail_form import (CLOSE_LOOP_OFF, DAY_SETTINGS, HANDOFF_MODES, HANDOFF_TRIGGERS, STEP_CHOICES,
                          STEP_SETTINGS)
from .labels import party_names, state_label
from .widgets import bold, button, buttons, card, decorated, link_button, paragraph, section, selection

STEP_NAMES = {"permission_request": "Permission requests", "intro": "The intro", "handoff": "The handoff",
              "nudges": "Reminders", "decline_note": "The note to the requester after a no",
              "expiry_note": "The note when nobody answered"}
DAY_NAMES = {"consent_nudge_after_days": "Remind a silent party after (business days)",
             "requester_reminder_after_days": "Remind the requester to reply to the intro after"}


def home(action_url: str, account: dict, connection: str, intros: list[dict], connect_url: str) -> dict:
    """`connection`: "active", "reconnect_needed" or "not_connected" (no grant stored yet)."""
    return card("Introducer", connection_section(account, connection, connect_url), intros_section(action_url, intros),
                settings_section(action_url, account["settings"]), subtitle=account["email"], name="home")


def connection_section(account: dict, connection: str, connect_url: str) -> dict:
    if connection == "active":
        return section(decorated(account["email"], top="Gmail connected",
                                 bottom="Introducer watches for answers and follows up from your mailbox."))
    if connection == "reconnect_needed":
        return section(
            paragraph(f"{bold('Reconnect needed.')} Google no longer lets Introducer act for {account['email']} "
                      "(access was withdrawn or expired). Your intros wait until you reconnect.", markup=True),
            buttons(link_button("Reconnect Gmail", connect_url)), header="Connection")
    return section(
        paragraph("Introducer works from your own mailbox: it drafts the permission requests and the intro, "
                  "notices the answers, steps out of the thread and sends polite reminders. Connect Gmail once "
                  "so it can do that while you are away."),
        buttons(link_button("Connect Gmail", connect_url)), header="Connect Gmail")


def intros_section(action_url: str, intros: list[dict]) -> dict:
    insights = buttons(button("Insights: how your intros went", action_url, action="insights"))
    if not intros:
        return section(paragraph("No intro in progress. Open a message that asks for an introduction and "
                                 "click Introduce."), insights, header="Intros in progress")
    rows = []
    for view in intros:
        top = state_label(view["state"]) + (" · needs you" if view["needs_review"] else "")
        rows.append(decorated(party_names(view), top=top, bottom=view["next_step"],
                              button=button("Open", action_url, action="show", intro_id=str(view["id"]))))
    return section(*rows, insights, header="Intros in progress")


def settings_section(action_url: str, policy: dict) -> dict:
    widgets = [selection(step, STEP_NAMES[step], STEP_CHOICES, policy[step]) for step in STEP_SETTINGS]
    widgets.append(selection("handoff_mode", "How you step out", HANDOFF_MODES, policy["handoff_mode"]))
    widgets.append(selection("handoff_trigger", "When you step out", HANDOFF_TRIGGERS, policy["handoff_trigger"]))
    for key in DAY_SETTINGS:
        days = sorted({1, 2, 3, 4, 5, 7, 10, policy[key]})
        widgets.append(selection(key, DAY_NAMES[key], [(str(n), str(n)) for n in days], str(policy[key])))
    close = policy["close_loop_after_days"]
    after = sorted({3, 5, 7, 14} | ({close} if close else set()))
    widgets.append(selection("close_loop_after_days", "Check in after the handoff",
                             [("Never", CLOSE_LOOP_OFF)] + [(f"After {n} business days", str(n)) for n in after],
                             CLOSE_LOOP_OFF if close is None else str(close)))
    widgets.append(buttons(button("Save settings", action_url, action="save_settings")))
    return section(*widgets, header="Settings", collapsible=True)
