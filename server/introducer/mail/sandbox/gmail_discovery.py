"""The Gmail discovery document as the face's contract: routes, scopes, request checks, quota.

The document is the one google-api-python-client ships (discovery_cache/documents/gmail.v1.json),
so the face and the client library agree by construction. Like Google, the face refuses unknown
query parameters and body fields, bad enum values and missing required values with a 400.
`problems_in(schema, value)` is also what the tests use to check every response the face returns.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import googleapiclient

DOCUMENT = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "gmail.v1.json"

# Quota units per call: developers.google.com/gmail/api/reference/quota (gmail.md §5 gives the
# send/draft/get/history/profile/threads.get/watch/stop figures; the rest are from the same table).
QUOTA_UNITS = {
    "drafts.create": 10, "drafts.delete": 10, "drafts.get": 5, "drafts.list": 5, "drafts.send": 100,
    "drafts.update": 15, "getProfile": 1, "history.list": 2, "labels.create": 5, "labels.list": 1,
    "messages.get": 5, "messages.list": 5, "messages.send": 100, "stop": 50, "threads.get": 10,
    "threads.modify": 10, "watch": 100,
}
USER_UNITS_PER_MINUTE = 15_000  # per-user limit; beyond it Google answers 403 userRateLimitExceeded

_INT_FORMATS = {"int32": (-2**31, 2**31 - 1), "uint32": (0, 2**32 - 1)}
_BASE64 = re.compile(r"^[A-Za-z0-9_\-+/]*={0,2}$")


@lru_cache(maxsize=1)
def document() -> dict:
    return json.loads(DOCUMENT.read_text())


@dataclass(frozen=True)
class Method:
    id: str  # gmail.users.messages.send
    name: str  # messages.send, the face's operation name
    http_method: str
    path: str  # gmail/v1/users/{userId}/messages/send
    parameters: dict
    request: str | None
    response: str | None
    scopes: tuple[str, ...]

    @property
    def flask_rule(self) -> str:
        return "/" + re.sub(r"\{(\w+)\}", r"<\1>", self.path)


@lru_cache(maxsize=1)
def methods() -> dict[str, Method]:
    """Every users.* method by operation name ("getProfile", "drafts.create", ...)."""
    found: dict[str, Method] = {}

    def walk(resource: dict, prefix: str) -> None:
        for name, m in resource.get("methods", {}).items():
            op = prefix + name
            found[op] = Method(m["id"], op, m["httpMethod"], m["path"], m.get("parameters", {}),
                               m.get("request", {}).get("$ref"), m.get("response", {}).get("$ref"),
                               tuple(m.get("scopes", ())))
        for name, sub in resource.get("resources", {}).items():
            walk(sub, prefix + name + ".")

    walk(document()["resources"]["users"], "")
    return found


def _required_param(spec: dict) -> bool:
    return bool(spec.get("required")) or spec.get("description", "").startswith("Required.")


def _scalar_problem(spec: dict, value: str, where: str) -> str | None:
    """A query value (always text on the wire) against its parameter's type."""
    kind = spec.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"Invalid value at '{where}' (TYPE_INT), \"{value}\""
    if kind == "boolean" and value not in ("true", "false"):
        return f"Invalid value at '{where}' (TYPE_BOOL), \"{value}\""
    if kind == "string" and spec.get("format") in ("uint64", "int64") and not re.fullmatch(r"-?\d+", value):
        return f"Invalid value at '{where}' (TYPE_UINT64), \"{value}\""
    if "enum" in spec and value not in spec["enum"]:
        return f"Invalid value at '{where}', \"{value}\""
    return None


def query_problems(method: Method, args) -> list[str]:
    """Problems with a request's query string (`args`: a MultiDict) as Google words them."""
    out = []
    global_params = document()["parameters"]
    for name in args:
        values = args.getlist(name)
        spec = method.parameters.get(name) or global_params.get(name)
        if spec is None or spec.get("location") == "path":
            out.append(f"Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query parameter. "
                       f"Field '{name}' could not be found in request message.")
            continue
        if len(values) > 1 and not spec.get("repeated"):
            out.append(f"Invalid JSON payload received. Duplicate parameter \"{name}\".")
        out.extend(p for v in values if (p := _scalar_problem(spec, v, name)))
    for name, spec in method.parameters.items():
        if spec.get("location") == "query" and _required_param(spec) and name not in args:
            out.append(f"Missing required parameter: {name}")
    return out


def body_problems(method: Method, body) -> list[str]:
    if method.request is None:
        return []
    if not isinstance(body, dict):
        return ["Invalid JSON payload received. Expected an object."]
    return problems_in(method.request, body, for_method=method.id)


def _required_for(prop: dict, method_id: str | None) -> bool:
    if method_id is None:
        return False
    if method_id in prop.get("annotations", {}).get("required", ()):
        return True
    marker = re.search(r"@required\s+([\w. ]+)", prop.get("description", ""))
    return bool(marker) and method_id in marker.group(1).split()


def problems_in(schema: str | dict, value, where: str = "", *, for_method: str | None = None) -> list[str]:
    """Where `value` departs from a discovery schema: unknown names, wrong types, bad enums, missing
    required fields (those annotated required for `for_method`)."""
    spec = {"$ref": schema} if isinstance(schema, str) else schema
    if "$ref" in spec:
        spec = document()["schemas"][spec["$ref"]]
    kind = spec.get("type")
    here = where or "(root)"
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{here}: expected an object, got {type(value).__name__}"]
        out = []
        props = spec.get("properties")
        for key, item in value.items():
            sub = f"{where}.{key}" if where else key
            if props is not None and key in props:
                out += problems_in(props[key], item, sub, for_method=for_method)
            elif "additionalProperties" in spec:
                out += problems_in(spec["additionalProperties"], item, sub, for_method=for_method)
            else:
                out.append(f"Invalid JSON payload received. Unknown name \"{key}\" at '{here}': Cannot find field.")
        for key, prop in (props or {}).items():
            if key not in value and _required_for(prop, for_method):
                out.append(f"{where + '.' if where else ''}{key}: required")
        return out
    if kind == "array":
        if not isinstance(value, list):
            return [f"{here}: expected an array, got {type(value).__name__}"]
        return [p for i, item in enumerate(value) for p in problems_in(spec["items"], item, f"{where}[{i}]",
                                                                        for_method=for_method)]
    return _leaf_problems(spec, value, here)


def _leaf_problems(spec: dict, value, here: str) -> list[str]:
    kind, fmt = spec.get("type"), spec.get("format")
    if kind == "string":
        if not isinstance(value, str):
            return [f"{here}: expected a string, got {type(value).__name__}"]
        if fmt in ("int64", "uint64") and not re.fullmatch(r"-?\d+" if fmt == "int64" else r"\d+", value):
            return [f"{here}: expected a {fmt} as a decimal string, got {value!r}"]
        if fmt == "byte" and not _BASE64.match(value):
            return [f"{here}: expected base64 bytes"]
        if "enum" in spec and value not in spec["enum"]:
            return [f"{here}: {value!r} is not one of {spec['enum']}"]
        return []
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{here}: expected an integer, got {type(value).__name__}"]
        low, high = _INT_FORMATS.get(fmt, (None, None))
        if low is not None and not low <= value <= high:
            return [f"{here}: {value} is out of range for {fmt}"]
        return []
    if kind == "boolean" and not isinstance(value, bool):
        return [f"{here}: expected a boolean, got {type(value).__name__}"]
    if kind == "number" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        return [f"{here}: expected a number, got {type(value).__name__}"]
    return []
