"""The Gmail add-on end to end: cards from Google-shaped events, a whole intro started from the sidebar and
driven through the Gmail face with the real client library, and the MIME that reached Gmail.

Events are shaped like the button-click example in developers.google.com/workspace/add-ons/guides/
alternate-runtimes (see gmail_addon_fixtures.py), signed by the key the fake certificate endpoint serves.
"""
from __future__ import annotations

import threading
from datetime import timedelta
from email.utils import getaddresses

from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from gmail_addon_fixtures import (ANN, BOB, DANA, FILLED, card_of, clock, find_button, form, inputs_of,  # noqa: F401
                                  live, plain_http_to_loopback, texts)
from introducer.mail.gmail.open_message import read_open_message
from workflow_fixtures import outbound_keys


def opened_form(live):
    return live.trigger("/addon/gmail/on-open", gmail=live.open_message())


def start(live, **changes):
    """Open Ann's ask, fill the form and press Introduce; returns the click's answer."""
    return live.click(opened_form(live), "Introduce", inputs=form(**{**FILLED, **changes}), gmail=live.open_message())


def addresses(value) -> set[str]:
    return {a.lower() for _, a in getaddresses([str(value or "")])}


def sent_with_key(live, fragment: str):
    found = [m for s in live.world.mailbox_threads(DANA) for m in live.world.thread(DANA, s.thread_id)
             if "SENT" in m.labels and str(m.parsed().get("X-Introducer-Key", "")) in outbound_keys(live.container.uow, fragment)]
    assert len(found) == 1, f"{len(found)} sent messages with key {fragment}"
    return found[0]


def test_the_home_card_asks_a_new_user_to_connect_gmail_with_a_link_that_reloads_the_card(live):
    home = card_of(live.trigger("/addon/gmail/home"))
    link = find_button(home, "Connect Gmail")["onClick"]["openLink"]
    assert link["url"].startswith(live.url + "/connect/google/start?ticket=")
    assert link["onClose"] == "RELOAD" and link["openAs"] == "OVERLAY"
    assert "No intro in progress" in texts(home)
    assert live.account().external_id and live.account().status == "disconnected"


def test_the_introduce_form_is_prefilled_from_the_open_message_read_with_the_addon_tokens(live):
    live.connect()
    live.face.reset_quota()
    values = inputs_of(card_of(opened_form(live)))
    assert (values["requester_name"], values["requester_email"]) == ("Ann Lee", ANN)
    assert values["your_name"] == "Dana Park"
    # the add-on token reads the open message's headers; the connected account reads the ask's text,
    # the open message alone (5 quota units, not the thread's 10)
    assert live.face.calls(DANA) == ["messages.get", "messages.get"]
    assert (values["target_name"], values["target_email"]) == ("Bob Stone", "")  # Dana has no intro with Bob yet
    assert values["context"] == "go-to-market"
    assert values["requester_blurb"].startswith("Acme helps 40 clinics")
    assert "Filled in from the message" in texts(card_of(opened_form(live)))


def test_when_the_open_message_is_the_users_own_the_ask_is_found_in_the_thread(live):
    live.connect()
    thread_id = live.seeded["inbound_thread_id"]
    live.world.submit(DANA, b"From: Dana Park <dana@parkcap.example>\r\nTo: Ann Lee <ann@acme.example>\r\n"
                            b"Subject: Re: " + live.world.thread(DANA, thread_id)[0].parsed()["Subject"].encode() +
                      b"\r\nIn-Reply-To: " + live.seeded["inbound_internet_message_id"].encode() +
                      b"\r\n\r\nOn it, Ann.\r\n", thread_id)
    assert live.world.thread(DANA, thread_id)[-1].parsed()["From"].addresses[0].addr_spec == DANA
    live.face.reset_quota()
    values = inputs_of(card_of(opened_form(live)))  # Dana's own reply is the open message
    assert live.face.calls(DANA) == ["messages.get", "threads.get"]  # her reply says nothing: the thread does
    assert values["context"] == "go-to-market"


def test_an_open_thread_that_belongs_to_an_intro_shows_that_intro_instead_of_the_form(live):
    live.connect()
    intro_id = int(card_of(start(live))["name"].removeprefix("intro-"))
    answer = card_of(opened_form(live))  # the ask's thread is now the intro's source
    assert answer["name"] == f"intro-{intro_id}"
    assert "This thread is the ask for this intro." in texts(answer)
    assert find_button(answer, "Introduce someone else from this message")


def test_other_recipients_of_the_open_message_are_offered_as_the_target(live):
    live.connect()
    ann = live.world.thread(DANA, live.seeded["inbound_thread_id"])[-1]
    raw = (b"From: Ann Lee <ann@acme.example>\r\nTo: Dana Park <dana@parkcap.example>\r\n"
           b"Cc: Bob Stone <bob@stonevc.example>\r\nSubject: Could you connect us?\r\n"
           b"Message-ID: <cc-bob@acme.example>\r\n\r\nDana, could you introduce me to Bob (cc'd)?\r\n")
    message = live.world.receive(DANA, raw)
    assert message.thread_id != ann.thread_id
    values = inputs_of(card_of(live.trigger("/addon/gmail/on-open", gmail=live.open_message(message.thread_id))))
    assert values["target_pick"] == ["Bob Stone <bob@stonevc.example>"]


def test_check_shows_the_etiquette_findings_without_starting_anything(live):
    live.connect()
    answer = live.click(opened_form(live), "Check", inputs=form(**{**FILLED, "benefit_to_target": "networking",
                                                                     "context": ""}))
    shown = texts(card_of(answer))
    assert "Etiquette check" in str(card_of(answer)) and "Fix:" in shown
    assert "context" in shown.lower()
    assert live.world.drafts(DANA) == []
    fine = live.click(opened_form(live), "Check", inputs=form(**FILLED))
    assert "Fix:" not in texts(card_of(fine))


def test_starting_before_gmail_is_connected_says_to_connect_first(live):
    answer = start(live)
    assert "connect Gmail first" in texts(card_of(answer))
    assert find_button(card_of(answer), "Connect Gmail")
    assert live.world.drafts(DANA) == []


def test_a_whole_intro_from_the_sidebar_to_the_handoff_through_the_gmail_api(live, clock):
    live.connect()
    answer = start(live)

    # Introduce: the permission request is a draft in Dana's Gmail, opened for her by the add-on.
    opened = answer["renderActions"]["hostAppAction"]["gmailAction"]["openCreatedDraftActionMarkup"]
    (draft,) = live.world.drafts(DANA)
    assert (opened["draftId"], opened["draftThreadId"]) == (draft.draft_id, draft.thread_id)
    ask = draft.parsed()
    assert addresses(ask["To"]) == {BOB}
    assert str(ask["Subject"]) == "Open to meeting Ann Lee? (healthcare go-to-market)"
    assert str(ask["X-Introducer-Key"]) == live.container.deps.message_keys.key("intro-1:permission_request:target")
    assert "Permission request drafted" in answer["renderActions"]["action"]["notification"]["text"]

    # Dana sends it from Gmail; the push reaches the webhook, the worker reads the history.
    live.world.send_draft(DANA, draft.draft_id)
    live.settle()
    home = card_of(live.trigger("/addon/gmail/home"))
    assert "Awaiting consent" in texts(home) and "Waiting for Bob Stone" in texts(home)

    # Bob answers yes two hours later: the intro is drafted, To both, in a new thread.
    clock.now += timedelta(hours=2, minutes=5)
    live.settle()
    (intro_draft,) = live.world.drafts(DANA)
    intro = intro_draft.parsed()
    assert addresses(intro["To"]) == {ANN, BOB}
    assert str(intro["Subject"]) == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"
    assert str(intro["X-Introducer-Key"]) == live.container.deps.message_keys.key("intro-1:intro:all")

    # Dana sends the intro; Ann replies an hour later and Introducer steps out by itself.
    live.world.send_draft(DANA, intro_draft.draft_id)
    live.settle()
    clock.now += timedelta(hours=1, minutes=5)
    live.settle()
    handoff = sent_with_key(live, "intro-1:handoff:all")
    mime = handoff.parsed()
    ann_reply = [m for m in live.world.thread(DANA, handoff.thread_id) if ANN in str(m.parsed()["From"])][0]
    assert handoff.thread_id == intro_draft.thread_id  # threadId: the handoff is in the intro thread
    assert str(mime["In-Reply-To"]).strip() == ann_reply.internet_message_id
    assert ann_reply.internet_message_id in str(mime["References"])
    assert str(mime["Subject"]) == "Re: Intro: Ann Lee meets Bob Stone – healthcare go-to-market"
    assert addresses(mime["To"]) == {ANN, BOB}
    assert addresses(mime["Bcc"]) == {DANA}
    assert addresses(mime["Reply-To"]) == {ANN, BOB}
    assert str(mime["X-Introducer-Key"]) == live.container.deps.message_keys.key("intro-1:handoff:all")
    bob_copy = [m for s in live.world.mailbox_threads(BOB) for m in live.world.thread(BOB, s.thread_id)
                if m.internet_message_id == handoff.internet_message_id]
    assert bob_copy and bob_copy[0].parsed()["Bcc"] is None  # Bcc stays with the sender's copy

    shown = texts(card_of(live.trigger("/addon/gmail/home")))
    assert "Handed off" in shown and "You stepped out" in shown


def test_an_intro_card_marks_consent_sends_drafts_and_cancels(live):
    live.connect()
    start(live, options=["ask_requester"])  # full double opt-in: Ann is asked too
    home = live.trigger("/addon/gmail/home")
    intro = live.click(home, "Open")
    assert len(live.world.drafts(DANA)) == 2
    sent = live.click(intro, "Send now")
    assert sent["renderActions"]["action"]["notification"]["text"] == "Sent 2 messages."
    assert live.world.drafts(DANA) == []
    marked = live.click(sent, "Ann Lee said yes")
    assert "Marked yes." == marked["renderActions"]["action"]["notification"]["text"]
    assert "yes" in texts(card_of(marked))
    cancelled = live.click(marked, "Cancel intro")
    assert "Cancelled" in texts(card_of(cancelled))
    stale = live.click(marked, "Bob Stone said yes")  # a button on the card from before the cancel
    assert "awaits consent" in stale["renderActions"]["action"]["notification"]["text"]
    assert "Cancelled" in texts(card_of(stale))  # the card underneath shows where the intro is now
    again = live.click(cancelled, "Back to intros")
    assert "No intro in progress" in texts(card_of(again))


def test_settings_saved_from_the_home_card_change_the_account_policy(live):
    live.connect()
    home = live.trigger("/addon/gmail/home")
    saved = live.click(home, "Save settings", inputs=form(
        permission_request="send", intro="draft", handoff="send", nudges="draft", handoff_mode="bcc_one",
        handoff_trigger="both_replied", consent_nudge_after_days="5", requester_reminder_after_days="2",
        close_loop_after_days="off"))
    assert saved["renderActions"]["action"]["notification"]["text"] == "Settings saved."
    policy = live.account().policy
    assert (policy["permission_request"], policy["nudges"], policy["handoff_mode"]) == ("send", "draft", "bcc_one")
    assert (policy["consent_nudge_after_days"], policy["close_loop_after_days"]) == (5, None)
    refused = live.click(home, "Save settings", inputs=form(consent_nudge_after_days="0"))
    assert "consent_nudge_after_days" in refused["renderActions"]["action"]["notification"]["text"]


def test_compose_writes_the_agreed_intro_into_the_draft_with_subject_and_recipients(live, clock):
    live.connect()
    nothing = live.trigger("/addon/gmail/compose")
    assert "No intro is ready" in texts(card_of(nothing))
    start(live, options=["target_agreed"])  # Bob already said yes: consented at once
    answer = live.trigger("/addon/gmail/compose", gmail={"accessToken": "AHgP9compose", "toRecipients": []})
    markup = answer["renderActions"]["hostAppAction"]["gmailAction"]["updateDraftActionMarkup"]
    assert markup["updateSubject"]["subject"] == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"
    assert {r["email"] for r in markup["updateToRecipients"]["toRecipients"]} == {ANN, BOB}
    body = markup["updateBody"]["insertContents"][0]
    assert body["contentType"] == "MUTABLE_HTML" and "Bob" in body["content"]


def test_unknown_buttons_and_missing_intros_are_answered_without_an_error_page(live):
    live.connect()
    unknown = live.post("/addon/gmail/action", live.event(parameters={"action": "explode"}))
    assert unknown.status_code == 400 and "parameters.action" in unknown.json()["error"]["message"]
    missing = live.post("/addon/gmail/action", live.event(parameters={"action": "show", "intro_id": "999"}))
    assert missing.status_code == 200
    assert "No intro 999" in missing.json()["renderActions"]["action"]["notification"]["text"]


def test_the_open_message_is_read_with_both_addon_tokens_and_only_its_headers():
    """What reaches Gmail (here a recording server): Bearer userOAuthToken and X-Goog-Gmail-Access-Token
    (developers.google.com/workspace/add-ons/guides/alternate-runtimes), format=metadata."""
    seen = []
    gmail = Flask("recording_gmail")

    @gmail.get("/gmail/v1/users/me/messages/<message_id>")
    def get_message(message_id):
        seen.append((message_id, dict(request.headers), request.args.to_dict(flat=False)))
        headers = [{"name": "From", "value": "Ann Lee <ann@acme.example>"},
                   {"name": "To", "value": "Dana Park <dana@parkcap.example>, Bob Stone <bob@stonevc.example>"},
                   {"name": "Subject", "value": "Intro?"}]
        return jsonify({"id": message_id, "threadId": "t-9", "payload": {"headers": headers}})

    server = make_server("127.0.0.1", 0, gmail, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        opened = read_open_message("msg-f:1234567", "ya29.addon", "AHgP9open",
                                   f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
    (message_id, headers, args), = seen
    assert message_id == "msg-f:1234567"
    assert headers["Authorization"] == "Bearer ya29.addon" and headers["X-Goog-Gmail-Access-Token"] == "AHgP9open"
    assert args["format"] == ["metadata"] and "From" in args["metadataHeaders"]
    assert (opened.sender.email, opened.thread_id, [p.email for p in opened.to]) == (
        ANN, "t-9", [DANA, BOB])


def test_pressing_introduce_again_on_the_same_card_starts_one_intro(live):
    """The Introduce button carries a per-action key: a second click of the same card (or Google retrying
    the click after a timeout) answers with the first intro; a card shown anew carries a new key."""
    live.connect()
    card = opened_form(live)
    key = lambda c: {p["key"]: p["value"] for p in find_button(card_of(c), "Introduce")["onClick"]["action"]
                     ["parameters"]}["action_key"]  # noqa: E731
    assert key(opened_form(live)) != key(card)  # the form shown again is a new action with a new key
    first = live.click(card, "Introduce", inputs=form(**FILLED), gmail=live.open_message())
    again = live.click(card, "Introduce", inputs=form(**FILLED), gmail=live.open_message())
    assert again == first
    assert len(live.world.drafts(DANA)) == 1
    with live.container.uow() as uow:
        assert len(uow.intros.list(live.account().id)) == 1
    changed = live.click(card, "Introduce", inputs=form(**{**FILLED, "context": "another reason"}),
                         gmail=live.open_message())
    assert "already started an intro" in texts(card_of(changed))


def test_digits_that_are_not_ascii_in_a_button_or_a_setting_are_answered_with_a_notice(live):
    live.connect()
    for parameters in ({"action": "show", "intro_id": "²"}, {"action": "cancel", "intro_id": "٣"}):
        answer = live.post("/addon/gmail/action", live.event(parameters=parameters))
        assert answer.status_code == 200, answer.text
        assert answer.json()["renderActions"]["action"]["notification"]["text"] == "Pick an intro first."
    refused = live.post("/addon/gmail/action", live.event(parameters={"action": "save_settings"},
                                                          inputs=form(consent_nudge_after_days="²")))
    assert refused.status_code == 200, refused.text
    assert "consent_nudge_after_days" in refused.json()["renderActions"]["action"]["notification"]["text"]
    assert live.account().policy.get("consent_nudge_after_days") in (None, 3)
    composed = live.post("/addon/gmail/compose", live.event(parameters={"intro_id": "²"}))
    assert composed.status_code == 200 and "not waiting" in composed.text


def test_check_says_everything_to_fix_at_once_in_plain_words_beside_each_input(live):
    live.connect()
    answer = live.click(opened_form(live), "Check", inputs=form(**{**FILLED, "requester_email": "ann at acme",
                                                                  "target_name": ""}), gmail=live.open_message())
    built = card_of(answer)
    shown = texts(built)
    assert "Ann's address looks incomplete: it should look like name@example.com." in shown
    assert "Who they should meet: add a name." in shown  # both at once, not the first one only
    assert "requester.email" not in shown  # no field paths, no code words
    hints = {w["textInput"]["name"]: w["textInput"].get("hintText", "")
             for s in built["sections"] for w in s["widgets"] if "textInput" in w}
    assert hints["requester_email"].startswith("⚠ Ann's address looks incomplete")
    assert live.world.drafts(DANA) == []
