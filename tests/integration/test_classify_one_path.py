"""`introducer classify-reply --jsonl` and the service decide the same on every reply of the test set.

Each labelled reply is turned into a real RFC 5322 message (its From, Subject, automatic-reply headers,
a text/plain or text/html body), delivered into a sandbox mailbox and read back through the Mailbox
port, exactly as ingestion reads it, then classified by `classify_message` (what `service/ingest.py`
calls). The same rows go, as JSON lines, through the command in a real subprocess.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from introducer.classifier import classify_message
from introducer.mail.sandbox import SandboxMailbox
from sandbox_fixtures import T0, clock, world  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_classify_corpus import rows  # noqa: E402

DANA = "dana@parkcap.example"


def _raw(row: dict) -> bytes:
    """The reply as a mail server would hand it over."""
    em = EmailMessage()
    em["From"] = row.get("sender") or "Party <party@elsewhere.example>"
    em["To"] = DANA
    em["Subject"] = row.get("subject") or "Re: Quick intro question"
    received = datetime.fromisoformat(row["received_at"]) if row.get("received_at") else T0
    em["Date"] = format_datetime(received.astimezone(timezone.utc))
    for name, value in (row.get("headers") or {}).items():
        if name.lower() != "content-type":
            em[name] = value
    if row.get("html"):
        em.set_content(row["html"], subtype="html")
    else:
        em.set_content(row["text"] or "\n")
    content_type = (row.get("headers") or {}).get("content-type", "")
    if content_type.startswith("multipart/report"):  # a delivery report: the notice is its first part
        em.make_mixed()
        em.set_type("multipart/report")
        em.set_param("report-type", "delivery-status")
    return em.as_bytes()


def test_the_command_and_the_service_agree_on_every_reply_of_the_set(world):  # noqa: F811
    data = rows()
    mailbox = SandboxMailbox(world, DANA)
    service = {}
    for row in data:
        stored = world.receive(DANA, _raw(row))
        message = next(m for m in mailbox.read_thread(stored.thread_id) if m.provider_id == stored.id)
        got = classify_message(message)
        service[row["id"]] = (got.verdict.value, got.bounce)

    lines = "\n".join(json.dumps(row, ensure_ascii=False) for row in data)
    result = subprocess.run([sys.executable, "-m", "introducer.cli", "classify-reply", "--jsonl"], input=lines,
                            capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert result.returncode == 0, result.stderr
    command = {item["id"]: item["verdict"] for item in map(json.loads, result.stdout.splitlines())}

    assert len(command) == len(service) == len(data)
    disagree = [f"  {i}: command {command[i]}, service {service[i][0]}" for i in service if command[i] != service[i][0]]
    assert not disagree, "the command and the service disagree:\n" + "\n".join(disagree)
