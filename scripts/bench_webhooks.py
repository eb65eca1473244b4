#!/usr/bin/env python3
"""Benchmark: how fast the webhooks answer under load, next to /healthz on the same server.

Starts `introducer serve` as deployed (its real WSGI server on loopback), with Google's signing
certificates served by the sandbox's Google sign-in on loopback and a Graph clientState secret, over a
fresh database holding many Gmail and Outlook accounts. An open-loop generator (scripts/_loadgen.py)
then sends, at each rate, for a few seconds each:
  /healthz          GET, the baseline (one database round trip);
  /webhooks/gmail   Pub/Sub pushes for random accounts, with a few reused OIDC tokens (as Pub/Sub does);
  /webhooks/graph   change notifications with clientState for random accounts, mixed with validation
                    handshakes and `missed` lifecycle notifications (/webhooks/graph/lifecycle).
Meanwhile a worker process takes up to 20 sync requests every second and finishes them one by one
(10 ms "reading" each mailbox), as `introducer worker` does with quick syncs. Afterwards every account
notified after its last take (or never taken) must have its one pending request: the check prints how
many were lost (must be 0).

Budget per webhook and rate: 0 errors, p99 <= 50 ms and p99 <= 2 x /healthz's p99 at that rate.

    .venv/bin/python scripts/bench_webhooks.py [--db sqlite|postgres] [--rates 100 300 500] [--seconds 4]
                                               [--threads N] [--strict]
--strict: exit 1 when the budget is missed (otherwise the figures are only printed).
PostgreSQL: a throw-away database is made (and dropped) next to INTRODUCER_TEST_POSTGRES_URL's.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "scripts"))

import _loadgen  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from flask import Flask  # noqa: E402
from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from introducer.config import Settings  # noqa: E402
from introducer.mail.graph.accounts import client_state_for  # noqa: E402
from introducer.mail.sandbox.gmail_push import pubsub_envelope  # noqa: E402
from introducer.mail.sandbox.google_identity import GoogleIdentity  # noqa: E402
from introducer.mail.sandbox.google_identity_routes import identity_blueprint  # noqa: E402
from introducer.store.db import make_engine  # noqa: E402
from introducer.store.models import Account, SyncRequest  # noqa: E402
from introducer.store.uow import UnitOfWorkFactory  # noqa: E402

PUSH_ACCOUNT = "gmail-push@introducer-bench.iam.gserviceaccount.com"
AUDIENCE = "https://introducer.bench.example/webhooks/gmail"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ACCOUNTS = 400  # of each provider
BUDGET_MS, BUDGET_RATIO = 50.0, 2.0
ADMIN_URL = os.environ.get("INTRODUCER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class Bench:
    def __init__(self, folder: Path, db: str, threads: int | None):
        self.folder, self.db, self.threads = folder, db, threads
        self.pg_name = None
        if db == "postgres":
            self.pg_name = f"introducer_bench_{int(time.time())}_{os.getpid()}"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = ADMIN_URL.rsplit("/", 1)[0] + "/" + self.pg_name
        else:
            self.url = f"sqlite:///{folder / 'introducer.db'}"
        self.client_state = secrets.token_urlsafe(32)
        self.identity = GoogleIdentity(certs_max_age=3600)
        certs = Flask("bench-google-certs")
        certs.register_blueprint(identity_blueprint(self.identity, lambda: []))
        self._certs = make_server("127.0.0.1", 0, certs, threaded=True, request_handler=_Quiet)
        threading.Thread(target=self._certs.serve_forever, daemon=True).start()
        self.env = {**os.environ, "DATABASE_URL": self.url, "INTRODUCER_DATA_DIR": str(folder / "data"),
                    "INTRODUCER_SECRET_KEY": secrets.token_urlsafe(32),
                    "INTRODUCER_TOKEN_KEYS": Fernet.generate_key().decode(),
                    "INTRODUCER_GOOGLE_PUBSUB_SERVICE_ACCOUNT": PUSH_ACCOUNT,
                    "INTRODUCER_GOOGLE_PUBSUB_AUDIENCE": AUDIENCE,
                    "INTRODUCER_GOOGLE_CERTS_URL": f"http://127.0.0.1:{self._certs.server_port}/oauth2/v1/certs",
                    "INTRODUCER_GRAPH_CLIENT_STATE": self.client_state}
        self.process = None
        self.engine = None

    def _admin(self, statement: str) -> None:
        admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(statement))
        admin.dispose()

    # --- set-up ---------------------------------------------------------------------------------------
    def start(self) -> None:
        introducer = str(ROOT / ".venv" / "bin" / "introducer")
        subprocess.run([introducer, "db", "upgrade"], env=self.env, check=True, capture_output=True)
        self.engine = make_engine(self.url)
        now = datetime.now(timezone.utc)
        rows = [{"provider": "gmail", "email": f"g{n}@bench.example", "external_id": f"1090{n:017d}",
                 "name": f"G {n}", "status": "active", "created_at": now, "updated_at": now, "policy": {}}
                for n in range(ACCOUNTS)]
        rows += [{"provider": "outlook", "email": f"o{n}@bench.example", "external_id": f"{n:08d}-0000.{TENANT}",
                  "name": f"O {n}", "status": "active", "created_at": now, "updated_at": now, "policy": {}}
                 for n in range(ACCOUNTS)]
        with self.engine.begin() as connection:
            connection.execute(insert(Account.__table__), rows)
            ids = connection.execute(select(Account.id, Account.provider, Account.email, Account.external_id)).all()
        self.gmail = [(i, email) for i, provider, email, _ in ids if provider == "gmail"]
        settings = Settings(graph_client_state=self.client_state, data_dir=self.folder / "data")
        self.outlook = [(i, external.partition(".")[0], client_state_for(settings, i))
                        for i, provider, _, external in ids if provider == "outlook"]
        port = _free_port()
        command = [introducer, "serve", "--host", "127.0.0.1", "--port", str(port)]
        if self.threads:
            command += ["--threads", str(self.threads)]
        log = open(self.folder / "serve.log", "w")
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while "listening on" not in (self.folder / "serve.log").read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("introducer serve did not start:\n" + (self.folder / "serve.log").read_text())
            time.sleep(0.1)
        self.port = port
        self.tokens = [self.identity.mint_id_token(AUDIENCE, f"11800000000000000000{n}", PUSH_ACCOUNT,
                                                   expires_in=3600) for n in range(4)]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        if self.engine is not None:
            self.engine.dispose()
        self._certs.shutdown()
        if self.pg_name:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    # --- requests -------------------------------------------------------------------------------------
    def requests(self, endpoint: str, count: int, rng: random.Random) -> tuple[list, list[int | None]]:
        """(requests, the account each one notifies or None) for `count` requests to `endpoint`."""
        out, notified = [], []
        now = datetime.now(timezone.utc)
        for n in range(count):
            if endpoint == "healthz":
                out.append((_loadgen.get("/healthz"), frozenset({200})))
                notified.append(None)
            elif endpoint == "gmail":
                account, email = rng.choice(self.gmail)
                body = json.dumps(pubsub_envelope(email, 1000 + n, "projects/bench/topics/gmail", n, now)).encode()
                headers = {"Authorization": f"Bearer {rng.choice(self.tokens)}"}
                out.append((_loadgen.post("/webhooks/gmail", body, headers), frozenset({204})))
                notified.append(account)
            else:
                account, user, state = rng.choice(self.outlook)
                kind = rng.random()
                if kind < 0.05:  # a new subscription's validation handshake
                    out.append((_loadgen.post(f"/webhooks/graph?validationToken=Validation%3A+{n}", b""),
                                frozenset({200})))
                    notified.append(None)
                    continue
                item = {"subscriptionId": f"sub-{account}", "clientState": state, "tenantId": TENANT,
                        "subscriptionExpirationDateTime": (now + timedelta(days=2)).isoformat()}
                if kind < 0.10:
                    path, item = "/webhooks/graph/lifecycle", {**item, "lifecycleEvent": "missed"}
                else:
                    path = "/webhooks/graph"
                    item.update(changeType="created", resource=f"Users/{user}/Messages/AAMk{n}",
                                resourceData={"@odata.type": "#Microsoft.Graph.Message", "id": f"AAMk{n}"})
                out.append((_loadgen.post(path, json.dumps({"value": [item]}).encode()), frozenset({202})))
                notified.append(account)
        return out, notified

    def check(self, last_notified: dict[int, float], taken_at: dict[int, float]) -> tuple[int, int]:
        """(pending requests, notifications lost): accounts notified after their last take without one."""
        with self.engine.connect() as connection:
            pending = {row[0] for row in connection.execute(select(SyncRequest.account_id))}
        lost = sum(1 for account, at in last_notified.items()
                   if at > taken_at.get(account, float("-inf")) and account not in pending)
        return len(pending), lost


class Worker:
    """A process (as `introducer worker` is) that takes up to 20 sync requests each second and finishes them
    one by one, after a 10 ms "sync" of each mailbox. `taken_at`: account -> when it was last taken."""

    def __init__(self, url: str, folder: Path):
        context = multiprocessing.get_context("spawn")
        self.stop, self.out, self.taken_at = context.Event(), folder / "taken.json", {}
        self.process = context.Process(target=_work, args=(url, self.stop, str(self.out)), daemon=True)
        self.process.start()

    def join(self) -> None:
        self.stop.set()
        self.process.join(60)
        self.taken_at = {int(account): at for account, at in json.loads(self.out.read_text()).items()}


def _work(url: str, stop, out: str) -> None:
    engine = make_engine(url)
    uow_factory, taken_at = UnitOfWorkFactory(engine), {}
    while not stop.wait(1.0):
        with uow_factory() as uow:
            taken = uow.sync.take(20, datetime.now(timezone.utc), "bench-worker", timedelta(minutes=5))
            uow.commit()
        taken_at.update({account: time.monotonic() for account, _ in taken})
        for account, version in taken:  # one mailbox after the other, as run_sync_requests does
            time.sleep(0.01)
            with uow_factory() as uow:
                uow.sync.finish(account, version, "bench-worker")
                uow.commit()
    engine.dispose()
    Path(out).write_text(json.dumps(taken_at))


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 1000:6.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rates", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--threads", type=int, help="web server threads (default: introducer serve's)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the budget is missed")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as folder:
        bench = Bench(Path(folder), args.db, args.threads)
        try:
            bench.start()
            rows, passed, notified_at = [], True, {}

            def load(endpoint: str, rate: float, count: int):
                requests, notified = bench.requests(endpoint, count, rng)
                result = _loadgen.run("127.0.0.1", bench.port, requests, rate=rate)
                for index, due in result.answered.items():
                    if notified[index] is not None:
                        notified_at[notified[index]] = max(due, notified_at.get(notified[index], due))
                return result

            worker = Worker(bench.url, Path(folder))
            for endpoint in ("gmail", "graph"):  # warm-up
                load(endpoint, 50, 50)
            for rate in args.rates:
                base = None
                for endpoint in ("healthz", "gmail", "graph"):
                    result = load(endpoint, rate, int(rate * args.seconds))
                    p99 = result.percentile(0.99)
                    if endpoint == "healthz":
                        base = p99
                        rows.append((endpoint, rate, result, None, ""))
                        continue
                    ratio = p99 / base if p99 is not None and base else None
                    ok = (result.error_count == 0 and p99 is not None and p99 * 1000 <= BUDGET_MS
                          and ratio is not None and ratio <= BUDGET_RATIO)
                    passed &= ok
                    rows.append((endpoint, rate, result, ratio, "PASS" if ok else "FAIL"))
                    time.sleep(0.5)
            worker.join()
            pending, lost = bench.check(notified_at, worker.taken_at)
        finally:
            bench.stop()
    print(f"\nWebhooks under load on {args.db} ({args.seconds:g} s per step, {ACCOUNTS} accounts per provider; "
          f"budget: 0 errors, p99 <= {BUDGET_MS:g} ms and <= {BUDGET_RATIO:g} x /healthz)")
    print(f"{'endpoint':10} {'rate':>5} {'sent':>5} {'done/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>7}"
          f" {'p99/healthz':>11}  budget")
    for endpoint, rate, result, ratio, verdict in rows:
        errors = ",".join(f"{k}:{v}" for k, v in sorted(result.errors.items())) or "0"
        print(f"{endpoint:10} {rate:5d} {result.sent:5d} {len(result.latencies) / result.seconds:7.0f} "
              f"{_ms(result.percentile(0.5))} {_ms(result.percentile(0.99))} {errors:>7}"
              f" {'' if ratio is None else f'{ratio:10.2f}x'}  {verdict}")
    print(f"sync requests: {pending} pending (one per account at most), {len(worker.taken_at)} accounts synced "
          f"meanwhile; notifications lost: {lost}")
    passed &= lost == 0
    print("budget:", "PASS" if passed else "FAIL")
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
