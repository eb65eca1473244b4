"""How the long-running commands (`serve`, `demo`, `worker`) start and stop, as an operator expects.

- The listening socket is bound before anything else happens, so a port in use is a one-line error
  and a non-zero exit, not a traceback after the demo data was seeded and the worker started.
- X-Forwarded-* headers are trusted in one place, the app's ProxyFix (INTRODUCER_PROXY_HOPS, see
  app.py). waitress strips those headers unless told otherwise; with hops set it passes them through
  to ProxyFix, which believes exactly the last `hops` values.
- SIGTERM and SIGINT stop the process gracefully, also in a background job (whose shell ignores
  SIGINT): stop accepting, let the requests in flight finish, then return 0 so the caller can stop its
  jobs and give back the work it claimed (`Deps.stopping`).
"""
from __future__ import annotations

import errno
import logging
import signal
import socket
import threading
import time

from .config import SettingsError

log = logging.getLogger("introducer.serving")
DRAIN_SECONDS = 20.0  # requests in flight get this long to finish after a stop signal


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


def waitress_server(app, sock: socket.socket, *, proxy_hops: int, threads: int = 8):
    """A waitress server on the bound socket. With proxy hops, X-Forwarded-* reach the app's ProxyFix."""
    from waitress import create_server

    return create_server(app, sockets=[sock], threads=threads, ident="introducer",
                         clear_untrusted_proxy_headers=not proxy_hops)


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
