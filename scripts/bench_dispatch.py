#!/usr/bin/env python3
"""Benchmark: due-nudge dispatch throughput with one and with three worker processes on PostgreSQL.

A fresh PostgreSQL schema and sandbox mail world are seeded with N intros whose permission requests went
out; the clock moves past the consent-bump time, so N nudges are due. Then 1 (and, on an identical second
set-up, 3) worker processes run the worker's own dispatch job (`nudges.dispatch_due`, plus the outbound
retry sweep) until every nudge has gone out. Each provider call waits `--latency-ms` first, standing in for
the network round trip a real Gmail/Graph call takes: without it the sandbox answers in microseconds and
the figure would only measure how many CPU cores the machine has.

Printed per run: nudges sent per second; per nudge, DB round trips (statements, BEGIN, COMMIT/ROLLBACK,
pool pings), provider calls and thread reads; provider calls that failed; then the throughput ratio, 3 workers over 1, against its budget (>= 2.5x).

    .venv/bin/python scripts/bench_dispatch.py [--nudges 60] [--latency-ms 100]

Needs PostgreSQL: INTRODUCER_TEST_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test);
the schema it creates is dropped at the end.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _specs import numbered_spec  # noqa: E402

from sqlalchemy import event, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from introducer.config import Settings  # noqa: E402
from introducer.store.db import make_engine  # noqa: E402

BUDGET = 2.5  # three workers must dispatch at least this many times as fast as one
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DANA = ("Dana Park", "dana@parkcap.example")
WINDOW = "00:00-23:59 Mon-Sun"  # nudges may go out at any hour: the run never waits for business time


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=url, sandbox=True, send_window=WINDOW)


def spec_for(i: int):
    return numbered_spec(i, DANA[0], DANA[1], "UTC")


def seed(url: str, data_dir: Path, nudges: int) -> None:
    """N intros waiting for the target's answer, each with its consent bump due now."""
    from introducer.bootstrap import build, ensure_account
    from introducer.service.intros import start_intro

    container = build(settings_for(url, data_dir))
    container.world.add_user(*DANA, is_simulated=False)
    account_id = ensure_account(container, "sandbox", *DANA, "UTC", policy={"permission_request": "send"})
    for i in range(nudges):
        start_intro(container.deps, account_id, spec_for(i))
    container.world.advance(timedelta(days=4))  # past the bump (3 days, every day a business day here)
    container.close()


def child(url: str, data_dir: Path, latency: float) -> None:
    """One worker process: wait for "go" on stdin, dispatch until nothing is due, print its counts."""
    from introducer.bootstrap import build
    from introducer.mail.sandbox.mailbox import SandboxMailbox
    from introducer.service import nudges, outbound
    from introducer.store.models import DueWork, Outbound

    logging.disable(logging.CRITICAL)  # failures are counted below, not printed
    container = build(settings_for(url, data_dir), migrate=False)
    calls: Counter = Counter()
    counting = [False]
    statements = [0]
    original = SandboxMailbox._call

    def timed_call(self, operation, fn, *args):
        calls[operation] += 1
        if latency:
            time.sleep(latency)
        try:
            return original(self, operation, fn, *args)
        except Exception as exc:
            calls[f"failed:{type(exc).__name__}"] += 1
            raise

    SandboxMailbox._call = timed_call

    # Round trips to PostgreSQL: each statement, each transaction's BEGIN and COMMIT/ROLLBACK, and the
    # liveness ping the pool sends when a connection is checked out (pool_pre_ping).
    def count(*_args):
        if counting[0]:
            statements[0] += 1

    for name in ("before_cursor_execute", "begin", "commit", "rollback"):
        event.listen(container.engine, name, count)
    event.listen(container.engine.pool, "checkout", count)

    def left() -> int:
        with container.uow() as uow:
            due = uow.session.scalar(select(func.count()).select_from(DueWork).where(
                DueWork.status == "pending", DueWork.kind == "consent_bump"))
            pending = uow.session.scalar(select(func.count()).select_from(Outbound).where(
                Outbound.status == "pending"))
        return due + pending

    print("ready", flush=True)
    sys.stdin.readline()
    started, handled, deadline = time.monotonic(), 0, time.monotonic() + 90
    while time.monotonic() < deadline:
        counting[0] = True
        done = nudges.dispatch_due(container.deps) + outbound.retry_pending(container.deps)
        counting[0] = False
        handled += done
        if not done:
            if not left():
                break
            time.sleep(0.1)
    print(json.dumps({"handled": handled, "statements": statements[0], "calls": dict(calls),
                      "seconds": time.monotonic() - started}), flush=True)
    container.close()


def run(url: str, workers: int, nudges: int, latency: float) -> dict:
    from introducer.store.models import Outbound

    schema = f"bench_dispatch_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "instance"
            t0 = time.perf_counter()
            seed(scoped, data_dir, nudges)
            seed_s = time.perf_counter() - t0
            command = [sys.executable, __file__, "--child", scoped, str(data_dir), str(latency)]
            procs = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                     for _ in range(workers)]
            for p in procs:
                assert p.stdout.readline().strip() == "ready"
            t0 = time.perf_counter()
            for p in procs:
                p.stdin.write("go\n")
                p.stdin.flush()
            results = [json.loads(p.stdout.readline()) for p in procs]
            wall = time.perf_counter() - t0
            for p in procs:
                p.wait(timeout=30)
            engine = make_engine(scoped)
            with engine.connect() as conn:
                sent = conn.scalar(select(func.count()).select_from(Outbound).where(
                    Outbound.step == "consent_bump", Outbound.status == "sent"))
            engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    calls = sum((Counter(r["calls"]) for r in results), Counter())
    failed = sum(v for k, v in calls.items() if k.startswith("failed:"))
    per = max(sent, 1)
    return {"workers": workers, "sent": sent, "wall": wall, "rate": sent / wall, "seed_s": seed_s,
            "statements": sum(r["statements"] for r in results) / per,
            "provider_calls": sum(v for k, v in calls.items() if not k.startswith("failed:")) / per,
            "thread_reads": calls["read_thread"] / per, "failed": failed}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nudges", type=int, default=60, help="due nudges per run")
    parser.add_argument("--latency-ms", type=float, default=100.0,
                        help="wait before each provider call (a real provider's round trip)")
    args = parser.parse_args()
    url = os.environ.get("INTRODUCER_TEST_POSTGRES_URL") or DEFAULT_URL
    logging.basicConfig(level=logging.ERROR)
    print(f"{args.nudges} due consent bumps, PostgreSQL, sandbox world, {args.latency_ms:.0f} ms per provider call")
    print(f"{'workers':>7} {'sent':>5} {'seconds':>8} {'nudges/s':>9} {'DB round trips/nudge':>20} "
          f"{'provider calls/nudge':>21} {'thread reads/nudge':>19} {'failed calls':>13}")
    rows = []
    for workers in (1, 3):
        row = run(url, workers, args.nudges, args.latency_ms / 1000)
        rows.append(row)
        print(f"{row['workers']:>7} {row['sent']:>5} {row['wall']:>8.2f} {row['rate']:>9.2f} "
              f"{row['statements']:>20.1f} {row['provider_calls']:>21.1f} {row['thread_reads']:>19.1f} "
              f"{row['failed']:>13}", flush=True)
    ratio = rows[1]["rate"] / rows[0]["rate"]
    complete = all(r["sent"] == args.nudges for r in rows)
    verdict = "within budget" if ratio >= BUDGET and complete else "OVER BUDGET"
    print(f"3 workers / 1 worker throughput: {ratio:.2f}x (budget >= {BUDGET}x, every nudge sent: "
          f"{'yes' if complete else 'no'}) -> {verdict}")


if __name__ == "__main__":
    main()
