"""`GET /healthz`: the process answers and the database does too (for load balancers and `docker ps`)."""
from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app
from sqlalchemy import text

log = logging.getLogger("introducer.web")
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        with current_app.extensions["introducer"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unhealthy", never a 500
        log.warning("health check: the database did not answer", exc_info=True)
        return {"status": "error", "database": "error"}, 503, {"Cache-Control": "no-store"}
    return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
