"""`GET /panel`: the sidebar panel page (Outlook task pane, sandbox). Its code is plain ES modules in static/panel.

The page itself is public and holds no data: everything it shows comes from /api/v1 with the bearer
token its host adapter provides (`?host=sandbox` inside the sandbox page, Office.js later).
"""
from __future__ import annotations

from flask import Blueprint, Flask, render_template, request

bp = Blueprint("panel", __name__)
HOSTS = ("sandbox",)


@bp.get("/panel")
def panel():
    host = request.args.get("host", "")
    return render_template("panel.html", host=host if host in HOSTS else "")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
