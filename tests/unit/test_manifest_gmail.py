"""The Gmail deployment descriptor: rendered for a real URL, in sync with the checked-in file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from introducer.manifests.gmail import ADDON_SCOPES, PLACEHOLDER, gmail_template, render_gmail, to_json

CHECKED_IN = Path(__file__).resolve().parents[2] / "addin-manifest" / "gmail" / "deployment.json"
BASE = "https://introducer.example.com"


def strings_in(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)
    elif isinstance(node, str):
        yield node


def test_the_checked_in_file_is_the_template_with_the_placeholder():
    assert CHECKED_IN.read_text() == to_json(gmail_template())
    assert PLACEHOLDER in CHECKED_IN.read_text()


def test_rendering_replaces_every_placeholder():
    rendered = json.dumps(render_gmail(BASE))
    assert "PUBLIC_BASE_URL" not in rendered
    assert BASE in rendered


def test_every_url_in_the_rendered_descriptor_is_absolute_https_under_the_base():
    urls = [s for s in strings_in(render_gmail(BASE)["addOns"]) if "://" in s]
    assert urls, "the descriptor should name its endpoints"
    for url in urls:
        assert url.startswith(BASE + "/"), url


def test_triggers_point_at_the_gmail_endpoints():
    add_ons = render_gmail(BASE)["addOns"]
    assert add_ons["common"]["homepageTrigger"]["runFunction"] == f"{BASE}/addon/gmail/home"
    assert add_ons["gmail"]["contextualTriggers"] == [
        {"unconditional": {}, "onTriggerFunction": f"{BASE}/addon/gmail/on-open"}
    ]
    compose = add_ons["gmail"]["composeTrigger"]
    assert compose["actions"] == [{"runFunction": f"{BASE}/addon/gmail/compose", "label": "Introduce"}]
    assert compose["draftAccess"] == "METADATA"


def test_google_signs_each_call_with_a_system_id_token():
    assert render_gmail(BASE)["addOns"]["httpOptions"] == {"authorizationHeader": "SYSTEM_ID_TOKEN"}


def test_links_may_open_only_under_the_base_url():
    assert render_gmail(BASE)["addOns"]["common"]["openLinkUrlPrefixes"] == [f"{BASE}/"]


def test_the_add_on_asks_for_exactly_the_five_interactive_scopes():
    scopes = render_gmail(BASE)["oauthScopes"]
    assert scopes == list(ADDON_SCOPES)
    assert {s.rsplit("/", 1)[-1] for s in scopes} == {
        "gmail.addons.execute",
        "gmail.addons.current.message.metadata",
        "gmail.addons.current.action.compose",
        "userinfo.email",
        "script.locale",
    }


def test_each_add_on_scope_is_justified_in_scopes_md():
    justification = (CHECKED_IN.parent / "SCOPES.md").read_text()
    for scope in ADDON_SCOPES:
        assert f"`{scope.rsplit('/', 1)[-1]}`" in justification, scope


@pytest.mark.parametrize(
    "given, expected",
    [
        ("https://introducer.example.com/", "https://introducer.example.com"),
        ("https://Introducer.Example.com", "https://introducer.example.com"),
        ("https://example.com:8443/introducer/", "https://example.com:8443/introducer"),
    ],
)
def test_a_base_url_is_normalised_before_use(given, expected):
    assert render_gmail(given)["addOns"]["gmail"]["composeTrigger"]["actions"][0]["runFunction"] == (
        f"{expected}/addon/gmail/compose"
    )


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "http://introducer.example.com",
        "introducer.example.com",
        "https://introducer.example.com?x=1",
        "https://introducer.example.com/#top",
        "https://user:pw@introducer.example.com",
        "https://localhost",
        PLACEHOLDER,
        "https://introducer.example.com//double",
        "https://introducer.example.com:notaport",
    ],
)
def test_an_unusable_base_url_is_rejected(bad):
    with pytest.raises(ValueError):
        render_gmail(bad)
