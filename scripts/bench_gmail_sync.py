#!/usr/bin/env python3
"""Benchmark: what one Gmail sync costs as the number of tracked intros grows.

For each size N, a sandbox world holds N intro threads in the introducer's mailbox; then a fixed
number of replies arrive in some of them. One sync is what the worker does on a push or a poll:
`changes_since(cursor)` (history.list) and, for each changed thread only, `read_messages` of the
messages history named (messages.get each), through the real GmailMailbox and
google-api-python-client against the Gmail face on loopback. The cost must not grow with N. For contrast, the last column is what reading every tracked thread each
time (per-thread polling, which the product never does) would cost in quota units.

    .venv/bin/python scripts/bench_gmail_sync.py [--sizes 10 100 1000 10000] [--new 20] [--repeat 5]
"""
from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from introducer.domain.model import Person  # noqa: E402
from introducer.mail.gmail import gmail_mailbox_for  # noqa: E402
from introducer.mail.sandbox import SandboxWorld  # noqa: E402
from introducer.mail.sandbox.gmail_discovery import QUOTA_UNITS  # noqa: E402
from introducer.mail.sandbox.gmail_face import GmailFace  # noqa: E402

DANA = Person("Dana Park", "dana@parkcap.example")
CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"


def permission_request(i: int) -> bytes:
    # Plain bytes: building N EmailMessage objects would dominate the set-up time.
    return (f"From: Dana Park <dana@parkcap.example>\r\nTo: Person {i} <p{i}@elsewhere.example>\r\n"
            f"Subject: Would you like to meet Ann Lee? ({i})\r\nMessage-ID: <ask-{i}@parkcap.example>\r\n"
            f"X-Introducer-Key: intro-{i}:permission_request:target\r\n\r\nHi, would you like an intro?\r\n").encode()


def answer(i: int, n: int) -> bytes:
    return (f"From: Person {i} <p{i}@elsewhere.example>\r\nTo: dana@parkcap.example\r\n"
            f"Subject: Re: Would you like to meet Ann Lee? ({i})\r\nMessage-ID: <answer-{i}-{n}@elsewhere.example>\r\n"
            f"In-Reply-To: <ask-{i}@parkcap.example>\r\nReferences: <ask-{i}@parkcap.example>\r\n\r\n"
            f"Yes, happy to ({n}).\r\n").encode()


def measure(size: int, new: int, repeat: int, rng: random.Random) -> dict:
    world = SandboxWorld(None)
    world.add_user(DANA.name, DANA.email, is_simulated=False)
    started = time.perf_counter()
    for i in range(size):
        world.submit(DANA.email, permission_request(i))  # recipients are outside the world: no copies
    build_seconds = time.perf_counter() - started
    cursor = str(world.latest_history(DANA.email))
    for n, i in enumerate(rng.sample(range(size), min(new, size)) * (new // size + 1)):
        if n == new:
            break
        world.receive(DANA.email, answer(i, n))
    with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET}, user_units_per_minute=None).start() as face:
        refresh = face.connect(DANA.email, CLIENT_ID)
        mailbox = gmail_mailbox_for(DANA, refresh, CLIENT_ID, CLIENT_SECRET, face.token_url, face.url)
        mailbox.changes_since(None)  # the first call fetches an access token; keep it out of the timing
        timings, threads = [], 0
        for _ in range(repeat):
            face.reset_quota()
            t0 = time.perf_counter()
            changes = mailbox.changes_since(cursor)
            changed: dict[str, list[str]] = {}
            for c in changes.messages:
                changed.setdefault(c.thread_id, []).append(c.provider_id)
            for thread_id, message_ids in changed.items():
                mailbox.read_messages(thread_id, message_ids)
            timings.append(time.perf_counter() - t0)
            threads = len(changed)
        calls, units = len(face.calls(DANA.email)), face.quota_used(DANA.email)
    world.close()
    return {"size": size, "new": new, "threads": threads, "calls": calls, "units": units,
            "ms": statistics.median(timings) * 1000, "build_s": build_seconds,
            "polling_units": size * QUOTA_UNITS["threads.get"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1_000, 10_000])
    parser.add_argument("--new", type=int, default=20, help="messages arriving between two syncs")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size (the median is shown)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rng = random.Random(7)
    print(f"One sync after {args.new} new messages: history.list + messages.get of the new messages only.")
    print(f"{'tracked intros':>14} {'changed threads':>15} {'API calls':>9} {'quota units':>11} "
          f"{'sync ms':>8} {'per-thread polling units':>24}")
    for size in args.sizes:
        row = measure(size, args.new, args.repeat, rng)
        print(f"{row['size']:>14,} {row['threads']:>15} {row['calls']:>9} {row['units']:>11} {row['ms']:>8.1f} "
              f"{row['polling_units']:>24,}", flush=True)


if __name__ == "__main__":
    main()
