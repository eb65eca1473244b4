"""The add-on's cards and Gmail push bodies as data: only widgets Google documents, absolute action URLs,
escaped text; push envelopes decoded the way Pub/Sub sends them."""
from __future__ import annotations

import base64
import json

import pytest

from introducer.domain.model import Policy
from introducer.mail.gmail.push import MalformedPush, decode_push
from introducer.web.gmail_cards import compose, home, insights, intros
from introducer.web.gmail_cards.introduce import introduce
from introducer.web.gmail_form import prefill

ACTION = "https://introducer.example.com/addon/gmail/action"
KNOWN_WIDGETS = {"textParagraph", "decoratedText", "textInput", "selectionInput", "buttonList", "divider"}
VIEW = {"id": 7, "state": "awaiting_consent", "needs_review": False, "context": "clinics <go-to-market>",
        "requester": {"name": "Ann Lee", "email": "ann@acme.example"},
        "target": {"name": "Bob <Stone>", "email": "bob@stonevc.example"},
        "consents": {"target": "pending", "requester": "not_required"}, "next_step": "Waiting for Bob.",
        "messages": [{"step": "permission_request", "status": "drafted", "draft_id": "r1", "thread_id": "t1",
                      "to": ["bob@stonevc.example"]}],
        "timeline": [{"at": "2026-03-02T09:00:00+00:00", "message": "Intro started."}]}


INSIGHTS = {
    "total": 3, "introduced": 2, "timezone": "America/New_York",
    "per_month": [{"month": "2026-10", "intros": 2}, {"month": "2026-11", "intros": 0}, {"month": "2026-12", "intros": 1}],
    "consent": {"asked": 3, "yes": 2, "no": 1, "no_answer": 0, "pending": 0, "rate": 0.667,
                "median_hours_ask_to_yes": 0.5},
    "median_hours_intro_to_handoff": 72.0,
    "declined_or_stalled": [{"intro_id": 3, "outcome": "declined", "who": ["Bob <Stone>"], "requester": "Ann Lee",
                             "target": "Bob <Stone>", "context": "clinics", "since": "2026-12-01T15:00:00+00:00",
                             "idle_days": 6}],
    "most_connected": [{"name": "Ann Lee", "email": "ann@acme.example", "intros": 2}],
}


def test_the_insights_card_says_each_number_in_words():
    shown = json.dumps(insights.insights(ACTION, INSIGHTS), ensure_ascii=False)
    for text in ("67%", "2 of 3 answered yes", "30 min", "3 days", "Ann Lee: 2 intros", "Bob &lt;Stone&gt; declined",
                 "Oct", "Dec", "01 Dec 2026", "3 intros, 2 introduced"):
        assert text in shown, text
    assert "Nov" not in shown  # an empty month is not listed


def every_card():
    account = {"email": "dana@parkcap.example", "settings": Policy().to_dict()}
    yield home.home(ACTION, account, "not_connected", [], "https://introducer.example.com/connect/google/start?t=1")
    yield home.home(ACTION, account, "active", [VIEW], "https://x.example/c")
    yield intros.intro(ACTION, VIEW, "America/New_York")
    yield intros.started(ACTION, VIEW, "UTC")
    yield introduce(ACTION, prefill(None, type("P", (), {"name": "Dana", "email": "d@x.example"})(), True),
                    [{"severity": "error", "message": "Say <why>."}])
    yield compose.choose(ACTION, [VIEW])
    yield compose.nothing_ready()
    yield insights.insights(ACTION, INSIGHTS)
    yield insights.insights(ACTION, {**INSIGHTS, "total": 0})


@pytest.mark.parametrize("card", list(every_card()), ids=lambda c: c.get("name", "card"))
def test_every_card_uses_documented_widgets_and_absolute_action_urls(card):
    assert card["header"]["title"] and 0 < len(card["sections"]) <= 100
    for section in card["sections"]:
        assert 0 < len(section["widgets"]) <= 100
        for widget in section["widgets"]:
            (kind,) = widget.keys()
            assert kind in KNOWN_WIDGETS
    for action in _actions(card):
        assert action["function"] == ACTION and all(set(p) == {"key", "value"} for p in action["parameters"])


def test_text_from_people_is_escaped_where_cards_read_html():
    # textParagraph and decoratedText render Google's HTML subset; header titles and button texts are plain.
    card = intros.intro(ACTION, VIEW, "UTC")
    rich = json.dumps([w for s in card["sections"] for w in s["widgets"]
                       if "textParagraph" in w or "decoratedText" in w])
    assert "&lt;Stone&gt;" in rich and "<Stone>" not in rich


def _actions(node):
    if isinstance(node, dict):
        if "function" in node and "parameters" in node:
            yield node
        for value in node.values():
            yield from _actions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _actions(value)


def envelope(data: dict | bytes, pad: bool = True) -> dict:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    text = base64.urlsafe_b64encode(raw).decode()
    return {"message": {"data": text if pad else text.rstrip("="), "messageId": "1"}, "subscription": "s"}


@pytest.mark.parametrize("pad", [True, False])
def test_a_push_is_decoded_with_or_without_base64_padding(pad):
    notice = decode_push(envelope({"emailAddress": "Dana@ParkCap.example", "historyId": 9876543210}, pad))
    assert (notice.email, notice.history_id) == ("dana@parkcap.example", "9876543210")


@pytest.mark.parametrize("body", [None, [], {"message": "x"}, envelope(b"\xff"), envelope(b"[1]"),
                                  envelope({"emailAddress": "nobody", "historyId": "1"}),
                                  envelope({"emailAddress": "a@b.example", "historyId": True})])
def test_what_is_not_a_gmail_push_is_refused(body):
    with pytest.raises(MalformedPush):
        decode_push(body)
