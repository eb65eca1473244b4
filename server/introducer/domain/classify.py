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
from .out_of_office import automatic_hint, automatic_reason, is_delivery_failure, notice_reason, return_date


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reason: str
    return_date: date | None = None
    bounce: bool = False  # an automatic reply saying the message was not delivered at all


# Cue kinds. The scan runs the patterns below in order and blanks out each match, so an idiom found
# early ("no problem", "not sure", "can't wait") is not read again by a broader pattern later ("no").
YES, NO, HEDGE, DEFER, DELEGATE, COND, DEPENDS, NEUTRAL = (
    "yes", "no", "hedge", "deferral", "hand-off", "condition", "depends", "neutral")
YES_WORD = "yes-word"  # an affirmative that a nearby "not" turns into a refusal
_MAX_CHARS = 8000
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
          r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)")
_END = r"(?=\s*(?:[.!,;\n]|$))"  # the phrase ends its clause ("I'm in!" but not "I'm in Chicago")


def _any(*patterns: str) -> str:
    return "|".join(patterns)


_LEXICON: list[tuple[str, str]] = [
    (NO, _any(r"\bno,? thanks?\b", r"\bno,? thank you\b", r"\bthanks,? but no\b")),
    # Politeness that contains cue words but answers nothing.
    (NEUTRAL, _any(
        r"\b(?:sorry|apologies|apologize)\b(?: for| about)? (?:the |my )?(?:delay\w*|late|slow|tardy)\w*"
        r"(?: reply| response)?",
        r"\bsorry (?:it took|i took|to be slow)\b",
        r"\bno (?:worries|rush|pressure|hurry|stress|hard feelings|matter)\b",
        r"\bmake sure\b", r"\bi'?m sure\b", r"\bi am sure\b", r"\blet me know\b", r"\bdon'?t hesitate\b",
        r"\bnot only\b", r"\bhow are you\b", r"\bhope (?:you'?re|you are|all is|things are) (?:well|good)\b",
        # deference to the introducer is not a condition: "sure, if you think it helps"
        r"\bif (?:you need|there'?s anything|helpful|useful|that helps|it helps|you'?d like|you want|you like"
        r"|you think)\b",
        r"\bif (?:it'?s|it is|it would be|it'?d be|that'?s|that would be|this is) (?:helpful|useful|of use)\b",
        r"\bpass(?:ing)? along\b",
        r"\bpass(?:ing)? on (?:my|her|his|their|your) (?:details|e-?mail|number|contact|info\w*|apologies"
        r"|regards|best|thanks)\b")),
    # Affirmatives negated right after them, counterfactuals.
    (NO, _any(
        r"\b(?:absolutely|definitely|certainly|of course|surely|really|sure|probably) not\b",
        r"\bwould(?:'ve| have) (?:loved|liked|been (?:happy|glad|keen)) to\b", r"\bcount me out\b")),
    # Idioms that agree although they contain a negation.
    (YES, _any(
        r"\bno problem\b", r"\bnot a problem\b", r"\bno-?brainer\b", r"\bcan'?t wait\b", r"\bcannot wait\b",
        r"\bwhy not\b", r"\b(?:don'?t|do not) see why not\b", r"\bwouldn'?t miss it\b",
        r"\bhow could i (?:say no|refuse|resist)\b", r"\bcan'?t (?:say no|refuse|resist)\b",
        r"\b(?:don'?t|do not) mind\b", r"\bno objections?\b", r"\bno reason not to\b", r"\bwouldn'?t say no\b",
        r"\bcouldn'?t be happier\b")),
    (HEDGE, _any(
        r"\bnot (?:[\w%]+ )?(?:sure|certain|convinced|clear)\b", r"\b(?:don'?t|do not) know\b", r"\bno idea\b",
        r"\bunsure\b", r"\buncertain\b", r"\bnot yet\b", r"\bnot opposed\b", r"\bnot at all\b",
        r"\bcan'?t (?:say|tell|commit|promise) (?:yet|for sure|right now)\b")),
    (DEPENDS, _any(r"\b(?:it )?depends\b", r"\bdepending on\b")),
    # Refusals.
    (NO, _any(
        r"\bnot (?:interested|keen|looking|available|taking|accepting|able|in a position|for me|the right time"
        r"|the best time|a (?:good|great) time|(?:a |the )?(?:good |great |right )?fit|right now|now"
        r"|at (?:the|this) (?:moment|time|point|stage|minute)|at present|currently|this time|today"
        r"|going to (?:work|happen|be possible))\b",
        r"\b(?:isn'?t|is not|'s not|wasn'?t)\s+(?:a |the )?(?:(?:good|great|right|best|ideal)\s+)?"
        r"(?:time|fit|match|moment)\b",
        r"\bnot (?:the )?(?:right|best|ideal|correct) (?:person|contact|fit|one)\b",
        r"\b(?:can'?t|cannot|can not|won'?t be able|will not be able|wouldn'?t be able|unable|not able)\b")),
    (NO, _any(
        r"\b(?:i'?ll|i will|i'?d|i would|i'?m going to|i am going to|going to|gonna|have to|must|will have to)"
        r" (?:politely |respectfully |regretfully |have to )?(?:pass|decline|say no|sit this one out|bow out)\b",
        r"\b(?:hard|a) pass\b", r"\bpass (?:on|this time|for now|for me)\b", r"\bdeclin(?:e|ing)\b",
        r"\b(?:skip|sit out|give (?:this|it) a miss)(?: on)? (?:this|it)\b", r"\brather not\b", r"\bprefer not\b",
        r"\b(?:isn'?t|is not|not) (?:really |quite )?(?:something|an area|my area|my wheelhouse|my expertise"
        r"|my field)\b")),
    (NO, _any(
        r"\b(?:don'?t|do not|doesn'?t|does not) (?:think|feel|believe) (?:so|it|this|that|i|we|she|he|they)\b",
        r"\b(?:don'?t|do not) (?:have|want|need)\b",
        rf"\bi'?m (?:good|all set|ok|okay)(?:{_END}|\s+(?:thanks|for now))",
        r"\bno longer\b", r"\bnope\b", r"\bnah\b",
        r"\b(?:wouldn'?t|won'?t|would not|will not) be (?:of )?(?:much |any |a lot of )?(?:help|use|value)\b")),
    (NO, _any(
        r"\btoo busy\b", r"\bswamped\b", r"\bslammed\b", r"\bunderwater\b", r"\bmaxed out\b", r"\bat capacity\b",
        r"\bstretched(?: too)? thin\b", r"\bover-?committed\b", r"\boverextended\b",
        r"\bno (?:bandwidth|capacity|time)\b", r"\bplate is full\b", r"\bfull plate\b",
        r"\btoo much on my plate\b",
        r"\bunfortunately\b", r"\bsadly\b", r"\bregrettably\b", r"\bregretfully\b", r"\bafraid not\b",
        r"\bi'?m afraid\b")),
    # Someone else brought in: "adding my colleague", "cc'd Maria", "forwarding to our CTO".
    (DELEGATE, _any(
        r"\b(?:adding|added|looping in|looped in|loop in|copying|copied|roping in|bringing in)"
        r" (?:in )?(?:my|our|\w+ (?:who|from|here|to this)|here)\b",
        r"\bforward(?:ing|ed)? (?:this |it |your note )?to\b", r"\bcc(?:'?ing|'?d|-ing|-ed|'ed)\b",
        r"\bcc (?:my|our|in)\b", r"\bwho (?:handles|manages|runs|leads|owns|covers|looks after)\b",
        r"\b(?:right|better|best) (?:person|contact|one) (?:for this|to (?:talk|speak|ask)|here|would be|is)\b",
        r"\b(?:reach out to|talk to|speak (?:to|with)|contact) (?:my|our) \w+",
        r"\b(?:my|our) (?:colleague|co-?worker|assistant|ea|chief of staff|team\w*|co-?founder|partner|deputy)\b"
        r"[^.!?\n]{0,40}\b(?:handles|manages|runs|leads|owns|covers|is better|would be better"
        r"|will (?:help|take|follow|reach))\b")),
    # Later, not now: "not until Q2", "after the holidays", "once our round closes".
    (DEFER, _any(
        rf"\bnot (?:this|next|in|before|till) (?:week|month|quarter|year|{_MONTH}\b|q[1-4])", r"\bnot before\b",
        r"\bafter (?:she|he|they|we|i|you)(?:'s|'ve|'re| has| have| is| are| gets?)?\b",
        r"\b(?:i'?m|i am|i'?ll be|i will be|currently) (?:\w+ )?out of (?:the )?office\b", r"\booo\b",
        r"\bnot until\b", r"\buntil (?:after|then)\b",
        rf"\b(?:after|until|till|in|by|around|from) (?:q[1-4]|h[12]|{_MONTH}\b|the (?:new )?year|the holidays"
        r"|the (?:spring|summer|fall|autumn|winter)|next (?:month|quarter|year)"
        r"|a (?:few|couple(?: of)?) (?:weeks|months)|the end of (?:the|this) (?:month|quarter|year))",
        rf"\b(?:early|mid|late)[- ](?:{_MONTH}|q[1-4]|next)\b")),
    (DEFER, _any(
        r"\blater (?:this|next|in the) (?:year|month|quarter|spring|summer|fall)\b", r"\b(?:some )?other time\b",
        r"\banother time\b", r"\bdown the (?:road|line)\b", r"\brevisit\b", r"\bcircle back\b",
        r"\breconnect (?:later|in|after)\b", r"\bhold off\b", r"\bpostpone\b",
        r"\bpush (?:this|it) (?:back|out)\b",
        r"\bwait (?:until|till|a (?:few|couple|bit)|for)\b",
        r"\bonce\b(?!\s+(?:again|more|or twice|before|a (?:week|month|year)))",
        r"\bwhen things (?:calm|settle|quiet)\w*", r"\bnext (?:month|quarter|year)\b",
        r"\b(?:on|upon) my return\b",
        r"\bwhen i(?:'m| am) back\b")),
    (COND, r"\b(?:if|unless|as long as|so long as|provided|providing|assuming|on (?:the )?condition|pending"
           r"|subject to|contingent on)\b"),
    (HEDGE, _any(
        r"\b(?:maybe|perhaps|possibly|potentially|might|probably|tentatively|in principle|in theory|i guess"
        r"|i suppose|hmm+|instead|loop back|come back to you|revert)\b",
        r"\blet me (?:think|check|see|ask|confirm|get back|look|consult|talk|mull|sleep)\b",
        r"\bthink (?:about it|it over)\b", r"\bsleep on it\b", r"\bmull it over\b", r"\bget back to you\b",
        r"\blet you know\b", r"\bmore (?:info\w*|details|context|background)\b", r"\btell me more\b",
        r"\bopen to hearing\b", r"\bunderstand (?:the |a bit more )?(?:context|ask|goal|background)\b",
        r"\bwhat(?:'s| is) (?:this|it) about\b", r"\b(?:call me|give me a (?:call|ring|shout)|hop on a call)\b",
        r"\b(?:need|have) to (?:check|think|confirm|ask|talk)\b", r"\b(?:check|confirm|talk) with\b",
        r"\brun it by\b",
        r"\b(?:check|confirm|talk|speak|chat|discuss|understand|know|see|hear)\b[^.!?\n]{0,40}\bfirst\b")),
    (YES_WORD, _any(
        r"\b(?:yes|yeah|yep|yup|yea|sure|absolutely|definitely|certainly|of course|gladly|happily|for sure|ok"
        r"|okay)\b",
        r"\b(?:happy|glad|delighted|pleased|thrilled|keen|honou?red|excited) to\b", r"\blove to\b",
        r"\bwould love\b", r"\b(?:i'?d|i would) like to\b", r"\bmore than happy\b",
        r"\b(?:would|'d|will|'ll) be (?:happy|glad|delighted|pleased|keen|thrilled|honou?red|great|good|wonderful"
        r"|lovely|fantastic|helpful|useful|a pleasure|nice)\b",
        r"\b(?:i'?m|i am) (?:keen|game|interested)\b", rf"\b(?:i'?m|i am) (?:happy|glad|delighted|in){_END}",
        r"\b(?:i'?m|i am) (?:up for it|open to (?:it|that|this|chatting|meeting|connecting))\b",
        r"\bsounds (?:good|great|perfect|lovely|fantastic|wonderful|fine|like a plan)\b", r"\bthat works\b",
        r"\bworks for me\b", r"\bfine (?:by|with) me\b", r"\bgo ahead\b", r"\bgo for it\b", r"\bplease do\b",
        r"\bplease (?:introduce|connect|make|send|share|loop)\b", r"\b(?:introduce|connect) us\b",
        r"\bmake the (?:intro|introduction|connection)\b", r"\bcount me in\b", r"\bby all means\b",
        r"\bfeel free to (?:introduce|connect|share|pass|send|give|loop|cc)\b", r"\blet'?s do (?:it|this)\b",
        r"\bkeen\b", r"\binterested\b", r"\bmy pleasure\b", r"\blove the idea\b", "\U0001F44D", "\U0001F44C")),
    # A bare "no" only as an answer: at a clause start before a pause or a refusal, or "say no".
    (NO, _any(
        r"(?:^|(?<=[\n.!?;:,(\-])|\b(?:but|so|and|honestly|sorry|thanks|unfortunately|sadly|then))\s*no\b"
        r"(?=\s*(?:[,.!;:\-)\n]|$|thanks?\b|thank\b|sorry\b|for now\b|i\b|we\b|but\b|not\b))",
        r"\b(?:say|saying|answer is|it'?s a|that'?s a|a firm|a) no\b")),
]
_PATTERNS = [(kind, re.compile(rx, re.I | re.M)) for kind, rx in _LEXICON]
_NEGATOR = re.compile(r"(?:\bnot|\bnever|\bhardly|\bno|n't)\s+(?:\w+\s+){0,2}$", re.I)
_FOLLOWED_BY_NOT = re.compile(r"\s*(?:not|n't)\b", re.I)
_CLAUSE_START = re.compile(r"[\n.!?;,:]|\bbut\b|\s-\s", re.I)
_RHETORICAL = re.compile(r"^\W*(?:why not|how could i (?:say no|refuse)|who wouldn'?t"
                         r"|what'?s not to (?:like|love)"
                         r"|how are you(?: doing)?|how have you been|hope (?:all is|you'?re) well)\W*$", re.I)


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
    cues = _scan(text)
    question = _question(text)
    if question:
        return Classification(Verdict.UNCLEAR, f"asks a question: {question!r}")
    by_kind: dict[str, list[_Cue]] = {}
    for cue in cues:
        by_kind.setdefault(cue.kind, []).append(cue)
    yes, no = by_kind.get(YES, []), by_kind.get(NO, [])
    for kind in (DELEGATE, DEPENDS):
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
    if yes:
        return Classification(Verdict.YES, f"agrees: {yes[0].text!r}")
    if qualifiers:
        return Classification(Verdict.UNCLEAR, f"{qualifiers[0].kind}: {qualifiers[0].text!r}")
    return Classification(Verdict.UNCLEAR, "no clear yes or no")


def _scan(text: str) -> list[_Cue]:
    """Find cues in order of the lexicon, blanking each match so later patterns do not re-read it."""
    work, cues = text, []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(work):
            if not m.group().strip():
                continue
            found = kind
            if kind == YES_WORD:  # "not keen", "wouldn't be happy to", "please do not"
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


def _question(text: str) -> str | None:
    """The first real question in the text; rhetorical ones ("why not?") do not count."""
    for sentence in re.findall(r"[^.!?\n]*\?", text):
        if sentence.strip(" ?") and not _RHETORICAL.match(sentence):
            return sentence.strip()
    return None
