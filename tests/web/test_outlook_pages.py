"""The Outlook add-in's pages: the task pane page, the pages and icons the manifests name, the sandbox-only
stand-ins, and scripts/render-manifests."""
from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from introducer.app import create_app
from introducer.bootstrap import build
from introducer.config import Settings
from introducer.manifests.outlook import render_outlook_json, render_outlook_xml

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://introducer.example.com"
CLIENT = "6731de76-14a6-49ae-97bc-6eba6914391e"
ADDIN = "0b3d5c27-8f0a-4b1e-9c6d-2e7f8a9b0c1d"


@pytest.fixture
def production(tmp_path):
    """The app as deployed: no sandbox, a public URL, Outlook configured."""
    container = build(Settings(data_dir=tmp_path / "prod", sandbox=False, public_url=BASE, ms_client_id=CLIENT,
                               ms_client_secret="s3cret"))
    app = create_app(container)
    yield app.test_client()
    container.close()


def data_attributes(html: str) -> dict:
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', html))


def test_the_task_pane_loads_office_js_and_msal_js_from_their_urls_and_gets_its_settings(production):
    response = production.get("/addin/outlook/taskpane.html")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>' in html
    assert re.search(r'<script src="https://[^"]+/msal-browser[^"]*\.js"></script>', html)
    attrs = data_attributes(html)
    assert attrs["host"] == "office" and attrs["client-id"] == CLIENT
    assert attrs["authority"] == "https://login.microsoftonline.com/organizations"
    assert attrs["api-scope"] == f"api://introducer.example.com/{CLIENT}/access_as_user"
    assert attrs["sign-in-url"] == "/connect/microsoft/start"
    assert html.index("office.js") < html.index("panel/boot.js")  # Office.js first, as Microsoft asks


def test_without_the_sandbox_the_stand_ins_do_not_exist(production):
    html = production.get("/addin/outlook/taskpane.html?sandbox=1").get_data(as_text=True)
    assert "appsforoffice.microsoft.com" in html and "/sandbox/addin/" not in html
    assert production.get("/sandbox/addin/office.js").status_code == 404
    assert production.post("/sandbox/api/outlook/session", json={"email": "dana@parkcap.example"}).status_code == 404


def test_in_the_sandbox_the_task_pane_can_use_the_stand_ins(client):
    html = client.get("/addin/outlook/taskpane.html?sandbox=1").get_data(as_text=True)
    assert '<script src="/sandbox/addin/office.js"></script>' in html
    assert client.get("/sandbox/addin/office.js").mimetype == "text/javascript"
    assert client.get("/sandbox/addin/msal-browser.js").status_code == 200


def test_the_sandbox_session_is_only_for_a_connected_outlook_account_of_a_real_person(client):
    assert client.post("/sandbox/api/outlook/session", json={"email": "bob@stonevc.example"}).status_code == 403
    missing = client.post("/sandbox/api/outlook/session", json={"email": "dana@parkcap.example"})
    assert missing.status_code == 404 and "--provider outlook" in missing.get_json()["error"]["message"]


@pytest.mark.parametrize("manifest", ["xml", "json"])
def test_every_url_a_manifest_names_is_served(production, manifest):
    text = (render_outlook_xml(BASE, CLIENT, ADDIN) if manifest == "xml"
            else json.dumps(render_outlook_json(BASE, CLIENT, ADDIN)))
    paths = {url[len(BASE):] for url in re.findall(re.escape(BASE) + r"[^\"'<>\s]*", text)} - {"", "/"}
    assert {"/addin/outlook/taskpane.html", "/static/icons/icon-80.png"} <= paths
    for path in sorted(paths):
        assert production.get(path).status_code == 200, path


@pytest.mark.parametrize("size", [16, 32, 64, 80, 128])
def test_the_icons_are_pngs_of_their_size(production, size):
    png = production.get(f"/static/icons/icon-{size}.png").data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (size, size)


@pytest.mark.parametrize("page, words", [("/support", "Connect Outlook"), ("/privacy", "What it reads"),
                                         ("/terms", "without warranty")])
def test_support_privacy_and_terms_pages_are_served(production, page, words):
    response = production.get(page)
    assert response.status_code == 200 and words in response.get_data(as_text=True)


def test_render_manifests_writes_gmail_and_both_outlook_manifests_and_the_app_package(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "render_manifests.py"), BASE, str(tmp_path),
                          "--client-id", CLIENT], capture_output=True, text=True, check=True)
    assert len(run.stdout.split()) == 4
    assert json.loads((tmp_path / "gmail" / "deployment.json").read_text())["addOns"]["common"]["homepageTrigger"]
    xml = (tmp_path / "outlook" / "manifest.xml").read_text()
    assert f"{BASE}/addin/outlook/taskpane.html" in xml and "PUBLIC_" not in xml and CLIENT in xml
    unified = json.loads((tmp_path / "outlook" / "manifest.json").read_text())
    with zipfile.ZipFile(tmp_path / "outlook" / "introducer-outlook.zip") as package:
        assert sorted(package.namelist()) == ["assets/icon-128.png", "assets/icon-64.png", "manifest.json"]
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "render_manifests.py"), BASE, str(again),
                    "--client-id", CLIENT], capture_output=True, check=True)
    assert json.loads((again / "outlook" / "manifest.json").read_text())["id"] == unified["id"]  # stable add-in id


def test_render_manifests_refuses_a_url_outlook_cannot_load(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "render_manifests.py"), "http://plain.example",
                          str(tmp_path), "--client-id", CLIENT], capture_output=True, text=True)
    assert run.returncode != 0 and "https" in run.stderr
