"""Header lines written by hand, byte for byte the same on every Python version.

`email.headerregistry` re-parses a header value while folding it, and how it does so changed between
patch releases: a display name holding an encoded word could come out decoded (a line break and a
`Bcc:` included), and "Prof. Françoise Lemaître" came out as three encoded words that decoders join as
"Prof.FrançoiseLemaître". So the header block of an outgoing message is built here from checked parts:

- a display name is sent as is when it is plain ASCII words; quoted (`"Prof. Ann Lee"`) when it has
  other printable ASCII; otherwise (non-ASCII, or text that looks like an encoded word itself) its
  plain words stay plain and each run of the other words becomes one RFC 2047 encoded word (UTF-8, Q
  encoding): "Prof. Françoise Lemaître" is one word. Only a run longer than one word (66 characters)
  is split, between characters; then decoders differ (RFC 2047 drops the space between two encoded
  words, Python's address parser keeps it), which is why runs are kept whole whenever they fit;
- an unstructured value (Subject) follows the same rule;
- lines are folded at 78 characters between list items or words, continuation lines start with a space.
Every part is checked for line breaks and control characters before it is written.
"""
from __future__ import annotations

import re

from ..domain.address import InvalidAddress, check_email, check_name
from ..domain.model import Person

MAX_LINE = 78
# RFC 2047 allows 75 characters per encoded word; 66 lets the first one share a line with any header
# name up to "Reply-To: " (and "Subject: ") within 78, so no line ever needs refolding
MAX_WORD = 66
_ATOM_WORDS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$")  # atext and spaces: no quoting needed
_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
_Q_SAFE = re.compile(r"[A-Za-z0-9!*+/-]")  # what RFC 2047 §5(3) lets stand in a phrase
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PREFIX, _SUFFIX = "=?utf-8?q?", "?="


def _q(ch: str) -> str:
    if ch == " ":
        return "_"
    if _Q_SAFE.fullmatch(ch):
        return ch
    return "".join(f"={b:02X}" for b in ch.encode("utf-8"))


def encoded_words(text: str) -> list[str]:
    """`text` as UTF-8 Q-encoded words, each at most MAX_WORD characters, split only between characters."""
    words, current = [], ""
    for ch in text:
        piece = _q(ch)
        if current and len(_PREFIX) + len(current) + len(piece) + len(_SUFFIX) > MAX_WORD:
            words.append(_PREFIX + current + _SUFFIX)
            current = ""
        current += piece
    if current or not words:
        words.append(_PREFIX + current + _SUFFIX)
    return words


def _needs_encoding(text: str) -> bool:
    return not _PRINTABLE.match(text) or "=?" in text


def _mixed(text: str, plain) -> list[str]:
    """Words that `plain` accepts stay as they are; each run of the others becomes encoded words. So an
    encoded word always sits between plain words (whose spaces every decoder keeps), and two encoded
    words are adjacent only when one run is too long for one word."""
    out: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if plain(word):
            if run:
                out += encoded_words(" ".join(run))
                run = []
            out.append(word)
        else:
            run.append(word)
    if run:
        out += encoded_words(" ".join(run))
    return out


def display_name(name: str) -> list[str]:
    """The tokens of a display name: plain words, a quoted string, or encoded words."""
    if not _needs_encoding(name):
        if _ATOM_WORDS.match(name):
            return name.split()
        return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
    return _mixed(name, lambda word: bool(_ATOM_WORDS.match(word)) and "=?" not in word)


def mailbox(person: Person) -> str:
    """`Name <addr>` (or just `addr`), name and address checked first. Tokens joined by spaces; folding
    may only break between the name's tokens, which `fold` does."""
    email = check_email(person.email)
    name = check_name(person.name or "")
    if not name:
        return email
    return " ".join([*display_name(name), f"<{email}>"])


def unstructured(text: str) -> list[str]:
    if _CONTROL.search(text):
        raise InvalidAddress("a header value contains a line break or control character")
    text = " ".join(text.split())
    return _mixed(text, lambda word: not _needs_encoding(word)) if text else []


def fold(name: str, items: list[str], separator: str = " ") -> str:
    """`Name: item<sep>item…` folded at 78 characters between items (and between the words inside an
    item), with CRLF line ends. An item longer than a line stays whole on a line of its own."""
    lines, line = [], f"{name}:"
    for index, item in enumerate(items):
        text = item + (separator.rstrip() if index < len(items) - 1 else "")
        for word_index, word in enumerate(text.split(" ")):
            if not word:
                continue
            if len(line) + 1 + len(word) > MAX_LINE and line.strip() and line != f"{name}:":
                lines.append(line)
                line = " " + word
            else:
                line += " " + word
    lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def address_header(name: str, people) -> str:
    return fold(name, [mailbox(p) for p in people], ", ")


def text_header(name: str, value: str) -> str:
    return fold(name, unstructured(value))


def raw_header(name: str, value: str) -> str:
    """A header whose value we made ourselves (ids, dates, keys): ASCII, no line breaks, folded at spaces."""
    if _CONTROL.search(name + value) or not _PRINTABLE.match(value) or not re.fullmatch(r"[!-9;-~]+", name):
        raise InvalidAddress(f"header {name} contains a line break, a control character or non-ASCII text")
    return fold(name, value.split())
