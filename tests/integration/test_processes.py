"""`introducer serve`, `worker` and `demo` as real processes: a port in use, SIGTERM and SIGINT."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests


def _env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTRODUCER_") and k != "DATABASE_URL"}
    return {**env, "INTRODUCER_DATA_DIR": str(data_dir), **extra}


def _start(*args: str, env: dict, background: bool = False) -> subprocess.Popen:
    """Start `introducer ARGS`. background: as a shell starts `cmd &` without job control (SIGINT ignored)."""
    ignore_sigint = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if background else None
    return subprocess.Popen([sys.executable, "-m", "introducer.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=ignore_sigint)


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return line
        if not line and process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"never printed {text!r}: {process.communicate()}")


def _stop(process: subprocess.Popen, signum: int) -> tuple[int, str, str]:
    process.send_signal(signum)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"did not stop on {signal.Signals(signum).name}: {err}")
    return process.returncode, out, err


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_port_in_use_is_one_clear_line_before_anything_starts(tmp_path, taken_port, command):
    data_dir = tmp_path / "data"
    result = subprocess.run([sys.executable, "-m", "introducer.cli", command, "--port", str(taken_port)],
                            env=_env(data_dir), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: cannot listen on 127.0.0.1:{taken_port}: the port is already in use "
                                     f"(choose another with --port or INTRODUCER_PORT)")
    assert not data_dir.exists()  # nothing seeded, no database created, no worker started


@pytest.mark.parametrize("signum, background", [(signal.SIGTERM, False), (signal.SIGINT, False),
                                                (signal.SIGINT, True), (signal.SIGTERM, True)])
def test_serve_stops_cleanly_on_a_signal(tmp_path, signum, background):
    process = _start("serve", "--port", "0", env=_env(tmp_path), background=background)
    line = _wait_for_line(process, "listening on")
    url = line.split("listening on ", 1)[1].strip()
    assert requests.get(url + "healthz", timeout=10).status_code == 200
    code, out, err = _stop(process, signum)
    assert code == 0, err
    assert "Introducer web server stopped." in out
    assert "Traceback" not in err
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "healthz", timeout=5)


@pytest.mark.parametrize("signum, background", [(signal.SIGTERM, False), (signal.SIGINT, True)])
def test_worker_stops_cleanly_on_a_signal(tmp_path, signum, background):
    process = _start("worker", env=_env(tmp_path), background=background)
    _wait_for_line(process, "worker running")
    code, out, err = _stop(process, signum)
    assert code == 0, err
    assert "Introducer worker stopped." in out
    assert "Traceback" not in err


def test_demo_stops_cleanly_on_sigterm_in_the_background(tmp_path):
    process = _start("demo", "--port", "0", env=_env(tmp_path), background=True)
    line = _wait_for_line(process, "demo ready")
    url = line.split(": ", 1)[1].split()[0]
    assert requests.get(url, timeout=10).status_code == 200
    code, out, err = _stop(process, signal.SIGTERM)
    assert code == 0, err
    assert "Introducer demo stopped." in out
    assert "Traceback" not in err


def test_serve_refuses_the_sandbox_with_a_public_url(tmp_path):
    result = subprocess.run([sys.executable, "-m", "introducer.cli", "serve", "--port", "0"],
                            env=_env(tmp_path, INTRODUCER_SANDBOX="true",
                                     INTRODUCER_PUBLIC_URL="https://intros.example.com"),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: the sandbox (INTRODUCER_SANDBOX) is a local demo and cannot run with the "
                                     "public URL https://intros.example.com: turn the sandbox off or use a loopback URL")
