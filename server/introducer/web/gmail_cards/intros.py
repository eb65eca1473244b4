"""One intro's card (state, consents, drafts, timeline, what you can do) and the card after Introduce."""
from __future__ import annotations

from .labels import OPEN_STATES, local_time, party_names, state_label
from .widgets import bold, button, buttons, card, decorated, paragraph, section

ANSWERS = {"pending": "not answered yet", "needs_review": "answered: needs you", "yes": "yes", "no": "no",
           "not_required": "not asked"}
TIMELINE_SHOWN = 6


PURPOSES = {"source": "This thread is the ask for this intro.", "permission:target": "This thread asks the target.",
            "permission:requester": "This thread asks the requester.",
            "intro": "This thread is the intro (and its handoff).", "note": "This thread is a note about this intro."}


def intro(action_url: str, view: dict, tz: str, *, from_thread: bool = False) -> dict:
    """`from_thread`: shown because the open thread belongs to this intro (so offer a new intro too)."""
    lead = section(paragraph(PURPOSES.get(view.get("thread_purpose", ""), "This thread belongs to this intro."))) \
        if from_thread else None
    more = [button("Introduce someone else from this message", action_url, action="introduce")] if from_thread else []
    return card(party_names(view), lead, status_section(view), actions_section(action_url, view),
                timeline_section(view, tz),
                section(buttons(*more, button("Back to intros", action_url, action="home"))),
                subtitle=view["context"], name=f"intro-{view['id']}")


def started(action_url: str, view: dict, tz: str) -> dict:
    """What Introduce answers: what was written and where it is."""
    drafted = [m for m in view["messages"] if m["status"] == "drafted"]
    if drafted:
        what = ", ".join(f"to {', '.join(m['to'])}" for m in drafted)
        lead = (f"{bold('Started.')} The permission request{'s' if len(drafted) > 1 else ''} ({what}) "
                f"{'are' if len(drafted) > 1 else 'is'} in your drafts: review and send.")
    else:
        lead = f"{bold('Started.')} {view['next_step']}"
    return card(party_names(view), section(paragraph(lead, markup=True)), actions_section(action_url, view),
                section(buttons(button("Back to intros", action_url, action="home"))),
                subtitle=view["context"], name=f"intro-{view['id']}")


def status_section(view: dict) -> dict:
    names = {"requester": view["requester"]["name"], "target": view["target"]["name"]}
    rows = [decorated(view["next_step"], top=state_label(view["state"]))]
    for role, status in view["consents"].items():
        rows.append(decorated(ANSWERS.get(status, status), top=f"{names[role]} ({role})"))
    return section(*rows)


def actions_section(action_url: str, view: dict) -> dict:
    intro_id = str(view["id"])
    drafted = [m for m in view["messages"] if m["status"] == "drafted" and m["draft_id"]]
    opens = [button(f"Open draft: {m['step'].replace('_', ' ')}", action_url, action="open_draft", intro_id=intro_id,
                    draft_id=m["draft_id"], thread_id=m["thread_id"] or "") for m in drafted]
    if drafted:
        opens.append(button("Send now", action_url, action="send_now", intro_id=intro_id))
    answers = []
    if view["state"] == "awaiting_consent":
        names = {"requester": view["requester"]["name"], "target": view["target"]["name"]}
        for role, status in view["consents"].items():
            if status in ("pending", "needs_review"):
                answers.append(button(f"{names[role]} said yes", action_url, action="consent", intro_id=intro_id,
                                      role=role, answer="yes"))
                answers.append(button(f"{names[role]} said no", action_url, action="consent", intro_id=intro_id,
                                      role=role, answer="no"))
    cancel = [button("Cancel intro", action_url, action="cancel", intro_id=intro_id)] \
        if view["state"] in OPEN_STATES else []
    return section(*(buttons(*group) for group in (opens, answers, cancel) if group))


def timeline_section(view: dict, tz: str) -> dict:
    events = view.get("timeline", [])[-TIMELINE_SHOWN:]
    rows = [decorated(e["message"], top=local_time(e["at"], tz)) for e in reversed(events)]
    return section(*rows, header="Latest", collapsible=len(rows) > 1)
