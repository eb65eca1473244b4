"""The Outlook add-in manifests, rendered for the URL where the service is public.

`addin-manifest/outlook/manifest.xml` (add-in-only, needed for Outlook on Mac and mobile) and
`manifest.json` (unified manifest, Microsoft's recommendation elsewhere) are templates with the
placeholders https://PUBLIC_BASE_URL, PUBLIC_HOST, CLIENT_ID (Entra app id) and ADDIN_ID (a GUID
of your own, stable across versions). Render a copy to sideload or publish:
    python -m introducer.manifests.outlook https://introducer.example.com <client id> <add-in id> [--json]
Shapes: learn.microsoft.com/office/dev/add-ins/develop/xml-manifest-overview and
.../develop/unified-manifest-overview; the unified manifest's `icons` are files in the app package.
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

# The templates ship with the repository next to the Gmail descriptor (server/ -> repo root)
TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "addin-manifest" / "outlook"
PLACEHOLDERS = ("https://PUBLIC_BASE_URL", "PUBLIC_HOST", "CLIENT_ID", "ADDIN_ID")


def render_outlook_xml(base_url: str, client_id: str, addin_id: str, *, template_dir: Path = TEMPLATE_DIR) -> str:
    """The add-in-only XML manifest for this deployment."""
    values = _values(base_url, client_id, addin_id)
    text = (template_dir / "manifest.xml").read_text(encoding="utf-8")
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, escape(values[placeholder], {'"': "&quot;"}))
    return text


def render_outlook_json(base_url: str, client_id: str, addin_id: str, *, template_dir: Path = TEMPLATE_DIR) -> dict:
    """The unified (JSON) manifest for this deployment."""
    values = _values(base_url, client_id, addin_id)
    template = json.loads((template_dir / "manifest.json").read_text(encoding="utf-8"))
    return _substitute(template, values)


def _substitute(node: Any, values: dict[str, str]) -> Any:
    # Substituting inside parsed strings (not the JSON text) keeps any value from breaking the syntax
    if isinstance(node, dict):
        return {key: _substitute(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_substitute(item, values) for item in node]
    if isinstance(node, str):
        for placeholder in PLACEHOLDERS:
            node = node.replace(placeholder, values[placeholder])
    return node


def _values(base_url: str, client_id: str, addin_id: str) -> dict[str, str]:
    base, host = _validated_base(base_url)
    return {"https://PUBLIC_BASE_URL": base, "PUBLIC_HOST": host,
            "CLIENT_ID": _guid(client_id, "client id"), "ADDIN_ID": _guid(addin_id, "add-in id")}


def _validated_base(base_url: str) -> tuple[str, str]:
    """(base URL without trailing slash, host[:port]). Outlook loads add-in pages over https only."""
    text = (base_url or "").strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not a URL: {base_url!r}") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError("the public base URL must be an https URL with a host name")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("the public base URL must not carry a query or fragment")
    if parts.username is not None or parts.password is not None:
        raise ValueError("the public base URL must not carry credentials")
    path = parts.path.rstrip("/")
    if any(char.isspace() or char in "<>\"'&" for char in text):
        raise ValueError("the public base URL contains characters a manifest cannot carry")
    host = parts.hostname + (f":{port}" if port else "")
    return f"https://{host}{path}", host


def _guid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))  # canonical lower-case form
    except ValueError:
        raise ValueError(f"the {what} must be a GUID, got {value!r}") from None


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--json"]
    if len(args) != 3:
        sys.exit("usage: python -m introducer.manifests.outlook https://PUBLIC_BASE_URL CLIENT_ID ADDIN_ID [--json]")
    if "--json" in sys.argv:
        sys.stdout.write(json.dumps(render_outlook_json(*args), indent=2) + "\n")
    else:
        sys.stdout.write(render_outlook_xml(*args))
