"""The event object Google POSTs to an HTTP add-on endpoint, read and checked into an `AddonEvent`.

Shape (developers.google.com/workspace/add-ons/guides/alternate-runtimes, "Event object"):
`commonEventObject{hostApp, platform, userLocale, timeZone{id, offset}, formInputs{name: {stringInputs:
{value: [str]}}}, parameters{key: str}}`, `authorizationEventObject{userOAuthToken, userIdToken,
systemIdToken}`, `gmail{messageId, threadId, accessToken, toRecipients[], ccRecipients[], bccRecipients[]}`.
Anything else in the body is ignored; what we read must have the documented type, or the request is a
400 naming the field (never a 500).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import request

from .body import read_json
from .errors import bad_request


@dataclass(frozen=True)
class GmailContext:
    """The `gmail` part: the open message (contextual triggers) or the draft's recipients (compose)."""

    message_id: str | None = None
    thread_id: str | None = None
    access_token: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddonEvent:
    host_app: str | None
    timezone: str | None
    parameters: dict[str, str]
    form: dict[str, tuple[str, ...]]  # stringInputs only; date/time inputs are not used by our cards
    user_id_token: str | None
    user_oauth_token: str | None
    gmail: GmailContext = field(default_factory=GmailContext)

    def param(self, key: str, default: str = "") -> str:
        return self.parameters.get(key, default)

    def value(self, name: str, default: str = "") -> str:
        """The first string input of a form field, trimmed."""
        values = self.form.get(name)
        return values[0].strip() if values else default

    def values(self, name: str) -> tuple[str, ...]:
        return self.form.get(name, ())

    def has_form(self) -> bool:
        return bool(self.form)


def read_event() -> AddonEvent:
    """The request body as an AddonEvent; 400 with the offending field otherwise."""
    raw = request.get_data(cache=True)
    data = read_json(raw, "event") if raw.strip() else None
    if not isinstance(data, dict):
        raise bad_request("The body must be an add-on event: a JSON object with commonEventObject.")
    return parse_event(data)


def parse_event(data: dict) -> AddonEvent:
    common = _object(data, "commonEventObject", required=True)
    auth = _object(data, "authorizationEventObject")
    gmail = _object(data, "gmail")
    timezone = _object(common, "timeZone", where="commonEventObject")
    return AddonEvent(
        host_app=_text(common, "hostApp", "commonEventObject"),
        timezone=_text(timezone, "id", "commonEventObject.timeZone"),
        parameters=_parameters(common.get("parameters")),
        form=_form_inputs(common.get("formInputs")),
        user_id_token=_text(auth, "userIdToken", "authorizationEventObject"),
        user_oauth_token=_text(auth, "userOAuthToken", "authorizationEventObject"),
        gmail=GmailContext(
            message_id=_text(gmail, "messageId", "gmail"), thread_id=_text(gmail, "threadId", "gmail"),
            access_token=_text(gmail, "accessToken", "gmail"),
            to=_addresses(gmail, "toRecipients"), cc=_addresses(gmail, "ccRecipients"),
            bcc=_addresses(gmail, "bccRecipients")),
    )


def _object(data: dict, key: str, *, required: bool = False, where: str = "") -> dict:
    path = f"{where}.{key}" if where else key
    value = data.get(key)
    if value is None:
        if required:
            raise bad_request(f"{path}: is required in an add-on event.")
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"{path}: must be an object.")
    return value


def _text(data: dict, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{where}.{key}: must be text.")
    return value


def _parameters(value) -> dict[str, str]:
    """Google sends action parameters as a map; a card's list of {key, value} is accepted as well."""
    if value is None:
        return {}
    if isinstance(value, list):
        if not all(isinstance(p, dict) and isinstance(p.get("key"), str) and isinstance(p.get("value"), str)
                   for p in value):
            raise bad_request("commonEventObject.parameters: must map names to text.")
        return {p["key"]: p["value"] for p in value}
    if not isinstance(value, dict):
        raise bad_request("commonEventObject.parameters: must be an object mapping names to text.")
    for key, item in value.items():
        if not isinstance(item, str):
            raise bad_request(f"commonEventObject.parameters.{key}: must be text.")
    return dict(value)


def _form_inputs(value) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request("commonEventObject.formInputs: must be an object.")
    form = {}
    for name, item in value.items():
        where = f"commonEventObject.formInputs.{name}"
        if not isinstance(item, dict):
            raise bad_request(f"{where}: must be an object.")
        inputs = item.get("stringInputs")
        if inputs is None:
            continue  # a date or time input: none of our cards has one
        values = inputs.get("value") if isinstance(inputs, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise bad_request(f"{where}.stringInputs.value: must be a list of text.")
        form[name] = tuple(values)
    return form


def _addresses(gmail: dict, key: str) -> tuple[str, ...]:
    value = gmail.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request(f"gmail.{key}: must be a list of addresses.")
    return tuple(value)
