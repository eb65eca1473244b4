"""What keeps a busy server answering: pooled connections used without a test round trip while busy (but
tested, and replaced when dead, after sitting idle), SQLite lookups by address through the index, and
requests that waited too long for a thread answered 503 with Retry-After instead of late."""
from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import text

from introducer.serving import bind, freeze_startup_heap, serve_until, waitress_server
from introducer.store import db
from introducer.store.db import make_engine
from store_fixtures import add_account, database_url, engine, uow_factory  # noqa: F401


@pytest.fixture
def pings(engine, monkeypatch):  # noqa: F811
    """Connection tests the pool made before handing a connection out."""
    made = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda connection: made.append(1) or real(connection))
    return made


def only_postgres(engine) -> None:  # noqa: F811
    if not db.is_postgres(engine):
        pytest.skip("SQLite has no server to lose connections to: its pool is not tested before use")


def test_a_busy_pool_hands_out_connections_without_testing_them(engine, pings):  # noqa: F811
    only_postgres(engine)
    for _ in range(20):
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    assert pings == []


def test_a_connection_killed_while_idle_is_replaced_before_use(engine, pings, database_url, monkeypatch):  # noqa: F811
    only_postgres(engine)
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    other = make_engine(database_url)
    with other.connect() as connection:  # the server restarts, or a proxy drops idle connections
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    other.dispose()
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # as if it had sat idle for a while
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != backend
    assert pings == [1]


def test_a_verified_address_is_looked_up_through_its_index(uow_factory, engine):  # noqa: F811
    if db.is_postgres(engine):
        pytest.skip("the query plan checked is SQLite's")
    with uow_factory() as uow:
        for n in range(3):
            add_account(uow, f"u{n}@example.com", provider="gmail")
        uow.commit()
    statement = uow_factory.notices._by_verified_email
    compiled = statement.compile(engine, compile_kwargs={"render_postcompile": True})
    with engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                          ("gmail", "u1@example.com")).all()
    assert any("USING" in row[-1] and "INDEX uq_accounts_provider_email_verified" in row[-1] for row in plan), plan
    assert uow_factory.notices.by_email("gmail", "u1@example.com") is not None


def test_a_request_that_waited_too_long_for_a_thread_is_answered_503_with_retry_after():
    serving, release = threading.Event(), threading.Event()

    def app(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            serving.set()
            release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    sock = bind("127.0.0.1", 0)
    url = "http://127.0.0.1:%d" % sock.getsockname()[1]
    server = waitress_server(app, sock, proxy_hops=0, threads=1, shed_after=0.2)
    stop = threading.Event()
    running = threading.Thread(target=serve_until, args=(server, stop), kwargs={"drain_seconds": 5})
    running.start()
    try:
        with ThreadPoolExecutor(2) as pool:
            slow = pool.submit(requests.get, url + "/slow", timeout=10)
            assert serving.wait(10)  # the only thread is busy
            late = pool.submit(requests.post, url + "/webhooks/graph", json={"value": []}, timeout=10)
            while not server.task_dispatcher.queue:  # queued behind it …
                time.sleep(0.01)
            time.sleep(0.4)  # … for longer than the server lets a request wait
            release.set()
            answer = late.result()
            assert slow.result().status_code == 200
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
        assert answer.json()["error"]["code"] == "overloaded"
        assert requests.get(url + "/fast", timeout=10).status_code == 200  # one that did not wait is served
    finally:
        release.set()
        stop.set()
        running.join(15)


def test_what_was_built_at_start_is_left_out_of_later_garbage_collections():
    gc.unfreeze()
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 1000  # the modules and objects of this process, walked no more
    finally:
        gc.unfreeze()
