"""What people write in each language, as data: answer cues, out-of-office wording, reply furniture.

One module per language (`en`, `fr`, `de`, `es`, `pt`, `it`, `nl`, `ja`) fills one `Language`. The
classifier (`domain/classify.py`), the automatic-reply reader (`domain/out_of_office.py`) and the quote
stripper (`mail/reply_text.py`) read these tables; none of them holds a phrase of its own language.

Answer cues are `(kind, regex)` pairs in scan order: the scan blanks each match, so an idiom listed
early ("pas de souci", "kein Problem") is not read again by a broader cue later ("pas", "kein").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Cue kinds.
YES, NO, HEDGE, DEFER, DELEGATE, COND, DEPENDS, NEUTRAL = (
    "yes", "no", "hedge", "deferral", "hand-off", "condition", "depends", "neutral")
YES_WORD = "yes-word"  # an affirmative that a nearby negation turns into a refusal
IRONY = "irony"  # sarcasm: no affirmative next to it counts ("Oh sure 🙄", "/s", "yeah right")
HOSTILE = "hostile"  # "stop emailing me": a refusal whatever else the reply says
ELSEWHERE = "misdirected"  # the reply is about another person or thread ("wrong Marcus", "wrong thread")
BUT = "reservation"  # "yes, but ...": whatever follows the "but" keeps a yes from counting


def any_of(*patterns: str) -> str:
    return "|".join(patterns)


@dataclass(frozen=True)
class Language:
    code: str
    cues: list[tuple[str, str]]  # (kind, regex), in scan order
    markers: str = ""  # common words that tell the language apart (for detection only)
    # Negations that may precede an affirmative in the same clause ("not keen", "nicht gern").
    negators: tuple[str, ...] = ()
    # Out-of-office notices: a person saying they are away, and the boilerplate only notices add.
    away: tuple[str, ...] = ()
    notice: tuple[str, ...] = ()
    # Wording only machines write (automatic replies and delivery failures), and bounces alone.
    automatic: tuple[str, ...] = ()
    bounce: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()  # subjects of automatic replies
    bounce_subjects: tuple[str, ...] = ()
    # Return dates: month names, and the words before a date saying when the sender is back.
    months: dict[str, int] = field(default_factory=dict)
    back: tuple[str, ...] = ()  # "back on", "de retour le", "ab dem"
    until: tuple[str, ...] = ()  # "until" (the date is the return day)
    through: tuple[str, ...] = ()  # "through", "inclus" (the return day is the day after)
    # Reply furniture, for the quote stripper.
    quote_headers: tuple[str, ...] = ()  # "On ... wrote:" in this language (one line, may wrap)
    header_fields: tuple[str, str] = ("From", "Sent")  # the first two fields of an Outlook quote block
    mobile_footers: tuple[str, ...] = ()
    sign_offs: tuple[str, ...] = ()


def _load() -> dict[str, Language]:
    from . import de, en, es, fr, it, ja, nl, pt
    return {m.LANGUAGE.code: m.LANGUAGE for m in (en, fr, de, es, pt, it, nl, ja)}


LANGUAGES: dict[str, Language] = _load()
_COMPILED = {code: [(kind, re.compile(rx, re.I | re.M)) for kind, rx in lang.cues]
             for code, lang in LANGUAGES.items()}
_MARKERS = {code: re.compile(rf"\b(?:{lang.markers})\b" if lang.markers else r"(?!)", re.I)
            for code, lang in LANGUAGES.items()}
_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def cue_patterns(code: str) -> list[tuple[str, re.Pattern]]:
    return _COMPILED[code]


def detect(text: str) -> str:
    """The language whose cues explain the text best; English when none does.

    Rules beat a statistical detector here: replies are a few words long ("Volontiers !", "Gerne"),
    exactly where detectors guess, and the cue tables already name the words that matter.
    """
    if _KANA.search(text):
        return "ja"
    best, best_score = "en", 0
    for code, patterns in _COMPILED.items():
        if code in ("en", "ja"):
            continue
        score = sum(len(p.findall(text)) for _, p in patterns) + len(_MARKERS[code].findall(text))
        if score > best_score:
            best, best_score = code, score
    english = sum(len(p.findall(text)) for _, p in _COMPILED["en"]) + len(_MARKERS["en"].findall(text))
    return best if best_score > english else "en"


def union(attribute: str) -> str:
    """One alternation of a phrase list across every language (for wording that needs no detection)."""
    return "|".join(f"(?:{rx})" for lang in LANGUAGES.values() for rx in getattr(lang, attribute))
