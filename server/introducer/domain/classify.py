"""Classify a party's opt-in reply (already stripped of quotes and signatures) as yes, no, unclear or auto.

A wrong `yes` would send an introduction nobody agreed to, so `yes` needs an affirmative phrase and
nothing that qualifies it: a question, condition, hedge, deferral or hand-off to someone else makes
the reply `unclear` (the introducer decides), and a refusal after the affirmative makes it `no`
("I'd love to, but I can't").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .model import Verdict
from .phrases import (BUT, COND, DEFER, DELEGATE, DEPENDS, ELSEWHERE, HEDGE, HOSTILE, IRONY, LANGUAGES, NEUTRAL, NO, YES,
                      YES_WORD, cue_patterns, detect)
from .out_of_office import automatic_hint, automatic_reason, is_delivery_failure, notice_reason, return_date


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str
    return_date: date | None = None
    bounce: bool = False  # an automatic reply saying the message was not delivered at all


_MAX_CHARS = 8000
_NEGATOR = re.compile(
    r"(?:\b(?:" + "|".join(sorted({n for lang in LANGUAGES.values() for n in lang.negators if n != "n't"}))
    + r")|n't)\s+(?:\w+\s+){0,2}$", re.I)
_FOLLOWED_BY_NOT = re.compile(r"\s*(?:not|n't|nicht|pas|niet)\b", re.I)
_CLAUSE_START = re.compile(r"[\n.!?;,:\u3001\u3002]|\b(?:but|mais|aber|pero|mas|ma|maar)\b|\s-\s", re.I)
_RHETORICAL = re.compile(r"^\W*(?:why not|how could i (?:say no|refuse)|who wouldn'?t"
                         r"|what'?s not to (?:like|love)|pourquoi pas|warum nicht|por qu[ée] no|por que n[ãa]o"
                         r"|perch[ée] no|waarom niet"
                         r"|how are you(?: doing)?|how have you been|hope (?:all is|you'?re) well)\W*$", re.I)
_QUESTION = re.compile(r"[^.!?\n\u3002\uff01\uff1f]*[?\uff1f]")


@dataclass(frozen=True)
class _Cue:
    kind: str
    start: int
    text: str


def classify_text(
    body: str,
    headers: dict[str, str] | None = None,
    subject: str = "",
    sender: str = "",
    received_at: datetime | None = None,
) -> Classification:
    """Classify the new text of a reply; `headers` keys are lower-cased header names."""
    # The answer is at the top; capping keeps every pattern fast on pathological input.
    body = re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n\n", body[:_MAX_CHARS]) if isinstance(body, str) else ""
    subject = subject if isinstance(subject, str) else ""
    sender = sender if isinstance(sender, str) else ""
    auto = automatic_reason(headers, subject, sender) or notice_reason(body, automatic_hint(headers))
    if auto:
        if is_delivery_failure(headers, subject, sender, body):
            return Classification(Verdict.AUTO_REPLY, auto, None, bounce=True)
        back = return_date(body, received_at) or return_date(subject, received_at)
        return Classification(Verdict.AUTO_REPLY, auto, back)
    return _verdict(_normalise(body))


def _normalise(body: str) -> str:
    text = body.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"\s*[\u2013\u2014]\s*|\s+-{1,2}\s+", " - ", text)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _verdict(text: str) -> Classification:
    if not text:
        return Classification(Verdict.UNCLEAR, "no new text in the reply")
    language = detect(text)
    cues = _scan(text, language)
    by_kind: dict[str, list[_Cue]] = {}
    for cue in cues:
        by_kind.setdefault(cue.kind, []).append(cue)
    yes, no = by_kind.get(YES, []), by_kind.get(NO, [])
    if HOSTILE in by_kind:  # "Yes, please stop emailing me about this."
        return Classification(Verdict.NO, f"asks not to be contacted: {by_kind[HOSTILE][0].text!r}")
    question = _question(text, by_kind.get(IRONY, []))
    if question:
        return Classification(Verdict.UNCLEAR, f"asks a question: {question!r}")
    if IRONY in by_kind:  # sarcasm cancels every affirmative; a refusal next to it still stands
        irony = by_kind[IRONY][0].text
        if no:
            return Classification(Verdict.NO, f"declines ({no[0].text!r}), with irony: {irony!r}")
        return Classification(Verdict.UNCLEAR, f"ironic: {irony!r}")
    for kind in (ELSEWHERE, DELEGATE, DEPENDS):
        if kind in by_kind:
            return Classification(Verdict.UNCLEAR, f"{kind}: {by_kind[kind][0].text!r}")
    qualifiers = [c for k in (HEDGE, DEFER, COND) for c in by_kind.get(k, [])]
    if yes and qualifiers:
        first = qualifiers[0]
        return Classification(Verdict.UNCLEAR, f"yes ({yes[0].text!r}) qualified by {first.kind}: {first.text!r}")
    if yes and no:
        if max(c.start for c in yes) < min(c.start for c in no):
            # "I'd love to, but I can't"; "Yes, I saw your note. Not interested though."
            return Classification(Verdict.NO, f"declines after {yes[-1].text!r}: {no[0].text!r}")
        return Classification(Verdict.UNCLEAR, f"mixed: {yes[0].text!r} and {no[0].text!r}")
    if no:
        return Classification(Verdict.NO, f"declines: {no[0].text!r}")
    reservations = [c for c in by_kind.get(BUT, []) if c.start > yes[0].start] if yes else []
    if reservations:  # "Topo, mas só semana que vem": what follows the "but" is not read, so not a yes
        return Classification(Verdict.UNCLEAR, f"yes ({yes[0].text!r}) with a reservation: {reservations[0].text!r}")
    if yes:
        return Classification(Verdict.YES, f"agrees: {yes[0].text!r}")
    if qualifiers:
        return Classification(Verdict.UNCLEAR, f"{qualifiers[0].kind}: {qualifiers[0].text!r}")
    return Classification(Verdict.UNCLEAR, "no clear yes or no")


def _scan(text: str, language: str) -> list[_Cue]:
    """Find cues in table order, blanking each match so later patterns do not re-read it.

    The detected language's table runs first, then English (replies mix in "ok", "sure", "thanks").
    """
    patterns = cue_patterns(language) + (cue_patterns("en") if language != "en" else [])
    work, cues = text, []
    for kind, pattern in patterns:
        for m in pattern.finditer(work):
            if not m.group().strip():
                continue
            found = kind
            if kind == YES_WORD:  # "not keen", "wouldn't be happy to", "please do not", "nicht gern"
                negated = _negated(work, m.start()) or _FOLLOWED_BY_NOT.match(work, m.end())
                found = NO if negated else YES
            if found != NEUTRAL:
                cues.append(_Cue(found, m.start(), m.group().strip()))
        work = pattern.sub(lambda m: " " * len(m.group()), work)
    return sorted(cues, key=lambda c: c.start)


def _negated(text: str, start: int) -> bool:
    """A negator within the three words before `start`, in the same clause."""
    before = text[max(0, start - 40):start]
    clause = _CLAUSE_START.split(before)[-1]
    return bool(_NEGATOR.search(clause))


def _question(text: str, irony: list[_Cue]) -> str | None:
    """The first real question in the text; rhetorical ones ("why not?", ironic ones) do not count."""
    for match in _QUESTION.finditer(text):
        sentence = match.group()
        if any(match.start() <= cue.start < match.end() for cue in irony):
            continue  # "Mais bien sûr, et puis quoi encore ?"
        if sentence.strip(" ?\uff1f\u00bf") and not _RHETORICAL.match(sentence.lstrip("\u00bf")):
            return sentence.strip()
    return None
