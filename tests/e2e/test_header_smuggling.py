"""Over HTTP: an RFC 2047 encoded word that hides a line break and a Bcc header never becomes a header,
whether it is typed into the API, or reaches the panel as the display name of a stranger's message."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

from workflow_fixtures import spec_data

INJECTION = "=?utf-8?q?Ann_Lee=0D=0ABcc=3A_spy=40evil.example?="
ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"


def _body(**changes) -> dict:
    body = spec_data(DANA)
    body.pop("introducer")
    for dotted, value in changes.items():
        node = body
        *path, last = dotted.split("__")
        for key in path:
            node = node[key]
        node[last] = value
    return body


def _only_recipients(raw: bytes) -> set[str]:
    em = BytesParser(policy=policy.compat32).parsebytes(raw)  # no decoding: what a mail server sees
    return {a.lower() for _, a in getaddresses([str(v) for name in ("To", "Cc", "Bcc", "Resent-To", "Resent-Bcc")
                                               for v in em.get_all(name, [])])}


def _draft_raws(flow) -> list[bytes]:
    return [m.raw for m in flow.app.world.drafts(DANA)]


def test_an_encoded_word_injection_through_the_api_is_refused_naming_the_field(flow):
    for field, name in (("requester__name", "requester.name"), ("target__name", "target.name"),
                        ("context", "context"), ("benefit_to_target", "benefit_to_target")):
        response = flow.app.api("POST", "/api/v1/intros", json=_body(**{field: INJECTION}), token=flow.token)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["error"]["message"].startswith(f"{name}: hides a line break"), response.json()
    response = flow.app.api("POST", "/api/v1/intros",
                            json=_body(target__email="=?utf-8?q?bob?=@stonevc.example"), token=flow.token)
    assert response.status_code == 422 and "target.email" in response.json()["error"]["message"]
    assert flow.drafts() == [] and _draft_raws(flow) == []  # nothing was written


def test_a_clean_encoded_name_is_decoded_and_the_message_goes_to_exactly_the_people_shown(flow):
    intro_id = flow.start(target={"name": "=?utf-8?q?Prof=2E_Fran=C3=A7oise_Lema=C3=AEtre?=",
                                  "email": "francoise@sorbonne.example", "blurb": "professor of health economics"})
    view = flow.intro(intro_id)
    assert view["target"]["name"] == "Prof. Françoise Lemaître"
    [draft] = flow.drafts()
    assert [(p["name"], p["email"]) for p in draft["to"]] == [("Prof. Françoise Lemaître", "francoise@sorbonne.example")]
    [raw] = _draft_raws(flow)
    assert _only_recipients(raw) == {"francoise@sorbonne.example"}


def test_a_strangers_display_name_read_by_the_panel_cannot_add_a_recipient(flow):
    raw = (f"From: {INJECTION} <{ANN}>\r\nTo: Dana Park <{DANA}>\r\nSubject: Intro to Bob?\r\n"
           f"Message-ID: <smuggle-1@acme.example>\r\n\r\nCould you introduce me to Bob?\r\n").encode()
    got = flow.app.world.receive(DANA, raw)
    # the panel reads the open message from the mailbox, as it does in the sandbox page
    [message] = flow.thread(DANA, got.thread_id)
    [sender] = message["from"]
    assert sender == {"name": "Ann Lee Bcc: spy@evil.example", "email": ANN}  # decoded, line break neutralised
    body = _body(requester__name=sender["name"], requester__email=sender["email"])
    response = flow.app.api("POST", "/api/v1/intros", json=body, token=flow.token)
    assert response.status_code == 201, response.text
    [raw_draft] = _draft_raws(flow)  # the permission request to Bob (Ann asked)
    assert _only_recipients(raw_draft) == {BOB}
    head = raw_draft.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert not [line for line in head if line.lower().startswith((b"bcc", b"cc:", b"resent"))]
