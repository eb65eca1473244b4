"""Check names and addresses where they enter, so no header can ever be injected through them.

Text typed into a form or copied from a received message may hold RFC 2047 encoded words
(`=?utf-8?q?Ann_Lee=0D=0ABcc=3A_spy=40evil.example?=`). Some versions of Python's email package decode
such a word while folding a header and write what it hides, line breaks included, into the message. So
encoded words are decoded where text enters, and the decoded text is checked like any other: a name
that hides a control character is refused, a clean one is kept decoded. Addresses never hold them.
"""
from __future__ import annotations

import base64
import binascii
import re

from .model import Person

# A conservative addr-spec: dot-atom local part, a domain of at least two labels. Quoted local parts
# and IP-literal domains are valid RFC 5322 but are not accepted here: they are never needed for
# introductions and are a common vehicle for confusing recipients.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(?==\?)")
MAX_NAME = 120
MAX_DECODE_ROUNDS = 3


class InvalidAddress(ValueError):
    """A name or address that cannot safely go into an email header."""


def _decode_word(match: re.Match, what: str) -> str:
    charset, encoding, text = match.group(1).split("*", 1)[0], match.group(2).upper(), match.group(3)
    try:
        if encoding == "Q":
            data = re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                          text.replace("_", " ").encode("ascii"))
        else:
            data = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        return data.decode(charset)
    except (LookupError, UnicodeError, ValueError, binascii.Error):
        raise InvalidAddress(f"{what} holds an encoded word ({match.group(0)[:40]}) that cannot be decoded") from None


def decode_encoded_words(value: str, what: str = "text") -> str:
    """`value` with its RFC 2047 encoded words decoded (whitespace between two words dropped, as the RFC
    says). InvalidAddress for a word that cannot be decoded or text encoded over and over."""
    for _ in range(MAX_DECODE_ROUNDS):
        if not ENCODED_WORD.search(value):
            return value
        value = ENCODED_WORD.sub(lambda m: _decode_word(m, what), _BETWEEN_WORDS.sub(r"\1", value))
    if ENCODED_WORD.search(value):
        raise InvalidAddress(f"{what} is encoded more than {MAX_DECODE_ROUNDS} times over")
    return value


def check_text(value: str, what: str = "text") -> str:
    """One line of free text: encoded words decoded, refused if it holds a line break or control character."""
    if _CONTROL.search(value):
        raise InvalidAddress(f"{what} contains a line break or control character")
    decoded = decode_encoded_words(value, what)
    if _CONTROL.search(decoded):
        raise InvalidAddress(f"{what} hides a line break or control character in an encoded word (=?…?=)")
    return " ".join(decoded.split())


def readable_name(value: str) -> str:
    """A display name read from a received message, for showing or prefilling: encoded words decoded
    when they can be, control characters turned into spaces. Never raises."""
    try:
        value = decode_encoded_words(value)
    except InvalidAddress:
        pass
    return " ".join(_CONTROL.sub(" ", value).split())


def check_email(email: str, what: str = "address") -> str:
    if not isinstance(email, str):
        raise InvalidAddress(f"{what} must be a string")
    value = email.strip()
    if _CONTROL.search(value):
        raise InvalidAddress(f"{what} contains a line break or control character")
    if "=?" in value:
        raise InvalidAddress(f"{what} {value!r} is not a valid email address (it holds an encoded word)")
    if len(value) > 254 or not _ADDR.match(value):
        raise InvalidAddress(f"{what} {value!r} is not a valid email address")
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def check_name(name: str, what: str = "name") -> str:
    if not isinstance(name, str):
        raise InvalidAddress(f"{what} must be a string")
    value = check_text(name, what)
    if len(value) > MAX_NAME:
        raise InvalidAddress(f"{what} is longer than {MAX_NAME} characters")
    return value


def person(name: str, email: str, what: str = "person") -> Person:
    """Validated Person; raises InvalidAddress naming which field is wrong."""
    return Person(name=check_name(name or "", f"{what} name"), email=check_email(email, f"{what} email"))


def same_address(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()
