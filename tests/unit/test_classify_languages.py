"""Focused tests for the multilingual phrase tables, irony and hostility, and the shared classify path."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from introducer.classifier import Reply, body_text, classify, classify_item
from introducer.domain.classify import classify_text
from introducer.domain.model import Verdict
from introducer.domain.out_of_office import return_date
from introducer.domain.phrases import LANGUAGES, detect
from introducer.mail.reply_text import strip_reply

RECEIVED = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)  # a Tuesday


@pytest.mark.parametrize("text", [
    "Oh sure, because what I really need this quarter is another quick chat with a crypto founder 🙄",
    "Yeah right. Sure, when pigs fly.",
    "Oh absolutely … /s",
    "Yes, please stop emailing me about this.",
    "Happy to chat with you about it, Dana, but not with her.",
    "Ja klar, genau darauf habe ich gewartet… 🙄",
    "Sí, deja de escribirme sobre esto, por favor.",
    "はいはい、喜んで（笑）",
])
def test_irony_hostility_and_a_yes_aimed_elsewhere_are_never_consent(text):
    assert classify_text(text).verdict in (Verdict.NO, Verdict.UNCLEAR)


@pytest.mark.parametrize("text, expected", [
    ("Looking forward to it.", Verdict.YES),
    ("I'm going to pass. Happy to help with something else down the line", Verdict.NO),
    ("To be honest I'm not comfortable being introduced.", Verdict.NO),
    ("Yes, please stop emailing me about this.", Verdict.NO),
    ("Yes, happy to.\n\nIf you are not the intended recipient, please delete this message.", Verdict.YES),
])
def test_the_smaller_misses_are_read_as_a_person_would(text, expected):
    assert classify_text(text).verdict is expected


def test_a_person_saying_they_will_reply_when_back_is_unclear_not_an_automatic_reply():
    text = "I'm travelling this week — will reply properly when I'm back"
    assert classify_text(text, subject="Re: Quick intro question").verdict is Verdict.UNCLEAR
    assert classify_text(text, headers={"auto-submitted": "auto-replied"}).verdict is Verdict.AUTO_REPLY


@pytest.mark.parametrize("text, language, expected", [
    ("Oui, avec plaisir ! Tu peux nous mettre en relation.", "fr", Verdict.YES),
    ("Non merci, ce n'est pas vraiment mon domaine.", "fr", Verdict.NO),
    ("Ja, sehr gerne!", "de", Verdict.YES),
    ("Danke, aber ich muss leider absagen.", "de", Verdict.NO),
    ("Claro que sí, encantado.", "es", Verdict.YES),
    ("Quizás. Déjame pensarlo.", "es", Verdict.UNCLEAR),
    ("Com certeza, pode apresentar.", "pt", Verdict.YES),
    ("Sim, desde que seja rápido.", "pt", Verdict.UNCLEAR),
    ("Volentieri, presentaci pure.", "it", Verdict.YES),
    ("Purtroppo non posso.", "it", Verdict.NO),
    ("Ja, graag! Stel ons maar voor.", "nl", Verdict.YES),
    ("Ik zet mijn collega in de cc.", "nl", Verdict.UNCLEAR),
    ("はい、ぜひお願いします。", "ja", Verdict.YES),
    ("今回は遠慮させていただきます。", "ja", Verdict.NO),
])
def test_each_language_reads_yes_no_and_unclear(text, language, expected):
    assert detect(text) == language
    assert classify_text(text).verdict is expected


def test_every_language_has_a_phrase_table_with_quote_headers():
    assert set(LANGUAGES) == {"en", "fr", "de", "es", "pt", "it", "nl", "ja"}
    assert all(lang.cues and lang.quote_headers and lang.subjects for lang in LANGUAGES.values())


@pytest.mark.parametrize("header", [
    "Le mar. 1 déc. 2026 à 09:14, Dana Whitfield <dana@whitfield.co> a écrit :",
    "Am Di., 1. Dez. 2026 um 09:14 Uhr schrieb Dana Whitfield <dana@whitfield.co>:",
    "El mar, 1 dic 2026 a las 9:14, Dana Whitfield (<dana@whitfield.co>) escribió:",
    "Em ter., 1 de dez. de 2026 às 09:14, Dana Whitfield <dana@whitfield.co> escreveu:",
    "Il giorno mar 1 dic 2026 alle ore 09:14 Dana Whitfield <dana@whitfield.co> ha scritto:",
    "Op di 1 dec 2026 om 09:14 schreef Dana Whitfield <dana@whitfield.co>:",
    "2026年12月1日 9:14 Dana Whitfield <dana@whitfield.co>に書きました:",
])
def test_each_language_quote_header_cuts_the_history(header):
    text = f"Avec plaisir.\n\n{header}\nWould you like an intro? A simple no is fine.\n"
    assert strip_reply(text) == "Avec plaisir."


@pytest.mark.parametrize("text, expected", [
    ("Je suis absent jusqu'au 7 décembre.", date(2026, 12, 7)),
    ("Ich bin bis einschließlich 11.12.2026 nicht im Büro.", date(2026, 12, 12)),
    ("Estoy fuera hasta el 9 de diciembre.", date(2026, 12, 9)),
    ("Ik ben afwezig tot en met 11 december.", date(2026, 12, 12)),
    ("12月7日まで不在にしております。", date(2026, 12, 8)),
])
def test_return_dates_are_read_in_each_language(text, expected):
    assert return_date(text, RECEIVED) == expected


def test_the_shared_path_reads_the_sender_and_subject_from_the_headers():
    bounce = {"text": "Sorry, we were unable to deliver your message to the following address.",
              "headers": {"From": "MAILER-DAEMON@yahoo.com", "Subject": "Failure Notice"}}
    result = classify_item(bounce)
    assert (result.verdict, result.bounce) == (Verdict.AUTO_REPLY, True)


def test_the_shared_path_turns_html_into_text_and_strips_the_quote():
    html = ('<div dir="ltr">Oui, avec plaisir !</div><div class="gmail_quote">Le mar. 1 déc. 2026 à 09:14, '
            'Dana &lt;dana@x.co&gt; a écrit :<br><blockquote>Non, merci ?</blockquote></div>')
    assert classify_item({"html": html}).verdict is Verdict.YES
    assert classify(Reply(text=html)).verdict is Verdict.YES  # HTML pasted as text reads the same
    assert body_text("<style>p{color:red}</style><p>Yes</p>") == "Yes"


@pytest.mark.parametrize("item", [{}, {"text": 3}, {"text": "Yes", "headers": []}, ["Yes"],
                                  {"text": "Yes", "received_at": "yesterday"}])
def test_a_malformed_item_is_refused_with_a_clear_error(item):
    with pytest.raises((ValueError, TypeError)):
        classify_item(item)
