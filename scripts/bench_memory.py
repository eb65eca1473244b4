#!/usr/bin/env python3
"""Benchmark: resident memory of `introducer serve` and `introducer worker`, idle and after load.

Both run as real processes on one data folder (SQLite and the sandbox world). Before they start, the
folder is seeded with N intros whose consent bumps are due (the sandbox clock moved past them). Then:
- idle: RSS a few seconds after each process is up;
- serve, after load: `--webhooks` Graph change notifications (each with a valid clientState, answered 202)
  and as many /healthz requests, from 4 client threads;
- worker, after load: once its dispatch job has sent every due nudge.
Printed: RSS idle, after load, and the ratio, against the budget (after load <= 1.5x idle, and each
process under the stated MiB ceiling).

    .venv/bin/python scripts/bench_memory.py [--nudges 150] [--webhooks 2000]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from introducer.config import Settings  # noqa: E402

RATIO_BUDGET = 1.5  # after load / idle
MIB_BUDGET = 250  # MiB per process after load
WINDOW = "00:00-23:59 Mon-Sun"
DANA = ("Dana Park", "dana@parkcap.example")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def seed(data_dir: Path, nudges: int) -> str:
    """Due nudges for the worker, and an Outlook account for the webhooks; returns that account's clientState."""
    from introducer.bootstrap import build, ensure_account
    from introducer.mail.graph.accounts import client_state_for
    from introducer.service.intros import start_intro
    from introducer.store.models import Account

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_dispatch import spec_for

    container = build(Settings(data_dir=data_dir, sandbox=True, send_window=WINDOW))
    container.world.add_user(*DANA, is_simulated=False)
    account_id = ensure_account(container, "sandbox", *DANA, "UTC", policy={"permission_request": "send"})
    for i in range(nudges):
        start_intro(container.deps, account_id, spec_for(i))
    now = container.deps.clock()
    with container.uow() as uow:  # an Outlook mailbox that must reconnect: notifications are checked, no sync runs
        outlook = uow.accounts.add(Account(provider="outlook", email="olive@contoso.example", name="Olive",
                                           timezone="UTC", policy={}, status="reconnect", external_id="oid.tid",
                                           created_at=now, updated_at=now))
        uow.session.flush()
        state = client_state_for(container.settings, outlook.id)
        uow.commit()
    container.world.advance(timedelta(days=4))  # the bumps are due
    container.close()
    return state


def sent(data_dir: Path) -> int:
    from introducer.bootstrap import build
    from introducer.store.models import Outbound

    container = build(Settings(data_dir=data_dir, sandbox=True), migrate=False)
    try:
        with container.uow() as uow:
            return uow.session.scalar(select(func.count()).select_from(Outbound).where(
                Outbound.step == "consent_bump", Outbound.status == "sent"))
    finally:
        container.close()


def start(command: str, env: dict) -> subprocess.Popen:
    args = [sys.executable, "-m", "introducer.cli", command] + (["--port", "0"] if command == "serve" else [])
    return subprocess.Popen(args, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def wait_for(process: subprocess.Popen, text: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
        if not line and process.poll() is not None:
            break
    raise RuntimeError(f"{process.args[3]} never printed {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nudges", type=int, default=150, help="due nudges the worker dispatches")
    parser.add_argument("--webhooks", type=int, default=2000, help="Graph notifications posted to serve")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "instance"
        state = seed(data_dir, args.nudges)
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTRODUCER_") and k != "DATABASE_URL"}
        env.update(INTRODUCER_DATA_DIR=str(data_dir), INTRODUCER_SANDBOX="true", INTRODUCER_SEND_WINDOW=WINDOW,
                   INTRODUCER_DISPATCH_SECONDS="1", PYTHONPATH=str(Path(__file__).resolve().parents[1] / "server"))
        serve = start("serve", env)
        url = wait_for(serve, "listening on").split("listening on ", 1)[1].strip()
        requests.get(url + "healthz", timeout=10).raise_for_status()
        time.sleep(3)
        idle = {"serve": rss_mib(serve.pid)}
        body = {"value": [{"subscriptionId": "sub-1", "clientState": state, "changeType": "created",
                           "resource": "Users/oid/Messages/AAMk", "tenantId": "tid"}]}

        def hit(n: int) -> None:
            with requests.Session() as http:
                for _ in range(n):
                    assert http.post(url + "webhooks/graph", json=body, timeout=10).status_code == 202
                    assert http.get(url + "healthz", timeout=10).status_code == 200

        t0 = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(hit, [args.webhooks // 4] * 4))
        webhook_s = time.perf_counter() - t0
        after = {"serve": rss_mib(serve.pid)}

        worker = start("worker", {**env, "INTRODUCER_DISPATCH_SECONDS": "3600"})  # idle first: nothing dispatched
        wait_for(worker, "worker running")
        time.sleep(3)
        idle["worker"] = rss_mib(worker.pid)
        worker.terminate()
        worker.wait(timeout=60)
        worker = start("worker", env)
        wait_for(worker, "worker running")
        t0, deadline = time.perf_counter(), time.monotonic() + 90
        while sent(data_dir) < args.nudges and time.monotonic() < deadline:
            time.sleep(1)
        dispatch_s, done = time.perf_counter() - t0, sent(data_dir)
        after["worker"] = rss_mib(worker.pid)
        for process in (serve, worker):
            process.terminate()
            process.wait(timeout=60)
    print(f"Load: serve answered {args.webhooks} Graph notifications + {args.webhooks} /healthz in {webhook_s:.1f} s; "
          f"the worker sent {done} of {args.nudges} due nudges in {dispatch_s:.1f} s")
    print(f"{'process':>8} {'idle MiB':>9} {'after load MiB':>15} {'ratio':>6}")
    ok = done == args.nudges
    for name in ("serve", "worker"):
        ratio = after[name] / idle[name]
        ok = ok and ratio <= RATIO_BUDGET and after[name] <= MIB_BUDGET
        print(f"{name:>8} {idle[name]:>9.1f} {after[name]:>15.1f} {ratio:>5.2f}x")
    print(f"budget: after load <= {RATIO_BUDGET}x idle and <= {MIB_BUDGET} MiB per process -> "
          f"{'within budget' if ok else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
