"""The pages: the panel shell, the sandbox front page, and what exists when the sandbox is off."""
from __future__ import annotations

from introducer.app import create_app
from introducer.bootstrap import build
from introducer.config import Settings


def test_the_panel_page_loads_its_code_as_a_module_and_holds_no_data(client):
    response = client.get("/panel?host=sandbox")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'type="module"' in html and "panel/boot.js" in html and 'data-host="sandbox"' in html
    assert client.get("/static/panel/panel.js").status_code == 200


def test_the_panel_ignores_a_host_it_does_not_know(client):
    html = client.get('/panel?host="><script>alert(1)</script>').get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'data-host=""' in html


def test_the_sandbox_page_shows_the_people_the_clock_and_the_panel(client):
    html = client.get("/").get_data(as_text=True)
    assert "Introducer" in html and "Dana Park" in html
    assert "/panel?host=sandbox" in html and 'data-days="1"' in html and 'data-next="true"' in html and "sandbox/main.js" in html


def test_without_the_sandbox_there_is_no_sandbox_page_api_or_sign_in(tmp_path):
    container = build(Settings(data_dir=tmp_path / "prod", sandbox=False, provider="gmail"))
    try:
        assert container.world is None
        client = create_app(container).test_client()
        assert client.get("/").status_code == 404
        session = client.post("/sandbox/api/session", json={"email": "dana@parkcap.example"})
        assert session.status_code == 404 and session.get_json()["error"]["code"] == "not_found"
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer sbx.anything"}).status_code == 401
        assert client.get("/healthz").get_json()["status"] == "ok"
    finally:
        container.close()


def test_pages_keep_html_error_pages_while_the_api_answers_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"
