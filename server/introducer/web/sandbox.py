"""The sandbox page (the demo's front page) and its world-level JSON: sign-in, people, the clock.

Served only when the sandbox mail world is on. The sandbox API is the all-seeing view of a made-up
mail world (any mailbox can be read, any simulated person can answer); the product's own API under
/api/v1 stays authenticated, here with the sandbox session tokens issued by `POST /sandbox/api/session`.

    POST /sandbox/api/session   {"email"}            → {"token", "account_id", "expires_in"} (non-simulated users)
    GET  /sandbox/api/world                          → {"now", "introducer", "people": [...]}
    POST /sandbox/api/clock     hours, business days or the next event (sandbox_clock.py)
"""
from __future__ import annotations

import logging
import threading
from flask import Blueprint, Flask, current_app, render_template

from ..bootstrap import ensure_account
from .auth import SandboxSessions, add_authenticator
from .body import check_shape, json_object
from .errors import ApiError, bad_request

log = logging.getLogger("introducer.web")
SESSIONS = "introducer.sandbox_sessions"
SETTLE_LOCK = "introducer.sandbox_settle_lock"
SANDBOX_TIMEZONE = "America/New_York"
MAX_ADVANCE_HOURS = 24 * 30

bp = Blueprint("sandbox", __name__)


def _container():
    return current_app.extensions["introducer"]


def _world():
    return _container().world


def settle() -> dict:
    """Let the simulated people act and run every worker job once, so the page shows the outcome at once."""
    from .. import worker  # the worker module pulls in the scheduler; only the sandbox needs it here

    container = _container()
    with current_app.extensions[SETTLE_LOCK]:
        sent = container.world.tick()
        try:
            worker.run_once(container)
        except Exception as exc:  # the user's action succeeded; show the background failure, do not hide it
            log.exception("worker run after a sandbox action failed")
            return {"people_sent": sent, "worker_error": f"{type(exc).__name__}: {exc}"}
    return {"people_sent": sent}


@bp.get("/")
def page():
    world = _world()
    people = [u for u in world.users() if not u.is_simulated]
    return render_template("sandbox.html", introducer=people[0] if people else None)


@bp.post("/sandbox/api/session")
def sign_in():
    data = json_object()
    check_shape(data, {"email": str})
    email = (data.get("email") or "").strip()
    if not email:
        raise bad_request("email: is required.")
    user = _world().user(email)
    if user is None:
        raise ApiError(404, "not_found", f"There is no sandbox mailbox {email}.")
    if user.is_simulated:
        raise ApiError(403, "forbidden", f"{user.email} is a simulated person; only the introducer's mailbox can sign in.")
    account_id = ensure_account(_container(), "sandbox", user.name, user.email, SANDBOX_TIMEZONE)
    sessions: SandboxSessions = current_app.extensions[SESSIONS]
    return {"token": sessions.issue(account_id, user.email), "account_id": account_id,
            "email": user.email, "name": user.name, "expires_in": int(sessions.ttl.total_seconds())}


def _person(world, user) -> dict:
    pending = [r for r in world.reactions(user.email) if r.done is None]
    return {
        "name": user.name, "email": user.email, "simulated": user.is_simulated,
        "behaviour": user.behaviour.to_dict() if user.behaviour else None,
        "unread": sum(1 for t in world.inbox(user.email) if t.unread),
        "drafts": len(world.drafts(user.email)),
        "pending": [{"kind": r.kind, "answer": r.answer, "due": r.due.isoformat(), "thread_id": r.thread_id}
                    for r in pending],
    }


@bp.get("/sandbox/api/world")
def world_view():
    world = _world()
    users = world.users()
    introducer = next((u.email for u in users if not u.is_simulated), None)
    return {"now": world.now().isoformat(), "introducer": introducer, "timezone": SANDBOX_TIMEZONE,
            "people": [_person(world, u) for u in users]}


@bp.after_request
def _no_store(response):
    if response.mimetype == "application/json":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    """Serve the sandbox (page, world API, sign-in) when the container has a sandbox mail world."""
    container = app.extensions["introducer"]
    if container.world is None:
        return
    from . import sandbox_clock, sandbox_mail

    sessions = SandboxSessions(container.settings.secret("secret_key"))
    app.extensions[SESSIONS] = sessions
    app.extensions[SETTLE_LOCK] = threading.Lock()
    add_authenticator(app, sessions)
    app.register_blueprint(bp)
    app.register_blueprint(sandbox_mail.bp)
    app.register_blueprint(sandbox_clock.bp)
