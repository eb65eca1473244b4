"""Classify a raw opt-in reply: strip quoted history and signature, then read what is left."""
from __future__ import annotations

from datetime import datetime

from .domain.classify import Classification, classify_text
from .domain.model import Verdict
from .mail.reply_text import strip_reply

_MAX_CHARS = 8000  # an automatic notice sits near the top; the rest is history or attachments


def classify_reply(
    text: str,
    headers: dict | None = None,
    subject: str = "",
    sender: str = "",
    received_at: datetime | None = None,
) -> Classification:
    """Classify the raw plain-text body of a party's reply to a permission request.

    The new text decides. Only when nothing new was written is the whole body read again, for an
    automatic notice that stripping removed (some responders put it under a header block or quote
    it). The quoted history is never searched for a yes or a no, and a person's own words are never
    overruled by an absence, or a date, that someone else mentioned further down the thread.
    """
    raw = text if isinstance(text, str) else ""
    new_text = strip_reply(raw)
    result = classify_text(new_text, headers, subject, sender, received_at)
    if new_text.strip() or (result.verdict is Verdict.AUTO_REPLY and result.return_date is not None):
        return result
    unquoted = "\n".join(line.lstrip("> ") for line in raw[:_MAX_CHARS].splitlines())
    whole = classify_text(unquoted, headers, subject, sender, received_at)
    if whole.verdict is not Verdict.AUTO_REPLY:
        return result
    reason = result.reason if result.verdict is Verdict.AUTO_REPLY else f"{whole.reason} (below a quote header)"
    return Classification(Verdict.AUTO_REPLY, reason, whole.return_date, bounce=result.bounce or whole.bounce)
