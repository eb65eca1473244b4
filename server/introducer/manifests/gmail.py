"""The Gmail add-on's HTTP deployment descriptor, rendered for the URL where the service is public.

`addin-manifest/gmail/deployment.json` is `gmail_template()` written out; deploy a rendered copy:
    python -m introducer.manifests.gmail https://introducer.example.com > deployment.json
    gcloud workspace-add-ons deployments create introducer --deployment-file=deployment.json
Shape: googleapis gsuiteaddons.proto `Deployment`. Why each scope: addin-manifest/gmail/SCOPES.md.
"""
from __future__ import annotations

import json
import re
import sys
from urllib.parse import urlsplit

PLACEHOLDER = "https://PUBLIC_BASE_URL"
ADDON_SCOPES = (
    "https://www.googleapis.com/auth/gmail.addons.execute",
    "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
    "https://www.googleapis.com/auth/gmail.addons.current.action.compose",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/script.locale",
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PUBLIC_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})+")


def gmail_template() -> dict:
    """The descriptor with the PUBLIC_BASE_URL placeholder, as checked in."""
    return _descriptor(PLACEHOLDER)


def render_gmail(base_url: str) -> dict:
    """The descriptor for a real public base URL (https, no query); a trailing slash is dropped."""
    return _descriptor(_validated(base_url))


def to_json(descriptor: dict) -> str:
    return json.dumps(descriptor, indent=2) + "\n"


def _descriptor(base: str) -> dict:
    return {
        "oauthScopes": list(ADDON_SCOPES),
        "addOns": {
            "common": {
                "name": "Introducer",
                "logoUrl": f"{base}/static/logo.png",
                # Lets the add-on read the user's time zone (with script.locale) for nudges.
                "useLocaleFromApp": True,
                "homepageTrigger": {"runFunction": f"{base}/addon/gmail/home", "enabled": True},
                # The trailing slash keeps look-alike hosts (base.example.com.evil) out.
                "openLinkUrlPrefixes": [f"{base}/"],
            },
            "gmail": {
                "contextualTriggers": [
                    {"unconditional": {}, "onTriggerFunction": f"{base}/addon/gmail/on-open"}
                ],
                "composeTrigger": {
                    # HTTP deployments spell it actions[].label (Apps Script: selectActions[].text).
                    "actions": [{"runFunction": f"{base}/addon/gmail/compose", "label": "Introduce"}],
                    # METADATA hands us the draft's To/Cc, i.e. the people to introduce.
                    "draftAccess": "METADATA",
                },
            },
            "httpOptions": {"authorizationHeader": "SYSTEM_ID_TOKEN"},
        },
    }


def _validated(base_url: str) -> str:
    text = (base_url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a URL: {base_url!r}") from exc
    if parts.scheme != "https":
        raise ValueError("the public base URL must use https (Google calls it from the internet)")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("the public base URL must not carry a query or fragment")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the public base URL must not carry credentials")
    host = parts.hostname or ""
    if not _PUBLIC_HOST.fullmatch(host):
        raise ValueError(f"not a public host name: {host!r}")
    path = parts.path.rstrip("/")
    if "//" in path or any(char.isspace() for char in path):
        raise ValueError(f"malformed path in the public base URL: {parts.path!r}")
    return f"https://{host}{f':{port}' if port else ''}{path}"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m introducer.manifests.gmail https://PUBLIC_BASE_URL")
    sys.stdout.write(to_json(render_gmail(sys.argv[1])))
