"""Web tests: the Flask app on a real container (seeded sandbox world, SQLite in a temp folder)."""
from __future__ import annotations

import pytest

from introducer.app import create_app
from introducer.config import Settings
from introducer.demo import prepare

from web_helpers import DANA


@pytest.fixture
def built(tmp_path):
    container, seeded = prepare(Settings(data_dir=tmp_path / "data"))
    yield container, seeded
    container.close()


@pytest.fixture
def container(built):
    return built[0]


@pytest.fixture
def seeded(built):
    return built[1]


@pytest.fixture
def app(container):
    app = create_app(container)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def sign_in(client):
    """sign_in(email) -> Authorization headers for that sandbox mailbox."""
    def signed_in(email: str = DANA) -> dict:
        response = client.post("/sandbox/api/session", json={"email": email})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return signed_in


@pytest.fixture
def dana(sign_in):
    return sign_in(DANA)
