"""The Outlook add-in's pages: the task pane and the support, privacy and terms pages the manifests name.

    GET /addin/outlook/taskpane.html   the panel inside Outlook (Office.js host adapter, MSAL.js NAA)
    GET /support, /privacy, /terms     short pages for the manifests and the consent screen
The icons the manifests reference are static files (static/icons/icon-<size>.png, scripts/make_icons.py).

The page gets the Entra client id, the authority and our API's scope from the server (data attributes),
so one build of the page serves any deployment. `?sandbox=1` (only when the sandbox mail world is on)
swaps Office.js and MSAL.js for the sandbox's stand-ins (web/addin_sandbox.py); nothing else changes.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, render_template, request, url_for

from ..auth.tenants import TenantPolicy

bp = Blueprint("addin_outlook", __name__)


def api_scope(settings, host: str) -> str:
    """Our API's delegated scope: api://<public host>/<client id>/access_as_user unless configured."""
    if settings.ms_api_scope:
        return settings.ms_api_scope
    public_host = urlsplit(settings.public_url).netloc if settings.public_url else host
    return f"api://{public_host}/{settings.ms_client_id or 'CLIENT_ID'}/access_as_user"


@bp.get("/addin/outlook/taskpane.html")
def taskpane():
    container = current_app.extensions["introducer"]
    s = container.settings
    sandbox = request.args.get("sandbox") == "1" and container.world is not None
    authority = f"{s.ms_authority_host}/{TenantPolicy.parse(s.ms_tenant).authority_segment}"
    response = current_app.make_response(render_template(
        "addin/taskpane.html", client_id=s.ms_client_id or "", authority=authority,
        api_scope=api_scope(s, request.host),
        office_js_url=url_for("addin_sandbox.office_js") if sandbox else s.office_js_url,
        msal_url=url_for("addin_sandbox.msal_js") if sandbox else s.msal_browser_url))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/support")
def support():
    return render_template("addin/support.html")


@bp.get("/privacy")
def privacy():
    return render_template("addin/privacy.html")


@bp.get("/terms")
def terms():
    return render_template("addin/terms.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
