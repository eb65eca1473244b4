"""Keep web pages the user happens to visit from driving the local demo.

The sandbox routes (its page and everything under /sandbox/) sign anyone in and move the clock, so:
- the Host must be an IP address, `localhost` or the public URL's host: a page whose own name was
  re-pointed at 127.0.0.1 (DNS rebinding) carries its own name in Host and is refused;
- a state-changing request must come from the demo's own origin (Origin, or Sec-Fetch-Site when a
  browser sends no Origin), so another site's form or no-cors fetch is refused;
- its body, when it has one, must be JSON: a cross-site page can only send JSON after a CORS
  preflight, which the demo never grants.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from flask import Flask, current_app, request

from .errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_sandbox_path(path: str) -> bool:
    return path == "/" or path.startswith("/sandbox/")


def _host_allowed(host: str) -> bool:
    name = urlsplit(f"//{host}").hostname or ""
    try:
        ipaddress.ip_address(name)
        return True  # an address literal cannot be re-pointed
    except ValueError:
        pass
    public = current_app.extensions["introducer"].settings.public_url
    return name == "localhost" or (public is not None and name == urlsplit(public).hostname)


def check_request() -> None:
    if not _is_sandbox_path(request.path):
        return
    if not _host_allowed(request.host):
        raise ApiError(403, "forbidden", "The sandbox answers only at 127.0.0.1, localhost or its public URL.")
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    own = request.host_url.rstrip("/")
    if origin is not None and origin != own or origin is None and request.headers.get("Sec-Fetch-Site") in (
            "cross-site", "same-site"):
        raise ApiError(403, "forbidden", f"The sandbox accepts changes only from its own pages ({own}).")
    has_body = bool(request.content_length) or request.content_type is not None
    if has_body and request.path.startswith("/sandbox/api/") and request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "The sandbox API takes JSON bodies "
                                                       "(Content-Type: application/json).")


def init_app(app: Flask) -> None:
    app.before_request(check_request)
