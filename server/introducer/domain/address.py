"""Check names and addresses where they enter, so no header can ever be injected through them."""
from __future__ import annotations

import re

from .model import Person

# A conservative addr-spec: dot-atom local part, a domain of at least two labels. Quoted local parts
# and IP-literal domains are valid RFC 5322 but are not accepted here: they are never needed for
# introductions and are a common vehicle for confusing recipients.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_NAME = 120


class InvalidAddress(ValueError):
    """A name or address that cannot safely go into an email header."""


def check_email(email: str, what: str = "address") -> str:
    if not isinstance(email, str):
        raise InvalidAddress(f"{what} must be a string")
    value = email.strip()
    if _CONTROL.search(value):
        raise InvalidAddress(f"{what} contains a line break or control character")
    if len(value) > 254 or not _ADDR.match(value):
        raise InvalidAddress(f"{what} {value!r} is not a valid email address")
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def check_name(name: str, what: str = "name") -> str:
    if not isinstance(name, str):
        raise InvalidAddress(f"{what} must be a string")
    if _CONTROL.search(name):
        raise InvalidAddress(f"{what} contains a line break or control character")
    value = " ".join(name.split())
    if len(value) > MAX_NAME:
        raise InvalidAddress(f"{what} is longer than {MAX_NAME} characters")
    return value


def person(name: str, email: str, what: str = "person") -> Person:
    """Validated Person; raises InvalidAddress naming which field is wrong."""
    return Person(name=check_name(name or "", f"{what} name"), email=check_email(email, f"{what} email"))


def same_address(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()
