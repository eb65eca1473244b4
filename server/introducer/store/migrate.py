"""Bring a database's schema up to date with Alembic, configured in code (no alembic.ini at run time)."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from .db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x1A7E0D0C  # pg_advisory_xact_lock id, any constant unique to this application


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(url_or_engine: str | Engine, revision: str = "head") -> None:
    """Migrate to `revision` in one transaction (PostgreSQL rolls back the whole step on failure)."""
    _run(url_or_engine, command.upgrade, revision)


def downgrade(url_or_engine: str | Engine, revision: str) -> None:
    _run(url_or_engine, command.downgrade, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this code ships; a database behind it needs `upgrade`."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _run(url_or_engine: str | Engine, action, revision: str) -> None:
    owned = isinstance(url_or_engine, str)
    engine = make_engine(url_or_engine) if owned else url_or_engine
    try:
        with engine.begin() as connection:
            _one_migrator_at_a_time(connection)
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config, revision)
    finally:
        if owned:
            engine.dispose()


def _one_migrator_at_a_time(connection: Connection) -> None:
    # Every web process and worker migrates on start. The first takes the lock and migrates;
    # the others wait, then find the database at head and have nothing to do.
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # Python's sqlite3 would otherwise run the DDL outside a transaction, one statement at a time.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
