"""Reading JSON request bodies: malformed JSON, wrong types and unknown fields are 400s naming the field.

Every JSON body the server reads goes through `parse_json` (directly, or through Flask's
`request.get_json`, whose provider `init_app` replaces): it is the one place with the limits:
nesting at most `MAX_DEPTH` deep (Python's parser would otherwise recurse until RecursionError), whole
numbers of at most `MAX_DIGITS` digits, finite numbers only, and text that is valid Unicode without NUL
(a lone surrogate such as "\\ud800" parses, then fails when written to the database or an email, and
PostgreSQL text cannot store "\\u0000").

Shapes are small dicts of field name to the accepted JSON type(s), or to a nested shape. They check
what the JSON looks like only; what the values mean is for the use cases (422).
"""
from __future__ import annotations

import json
import math
import re

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from .errors import bad_request

_TYPE_NAMES = {str: "text", bool: "true or false", int: "a whole number", float: "a number", dict: "an object",
               list: "a list", type(None): "null"}


MAX_DEPTH = 32  # our deepest body (an add-on event) nests 6 levels
MAX_DIGITS = 18  # whole numbers: fits a 64-bit column
_MAX_NUMBER_TEXT = 40  # a decimal number's text, exponent included
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class JSONLimitError(ValueError):
    """Text that is JSON but outside what this server accepts (too deep, too long a number, bad text).

    A ValueError, so `request.get_json(silent=True)` treats it as it treats malformed JSON."""


def _whole(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise JSONLimitError(f"a whole number has more than {MAX_DIGITS} digits")
    return int(text)


def _decimal(text: str) -> float:
    value = float(text)
    if len(text) > _MAX_NUMBER_TEXT or not math.isfinite(value):
        raise JSONLimitError("a number is too long or too large")
    return value


def _not_json(name: str):
    raise JSONLimitError(f"{name} is not JSON")


def _depth(raw: bytes) -> int:
    """How deep the arrays and objects nest, counted without recursion (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b'""', raw)):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _check_text(value) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise JSONLimitError("text contains an unpaired surrogate (\\ud800-\\udfff), which is not Unicode") from None
        if "\x00" in value:  # PostgreSQL text cannot hold it, and no person types it
            raise JSONLimitError("text contains a NUL character (\\u0000)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def parse_json(raw: bytes | str):
    """JSON text → Python, within the limits above. Raises JSONDecodeError, UnicodeDecodeError or
    JSONLimitError (all ValueErrors)."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if _depth(raw) > MAX_DEPTH:
        raise JSONLimitError(f"it nests more than {MAX_DEPTH} levels deep")
    text = raw.decode("utf-8")  # JSON bodies are UTF-8 (RFC 8259 §8.1); surrogates come only as \u escapes
    data = json.loads(text, parse_int=_whole, parse_float=_decimal, parse_constant=_not_json)
    _check_text(data)
    return data


def read_json(raw: bytes, what: str = "body"):
    """`parse_json`, with each failure turned into a 400 that says what is wrong."""
    try:
        return parse_json(raw)
    except UnicodeDecodeError:
        raise bad_request(f"The {what} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise bad_request(f"The {what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
    except JSONLimitError as exc:
        raise bad_request(f"The {what} is refused: {exc}.") from None


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading with `parse_json`, so `request.get_json` has the same limits."""

    def loads(self, s, **kwargs):
        return parse_json(s)


def init_app(app: Flask) -> None:
    provider = BoundedJSONProvider(app)
    provider.sort_keys = app.json.sort_keys
    app.json = provider


def json_object(*, allow_empty: bool = False) -> dict:
    """The request body as a JSON object; 400 with the parser's position when it is not one."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise bad_request("The request needs a JSON object body (Content-Type: application/json).")
    data = read_json(raw)
    if not isinstance(data, dict):
        raise bad_request("body: must be a JSON object with named fields.")
    return data


def _describe(accepted) -> str:
    kinds = accepted if isinstance(accepted, tuple) else (accepted,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds if k is not type(None)) + \
        (" (or null)" if type(None) in kinds else "")


def _matches(value, accepted) -> bool:
    kinds = accepted if isinstance(accepted, tuple) else (accepted,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # JSON true is not a number here, even though Python says bool is an int
    return isinstance(value, kinds)


def check_shape(data: dict, shape: dict, where: str = "") -> None:
    """Raise a 400 naming the first field that is unknown or of the wrong JSON type."""
    for key, value in data.items():
        path = f"{where}.{key}" if where else key
        if key not in shape:
            allowed = ", ".join(sorted(shape))
            raise bad_request(f"{path}: unknown field (expected one of: {allowed}).")
        accepted = shape[key]
        if isinstance(accepted, dict):
            if not isinstance(value, dict):
                raise bad_request(f"{path}: must be an object.")
            check_shape(value, accepted, path)
        elif not _matches(value, accepted):
            raise bad_request(f"{path}: must be {_describe(accepted)}, not {_json_kind(value)}.")


def _json_kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


def choice(data: dict, key: str, allowed: tuple[str, ...]) -> str:
    """A required text field that must be one of `allowed`."""
    value = data.get(key)
    if value not in allowed:
        options = " or ".join(repr(a) for a in allowed)
        raise bad_request(f"{key}: must be {options}" + ("" if value is None else f", not {json.dumps(value)}") + ".")
    return value
