"""Several processes share one sandbox world file (the web app, and any number of workers): history ids,
which every mailbox change takes, are handed out once each however the writers interleave, and two writers
changing the same thread's labels (or creating the same label) at once both succeed."""
from __future__ import annotations

import multiprocessing
import threading
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from introducer.mail.sandbox import SandboxWorld

DANA = "dana@parkcap.example"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WRITERS, EACH = 4, 25


def _mail(writer: int, n: int) -> bytes:
    em = EmailMessage()
    em["From"] = f"Person {writer} <p{writer}@elsewhere.example>"
    em["To"] = DANA
    em["Subject"] = f"Hello {writer}-{n}"
    em["Date"] = format_datetime(T0)
    em.set_content("Hello.")
    return em.as_bytes()


def _write(path: str, writer: int, start, errors) -> None:
    world = SandboxWorld(path)  # its own engine and lock: another process, as far as the world can tell
    start.wait()
    try:
        for n in range(EACH):
            world.receive(DANA, _mail(writer, n))
    except Exception as exc:  # reported to the test, which names it
        errors.put(f"{type(exc).__name__}: {exc}")
    finally:
        world.close()


def _history(path: str) -> list[int]:
    world = SandboxWorld(path)
    try:
        records, latest = world.history(DANA, 0)
        assert latest == len(records)
        return [r.id for r in records]
    finally:
        world.close()


def _prepared(tmp_path) -> str:
    path = str(tmp_path / "sandbox.db")
    world = SandboxWorld(path)
    world.add_user("Dana Park", DANA, is_simulated=False)
    world.close()
    return path


def _in_processes(target, each: list[tuple]) -> None:
    """Run target(*args, start, errors) in one process per args, all let go at once; no errors, clean exits."""
    context = multiprocessing.get_context("spawn")
    start, errors = context.Event(), context.Queue()
    processes = [context.Process(target=target, args=(*args, start, errors)) for args in each]
    for p in processes:
        p.start()
    start.set()
    for p in processes:
        p.join(timeout=120)
    failures = [errors.get() for _ in range(errors.qsize())] if not errors.empty() else []
    assert failures == []
    assert all(p.exitcode == 0 for p in processes)


def test_processes_writing_one_mailbox_never_take_the_same_history_id(tmp_path):
    path = _prepared(tmp_path)
    _in_processes(_write, [(path, w) for w in range(WRITERS)])
    assert _history(path) == list(range(1, WRITERS * EACH + 1))


def test_connections_in_one_process_never_take_the_same_history_id(tmp_path):
    path = _prepared(tmp_path)
    start, errors = threading.Event(), __import__("queue").Queue()
    threads = [threading.Thread(target=_write, args=(path, w, start, errors)) for w in range(WRITERS)]
    for t in threads:
        t.start()
    start.set()
    for t in threads:
        t.join(timeout=120)
    assert [errors.get() for _ in range(errors.qsize())] == []
    assert _history(path) == list(range(1, WRITERS * EACH + 1))


def _relabel(path: str, thread_id: str, start, errors) -> None:
    world = SandboxWorld(path)
    start.wait()
    try:
        for n in range(EACH):  # read-then-write: is the label there, which id has it, add it
            world.set_label(DANA, thread_id, f"Intros/Step {n}")
            world.set_label(DANA, thread_id, f"Intros/Step {n}", on=False)
    except Exception as exc:
        errors.put(f"{type(exc).__name__}: {exc}")
    finally:
        world.close()


def test_processes_labelling_one_thread_at_once_never_collide(tmp_path):
    path = _prepared(tmp_path)
    world = SandboxWorld(path)
    thread_id = world.receive(DANA, _mail(0, 0)).thread_id
    world.close()
    _in_processes(_relabel, [(path, thread_id)] * WRITERS)


def test_a_world_file_is_shared_in_wal_mode(tmp_path):
    """Readers in one process go on while another process writes (write-ahead log, not a rollback journal)."""
    import sqlite3

    path = _prepared(tmp_path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
