"""End-to-end harness: the whole app on a loopback port with the seeded sandbox world, driven over HTTP.

`flow` is a small client that does what a person does: sign in as Dana, start intros through the JSON
API, send drafts from Dana's sandbox mailbox, answer as simulated people, and move the sandbox clock.
Runs on SQLite and, when INTRODUCER_TEST_POSTGRES_URL is set, on PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from live_server import LiveApp
from store_fixtures import database_url  # noqa: F401  (fixture)
from workflow_fixtures import spec_data

DANA = "dana@parkcap.example"


class Flow:
    def __init__(self, app: LiveApp):
        self.app = app
        self.token = app.session_token(DANA)

    # --- the JSON API, as the panel uses it
    def call(self, method: str, path: str, json=None, expect: int = 200) -> dict:
        response = self.app.api(method, path, json=json, token=self.token)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else {}

    def start(self, expect: int = 201, **spec) -> int:
        body = spec_data(DANA, **spec)
        body.pop("introducer")
        return self.call("POST", "/api/v1/intros", json=body, expect=expect)["id"]

    def intro(self, intro_id: int) -> dict:
        return self.call("GET", f"/api/v1/intros/{intro_id}")

    def state(self, intro_id: int) -> str:
        return self.intro(intro_id)["state"]

    def settings(self, **changes) -> dict:
        return self.call("PATCH", "/api/v1/settings", json=changes)

    # --- the sandbox mail world, as people use their mailboxes
    def drafts(self, email: str = DANA) -> list[dict]:
        return self.call("GET", f"/sandbox/api/mailboxes/{email}/drafts")["drafts"]

    def send_drafts(self) -> int:
        """Dana reviews and sends every waiting draft (what she would do in Gmail)."""
        drafts = self.drafts()
        for d in drafts:
            self.call("POST", f"/sandbox/api/mailboxes/{DANA}/drafts/{d['draft_id']}/send")
        return len(drafts)

    def threads(self, email: str) -> list[dict]:
        return self.call("GET", f"/sandbox/api/mailboxes/{email}/threads")["threads"]

    def thread(self, email: str, thread_id: str) -> list[dict]:
        return self.call("GET", f"/sandbox/api/mailboxes/{email}/threads/{thread_id}")["messages"]

    def reply(self, email: str, thread_id: str, text: str) -> None:
        self.call("POST", f"/sandbox/api/mailboxes/{email}/threads/{thread_id}/reply", json={"text": text})

    def thread_about(self, email: str, words: str) -> dict:
        found = [t for t in self.threads(email) if words.lower() in t["subject"].lower()]
        assert found, f"no thread about {words!r} in {email}: {[t['subject'] for t in self.threads(email)]}"
        return found[0]

    def advance(self, hours: float, step: float = 2.0) -> None:
        """Move the sandbox clock in steps; after each, people act and the worker runs once."""
        left = hours
        while left > 0:
            chunk = min(step, left)
            self.call("POST", "/sandbox/api/clock", json={"hours": chunk})
            left -= chunk

    def messages_with_key(self, fragment: str, email: str = DANA) -> list[dict]:
        """Dana's sent messages for `intro-<id>:<step>:` (their outbound keys are MACs, looked up in the store)."""
        from introducer.store.models import Outbound

        intro_id, step = fragment.split(":")[:2]
        with self.app.container.uow() as uow:
            keys = {row.key for row in uow.session.query(Outbound).filter_by(
                intro_id=int(intro_id.removeprefix("intro-")), step=step)}
        world = self.app.world
        out = []
        for t in world.mailbox_threads(email):
            for m in world.thread(email, t.thread_id):
                key = str(m.parsed().get("X-Introducer-Key", ""))
                if key in keys and not m.is_draft:
                    out.append(m)
        return out


def monday_morning() -> datetime:
    """A fixed start for the sandbox clock: the next Monday, 09:00 in New York (Dana's time zone).

    Business-day arithmetic depends on the weekday, so tests must not depend on the day they run.
    """
    now = datetime.now(timezone.utc)
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)


@pytest.fixture
def start_time() -> datetime:
    return monday_morning()


@pytest.fixture
def live(tmp_path, database_url, start_time):  # noqa: F811
    app = LiveApp(tmp_path / "instance", database_url=database_url, clock=lambda: start_time)
    yield app
    app.stop()


@pytest.fixture
def flow(live) -> Flow:
    return Flow(live)
