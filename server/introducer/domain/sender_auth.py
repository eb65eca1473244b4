"""Did a reply really come from the address in its From header? Read from the receiving provider's
`Authentication-Results` header (RFC 8601).

Which header is trusted: only the topmost one. The receiving provider (Gmail's mx.google.com, Exchange
Online, the sandbox's mx) prepends its own above everything the message carried when it arrived, so a
sender can add a fake `Authentication-Results: …; dmarc=pass` lower down but never above the provider's.
A message the provider did not stamp at all is not verified.

What passes (the DMARC rule, RFC 7489): `dmarc=pass`; or `dkim=pass` with a signing domain (`header.d`,
else the domain of `header.i`) aligned with the From domain; or `spf=pass` with an aligned
`smtp.mailfrom` domain. An explicit `dmarc=fail` (or `dmarc=permerror`) is decisive, whatever else passed.
Alignment is relaxed: the same organizational domain. Without the Public Suffix List, the organizational
domain is the last two labels, or the last three when the second-to-last is a common second-level label
under a two-letter country code (`co.uk`, `com.au`, `co.jp`…). That errs towards "not aligned" for
unusual suffixes, which sends the reply to review rather than trusting it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic"})
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s;]+|;')


@dataclass(frozen=True)
class MethodResult:
    method: str  # dkim, spf, dmarc…
    result: str  # pass, fail, none…
    props: dict[str, str] = field(default_factory=dict)  # "header.d" -> "example.com"


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str  # "" when the provider left it out (Exchange Online does)
    results: tuple[MethodResult, ...]


@dataclass(frozen=True)
class SenderCheck:
    passed: bool
    reason: str  # what passed ("dmarc=pass"), or why nothing did


def _strip_comments(value: str) -> str:
    """Remove (nested) comments outside quoted strings."""
    out, depth, quoted, escaped = [], 0, False, False
    for ch in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            if depth == 0:
                out.append(ch)
            continue
        if quoted:
            quoted = ch != '"'
            out.append(ch)
        elif ch == '"' and depth == 0:
            quoted = True
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse(value: str) -> AuthResults:
    """One Authentication-Results header value. Tolerant: what cannot be read is left out."""
    clauses: list[list[str]] = [[]]
    for token in _TOKEN.findall(_strip_comments(" ".join(str(value).split()))):
        if token == ";":
            clauses.append([])
        else:
            clauses[-1].append(token)
    authserv_id = ""
    if clauses[0] and "=" not in clauses[0][0]:
        authserv_id = clauses[0][0].lower()
        clauses[0] = [t for t in clauses[0][1:] if not t.isdigit()]  # an optional version follows the id
    results: list[MethodResult] = []
    for clause in clauses:
        current: MethodResult | None = None
        for token in clause:
            name, eq, val = token.partition("=")
            if not eq:
                continue
            name, val = name.strip().lower(), _unquote(val.strip())
            if "." not in name and name != "reason" and name != "action":
                current = MethodResult(name.split("/")[0], val.lower(), {})
                results.append(current)
            elif current is not None:
                current.props[name] = val
    return AuthResults(authserv_id, tuple(r for r in results if r.method != "none"))


def organizational_domain(domain: str) -> str:
    labels = [label for label in domain.strip().strip(".").lower().split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def aligned(domain: str, from_domain: str) -> bool:
    return bool(domain) and bool(from_domain) and organizational_domain(domain) == organizational_domain(from_domain)


def _domain(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip().strip("<>").lower()


def check_sender(from_address: str, authentication_results: tuple[str, ...] | list[str]) -> SenderCheck:
    """Whether the provider's topmost Authentication-Results vouches for the From address's domain."""
    from_domain = _domain(from_address) if "@" in from_address else ""
    if not from_domain:
        return SenderCheck(False, "it has no sender address")
    if not authentication_results:
        return SenderCheck(False, "the provider did not record any sender check")
    stamp = parse(authentication_results[0])
    by_method: dict[str, list[MethodResult]] = {}
    for r in stamp.results:
        by_method.setdefault(r.method, []).append(r)
    dmarc = by_method.get("dmarc", [])
    for r in dmarc:
        if r.result in ("fail", "permerror"):
            return SenderCheck(False, f"dmarc={r.result}")
    for r in dmarc:
        claimed = r.props.get("header.from", from_domain)
        if r.result == "pass" and aligned(_domain(claimed), from_domain):
            return SenderCheck(True, "dmarc=pass")
    for r in by_method.get("dkim", []):
        signer = r.props.get("header.d") or _domain(r.props.get("header.i", ""))
        if r.result == "pass" and aligned(signer, from_domain):
            return SenderCheck(True, f"dkim=pass for {signer}")
    for r in by_method.get("spf", []):
        mail_from = _domain(r.props.get("smtp.mailfrom", ""))
        if r.result == "pass" and aligned(mail_from, from_domain):
            return SenderCheck(True, f"spf=pass for {mail_from}")
    seen = ", ".join(f"{r.method}={r.result}" for r in stamp.results) or "no results"
    return SenderCheck(False, f"{seen}; nothing aligned with {from_domain}")
