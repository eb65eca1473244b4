"""The Gmail face against the discovery document google-api-python-client ships: every request the
client library sends and every answer the face gives must fit it, and the face refuses what
Google refuses. The schema checker is gmail_discovery.problems_in, tested here too."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from googleapiclient.errors import HttpError
from werkzeug.datastructures import MultiDict

from gmail_fixtures import ANN, BOB, ask, bearer, clock, dana, face, raw, service, sleeps, world  # noqa: F401
from introducer.mail.port import OutgoingMessage
from introducer.mail.sandbox import gmail_discovery as disco
from introducer.mail.sandbox.gmail_face import GmailFace
from introducer.mail.sandbox.gmail_routes import HANDLERS


@dataclass
class Exchange:
    method: str
    path: str
    query: MultiDict
    body: bytes
    status: int
    answer: bytes


class Recorder:
    """WSGI middleware keeping each request and answer, to check them against the document."""

    def __init__(self, app):
        self.app = app
        self.exchanges: list[Exchange] = []

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        status = {}

        def keep_status(line, headers, exc_info=None):
            status["code"] = int(line.split()[0])
            return start_response(line, headers, exc_info)

        answer = b"".join(self.app(environ, keep_status))
        self.exchanges.append(Exchange(environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                       MultiDict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
                                       body, status["code"], answer))
        return [answer]


def operation_of(face: GmailFace, exchange: Exchange) -> disco.Method | None:
    adapter = face.app.url_map.bind("sandbox")
    endpoint, _ = adapter.match(exchange.path, exchange.method)
    return disco.methods()[endpoint.removeprefix("gmail.")] if endpoint.startswith("gmail.") else None


def google_error_problems(exchange: Exchange) -> list[str]:
    error = json.loads(exchange.answer)["error"]
    ok = (error["code"] == exchange.status and isinstance(error["message"], str) and isinstance(error["status"], str)
          and error["errors"] and all({"message", "domain", "reason"} <= set(e) for e in error["errors"]))
    return [] if ok else [f"not Google's error shape: {error}"]


def test_every_request_the_client_sends_and_every_answer_matches_the_discovery_document(world, face, dana, clock):
    recorder = Recorder(face.app.wsgi_app)
    face.app.wsgi_app = recorder
    gmail = service(face)
    start = dana.changes_since(None).cursor
    draft = dana.create_draft(ask())
    dana.read_thread(draft.thread_id)
    sent = dana.send_draft(draft.draft_id)
    dana.send(OutgoingMessage(key="k2", to=(ANN,), bcc=(BOB,), subject="Hello", text="Hi", html="<p>Hi</p>"))
    dana.set_label(sent.thread_id, "Intros/Awaiting consent")
    dana.set_label(sent.thread_id, "Intros/Awaiting consent", on=False)
    dana.find_by_key("intro-1:permission_request:target")
    dana.changes_since(start)
    dana.watch()
    dana.stop_watch()
    again = gmail.drafts().create(userId="me", body={"message": {"raw": raw(ask(key="k3"))}}).execute()
    gmail.drafts().update(userId="me", id=again["id"], body={"message": {"raw": raw(ask(key="k3", text="v2"))}}).execute()
    for fmt in ("minimal", "full", "raw", "metadata"):
        gmail.drafts().get(userId="me", id=again["id"], format=fmt).execute()
        gmail.messages().get(userId="me", id=sent.provider_id, format=fmt, metadataHeaders=["Subject"]).execute()
    gmail.drafts().list(userId="me").execute()
    gmail.drafts().delete(userId="me", id=again["id"]).execute()
    for fmt in ("minimal", "metadata", "full"):
        gmail.threads().get(userId="me", id=sent.thread_id, format=fmt).execute()
    gmail.history().list(userId="me", startHistoryId=start, labelId="SENT", maxResults=1,
                         historyTypes=["messageAdded", "labelAdded", "labelRemoved", "messageDeleted"]).execute()
    with pytest.raises(HttpError):
        gmail.messages().get(userId="me", id="0000000000000000").execute()

    problems, seen = [], set()
    for exchange in recorder.exchanges:
        method = operation_of(face, exchange)
        if method is None:
            continue  # the token endpoint
        seen.add(method.name)
        body = json.loads(exchange.body) if exchange.body else {}
        found = disco.query_problems(method, exchange.query) + disco.body_problems(method, body)
        if exchange.status == 200 and method.response:
            found += disco.problems_in(method.response, json.loads(exchange.answer))
        elif exchange.status >= 400:
            found += google_error_problems(exchange)
        problems += [f"{method.name}: {p}" for p in found]
    assert problems == []
    assert seen == set(HANDLERS)  # every operation the face serves was exercised
    assert len(recorder.exchanges) > 30


@pytest.mark.parametrize("schema, value, expected", [
    ("Message", {"id": "1", "threadId": "1", "labelIds": ["INBOX"]}, []),
    ("Message", {"id": "1", "thread_id": "1"}, ["Unknown name \"thread_id\""]),
    ("Message", {"historyId": 42}, ["historyId: expected a string"]),
    ("Message", {"internalDate": "yesterday"}, ["expected a int64"]),
    ("Message", {"raw": "not base64!"}, ["expected base64"]),
    ("Label", {"id": "Label_1", "type": "custom"}, ["is not one of"]),
    ("ListHistoryResponse", {"history": [{"id": "3", "messagesAdded": [{"message": {"id": 7}}]}]},
     ["history[0].messagesAdded[0].message.id: expected a string"]),
    ("MessagePart", {"body": {"size": "12"}}, ["body.size: expected an integer"]),
])
def test_the_schema_checker_finds_what_departs_from_the_document(schema, value, expected):
    found = disco.problems_in(schema, value)
    assert len(found) == len(expected)
    assert all(e in f for e, f in zip(expected, found))


def test_a_body_missing_what_the_method_requires_is_a_problem():
    method = disco.methods()["drafts.create"]
    assert disco.body_problems(method, {"message": {"raw": "QQ=="}}) == []
    assert disco.body_problems(method, {"message": {"threadId": "t"}}) == ["message.raw: required"]
    assert disco.body_problems(disco.methods()["messages.send"], {}) == ["raw: required"]


@pytest.mark.parametrize("method, path, params, body, words", [
    ("GET", "history", {"startHistoryId": "1", "colour": "blue"}, None, "Unknown name \"colour\""),
    ("GET", "history", {}, None, "Missing required parameter: startHistoryId"),
    ("GET", "history", {"startHistoryId": "one"}, None, "TYPE_UINT64"),
    ("GET", "history", {"startHistoryId": "1", "historyTypes": "messageEdited"}, None, "messageEdited"),
    ("GET", "history", {"startHistoryId": "1", "maxResults": "lots"}, None, "TYPE_INT"),
    ("GET", "threads/x", {"format": "raw"}, None, "raw"),  # threads.get has no raw format
    ("POST", "drafts", {}, {"message": {"threadId": "t"}}, "message.raw: required"),
    ("POST", "messages/send", {}, {"raw": "QQ==", "colour": "blue"}, "Unknown name \"colour\""),
    ("GET", "messages", {"q": "from:ann"}, None, "rfc822msgid"),
])
def test_the_face_refuses_what_google_refuses_with_a_400(face, method, path, params, body, words):
    answer = requests.request(method, f"{face.url}gmail/v1/users/me/{path}", params=params, json=body,
                              headers=bearer(face))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT" and words in error["message"]


def test_the_api_endpoint_is_where_the_client_library_sends_its_calls(face):
    recorder = Recorder(face.app.wsgi_app)
    face.app.wsgi_app = recorder
    service(face).getProfile(userId="me").execute()
    calls = [(e.method, e.path, dict(e.query)) for e in recorder.exchanges]
    assert calls[-1] == ("GET", "/gmail/v1/users/me/profile", {"alt": "json"})
    assert urlsplit(face.url).hostname == "127.0.0.1"
