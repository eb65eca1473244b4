"""The preview: every message of an intro as it would be created, and clear errors for a bad spec."""
from __future__ import annotations

import copy
from datetime import datetime, timezone
from email import message_from_string
from email import policy as email_policy

import pytest

from introducer.mail.mime import message_id_for
from introducer.preview import preview
from introducer.spec import (EXAMPLE_SPEC, SpecError, parse_policy, parse_spec, spec_from_stored,
                             spec_to_stored)

NOW = datetime(2025, 3, 4, 15, 30, tzinfo=timezone.utc)
MSG_KEYS = {"step", "role", "to", "cc", "bcc", "reply_to", "subject", "text", "html", "raw"}


def example(**changes):
    data = copy.deepcopy(EXAMPLE_SPEC)
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = data
        for key in path:
            node = node.setdefault(key, {})
        node[last] = value
    return data


@pytest.fixture(scope="module")
def result():
    return preview(example(), now=NOW)


def parsed(msg):
    return message_from_string(msg["raw"], policy=email_policy.default)


def addresses(header):
    return [a.addr_spec for a in header.addresses] if header is not None else []


def test_the_example_previews_every_message_with_a_clean_lint(result):
    assert set(result) >= {"permission_requests", "intro", "handoff", "nudges", "lint"}
    # clean but for the one thing it must always say: Ann's consent rests on the introducer's word
    assert [(f["code"], f["severity"]) for f in result["lint"]] == [("consent_on_your_word", "warning")]
    messages = [*result["permission_requests"], result["intro"], result["handoff"],
                *result["nudges"], *result["notes"]]
    for msg in messages:
        assert set(msg) == MSG_KEYS
    assert [m["role"] for m in result["permission_requests"]] == ["target"]  # Ann asked herself
    assert [(m["step"], m["role"]) for m in result["nudges"]] == [
        ("consent_bump", "target"), ("requester_reminder", "requester"), ("close_loop", "requester")]
    assert [(m["step"], m["to"]) for m in result["notes"]] == [
        ("decline_note", ["ann@acme.io"]), ("expiry_note", ["ann@acme.io"])]


def test_the_raw_intro_parses_back_with_both_parties_in_to_and_its_keys(result):
    em = parsed(result["intro"])
    assert addresses(em["To"]) == ["ann@acme.io", "bob@stonevc.com"]
    assert em["Cc"] is None and em["Bcc"] is None
    assert addresses(em["From"]) == ["dana@parkcap.com"]
    assert em["Message-ID"] == message_id_for("preview:intro:all", "parkcap.com")
    assert em["X-Introducer-Key"] == "preview:intro:all"
    assert str(em["Subject"]) == "Intro: Ann Lee meets Bob Stone \u2013 healthcare go-to-market"
    assert em["Date"].datetime == NOW
    assert "I'll let Ann take it from here" in em.get_body(("plain",)).get_content()
    assert "<p>" in em.get_body(("html",)).get_content()


def test_the_handoff_replies_in_the_intro_thread_and_steps_the_introducer_out(result):
    intro_id = parsed(result["intro"])["Message-ID"]
    em = parsed(result["handoff"])
    assert em["In-Reply-To"] == intro_id
    assert intro_id in em["References"]
    assert addresses(em["To"]) == ["ann@acme.io", "bob@stonevc.com"]
    assert addresses(em["Bcc"]) == ["dana@parkcap.com"]
    assert addresses(em["Reply-To"]) == ["ann@acme.io", "bob@stonevc.com"]
    assert result["handoff"]["bcc"] == ["dana@parkcap.com"]
    assert str(em["Subject"]).startswith("Re: Intro: Ann Lee meets Bob Stone")


def test_the_bcc_one_handoff_addresses_the_requester_and_moves_the_target_to_bcc():
    result = preview(example(policy__handoff_mode="bcc_one"), now=NOW)
    em = parsed(result["handoff"])
    assert addresses(em["To"]) == ["ann@acme.io"]
    assert addresses(em["Bcc"]) == ["dana@parkcap.com", "bob@stonevc.com"]
    assert "Ann, over to you" in result["handoff"]["text"]


def test_nudges_reply_in_the_thread_they_follow_up(result):
    request_id = parsed(result["permission_requests"][0])["Message-ID"]
    intro_id = parsed(result["intro"])["Message-ID"]
    bump, reminder, close = (parsed(m) for m in result["nudges"])
    assert bump["In-Reply-To"] == request_id and addresses(bump["To"]) == ["bob@stonevc.com"]
    assert reminder["In-Reply-To"] == intro_id and addresses(reminder["To"]) == ["ann@acme.io"]
    assert close["In-Reply-To"] is None


def test_a_requester_who_did_not_ask_is_asked_too_and_can_be_bumped():
    result = preview(example(requester__asked=False), now=NOW)
    assert [(m["role"], m["to"]) for m in result["permission_requests"]] == [
        ("requester", ["ann@acme.io"]), ("target", ["bob@stonevc.com"])]
    assert [m["role"] for m in result["nudges"] if m["step"] == "consent_bump"] == [
        "requester", "target"]


def test_nobody_to_ask_means_no_permission_requests_bumps_or_notes():
    result = preview(example(target__consent_given=True), now=NOW)
    assert result["permission_requests"] == [] and result["notes"] == []
    assert [m["step"] for m in result["nudges"]] == ["requester_reminder", "close_loop"]


def test_no_close_loop_check_in_when_the_policy_has_none():
    result = preview(example(policy__close_loop_after_days=None), now=NOW)
    assert "close_loop" not in [m["step"] for m in result["nudges"]]


def test_one_click_links_are_shown_when_the_policy_turns_them_on():
    result = preview(example(policy__consent_links=True), now=NOW)
    assert "introduce us" in result["permission_requests"][0]["html"]
    assert "answer=no" in result["permission_requests"][0]["text"]


def test_lint_findings_come_back_as_dicts_the_ui_can_show():
    result = preview(example(shared_connection=""), now=NOW)
    assert [(f["code"], f["severity"]) for f in result["lint"]] == [
        ("missing_shared_connection", "warning"), ("consent_on_your_word", "warning")]
    assert result["lint"][0]["message"].startswith("Say how you know")


@pytest.mark.parametrize("changes, message", [
    ({"requester__email": "ann@"}, "requester.email: 'ann@' is not a valid email address"),
    ({"target__name": ""}, "target.name: is required"),
    ({"introducer__email": None}, "introducer.email: is required"),
    ({"requester__asked": "yes"}, "requester.asked: must be true or false"),
    ({"target__email": "ANN@acme.io"}, "target.email: ANN@acme.io is also the requester's address"),
    ({"requester__email": "dana@parkcap.com"}, "requester.email: dana@parkcap.com is your own address"),
    ({"introducer__timezone": "Mars/Olympus"}, "introducer.timezone: 'Mars/Olympus' is not a known"),
    ({"contxt": "typo"}, "contxt: unknown field"),
    ({"target__linkedin": "x"}, "target.linkedin: unknown field"),
    ({"context": "two\nlines"}, "context: must be a single line"),
    ({"benefit_to_target": 3}, "benefit_to_target: must be text"),
    ({"policy__handoff_mode": "vanish"}, "policy.handoff_mode: must be one of: step_out, bcc_one"),
    ({"policy__colour": "red"}, "policy: unknown setting(s): colour"),
])
def test_an_invalid_spec_says_exactly_what_is_wrong_and_where(changes, message):
    with pytest.raises(SpecError) as caught:
        preview(example(**changes), now=NOW)
    assert str(caught.value).startswith(message)


def test_a_missing_party_and_a_non_object_spec_are_named():
    data = example()
    del data["target"]
    with pytest.raises(SpecError, match="^target: is required$"):
        parse_spec(data)
    with pytest.raises(SpecError, match="^intro: must be an object"):
        parse_spec(["not", "a", "spec"])


@pytest.mark.parametrize("field", ["requester__name", "target__name", "introducer__name"])
def test_a_name_that_smuggles_in_a_header_is_rejected(field):
    with pytest.raises(SpecError) as caught:
        preview(example(**{field: "Ann Lee\r\nBcc: evil@x.com"}), now=NOW)
    assert str(caught.value) == f"{field.replace('__', '.')}: contains a line break or control character"


def test_parse_policy_passes_good_settings_through_and_defaults_when_absent():
    assert parse_policy(None).handoff_mode.value == "step_out"
    assert parse_policy({"handoff_mode": "bcc_one"}).handoff_mode.value == "bcc_one"


def test_spec_text_is_trimmed_and_the_parties_addresses_normalised():
    spec = parse_spec(example(context="  healthcare   go-to-market ", target__email="bob@StoneVC.com"))
    assert spec.context == "healthcare go-to-market"
    assert spec.target.person.email == "bob@stonevc.com"
    assert spec.timezone == "America/New_York" and spec.requester.asked is True


@pytest.mark.parametrize("changes", [{}, {"requester__asked": False, "target__consent_given": True,
                                          "source_thread_id": "t-1", "extra": {"origin": "gmail"}}])
def test_a_stored_spec_reads_back_as_the_same_spec(changes):
    spec = parse_spec(example(**changes))
    assert spec_from_stored(spec_to_stored(spec)) == spec
    assert parse_spec(spec_to_stored(spec)) == spec  # the stored form is the submitted format
