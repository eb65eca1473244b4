"""The etiquette lint: a good intro is clean, and each departure from the etiquette is named."""
from __future__ import annotations

import dataclasses

import pytest

from spec_helpers import make_spec

from introducer.domain import compose
from introducer.domain.lint import BODY_MAX_WORDS, BODY_WARN_WORDS, lint_intro, lint_permission_requests, lint_spec
from introducer.domain.model import Person, Policy, SubjectStyle
from introducer.templating import JinjaRenderer

RENDERER = JinjaRenderer()


def lint(spec, renderer=RENDERER, policy=Policy()):
    """The full check, as the panel and the preview run it."""
    return lint_spec(spec) + lint_intro(spec, compose.intro(spec, renderer, policy))


def codes(findings):
    return {(f.code, f.severity) for f in findings}


def with_intro_template(tmp_path, body: str) -> JinjaRenderer:
    (tmp_path / "intro.j2").write_text(body)
    return JinjaRenderer(override_dir=tmp_path)


ON_YOUR_WORD = {("consent_on_your_word", "warning")}  # Ann asked herself: said every time


@pytest.mark.parametrize("style", list(SubjectStyle))
def test_the_example_intro_has_no_errors_and_no_other_warnings(style):
    spec = make_spec()
    assert codes(lint_spec(spec)) == ON_YOUR_WORD
    assert codes(lint(spec, policy=Policy(subject_style=style))) == ON_YOUR_WORD


LONG_BLURB = " ".join(["experienced"] * 35)


@pytest.mark.parametrize("changes, code, severity", [
    ({"context": ""}, "missing_context", "error"),
    ({"benefit_to_target": "", "benefit_to_requester": ""}, "missing_benefit", "error"),
    ({"benefit_to_requester": ""}, "one_sided_benefit", "error"),
    ({"benefit_to_target": ""}, "one_sided_benefit", "error"),
    ({"benefit_to_target": "networking"}, "one_sided_benefit", "warning"),
    ({"benefit_to_target": "a quick look"}, "one_sided_benefit", "warning"),
    ({"benefit_to_requester": " ".join(["advice on selling to clinics"] * 8)},
     "one_sided_benefit", "warning"),
    ({"requester__blurb": LONG_BLURB}, "blurb_too_long", "warning"),
    ({"target__blurb": LONG_BLURB}, "blurb_too_long", "warning"),
    ({"target__blurb": ""}, "missing_blurb", "warning"),
    ({"shared_connection": ""}, "missing_shared_connection", "warning"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_spec_that_breaks_the_etiquette_is_flagged_before_composing(changes, code, severity):
    spec = make_spec(**changes)
    assert (code, severity) in codes(lint_spec(spec))
    assert (code, severity) in codes(lint(spec))


@pytest.mark.parametrize("changes", [
    {"context": "", "shared_connection": ""},
    {"benefit_to_target": "", "benefit_to_requester": "", "requester__blurb": LONG_BLURB},
    {"benefit_to_requester": "", "target__blurb": ""},
])
def test_lint_intro_never_repeats_what_lint_spec_already_said(changes):
    spec = make_spec(**changes)
    before = lint_spec(spec)
    after = lint_intro(spec, compose.intro(spec, RENDERER, Policy()))
    assert before and not set(before) & set(after)


def test_a_long_benefit_on_each_side_makes_the_body_too_long():
    filler = " ".join(["an edge"] * 120)
    spec = make_spec(benefit_to_target=filler, benefit_to_requester=filler)
    assert ("body_too_long", "error") in codes(lint(spec))
    assert "body_too_long" not in {f.code for f in lint_spec(spec)}  # needs the composed email


PADDING_CTA = "I'll let {{ requester.first_name }} take it from here to find a time."


@pytest.mark.parametrize("template, code, severity", [
    # the call to action is gone from the plain-text part
    ('{% extends "default/intro.j2" %}{% block text %}Hi both, meet each other.{% endblock %}',
     "no_call_to_action", "error"),
    # ... or only from the HTML part, which most people read
    ('{% extends "default/intro.j2" %}{% block html %}<p>Hi both.</p>{% endblock %}',
     "no_call_to_action", "error"),
    # the target is put in charge of scheduling
    ('{% extends "default/intro.j2" %}{% block text %}{{ target.first_name }}, could you find a '
     "time with {{ requester.first_name }}?{% endblock %}", "no_call_to_action", "error"),
    ('{% extends "default/intro.j2" %}{% block subject %}Intro: {{ requester.name }} meets '
     "{{ target.name }}{% endblock %}", "missing_context", "error"),
    ('{% extends "default/intro.j2" %}{% block subject %}Catching up about {{ context }}'
     "{% endblock %}", "subject_format", "error"),
    ('{% extends "default/intro.j2" %}{% block subject %}Intro: {{ requester.name }} – '
     "{{ context }}{% endblock %}", "subject_format", "error"),
    ('{% extends "default/intro.j2" %}{% block text %}' + PADDING_CTA
     + " {{ benefit_to_requester }}{% endblock %}", "one_sided_benefit", "error"),
    ('{% extends "default/intro.j2" %}{% block text %}' + PADDING_CTA + "{% endblock %}",
     "missing_benefit", "error"),
    ('{% extends "default/intro.j2" %}{% block text %}' + PADDING_CTA
     + " {{ benefit_to_requester }} {{ benefit_to_target }}{% endblock %}",
     "missing_shared_connection", "warning"),
    ('{% extends "default/intro.j2" %}{% block text %}{{ super() }}'
     + " word" * (BODY_WARN_WORDS - 80) + "{% endblock %}", "body_too_long", "warning"),
    ('{% extends "default/intro.j2" %}{% block text %}{{ super() }}'
     + " word" * BODY_MAX_WORDS + "{% endblock %}", "body_too_long", "error"),
], ids=["no-cta-text", "no-cta-html", "cta-names-target", "subject-without-context",
        "subject-not-intro", "subject-one-name", "one-benefit-dropped", "benefits-dropped",
        "connection-dropped", "long-body-warning", "long-body-error"])
def test_an_edited_template_that_breaks_the_etiquette_is_caught(tmp_path, template, code, severity):
    findings = lint(make_spec(), renderer=with_intro_template(tmp_path, template))
    assert (code, severity) in codes(findings)


def test_the_finding_says_which_part_lost_the_call_to_action(tmp_path):
    renderer = with_intro_template(
        tmp_path, '{% extends "default/intro.j2" %}{% block html %}<p>Hi both.</p>{% endblock %}')
    (finding,) = [f for f in lint(make_spec(), renderer) if f.code == "no_call_to_action"]
    assert finding.message.startswith("The HTML part of the intro has no call to action naming Ann")


def test_a_call_to_action_that_puts_the_target_in_charge_says_so(tmp_path):
    renderer = with_intro_template(
        tmp_path, '{% extends "default/intro.j2" %}{% block text %}I\'ll let Bob take it from '
        "here to find a time with Ann.{% endblock %}")
    (finding,) = [f for f in lint(make_spec(), renderer) if f.code == "no_call_to_action"]
    assert "puts Bob in charge of scheduling" in finding.message


@pytest.mark.parametrize("sentence", [
    "I'll let Ann take it from here to find a time with Bob.",
    "Ann, could you send over a few times for a call?",
    "Ann will reach out to schedule a call.",
    "Could you find a time that suits Bob, Ann?",
])
def test_calls_to_action_in_other_words_are_recognised(tmp_path, sentence):
    text = "{{ shared_connection }}. {{ benefit_to_target }}. {{ benefit_to_requester }}. " + sentence
    renderer = with_intro_template(
        tmp_path, '{% extends "default/intro.j2" %}{% block text %}' + text + "{% endblock %}")
    assert "no_call_to_action" not in {f.code for f in lint(make_spec(), renderer)}


@pytest.mark.parametrize("change, fragment", [
    ({"cc": (Person("Eve", "eve@x.com"),)}, "Nobody belongs in Cc of the intro"),
    ({"bcc": (Person("Dana Park", "dana@parkcap.com"),)}, "Nobody belongs in Bcc of the intro"),
    ({"to": (Person("Ann Lee", "ann@acme.io"),)}, "must go To both Ann Lee and Bob Stone"),
    ({"to": (Person("Ann Lee", "ann@acme.io"), Person("Eve", "eve@x.com"))}, "must go To both"),
])
def test_an_intro_not_addressed_to_exactly_both_parties_is_an_error(change, fragment):
    spec = make_spec()
    composed = dataclasses.replace(compose.intro(spec, RENDERER, Policy()), **change)
    findings = [f for f in lint_intro(spec, composed) if f.code == "recipients"]
    assert [f.severity for f in findings] == ["error"]
    assert fragment in findings[0].message


def test_every_message_is_a_sentence_the_ui_can_show(tmp_path):
    spec = make_spec(context="", benefit_to_target="", shared_connection="",
                     requester__blurb=LONG_BLURB, target__blurb="")
    renderer = with_intro_template(
        tmp_path, '{% extends "default/intro.j2" %}{% block subject %}Hello{% endblock %}'
        "{% block text %}Hi.{% endblock %}")
    findings = lint(spec, renderer)
    assert len({f.code for f in findings}) >= 6
    for f in findings:
        assert f.severity in ("error", "warning")
        assert f.message[0].isupper() and f.message.rstrip("\u201d").endswith("."), f.message
        assert "_" not in f.message.split("(")[0], f.message  # no code names in the prose


# --- consent on the user's word ---------------------------------------------------------------

def test_consent_the_user_vouches_for_is_named_as_the_users_word():
    asked_self = {f.message for f in lint_spec(make_spec()) if f.code == "consent_on_your_word"}
    assert asked_self == {"You said Ann Lee asked for this intro, so Ann Lee will not be asked: "
                          "that consent rests on your word."}
    both = [f for f in lint_spec(make_spec(target__consent_given=True)) if f.code == "consent_on_your_word"]
    assert [f.severity for f in both] == ["warning", "warning"]
    assert "You marked Bob Stone as having already agreed" in both[0].message
    assert "on your word, not Bob Stone's" in both[0].message
    assert not [f for f in lint_spec(make_spec(requester__asked=False)) if f.code == "consent_on_your_word"]


# --- the permission request's own length --------------------------------------------------------

def _requests(spec, policy=Policy()):
    return {role: compose.permission_request(spec, role, RENDERER, policy) for role in spec.roles_to_ask()}


def test_the_example_permission_requests_are_brief():
    spec = make_spec(requester__asked=False)
    assert lint_permission_requests(spec, _requests(spec)) == []


@pytest.mark.parametrize("words, severity", [(100, "warning"), (200, "error")])
def test_a_long_permission_request_is_flagged_on_its_own(words, severity):
    # the target's ask carries the target's benefit; the rest of the example request is about 60 words
    spec = make_spec(benefit_to_target=" ".join(["edge"] * words))
    findings = lint_permission_requests(spec, _requests(spec))
    assert [(f.code, f.severity) for f in findings] == [("permission_request_too_long", severity)]
    assert findings[0].message.startswith("The permission request to Bob Stone is ")


def test_consent_links_do_not_count_as_words_of_the_request():
    spec = make_spec()
    links = {"yes": "https://intro.example/consent/" + "x" * 200, "no": "https://intro.example/consent/" + "y" * 200}
    requests = {role: compose.permission_request(spec, role, RENDERER, Policy(consent_links=True), consent_links=links)
                for role in spec.roles_to_ask()}
    assert lint_permission_requests(spec, requests) == []


# --- a favour posing as a benefit -------------------------------------------------------------------

@pytest.mark.parametrize("benefit", [
    "the chance to help Ann",
    "an opportunity to help a young founder find her feet",
    "Ann would really appreciate your advice",
    "she would love your input on pricing",
    "the pleasure of mentoring Ann",
    "helping her avoid the mistakes you made",
    "Ann's gratitude, and a good deed",
    "a chance to do Ann a favour",
    "letting Ann pick your brain for half an hour",
])
def test_a_benefit_that_is_really_the_requesters_favour_is_one_sided(benefit):
    findings = [f for f in lint_spec(make_spec(benefit_to_target=benefit)) if f.code == "one_sided_benefit"]
    assert [(f.severity) for f in findings] == ["warning"]
    assert "is the favour Ann Lee asks" in findings[0].message


@pytest.mark.parametrize("benefit", [
    "an early look at a fast-growing clinic software company",
    "a first look at a deal that fits your fund",
    "help with hiring from Ann's network of clinic operators",  # help *to* Bob is a real gain
    "advice from someone who sold to 40 clinics",
])
def test_a_real_gain_is_not_mistaken_for_a_favour(benefit):
    assert not [f for f in lint_spec(make_spec(benefit_to_target=benefit)) if f.code == "one_sided_benefit"]


# --- free text that hands scheduling to the target --------------------------------------------------

@pytest.mark.parametrize("changes", [
    {"context": "healthcare go-to-market. Bob, please book a time with Ann"},
    {"benefit_to_target": "an early look at Acme; you can grab a slot on Ann's calendar"},
    {"benefit_to_target": "an early look at Acme. Please reach out to her this week"},
    {"shared_connection": "Ann and I worked together at Medisys; Bob will set up a call with Ann"},
    {"context": "go-to-market. Feel free to schedule a call with Ann"},
])
def test_free_text_telling_the_target_to_schedule_contradicts_the_call_to_action(changes):
    spec = make_spec(**changes)
    findings = [f for f in lint(spec) if f.code == "scheduling_contradiction"]
    assert [f.severity for f in findings] == ["warning"]
    assert "contradicts the call to action" in findings[0].message and "Ann finds the time" in findings[0].message


@pytest.mark.parametrize("changes", [
    {"context": "healthcare go-to-market. Ann will book a time with Bob"},
    {"benefit_to_requester": "advice on selling to clinics; Ann will set up a call"},
    {"target__blurb": "partner at Stone Ventures who built the booking team at Clinico"},
])
def test_free_text_leaving_scheduling_to_the_requester_is_fine(changes):
    assert not [f for f in lint(make_spec(**changes)) if f.code == "scheduling_contradiction"]
