"""Engines for the two supported databases: embedded SQLite (the default) and shared PostgreSQL.

Pools keep as many connections as the web server has threads (and a few more for the worker's jobs), so
a busy server reuses its connections instead of opening one per request. A PostgreSQL connection is
tested before use only when it sat idle in the pool for a while (`IDLE_PING_SECONDS`): that is when a
database or proxy restart has dropped it, and a busy pool pays no extra round trip per request. One the
server closed while in use fails its request once; the pool then replaces every older connection.
"""
from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ..private_files import private_dir

DB_FILENAME = "introducer.db"
POOL_SIZE, POOL_OVERFLOW = 16, 8  # kept open, and opened for a burst beyond that
IDLE_PING_SECONDS = 10.0  # a connection idle this long is tested before use
RECYCLE_SECONDS = 1800  # and none is used longer than this (proxies close old connections)


def sqlite_url_for(data_dir: Path) -> str:
    """The embedded database's URL inside the data folder."""
    return f"sqlite:///{Path(data_dir) / DB_FILENAME}"


def make_engine(url: str) -> Engine:
    """Create an engine tuned for its dialect. Nothing connects until the engine is first used."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.drivername in ("postgres", "postgresql"):
        # Hosted databases hand out bare postgres:// URLs; psycopg 3 is the driver we ship.
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_recycle=RECYCLE_SECONDS)
    event.listen(engine, "checkin", _checked_in)

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, connection_record, connection_proxy) -> None:
        _ping_if_idle(engine.dialect, dbapi_connection, connection_record)

    return engine


def _checked_in(dbapi_connection, connection_record) -> None:
    connection_record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_connection, connection_record) -> None:
    """Test a connection that sat idle: dead ones (server or proxy restarted) are replaced before use."""
    idle_since = connection_record.info.pop("idle_since", None)
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            raise exc.DisconnectionError("the connection was closed while idle") from error  # the pool retries
        raise


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_engine(url) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict = {"connect_args": {"check_same_thread": False}}
    if not in_memory:
        options.update(pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    if in_memory:
        # Every new connection to ":memory:" is a new, empty database: share one connection.
        options["poolclass"] = StaticPool
    else:
        # The database, its WAL and shared-memory files are created 0600 in a 0700 folder.
        private_dir(Path(database).expanduser().parent, tighten=False)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    # Foreign keys are off by default in SQLite. WAL lets readers go on while one writer writes,
    # and the busy timeout makes a second writer wait its turn instead of failing at once.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def dialect_insert(session: Session, model):
    """An INSERT that understands ON CONFLICT for the session's dialect (both spell it the same)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"the store supports SQLite and PostgreSQL, not {name}")
