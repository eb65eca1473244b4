"""Suggestions for the Introduce form, read from the ask: who they want to meet, about what, and a line
about the requester they wrote for forwarding. Pure text work (standard library only); every
suggestion is shown to the introducer as one, never used silently.

    hints = read_ask(text, subject, known=[Person("Bob Stone", "bob@stonevc.example")])
    hints.target_name, hints.target_email, hints.target_org, hints.context, hints.requester_blurb
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .model import Person

_NAME_WORD = r"[A-Z][\w'’\-]*\.?"
_NAME = rf"{_NAME_WORD}(?:\s+(?:(?:van|von|de|da|del|der|di|le|la|bin|al)\s+)*{_NAME_WORD}){{0,3}}"
_ORG = r"[A-Z0-9][\w&'’.\-]*(?:\s+(?:[A-Z0-9&][\w&'’.\-]*|of|for|and|the))*"
_ASKS = (
    r"introduc(?:e|ing)\s+(?:me|us)\s+to", r"(?:an\s+)?intro(?:duction)?\s+to", r"connect\s+(?:me|us)\s+(?:with|to)",
    r"put\s+(?:me|us)\s+in\s+touch\s+with", r"get\s+(?:me|us)\s+in\s+touch\s+with", r"(?:me|us)\s+to\s+meet",
    r"link\s+(?:me|us)\s+up\s+with", r"(?:know|knows)\s+anyone\s+like",
)
_TARGET = re.compile(rf"(?i:{'|'.join(_ASKS)})\s+(?P<name>{_NAME})(?:,?\s+(?:at|from|of|who\s+runs)\s+(?P<org>{_ORG}))?")
_CONTEXT = re.compile(
    r"\b(?:advice|thoughts|help|input|perspective|views?|questions?|feedback|a\s+chat|to\s+chat|to\s+talk|"
    r"to\s+speak|to\s+learn|talk|chat)\s+(?:on|about|regarding|around)\s+(?P<what>[^.?!;:\n]{3,80})", re.I)
_FORWARD = re.compile(
    r"^\s*(?:a\s+line\s+you\s+(?:could|can)\s+forward|(?:a\s+)?(?:short\s+)?(?:forwardable\s+)?blurb"
    r"(?:\s+you\s+(?:could|can)\s+forward)?|(?:something|a\s+line)\s+to\s+forward)\s*[:\-–—]\s*(?P<line>.+)$",
    re.I | re.M)
_OWNERS = re.compile(r"^(?:our|my|the|his|her|their|your|a|an)\s+", re.I)
_TAIL = re.compile(r"\s*(?:,|\bwhether\b|\bif\b|\bbecause\b|\bsince\b|\bas\b|\bwhich\b|\bthat\b|\bfor\s+\w+\s+minutes\b).*$",
                   re.I)
_QUOTED = re.compile(r"^\s*>.*$|^On .+ wrote:\s*$", re.M)
CONTEXT_MAX = 80


@dataclass(frozen=True)
class AskHints:
    target_name: str = ""
    target_email: str = ""
    target_org: str = ""
    context: str = ""
    requester_blurb: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def read_ask(text: str, subject: str = "", known: Iterable[Person] = ()) -> AskHints:
    """What the ask suggests; empty strings for what it does not say. `known`: people the introducer
    knows (name and address), so a named target gets an address."""
    body = _own_words(text or "")
    both = f"{subject or ''}\n{body}"
    name, org = _target(both)
    email = ""
    if name:
        person = _known(name, known)
        if person is not None:
            name, email = person.name or name, person.email
    return AskHints(target_name=name, target_email=email, target_org=org, context=_context(both),
                    requester_blurb=_forwardable(body))


def _own_words(text: str) -> str:
    """The newest message only: quoted history belongs to someone else."""
    return _QUOTED.sub("", text.replace("\r\n", "\n"))


def _target(text: str) -> tuple[str, str]:
    matches = list(_TARGET.finditer(re.sub(r"\s+", " ", text)))
    if not matches:
        return "", ""
    found = next((m for m in matches if m.group("org")), matches[0])  # the subject often leaves out the company
    name = found.group("name").rstrip(".")
    org = (found.group("org") or "").strip().rstrip(".")
    org = re.split(r"\s+(?:and|for|the|of)$", org)[0]
    return name, org


def _known(name: str, known: Iterable[Person]) -> Person | None:
    """The one known person with this full name, or else the one whose first name it is."""
    people = [p for p in known if p.email]
    full = [p for p in people if (p.name or "").casefold() == name.casefold()]
    if len(full) == 1:
        return full[0]
    first = name.split()[0].casefold()
    partial = [p for p in people if (p.name or "").split()[:1] and p.name.split()[0].casefold() == first]
    if len(name.split()) == 1 and len(partial) == 1:
        return partial[0]
    return None


def _context(text: str) -> str:
    found = _CONTEXT.search(re.sub(r"[ \t]+", " ", text))
    if not found:
        return ""
    what = _TAIL.sub("", found.group("what")).strip()
    what = _OWNERS.sub("", what).strip(" ,")
    if len(what) < 3 or len(what) > CONTEXT_MAX:
        return ""
    return what


def _forwardable(text: str) -> str:
    found = _FORWARD.search(text)
    return found.group("line").strip() if found else ""
