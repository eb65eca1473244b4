"""The demo refuses what a web page elsewhere could send it: other origins, rebound host names, non-JSON bodies."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from introducer.app import create_app
from introducer.bootstrap import build, check_sandbox
from introducer.config import Settings, SettingsError

from web_helpers import DANA

ORIGIN = "http://localhost"  # the test client's own origin


def world_time(client) -> datetime:
    return datetime.fromisoformat(client.get("/sandbox/api/world").get_json()["now"])


def unmoved(client, before: datetime) -> bool:
    return world_time(client) - before < timedelta(hours=1)  # the sandbox clock runs on; 5 hours were refused


def test_a_same_origin_json_write_is_accepted(client):
    response = client.post("/sandbox/api/clock", json={"hours": 1}, headers={"Origin": ORIGIN})
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "http://localhost:9999"},
    {"Sec-Fetch-Site": "cross-site"},
])
def test_a_write_from_another_origin_is_refused_and_changes_nothing(client, headers):
    before = world_time(client)
    response = client.post("/sandbox/api/clock", json={"hours": 5}, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["message"].startswith("The sandbox accepts changes only from its own pages")
    assert unmoved(client, before)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_no_cors_body_is_refused(client, content_type):
    before = world_time(client)
    response = client.post("/sandbox/api/clock", data='{"hours": 5}', content_type=content_type)
    assert response.status_code == 415
    assert unmoved(client, before)
    signed = client.post("/sandbox/api/session", data=f'{{"email": "{DANA}"}}', content_type=content_type)
    assert signed.status_code == 415


@pytest.mark.parametrize("path", ["/", "/sandbox/api/world", "/sandbox/api/session"])
def test_a_rebound_host_name_is_refused(client, path):
    method = client.post if path.endswith("session") else client.get
    kwargs = {"json": {"email": DANA}} if path.endswith("session") else {}
    response = method(path, headers={"Host": "attacker.example:8080"}, **kwargs)
    assert response.status_code == 403
    for host in ("127.0.0.1:8080", "localhost:8080", "[::1]:8080"):
        assert method(path, headers={"Host": host}, **kwargs).status_code == 200


def test_the_product_api_is_not_affected(client, dana):
    assert client.get("/api/v1/intros", headers={**dana, "Host": "intros.example.com"}).status_code == 200


def test_the_sandbox_is_off_by_default_outside_the_demo(tmp_path):
    container = build(Settings(data_dir=tmp_path))
    try:
        assert container.world is None
        assert create_app(container).test_client().get("/sandbox/api/world").status_code == 404
    finally:
        container.close()


@pytest.mark.parametrize("url", ["https://intros.example.com", "http://192.168.1.5:8080"])
def test_the_sandbox_is_refused_with_a_public_url(tmp_path, url):
    with pytest.raises(SettingsError, match="the sandbox .* is a local demo"):
        check_sandbox(Settings(data_dir=tmp_path, sandbox=True, public_url=url))


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
def test_the_sandbox_runs_with_a_loopback_public_url(tmp_path, url):
    check_sandbox(Settings(data_dir=tmp_path, sandbox=True, public_url=url))
