"""The `introducer` command as a user runs it: a real subprocess, real stdin/stdout and exit codes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-spec.json"


def run(*args: str, stdin: str = "", env: dict | None = None, data_dir: Path | None = None):
    environment = {**os.environ, **(env or {})}
    if data_dir is not None:
        environment["INTRODUCER_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "introducer.cli", *args], input=stdin, capture_output=True,
                          text=True, env=environment, timeout=120)


@pytest.mark.parametrize("text, verdict", [
    ("Sure, happy to help. Send it over!", "yes"),
    ("I'd love to, but I can't right now.", "no"),
    ("What is the company about?", "unclear"),
])
def test_classify_reply_prints_one_word(text, verdict):
    result = run("classify-reply", stdin=text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == verdict


def test_classify_reply_jsonl_answers_each_line_and_reports_bad_lines():
    lines = "\n".join([
        json.dumps({"id": "a", "text": "No thanks, not right now."}),
        json.dumps({"id": "b", "text": "I am out of the office until Monday.", "headers": {"Auto-Submitted": "auto-replied"}}),
        "not json",
        json.dumps({"id": "c", "text": "Yes please!"}),
    ])
    result = run("classify-reply", "--jsonl", stdin=lines)
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "a", "verdict": "no"}, {"id": "b", "verdict": "auto_reply"}, {"id": "c", "verdict": "yes"}]
    assert result.returncode == 1 and "line 3" in result.stderr


def test_preview_of_the_example_spec_passes_the_lint():
    result = run("preview", str(EXAMPLE), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert [f["code"] for f in out["lint"]] == ["consent_on_your_word"]  # Ann asked: on the user's word
    assert out["intro"]["subject"] == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"
    assert sorted(out["intro"]["to"]) == ["ann@acme.io", "bob@stonevc.com"]
    assert "X-Introducer-Key" in out["intro"]["raw"]


@pytest.mark.parametrize("spec, message", [
    ({"introducer": {"name": "D", "email": "d@x.com"}}, "requester"),
    ({**json.loads(EXAMPLE.read_text()), "requester": {"name": "Ann", "email": "ann@"}}, "requester.email"),
    ({**json.loads(EXAMPLE.read_text()),
      "target": {"name": "Bob\r\nBcc: evil@x.com", "email": "bob@stonevc.com"}}, "target"),
])
def test_an_invalid_spec_exits_non_zero_and_says_what_is_wrong(spec, message):
    result = run("preview", "-", stdin=json.dumps(spec))
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_preview_of_a_missing_file_or_bad_json_is_a_clear_error(tmp_path):
    assert "cannot read" in run("preview", str(tmp_path / "nope.json")).stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = run("preview", str(bad))
    assert result.returncode == 2 and "not valid JSON" in result.stderr


def test_config_prints_every_setting_and_masks_secrets(tmp_path):
    result = run("config", "--json", env={"INTRODUCER_SECRET_KEY": "hunter2-very-secret",
                                          "DATABASE_URL": "postgresql+psycopg://u:pw123@db/x"}, data_dir=tmp_path)
    out = json.loads(result.stdout)
    assert out["INTRODUCER_SECRET_KEY"] == "********"
    assert "pw123" not in result.stdout and "hunter2" not in result.stdout
    assert out["INTRODUCER_DATA_DIR"] == str(tmp_path)


def test_db_upgrade_then_intros_list_on_an_empty_data_folder(tmp_path):
    assert run("db", "upgrade", data_dir=tmp_path).returncode == 0
    assert (tmp_path / "introducer.db").exists()
    result = run("intros", "list", data_dir=tmp_path)
    assert result.returncode != 0 and "accounts: none" in result.stderr


def test_intros_list_and_show_read_what_the_demo_recorded(tmp_path):
    from introducer.config import Settings
    from introducer.demo import prepare
    from introducer.service import intros
    from workflow_fixtures import spec_data
    from introducer.spec import parse_spec

    container, seeded = prepare(Settings(data_dir=tmp_path))
    intro_id = intros.start_intro(container.deps, seeded["account_id"], parse_spec(spec_data(seeded["introducer"])))
    container.close()
    listed = run("intros", "list", "--json", data_dir=tmp_path)
    assert [i["id"] for i in json.loads(listed.stdout)] == [intro_id]
    shown = run("intros", "show", str(intro_id), data_dir=tmp_path)
    assert "awaiting_consent" in shown.stdout and "Permission request to Bob Stone" in shown.stdout
    # times as a person reads them, in Dana's zone: "Mon 07 Dec 2026 09:05 EST", no ISO microseconds
    timeline = [line for line in shown.stdout.splitlines() if line.startswith("  ")]
    assert timeline and all(re.match(r"  \w{3} \d{2} \w{3} \d{4} \d{2}:\d{2} E[SD]T  ", line) for line in timeline), timeline
    assert run("intros", "show", "999", data_dir=tmp_path).returncode == 1


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:pw123@db:notaport/x", "postgresql://u:pw123@db/x?password=pw123",
                                 "not a url at all pw123", "postgresql+psycopg://u:pw123@[db/x"])
def test_config_never_prints_the_database_password_even_when_the_url_does_not_parse(tmp_path, url):
    result = run("config", env={"DATABASE_URL": url, "INTRODUCER_PUBLIC_URL": "https://op:pw123@intro.example"},
                 data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "pw123" not in result.stdout + result.stderr
    assert "DATABASE_URL" in result.stdout and "https://op:***@intro.example" in result.stdout


def test_after_the_gmail_demo_intros_pick_the_account_by_id_or_provider_and_list_both_when_ambiguous(
        tmp_path, monkeypatch):
    from introducer.config import Settings
    from introducer.demo import prepare
    from introducer.mail.gmail.accounts import forget_mailboxes

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    container, seeded = prepare(Settings(data_dir=tmp_path), "gmail")
    container.faces["gmail"].stop()
    container.close()
    forget_mailboxes()
    gmail_id = seeded["account_id"]
    for choice in (None, "dana@parkcap.example", "DANA@parkcap.example"):
        result = run("intros", "list", *(["--account", choice] if choice else []), data_dir=tmp_path)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines()[1:] if "dana@parkcap.example" in line]
        assert len(lines) == 2, result.stderr
        assert any(" sandbox " in line for line in lines) and any(f"{gmail_id}  gmail " in line for line in lines)
    for choice in (str(gmail_id), "gmail:dana@parkcap.example"):
        listed = run("intros", "list", "--account", choice, data_dir=tmp_path)
        assert listed.returncode == 0 and listed.stdout.strip() == "no intros yet", listed.stderr
    assert run("intros", "show", "1", "--account", "sandbox:dana@parkcap.example", data_dir=tmp_path).returncode == 1
    unknown = run("intros", "list", "--account", "nobody@x.example", data_dir=tmp_path)
    assert unknown.returncode != 0 and "no account matches" in unknown.stderr and " gmail " in unknown.stderr
