"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the JSON API the panel and task pane use.

Written here by hand, route by route; enumerations come from the domain, so they cannot drift. A test
checks that every /api/v1 route Flask serves is described here and every path described is served, and a
fuzzing test (tests/web/test_api_fuzz.py) that every request valid by this description is accepted (no
400) and none is a server error: the description is as strict as the server's checks of shape and range.
What values *mean* (an address that does not parse, an unknown time zone, the etiquette lint) stays a 422.
Text may not contain NUL characters (no database column stores them); see web/body.py.
"""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request

from ..domain.model import HandoffMode, HandoffTrigger, SendMode, SubjectStyle
from ..domain.states import IntroState

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

TEXT = {"type": ["string", "null"]}
PERSON = {"type": "object", "required": ["name", "email"],
          "properties": {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}}}
STATE = {"type": "string", "enum": [s.value for s in IntroState]}
_STATES = "|".join(s.value for s in IntroState)
DAYS = {"type": "integer", "minimum": 1, "maximum": 60}  # Policy.from_dict's range


def _enum(kind) -> dict:
    return {"type": "string", "enum": [m.value for m in kind]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "findings": {"type": "array", "items": ref("Finding")},
                       "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                  "description": "field path -> what to fix there, in plain words"}}}}},
    "Finding": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                 "severity": {"type": "string", "enum": ["error", "warning"]}}},
    "Spec": {"type": "object", "additionalProperties": False, "properties": {
        "requester": {"type": "object", "additionalProperties": False, "properties": {
            "name": TEXT, "email": TEXT, "asked": {"type": "boolean"}, "blurb": TEXT,
            "call_name": TEXT}},
        "target": {"type": "object", "additionalProperties": False, "properties": {
            "name": TEXT, "email": TEXT, "blurb": TEXT, "consent_given": {"type": "boolean"},
            "call_name": TEXT}},
        "context": TEXT, "benefit_to_target": TEXT, "benefit_to_requester": TEXT, "shared_connection": TEXT,
        "source_thread_id": TEXT}},
    "Insights": {"type": "object", "properties": {
        "total": {"type": "integer"}, "introduced": {"type": "integer"},
        "per_month": {"type": "array", "items": {"type": "object", "properties": {
            "month": {"type": "string", "example": "2026-11"}, "intros": {"type": "integer"}}}},
        "consent": {"type": "object", "properties": {
            **{k: {"type": "integer"} for k in ("asked", "yes", "no", "no_answer", "pending")},
            "rate": {"type": ["number", "null"], "description": "yes / (yes + no + no_answer)"},
            "median_hours_ask_to_yes": {"type": ["number", "null"]}}},
        "median_hours_intro_to_handoff": {"type": ["number", "null"]},
        "declined_or_stalled": {"type": "array", "items": {"type": "object", "properties": {
            "intro_id": {"type": "integer"}, "outcome": {"type": "string", "enum": ["declined", "no_answer", "stalled"]},
            "who": {"type": "array", "items": {"type": "string"}}, "requester": TEXT, "target": TEXT,
            "context": TEXT, "since": {"type": "string", "format": "date-time"}, "idle_days": {"type": "integer"}}}},
        "most_connected": {"type": "array", "items": {"type": "object", "properties": {
            "name": TEXT, "email": TEXT, "intros": {"type": "integer"}}}},
        "timezone": TEXT, "as_of": {"type": "string", "format": "date-time"}}},
    "Policy": {"type": "object", "properties": {
        **{k: _enum(SendMode) for k in ("permission_request", "intro", "decline_note", "expiry_note", "handoff",
                                        "nudges")},
        "handoff_mode": _enum(HandoffMode), "handoff_trigger": _enum(HandoffTrigger),
        "subject_style": _enum(SubjectStyle), "consent_nudge_after_days": DAYS,
        "expire_after_bump_days": DAYS, "requester_reminder_after_days": DAYS,
        "close_loop_after_days": {**DAYS, "type": ["integer", "null"]}, "consent_links": {"type": "boolean"}},
        "additionalProperties": False},
    "Account": {"type": "object", "properties": {
        "id": {"type": "integer"}, "provider": {"type": "string", "enum": ["sandbox", "gmail", "outlook"]},
        "email": {"type": "string"}, "name": {"type": "string"}, "timezone": {"type": "string"},
        "status": {"type": "string", "enum": ["active", "reconnect_needed", "disconnected"],
                   "description": "disconnected: not connected yet (Connect Outlook); reconnect_needed: "
                                  "the provider revoked or expired the grant"},
        "settings": ref("Policy"), "features": {"type": "object"}}},
    "IntroSummary": {"type": "object", "properties": {
        "id": {"type": "integer"}, "state": STATE, "needs_review": {"type": "boolean"},
        "requester": PERSON, "target": PERSON, "context": {"type": "string"},
        "consents": {"type": "object", "additionalProperties": {"type": "string"}},
        "next_step": {"type": "string"}, "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"}}},
    "Intro": {"allOf": [ref("IntroSummary"), {"type": "object", "properties": {
        "spec": {"type": "object"}, "consent_detail": {"type": "object"},
        "messages": {"type": "array", "items": {"type": "object"}},
        "scheduled": {"type": "array", "items": {"type": "object"}},
        "timeline": {"type": "array", "items": {"type": "object"}}}}]},
    "Message": {"type": "object", "properties": {
        "subject": {"type": "string"}, "text": {"type": "string"}, "html": TEXT,
        "to": {"type": "array", "items": PERSON}}},
    "Check": {"type": "object", "properties": {
        "ok": {"type": "boolean"}, "findings": {"type": "array", "items": ref("Finding")},
        "intro": ref("Message"), "asks": {"type": "array", "items": {"type": "string"}}}},
}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: dict | None, status: str = "200", body: dict | None = None, errors=("401",),
        params: tuple = (), public: bool = False) -> dict:
    op: dict = {"summary": summary, "responses": {status: {"description": "OK", **(_json(ok) if ok else {})}}}
    for code in errors:
        op["responses"][code] = {"description": "Error", **_json(ref("Error"))}
    if body is not None:
        op["requestBody"] = {"required": True, **_json(body)}
    if params:
        op["parameters"] = list(params)
    if public:
        op["security"] = []
    return op


INTRO_ID = {"name": "intro_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
QUERY = ({"name": "state", "in": "query", "description": "comma-separated states",
          "schema": {"type": "string", "pattern": f"^({_STATES})(,({_STATES}))*$"}},
         {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
         {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000}})
CONSENT = {"type": "object", "required": ["role", "answer"], "additionalProperties": False, "properties": {
    "role": {"type": "string", "enum": ["target", "requester"]}, "answer": {"type": "string", "enum": ["yes", "no"]}}}

PATHS = {
    "/me": {"get": _op("The signed-in account, its settings, its connection status and the server's features",
                       ref("Account")),
            "patch": _op("Set the name intros are signed with and/or the time zone (IANA name) whose business "
                         "hours nudges keep", ref("Account"),
                         body={"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
                             "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S",
                                      "example": "Dana Park"},
                             "timezone": {"type": "string", "example": "Europe/Paris"}}},
                         errors=("400", "401", "422"))},
    "/intros": {
        "get": _op("Intros, newest first, with their next step", {"type": "object", "properties": {
            "intros": {"type": "array", "items": ref("IntroSummary")}}}, errors=("400", "401"), params=QUERY),
        "post": _op("Start an intro (the introducer is the signed-in account)", ref("Intro"), "201", ref("Spec"),
                    ("400", "401", "422"))},
    "/intros/prefill": {"post": _op(
        "Suggestions for the Introduce form read from the open message: target (name, address when known, "
        "company), context, and the requester's line written for forwarding",
        {"type": "object", "properties": {k: {"type": "string"} for k in (
            "target_name", "target_email", "target_org", "context", "requester_blurb")}},
        body={"type": "object", "properties": {"subject": TEXT, "text": TEXT, "people": {
            "type": "array", "items": PERSON}}}, errors=("400", "401"))},
    "/intros/check": {"post": _op("Etiquette findings and the intro as it would be written; creates nothing",
                                  ref("Check"), body=ref("Spec"), errors=("400", "401", "422"))},
    "/intros/for-thread": {"get": _op(
        "The intro an open mail thread belongs to (the ask, a permission request, the intro and its handoff), "
        "or null: the sidebar shows that intro instead of the Introduce form",
        {"type": "object", "required": ["intro"], "properties": {"intro": {"oneOf": [
            {"allOf": [ref("Intro"), {"type": "object", "properties": {"thread_purpose": {"type": "string"}}}]},
            {"type": "null"}]}}},
        errors=("400", "401"), params=(
            {"name": "thread_id", "in": "query", "schema": {"type": "string"}, "description": "the provider's thread "
             "(Gmail threadId, Outlook conversationId)"},
            {"name": "message_id", "in": "query", "schema": {"type": "string"},
             "description": "the open message's provider id or Message-ID header"}))},
    "/intros/{intro_id}": {"get": _op("One intro with timeline, consents, messages and scheduled nudges",
                                      ref("Intro"), errors=("401", "404"), params=(INTRO_ID,))},
    "/intros/{intro_id}/cancel": {"post": _op("Cancel the intro", ref("Intro"), errors=("401", "404", "409"),
                                              params=(INTRO_ID,))},
    "/intros/{intro_id}/consent": {"post": _op("Record a party's answer for them", ref("Intro"), body=CONSENT,
                                               errors=("400", "401", "404", "409"), params=(INTRO_ID,))},
    "/intros/{intro_id}/send-now": {"post": _op("Send the drafts waiting for the user", {
        "type": "object", "properties": {"sent": {"type": "integer"}, "intro": ref("Intro")}},
        errors=("401", "404", "409"), params=(INTRO_ID,))},
    "/intros/{intro_id}/intro-message": {"get": _op(
        "The intro as Introducer writes it, to insert into a compose window (after everyone agreed)",
        ref("Message"), errors=("401", "404", "409"), params=(INTRO_ID,))},
    "/insights": {"get": _op(
        "Outcomes of the account's intros: intros per month, consent rate, median time from ask to yes and from "
        "intro to handoff, who declined or stalled, the most-connected people", ref("Insights"),
        errors=("400", "401"), params=({"name": "months", "in": "query", "description": "months per_month covers",
                                         "schema": {"type": "integer", "minimum": 1, "maximum": 36}},))},
    "/settings": {"get": _op("The account's policy", ref("Policy")),
                  "patch": _op("Change settings", ref("Policy"), body=ref("Policy"), errors=("400", "401", "422"))},
    "/connect/outlook": {"post": _op(
        "Connect the signed-in Outlook mailbox for background work (on-behalf-of the task-pane token); "
        "409 interactive_sign_in_needed: use the sign-in window at /connect/microsoft/start",
        ref("Account"), errors=("401", "403", "409", "503"))},
    "/openapi.json": {"get": _op("This description", {"type": "object"}, errors=(), public=True)},
}


def document(server_url: str = "/api/v1") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Introducer API", "version": "1",
                 "description": "Double opt-in introductions from your own mailbox: the JSON API behind the "
                                "sidebar panel and the Outlook task pane. Errors have one shape (Error)."},
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {
            "type": "http", "scheme": "bearer",
            "description": "Outlook: a Microsoft access token for api://<host>/<client id>/access_as_user "
                           "(nested app authentication) or a session token from the sign-in window; "
                           "sandbox: a token from POST /sandbox/api/session."}}},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document(request.script_root + "/api/v1"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
