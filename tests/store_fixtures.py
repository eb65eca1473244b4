"""Store fixtures: a migrated database on SQLite and on PostgreSQL, and small row builders.

Import the fixtures into a test module (`from store_fixtures import database_url, engine, …`).
The PostgreSQL half needs INTRODUCER_TEST_POSTGRES_URL; each run gets its own schema, dropped
afterwards, so several runs can share one database.
"""
from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from introducer.domain.model import ConsentStatus, Role
from introducer.domain.states import IntroState
from introducer.store.db import make_engine, sqlite_url_for
from introducer.store.migrate import upgrade
from introducer.store.models import Account, Consent, Intro
from introducer.store.uow import UnitOfWorkFactory

POSTGRES_ENV = "INTRODUCER_TEST_POSTGRES_URL"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday morning


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield sqlite_url_for(tmp_path / "data")
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set, so the PostgreSQL half of the store tests does not run")
    schema = f"store_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine) -> UnitOfWorkFactory:
    upgrade(engine)
    return UnitOfWorkFactory(engine)


def add_account(uow, email: str = "ann@example.com", provider: str = "sandbox", **fields) -> Account:
    return uow.accounts.add(Account(provider=provider, email=email, name=fields.pop("name", "Ann"), **fields))


def add_intro(uow, account: Account, *, target_email: str = "bob@example.org",
              state: IntroState = IntroState.NEW, **fields) -> Intro:
    intro = Intro(
        account_id=account.id, state=state, spec={"context": "hiring"},
        requester_name="Cat", requester_email="cat@example.net",
        target_name="Bob", target_email=target_email, context="hiring", **fields)
    intro = uow.intros.add(intro)
    uow.consents.add(Consent(intro_id=intro.id, role=Role.TARGET, status=ConsentStatus.PENDING))
    return intro


@pytest.fixture
def seeded(uow_factory):
    """Two accounts, each with one intro: returns their ids as (account_a, intro_a, account_b, intro_b)."""
    with uow_factory() as uow:
        a = add_account(uow, "ann@example.com")
        b = add_account(uow, "zed@example.com", name="Zed")
        intro_a = add_intro(uow, a)
        intro_b = add_intro(uow, b)
        uow.commit()
    return a.id, intro_a.id, b.id, intro_b.id


def run_together(workers: int, job) -> list:
    """Start `job(n)` on `workers` threads at the same moment; return results, re-raise any error."""
    barrier = threading.Barrier(workers)
    results: list = [None] * workers
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = job(n)
        except BaseException as error:  # noqa: BLE001  (handed to the test below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def lose_sync_requests(uow) -> None:
    """Delete every recorded sync request: the notifications behind them were lost."""
    from sqlalchemy import delete

    from introducer.store.models import SyncRequest

    uow.session.execute(delete(SyncRequest))
    uow.commit()
