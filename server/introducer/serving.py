"""How the long-running commands (`serve`, `demo`, `worker`) start and stop, as an operator expects.

- The listening socket is bound before anything else happens, so a port in use is a one-line error
  and a non-zero exit, not a traceback after the demo data was seeded and the worker started.
- X-Forwarded-* headers are trusted in one place, the app's ProxyFix (INTRODUCER_PROXY_HOPS, see
  app.py). waitress strips those headers unless told otherwise; with hops set it passes them through
  to ProxyFix, which believes exactly the last `hops` values.
- Requests wait for a free thread in waitress's queue. One that waited longer than SHED_AFTER_SECONDS
  (the server is overloaded) is answered 503 with Retry-After at once instead of being run late:
  Graph gives up on a webhook after 3 seconds and Pub/Sub after its deadline, and both redeliver,
  while the thread goes on to requests whose callers are still waiting.
- What was built at start (modules, the app, the database metadata: most of the heap) is moved out of the
  garbage collector's reach before serving (`freeze_startup_heap`), so a full collection does not stop
  every thread for a hundred milliseconds to walk it again.
- SIGTERM and SIGINT stop the process gracefully, also in a background job (whose shell ignores
  SIGINT): stop accepting, let the requests in flight finish, then return 0 so the caller can stop its
  jobs and give back the work it claimed (`Deps.stopping`).
"""
from __future__ import annotations

import errno
import gc
import logging
import signal
import socket
import threading
import time

from .config import SettingsError

log = logging.getLogger("introducer.serving")
DRAIN_SECONDS = 20.0  # requests in flight get this long to finish after a stop signal
SHED_AFTER_SECONDS = 1.5  # a request that waited this long for a thread is answered 503 instead
CONNECTION_LIMIT = 1000  # open client connections (waitress's default is 100)
_OVERLOADED = (b'{"error": {"code": "overloaded", "message": "The server is busy; try again in a moment."}}')
_waiting = threading.local()  # when the request the current thread serves was queued


def bind(host: str, port: int) -> socket.socket:
    """A bound TCP socket for host:port (port 0: any free one); SettingsError when it cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise SettingsError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may reuse the port at once
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise SettingsError(f"cannot listen on {host}:{port}: the port is already in use "
                                f"(choose another with --port or INTRODUCER_PORT)") from None
        raise SettingsError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


def on_stop_signals(stop: threading.Event) -> None:
    """Set `stop` on SIGTERM or SIGINT. Installed explicitly so a background job (SIGINT ignored) obeys too."""
    def handler(signum, _frame) -> None:
        log.warning("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def freeze_startup_heap() -> None:
    """Collect once, then exempt every object alive now from later collections (they live as long as the
    process): full collections then only walk what requests allocate, not the whole program."""
    gc.collect()
    gc.freeze()


def waitress_server(app, sock: socket.socket, *, proxy_hops: int, threads: int = 16,
                    shed_after: float = SHED_AFTER_SECONDS):
    """A waitress server on the bound socket. With proxy hops, X-Forwarded-* reach the app's ProxyFix.
    Requests that waited for a thread longer than `shed_after` seconds are answered 503 at once."""
    from waitress import create_server

    dispatcher = _stamping_dispatcher()
    dispatcher.set_thread_count(threads)
    return create_server(shed_when_late(app, shed_after), sockets=[sock], threads=threads, ident="introducer",
                         clear_untrusted_proxy_headers=not proxy_hops, connection_limit=CONNECTION_LIMIT,
                         asyncore_use_poll=True, _dispatcher=dispatcher)


def shed_when_late(app, shed_after: float):
    """WSGI middleware: 503 + Retry-After for a request that waited in the queue past `shed_after`."""
    def wsgi(environ, start_response):
        queued = getattr(_waiting, "since", None)
        if queued is not None and time.monotonic() - queued > shed_after:
            log.warning("overloaded: %s %s waited %.1fs for a thread; answered 503", environ.get("REQUEST_METHOD"),
                        environ.get("PATH_INFO"), time.monotonic() - queued)
            start_response("503 Service Unavailable", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(_OVERLOADED))),
                ("Retry-After", "1"), ("Cache-Control", "no-store")])
            return [_OVERLOADED]
        return app(environ, start_response)

    return wsgi


class _Stamped:
    """A waitress task (a connection with requests to serve) and when it joined the queue."""

    __slots__ = ("task", "since")

    def __init__(self, task, since: float):
        self.task, self.since = task, since

    def service(self) -> None:
        _waiting.since = self.since
        try:
            self.task.service()
        finally:
            _waiting.since = None

    def cancel(self) -> None:
        self.task.cancel()

    def __getattr__(self, name):
        return getattr(self.task, name)


def _stamping_dispatcher():
    from waitress.task import ThreadedTaskDispatcher

    class StampingDispatcher(ThreadedTaskDispatcher):
        def add_task(self, task) -> None:
            super().add_task(_Stamped(task, time.monotonic()))

    return StampingDispatcher()


def serve_until(server, stop: threading.Event, drain_seconds: float = DRAIN_SECONDS) -> None:
    """Serve until `stop` is set; then stop accepting, finish the requests in flight, close everything."""
    from waitress import wasyncore
    from waitress.channel import HTTPChannel

    connections = server._map  # waitress keeps the listening socket and every connection in this map
    while not stop.is_set():
        wasyncore.loop(timeout=0.2, map=connections, use_poll=True, count=1)
    server.close()  # the listening socket: the proxy now sends new requests to the other processes
    deadline = time.monotonic() + drain_seconds
    while time.monotonic() < deadline:
        busy = False
        for channel in list(connections.values()):
            if not isinstance(channel, HTTPChannel):
                continue
            if channel.requests or channel.request is not None or channel.total_outbufs_len:
                busy = True
            else:
                channel.handle_close()  # an idle keep-alive connection: nothing is lost by closing it
        if not busy:
            break
        wasyncore.loop(timeout=0.1, map=connections, use_poll=True, count=1)
    else:
        log.warning("requests still running after %.0fs; stopping anyway", drain_seconds)
    server.task_dispatcher.shutdown(timeout=2)
    wasyncore.close_all(connections)
