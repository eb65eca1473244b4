"""Files only this service's user may read: the data folder is 0700 and every file made in it is 0600.

The data folder holds the SQLite database (and its -wal/-shm files, which SQLite creates itself), the
sandbox world and generated keys. Writing a file and then chmod-ing it leaves a moment where it is
readable, and SQLite's own files cannot be chmod-ed before they exist, so the process umask is set to
077 before anything is written: every file is created private, whoever creates it.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """From now on, files and folders this process creates are readable by its own user only."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path, *, tighten: bool = True) -> Path:
    """`path` created 0700 (with its parents); an existing one of ours is tightened to 0700 unless
    `tighten` is False (a folder the operator chose for the database file may be shared with other things)."""
    keep_files_private()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if tighten and path.stat().st_uid == os.getuid() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(0o700)  # a folder made by an older version, or by hand
    return path


def write_new_private(path: Path, text: str) -> bool:
    """Create `path` with `text`, mode 0600 from the start; False when it already exists (kept as is)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return True
