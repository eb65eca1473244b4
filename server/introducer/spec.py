"""Read an intro as submitted (JSON from the add-in, the CLI or the sandbox) into an IntroSpec.

Format (keys not listed are errors, so a misspelt key cannot silently drop wording):

    {
      "introducer": {"name": str, "email": str, "timezone": IANA zone, default "UTC"},
      "requester":  {"name": str, "email": str, "asked": bool = true, "blurb": str = "",
                     "call_name": str = ""},
      "target":     {"name": str, "email": str, "blurb": str = "", "consent_given": bool = false,
                     "call_name": str = ""},
      "context": str, "benefit_to_target": str, "benefit_to_requester": str,
      "shared_connection": str,                       all optional, default ""
      "source_thread_id": str | null,                 the thread the user had open
      "extra": {...},                                 kept as-is for the caller
      "policy": {Policy.from_dict keys}               optional; read it with parse_policy
    }

`spec_to_stored` / `spec_from_stored` keep an accepted spec in the database in this same format
(without "policy", which belongs to the account).

`requester.asked` false means the requester did not ask for this intro, so they are asked too
(full double opt-in). `call_name` is what to call a party in a greeting ("Ann", "Dr. Lee"); empty
means a safe guess from the name (domain.names: the full name when the first word may be a family
name). Names and addresses must be header-safe; the parties must be two different
people, neither of them the introducer. This module checks shape and safety only: empty context or
benefits parse, and the etiquette lint (domain.lint) says what is missing.
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .domain.address import InvalidAddress, check_email, check_name, check_text, person, same_address
from .domain.model import IntroSpec, Party, Person, Policy

MAX_CONTEXT = 200  # it goes into the subject line
MAX_TEXT = 1000
MAX_CALL_NAME = 60
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

_TOP = {"introducer", "requester", "target", "context", "benefit_to_target", "benefit_to_requester",
        "shared_connection", "source_thread_id", "extra", "policy"}
_FIELDS = {
    "introducer": {"name", "email", "timezone"},
    "requester": {"name", "email", "asked", "blurb", "call_name"},
    "target": {"name", "email", "blurb", "consent_given", "call_name"},
}
EXAMPLE_SPEC = {
    "introducer": {"name": "Dana Park", "email": "dana@parkcap.com", "timezone": "America/New_York"},
    "requester": {"name": "Ann Lee", "email": "ann@acme.io", "asked": True,
                  "blurb": "founder of Acme, workflow software for clinics"},
    "target": {"name": "Bob Stone", "email": "bob@stonevc.com",
               "blurb": "partner at Stone Ventures, scaled go-to-market at two health-tech companies"},
    "context": "healthcare go-to-market",
    "benefit_to_target": "an early look at a fast-growing clinic software company",
    "benefit_to_requester": "advice on selling to clinics from someone who has done it twice",
    "shared_connection": "Ann and I worked together at Medisys; Bob and I co-invested in Clinico",
}
"""A complete intro that follows the etiquette: the demo's and the documentation's example."""


class SpecError(ValueError):
    """What is wrong with a submitted intro and where, e.g. "requester.email: 'ann@' is not …"."""


def _object(data, where: str) -> dict:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: must be an object with named fields")
    return data


def _no_unknown(data: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise SpecError(f"{prefix}{unknown[0]}: unknown field (expected one of: "
                        f"{', '.join(sorted(allowed))})")


def _text(data: dict, key: str, where: str, limit: int = MAX_TEXT) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SpecError(f"{where}: must be text")
    if _CONTROL.search(value):
        raise SpecError(f"{where}: must be a single line (it contains a line break or control character)")
    try:
        value = check_text(value, f"{where}:")  # encoded words decoded, and what they hide checked
    except InvalidAddress as exc:
        raise SpecError(str(exc)) from None
    if len(value) > limit:
        raise SpecError(f"{where}: is {len(value)} characters; at most {limit} are allowed")
    return value


def _flag(data: dict, key: str, where: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SpecError(f"{where}: must be true or false")
    return value


def _call_name(data: dict, where: str) -> str:
    value = _text(data, "call_name", f"{where}.call_name", MAX_CALL_NAME)
    if any(ch in value for ch in "<>@,;"):
        raise SpecError(f"{where}.call_name: write just the name to greet them with, e.g. \"Ann\"")
    return value


def _person(data: dict, where: str) -> Person:
    for key in ("name", "email"):
        if data.get(key) in (None, ""):
            raise SpecError(f"{where}.{key}: is required")
    try:
        # The field path leads the message: "requester.email: 'ann@' is not a valid email address".
        name = check_name(data["name"], f"{where}.name:")
        email = check_email(data["email"], f"{where}.email:")
        if not name:
            raise SpecError(f"{where}.name: is required")
        return person(name, email, where)
    except InvalidAddress as exc:
        raise SpecError(str(exc)) from None


def _timezone(data: dict) -> str:
    value = data.get("timezone") or "UTC"
    try:
        if not isinstance(value, str):
            raise ValueError
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SpecError(f"introducer.timezone: {value!r} is not a known time zone "
                        "(use a name like 'Europe/Paris')") from None
    return value


def parse_policy(data: dict | None) -> Policy:
    """Settings as submitted, with errors naming the setting: "policy.handoff_mode: must be …"."""
    if data is None:
        return Policy()
    _object(data, "policy")
    try:
        return Policy.from_dict(data)
    except ValueError as exc:
        message = str(exc)
        key = message.split(" ", 1)[0]
        if key in Policy.__dataclass_fields__:
            raise SpecError(f"policy.{key}: {message.split(' ', 1)[1]}") from None
        raise SpecError(f"policy: {message}") from None


def parse_spec(data: dict) -> IntroSpec:
    """Check and read a submitted intro; raises SpecError naming the first field that is wrong."""
    _object(data, "intro")
    _no_unknown(data, _TOP, "")
    parsed: dict = {}
    for role, allowed in _FIELDS.items():
        if role not in data:
            raise SpecError(f"{role}: is required")
        part = _object(data[role], role)
        _no_unknown(part, allowed, role)
        parsed[role] = part
    introducer = _person(parsed["introducer"], "introducer")
    requester = _person(parsed["requester"], "requester")
    target = _person(parsed["target"], "target")

    if same_address(requester.email, target.email):
        raise SpecError(f"target.email: {target.email} is also the requester's address; "
                        "the two parties must be different people")
    for role, p in (("requester", requester), ("target", target)):
        if same_address(p.email, introducer.email):
            raise SpecError(f"{role}.email: {p.email} is your own address; you cannot introduce "
                            "yourself")
    parse_policy(data.get("policy"))  # a bad setting is reported with the rest of the spec

    thread = data.get("source_thread_id")
    if thread is not None and (not isinstance(thread, str) or _CONTROL.search(thread)):
        raise SpecError("source_thread_id: must be a thread id (text) or null")
    extra = data.get("extra") or {}
    _object(extra, "extra")
    req, tgt = parsed["requester"], parsed["target"]
    return IntroSpec(
        introducer=introducer,
        requester=Party(requester, _text(req, "blurb", "requester.blurb"),
                        asked=_flag(req, "asked", "requester.asked", True),
                        call_name=_call_name(req, "requester")),
        target=Party(target, _text(tgt, "blurb", "target.blurb"), call_name=_call_name(tgt, "target")),
        context=_text(data, "context", "context", MAX_CONTEXT),
        benefit_to_target=_text(data, "benefit_to_target", "benefit_to_target"),
        benefit_to_requester=_text(data, "benefit_to_requester", "benefit_to_requester"),
        shared_connection=_text(data, "shared_connection", "shared_connection"),
        timezone=_timezone(parsed["introducer"]),
        target_consent_given=_flag(parsed["target"], "consent_given", "target.consent_given", False),
        source_thread_id=thread,
        extra=dict(extra),
    )


def spec_to_stored(spec: IntroSpec) -> dict:
    """The spec as JSON-ready data, in the submitted format (parse_spec reads it back)."""
    def party(p: Party, **flags) -> dict:
        return {"name": p.person.name, "email": p.person.email, "blurb": p.blurb,
                "call_name": p.call_name, **flags}

    return {
        "introducer": {"name": spec.introducer.name, "email": spec.introducer.email,
                       "timezone": spec.timezone},
        "requester": party(spec.requester, asked=spec.requester.asked),
        "target": party(spec.target, consent_given=spec.target_consent_given),
        "context": spec.context,
        "benefit_to_target": spec.benefit_to_target,
        "benefit_to_requester": spec.benefit_to_requester,
        "shared_connection": spec.shared_connection,
        "source_thread_id": spec.source_thread_id,
        "extra": dict(spec.extra),
    }


def spec_from_stored(data: dict) -> IntroSpec:
    """A stored spec back as an IntroSpec.

    It was checked by parse_spec when it was accepted; it is read as-is, so tightening a rule later
    never makes an intro already under way unreadable.
    """
    def party(d: dict) -> Party:
        return Party(Person(d["name"], d["email"]), d.get("blurb", ""), bool(d.get("asked", False)),
                     call_name=d.get("call_name") or "")

    intro_by = data["introducer"]
    return IntroSpec(
        introducer=Person(intro_by["name"], intro_by["email"]),
        requester=party(data["requester"]),
        target=party(data["target"]),
        context=data.get("context", ""),
        benefit_to_target=data.get("benefit_to_target", ""),
        benefit_to_requester=data.get("benefit_to_requester", ""),
        shared_connection=data.get("shared_connection", ""),
        timezone=intro_by.get("timezone") or "UTC",
        target_consent_given=bool(data["target"].get("consent_given", False)),
        source_thread_id=data.get("source_thread_id"),
        extra=dict(data.get("extra") or {}),
    )


def field_problems(data: dict) -> dict[str, str]:
    """Every problem a person can fix in the form, at once and in plain words, by field path:
    {"requester.email": "Ann's address looks incomplete: …"}. Empty when parse_spec may go ahead."""
    out: dict[str, str] = {}
    parts = {role: data.get(role) if isinstance(data.get(role), dict) else {} for role in ("introducer", "requester",
                                                                                             "target")}
    me = str(parts["introducer"].get("email") or "")
    for role, who in (("requester", "Who asked"), ("target", "Who they should meet")):
        p = parts[role]
        name, email = str(p.get("name") or "").strip(), str(p.get("email") or "").strip()
        first = name.split()[0] if name else f"The {role}"
        if not name:
            out[f"{role}.name"] = f"{who}: add a name."
        if not email:
            out[f"{role}.email"] = f"Add {first}'s email address."
            continue
        try:
            check_email(email)
        except InvalidAddress:
            out[f"{role}.email"] = f"{first}'s address looks incomplete: it should look like name@example.com."
            continue
        if me and same_address(email, me):
            out[f"{role}.email"] = "That is your own address: you are the one introducing."
    r, t = parts["requester"].get("email"), parts["target"].get("email")
    if r and t and "target.email" not in out and "requester.email" not in out and same_address(str(r), str(t)):
        out["target.email"] = "This is the requester's address too: they must be two different people."
    context = " ".join(str(data.get("context") or "").split())
    if len(context) > MAX_CONTEXT:
        out["context"] = f"The context is {len(context)} characters; keep it under {MAX_CONTEXT} (it goes into the subject)."
    return out
