"""The sandbox's Gmail face answering as Gmail does: Google's error shapes and status codes, the
message formats, history paging and filters, armed faults, quota units and the per-user limit."""
from __future__ import annotations

import base64

import pytest
import requests
from googleapiclient.errors import HttpError
from googleapiclient.http import _should_retry_response

from gmail_fixtures import (ANN, BOB, CLIENT_ID, CLIENT_SECRET, DANA, TOPIC, ask, bearer, clock, dana,  # noqa: F401
                            face, label_body, raw, service, sleeps, world)
from introducer.mail.port import OutgoingMessage
from introducer.mail.sandbox import gmail_errors as faults
from introducer.mail.sandbox.gmail_face import GmailFace


def test_no_token_or_a_revoked_one_is_a_401_in_googles_shape(face):
    answer = requests.get(f"{face.url}gmail/v1/users/me/profile")
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    headers = bearer(face)
    face.identity.revoke(headers["Authorization"].split()[1])
    assert requests.get(f"{face.url}gmail/v1/users/me/profile", headers=headers).status_code == 401


def test_only_the_tokens_own_mailbox_and_granted_scopes_are_served(face):
    headers = bearer(face)
    assert requests.get(f"{face.url}gmail/v1/users/{DANA.email}/profile", headers=headers).status_code == 200
    other = requests.get(f"{face.url}gmail/v1/users/{ANN.email}/profile", headers=headers)
    assert other.status_code == 403 and other.json()["error"]["message"] == f"Delegation denied for {ANN.email}"
    gmail = service(face, scopes=("https://www.googleapis.com/auth/gmail.readonly",))
    gmail.getProfile(userId="me").execute()
    with pytest.raises(HttpError) as refused:
        gmail.messages().send(userId="me", body={"raw": raw(ask())}).execute()
    assert refused.value.resp.status == 403 and refused.value.error_details[0]["reason"] == "insufficientPermissions"


def test_a_stale_history_id_is_googles_404(world, face):
    answer = requests.get(f"{face.url}gmail/v1/users/me/history", params={"startHistoryId": "99999"},
                          headers=bearer(face))
    assert answer.status_code == 404
    assert answer.json() == {"error": {"code": 404, "message": "Requested entity was not found.", "errors": [
        {"message": "Requested entity was not found.", "domain": "global", "reason": "notFound"}],
        "status": "NOT_FOUND"}}


def test_history_pages_and_filters_by_type_and_label(world, face, dana):
    gmail = service(face)
    start = gmail.getProfile(userId="me").execute()["historyId"]
    sent = [dana.send(ask(key=f"k{i}")) for i in range(3)]
    dana.set_label(sent[0].thread_id, "Intros/Introduced")
    pages, token = [], None
    while True:
        page = gmail.history().list(userId="me", startHistoryId=start, historyTypes=["messageAdded"], maxResults=2,
                                    **({"pageToken": token} if token else {})).execute()
        pages.append(page)
        token = page.get("nextPageToken")
        if not token:
            break
    added = [a["message"]["id"] for p in pages for h in p["history"] for a in h["messagesAdded"]]
    assert added == [s.provider_id for s in sent] and len(pages) == 2
    assert {p["historyId"] for p in pages} == {str(world.latest_history(DANA.email))}
    labelled = gmail.history().list(userId="me", startHistoryId=start, historyTypes=["labelAdded"]).execute()
    assert [h["labelsAdded"][0]["message"]["id"] for h in labelled["history"]] == [sent[0].provider_id]
    inbox_only = gmail.history().list(userId="me", startHistoryId=start, labelId="INBOX").execute()
    assert "history" not in inbox_only  # Dana's sends are SENT, not INBOX: nothing, and no empty list


def test_a_message_comes_in_each_format(world, face, dana):
    sent = dana.send(OutgoingMessage(key="k", to=(BOB,), subject="Formats", text="Plain words", html="<p>Rich</p>"))
    gmail = service(face)
    stored = world.message(DANA.email, sent.provider_id)
    as_raw = gmail.messages().get(userId="me", id=sent.provider_id, format="raw").execute()
    assert base64.urlsafe_b64decode(as_raw["raw"]) == stored.raw and "payload" not in as_raw
    full = gmail.messages().get(userId="me", id=sent.provider_id).execute()["payload"]
    assert full["mimeType"] == "multipart/alternative" and [p["partId"] for p in full["parts"]] == ["0", "1"]
    assert base64.urlsafe_b64decode(full["parts"][0]["body"]["data"]).decode().strip() == "Plain words"
    meta = gmail.messages().get(userId="me", id=sent.provider_id, format="metadata",
                                metadataHeaders=["subject", "X-Introducer-Key"]).execute()["payload"]
    assert meta["headers"] == [{"name": "Subject", "value": "Formats"}, {"name": "X-Introducer-Key", "value": "k"}]
    minimal = gmail.messages().get(userId="me", id=sent.provider_id, format="minimal").execute()
    assert "payload" not in minimal and minimal["labelIds"] == ["SENT"]
    assert minimal["internalDate"] == str(int(stored.date.timestamp() * 1000))


def test_a_search_by_message_id_takes_it_with_or_without_brackets(world, face, dana):
    created = dana.create_draft(ask())
    gmail = service(face)
    bare = created.internet_message_id.strip("<>")
    for q in (f"rfc822msgid:{bare}", f"rfc822msgid:<{bare}>"):
        assert gmail.messages().list(userId="me", q=q).execute()["messages"] == [
            {"id": created.provider_id, "threadId": created.thread_id}]
        assert gmail.drafts().list(userId="me", q=q).execute()["drafts"][0]["id"] == created.draft_id
    assert gmail.messages().list(userId="me", q="rfc822msgid:nobody@nowhere").execute() == {"resultSizeEstimate": 0}


def test_labels_conflict_by_name_and_unknown_label_ids_are_refused(world, face, dana):
    gmail = service(face)
    made = gmail.labels().create(userId="me", body=label_body("Intros/Needs review")).execute()
    assert made["type"] == "user" and made["id"].startswith("Label_")
    with pytest.raises(HttpError) as twice:
        gmail.labels().create(userId="me", body=label_body("intros/needs review")).execute()
    assert twice.value.resp.status == 409
    sent = dana.send(ask())
    with pytest.raises(HttpError) as unknown:
        gmail.threads().modify(userId="me", id=sent.thread_id, body={"addLabelIds": ["Label_99"]}).execute()
    assert unknown.value.resp.status == 400


@pytest.mark.parametrize("fault, status, reason, retried_by_the_library", [
    (faults.too_many_requests(retry_after=7), 429, "rateLimitExceeded", True),
    (faults.rate_limited("userRateLimitExceeded"), 403, "userRateLimitExceeded", True),
    (faults.rate_limited("rateLimitExceeded"), 403, "rateLimitExceeded", True),
    (faults.server_error(500), 500, "backendError", True),
    (faults.server_error(503), 503, "backendError", True),
    (faults.GmailError(403, "Request had insufficient authentication scopes.", "insufficientPermissions"), 403,
     "insufficientPermissions", False),
])
def test_armed_faults_answer_as_google_does_and_the_client_library_agrees_on_retrying(
        face, fault, status, reason, retried_by_the_library):
    face.arm("getProfile", fault)
    answer = requests.get(f"{face.url}gmail/v1/users/me/profile", headers=bearer(face))
    assert answer.status_code == status
    assert answer.json()["error"]["errors"][0]["reason"] == reason
    assert _should_retry_response(answer.status_code, answer.content) is retried_by_the_library
    if status == 429:
        assert answer.headers["Retry-After"] == "7"


def test_quota_units_add_up_per_googles_table_for_a_fixed_sequence(world, face):
    gmail = service(face)
    history_id = gmail.getProfile(userId="me").execute()["historyId"]  # 1
    draft = gmail.drafts().create(userId="me", body={"message": {"raw": raw(ask())}}).execute()  # 10
    sent = gmail.drafts().send(userId="me", body={"id": draft["id"]}).execute()  # 100
    gmail.messages().send(userId="me", body={"raw": raw(ask(key="k2"))}).execute()  # 100
    gmail.messages().get(userId="me", id=sent["id"], format="metadata").execute()  # 5
    gmail.threads().get(userId="me", id=sent["threadId"]).execute()  # 10
    gmail.history().list(userId="me", startHistoryId=history_id).execute()  # 2
    label = gmail.labels().create(userId="me", body=label_body("Intros/Introduced")).execute()  # 5
    gmail.threads().modify(userId="me", id=sent["threadId"], body={"addLabelIds": [label["id"]]}).execute()  # 10
    gmail.watch(userId="me", body={"topicName": TOPIC, "labelIds": ["INBOX", "SENT"]}).execute()  # 100
    gmail.stop(userId="me").execute()  # 50
    assert face.quota_used(DANA.email) == 393
    assert face.quota_used(ANN.email) == 0


def test_the_per_user_rate_limit_answers_403_user_rate_limit_exceeded(world):
    with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET}, user_units_per_minute=250).start() as tight:
        gmail = service(tight)
        for i in range(2):
            gmail.messages().send(userId="me", body={"raw": raw(ask(key=f"k{i}"))}).execute()
        with pytest.raises(HttpError) as limited:
            gmail.messages().send(userId="me", body={"raw": raw(ask(key="k3"))}).execute()
        assert limited.value.resp.status == 403
        assert limited.value.error_details[0]["reason"] == "userRateLimitExceeded"
        assert tight.quota_used(DANA.email) == 200 and len(world.inbox(BOB.email)) == 2
