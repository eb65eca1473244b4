"""Input no client should send still gets a clear 4xx (never a 500): digits that are not ASCII, clientStates
that are not ours, JSON nested or sized past the limits, and text that is not Unicode."""
from __future__ import annotations

import json

import pytest

from introducer.domain.numbers import whole_number
from web_helpers import spec

DEEP = b"[" * 100_000 + b"]" * 100_000
BIG = b'{"context": ' + b"9" * 5000 + b"}"


@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=%C2%B2", "limit=%D9%A3", "limit=+5", "limit=5_0"])
def test_a_limit_in_digits_that_are_not_ascii_is_a_400(client, dana, query):
    answer = client.get(f"/api/v1/intros?{query}", headers=dana)
    assert answer.status_code == 400
    assert "whole number" in answer.get_json()["error"]["message"]


def test_a_plain_limit_still_works(client, dana):
    assert client.get("/api/v1/intros?limit=5&offset=0", headers=dana).status_code == 200


@pytest.mark.parametrize("path", ["/webhooks/graph", "/webhooks/graph/lifecycle"])
@pytest.mark.parametrize("state", ["².x", "1.é", "12345678901234567890.x"])
def test_a_client_state_we_could_not_have_issued_is_ignored_rather_than_a_server_error(client, container, path, state):
    body = {"value": [{"subscriptionId": "s", "changeType": "created", "clientState": state,
                       "lifecycleEvent": "missed"}]}
    answer = client.post(path, json=body)
    assert answer.status_code == 202  # Graph's contract: a notification that is not ours is dropped quietly
    with container.uow() as uow:
        assert uow.sync.pending_count() == 0


@pytest.mark.parametrize("path", ["/webhooks/graph", "/webhooks/graph/lifecycle"])
def test_a_lone_surrogate_escape_in_a_graph_notification_is_a_400(client, path):
    raw = b'{"value": [{"clientState": "\\ud800.x", "subscriptionId": "s"}]}'
    assert client.post(path, data=raw, content_type="application/json").status_code == 400


@pytest.mark.parametrize("path", ["/webhooks/graph", "/webhooks/graph/lifecycle"])
def test_json_nested_past_the_limit_is_a_400_even_where_the_body_is_read_silently(client, path):
    assert client.post(path, data=DEEP, content_type="application/json").status_code == 400


def test_json_nested_past_the_limit_is_a_400_on_the_api(client, dana):
    answer = client.post("/api/v1/intros/check", data=DEEP, content_type="application/json", headers=dana)
    assert answer.status_code == 400
    assert "nests more than" in answer.get_json()["error"]["message"]


def test_a_5000_digit_number_is_a_400(client, dana):
    answer = client.post("/api/v1/intros/check", data=BIG, content_type="application/json", headers=dana)
    assert answer.status_code == 400
    assert "digits" in answer.get_json()["error"]["message"]
    big_setting = b'{"consent_nudge_after_days": 1' + b"0" * 30 + b"}"
    assert client.patch("/api/v1/settings", data=big_setting, content_type="application/json",
                        headers=dana).status_code == 400


@pytest.mark.parametrize("where", ["context", "requester.name"])
def test_a_lone_surrogate_in_a_spec_is_a_400_and_creates_nothing(client, dana, where):
    before = client.get("/api/v1/intros", headers=dana).get_json()["intros"]
    raw = json.dumps(spec())
    field = where.rpartition(".")[2]
    raw = raw.replace(f'"{field}": "', f'"{field}": "\\udcff', 1)
    for path in ("/api/v1/intros/check", "/api/v1/intros"):
        answer = client.post(path, data=raw, content_type="application/json", headers=dana)
        assert answer.status_code == 400, answer.get_json()
        assert "surrogate" in answer.get_json()["error"]["message"]
    assert client.get("/api/v1/intros", headers=dana).get_json()["intros"] == before


def test_non_finite_numbers_and_nan_are_refused(client, dana):
    for raw in (b'{"consent_nudge_after_days": NaN}', b'{"consent_nudge_after_days": 1e999}'):
        assert client.patch("/api/v1/settings", data=raw, content_type="application/json",
                            headers=dana).status_code == 400


@pytest.mark.parametrize("text,expected", [("0", 0), ("42", 42), ("²", None), ("٣", None), ("+1", None),
                                           (" 1", None), ("1_0", None), ("", None), (None, None), ("9" * 19, None)])
def test_whole_numbers_are_ascii_digits_only(text, expected):
    assert whole_number(text) == expected


def test_a_nul_character_in_text_is_a_400(client, dana):
    raw = json.dumps(spec(context="clinic\u0000go-to-market")).encode()
    answer = client.post("/api/v1/intros/check", data=raw, content_type="application/json", headers=dana)
    assert answer.status_code == 400 and "NUL" in answer.get_json()["error"]["message"]
