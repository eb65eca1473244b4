"""The data folder is private: 0700, and the database, its WAL and the generated keys are 0600 from birth."""
from __future__ import annotations

import os
import stat

from introducer.config import Settings
from introducer.demo import prepare


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_folder_and_everything_written_in_it_are_private(tmp_path):
    os.umask(0o022)  # a usual login umask: without our own, files would come out 0644
    data = tmp_path / "data"
    container, _ = prepare(Settings(data_dir=data))  # the demo's seeding writes: SQLite opens its WAL
    try:
        files = sorted(p.name for p in data.iterdir())
        assert {"introducer.db", "introducer.db-wal", ".token_keys", "sandbox.db"} <= set(files)
        assert mode(data) == 0o700
        for path in data.iterdir():
            assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
    finally:
        container.close()


def test_an_existing_data_folder_is_tightened(tmp_path):
    os.umask(0o022)
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    Settings(data_dir=data).secret("secret_key")
    assert mode(data) == 0o700
    assert mode(data / ".secret_key") == 0o600


def test_a_generated_key_is_never_replaced_once_written(tmp_path):
    settings = Settings(data_dir=tmp_path / "d")
    first = settings.secret("secret_key")
    assert Settings(data_dir=tmp_path / "d").secret("secret_key") == first
