"""Reading JSON request bodies: malformed JSON, wrong types and unknown fields are 400s naming the field.

Shapes are small dicts of field name to the accepted JSON type(s), or to a nested shape. They check
what the JSON looks like only; what the values mean is for the use cases (422).
"""
from __future__ import annotations

import json

from flask import request

from .errors import bad_request

_TYPE_NAMES = {str: "text", bool: "true or false", int: "a whole number", float: "a number", dict: "an object",
               list: "a list", type(None): "null"}


def json_object(*, allow_empty: bool = False) -> dict:
    """The request body as a JSON object; 400 with the parser's position when it is not one."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return {}
        raise bad_request("The request needs a JSON object body (Content-Type: application/json).")
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise bad_request("The body is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise bad_request(f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
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
