"""The etiquette lint: where an intro departs from the etiquette, in sentences the UI can show.

`lint_spec` looks at what the user typed; `lint_intro` adds what only the composed email shows, so
an edited template that drops the context, a benefit or the call to action is caught before it is
sent; `lint_permission_requests` checks the asks themselves. The full check is
`lint_spec(spec) + lint_intro(spec, intro) + lint_permission_requests(spec, requests)`. The checks that
read meaning (who schedules, a favour posing as a benefit, consent on the user's word) are in
`lint_meaning.py`.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from . import phrasing
from .compose import Composed, greeting_name
from .lint_meaning import (ERROR, WARNING, Finding, consent_on_your_word, favour_as_benefit,
                           permission_request_length, target_told_to_schedule)
from .lint_meaning import schedules as _schedules
from .lint_meaning import sentences as _sentences
from .lint_meaning import words as _words
from .model import IntroSpec, Role

__all__ = ["ERROR", "WARNING", "Finding", "lint_spec", "lint_intro", "lint_permission_requests"]

BODY_WARN_WORDS = 200
BODY_MAX_WORDS = 350
BLURB_MAX_WORDS = 30
THIN_BENEFIT_WORDS = 4  # fewer words than this says too little to be worth a meeting
BALANCE_RATIO = 1 / 3  # the shorter benefit under a third of the longer reads one-sided

# Benefits that name no gain at all.
_VAGUE = frozenset({
    "networking", "to network", "connect", "to connect", "connecting", "a chat", "chat", "catch up",
    "a coffee", "coffee", "synergies", "synergy", "mutual benefit", "value", "tbd", "n/a", "none",
})
_SUBJECT_START = re.compile(r"^\s*(?:intro|introduction)\b", re.IGNORECASE)
def lint_spec(spec: IntroSpec) -> list[Finding]:
    """Problems visible from what the user typed alone (the form can show them as they type)."""
    return _lint(spec, None)


def lint_intro(spec: IntroSpec, composed: Composed) -> list[Finding]:
    """Problems only the composed intro shows: subject, recipients, length, call to action, and
    wording the template drops. Never repeats a lint_spec finding, so the full check is
    `lint_spec(spec) + lint_intro(spec, composed)`.
    """
    already = set(lint_spec(spec))
    return [finding for finding in _lint(spec, composed) if finding not in already]


def lint_permission_requests(spec: IntroSpec, requests: dict[Role, Composed]) -> list[Finding]:
    """Problems of the composed permission requests (one per party asked): their length."""
    return permission_request_length(requests, spec)


def _lint(spec: IntroSpec, composed: Composed | None) -> list[Finding]:
    parts = _parts(composed) if composed is not None else None
    benefits = _benefits(spec, parts)
    if not any(f.code in ("missing_benefit", "one_sided_benefit") for f in benefits):
        benefits += favour_as_benefit(spec)
    findings = [*_context(spec, composed), *benefits, *_blurbs(spec), *_shared_connection(spec, parts),
                *target_told_to_schedule(spec), *consent_on_your_word(spec)]
    if composed is not None:
        findings += [*_subject(spec, composed), *_recipients(spec, composed),
                     *_length(parts), *_call_to_action(spec, parts)]
    return findings


# --- reading the composed email ---------------------------------------------------------------

class _Visible(HTMLParser):
    """The text a reader sees in the HTML part; block tags end a line so sentences stay apart."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "br", "div", "li", "tr", "h1", "h2", "h3", "blockquote"):
            self.chunks.append("\n")

    def handle_data(self, data):
        self.chunks.append(data)


def _parts(composed: Composed) -> dict[str, str]:
    visible = _Visible()
    visible.feed(composed.html)
    visible.close()
    return {"plain-text": composed.text, "HTML": "".join(visible.chunks)}


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _lacking(parts: dict[str, str], phrase: str) -> list[str]:
    """Names of the parts that do not contain the phrase."""
    # Closing punctuation typed into a field is dropped when it goes mid-sentence (domain.phrasing).
    return [name for name, body in parts.items() if _norm(phrasing.phrase(phrase)) not in _norm(body)]


def _where(lacking: list[str]) -> str:
    return "The intro" if len(lacking) != 1 else f"The {lacking[0]} part of the intro"


# --- checks --------------------------------------------------------------------------------------

def _context(spec: IntroSpec, composed: Composed | None) -> list[Finding]:
    if not spec.context.strip():
        return [Finding("missing_context", ERROR,
                        "Add a few words of context (what the two should talk about): the subject "
                        "and the intro need it so both remember why they are meeting.")]
    if composed is not None and _norm(phrasing.phrase(spec.context)) not in _norm(composed.subject):
        return [Finding("missing_context", ERROR,
                        f"The subject does not mention the context (\u201c{spec.context}\u201d); "
                        "it should, so both can recall at a glance why they are meeting.")]
    return []


def _benefits(spec: IntroSpec, parts: dict[str, str] | None) -> list[Finding]:
    given = {role: text.strip() for role, text in
             ((Role.TARGET, spec.benefit_to_target), (Role.REQUESTER, spec.benefit_to_requester))
             if text.strip()}
    dropped = {role: _lacking(parts, text) for role, text in given.items()} if parts else {}
    dropped = {role: where for role, where in dropped.items() if where}
    shown = {role: text for role, text in given.items() if role not in dropped}
    name = {role: spec.party(role).person.name for role in Role}

    if not shown:
        if given:
            msg = (f"{_where(sorted({w for ws in dropped.values() for w in ws}))} does not say "
                   "what either side gains; the template leaves the benefits out.")
        else:
            msg = (f"Say what each side gains: what {name[Role.TARGET]} gets from meeting "
                   f"{name[Role.REQUESTER]}, and the other way round.")
        return [Finding("missing_benefit", ERROR, msg)]
    if len(shown) == 1:
        lacking = next(role for role in Role if role not in shown)
        if lacking in dropped:
            msg = (f"{_where(dropped[lacking])} says what only one side gains; it leaves out what "
                   f"{name[lacking]} gains.")
        else:
            msg = (f"Say what {name[lacking]} gains too: an introduction should be worth it to "
                   "both sides, not just one.")
        return [Finding("one_sided_benefit", ERROR, msg)]

    counts = {role: _words(text) for role, text in shown.items()}
    thin, full = sorted(Role, key=lambda r: counts[r])
    vague = [role for role, text in shown.items() if _norm(text).strip(".!") in _VAGUE]
    if vague:
        role = vague[0]
        return [Finding("one_sided_benefit", WARNING,
                        f"What {name[role]} gains (\u201c{shown[role]}\u201d) is vague; name something "
                        "concrete, as you did for the other side.")]
    if counts[thin] < THIN_BENEFIT_WORDS or counts[thin] < counts[full] * BALANCE_RATIO:
        return [Finding("one_sided_benefit", WARNING,
                        f"What {name[thin]} gains (\u201c{shown[thin]}\u201d) is much thinner than what "
                        f"{name[full]} gains; balance the two so neither feels like a favour.")]
    return []


def _blurbs(spec: IntroSpec) -> list[Finding]:
    findings = []
    for role in Role:
        party = spec.party(role)
        words = _words(party.blurb)
        if words > BLURB_MAX_WORDS:
            findings.append(Finding(
                "blurb_too_long", WARNING,
                f"The line about {party.person.name} is {words} words; keep it to one short line "
                f"(under {BLURB_MAX_WORDS} words) rather than a biography."))
        elif words == 0:
            findings.append(Finding(
                "missing_blurb", WARNING,
                f"Add one short, positive line about {party.person.name} so the other knows who "
                "they are meeting."))
    return findings


def _shared_connection(spec: IntroSpec, parts: dict[str, str] | None) -> list[Finding]:
    if not spec.shared_connection.strip():
        return [Finding("missing_shared_connection", WARNING,
                        "Say how you know each of them: it reminds both why the introduction is "
                        "coming from you.")]
    lacking = _lacking(parts, spec.shared_connection) if parts else []
    if lacking:
        return [Finding("missing_shared_connection", WARNING,
                        f"{_where(lacking)} does not say how you know them; the template leaves the "
                        "shared connection out.")]
    return []


def _subject(spec: IntroSpec, composed: Composed) -> list[Finding]:
    subject = _norm(composed.subject)
    names = (spec.requester.person.name, spec.target.person.name)
    if _SUBJECT_START.match(composed.subject) and all(_norm(n) in subject for n in names):
        return []
    return [Finding("subject_format", ERROR,
                    f"The subject should start with \u201cIntro:\u201d and name both {names[0]} and "
                    f"{names[1]}, e.g. \u201cIntro: {names[0]} meets {names[1]} \u2013 "
                    f"{spec.context or 'context'}\u201d.")]


def _recipients(spec: IntroSpec, composed: Composed) -> list[Finding]:
    wanted = {spec.requester.person.email.lower(), spec.target.person.email.lower()}
    to = [p.email.lower() for p in composed.to]
    findings = []
    if len(to) != 2 or set(to) != wanted:
        findings.append(Finding(
            "recipients", ERROR,
            f"The intro must go To both {spec.requester.person.name} and "
            f"{spec.target.person.name}, and only them (To now: {', '.join(to) or 'nobody'})."))
    for field, people in (("Cc", composed.cc), ("Bcc", composed.bcc)):
        if people:
            findings.append(Finding(
                "recipients", ERROR,
                f"Nobody belongs in {field} of the intro; both parties go in To "
                f"({field} now: {', '.join(p.email for p in people)})."))
    return findings


def _length(parts: dict[str, str]) -> list[Finding]:
    words = max(_words(body) for body in parts.values())
    if words > BODY_MAX_WORDS:
        return [Finding("body_too_long", ERROR,
                        f"The intro is {words} words; cut it to under {BODY_WARN_WORDS}. Long "
                        "intros with biographies or proposals get skimmed or ignored.")]
    if words > BODY_WARN_WORDS:
        return [Finding("body_too_long", WARNING,
                        f"The intro is {words} words; under {BODY_WARN_WORDS} reads better. Keep "
                        "to who they are, why they should meet and who schedules.")]
    return []


def _call_to_action(spec: IntroSpec, parts: dict[str, str]) -> list[Finding]:
    requester, target = greeting_name(spec.requester), greeting_name(spec.target)
    if _norm(requester) == _norm(target):  # same first name: only full names tell them apart
        requester, target = spec.requester.person.name, spec.target.person.name
    lacking = [name for name, body in parts.items()
               if not any(_schedules(s, requester, target) for s in _sentences(body))]
    if not lacking:
        return []
    wrong_way = any(_schedules(s, target, requester)
                    for name in lacking for s in _sentences(parts[name]))
    if wrong_way:
        msg = (f"{_where(lacking)} puts {target} in charge of scheduling; the etiquette asks the "
               f"requester to do it (\u201cI'll let {requester} take it from here to find a time\u201d).")
    else:
        msg = (f"{_where(lacking)} has no call to action naming {requester} as the one who "
               f"schedules, e.g. \u201cI'll let {requester} take it from here to find a time.\u201d")
    return [Finding("no_call_to_action", ERROR, msg)]
