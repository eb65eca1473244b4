"""Composing every email: recipients per step and mode, subjects, names, and the templates behind them."""
from __future__ import annotations

from email import policy as email_policy
from email import message_from_string

import pytest

from spec_helpers import make_spec
from jinja2 import TemplateRuntimeError, UndefinedError
from jinja2.exceptions import SecurityError

from introducer.domain import compose
from introducer.domain.compose import greeting_name
from introducer.domain.model import HandoffMode, Person, Policy, Role, Step, SubjectStyle
from introducer.mail.mime import build_message
from introducer.mail.port import OutgoingMessage
from introducer.templating import DEFAULT_DIR, JinjaRenderer

DANA = "dana@parkcap.com"
ANN = "ann@acme.io"
BOB = "bob@stonevc.com"


@pytest.fixture(scope="module")
def renderer():
    return JinjaRenderer()


def emails(people):
    return [p.email for p in people]


# Every message, as (step, function of spec/renderer/policy).
ALL_MESSAGES = [
    (Step.PERMISSION_REQUEST, lambda s, r, p: compose.permission_request(s, Role.TARGET, r, p)),
    (Step.PERMISSION_REQUEST, lambda s, r, p: compose.permission_request(s, Role.REQUESTER, r, p)),
    (Step.INTRO, compose.intro),
    (Step.HANDOFF, compose.handoff),
    (Step.HANDOFF, lambda s, r, p: compose.handoff(s, r, Policy(handoff_mode=HandoffMode.BCC_ONE))),
    (Step.CONSENT_BUMP, lambda s, r, p: compose.consent_bump(s, Role.TARGET, r, p)),
    (Step.REQUESTER_REMINDER, compose.requester_reminder),
    (Step.CLOSE_LOOP, compose.close_loop),
    (Step.DECLINE_NOTE, lambda s, r, p: compose.decline_note(s, r, p, Role.TARGET)),
    (Step.DECLINE_NOTE, lambda s, r, p: compose.decline_note(s, r, p, Role.REQUESTER)),
    (Step.EXPIRY_NOTE, compose.expiry_note),
]


@pytest.mark.parametrize("step, make", ALL_MESSAGES)
def test_every_template_renders_a_one_line_subject_a_text_part_and_an_html_part(renderer, step, make):
    msg = make(make_spec(), renderer, Policy())
    assert msg.step is step
    assert msg.subject and "\n" not in msg.subject
    assert msg.text.strip() and msg.text.endswith("\n") and "\n\n\n" not in msg.text
    assert "<p>" in msg.html
    for part in (msg.subject, msg.text, msg.html):
        assert "{{" not in part and "{%" not in part
    assert "Dana" in msg.text and "Dana" in msg.html  # signed by the introducer


def test_every_step_has_a_packaged_template():
    assert sorted(p.stem for p in DEFAULT_DIR.glob("*.j2")) == sorted(s.value for s in Step)


@pytest.mark.parametrize("make, to, cc, bcc, reply_to", [
    (lambda s, r, p: compose.permission_request(s, Role.TARGET, r, p), [BOB], [], [], []),
    (lambda s, r, p: compose.permission_request(s, Role.REQUESTER, r, p), [ANN], [], [], []),
    (compose.intro, [ANN, BOB], [], [], []),
    (compose.handoff, [ANN, BOB], [], [DANA], [ANN, BOB]),
    (lambda s, r, p: compose.handoff(s, r, Policy(handoff_mode=HandoffMode.BCC_ONE)),
     [ANN], [], [DANA, BOB], [ANN, BOB]),
    (lambda s, r, p: compose.handoff(s, r, Policy(handoff_mode=HandoffMode.BCC_ONE), Role.TARGET),
     [BOB], [], [DANA, ANN], [ANN, BOB]),
    (lambda s, r, p: compose.consent_bump(s, Role.TARGET, r, p), [BOB], [], [], []),
    (lambda s, r, p: compose.consent_bump(s, Role.REQUESTER, r, p), [ANN], [], [], []),
    (compose.requester_reminder, [ANN], [], [], []),
    (compose.close_loop, [ANN], [], [], []),
    (lambda s, r, p: compose.decline_note(s, r, p, Role.TARGET), [ANN], [], [], []),
    (lambda s, r, p: compose.decline_note(s, r, p, Role.REQUESTER), [BOB], [], [], []),
    (compose.expiry_note, [ANN], [], [], []),
], ids=["ask-target", "ask-requester", "intro", "handoff-step_out", "handoff-bcc_one",
        "handoff-bcc_one-target-next", "bump-target", "bump-requester", "reminder", "close_loop",
        "decline-by-target", "decline-by-requester", "expiry"])
def test_each_message_goes_to_exactly_the_people_the_etiquette_says(renderer, make, to, cc, bcc,
                                                                   reply_to):
    msg = make(make_spec(), renderer, Policy())
    assert (emails(msg.to), emails(msg.cc), emails(msg.bcc), emails(msg.reply_to)) == (
        to, cc, bcc, reply_to)


@pytest.mark.parametrize("style, expected", [
    (SubjectStyle.MEETS, "Intro: Ann Lee meets Bob Stone \u2013 healthcare go-to-market"),
    (SubjectStyle.ANGLE, "Intro: Ann Lee <> Bob Stone \u2013 healthcare go-to-market"),
])
def test_the_intro_subject_follows_the_chosen_style_with_an_en_dash(renderer, style, expected):
    assert compose.intro(make_spec(), renderer, Policy(subject_style=style)).subject == expected


@pytest.mark.parametrize("make, parent", [
    (compose.handoff, compose.intro),
    (compose.requester_reminder, compose.intro),
    (lambda s, r, p: compose.consent_bump(s, Role.TARGET, r, p),
     lambda s, r, p: compose.permission_request(s, Role.TARGET, r, p)),
])
def test_replies_carry_their_threads_subject_after_re(renderer, make, parent):
    spec = make_spec()
    assert make(spec, renderer, Policy()).subject == "Re: " + parent(spec, renderer, Policy()).subject


def test_the_intro_greets_by_first_name_and_names_the_requester_as_the_one_who_schedules(renderer):
    msg = compose.intro(make_spec(), renderer, Policy())
    assert msg.text.startswith("Hi Ann and Bob,\n")
    assert "I'll let Ann take it from here" in msg.text
    assert "an early look at a fast-growing clinic software company" in msg.text
    assert "advice on selling to clinics" in msg.html


def test_the_permission_request_tells_the_target_who_asks_why_and_how_to_decline(renderer):
    msg = compose.permission_request(make_spec(), Role.TARGET, renderer, Policy())
    assert msg.text.startswith("Hi Bob,\n")
    assert "Ann Lee, founder of Acme" in msg.text
    assert "healthcare go-to-market" in msg.text
    assert "an early look at a fast-growing clinic software company" in msg.text
    assert "No pressure at all" in msg.text


@pytest.mark.parametrize("name, first", [
    ("Ann Lee", "Ann"),
    ("Lee, Ann", "Ann"),
    ("Ann Lee, PhD", "Ann"),
    ('"Annie" Lee', "Annie"),
    ("Dr. Ann Lee", "Ann"),
    ("Zoë Ångström", "Zoë"),
    ("Seán O'Brien", "Seán"),
    ("", "ann"),
])
def test_greetings_use_the_first_name_whatever_shape_the_name_has(name, first):
    assert greeting_name(Person(name, "ann@acme.io")) == first


def test_names_with_commas_quotes_and_accents_survive_into_the_subject_and_headers(renderer):
    spec = make_spec(requester__name='Lee, "Annie" Zoë', target__name="Seán O'Brien-Ångström")
    msg = compose.intro(spec, renderer, Policy())
    assert msg.subject.startswith('Intro: Lee, "Annie" Zoë meets Seán O\'Brien-Ångström \u2013')
    assert msg.text.startswith("Hi Annie and Seán,")
    em = build_message(OutgoingMessage(key="k", to=msg.to, subject=msg.subject, text=msg.text,
                                       html=msg.html), sender=spec.introducer)
    back = message_from_string(em.as_string(), policy=email_policy.default)
    assert str(back["Subject"]) == msg.subject
    assert [(a.display_name, a.addr_spec) for a in back["To"].addresses] == [
        ('Lee, "Annie" Zoë', ANN), ("Seán O'Brien-Ångström", BOB)]


def test_values_are_escaped_in_the_html_part_and_left_alone_in_the_text(renderer):
    spec = make_spec(requester__blurb="founder of <b>Acme</b> & Co")
    msg = compose.intro(spec, renderer, Policy())
    assert "founder of <b>Acme</b> & Co" in msg.text
    assert "founder of &lt;b&gt;Acme&lt;/b&gt; &amp; Co" in msg.html


def test_one_click_consent_links_appear_in_both_parts(renderer):
    links = {"yes": "https://app.example/c/yes?t=1&u=2", "no": "https://app.example/c/no?t=1"}
    msg = compose.permission_request(make_spec(), Role.TARGET, renderer, Policy(), consent_links=links)
    assert links["yes"] in msg.text and links["no"] in msg.text
    assert 'href="https://app.example/c/yes?t=1&amp;u=2"' in msg.html


@pytest.mark.parametrize("links", [
    {"yes": "javascript:alert(1)", "no": "https://a.example/n"},
    {"yes": "https://a.example/y"},
    {"yes": "https://a.example/y z", "no": "https://a.example/n"},
])
def test_consent_links_must_be_a_yes_and_a_no_web_link(renderer, links):
    with pytest.raises(ValueError, match="consent_links"):
        compose.permission_request(make_spec(), Role.TARGET, renderer, Policy(), consent_links=links)


def test_a_file_in_the_override_directory_replaces_the_packaged_wording(tmp_path):
    (tmp_path / "close_loop.j2").write_text(
        "{% block subject %}How did it go?{% endblock %}"
        "{% block text %}Hey {{ requester.first_name }}, how did it go?{% endblock %}"
        "{% block html %}<p>Hey {{ requester.first_name }}</p>{% endblock %}")
    msg = compose.close_loop(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy())
    assert (msg.subject, msg.text, msg.html) == ("How did it go?", "Hey Ann, how did it go?\n",
                                                "<p>Hey Ann</p>\n")
    # the other templates still come from the package
    assert compose.intro(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy()).subject.startswith(
        "Intro: Ann Lee meets Bob Stone")


def test_an_override_can_extend_the_packaged_template_and_change_one_block(tmp_path):
    (tmp_path / "intro.j2").write_text(
        '{% extends "default/intro.j2" %}'
        "{% block subject %}Introduction: {{ requester.name }} and {{ target.name }}{% endblock %}")
    msg = compose.intro(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy())
    assert msg.subject == "Introduction: Ann Lee and Bob Stone"
    assert "I'll let Ann take it from here" in msg.text and "<p>" in msg.html


def test_a_misspelt_variable_fails_loudly_instead_of_sending_a_blank(tmp_path):
    (tmp_path / "intro.j2").write_text(
        '{% extends "default/intro.j2" %}{% block subject %}Intro: {{ requestor.name }}{% endblock %}')
    with pytest.raises(UndefinedError, match="requestor"):
        compose.intro(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy())


def test_a_template_without_an_html_block_is_reported_by_name(tmp_path):
    (tmp_path / "expiry_note.j2").write_text(
        "{% block subject %}S{% endblock %}{% block text %}T{% endblock %}")
    with pytest.raises(TemplateRuntimeError, match=r"expiry_note\.j2 has no \{% block html %\}"):
        compose.expiry_note(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy())


def test_templates_cannot_reach_python_internals(tmp_path):
    (tmp_path / "expiry_note.j2").write_text(
        "{% block subject %}{{ ''.__class__.__mro__ }}{% endblock %}"
        "{% block text %}T{% endblock %}{% block html %}H{% endblock %}")
    with pytest.raises(SecurityError):
        compose.expiry_note(make_spec(), JinjaRenderer(override_dir=tmp_path), Policy())


def test_a_missing_override_directory_is_an_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        JinjaRenderer(override_dir=tmp_path / "nope")
