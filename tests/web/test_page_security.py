"""CSP with frame-ancestors on the pages mail clients frame, no framing elsewhere, HSTS behind https."""
from __future__ import annotations

import pytest

from introducer.app import create_app
from introducer.config import Settings
from introducer.demo import prepare

OFFICE_AND_GMAIL = ["https://outlook.office.com", "https://outlook.office365.com", "https://outlook.live.com",
                    "https://outlook.cloud.microsoft", "https://mail.google.com"]


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


@pytest.mark.parametrize("path", ["/panel", "/panel?host=sandbox", "/addin/outlook/taskpane.html",
                                  "/connect/microsoft/start"])
def test_framed_pages_may_be_framed_by_exactly_this_origin_and_the_office_and_gmail_hosts(client, path):
    page = client.get(path)
    assert page.mimetype == "text/html"
    policy = directives(page)
    assert policy["frame-ancestors"] == ["'self'", *OFFICE_AND_GMAIL]
    assert policy["object-src"] == ["'none'"] and "'unsafe-inline'" not in policy["script-src"]


def test_the_task_pane_may_load_office_js_and_msal_from_their_configured_hosts_only(client):
    scripts = directives(client.get("/addin/outlook/taskpane.html"))["script-src"]
    assert scripts == ["'self'", "https://appsforoffice.microsoft.com", "https://cdn.jsdelivr.net"]


def test_the_frame_ancestors_are_a_setting(tmp_path):
    container, _ = prepare(Settings(data_dir=tmp_path / "d", frame_ancestors="https://mail.example.test"))
    try:
        page = create_app(container).test_client().get("/panel")
        assert directives(page)["frame-ancestors"] == ["'self'", "https://mail.example.test"]
    finally:
        container.close()


def test_consent_and_support_pages_refuse_to_be_framed(client):
    for path in ("/support", "/consent/not-a-token"):
        page = client.get(path)
        assert page.mimetype == "text/html", path
        assert directives(page)["frame-ancestors"] == ["'none'"], path
        assert page.headers["X-Frame-Options"] == "DENY"


def test_no_hsts_without_an_https_public_url(client):
    assert "Strict-Transport-Security" not in client.get("/panel").headers


def test_hsts_on_every_answer_when_the_public_url_is_https(tmp_path):
    container, _ = prepare(Settings(data_dir=tmp_path / "d", public_url="https://intro.example.test"))
    try:
        client = create_app(container).test_client()
        for path in ("/panel", "/healthz", "/api/v1/me"):
            answer = client.get(path, base_url="https://intro.example.test")
            assert answer.headers["Strict-Transport-Security"].startswith("max-age="), path
    finally:
        container.close()


def test_the_session_cookie_is_secure_over_https_and_always_http_only_and_lax(container):
    app = create_app(container)

    @app.get("/test-session")
    def _set():
        from flask import session
        session["google_connect"] = {"state": "s"}
        return "ok"

    client = app.test_client()
    over_https = client.get("/test-session", base_url="https://intro.example.test").headers["Set-Cookie"]
    over_http = client.get("/test-session").headers["Set-Cookie"]
    for cookie in (over_https, over_http):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in over_https and "Secure" not in over_http
