"""Strict whole-number parsing for text from outside (query strings, form fields, ids, cursors).

`str.isdigit` and `int()` accept far more than ASCII digits ("²", Arabic-Indic digits, "+1", " 1_0 "),
and `int()` refuses some of what `isdigit` accepts, so text they disagree on became a server error.
Everything read from a request goes through `whole_number` instead: ASCII digits only, bounded length.
"""
from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = 18  # fits a signed 64-bit column; longer is never an id, a count or a cursor of ours


def whole_number(text, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The number `text` spells in ASCII digits, or None when it is anything else (or too long)."""
    if not isinstance(text, str) or len(text) > max_digits or not _DIGITS.fullmatch(text):
        return None
    return int(text)


def is_whole_number(text, *, max_digits: int = MAX_DIGITS) -> bool:
    return whole_number(text, max_digits=max_digits) is not None
