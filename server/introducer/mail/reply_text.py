"""Cut a reply down to the text its sender just wrote: no quoted history, no signature, no mobile footer.

The splitting into replies is done by mail-parser-reply (Gmail/Apple "On ... wrote:", Outlook
"From:/Sent:" blocks, "-----Original Message-----"). Our own fallbacks, below, cover what it leaves:
wrapped attribution lines, separator lines, ">" quoting, and sign-offs it would cut too eagerly.
"""
from __future__ import annotations

import logging
import re

from mailparser_reply.parser import EmailMessage

from ..domain.phrases import LANGUAGES, union

log = logging.getLogger(__name__)

# Languages whose reply headers the library splits on; ours (below) cover every language we read.
_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "ja"]
# The library's regexes are quadratic on some inputs (thousands of blank lines, very long lines);
# the new text of a reply sits at the top, so the tail is never needed.
_MAX_CHARS = 6000

# Quirk: the library wants "On ... wrote:" within two lines; Gmail wraps long names onto a third, and
# the library knows no Portuguese "Em ... escreveu:" nor the Japanese attributions.
_ATTRIBUTION = re.compile(rf"^[> ]*(?:{union('quote_headers')})[ \t]*$", re.M)
_FIELDS = "|".join(rf"{sender} ?: [^\n]*\n[> *]*{sent} ?: [^\n]*" for sender, sent in
                   (lang.header_fields for lang in LANGUAGES.values()))
_CUT_LINE = re.compile(
    r"^[> ]*(?:_{10,}|-{10,}|-+ ?(?:original|forwarded) message ?-+|begin forwarded message:"
    rf"|-{{2,}} ?forwarded message ?-{{2,}}|{_FIELDS})[ \t]*$",
    re.I | re.M,
)
_DELIMITER = re.compile(r"^(?:--|-- |__)$")
_MOBILE = re.compile(rf"^(?:{union('mobile_footers')})", re.I)
# A line that is only a sign-off, optionally followed by a capitalised name ("Thanks, Sam").
_SIGN_OFF = re.compile(
    rf"^(?i:{union('sign_offs')})"
    r"[ \t]*[,.!]*(?:[ \t]*[-\u2013\u2014,]?[ \t]*[A-Z][\w.'\-]*(?:[ \t]+[A-Z][\w.'\-]*){0,2})?[ \t]*$")
_DASH_NAME = re.compile(r"^[-\u2013\u2014~][ \t]?[A-Z][\w.'\-]*(?:[ \t]+[A-Z][\w.'\-]*)?$")
_PROSE_END = re.compile(r"[.!?]$")
_CORPORATE = re.compile(r"\b(?:inc|ltd|llc|co|corp|plc|gmbh|s\.a|b\.v|ag)\.$", re.I)


def strip_reply(text: str) -> str:
    """The new text at the top of a reply: quoted history, signature and mobile footer removed.

    Never raises: odd input gives "" or the best cut we can make.
    """
    if not isinstance(text, str):
        return ""
    text = _normalise(text)
    if not text:
        return ""
    try:
        top = _latest_reply(text)
    except Exception:  # noqa: BLE001 - a library failure must not stop ingestion; our cuts still apply
        log.warning("mail-parser-reply failed; falling back to local quote detection", exc_info=True)
        top = text
    # Fallbacks for what the library leaves in: wrapped attributions, separator lines, forwards.
    top = _cut_before(_cut_before(top, _ATTRIBUTION), _CUT_LINE)
    return _trim(top)


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", text).replace("\u00a0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text[:_MAX_CHARS]


def _latest_reply(text: str) -> str:
    message = EmailMessage(text=text, languages=list(_LANGUAGES), keep_hyphen_lists=True).read()
    if not message.replies:
        return text
    first = message.replies[0]
    if first.headers:
        # The library drops an empty top part and hands back the quoted message instead.
        return ""
    content = first.content
    if first.signatures:
        cut = _signature_line(content.split("\n"), hint=first.signatures.split("\n")[0].strip())
        if cut is not None:
            content = "\n".join(content.split("\n")[:cut])
    return content


def _cut_before(text: str, pattern: re.Pattern) -> str:
    match = pattern.search(text)
    return text[: match.start()] if match else text


def _trim(text: str) -> str:
    """Drop ">" quoted lines, then everything from the signature or mobile footer on."""
    lines = [line.strip() for line in text.split("\n") if not line.lstrip().startswith(">")]
    cut = _signature_line(lines)
    if cut is not None:
        lines = lines[:cut]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _signature_line(lines: list[str], hint: str | None = None) -> int | None:
    """Index of the line where the signature starts, or None.

    With `hint` (the line the library thinks starts a signature) only that line is considered, and
    only if it passes our own test: the library cuts at any line starting with "Thanks," and would
    take "Thanks, but I'll pass" for a sign-off.
    """
    content_seen = False
    for i, raw in enumerate(lines):
        line = raw.strip().lstrip("> ").strip() if raw.strip().startswith(">") else raw.strip()
        if hint is not None and line != hint:
            content_seen = content_seen or bool(line)
            continue
        if _DELIMITER.match(line) or _MOBILE.match(line):
            return i
        if content_seen and (_SIGN_OFF.match(line) or _DASH_NAME.match(line)) and _signature_follows(lines[i + 1:]):
            return i
        if hint is not None:
            return None
        content_seen = content_seen or bool(line)
    return None


def _signature_follows(rest: list[str]) -> bool:
    """Whether the lines after a sign-off look like a name block rather than more of the message."""
    for line in (x.strip() for x in rest):
        if not line:
            continue
        prose = _PROSE_END.search(line) and not _CORPORATE.search(line)
        return not prose and len(line.split()) <= 6
    return True
