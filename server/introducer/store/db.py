"""Engines for the two supported databases: embedded SQLite (the default) and shared PostgreSQL."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from ..private_files import private_dir

DB_FILENAME = "introducer.db"


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
    # pre_ping: connections idle in the pool die when the server or a proxy restarts.
    return create_engine(parsed, pool_pre_ping=True)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _sqlite_engine(url) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    options: dict = {"connect_args": {"check_same_thread": False}}
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
