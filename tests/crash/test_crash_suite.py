"""The crash suite: real `introducer worker` processes on PostgreSQL, three at a time, SIGKILLed at the named
crash points of the send, sync, ingest and relabel paths (INTRODUCER_CRASH_AT, the process kills itself)
and at random moments (killed from outside), while intros run end to end on the sandbox world (every step
sent, simulated people answering at once). Then one clean worker finishes what the dead ones held (their
leases run out) and the suite counts duplicates, lost steps and wrong labels: all must be 0.

Bounded: `CHAOS_SECONDS` of killing (INTRODUCER_CRASH_SECONDS, default 75), then at most a few clean rounds.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from introducer.config import Settings
from introducer.crashpoints import ENV as CRASH_ENV
from introducer.demo import prepare
from introducer.domain.states import NEEDS_REVIEW_LABEL, IntroState
from introducer.mail.sandbox.people import Behaviour
from introducer.service import intros as intro_service
from introducer.spec import parse_spec
from introducer.worker import run_once
from store_fixtures import POSTGRES_ENV
from workflow_fixtures import spec_data

POINTS = ("send.before_provider", "send.after_provider", "send.before_commit", "send.after_commit",
          "sync.mid", "ingest.before_commit", "ingest.after_commit", "relabel.after_provider")
WORKERS = 3
INTROS = 12
CHAOS_SECONDS = float(os.environ.get("INTRODUCER_CRASH_SECONDS", "75"))
DONE = {IntroState.HANDED_OFF.value, IntroState.COMPLETED.value}
ANN, BOB = "ann@acme.example", "bob@stonevc.example"


@pytest.fixture
def postgres_url():
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        reason = f"{POSTGRES_ENV} is not set: the crash suite needs PostgreSQL (several worker processes)"
        print(reason)
        pytest.skip(reason)
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from introducer.store.db import make_engine

    schema = f"crash_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _spawn(data_dir: Path, url: str, crash: str | None) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "INTRODUCER_DATA_DIR": str(data_dir), "INTRODUCER_SANDBOX": "true",
           "INTRODUCER_PROVIDER": "sandbox", "INTRODUCER_POLL_SECONDS": "0.7", "INTRODUCER_SYNC_SECONDS": "0.3",
           "INTRODUCER_DISPATCH_SECONDS": "0.7"}
    env.pop("INTRODUCER_PUBLIC_URL", None)
    env.pop(CRASH_ENV, None)
    if crash:
        env[CRASH_ENV] = crash
    script = "import sys; from introducer.cli import main; sys.exit(main(['worker']))"
    return subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _states(container, account_id) -> Counter:
    with container.uow() as uow:
        return Counter(i.state for i in uow.intros.list(account_id, None, 500, 0))


@pytest.mark.timeout(CHAOS_SECONDS + 240)  # the kills, then the clean rounds (slow on a loaded machine)
def test_killed_workers_lose_nothing_double_nothing_and_leave_labels_right(postgres_url, tmp_path, report):
    data_dir = tmp_path / "instance"
    container, seeded = prepare(Settings(data_dir=data_dir, database_url=postgres_url))
    world, account_id, dana = container.world, seeded["account_id"], seeded["introducer"]
    world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(0)))
    world.set_behaviour(ANN, Behaviour(reply_delay=timedelta(0), intro_reply_delay=timedelta(0)))
    intro_service.update_settings(container.deps, account_id, {"permission_request": "send", "intro": "send"})
    for n in range(INTROS):
        spec = parse_spec(spec_data(dana, context=f"clinic go-to-market, round {n}"))
        intro_service.start_intro(container.deps, account_id, spec)  # recorded; the workers send

    rng = random.Random(7)
    plan = [f"{point}:{count}" for count in (1, 2, 3) for point in POINTS]
    rng.shuffle(plan)
    named = random_kills = 0
    workers = [_spawn(data_dir, postgres_url, plan.pop()) for _ in range(WORKERS)]
    deadline = time.monotonic() + CHAOS_SECONDS
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            for slot, process in enumerate(workers):
                if process.poll() is not None:
                    named += process.returncode == -signal.SIGKILL
                    workers[slot] = _spawn(data_dir, postgres_url, plan.pop() if plan else None)
            if rng.random() < 0.12:  # and now and then one dies at a moment nobody chose
                victim = rng.randrange(WORKERS)
                if workers[victim].poll() is None:
                    workers[victim].send_signal(signal.SIGKILL)
                    workers[victim].wait()
                    random_kills += 1
                    workers[victim] = _spawn(data_dir, postgres_url, plan.pop() if plan else None)
    finally:
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait()
    mid_run = _states(container, account_id)

    # A clean worker after the crashes: leases of the dead run out (the clock moves past them).
    from introducer.bootstrap import build

    clean = build(Settings(data_dir=data_dir, database_url=postgres_url, sandbox=True, provider="sandbox"))
    try:
        for _ in range(8):
            clean.world.advance(timedelta(minutes=6))
            clean.world.tick()
            with clean.uow() as uow:
                uow.sync.request(account_id, "poll", clean.deps.clock())
                uow.commit()
            run_once(clean)
            if set(_states(clean, account_id)) <= DONE:
                break
        run_once(clean)  # one more round: relabels and sweeps after the last state change
        duplicates, lost, wrong, found = _audit(clean, account_id, dana)
    finally:
        clean.close()
        container.close()

    kills = named + random_kills
    report(f"crash suite (PostgreSQL, {WORKERS} workers, {INTROS} intros, {CHAOS_SECONDS}s): kills {kills} "
           f"({named} at named points, {random_kills} at random moments), duplicates {duplicates}, "
           f"lost steps {lost}, wrong labels {wrong}; finished during the kills: "
           f"{sum(n for s, n in mid_run.items() if s in DONE)}/{INTROS}")
    assert kills >= 10, "the suite must actually kill workers"
    assert (duplicates, lost, wrong) == (0, 0, 0), found


def _audit(container, account_id: int, dana: str) -> tuple[int, int, int, list]:
    world = container.world
    keys = Counter()
    for summary in world.mailbox_threads(dana):
        for m in world.thread(dana, summary.thread_id):
            key = m.parsed().get("X-Introducer-Key")
            if key and "SENT" in m.labels:
                keys[str(key).strip()] += 1
    duplicates = sum(n - 1 for n in keys.values() if n > 1)
    names = {label.id: label.name for label in world.labels(dana)}
    lost = wrong = 0
    found = []
    with container.uow() as uow:
        for intro in uow.intros.list(account_id, None, 500, 0):
            rows = uow.outbound.for_intro(intro.id)
            missing = [r for r in rows if r.status not in ("sent", "cancelled") or keys[r.key] == 0]
            lost += (intro.state not in DONE) + len(missing)
            if intro.state not in DONE or missing:
                found.append((intro.id, intro.state, [(r.key, r.status, r.attempts, keys[r.key]) for r in rows]))
            wanted = {IntroState(intro.state).label} | ({NEEDS_REVIEW_LABEL} if intro.needs_review else set())
            for thread_id in uow.intros.threads_of(intro.id):
                try:
                    messages = world.thread(dana, thread_id)
                except Exception:  # gone: nothing to label
                    continue
                have = {names.get(lid, lid) for m in messages for lid in m.labels}
                labelled = {n for n in have if n.startswith("Intros/")}
                if labelled != wanted:
                    wrong += 1
                    found.append((intro.id, thread_id, sorted(labelled), sorted(wanted)))
    return duplicates, lost, wrong, found
