"""Reading an ask for the Introduce form: target, company, context and the line to forward."""
from __future__ import annotations

import pytest

from introducer.domain.model import Person
from introducer.domain.prefill import read_ask
from introducer.mail.sandbox.seed import ASK_SUBJECT, ASK_TEXT

KNOWN = [Person("Bob Stone", "bob@stonevc.example"), Person("Gus Olsen", "gus@quiet.example"),
         Person("Farah Khan", "farah@medisys.example")]


def test_the_demo_ask_names_bob_at_stone_vc_the_go_to_market_and_a_line_to_forward():
    hints = read_ask(ASK_TEXT, ASK_SUBJECT, KNOWN)
    assert (hints.target_name, hints.target_email, hints.target_org) == ("Bob Stone", "bob@stonevc.example", "Stone VC")
    assert hints.context == "go-to-market"
    assert hints.requester_blurb == "Acme helps 40 clinics fill cancelled slots automatically and is growing 15% a month."


@pytest.mark.parametrize("text, name, org, context", [
    ("Could you connect me with Farah Khan? I'd love her thoughts about hospital partnerships.",
     "Farah Khan", "", "hospital partnerships"),
    ("Would you put me in touch with Maria de la Cruz from Helios Energy for a chat about grid storage pilots?",
     "Maria de la Cruz", "Helios Energy", "grid storage pilots"),
    ("any chance of an intro to Tom Reed at Reed Robotics? Keen to get his perspective on warehouse automation.",
     "Tom Reed", "Reed Robotics", "warehouse automation"),
    ("I'd really like to meet Gus. Could you introduce me to Gus, who runs Quiet Labs?", "Gus Olsen", "Quiet Labs", ""),
    ("Dana, can you introduce us to Nguyễn Văn An at Saigon Ventures? We want advice on the Vietnamese market, "
     "since we launch there in May.", "Nguyễn Văn An", "Saigon Ventures", "Vietnamese market"),
])
def test_several_phrasings_give_the_target_company_and_context(text, name, org, context):
    hints = read_ask(text, "", KNOWN)
    assert (hints.target_name, hints.target_org, hints.context) == (name, org, context)


def test_a_first_name_finds_the_one_known_person_with_it_and_a_stranger_gets_no_address():
    assert read_ask("Could you connect me with Farah?", "", KNOWN).target_email == "farah@medisys.example"
    stranger = read_ask("Could you introduce me to Lena Park at Northwind?", "", KNOWN)
    assert (stranger.target_name, stranger.target_email) == ("Lena Park", "")


def test_an_ask_that_names_nobody_suggests_nothing_and_quoted_history_is_ignored():
    assert read_ask("Thanks for lunch yesterday! Talk soon.", "Lunch").as_dict() == {
        "target_name": "", "target_email": "", "target_org": "", "context": "", "requester_blurb": ""}
    quoted = "Sure, happy to help.\n\nOn Mon, Ann wrote:\n> Could you introduce me to Bob Stone at Stone VC?\n"
    assert read_ask(quoted, "Re: hello", KNOWN).target_name == ""


@pytest.mark.parametrize("line", ["A line you could forward: Acme fills cancelled clinic slots.",
                                  "Forwardable blurb – Acme fills cancelled clinic slots.",
                                  "Blurb: Acme fills cancelled clinic slots."])
def test_the_line_written_for_forwarding_becomes_the_requesters_blurb(line):
    assert read_ask(f"Hi Dana,\n\n{line}\n\nThanks", "").requester_blurb == "Acme fills cancelled clinic slots."


def test_field_problems_name_every_fixable_field_in_plain_words():
    from introducer.spec import field_problems

    data = {"introducer": {"name": "Dana", "email": "dana@parkcap.example"},
            "requester": {"name": "Ann Lee", "email": "ann at acme"}, "target": {"name": "", "email": "dana@parkcap.example"},
            "context": "x" * 201}
    assert field_problems(data) == {
        "requester.email": "Ann's address looks incomplete: it should look like name@example.com.",
        "target.name": "Who they should meet: add a name.",
        "target.email": "That is your own address: you are the one introducing.",
        "context": "The context is 201 characters; keep it under 200 (it goes into the subject)."}
    data["requester"]["email"] = data["target"]["email"] = "ann@acme.example"
    data["target"]["name"], data["context"] = "Bob", "ok"
    assert field_problems(data) == {"target.email": "This is the requester's address too: they must be two different people."}
