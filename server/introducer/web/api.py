"""The JSON API the panel (Outlook task pane, sandbox) talks to. Every request needs a bearer token.

    GET    /api/v1/me                        the signed-in account, its settings and the server's features
    PATCH  /api/v1/me                        {"name"?, "timezone"?} → the account: the name intros are signed
                                             with, the IANA zone whose business hours nudges keep
    GET    /api/v1/intros[?state=a,b&limit=&offset=]   intros, newest first, with their next step
    POST   /api/v1/intros                    start an intro; body = the spec without "introducer" → 201 + intro
    POST   /api/v1/intros/prefill            {"subject", "text", "people": [{name, email}]} → suggestions read from the ask
    POST   /api/v1/intros/check              etiquette findings and the intro as it would be written; creates nothing
    GET    /api/v1/intros/for-thread?thread_id=&message_id=   {"intro": the intro an open thread belongs to | null}
    GET    /api/v1/intros/<id>               one intro with timeline, consents, messages and scheduled nudges
    POST   /api/v1/intros/<id>/cancel        → the intro
    POST   /api/v1/intros/<id>/consent       {"role": "target"|"requester", "answer": "yes"|"no"} → the intro
    POST   /api/v1/intros/<id>/send-now      send the drafts waiting for the user → {"sent": n, "intro": …}
    GET    /api/v1/insights[?months=12]      outcomes: intros per month, consent rate, medians, who declined
                                             or stalled, most-connected people (service/insights.py)
    GET    /api/v1/settings                  the account's policy
    PATCH  /api/v1/settings                  {policy key: value, …} → the policy (422 on a bad value)

The spec body is `{"requester": {"name", "email", "asked", "blurb", "call_name"}, "target": {"name", "email",
"blurb", "consent_given", "call_name"}, "context", "benefit_to_target", "benefit_to_requester", "shared_connection",
"source_thread_id"}`; the introducer is always the signed-in account. Errors: see web/errors.py.
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, request, url_for

from ..domain import compose
from ..domain.model import Person, Policy, Role
from ..domain.numbers import whole_number
from ..domain.prefill import read_ask
from ..domain.states import IntroState
from ..service import connections, insights, intros, views
from ..service.errors import NotFoundError
from ..spec import field_problems, parse_spec
from .auth import current_account_id, require_account
from .body import check_shape, choice, json_object
from .errors import ApiError, bad_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(require_account)

_TEXT = (str, type(None))
SPEC_SHAPE = {
    "requester": {"name": _TEXT, "email": _TEXT, "asked": bool, "blurb": _TEXT, "call_name": _TEXT},
    "target": {"name": _TEXT, "email": _TEXT, "blurb": _TEXT, "consent_given": bool, "call_name": _TEXT},
    "context": _TEXT, "benefit_to_target": _TEXT, "benefit_to_requester": _TEXT, "shared_connection": _TEXT,
    "source_thread_id": _TEXT,
}


def _container():
    return current_app.extensions["introducer"]


def _account(uow):
    account = uow.accounts.get(current_account_id())
    if account is None:
        raise NotFoundError("Unknown account.")
    return account


def _spec_from_body():
    """The submitted spec, with the introducer taken from the signed-in account (never from the client)."""
    data = json_object()
    if "introducer" in data:
        raise bad_request("introducer: is your signed-in account; leave it out of the request.")
    if "policy" in data:
        raise bad_request("policy: settings are per account; change them with PATCH /api/v1/settings.")
    check_shape(data, SPEC_SHAPE)
    with _container().uow() as uow:
        account = _account(uow)
        me = {"name": account.name, "email": account.email, "timezone": account.timezone or "UTC"}
        policy = Policy.from_dict(account.policy)
    problems = field_problems({**data, "introducer": me})
    if problems:  # every field to fix, in plain words; the message leads with the first one's path
        path, message = next(iter(problems.items()))
        raise ApiError(422, "invalid_spec", f"{path}: {message}", [], fields=problems)
    return parse_spec({**data, "introducer": me}), policy


def _intro_view(intro_id: int) -> dict:
    with _container().uow() as uow:
        return views.show_intro(uow, current_account_id(), intro_id)


def _states(raw: str | None) -> list[IntroState] | None:
    if not raw:
        return None
    try:
        return [IntroState(s.strip()) for s in raw.split(",") if s.strip()]
    except ValueError:
        allowed = ", ".join(s.value for s in IntroState)
        raise bad_request(f"state: must be one or more of {allowed} (comma-separated).") from None


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        raise bad_request(f"{name}: must be a whole number from {low} to {high}.")
    return value


@bp.get("/me")
def me():
    with _container().uow() as uow:
        view = views.account_view(_account(uow))
    # What this server can do, so the panel does not offer a switch that would do nothing.
    view["features"] = {"consent_links": _container().deps.consent_links is not None}
    return view


@bp.patch("/me")
def update_me():
    data = json_object()
    check_shape(data, {"timezone": str, "name": str})
    if not data:
        raise bad_request("name or timezone: give at least one (timezone: an IANA name such as 'Europe/Paris').")
    if "name" in data:
        connections.rename_account(_container().deps, current_account_id(), data["name"])
    if "timezone" in data:
        intros.set_timezone(_container().deps, current_account_id(), data["timezone"])
    return me()


@bp.get("/intros")
def list_intros():
    states = _states(request.args.get("state"))
    limit, offset = _int_arg("limit", 50, 1, 200), _int_arg("offset", 0, 0, 1_000_000)
    with _container().uow() as uow:
        return {"intros": views.list_intros(uow, current_account_id(), states, limit, offset)}


@bp.post("/intros")
def start_intro():
    spec, _ = _spec_from_body()
    intro_id = intros.start_intro(_container().deps, current_account_id(), spec)
    return _intro_view(intro_id), 201, {"Location": url_for(".show_intro", intro_id=intro_id)}


MAX_ASK_TEXT = 50_000


@bp.post("/intros/prefill")
def prefill_intro():
    """Suggestions for the Introduce form from the open message; `people`: contacts the client knows."""
    data = json_object()
    check_shape(data, {"subject": _TEXT, "text": _TEXT, "people": list})
    text, subject = data.get("text") or "", data.get("subject") or ""
    if len(text) > MAX_ASK_TEXT or len(subject) > 1000:
        raise bad_request(f"text: at most {MAX_ASK_TEXT} characters (subject: 1000).")
    known = []
    for i, p in enumerate(data.get("people") or []):
        if not isinstance(p, dict) or not isinstance(p.get("email"), str) or not isinstance(p.get("name", ""), str):
            raise bad_request(f"people[{i}]: must be {{\"name\": text, \"email\": text}}.")
        known.append(Person(p.get("name") or "", p["email"]))
    with _container().uow() as uow:  # people from earlier intros are known too
        for intro in uow.intros.list(current_account_id(), None, 200):
            known += [Person(intro.requester_name, intro.requester_email), Person(intro.target_name, intro.target_email)]
    return read_ask(text, subject, known).as_dict()


@bp.post("/intros/check")
def check_intro():
    spec, policy = _spec_from_body()
    deps = _container().deps
    findings = [f.as_dict() for f in intros.check(deps, spec, policy)]
    written = compose.intro(spec, deps.renderer, policy)
    return {
        "ok": not any(f["severity"] == "error" for f in findings),
        "findings": findings,
        "intro": {"subject": written.subject, "text": written.text, "html": written.html,
                  "to": [{"name": p.name, "email": p.email} for p in written.to]},
        "asks": [role.value for role in spec.roles_to_ask()],
    }


MAX_ID = 1000


@bp.get("/intros/for-thread")
def intro_for_thread():
    thread_id = (request.args.get("thread_id") or "").strip()
    message_id = (request.args.get("message_id") or "").strip()
    if not thread_id and not message_id:
        raise bad_request("thread_id: give the open thread's id (or message_id: the open message's id).")
    if len(thread_id) > MAX_ID or len(message_id) > MAX_ID:
        raise bad_request(f"thread_id, message_id: at most {MAX_ID} characters.")
    with _container().uow() as uow:
        return {"intro": views.intro_for_thread(uow, current_account_id(), thread_id or None, message_id or None)}


@bp.get("/intros/<int:intro_id>")
def show_intro(intro_id: int):
    return _intro_view(intro_id)


@bp.post("/intros/<int:intro_id>/cancel")
def cancel_intro(intro_id: int):
    intros.cancel_intro(_container().deps, current_account_id(), intro_id)
    return _intro_view(intro_id)


@bp.post("/intros/<int:intro_id>/consent")
def mark_consent(intro_id: int):
    data = json_object()
    check_shape(data, {"role": str, "answer": str})
    role = Role(choice(data, "role", ("target", "requester")))
    answer = choice(data, "answer", ("yes", "no"))
    intros.override_consent(_container().deps, current_account_id(), intro_id, role, answer == "yes")
    return _intro_view(intro_id)


@bp.post("/intros/<int:intro_id>/send-now")
def send_now(intro_id: int):
    sent = intros.send_now(_container().deps, current_account_id(), intro_id)
    return {"sent": sent, "intro": _intro_view(intro_id)}


@bp.get("/insights")
def get_insights():
    months = _int_arg("months", 12, 1, 36)
    with _container().uow() as uow:
        return insights.for_account(uow, current_account_id(), _container().deps.clock(), months)


@bp.get("/settings")
def get_settings():
    with _container().uow() as uow:
        return Policy.from_dict(_account(uow).policy).to_dict()


@bp.patch("/settings")
def update_settings():
    changes = json_object()
    return intros.update_settings(_container().deps, current_account_id(), changes).to_dict()


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
