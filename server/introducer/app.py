"""The Flask app factory: `create_app(container)` wires the web layer onto a built container.

Nothing happens at import time. Each web module registers itself through `init_app(app)` (or, for
parts that exist only in some setups, `register(app)`, which may decide to do nothing).
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .web import api, auth, body, errors, health, page_security, panel, sandbox
from .web import gmail_addon
from .web import consent
from .web import outlook

WEB = Path(__file__).parent / "web"


def create_app(container, *, proxy_hops: int | None = None) -> Flask:
    """The WSGI app for one container. `proxy_hops`: reverse proxies in front whose X-Forwarded-* to trust."""
    app = Flask(__name__, template_folder=str(WEB / "templates"), static_folder=str(WEB / "static"),
                static_url_path="/static")
    app.secret_key = container.settings.secret("secret_key")
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.json.sort_keys = False
    body.init_app(app)  # JSON limits for every request body
    page_security.init_app(app)  # cookie attributes, CSP, HSTS
    app.extensions["introducer"] = container

    errors.init_app(app)
    auth.init_app(app)
    health.init_app(app)
    api.init_app(app)
    panel.init_app(app)
    consent.init_app(app)
    gmail_addon.register(app)
    outlook.register(app)
    sandbox.register(app)  # only with the sandbox mail world

    hops = proxy_hops if proxy_hops is not None else int(getattr(container.settings, "proxy_hops", 0) or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    @app.after_request
    def _safe_defaults(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app
