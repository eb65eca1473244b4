"""Card widgets and render actions as Google's add-on JSON, one small function each.

Shapes: developers.google.com/workspace/add-ons/reference/rpc/google.apps.card.v1 (widgets) and the
alternate-runtime "Render action" schema (navigations, notification, link, hostAppAction). Text is
escaped here, since textParagraph and decoratedText render a small HTML subset; callers pass plain text
and use `bold` for emphasis.
"""
from __future__ import annotations

from html import escape


def bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def paragraph(text: str, *, markup: bool = False) -> dict:
    """A textParagraph; `markup=True` when the text is already escaped (made with `bold`)."""
    return {"textParagraph": {"text": text if markup else escape(text)}}


def decorated(text: str, top: str = "", bottom: str = "", *, button: dict | None = None) -> dict:
    widget = {"text": escape(text), "wrapText": True}
    if top:
        widget["topLabel"] = escape(top)
    if bottom:
        widget["bottomLabel"] = escape(bottom)
    if button:
        widget["button"] = button
    return {"decoratedText": widget}


def text_input(name: str, label: str, value: str = "", *, hint: str = "", multiline: bool = False) -> dict:
    widget = {"name": name, "label": label, "type": "MULTIPLE_LINE" if multiline else "SINGLE_LINE"}
    if value:
        widget["value"] = value
    if hint:
        widget["hintText"] = hint
    return {"textInput": widget}


def selection(name: str, label: str, options: list[tuple[str, str]], selected=(), *, kind: str = "DROPDOWN") -> dict:
    """A selectionInput; `options` are (text, value) pairs. kind: DROPDOWN, RADIO_BUTTON, CHECK_BOX, SWITCH."""
    chosen = {selected} if isinstance(selected, str) else set(selected)
    items = [{"text": text, "value": value, "selected": value in chosen} for text, value in options]
    return {"selectionInput": {"name": name, "label": label, "type": kind, "items": items}}


def action(url: str, **parameters: str) -> dict:
    """An onClick that POSTs the event to `url`; card parameters travel as a list of {key, value}."""
    return {"action": {"function": url, "parameters": [{"key": k, "value": str(v)} for k, v in parameters.items()]}}


def button(text: str, url: str, **parameters: str) -> dict:
    return {"text": text, "onClick": action(url, **parameters)}


def link_button(text: str, url: str, *, reload: bool = True) -> dict:
    """A button opening `url` in a window; with `reload`, the card is rebuilt when it closes."""
    link = {"url": url, "openAs": "OVERLAY", "onClose": "RELOAD" if reload else "NOTHING"}
    return {"text": text, "onClick": {"openLink": link}}


def buttons(*items: dict) -> dict:
    return {"buttonList": {"buttons": [b for b in items if b]}}


def divider() -> dict:
    return {"divider": {}}


def section(*widgets: dict, header: str = "", collapsible: bool = False) -> dict:
    out: dict = {"widgets": [w for w in widgets if w]}
    if header:
        out["header"] = escape(header)
    if collapsible:
        out.update(collapsible=True, uncollapsibleWidgetsCount=1)
    return out


def card(title: str, *sections: dict, subtitle: str = "", name: str = "") -> dict:
    header = {"title": title, **({"subtitle": subtitle} if subtitle else {})}
    out = {"header": header, "sections": [s for s in sections if s and s.get("widgets")]}
    if name:
        out["name"] = name
    return out


# --- render actions ---------------------------------------------------------------------------------
def push_card(built: dict) -> dict:
    """What a trigger answers: the bare `action` form, as Google's samples return it."""
    return {"action": {"navigations": [{"pushCard": built}]}}


def push_card_action(built: dict) -> dict:
    """What a button answers to open a card on top (Gmail shows a back arrow to the one below)."""
    return {"renderActions": {"action": {"navigations": [{"pushCard": built}]}}}


def update_card(built: dict, notification: str = "") -> dict:
    """What a button answers: replace the top card, optionally with a toast."""
    result: dict = {"action": {"navigations": [{"updateCard": built}]}}
    if notification:
        result["action"]["notification"] = {"text": notification}
    return {"renderActions": result}


def notify(text: str) -> dict:
    return {"renderActions": {"action": {"notification": {"text": text}}}}


def open_created_draft(draft_id: str, thread_id: str | None, notification: str, built: dict | None = None) -> dict:
    """Open a draft the backend created (gws-genai-addon-sample gmail_card_ui_generator.js)."""
    markup = {"draftId": draft_id, **({"draftThreadId": thread_id} if thread_id else {})}
    result: dict = {"hostAppAction": {"gmailAction": {"openCreatedDraftActionMarkup": markup}},
                    "action": {"notification": {"text": notification}}}
    if built is not None:
        result["action"]["navigations"] = [{"updateCard": built}]
    return {"renderActions": result}


def update_draft(subject: str, html: str, to: list[str], notification: str = "") -> dict:
    """Fill the draft being composed (apps.extensions.markup UpdateDraftActionMarkup)."""
    markup = {
        "updateBody": {"insertContents": [{"content": html, "contentType": "MUTABLE_HTML"}], "type": "IN_PLACE_INSERT"},
        "updateToRecipients": {"toRecipients": [{"email": e} for e in to]},
        "updateSubject": {"subject": subject},
    }
    result: dict = {"hostAppAction": {"gmailAction": {"updateDraftActionMarkup": markup}}}
    if notification:
        result["action"] = {"notification": {"text": notification}}
    return {"renderActions": result}
