"""A live Introducer on a loopback port, for integration, end-to-end and browser tests.

    app = LiveApp(tmp_path)                      # seeded sandbox world, SQLite in tmp_path
    app = LiveApp(tmp_path, database_url=pg)     # the same on PostgreSQL
    token = app.session_token("dana@parkcap.example")
    response = app.api("POST", "/api/v1/intros", json={...}, token=token)
    app.stop()

Or as a context manager (`with LiveApp(tmp_path) as app:`). The server is a real WSGI server in a
thread on 127.0.0.1:<free port>; requests go over real HTTP. `background=True` also runs the worker's
scheduler, as the demo does; otherwise call `app.run_worker()` to run every job once.
"""
from __future__ import annotations

import threading
from pathlib import Path

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from introducer.app import create_app
from introducer.bootstrap import build
from introducer.config import Settings


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # keep test output for failures
        pass


class LiveApp:
    def __init__(self, data_dir: Path, *, database_url: str | None = None, sandbox: bool = True, seed: bool = True,
                 background: bool = False, clock=None, **settings):
        values = {"data_dir": Path(data_dir), "sandbox": sandbox, "provider": "sandbox", **settings}
        if database_url:
            values["database_url"] = database_url
        self.settings = Settings(**values)
        self.seeded: dict = {}
        if sandbox and seed:
            from introducer.demo import prepare

            self.container, self.seeded = prepare(self.settings)
        else:
            self.container = build(self.settings)
        if clock is not None and self.container.world is not None:
            self.container.world.set_clock(clock)
        self.app = create_app(self.container)
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="live-app", daemon=True)
        self._thread.start()
        self._scheduler = None
        if background:
            from introducer.worker import scheduler

            self._scheduler = scheduler(self.container)
            self._scheduler.start()
        self._http = requests.Session()

    @property
    def world(self):
        return self.container.world

    def api(self, method: str, path: str, json=None, token: str | None = None, **kwargs) -> requests.Response:
        """An HTTP request to the live app (path starts with "/"); a bearer token when given."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self._http.request(method, self.url + path, json=json, headers=headers, timeout=30, **kwargs)

    def session_token(self, email: str) -> str:
        """Sign a sandbox mailbox in (its account is created on first sign-in) and return the bearer token."""
        response = self.api("POST", "/sandbox/api/session", json={"email": email})
        response.raise_for_status()
        return response.json()["token"]

    def run_worker(self) -> None:
        from introducer.worker import run_once

        run_once(self.container)

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self._http.close()
        self.container.close()

    def __enter__(self) -> "LiveApp":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
