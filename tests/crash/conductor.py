"""Runs `introducer worker` processes and kills them, for the crash suite.

Started as its own process by the suite, with the instance's settings in the environment. It imports the
worker once and then forks each worker from itself, so a new worker is running in milliseconds rather than
the seconds a fresh interpreter takes: that is what lets one bounded run kill hundreds of workers. Every
worker is a real process with its own database connections and its own sandbox-world handle (both opened
after the fork), running the same `main(["worker"])` as a deployed one.

Each worker gets a crash plan (`INTRODUCER_CRASH_AT=point:count`: it SIGKILLs itself the count-th time it
passes the point) or none. First every named point is reached in turn (a worker carries a point not yet
reached and is left alone for a while); then the conductor also SIGKILLs a live worker now and then, at a
moment nobody chose. It keeps `--workers` alive at once until it has seen `--kills` deaths and
`--min-seconds` passed (or `--max-seconds` ran out), then stops the rest and prints one JSON line: the
deaths by cause (named points, random moments; the workers stopped at the end are not counted).

    python tests/crash/conductor.py --workers 3 --kills 200 --min-seconds 40 --max-seconds 120 --seed 7
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from collections import Counter

from introducer import crashpoints
from introducer.cli import main as introducer_main
from introducer.crashpoints import ENV as CRASH_ENV, POINTS

WAIT_FOR_DEATHS = 5.0  # seconds to reap workers after the last SIGKILL
EACH_POINT_SECONDS = 60.0  # at most this long for the first phase: every named point reached once
PATIENCE = 8.0  # seconds a worker of the first phase has to reach its point


def preload() -> None:
    """Import every module a worker imports lazily, so a forked worker starts working at once."""
    import importlib
    import pkgutil

    import introducer

    for module in pkgutil.walk_packages(introducer.__path__, "introducer."):
        importlib.import_module(module.name)
    for name in ("psycopg", "sqlalchemy.dialects.postgresql.psycopg", "apscheduler.schedulers.background",
                 "apscheduler.triggers.interval", "apscheduler.executors.pool", "apscheduler.jobstores.memory"):
        importlib.import_module(name)


def die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies, so no worker outlives a killed conductor (or test)."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def fork_worker(plan: str | None) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: quiet, its own crash plan, then the real worker command
        die_with_parent()
        logs = os.environ.get("CRASH_WORKER_LOGS")  # a folder for each worker's output, when debugging
        out = os.open(os.path.join(logs, f"{os.getpid()}.log") if logs else os.devnull,
                      os.O_WRONLY | os.O_CREAT, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.environ.pop(CRASH_ENV, None)
        if plan:
            os.environ[CRASH_ENV] = plan
        crashpoints.reset()
        code = introducer_main(["worker"])
    finally:
        os._exit(code)


def conduct(workers: int, kills: int, min_seconds: float, max_seconds: float, seed: int) -> dict:
    """First every named point in turn (each worker carries one not yet reached, count 1, and nobody else
    kills it for PATIENCE seconds), then named plans and random kills together until enough died."""
    rng = random.Random(seed)
    plans = [f"{point}:{count}" for count in (1, 1, 2, 3) for point in POINTS]
    rng.shuffle(plans)
    spawned = 0
    live: dict[int, tuple[str | None, float]] = {}  # pid -> (plan, started)
    killed_by_us: set[int] = set()
    ended: set[int] = set()
    named: Counter = Counter()
    random_kills = other_exits = 0
    began = time.monotonic()

    def next_plan() -> str | None:
        missing = [p for p in POINTS if p not in named and p not in {plan for plan, _ in live.values()}]
        if missing and time.monotonic() - began < EACH_POINT_SECONDS:
            return f"{missing[0]}:1"
        return plans[spawned % len(plans)] if spawned % 4 else None  # three in four carry a plan

    def kill(pid: int) -> None:
        killed_by_us.add(pid)
        os.kill(pid, signal.SIGKILL)

    def reap(block: bool = False) -> None:
        nonlocal random_kills, other_exits
        for pid in list(live):
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
            if not done:
                continue
            plan, _ = live.pop(pid)
            if pid in ended:
                continue
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
                if pid in killed_by_us:
                    random_kills += 1
                else:
                    named[plan.partition(":")[0]] += 1
            else:
                other_exits += 1

    while True:
        now = time.monotonic()
        elapsed = now - began
        deaths = sum(named.values()) + random_kills
        if elapsed >= max_seconds or (deaths >= kills and elapsed >= min_seconds):
            break
        reap()
        while len(live) < workers:
            spawned += 1
            plan = next_plan()
            live[fork_worker(plan)] = (plan, time.monotonic())
        time.sleep(rng.uniform(0.1, 0.3))
        every_point = len(named) == len(POINTS) or elapsed >= EACH_POINT_SECONDS
        if not every_point:  # a worker that did not reach its point in time makes room for another
            for pid, (_, started) in list(live.items()):
                if now - started > PATIENCE:
                    kill(pid)
        # then nearly two a second: each worker lives a second or two, time enough to get to work
        elif rng.random() < 0.35 and live:
            kill(rng.choice(sorted(live)))
    ended.update(live)  # the workers still running at the end are stopped, not counted as kills
    for pid in ended:
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + WAIT_FOR_DEATHS
    while live and time.monotonic() < deadline:
        reap()
        time.sleep(0.05)
    reap(block=True)
    return {"seconds": round(time.monotonic() - began, 1), "workers": workers, "spawned": spawned,
            "named": dict(named), "random": random_kills, "other_exits": other_exits}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--min-seconds", type=float, default=40.0)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    die_with_parent()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the workers die with us (die_with_parent)
    preload()
    result = conduct(args.workers, args.kills, args.min_seconds, args.max_seconds, args.seed)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
