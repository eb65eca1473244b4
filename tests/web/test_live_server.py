"""LiveApp: the whole app over real HTTP on a loopback port, on SQLite and (when configured) PostgreSQL."""
from __future__ import annotations

import pytest
import requests

from live_server import LiveApp
from store_fixtures import database_url  # noqa: F401  (the SQLite / PostgreSQL fixture)
from web_helpers import DANA, spec


def test_a_live_app_serves_the_api_over_loopback_and_stops(tmp_path, database_url):  # noqa: F811
    with LiveApp(tmp_path / "live", database_url=database_url) as live:
        assert live.url.startswith("http://127.0.0.1:")
        assert live.api("GET", "/healthz").json() == {"status": "ok", "database": "ok"}
        token = live.session_token(DANA)
        created = live.api("POST", "/api/v1/intros", json=spec(), token=token)
        assert created.status_code == 201, created.text
        listed = live.api("GET", "/api/v1/intros", token=token).json()["intros"]
        assert [i["id"] for i in listed] == [created.json()["id"]]
        assert live.api("GET", "/api/v1/intros").status_code == 401
        url = live.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/healthz", timeout=2)
