"""Absolute URLs as the outside world sees them: INTRODUCER_PUBLIC_URL when set, else the request's own.

Google signs the add-on's system token and Pub/Sub's push token for the URL it called, and calls the
URLs we put in cards, so both must be the public ones even behind a proxy that rewrites the host.
"""
from __future__ import annotations

from flask import current_app, request, url_for


def _public() -> str | None:
    public = current_app.extensions["introducer"].settings.public_url
    return public.rstrip("/") if public else None


def called_url() -> str:
    """The URL of this request, query string included (the audience Google signs)."""
    public = _public()
    if not public:
        return request.url
    query = request.query_string.decode("latin-1")
    return public + request.path + (f"?{query}" if query else "")


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a route, to hand to Google (card actions, links, the OAuth redirect)."""
    public = _public()
    if not public:
        return url_for(endpoint, _external=True, **values)
    # url_for includes the mount prefix (SCRIPT_NAME); the public URL already carries it.
    return public + url_for(endpoint, **values)[len(request.script_root):]
