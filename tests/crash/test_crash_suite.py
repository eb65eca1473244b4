"""The crash suite: real `introducer worker` processes on PostgreSQL, three at a time, SIGKILLed at the named
crash points of the send, sync, ingest and relabel paths (INTRODUCER_CRASH_AT, the process kills itself)
and at random moments (killed from outside), while intros run end to end on the sandbox world (every step
sent, simulated people answering at once) and new intros keep arriving. Then one clean worker finishes what
the dead ones held (their leases run out) and the suite counts duplicates, lost steps and wrong labels:
all must be 0.

The workers are forked by tests/crash/conductor.py from a process that imported the worker once, so a new
one runs within milliseconds and a bounded run kills hundreds: first each named point in turn, then named
points and random moments together. Bounded: until `KILLS` deaths (and at least `CHAOS_SECONDS` of killing,
INTRODUCER_CRASH_SECONDS, default 45; at most 240 s), then a few clean rounds.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from introducer.config import Settings
from introducer.crashpoints import POINTS
from introducer.demo import prepare
from introducer.domain.states import NEEDS_REVIEW_LABEL, IntroState
from introducer.mail.sandbox.people import Behaviour
from introducer.service import intros as intro_service
from introducer.spec import parse_spec
from introducer.worker import run_once
from store_fixtures import POSTGRES_ENV
from workflow_fixtures import spec_data

WORKERS = 3
KILLS = int(os.environ.get("INTRODUCER_CRASH_KILLS", "200"))
INTROS_AT_START, INTROS_IN_ALL = 12, 80
CHAOS_SECONDS = float(os.environ.get("INTRODUCER_CRASH_SECONDS", "45"))
MAX_CHAOS_SECONDS = max(240.0, CHAOS_SECONDS)
DONE = {IntroState.HANDED_OFF.value, IntroState.COMPLETED.value}
ANN = "ann@acme.example"
CONDUCTOR = Path(__file__).with_name("conductor.py")


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


def _conductor(data_dir: Path, url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "INTRODUCER_DATA_DIR": str(data_dir), "INTRODUCER_SANDBOX": "true",
           "INTRODUCER_PROVIDER": "sandbox", "INTRODUCER_POLL_SECONDS": "0.7", "INTRODUCER_SYNC_SECONDS": "0.3",
           "INTRODUCER_DISPATCH_SECONDS": "0.7",
           # a dead worker's claims go back within seconds (sends 3 s, sync requests and due work 7.5 s), so
           # the intros keep moving while workers die; a send takes milliseconds on the sandbox
           "INTRODUCER_LEASE_SECONDS": "3"}
    env.pop("INTRODUCER_PUBLIC_URL", None)
    return subprocess.Popen([sys.executable, str(CONDUCTOR), "--workers", str(WORKERS), "--kills", str(KILLS),
                             "--min-seconds", str(CHAOS_SECONDS), "--max-seconds", str(MAX_CHAOS_SECONDS)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _states(container, account_id) -> Counter:
    with container.uow() as uow:
        return Counter(i.state for i in uow.intros.list(account_id, None, 500, 0))


@pytest.mark.timeout(MAX_CHAOS_SECONDS + 300)  # the kills, then the clean rounds (slow on a loaded machine)
def test_killed_workers_lose_nothing_double_nothing_and_leave_labels_right(postgres_url, tmp_path, report):
    data_dir = tmp_path / "instance"
    container, seeded = prepare(Settings(data_dir=data_dir, database_url=postgres_url))
    world, account_id, dana = container.world, seeded["account_id"], seeded["introducer"]
    world.set_behaviour(ANN, Behaviour(reply_delay=timedelta(0), intro_reply_delay=timedelta(0)))
    intro_service.update_settings(container.deps, account_id, {"permission_request": "send", "intro": "send"})

    def introduce(n: int) -> None:  # a new target each time: a repeated pair reads as a check-in to them
        target = {"name": f"Tara {n}", "email": f"tara{n}@targets.example", "blurb": "an investor in clinic software"}
        world.add_user(target["name"], target["email"], Behaviour(reply_delay=timedelta(0)))
        spec = parse_spec(spec_data(dana, target=target, context=f"clinic go-to-market, round {n}"))
        intro_service.start_intro(container.deps, account_id, spec)  # recorded; the workers send

    for n in range(INTROS_AT_START):
        introduce(n)
    conductor = _conductor(data_dir, postgres_url)
    started = INTROS_AT_START
    try:
        while conductor.poll() is None:  # more intros arrive while workers die
            time.sleep(0.5)
            if started < INTROS_IN_ALL:
                introduce(started)
                started += 1
        out, err = conductor.communicate(timeout=30)
    finally:
        if conductor.poll() is None:  # the test failed: the conductor stops, its workers die with it
            conductor.terminate()
            conductor.wait(timeout=30)
    assert conductor.returncode == 0, err
    killed = json.loads(out.strip().splitlines()[-1])
    mid_run = _states(container, account_id)

    # A clean worker after the crashes: leases of the dead run out (the clock moves past them).
    from introducer.bootstrap import build

    clean = build(Settings(data_dir=data_dir, database_url=postgres_url, sandbox=True, provider="sandbox"))
    try:
        for _ in range(10):
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

    named = sum(killed["named"].values())
    kills = named + killed["random"]
    by_point = ", ".join(f"{point} {killed['named'].get(point, 0)}" for point in POINTS)
    report(f"crash suite (PostgreSQL, {WORKERS} workers at once, {started} intros, {killed['seconds']}s of kills): "
           f"kills {kills} ({named} at named points, {killed['random']} at random moments; {by_point}), "
           f"duplicates {duplicates}, lost steps {lost}, wrong labels {wrong}; finished during the kills: "
           f"{sum(n for s, n in mid_run.items() if s in DONE)}/{started}")
    assert (duplicates, lost, wrong) == (0, 0, 0), found
    assert kills >= KILLS, killed
    assert set(killed["named"]) == set(POINTS), killed  # every named point was really reached


def _audit(container, account_id: int, dana: str) -> tuple[int, int, int, list]:
    world = container.world
    keys = Counter()
    for summary in world.mailbox_threads(dana):
        for m in world.thread(dana, summary.thread_id):
            key = m.parsed().get("X-Introducer-Key")
            if key and "SENT" in m.labels:
                keys[str(key).strip()] += 1
    duplicates = sum(n - 1 for n in keys.values() if n > 1)
    found = [("sent twice", key, n) for key, n in keys.items() if n > 1]
    names = {label.id: label.name for label in world.labels(dana)}
    lost = wrong = 0
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
