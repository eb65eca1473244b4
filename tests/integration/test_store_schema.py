"""The store's schema: migrations build it from nothing on SQLite and PostgreSQL, and the models match it."""
from __future__ import annotations

import sqlite3
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from introducer.store.db import is_postgres, make_engine, sqlite_url_for
from introducer.store.migrate import current_revision, downgrade, head_revision, upgrade
from introducer.store.models import Base
from store_fixtures import database_url, engine  # noqa: F401  (fixtures)

TABLES = {"accounts", "intros", "consents", "outbound", "due_work", "events", "seen_messages",
          "tracked_threads", "sync_requests"}


def test_migrations_build_every_table_from_an_empty_database(engine):
    assert current_revision(engine) is None

    upgrade(engine)

    assert current_revision(engine) == head_revision() is not None
    assert TABLES <= set(inspect(engine).get_table_names())


def test_the_models_match_the_migrated_schema_exactly(engine):
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_exactly_once_and_coalescing_keys_are_unique_in_the_database(engine):
    upgrade(engine)
    inspector = inspect(engine)
    unique = {table: {tuple(c["column_names"]) for c in inspector.get_unique_constraints(table)}
              for table in ("outbound", "due_work", "seen_messages", "tracked_threads", "consents", "accounts")}
    assert ("key",) in unique["outbound"]
    assert ("key",) in unique["due_work"]
    assert ("account_id", "provider_id") in unique["seen_messages"]
    assert ("account_id", "thread_id") in unique["tracked_threads"]
    assert ("intro_id", "role") in unique["consents"]
    unique_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("accounts") if i["unique"]}
    assert ("provider", "external_id") in unique_indexes  # Outlook: the address is not a key, the identity is
    assert ("provider", "email") in unique_indexes  # partial: sandbox and Gmail only (see test_outlook_api_auth)
    assert inspector.get_pk_constraint("sync_requests")["constrained_columns"] == ["account_id"]


def test_downgrading_to_base_removes_the_tables_and_upgrading_again_restores_them(engine):
    upgrade(engine)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())

    upgrade(engine)
    assert TABLES <= set(inspect(engine).get_table_names())


def test_upgrade_also_takes_a_url_and_running_it_twice_changes_nothing(database_url, engine):
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(engine) == head_revision()


def test_make_engine_creates_the_data_folder_and_tunes_sqlite(tmp_path):
    url = sqlite_url_for(tmp_path / "new" / "folder")
    engine = make_engine(url)
    try:
        assert not is_postgres(engine)
        with engine.connect() as connection:
            pragmas = {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("foreign_keys", "journal_mode", "busy_timeout")}
        assert pragmas == {"foreign_keys": 1, "journal_mode": "wal", "busy_timeout": 5000}
        assert (tmp_path / "new" / "folder" / "introducer.db").is_file()
    finally:
        engine.dispose()


def test_an_in_memory_sqlite_database_is_one_database_for_every_connection():
    engine = make_engine("sqlite://")
    try:
        upgrade(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_sqlite_library_supports_returning_which_claims_rely_on():
    assert sqlite3.sqlite_version_info >= (3, 35)


def test_processes_starting_together_migrate_once_without_tripping_over_each_other(database_url, engine):
    # Real processes: Alembic keeps its context in module globals, so threads would not show this.
    code = "import sys; from introducer.store.migrate import upgrade; upgrade(sys.argv[1])"
    processes = [subprocess.Popen([sys.executable, "-c", code, database_url], stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    failures = [error for process in processes
                for _, error in [process.communicate(timeout=60)] if process.returncode != 0]
    assert failures == []
    assert current_revision(engine) == head_revision()


def test_a_bare_postgres_url_gets_the_psycopg_driver():
    for url in ("postgres://app@db.internal/introducer", "postgresql://app@db.internal/introducer"):
        engine = make_engine(url)
        assert engine.url.drivername == "postgresql+psycopg" and is_postgres(engine)
        engine.dispose()
