"""Small grammar for the words users type into an intro, so templates read like a person wrote them.

- `phrase` trims what goes mid-sentence: "a month." followed by the template's "." gave "a month..".
- `appositive` turns a blurb into what follows a name: "founder of Acme" stays a noun phrase
  ("Ann Lee, founder of Acme"), "runs automation at Kite" becomes "who runs automation at Kite".
- `variant_seed` picks the phrasing of an intro from who is in it, so the preview the user reviewed
  and the email that is sent use the same words.
"""
from __future__ import annotations

import hashlib
import re

_END_PUNCT = ".,;:!?…"

# First words that make a blurb a verb phrase even though they do not end in -s or -ed.
_VERBS = frozenset("""
    is was has had does did can could will would knows leads led runs ran builds built makes made
    teaches taught writes wrote grew helps helped spent sold sells holds held brings brought
    co-founded cofounded co-leads co-runs oversees oversaw advises invests works heads
""".split())
# Words ending in -s or -ed that start noun phrases ("sales lead at X", "seasoned operator").
_NOT_VERBS = frozenset("""
    sales ops operations analytics economics physics mathematics logistics communications
    news series species bus boss press class glass business process access success address
    always perhaps various previous famous serious nervous generous obvious ambitious
    seasoned talented experienced accomplished dedicated renowned distinguished trusted
    respected skilled gifted celebrated esteemed devoted qualified certified licensed
    red bed shed seed need speed feed breed creed
    his its this
""".split())
_DETERMINERS = frozenset({"a", "an", "the", "my", "our", "your", "their", "one", "two", "three"})
_WORD = re.compile(r"[\w'’-]+")


def phrase(value: str) -> str:
    """A typed phrase ready to sit inside a sentence: one line, no closing punctuation."""
    return " ".join(value.split()).rstrip(_END_PUNCT + " ")


def is_verb_phrase(blurb: str) -> bool:
    """True when the blurb reads as what someone does ("runs automation at Kite") rather than who
    they are ("founder of Acme"). A guess from the first word; noun phrase when in doubt.
    """
    match = _WORD.match(phrase(blurb))
    if match is None:
        return False
    raw = match.group(0)
    word = raw.lower()
    if (len(raw) > 1 and raw.isupper()) or word in _DETERMINERS or word in _NOT_VERBS:
        return False  # "CEO of Kite", "a partner at…", "sales lead at…"
    if word in _VERBS:
        return True
    if word.endswith(("'s", "’s")):
        return False  # "Acme's founder"
    if raw[0].isupper() and not word.endswith("ed"):
        return False  # a capital more likely starts a name ("Wells Fargo veteran") than a verb
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return True  # "manages", "scales", "organises"
    return len(word) > 4 and word.endswith("ed")  # "founded", "scaled", "launched"


def appositive(blurb: str) -> str:
    """What follows a name and a comma: "founder of Acme", or "who runs automation at Kite"."""
    text = phrase(blurb)
    if not text:
        return ""
    if text.lower().startswith(("who ", "which ", "whose ")):
        return text
    if is_verb_phrase(text):
        return "who " + text[0].lower() + text[1:]
    return text


def variant_seed(*identity: str) -> int:
    """A stable number from an intro's identity (the same on every machine and every run)."""
    key = "\x1f".join(part.strip().lower() for part in identity)
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def pick(seed: int, slot: str, count: int) -> int:
    """Which of `count` phrasings to use in `slot`; slots vary independently of each other."""
    if count < 1:
        raise ValueError("pick needs at least one phrasing")
    return variant_seed(str(seed), slot) % count


_DOUBLED = re.compile(r"(?<![.])([.!?…])\.(?!\.)|([,;:])\s*([.,;:])")


def undouble(text: str) -> str:
    """Remove doubled punctuation a template and a typed phrase made together ("month..", "X,.")."""
    return _DOUBLED.sub(lambda m: m.group(1) or m.group(3), text)
