"""The Outlook add-in manifests render into the shapes Outlook accepts."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from introducer.manifests.outlook import PLACEHOLDERS, TEMPLATE_DIR, render_outlook_json, render_outlook_xml

BASE = "https://introducer.example.com"
CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
ADDIN_ID = "0f3b4a52-8d1e-4c7a-9b61-2f5e8d7c3a10"
APP = "{http://schemas.microsoft.com/office/appforoffice/1.1}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
VO10 = "{http://schemas.microsoft.com/office/mailappversionoverrides}"
VO11 = "{http://schemas.microsoft.com/office/mailappversionoverrides/1.1}"
BT = "{http://schemas.microsoft.com/office/officeappbasictypes/1.0}"
# OfficeApp children for a MailApp, in the order OfficeAppManifestV1_1.xsd's sequence requires
OFFICEAPP_ORDER = ["Id", "Version", "ProviderName", "DefaultLocale", "DisplayName", "Description", "IconUrl",
                   "HighResolutionIconUrl", "SupportUrl", "AppDomains", "Hosts", "Requirements", "FormSettings",
                   "Permissions", "Rule", "VersionOverrides"]


@pytest.fixture(scope="module")
def xml_root() -> ET.Element:
    return ET.fromstring(render_outlook_xml(BASE, CLIENT_ID, ADDIN_ID).encode("utf-8"))


@pytest.fixture(scope="module")
def unified() -> dict:
    return render_outlook_json(BASE, CLIENT_ID, ADDIN_ID)


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def test_the_xml_manifest_parses_as_a_mail_app(xml_root):
    assert xml_root.tag == f"{APP}OfficeApp"
    assert xml_root.get(XSI_TYPE) == "MailApp"


def test_the_officeapp_children_appear_in_the_order_microsoft_requires(xml_root):
    assert [local(child.tag) for child in xml_root] == OFFICEAPP_ORDER


def test_the_xml_manifest_carries_the_identity_permissions_and_task_pane(xml_root):
    assert xml_root.findtext(f"{APP}Id") == ADDIN_ID
    assert xml_root.findtext(f"{APP}Permissions") == "ReadWriteItem"
    assert xml_root.find(f"{APP}Hosts/{APP}Host").get("Name") == "Mailbox"
    assert xml_root.find(f"{APP}IconUrl").get("DefaultValue") == f"{BASE}/static/icons/icon-64.png"
    assert [d.text for d in xml_root.iter(f"{APP}AppDomain")] == ["https://introducer.example.com"]
    pane_urls = {e.get("DefaultValue") for e in xml_root.iter() if local(e.tag) in ("SourceLocation", "Url")
                 and e.get("DefaultValue")}
    assert pane_urls == {f"{BASE}/addin/outlook/taskpane.html"}


def test_both_read_and_compose_command_surfaces_open_the_task_pane(xml_root):
    v11 = xml_root.find(f"{VO10}VersionOverrides/{VO11}VersionOverrides")
    assert v11.get(XSI_TYPE) == "VersionOverridesV1_1"
    surfaces = {point.get(XSI_TYPE): point for point in v11.iter(f"{VO11}ExtensionPoint")}
    assert set(surfaces) == {"MessageReadCommandSurface", "MessageComposeCommandSurface"}
    defined = {e.get("id") for e in v11.find(f"{VO11}Resources").iter() if e.get("id")}
    for point in surfaces.values():
        action = point.find(f".//{VO11}Control/{VO11}Action")
        assert action.get(XSI_TYPE) == "ShowTaskpane"
        used = {e.get("resid") for e in point.iter() if e.get("resid")}
        assert used <= defined, f"undefined resources: {used - defined}"


def test_web_application_info_closes_version_overrides_1_1_with_our_api_resource(xml_root):
    v11 = xml_root.find(f"{VO10}VersionOverrides/{VO11}VersionOverrides")
    assert [local(child.tag) for child in v11] == ["Requirements", "Hosts", "Resources", "WebApplicationInfo"]
    info = v11.find(f"{VO11}WebApplicationInfo")
    assert info.findtext(f"{VO11}Id") == CLIENT_ID
    assert info.findtext(f"{VO11}Resource") == f"api://introducer.example.com/{CLIENT_ID}"
    assert v11.find(f"{VO11}Requirements/{BT}Sets").get("DefaultMinVersion") == "1.3"


@pytest.mark.parametrize("render", [render_outlook_xml, lambda *a: json.dumps(render_outlook_json(*a))])
def test_no_placeholder_is_left_after_rendering(render):
    text = render(BASE, CLIENT_ID, ADDIN_ID)

    assert not [p for p in ("PUBLIC_BASE_URL", "PUBLIC_HOST", "CLIENT_ID", "ADDIN_ID") if p in text]


def test_the_templates_carry_every_placeholder():
    for name in ("manifest.xml", "manifest.json"):
        text = (TEMPLATE_DIR / name).read_text()
        assert all(p in text for p in PLACEHOLDERS), name


def test_the_unified_manifest_has_the_required_top_level_shape(unified):
    assert re.fullmatch(r"1\.\d+", unified["manifestVersion"])
    assert unified["$schema"].endswith(f"v{unified['manifestVersion']}/MicrosoftTeams.schema.json#")
    assert unified["id"] == ADDIN_ID
    assert unified["validDomains"] == ["https://introducer.example.com"]
    assert unified["webApplicationInfo"] == {"id": CLIENT_ID, "resource": f"api://introducer.example.com/{CLIENT_ID}"}
    assert unified["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "MailboxItem.ReadWrite.User", "type": "Delegated"}]


def test_the_unified_manifest_opens_the_task_pane_from_read_and_compose(unified):
    extension = unified["extensions"][0]
    assert extension["requirements"]["scopes"] == ["mail"]
    runtime = extension["runtimes"][0]
    assert (runtime["type"], runtime["lifetime"]) == ("general", "short")
    assert runtime["code"]["page"] == f"{BASE}/addin/outlook/taskpane.html"
    action_ids = {a["id"] for a in runtime["actions"] if a["type"] == "openPage"}
    ribbon = extension["ribbons"][0]
    assert set(ribbon["contexts"]) == {"mailRead", "mailCompose"}
    controls = [c for tab in ribbon["tabs"] for g in tab["groups"] for c in g["controls"]]
    assert controls and all(c["actionId"] in action_ids for c in controls)
    assert all(icon["url"].startswith(f"{BASE}/static/icons/") for c in controls for icon in c["icons"])


def test_a_base_url_with_a_path_and_port_keeps_both():
    root = ET.fromstring(render_outlook_xml("https://mail.example.org:8443/intro/", CLIENT_ID, ADDIN_ID))
    pane = root.find(f"{APP}FormSettings/{APP}Form/{APP}DesktopSettings/{APP}SourceLocation").get("DefaultValue")

    assert pane == "https://mail.example.org:8443/intro/addin/outlook/taskpane.html"
    assert render_outlook_json("https://mail.example.org:8443/intro", CLIENT_ID, ADDIN_ID)["validDomains"] == [
        "https://mail.example.org:8443"]


def test_guids_are_written_in_canonical_lower_case():
    rendered = render_outlook_json(BASE, CLIENT_ID.upper(), "{" + ADDIN_ID.upper() + "}")

    assert (rendered["id"], rendered["webApplicationInfo"]["id"]) == (ADDIN_ID, CLIENT_ID)


@pytest.mark.parametrize("base_url", ["http://introducer.example.com", "introducer.example.com", "https://",
                                      "https://introducer.example.com/?x=1", "https://user:pw@introducer.example.com",
                                      'https://introducer.example.com/"onload'])
def test_a_base_url_outlook_cannot_load_is_refused(base_url):
    with pytest.raises(ValueError):
        render_outlook_xml(base_url, CLIENT_ID, ADDIN_ID)


@pytest.mark.parametrize("client_id, addin_id", [("my-app", ADDIN_ID), (CLIENT_ID, ""), (CLIENT_ID, "1234")])
def test_ids_that_are_not_guids_are_refused(client_id, addin_id):
    with pytest.raises(ValueError):
        render_outlook_json(BASE, client_id, addin_id)
