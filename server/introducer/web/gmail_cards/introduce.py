"""The Introduce form, prefilled from the open message, with the etiquette check shown above it."""
from __future__ import annotations

from html import escape

from ..gmail_form import OTHER
from .widgets import bold, button, buttons, card, paragraph, section, selection, text_input

SEVERITY = {"error": "Fix", "warning": "Consider"}


def introduce(action_url: str, values: dict, findings: list[dict] | None = None, problem: str = "",
              notice: dict | None = None, problems: dict[str, str] | None = None) -> dict:
    """`findings`: None before any check; [] when the check found nothing. `problem`: why a start was
    refused. `notice`: a section to show first (e.g. Connect Gmail). `problems`: input name -> what to fix
    there, in plain words (all of them at once, each also beside its input)."""
    keep = {"thread_id": values["thread_id"], "candidates": "\n".join(values["candidates"])}
    values = {**values, "problems": problems or {}}
    return card("Introduce", notice, suggested_section(values), problems_section(values["problems"]),
                check_section(findings, problem), who_section(values), why_section(values),
                options_section(values),
                section(buttons(button("Check", action_url, action="check", **keep),
                                button("Introduce", action_url, action="start", **keep))),
                subtitle="Double opt-in: everyone agrees before the intro", name="introduce")


SUGGESTED_HINT = "Suggested from the message: check it"
FIELD_NAMES = {"requester_name": "the requester", "requester_email": "their address", "requester_blurb": "their line",
               "target_name": "the target", "target_email": "the target's address", "target_blurb": "the target's line",
               "context": "the context"}


def suggested_section(values: dict) -> dict:
    """Never silently: say which fields the message filled in."""
    filled = [FIELD_NAMES[k] for k in FIELD_NAMES if k in values.get("suggested", ())]
    if not filled:
        return section()
    return section(paragraph(f"{bold('Filled in from the message:')} {escape(', '.join(filled))}. "
                             "Check them before you introduce.", markup=True))


def problems_section(problems: dict[str, str]) -> dict:
    if not problems:
        return section()
    return section(*(paragraph(f"{bold('Fix:')} {escape(message, quote=False)}", markup=True)
                     for message in problems.values()),
                   header="Before checking the etiquette")


def _hint(v: dict, name: str, hint: str = "") -> str:
    """What shows under an input: what to fix there first, else whether the message suggested it."""
    if name in v.get("problems", {}):
        return f"⚠ {v['problems'][name]}"
    return SUGGESTED_HINT if name in v.get("suggested", ()) else hint


def check_section(findings: list[dict] | None, problem: str) -> dict:
    widgets = []
    if problem:
        widgets.append(paragraph(f"{bold('Not started:')} {escape(problem)}", markup=True))
    if findings is not None:
        if not problem and not any(f["severity"] == "error" for f in findings):
            widgets.append(paragraph("Ready: nothing to fix." + (" A few suggestions:" if findings else "")))
        for f in findings:
            widgets.append(paragraph(f"{bold(SEVERITY.get(f['severity'], f['severity']) + ':')} "
                                     f"{escape(f['message'])}", markup=True))
    return section(*widgets, header="Etiquette check" if widgets else "")


def who_section(v: dict) -> dict:
    targets = [(c, c) for c in v["candidates"]] + [("Someone else (type below)", OTHER)]
    return section(
        text_input("your_name", "Your name, as you sign", v["your_name"]),
        text_input("requester_name", "Requester: who asked", v["requester_name"], hint=_hint(v, "requester_name")),
        text_input("requester_email", "Requester's address", v["requester_email"], hint=_hint(v, "requester_email")),
        text_input("requester_blurb", "One line about the requester", v["requester_blurb"],
                   hint=_hint(v, "requester_blurb", "e.g. founder of Acme, scheduling software for clinics")),
        text_input("requester_call_name", "What to call the requester (optional)", v["requester_call_name"],
                   hint="The name after \u201cHi\u201d; empty: a safe guess from the name"),
        selection("target_pick", "Target: who they want to meet", targets, v["target_pick"]),
        text_input("target_name", "Target's name (someone else)", v["target_name"], hint=_hint(v, "target_name")),
        text_input("target_email", "Target's address (someone else)", v["target_email"], hint=_hint(v, "target_email")),
        text_input("target_blurb", "One line about the target", v["target_blurb"], hint=_hint(v, "target_blurb")),
        text_input("target_call_name", "What to call the target (optional)", v["target_call_name"]),
        header="Who")


def why_section(v: dict) -> dict:
    return section(
        text_input("context", "What the intro is about", v["context"],
                   hint=_hint(v, "context", "e.g. healthcare go-to-market")),
        text_input("benefit_to_target", "Why it is worth it for the target", v["benefit_to_target"], multiline=True),
        text_input("benefit_to_requester", "Why it is worth it for the requester", v["benefit_to_requester"],
                   multiline=True),
        text_input("shared_connection", "How you know them (optional)", v["shared_connection"]),
        header="Why")


def options_section(v: dict) -> dict:
    choices = [("Ask the requester too (they did not ask for this intro)", "ask_requester"),
               ("The target already agreed: do not ask", "target_agreed"),
               ("One-click Yes / No thanks links in permission requests", "consent_links")]
    return section(selection("options", "Options", choices, v["options"], kind="CHECK_BOX"))
