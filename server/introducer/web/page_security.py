"""Browser-side protections: the flow cookie's attributes, Content-Security-Policy and HSTS.

- The Flask session cookie carries only the Connect-Gmail flow (state, PKCE verifier): HttpOnly,
  SameSite=Lax (Google sends the browser back with a top-level GET) and Secure whenever the request came
  over https or the public URL is https. The Microsoft flow has its own cookie (web/connect_microsoft.py).
- Pages meant to be framed by a mail client (the panel, the Outlook task pane and the Microsoft sign-in
  window's pages, which hold a session token) get a CSP whose `frame-ancestors` is this origin plus
  `INTRODUCER_FRAME_ANCESTORS` (the Office and Gmail hosts by default): any other site framing them is
  refused. Their scripts may come from this origin and the configured Office.js / MSAL.js hosts only.
- Every other page of ours (consent answers, Connect Gmail) refuses to be framed at all.
- With an https public URL, every answer carries Strict-Transport-Security.
The sandbox stand-ins for Google and Microsoft (under /sandbox) keep no policy: they are not the product.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

# Pages a mail client frames, by endpoint.
FRAMED = {"panel.panel", "addin_outlook.taskpane", "connect_microsoft.start", "connect_microsoft.callback"}
HSTS = "max-age=31536000"


def _settings():
    return current_app.extensions["introducer"].settings


def is_https() -> bool:
    """The browser talks to us over https (directly, or through a trusted proxy, or per the public URL)."""
    return request.is_secure or (_settings().public_url or "").startswith("https://")


class FlowCookieSession(SecureCookieSessionInterface):
    """Flask's signed-cookie session with per-request Secure and a fixed SameSite=Lax."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return is_https()

    def get_cookie_samesite(self, app: Flask) -> str:
        return "Lax"

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True


def _origin(url: str | None) -> str | None:
    if not url or url.startswith("/"):
        return None  # served from here ('self' covers it)
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def framed_page_policy(settings) -> str:
    scripts = " ".join(sorted({o for o in (_origin(settings.office_js_url), _origin(settings.msal_browser_url)) if o}))
    sign_in = _origin(settings.ms_authority_host) or ""
    ancestors = " ".join(["'self'", *settings.frame_ancestors.split()])
    return "; ".join([
        "default-src 'self'", f"script-src 'self' {scripts}".strip(), "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", f"connect-src 'self' {sign_in}".strip(), f"frame-src 'self' {sign_in}".strip(),
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", f"frame-ancestors {ancestors}",
    ])


UNFRAMED_PAGE_POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _protect(response):
    if (_settings().public_url or "").startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if response.mimetype != "text/html" or request.path.startswith("/sandbox"):
        return response
    if request.endpoint in FRAMED:
        response.headers.setdefault("Content-Security-Policy", framed_page_policy(_settings()))
    elif request.blueprint in ("consent", "connect_google", "addin_outlook"):
        response.headers.setdefault("Content-Security-Policy", UNFRAMED_PAGE_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = FlowCookieSession()
    app.after_request(_protect)
