"""Creates are idempotent over HTTP: a retry with the same Idempotency-Key returns the first result (same
status and body), also when the first request committed and its answer was lost; another body with the
same key is refused; concurrent requests with one key make one intro."""
from __future__ import annotations

import threading

from introducer.web import api
from workflow_fixtures import spec_data

DANA = "dana@parkcap.example"


def _body(**spec) -> dict:
    body = spec_data(DANA, **spec)
    body.pop("introducer")
    return body


def _post(flow, key: str | None, body: dict, path: str = "/api/v1/intros"):
    headers = {"Idempotency-Key": key} if key else {}
    return flow.app.api("POST", path, json=body, token=flow.token, headers=headers)


def _intros(flow) -> list[dict]:
    return flow.call("GET", "/api/v1/intros")["intros"]


def _permission_requests(flow) -> int:
    return len(flow.drafts())


def test_a_retry_with_the_same_key_returns_the_first_result_and_creates_nothing(flow):
    first = _post(flow, "action-1", _body())
    assert first.status_code == 201
    again = _post(flow, "action-1", _body())
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Location"] == first.headers["Location"]
    assert len(_intros(flow)) == 1 and _permission_requests(flow) == 1
    other = _post(flow, "action-2", _body())  # a new action is a new intro
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


def test_a_retry_after_the_first_request_committed_but_its_answer_was_lost(flow, monkeypatch):
    view = api._intro_view
    lost = []

    def dies_after_commit(intro_id):
        if not lost:
            lost.append(intro_id)
            raise ConnectionAbortedError("the web process died before answering")
        return view(intro_id)

    monkeypatch.setattr(api, "_intro_view", dies_after_commit)
    first = _post(flow, "retry-me", _body())
    assert first.status_code == 500 and lost  # the client saw an error; the intro was committed
    retry = _post(flow, "retry-me", _body())
    assert retry.status_code == 201 and retry.json()["id"] == lost[0]
    assert _post(flow, "retry-me", _body()).json() == retry.json()
    assert len(_intros(flow)) == 1 and _permission_requests(flow) == 1


def test_the_same_key_with_another_body_is_refused(flow):
    assert _post(flow, "k-1", _body()).status_code == 201
    refused = _post(flow, "k-1", _body(context="a different reason"))
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "idempotency_key_reused"
    assert len(_intros(flow)) == 1
    assert _post(flow, "bad key with spaces", _body()).status_code == 400


def test_concurrent_requests_with_one_key_make_one_intro(flow):
    answers = []

    def post():
        answers.append(_post(flow, "double-click", _body()))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = [a for a in answers if a.status_code == 201]
    assert ok and {a.json()["id"] for a in ok} == {ok[0].json()["id"]}
    assert all(a.status_code in (201, 409) for a in answers)  # 409: still in progress, retry
    assert len(_intros(flow)) == 1 and _permission_requests(flow) == 1


def test_other_actions_replay_their_first_answer(flow):
    intro_id = _post(flow, "start", _body()).json()["id"]
    first = _post(flow, "cancel-1", {}, f"/api/v1/intros/{intro_id}/cancel")
    assert first.status_code == 200 and first.json()["state"] == "cancelled"
    again = _post(flow, "cancel-1", {}, f"/api/v1/intros/{intro_id}/cancel")
    assert (again.status_code, again.json()) == (200, first.json())  # without the key: 409 already cancelled
    assert _post(flow, None, {}, f"/api/v1/intros/{intro_id}/cancel").status_code == 409
