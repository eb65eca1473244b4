"""`GET /api/v1/openapi.json`: the OpenAPI 3.1 description of the JSON API the panel and task pane use.

Written here by hand, route by route; enumerations come from the domain, so they cannot drift. A test
checks that every /api/v1 route Flask serves is described here and every path described is served.
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


def _enum(kind) -> dict:
    return {"type": "string", "enum": [m.value for m in kind]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                       "findings": {"type": "array", "items": ref("Finding")}}}}},
    "Finding": {"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                 "severity": {"type": "string", "enum": ["error", "warning"]}}},
    "Spec": {"type": "object", "additionalProperties": False, "properties": {
        "requester": {"type": "object", "additionalProperties": False, "properties": {
            "name": TEXT, "email": TEXT, "asked": {"type": "boolean"}, "blurb": TEXT}},
        "target": {"type": "object", "additionalProperties": False, "properties": {
            "name": TEXT, "email": TEXT, "blurb": TEXT, "consent_given": {"type": "boolean"}}},
        "context": TEXT, "benefit_to_target": TEXT, "benefit_to_requester": TEXT, "shared_connection": TEXT,
        "source_thread_id": TEXT}},
    "Policy": {"type": "object", "properties": {
        **{k: _enum(SendMode) for k in ("permission_request", "intro", "decline_note", "expiry_note", "handoff",
                                        "nudges")},
        "handoff_mode": _enum(HandoffMode), "handoff_trigger": _enum(HandoffTrigger),
        "subject_style": _enum(SubjectStyle), "consent_nudge_after_days": {"type": "integer"},
        "expire_after_bump_days": {"type": "integer"}, "requester_reminder_after_days": {"type": "integer"},
        "draft_waiting_after_days": {"type": "integer"},
        "close_loop_after_days": {"type": ["integer", "null"]}, "consent_links": {"type": "boolean"}}},
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


INTRO_ID = {"name": "intro_id", "in": "path", "required": True, "schema": {"type": "integer"}}
QUERY = ({"name": "state", "in": "query", "schema": {"type": "string"}, "description": "comma-separated states"},
         {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
         {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}})
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "A new random value per user action, repeated on every retry of that action: the retry gets "
                   "the first answer (same status and body) instead of acting twice. The same key with a "
                   "different request: 422 idempotency_key_reused; while the first is still being handled: 409 "
                   "idempotency_key_in_use (retry shortly)."}
CONSENT = {"type": "object", "required": ["role", "answer"], "properties": {
    "role": {"type": "string", "enum": ["target", "requester"]}, "answer": {"type": "string", "enum": ["yes", "no"]}}}

PATHS = {
    "/me": {"get": _op("The signed-in account, its settings, its connection status and the server's features",
                       ref("Account")),
            "patch": _op("Set the account's time zone (IANA name); nudges keep business hours in it", ref("Account"),
                         body={"type": "object", "required": ["timezone"], "additionalProperties": False,
                               "properties": {"timezone": {"type": "string", "example": "Europe/Paris"}}},
                         errors=("400", "401", "422"))},
    "/intros": {
        "get": _op("Intros, newest first, with their next step", {"type": "object", "properties": {
            "intros": {"type": "array", "items": ref("IntroSummary")}}}, errors=("400", "401"), params=QUERY),
        "post": _op("Start an intro (the introducer is the signed-in account); idempotent with Idempotency-Key",
                    ref("Intro"), "201", ref("Spec"), ("400", "401", "409", "422"), params=(IDEMPOTENCY_KEY,))},
    "/intros/check": {"post": _op("Etiquette findings and the intro as it would be written; creates nothing",
                                  ref("Check"), body=ref("Spec"), errors=("400", "401", "422"))},
    "/intros/{intro_id}": {"get": _op("One intro with timeline, consents, messages and scheduled nudges",
                                      ref("Intro"), errors=("401", "404"), params=(INTRO_ID,))},
    "/intros/{intro_id}/cancel": {"post": _op("Cancel the intro", ref("Intro"), errors=("401", "404", "409", "422"),
                                              params=(INTRO_ID, IDEMPOTENCY_KEY))},
    "/intros/{intro_id}/consent": {"post": _op("Record a party's answer for them", ref("Intro"), body=CONSENT,
                                               errors=("400", "401", "404", "409", "422"),
                                               params=(INTRO_ID, IDEMPOTENCY_KEY))},
    "/intros/{intro_id}/send-now": {"post": _op("Send the drafts waiting for the user", {
        "type": "object", "properties": {"sent": {"type": "integer"}, "intro": ref("Intro")}},
        errors=("401", "404", "409", "422"), params=(INTRO_ID, IDEMPOTENCY_KEY))},
    "/intros/{intro_id}/intro-message": {"get": _op(
        "The intro as Introducer writes it, to insert into a compose window (after everyone agreed)",
        ref("Message"), errors=("401", "404", "409"), params=(INTRO_ID,))},
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
