#!/usr/bin/env python3
"""Benchmark: what one sync costs the worker as the number of tracked intros grows, on Gmail and Outlook.

For each provider, the demo set-up connects Dana through the real adapter (google-api-python-client against
the sandbox's Gmail face, or msal + requests against its Graph face, both over loopback HTTP), and the intros
that will be answered are started through the product (`start_intro`: the permission request goes out
through the provider). Each round, `--yes` of their targets answer "yes" in their permission threads and the
worker runs what it runs for a sync request (`worker.run_sync_requests`): change feed, thread reads,
classification, the intro drafts, relabelling. A first round warms up (so every measured round also meets
what the round before left in the mailbox, such as the worker's new drafts); then rounds alternate between
the small and the large size, `--repeat` times each. For the large size the database holds copies of an
intro's rows (intro, consents, tracked thread, sent permission request, scheduled bump: intros whose threads
the change feed never names), added before the round and removed after it. The small size is at least the
intros the rounds need (--yes per round).

Printed per provider and size: provider calls, Gmail quota units, DB statements and wall time per sync; then
the large-over-small ratio of each against its budget (<= 1.1x). Wall time is the noisy figure on a busy
machine; the counts are exact.

    .venv/bin/python scripts/bench_sync.py [--sizes 10 10000] [--yes 20] [--repeat 2] [--providers gmail outlook]
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _specs import numbered_spec  # noqa: E402

from sqlalchemy import delete, event, func, insert, select  # noqa: E402

from introducer.config import Settings  # noqa: E402
from introducer.demo import prepare  # noqa: E402
from introducer.service.intros import start_intro, update_settings  # noqa: E402
from introducer.store import models as m  # noqa: E402
from introducer.worker import run_sync_requests  # noqa: E402

BUDGET = 1.1
WINDOW = "00:00-23:59 Mon-Sun"
YES = "Yes, happy to — please connect us."


def spec_for(dana, i: int):
    return numbered_spec(i, dana.name, dana.email, "America/New_York")


def copy_intros(container, template_id: int, copies: int) -> int:
    """`copies` more intros like the template, straight into the database (the change feed never names them)."""
    tables = (m.Consent, m.TrackedThread, m.Outbound, m.DueWork, m.Event)
    with container.engine.begin() as conn:
        intro = dict(conn.execute(select(m.Intro.__table__).where(m.Intro.id == template_id)).mappings().one())
        rows = {t: [dict(r) for r in conn.execute(select(t.__table__).where(t.intro_id == template_id)).mappings()]
                for t in tables}
        first = conn.scalar(select(func.max(m.Intro.id))) + 1
        conn.execute(insert(m.Intro.__table__), [{**intro, "id": first + n} for n in range(copies)])
        for table, template_rows in rows.items():
            batch = []
            for n in range(copies):
                for row in template_rows:
                    copy = {**row, "id": None, "intro_id": first + n}
                    for column in ("thread_id", "provider_id", "internet_message_id", "key"):
                        if copy.get(column):
                            copy[column] = f"copy-{first + n}-{column}-{row['id']}"
                    batch.append({k: v for k, v in copy.items() if k != "id"})
            if batch:
                conn.execute(insert(table.__table__), batch)
    settle(container)
    return first


def remove_copies(container, first: int) -> None:
    with container.engine.begin() as conn:
        for table in (m.Consent, m.TrackedThread, m.Outbound, m.DueWork, m.Event):
            conn.execute(delete(table.__table__).where(table.intro_id >= first))
        conn.execute(delete(m.Intro.__table__).where(m.Intro.id >= first))
    settle(container)


def settle(container) -> None:
    """Write SQLite's log back into the database now, not at the first commit of the sync being timed."""
    if container.engine.dialect.name == "sqlite":
        with container.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def reply(world, dana_email: str, row) -> None:
    raw = (f"From: {row['to_name']} <{row['to_email']}>\r\nTo: {dana_email}\r\nSubject: Re: {row['subject']}\r\n"
           f"Message-ID: <yes-{row['id']}@stonevc.example>\r\nIn-Reply-To: {row['mid']}\r\nReferences: {row['mid']}\r\n"
           f"Content-Type: text/plain; charset=utf-8\r\n\r\n{YES}\r\n").encode()
    world.receive(dana_email, raw)


class Meter:
    """Provider calls (and Gmail units) and DB statements from here on."""

    def __init__(self, container, provider: str, email: str):
        self.container, self.provider, self.email = container, provider, email
        self.statements = 0
        event.listen(container.engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.statements += 1

    def start(self) -> None:
        self.statements = 0
        if self.provider == "gmail":
            self.container.faces["gmail"].reset_quota()
        else:
            self._mark = len(self.container.faces["outlook"].face.requests)

    def read(self) -> tuple[Counter, int | None, int]:
        if self.provider == "gmail":
            face = self.container.faces["gmail"]
            return Counter(face.calls(self.email)), face.quota_used(self.email), self.statements
        records = list(self.container.faces["outlook"].face.requests)[self._mark:]
        return Counter(r.operation or r.path for r in records if r.mailbox), None, self.statements


def measure(provider: str, sizes: list[int], yes: int, repeat: int) -> list[dict]:
    """One set-up per provider: a warm-up sync, then the sizes in turn, `repeat` times (the copied intros are
    added before each large round and removed after it, so the order of the rounds favours neither size)."""
    order = [None] + sizes * repeat
    small, large = sizes
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "instance", send_window=WINDOW)
        container, seeded = prepare(settings, provider=provider)
        try:
            account_id, world = seeded["account_id"], container.world
            with container.uow() as uow:
                dana = uow.accounts.get(account_id)
                dana_email = dana.email
            update_settings(container.deps, account_id, {"permission_request": "send"})
            if provider == "gmail":  # the set-up sends in a minute what a mailbox sends over days: no per-minute cap
                container.faces["gmail"].user_units_per_minute = None
            live = [start_intro(container.deps, account_id, spec_for(dana, i)) for i in range(yes * len(order))]
            run_sync_requests(container)  # the sends' own changes: not part of what is measured
            # The demo turns every change in the world into a push (a sync request written at once, in this
            # process). In production the web process writes those; here they would be counted as the sync's.
            world._listeners.clear()
            with container.uow() as uow:
                asked = {o.intro_id: {"id": o.id, "subject": o.payload["subject"], "mid": o.internet_message_id,
                                      "to_name": o.payload["to"][0]["name"], "to_email": o.payload["to"][0]["email"]}
                         for o in uow.session.scalars(select(m.Outbound).where(m.Outbound.intro_id.in_(live)))}
            meter, samples = Meter(container, provider, dana_email), {small: [], large: []}
            for r, size in enumerate(order):
                first = None
                if size == large and large > len(live):
                    first = copy_intros(container, live[0], large - len(live))
                for intro_id in live[r * yes:(r + 1) * yes]:
                    reply(world, dana_email, asked[intro_id])
                with container.uow() as uow:
                    uow.sync.request(account_id, "push", container.deps.clock())
                    uow.commit()
                    tracked = uow.session.scalar(select(func.count()).select_from(m.Intro))
                meter.start()
                t0 = time.perf_counter()
                run_sync_requests(container)
                seconds = time.perf_counter() - t0
                calls, units, statements = meter.read()
                with container.uow() as uow:
                    consented = uow.session.scalar(select(func.count()).select_from(m.Intro).where(
                        m.Intro.id.in_(live[r * yes:(r + 1) * yes]), m.Intro.state == "consented"))
                if first is not None:
                    remove_copies(container, first)
                if size is not None:
                    samples[size].append({"size": tracked, "calls": sum(calls.values()), "units": units,
                                          "statements": statements, "seconds": seconds, "breakdown": calls,
                                          "consented": consented})
        finally:
            container.close()
    rows = []
    for size in sizes:
        runs = samples[size]
        rows.append({"provider": provider, "size": runs[0]["size"], "breakdown": runs[-1]["breakdown"],
                     "consented": min(r["consented"] for r in runs),
                     **{k: (None if runs[0][k] is None else sum(r[k] for r in runs) / len(runs))
                        for k in ("calls", "units", "statements", "seconds")}})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10, 10_000])
    parser.add_argument("--yes", type=int, default=20, help="'yes' replies arriving between two syncs")
    parser.add_argument("--repeat", type=int, default=2, help="measured syncs per size (their mean is shown)")
    parser.add_argument("--providers", nargs="+", default=["gmail", "outlook"], choices=["gmail", "outlook"])
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"One worker sync after {args.yes} 'yes' replies, with classification, intro drafts and relabelling "
          f"(mean of {args.repeat} syncs per size, each also meeting what the sync before it left)")
    print(f"{'provider':>8} {'intros':>7} {'calls':>6} {'units':>6} {'DB stmts':>8} {'sync s':>7}  calls by operation")
    verdicts = []
    for provider in args.providers:
        rows = measure(provider, sorted(args.sizes), args.yes, args.repeat)
        for row in rows:
            units = "-" if row["units"] is None else f"{row['units']:.0f}"
            ops = ", ".join(f"{op} {n}" for op, n in sorted(row["breakdown"].items()))
            print(f"{provider:>8} {row['size']:>7,} {row['calls']:>6.1f} {units:>6} {row['statements']:>8.1f} "
                  f"{row['seconds']:>7.2f}  {ops}", flush=True)
            if row["consented"] != args.yes:
                print(f"  !! only {row['consented']} of the {args.yes} intros answered yes moved to consented")
        small, large = rows
        for key in ("calls", "units", "statements", "seconds"):
            if small[key] is None:
                continue
            ratio = large[key] / small[key] if small[key] else float("inf")
            ok = ratio <= BUDGET
            verdicts.append(ok)
            print(f"  {provider} {key}: {large['size']:,} / {small['size']:,} intros = {ratio:.2f}x "
                  f"(budget <= {BUDGET}x) -> {'within budget' if ok else 'OVER BUDGET'}")
    print("all within budget" if all(verdicts) else "OVER BUDGET")


if __name__ == "__main__":
    main()
