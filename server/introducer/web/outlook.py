"""The Outlook add-in's part of the web app, wired in one place: `register(app)`.

Pages (task pane, support/privacy/terms), the OpenAPI description, Graph webhooks, the Microsoft
connect flow, the task pane's API additions, and two authenticators: Microsoft access tokens (when a
client id is configured) and sign-in-window sessions. With the sandbox mail world, the sandbox's
Office.js and MSAL.js stand-ins too, and the demo page shows the task pane when the demo runs Outlook.
"""
from __future__ import annotations

from flask import Flask

from . import addin_outlook, connect_microsoft, openapi, outlook_api, webhooks_graph
from .auth import add_authenticator
from .outlook_auth import SESSIONS, EntraAuthenticator, OutlookSessions

SANDBOX_PANEL = "/addin/outlook/taskpane.html?sandbox=1"


def register(app: Flask) -> None:
    container = app.extensions["introducer"]
    settings = container.settings
    sessions = OutlookSessions(settings.secret("secret_key"))
    app.extensions[SESSIONS] = sessions
    add_authenticator(app, sessions)
    if settings.ms_client_id:
        add_authenticator(app, EntraAuthenticator.from_settings(container))
    for module in (addin_outlook, openapi, webhooks_graph, connect_microsoft, outlook_api):
        module.init_app(app)
    if container.world is not None:
        from . import addin_sandbox

        addin_sandbox.init_app(app)
        if (container.faces or {}).get("outlook") is not None:  # `introducer demo --provider outlook`
            app.config["SANDBOX_PANEL_URL"] = SANDBOX_PANEL
