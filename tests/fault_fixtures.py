"""Rigs for running the whole intro workflow while a provider misbehaves, over real HTTP.

Each rig is a live Introducer with push on (a public URL), the sandbox world behind the provider's face
(Gmail face with Pub/Sub pushes to /webhooks/gmail; Graph face over HTTPS with change notifications and
lifecycle events to /webhooks/graph), the real adapter (GmailMailbox / GraphMailbox), and the worker run
once per simulated hour. `run_workflow` asks for permission, lets the targets say yes, sends the intros,
lets the requester reply and checks the handoff: what each intro ended as, duplicates, lost steps.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from gmail_addon_fixtures import GmailLive
from introducer.app import create_app
from introducer.spec import parse_spec
from introducer.mail.graph.accounts import mailbox_for_account
from introducer.mail.sandbox.loopback import LoopbackServer
from introducer.mail.sandbox.people import Behaviour
from introducer.service import intros, views, watches
from introducer.worker import run_once
from outlook_fixtures import close, outlook_demo_for
from workflow_fixtures import ANN, BOB, outbound_keys, spec_data

TARGETS = [BOB,
           {"name": "Tess Ruiz", "email": "tess@ruizlabs.example", "blurb": "runs sales at Ruiz Labs, clinic tools"},
           {"name": "Omar Haddad", "email": "omar@haddad.example", "blurb": "angel investor in two clinic startups"}]
DONE = ("handed_off", "completed")


class Sleeps(list):
    """The adapter's sleep: records what Retry-After asked for and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _add_targets(world) -> None:
    for person in TARGETS[1:]:
        if world.user(person["email"]) is None:
            world.add_user(person["name"], person["email"], Behaviour(
                on_permission_request="agree", reply_delay=timedelta(hours=2), on_intro="reply"))


class GmailRig:
    provider = "gmail"

    def __init__(self, data_dir, clock, database_url=None, **settings):
        self.live = GmailLive(data_dir, clock, database_url=database_url, **settings)
        self.clock = clock
        self.world, self.container = self.live.world, self.live.container
        self.face = self.live.face
        _add_targets(self.world)
        self.live.connect()
        self.account_id = self.live.account().id
        self.dana = "dana@parkcap.example"
        self.pushes = self.face.watches.faults

    def calls(self) -> int:
        return len(self.face.calls(self.dana))

    def lose_cursor(self) -> None:
        with self.container.uow() as uow:
            uow.accounts.get(self.account_id).sync_cursor = None
            uow.commit()

    def hour(self, before_worker=None) -> None:
        self.clock.now += timedelta(hours=1)
        self.world.tick()
        if before_worker:
            before_worker(self)
        self.live.deliver_pushes()
        run_once(self.container)

    def stop(self) -> None:
        self.live.stop()


class OutlookRig:
    provider = "outlook"

    def __init__(self, data_dir, clock, database_url=None, **settings):
        self.demo = outlook_demo_for(data_dir, database_url, start=clock.now, **settings)
        self.clock = clock
        self.demo.world.set_clock(clock)
        self.world, self.container = self.demo.world, self.demo.container
        self.outlook = self.demo.outlook
        self.face = self.outlook.face
        _add_targets(self.world)
        self.server = LoopbackServer(create_app(self.container), ca=self.outlook.ca).start()
        self.container.settings = self.container.settings.model_copy(update={"public_url": self.server.base_url})
        self.sleeps = Sleeps()
        others = self.container.deps.mailboxes

        def mailboxes(account):
            if account.provider != "outlook":
                return others(account)
            return mailbox_for_account(self.container.settings, self.container.cipher, self.container.uow, account,
                                       clock=self.world.now, sleep=self.sleeps)

        self.container.deps.mailboxes = mailboxes
        self.account_id = self.demo.account_id
        self.dana = "dana@parkcap.example"
        watches.renew_watches(self.container.deps)  # subscribe now that there is a public URL
        self.pushes = self.face.subscriptions.faults

    def calls(self) -> int:
        return sum(1 for r in list(self.face.requests) if r.mailbox == self.dana)

    def lose_cursor(self) -> None:
        with self.container.uow() as uow:
            uow.accounts.get(self.account_id).sync_cursor = None
            uow.commit()

    def subscription(self):
        live = self.face.subscriptions.live(self.dana)
        return live[0] if live else None

    def hour(self, before_worker=None) -> None:
        self.clock.now += timedelta(hours=1)
        self.world.tick()
        if before_worker:
            before_worker(self)
        self.face.deliver_notifications()
        run_once(self.container)

    def stop(self) -> None:
        self.server.close()
        close(self.demo)


@dataclass
class Outcome:
    completed: int = 0
    waiting: list[str] = field(default_factory=list)  # the reasons shown to the user
    stuck: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    calls: int = 0

    def line(self, fault: str, provider: str) -> str:
        return (f"fault {fault} [{provider}]: {self.completed} completed / {len(self.waiting)} waiting with reason / "
                f"{len(self.stuck)} stuck; duplicates {len(self.duplicates)}, lost steps {len(self.lost)}; "
                f"{self.calls} provider calls")


def view(rig, intro_id: int) -> dict:
    with rig.container.uow() as uow:
        return views.show_intro(uow, rig.account_id, intro_id)


def received(rig, email: str, fragment: str) -> int:
    """How many messages whose readable name (`intro-<id>:<step>:<role>`) contains `fragment` reached
    `email`'s mailbox (not drafts). Keys on the wire are MACs, so they are looked up in the store."""
    keys = outbound_keys(rig.container.uow, fragment)
    return sum(1 for t in rig.world.mailbox_threads(email) for m in rig.world.thread(email, t.thread_id)
               if not m.is_draft and str(m.parsed().get("X-Introducer-Key", "")) in keys)


def run_workflow(rig, *, intros_count: int = 3, each_hour=None) -> Outcome:
    """Permission request → yes → intro → handoff for `intros_count` intros, the worker running hourly."""
    before = rig.calls()
    ids = [intros.start_intro(rig.container.deps, rig.account_id,
                              parse_spec(spec_data(rig.dana, requester=ANN, target=target)))
           for target in TARGETS[:intros_count]]
    for intro_id in ids:
        intros.send_now(rig.container.deps, rig.account_id, intro_id)
    for _ in range(4):  # the targets answer after two hours
        rig.hour(each_hour)
    for intro_id in ids:
        if view(rig, intro_id)["state"] == "consented":
            intros.send_now(rig.container.deps, rig.account_id, intro_id)  # Dana sends the intro draft
    for _ in range(4):  # the requester replies within the hour; the handoff follows
        rig.hour(each_hour)
    outcome = Outcome(calls=rig.calls() - before)
    for intro_id, target in zip(ids, TARGETS):
        shown = view(rig, intro_id)
        if shown["state"] in DONE:
            outcome.completed += 1
            kinds = Counter(e["kind"] for e in shown["timeline"])
            for step in ("consent_yes", "intro_sent", "handoff_sent"):
                if kinds[step] != 1:
                    outcome.lost.append(f"intro {intro_id}: {step} x{kinds[step]}")
            for fragment, people in ((":permission_request:", (target["email"],)),
                                     (":intro:", (target["email"], ANN["email"])),
                                     (":handoff:", (target["email"], ANN["email"]))):
                for email in people:
                    count = received(rig, email, f"intro-{intro_id}{fragment}")
                    if count > 1:
                        outcome.duplicates.append(f"intro {intro_id}{fragment} to {email} x{count}")
                    elif count == 0:
                        outcome.lost.append(f"intro {intro_id}{fragment} never reached {email}")
        elif shown["needs_review"] or account_status(rig) != "active":
            outcome.waiting.append(f"intro {intro_id}: {shown['next_step']}")  # what the panel tells the user
        else:
            outcome.stuck.append(f"intro {intro_id}: {shown['state']} {dict(shown['consents'])}")
    return outcome


def account_status(rig) -> str:
    with rig.container.uow() as uow:
        return uow.accounts.get(rig.account_id).status
