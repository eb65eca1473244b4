"""`GET /healthz` answers from a real database query."""
from __future__ import annotations

import dataclasses

from sqlalchemy import create_engine

from introducer.app import create_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_cannot_be_reached(container, tmp_path):
    broken = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'gone.db'}")
    app = create_app(dataclasses.replace(container, engine=broken))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}
    broken.dispose()
