#!/usr/bin/env python3
"""Render every add-in manifest for one public URL into a folder (what scripts/render-manifests runs).

    OUT/gmail/deployment.json          gcloud workspace-add-ons deployments create … --deployment-file=…
    OUT/outlook/manifest.xml           add-in-only manifest: sideload it, or upload it in the admin center
    OUT/outlook/manifest.json          unified manifest, and OUT/outlook/introducer-outlook.zip, the app
                                       package (manifest.json + assets/icon-64.png, icon-128.png) to upload

The add-in id must stay the same across versions of one add-in: by default it is derived from the
public URL (a name-based UUID), so rendering again for the same URL gives the same id.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from introducer.manifests.gmail import render_gmail, to_json  # noqa: E402
from introducer.manifests.outlook import render_outlook_json, render_outlook_xml  # noqa: E402

ICONS = ROOT / "server" / "introducer" / "web" / "static" / "icons"


def render(base_url: str, out: Path, client_id: str, addin_id: str | None = None) -> list[Path]:
    addin_id = addin_id or str(uuid.uuid5(uuid.NAMESPACE_URL, base_url.rstrip("/") + "/addin/outlook"))
    gmail, outlook = out / "gmail", out / "outlook"
    gmail.mkdir(parents=True, exist_ok=True)
    (outlook / "assets").mkdir(parents=True, exist_ok=True)
    written = [gmail / "deployment.json", outlook / "manifest.xml", outlook / "manifest.json"]
    written[0].write_text(to_json(render_gmail(base_url)), encoding="utf-8")
    written[1].write_text(render_outlook_xml(base_url, client_id, addin_id), encoding="utf-8")
    unified = render_outlook_json(base_url, client_id, addin_id)
    written[2].write_text(json.dumps(unified, indent=2) + "\n", encoding="utf-8")
    package = outlook / "introducer-outlook.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(written[2], "manifest.json")
        for name in {unified["icons"]["outline"], unified["icons"]["color"]}:  # assets/icon-64.png …
            shutil.copyfile(ICONS / Path(name).name, outlook / name)
            zf.write(outlook / name, name)
    return [*written, package]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("public_url", help="https URL where Introducer is reachable, e.g. https://introducer.example.com")
    parser.add_argument("out", type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--client-id", default=os.environ.get("INTRODUCER_MS_CLIENT_ID"),
                        help="Entra application (client) id (default: INTRODUCER_MS_CLIENT_ID)")
    parser.add_argument("--addin-id", help="the Outlook add-in's own GUID (default: derived from the public URL)")
    args = parser.parse_args(argv)
    if not args.client_id:
        parser.error("--client-id (or INTRODUCER_MS_CLIENT_ID) is required for the Outlook manifests")
    try:
        for path in render(args.public_url, args.out, args.client_id, args.addin_id):
            print(path)
    except ValueError as exc:
        parser.error(str(exc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
