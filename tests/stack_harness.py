"""Start deploy/stack.sh for a test and talk to it as a browser, an add-on and an operator would.

The stack runs as its own process group: nginx with TLS from a throw-away CA, two `introducer serve`,
two `introducer worker`, PostgreSQL and the Google/Microsoft stand-ins. Nothing here reaches into those
processes; the test sees HTTPS through the proxy, the database (as an operator would) and the sandbox
world's mailboxes (what people received).
"""
from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import time
from datetime import datetime, timezone
from email.utils import getaddresses
from pathlib import Path

import requests
from sqlalchemy import select, update

from introducer.mail.sandbox.world import SandboxWorld
from introducer.store.db import make_engine
from introducer.store.models import Account, DueWork, Intro, Outbound
from introducer.store.uow import UnitOfWorkFactory

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "deploy" / "stack.sh"
START_TIMEOUT = 240
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.killed: set[str] = set()
        self.started = time.monotonic()
        self.process = subprocess.Popen([str(STACK), str(folder)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        env_file = folder / "stack.env"
        while not env_file.exists():
            if self.process.poll() is not None or time.monotonic() - self.started > START_TIMEOUT:
                self.stop()
                raise RuntimeError(f"the stack did not start:\n{self.process.stdout.read()}\n{self.logs()}")
            time.sleep(0.25)
        self.env = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        self.url = self.env["STACK_URL"]
        self.start_seconds = float(self.env["STACK_START_SECONDS"])
        self.engine = make_engine(self.env["DATABASE_URL"])
        self.uow = UnitOfWorkFactory(self.engine)
        self.world = SandboxWorld(self.env["STACK_WORLD_DB"])

    # --- processes ------------------------------------------------------------------------------
    def pids(self) -> dict[str, int]:
        return {name: int(pid) for name, pid in
                (line.split() for line in (self.folder / "pids").read_text().splitlines() if line.strip())}

    def kill(self, name: str) -> None:
        """SIGKILL one process of the stack: no handler runs, whatever it held stays held."""
        pid = self.pids()[name]
        os.kill(pid, signal.SIGKILL)
        self.killed.add(name)
        # gone for good (sockets closed) once it is a zombie or reaped; until then it may still accept
        wait_until(f"{name} to die", lambda: not Path(f"/proc/{pid}").exists() or
                   "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text(), timeout=10, every=0.05)

    def logs(self) -> str:
        """The end of each process's log, without the scheduler's notes about skipped overlapping runs."""
        def tail(path: Path) -> str:
            lines = [line for line in path.read_text(errors="replace").splitlines() if "apscheduler" not in line]
            return "\n".join(lines[-40:])

        files = sorted(self.folder.glob("*.log")) + sorted(self.folder.glob("nginx/*error.log"))
        return "\n".join(f"== {p.name}\n{tail(p)}" for p in files)

    def stop(self) -> int:
        if getattr(self, "world", None) is not None:
            self.world.close()
        if getattr(self, "engine", None) is not None:
            self.engine.dispose()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        return self.process.returncode

    def exits(self) -> dict[str, int]:
        """How each process ended when the stack was stopped (143 or 137: killed by a signal)."""
        path = self.folder / "exits"
        return {name: int(code) for name, code in
                (line.split() for line in path.read_text().splitlines())} if path.exists() else {}

    def wait_until(self, what: str, check, **options):
        return wait_until(what, check, stack=self, **options)

    # --- HTTP as a browser ----------------------------------------------------------------------
    def browser(self) -> requests.Session:
        session = requests.Session()
        session.verify = self.env["STACK_CA"]
        session.trust_env = False  # no proxy from the environment; the stack's CA only
        return session

    # --- the world: what people received --------------------------------------------------------
    def received_from(self, email: str, sender: str) -> list:
        """Messages in `email`'s mailbox sent by `sender` (not drafts), oldest first."""
        found = []
        for summary in self.world.mailbox_threads(email):
            for message in self.world.thread(email, summary.thread_id):
                if message.is_draft:
                    continue
                senders = {a.lower() for _, a in getaddresses([str(message.parsed()["From"] or "")])}
                if sender.lower() in senders:
                    found.append(message)
        return sorted(found, key=lambda m: m.date)

    # --- the database, as an operator would -----------------------------------------------------
    def make_due_now(self, intro_id: int, kind: str) -> int:
        """Time passes: pending `kind` work of the intro falls due now."""
        with self.uow() as uow:
            moved = uow.session.execute(
                update(DueWork).where(DueWork.intro_id == intro_id, DueWork.kind == kind, DueWork.status == "pending")
                .values(due_at=datetime.now(timezone.utc))).rowcount
            uow.commit()
        return moved

    def intro(self, account_email: str, target_email: str) -> tuple[int, str] | None:
        """(id, state) of the account's intro to `target_email`, read from the database."""
        with self.uow() as uow:
            row = uow.session.execute(
                select(Intro.id, Intro.state).join(Account, Account.id == Intro.account_id)
                .where(Account.email == account_email, Intro.target_email == target_email)).first()
        return (row[0], str(getattr(row[1], "value", row[1]))) if row else None

    def outbound(self, intro_id: int) -> list[tuple[str, str, int]]:
        """(step, status, attempts) of every message recorded for the intro: what to show when a wait fails."""
        with self.uow() as uow:
            return [(str(getattr(r.step, "value", r.step)), str(r.status), r.attempts) for r in uow.session.scalars(
                select(Outbound).where(Outbound.intro_id == intro_id).order_by(Outbound.id))]

    def sent_steps(self, intro_id: int) -> list[str]:
        with self.uow() as uow:
            return sorted(str(getattr(step, "value", step)) for step in uow.session.scalars(
                select(Outbound.step).where(Outbound.intro_id == intro_id, Outbound.status == "sent")))


def outlook_connect(stack: Stack, browser: requests.Session, email: str) -> tuple[requests.Response, str]:
    """Connect Outlook through the proxy as the add-in's sign-in window does; (start response, API token)."""
    start = browser.get(f"{stack.url}/connect/microsoft/start", params={"login_hint": email}, allow_redirects=False)
    assert start.status_code == 302, start.text
    signed_in = browser.post(start.headers["Location"], data={"account": email})  # the sign-in page, answered
    signed_in.raise_for_status()
    action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', signed_in.text).group(1))
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(signed_in.text)}
    done = browser.post(action, data=fields)  # Microsoft's form_post back to us, through the proxy
    assert done.status_code == 200, done.text
    result = json.loads(html.unescape(re.search(r'data-result="([^"]+)"', done.text).group(1)))
    assert result["status"] == "connected", result
    return start, result["token"]


def wait_until(what: str, check, timeout: float = 240, every: float = 0.5, stack: Stack | None = None,
               describe=None):
    """check() until it answers something true; on time-out the error says describe() and the stack's logs."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except FileNotFoundError:  # a /proc entry vanishing between two looks
            last = True
        if last:
            return last
        time.sleep(every)
    seen = describe() if describe else last
    raise AssertionError(f"{what}: not within {timeout:.0f}s (last: {seen!r})\n{stack.logs() if stack else ''}")


class GmailAddon:
    """Gmail calling the add-on's HTTP endpoints through the proxy, with the tokens Google would attach."""

    def __init__(self, stack: Stack, email: str):
        self.stack, self.email = stack, email
        self.http = stack.browser()

    def _tokens(self, url: str) -> dict:
        answer = self.http.post(self.stack.env["STACK_CONTROL_URL"] + "/stack/gmail-addon-tokens",
                                json={"email": self.email, "url": url}, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def post(self, url: str, *, parameters: dict | None = None, inputs: dict | None = None,
             gmail: dict | None = None) -> dict:
        tokens = self._tokens(url)
        common = {"hostApp": "GMAIL", "platform": "WEB", "userLocale": "en",
                  "timeZone": {"id": "America/New_York", "offset": -18000000}}
        if parameters:
            common["parameters"] = parameters
        if inputs:
            common["formInputs"] = inputs
        event = {"commonEventObject": common,
                 "authorizationEventObject": {"userOAuthToken": tokens["userOAuthToken"],
                                              "userIdToken": tokens["userIdToken"], "systemIdToken": "eyJ.unused.x"},
                 **({"gmail": gmail} if gmail else {})}
        answer = self.http.post(url, json=event, headers={"Authorization": f"Bearer {tokens['systemIdToken']}"},
                                timeout=60)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def trigger(self, path: str, **event) -> dict:
        return self.post(self.stack.url + path, **event)

    def click(self, card: dict, text: str, **event) -> dict:
        from gmail_addon_fixtures import find_button

        action = find_button(card, text)["onClick"]["action"]
        parameters = {p["key"]: p["value"] for p in action.get("parameters", [])}
        return self.post(action["function"], parameters=parameters, **event)

    def open_message(self, thread_id: str) -> dict:
        message = self.stack.world.thread(self.email, thread_id)[-1]
        return {"messageId": message.id, "threadId": thread_id, "accessToken": "AHgP9stack-open-message"}
