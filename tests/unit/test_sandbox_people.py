"""Simulated people: each behaviour answers permission requests and intros like a person would, once."""
from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from introducer.mail.mime import parse, people, text_of
from introducer.mail.sandbox import Behaviour, SandboxWorld
from sandbox_fixtures import T0, clock  # noqa: F401

DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"
NAMES = {DANA: "Dana Park", ANN: "Ann Lee", BOB: "Bob Stone"}


@pytest.fixture
def world(clock):
    w = SandboxWorld(None)
    w.set_clock(clock)
    w.add_user("Dana Park", DANA, is_simulated=False)
    w.add_user("Ann Lee", ANN, Behaviour(on_permission_request="agree", intro_reply_delay=timedelta(hours=1)))
    yield w
    w.close()


def add_bob(world, **behaviour):
    world.add_user("Bob Stone", BOB, Behaviour(**behaviour))


def send(world, frm, to, subject, text="Would you like an introduction to Ann?", *, after=None, **headers):
    em = EmailMessage()
    em["From"], em["To"], em["Subject"] = f"{NAMES[frm]} <{frm}>", to, subject
    em["Date"] = format_datetime(world.now())
    for name, value in headers.items():
        em[name.replace("_", "-")] = value
    if after is not None:
        em["In-Reply-To"] = em["References"] = after.internet_message_id
    em.set_content(text)
    return world.submit(frm, em.as_bytes(), after.thread_id if after is not None else None)


def later(world, clock, delta):
    clock.now += delta
    return world.tick()


def replies_in(world, thread_id, who=DANA):
    return [parse(m.raw) for m in world.thread(who, thread_id) if not m.labels & {"SENT"}]


def test_an_agreeing_person_answers_after_their_delay_as_a_real_threaded_reply(world, clock):
    add_bob(world, on_permission_request="agree", reply_delay=timedelta(hours=2))
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    assert later(world, clock, timedelta(hours=1)) == 0
    assert later(world, clock, timedelta(hours=1)) == 1
    [reply] = replies_in(world, ask.thread_id)
    assert reply["Subject"] == "Re: Would you like to meet Ann Lee?"
    assert reply["In-Reply-To"] == ask.internet_message_id
    assert ask.internet_message_id in str(reply["References"])
    assert [p.email for p in people(reply["To"])] == [DANA]
    body = text_of(reply)
    assert body.startswith("Yes, happy to — thanks for thinking of me!")
    assert "Dana Park <dana@parkcap.example> wrote:" in body
    assert "> Would you like an introduction to Ann?" in body


@pytest.mark.parametrize("choice, opening", [
    ("decline", "Thanks, but I'll have to pass for now."),
    ("question", "Sure — what's the company about?"),
])
def test_declining_and_questioning_people_say_so_in_their_own_words(world, clock, choice, opening):
    add_bob(world, on_permission_request=choice)
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    later(world, clock, timedelta(hours=3))
    [reply] = replies_in(world, ask.thread_id)
    assert text_of(reply).startswith(opening)


def test_an_out_of_office_person_auto_replies_at_once_and_agrees_after_coming_back(world, clock):
    add_bob(world, on_permission_request="ooo", ooo_until=date(2026, 3, 5), after_ooo="agree")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    assert world.tick() == 1
    [auto] = replies_in(world, ask.thread_id)
    assert auto["Subject"] == "Automatic reply: Would you like to meet Ann Lee?"
    assert auto["Auto-Submitted"] == "auto-replied" and auto["X-Autoreply"] == "yes"
    assert "out of the office until Thursday, March 5, 2026" in text_of(auto)
    assert later(world, clock, timedelta(days=2)) == 0
    assert later(world, clock, timedelta(days=2)) == 1
    answers = replies_in(world, ask.thread_id)
    assert len(answers) == 2 and text_of(answers[1]).startswith("Yes, happy to")


def test_someone_who_never_answers_stays_silent_even_when_nudged(world, clock):
    add_bob(world, on_permission_request="never")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    later(world, clock, timedelta(days=3))
    send(world, DANA, BOB, "Re: Would you like to meet Ann Lee?", "Just bumping this.", after=ask)
    later(world, clock, timedelta(days=10))
    assert replies_in(world, ask.thread_id) == []


def test_a_bouncing_person_never_receives_and_the_sender_gets_a_bounce(world):
    add_bob(world, on_permission_request="bounce")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    assert world.inbox(BOB) == []
    [dsn] = replies_in(world, ask.thread_id)
    assert dsn.get_content_type() == "multipart/report" and BOB in text_of(dsn)


def test_an_intro_gets_a_reply_all_in_the_same_thread_after_the_intro_delay(world, clock):
    add_bob(world, on_intro="reply", intro_reply_delay=timedelta(hours=4))
    intro = send(world, DANA, f"Ann Lee <{ANN}>, Bob Stone <{BOB}>", "Intro: Ann meets Bob – seed round",
                 "Ann, meet Bob. Bob, meet Ann.")
    assert later(world, clock, timedelta(hours=1)) == 1  # Ann answers first
    assert later(world, clock, timedelta(hours=3)) == 1  # then Bob
    ann, bob = replies_in(world, intro.thread_id)
    assert sorted(p.email for p in people(ann["To"])) == sorted([DANA, BOB])
    assert sorted(p.email for p in people(bob["To"])) == sorted([DANA, ANN])
    assert text_of(bob).startswith("Thanks for the intro, Dana! Ann, great to meet you")
    assert bob["Subject"] == "Re: Intro: Ann meets Bob – seed round"
    assert later(world, clock, timedelta(days=5)) == 0


def test_after_a_handoff_the_intro_reply_follows_reply_to_and_leaves_the_introducer_out(world, clock):
    add_bob(world, on_intro="reply", intro_reply_delay=timedelta(hours=4))
    intro = send(world, DANA, f"{ANN}, {BOB}", "Intro: Ann meets Bob – seed round")
    later(world, clock, timedelta(hours=1))
    handoff = send(world, DANA, f"{ANN}, {BOB}", "Re: Intro: Ann meets Bob – seed round",
                   "Moving myself to Bcc — over to you two.", after=intro, Bcc=DANA, Reply_To=f"{ANN}, {BOB}")
    assert later(world, clock, timedelta(hours=3)) == 1
    bob_thread = world.thread(BOB, world.inbox(BOB)[0].thread_id)
    bob_reply = parse(bob_thread[-1].raw)
    assert [p.email for p in people(bob_reply["To"])] == [ANN]
    assert bob_reply["In-Reply-To"] == handoff.internet_message_id
    assert len(world.thread(DANA, intro.thread_id)) == 3  # Dana's intro, Ann's reply, her handoff


def test_tick_twice_never_answers_twice_and_a_later_nudge_gets_nothing_more(world, clock):
    add_bob(world, reply_delay=timedelta(hours=1))
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    clock.now += timedelta(hours=2)
    assert world.tick() == 1
    assert world.tick() == 0
    send(world, DANA, BOB, "Re: Would you like to meet Ann Lee?", "Bumping this.", after=ask)
    assert later(world, clock, timedelta(days=2)) == 0
    assert len(replies_in(world, ask.thread_id)) == 1


def test_a_nudge_gets_the_answer_when_none_is_on_its_way(world, clock):
    add_bob(world, on_permission_request="never")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    later(world, clock, timedelta(days=3))
    world.set_behaviour(BOB, Behaviour(on_permission_request="agree", reply_delay=timedelta(hours=1)))
    send(world, DANA, BOB, "Re: Would you like to meet Ann Lee?", "Bumping this.", after=ask)
    assert later(world, clock, timedelta(hours=1)) == 1
    [reply] = replies_in(world, ask.thread_id)
    assert "> Bumping this." in text_of(reply)


def test_nobody_answers_in_a_thread_they_started_themselves(world, clock):
    ask = send(world, ANN, DANA, "Could you introduce me to Bob?")
    dana_copy = world.thread(DANA, world.inbox(DANA)[0].thread_id)[0]
    send(world, DANA, ANN, "Re: Could you introduce me to Bob?", "Sadly Bob can't right now.", after=dana_copy)
    assert later(world, clock, timedelta(days=2)) == 0
    assert len(world.thread(ANN, ask.thread_id)) == 2


def test_messages_from_other_simulated_people_and_automatic_ones_are_never_answered(world, clock):
    add_bob(world)
    send(world, ANN, BOB, "Hello from Ann")
    send(world, DANA, BOB, "Out of office", Auto_Submitted="auto-replied")
    assert later(world, clock, timedelta(days=2)) == 0


def test_pending_reactions_survive_a_restart(tmp_path, clock):
    path = tmp_path / "sandbox.db"
    w = SandboxWorld(path)
    w.set_clock(clock)
    w.add_user("Dana Park", DANA, is_simulated=False)
    w.add_user("Bob Stone", BOB, Behaviour(reply_delay=timedelta(hours=2)))
    ask = send(w, DANA, BOB, "Would you like to meet Ann Lee?")
    w.close()
    again = SandboxWorld(path)
    again.set_clock(clock)
    assert [r.kind for r in again.reactions(BOB)] == ["answer"]
    assert later(again, clock, timedelta(hours=2)) == 1
    assert len(again.thread(DANA, ask.thread_id)) == 2
    again.close()


@pytest.mark.parametrize("style, marks", [
    ("outlook", ["________________________________", "From: Dana Park <dana@parkcap.example>", "Sent: Monday"]),
    ("mobile", ["Sent from my iPhone", "On Mar 2, 2026, at 9:00 AM, Dana Park <dana@parkcap.example> wrote:"]),
    ("gmail", ["-- \nBob Stone\nStone VC", "On Mon, Mar 2, 2026 at 9:00 AM Dana Park"]),
])
def test_each_mail_client_style_writes_its_own_quoted_history(world, clock, style, marks):
    add_bob(world, style=style, signature="Bob Stone\nStone VC" if style == "gmail" else "")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")
    later(world, clock, timedelta(hours=2))
    body = text_of(replies_in(world, ask.thread_id)[0])
    for mark in marks:
        assert mark in body


def test_a_behaviour_round_trips_and_rejects_unknown_choices():
    b = Behaviour(on_permission_request="ooo", ooo_until=date(2026, 3, 5), reply_delay=timedelta(minutes=30))
    assert Behaviour.from_dict(b.to_dict()) == b
    with pytest.raises(ValueError):
        Behaviour(on_permission_request="maybe")
    with pytest.raises(ValueError):
        Behaviour(on_permission_request="ooo")


def test_a_check_in_after_the_handoff_gets_a_we_did_talk_reply_not_a_yes_to_an_intro(world, clock):
    check_in = send(world, DANA, ANN, "Did you and Bob connect?",
                    "Just checking in: did you and Bob get a chance to talk?", X_Introducer_Key="intro-7:close_loop:requester")
    later(world, clock, timedelta(hours=1))
    [reply] = replies_in(world, check_in.thread_id)
    said = text_of(reply)
    assert said.startswith("We did") and "happy to" not in said.split("\n")[0]


@pytest.mark.parametrize("step", ["decline_note", "expiry_note"])
def test_a_note_after_a_no_or_a_silence_is_not_answered(world, clock, step):
    note = send(world, DANA, ANN, "About your intro to Bob Stone", "I checked with Bob…",
                X_Introducer_Key=f"intro-7:{step}:requester")
    later(world, clock, timedelta(days=2))
    assert replies_in(world, note.thread_id) == []


def test_quoted_times_and_dates_are_in_the_repliers_own_zone(world, clock):
    add_bob(world, style="gmail", timezone="America/New_York")
    ask = send(world, DANA, BOB, "Would you like to meet Ann Lee?")  # 09:00 UTC is 04:00 in New York
    later(world, clock, timedelta(hours=2))
    [reply] = replies_in(world, ask.thread_id)
    assert "On Mon, Mar 2, 2026 at 4:00 AM Dana Park" in text_of(reply)
    assert str(reply["Date"]).endswith("-0500")
    with pytest.raises(ValueError):
        Behaviour(timezone="Mars/Olympus")
