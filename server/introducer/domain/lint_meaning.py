"""Lint checks that read what the words say, not only their shape: who is put in charge of scheduling,
whether a "benefit" is really the requester's favour, whose word a consent rests on, and whether the
permission request is brief enough to decide at a glance. `domain/lint.py` runs them with the rest.

The phrase lists are data, kept short and readable; they flag (warn) rather than block where a
heuristic could misread a sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .compose import Composed, greeting_name
from .model import IntroSpec, Role

ERROR = "error"
WARNING = "warning"

PERMISSION_WARN_WORDS = 150  # "The initial request email should be brief"
PERMISSION_MAX_WORDS = 250


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" | "warning"
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message}


# Phrases of a call to action about scheduling the next step.
SCHEDULING = re.compile(
    r"take it from here|take things from here|\bschedul\w*|\bfind (?:a )?(?:good )?time|"
    r"\bset (?:up|something up|a time)\b|\bbook\w*\b|\barrange\b|\breach out\b|\bfollow up\b|"
    r"\b(?:send|propose|suggest|share) (?:over )?(?:a few |some )?times\b|"
    r"\b(?:be|get) in touch\b|\bcalendar\b", re.IGNORECASE)
_WORD = re.compile(r"\w[\w'’-]*")
_URL = re.compile(r"https?://\S+")
_YOU = re.compile(r"\b(?:you|your|please|feel free)\b", re.IGNORECASE)

# What the requester asks of the target, written where the target's gain belongs. {name} is the
# requester's first or full name.
_FAVOUR = (
    r"\b(?:the |a |an )?(?:chance|opportunity|privilege|pleasure|honou?r) (?:to|of) "
    r"(?:help|assist|support|advis|mentor|guid|coach)\w*",
    r"\b(?:would|will|'d) (?:\w+ )?(?:appreciate|love|value|welcome|be grateful for) (?:your|some of your|any|a bit of) "
    r"(?:advice|help|input|feedback|time|thoughts|guidance|insights?|expertise|perspective|support)\b",
    r"\b(?:help|helping|advise|advising|mentor|mentoring|support|supporting|guide|guiding|coach|coaching) "
    r"(?:him|her|them|{name})\b",
    r"\bpick (?:your|his|her|their) brains?\b",
    r"\b(?:do|doing) (?:me |{name} |him |her |them )?a favou?r\b",
    r"\b(?:give|giving|share|sharing) (?:him|her|them|{name}) (?:some |a few )?(?:advice|feedback|pointers|tips|input)\b",
    r"\b(?:his|her|their|{name}'s|{name}’s) (?:gratitude|thanks)\b",
)


def words(value: str) -> int:
    return len(_WORD.findall(value))


def sentences(body: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", body) if s.strip()]


def _last_at(sentence: str, name: str, before: int) -> int:
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", sentence[:before],
                                           re.IGNORECASE)]
    return hits[-1] if hits else -1


def schedules(sentence: str, name: str, rival: str) -> bool:
    """The sentence puts `name` (not `rival`) in charge of scheduling.

    The name nearest before the scheduling phrase is the one in charge ("I'll let Ann take it
    from here to find a time with Bob"); with no name before it, the last one after it, where a
    question addresses someone ("Could you find a time that suits Bob, Ann?").
    """
    match = SCHEDULING.search(sentence)
    if match is None:
        return False
    mine, theirs = _last_at(sentence, name, match.start()), _last_at(sentence, rival, match.start())
    if mine >= 0 or theirs >= 0:
        return mine > theirs
    end = len(sentence)
    return _last_at(sentence, name, end) > _last_at(sentence, rival, end)


def _names(spec: IntroSpec) -> tuple[str, str]:
    requester, target = greeting_name(spec.requester.person), greeting_name(spec.target.person)
    if requester.casefold() == target.casefold():  # same first name: only full names tell them apart
        return spec.requester.person.name, spec.target.person.name
    return requester, target


def favour_as_benefit(spec: IntroSpec) -> list[Finding]:
    """What the target "gains" is the favour the requester asks ("the chance to help Ann")."""
    text = spec.benefit_to_target.strip()
    if not text:
        return []
    names = "|".join(re.escape(n) for n in {greeting_name(spec.requester.person), spec.requester.person.name} if n)
    for pattern in _FAVOUR:
        if re.search(pattern.replace("{name}", f"(?:{names})"), text, re.IGNORECASE):
            target, requester = spec.target.person.name, spec.requester.person.name
            return [Finding("one_sided_benefit", WARNING,
                            f"What {target} gains (\u201c{text}\u201d) is the favour {requester} asks, not "
                            f"something {target} gets; say what is in it for {target} (insight, a deal, "
                            "people worth knowing), so the intro is worth it to both sides.")]
    return []


def _free_text(spec: IntroSpec) -> list[tuple[str, str, bool]]:
    """(field label, text, addressed to the target) for what the user typed freely."""
    return [("context", spec.context, False), ("benefit to the target", spec.benefit_to_target, True),
            ("benefit to the requester", spec.benefit_to_requester, False),
            ("shared connection", spec.shared_connection, False),
            ("line about the requester", spec.requester.blurb, False),
            ("line about the target", spec.target.blurb, False)]


def target_told_to_schedule(spec: IntroSpec) -> list[Finding]:
    """Free text that puts the target in charge of scheduling contradicts the call to action, which
    leaves it to the requester ("Bob, grab a slot on Ann's calendar")."""
    requester, target = _names(spec)
    for label, text, to_target in _free_text(spec):
        for sentence in sentences(text):
            match = SCHEDULING.search(sentence)
            if match is None:
                continue
            before = sentence[:match.start()]
            in_charge_target = schedules(sentence, target, requester)
            # "book a time with Ann": nobody named before the phrase, the requester after it
            unnamed_with_requester = (_last_at(sentence, requester, match.start()) < 0
                                      and _last_at(sentence, target, match.start()) < 0
                                      and _last_at(sentence, requester, len(sentence)) >= 0)
            addressed = to_target and _YOU.search(before) is not None
            if in_charge_target or unnamed_with_requester or addressed:
                return [Finding("scheduling_contradiction", WARNING,
                                f"The {label} asks {target} to schedule (\u201c{sentence.strip()}\u201d), which "
                                f"contradicts the call to action: {requester} asked for the intro, so "
                                f"{requester} finds the time. Leave scheduling out of that field.")]
    return []


def consent_on_your_word(spec: IntroSpec) -> list[Finding]:
    """Nobody is asked whose consent the user vouched for: say so, every time."""
    findings = []
    if spec.target_consent_given:
        name = spec.target.person.name
        findings.append(Finding("consent_on_your_word", WARNING,
                                f"You marked {name} as having already agreed, so {name} will not be asked: "
                                f"the intro goes out on your word, not {name}'s. Be sure {name} said yes."))
    if spec.requester.asked:
        name = spec.requester.person.name
        findings.append(Finding("consent_on_your_word", WARNING,
                                f"You said {name} asked for this intro, so {name} will not be asked: "
                                f"that consent rests on your word."))
    return findings


def permission_request_length(requests: dict[Role, Composed], spec: IntroSpec) -> list[Finding]:
    """The ask should be brief: the asked party decides from it at a glance (links are not counted)."""
    findings = []
    for role, composed in requests.items():
        count = words(_URL.sub("", composed.text))
        name = spec.party(role).person.name
        if count > PERMISSION_MAX_WORDS:
            findings.append(Finding("permission_request_too_long", ERROR,
                                    f"The permission request to {name} is {count} words; cut it to under "
                                    f"{PERMISSION_WARN_WORDS}. {name} should see at a glance who, why and "
                                    "that saying no is fine; shorten the lines about them and the benefit."))
        elif count > PERMISSION_WARN_WORDS:
            findings.append(Finding("permission_request_too_long", WARNING,
                                    f"The permission request to {name} is {count} words; under "
                                    f"{PERMISSION_WARN_WORDS} reads better, so {name} can decide at a glance."))
    return findings
