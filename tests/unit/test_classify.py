"""Focused tests for reply stripping, verdicts, automatic-reply detection and return dates."""
from __future__ import annotations

import time
from datetime import date, datetime, timezone

import pytest

from introducer.classifier import classify_reply
from introducer.domain.classify import Classification, classify_text
from introducer.domain.model import Verdict
from introducer.domain.out_of_office import return_date
from introducer.mail.reply_text import strip_reply

ASK = "Would you like me to introduce you to Ann? A simple no is fine."
RECEIVED = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)  # a Tuesday


# ------------------------------------------------------------------ strip_reply

@pytest.mark.parametrize("quoted", [
    f"On Mon, Dec 1, 2026 at 9:00 AM Ann Lee <ann@x.com> wrote:\n> {ASK}\n",
    f"On Mon, Dec 1, 2026 at 9:00 AM Ann Catherine Lee-Whitfield\n<ann.catherine@example-company.com>\n"
    f"wrote:\n> {ASK}\n",
    f"From: Ann Lee <ann@x.com>\nSent: Monday, December 1, 2026 9:00 AM\nTo: Sam <sam@y.com>\n"
    f"Subject: Intro?\n\n{ASK}\n",
    f"-----Original Message-----\nFrom: Ann Lee [mailto:ann@x.com]\nSent: Monday\nTo: Sam\n"
    f"Subject: Intro?\n\n{ASK}\n",
    f"________________________________\nFrom: Ann Lee <ann@x.com>\nSent: Monday\nTo: Sam\n"
    f"Subject: Intro?\n\n{ASK}\n",
    f"*From:* Ann Lee <ann@x.com>\n*Sent:* Monday, December 1, 2026\n*To:* Sam\n*Subject:* Intro?\n\n{ASK}\n",
    f"-------- Original message --------\nFrom: Ann Lee <ann@x.com>\nDate: 12/1/26 9:00 AM (GMT-05:00)\n"
    f"To: Sam\n\n{ASK}\n",
    f"> {ASK}\n> No pressure.\n",
], ids=["gmail", "gmail-wrapped", "outlook", "original-message", "outlook-separator", "bold-headers",
        "android", "angle-quotes"])
def test_strip_reply_keeps_only_the_new_text_above_each_quote_style(quoted):
    assert strip_reply(f"Sounds good, go ahead.\n\n{quoted}") == "Sounds good, go ahead."


@pytest.mark.parametrize("footer", [
    "Sent from my iPhone", "Get Outlook for iOS", "Sent from my Galaxy", "Sent from Outlook for Android",
    "-- \nSam Lee\nVP Sales | Acme\n+1 555 0100",
    "Best,\nSam Lee\nHead of Growth, Lumen Labs\n+44 20 7946 0958",
    "Thanks,\nOmar",
    "- Mia",
])
def test_strip_reply_removes_mobile_footers_and_signatures(footer):
    assert strip_reply(f"Yes please!\n\n{footer}\n") == "Yes please!"


def test_strip_reply_keeps_a_sentence_that_merely_starts_like_a_sign_off():
    text = "Hi Ann,\n\nThanks, but I'll pass this time.\n\nSam\n"
    assert "I'll pass this time" in strip_reply(text)


def test_strip_reply_keeps_text_after_a_thank_you_line_that_is_not_a_signature():
    assert "Yes, go ahead." in strip_reply("Hi Ann,\n\nThanks!\n\nYes, go ahead.\n")


def test_strip_reply_keeps_inline_answers_between_quoted_lines():
    text = f"> {ASK}\n\nYes, absolutely.\n\n> She is raising a seed round.\n\nHappy to look at the deck.\n"
    assert strip_reply(text) == "Yes, absolutely.\n\nHappy to look at the deck."


def test_strip_reply_returns_nothing_when_nothing_was_written_above_the_quote():
    assert strip_reply("\n\nOn Mon, Dec 1, 2026 at 9:00 AM Ann <a@x.com> wrote:\n> Yes, happy to!\n") == ""


@pytest.mark.parametrize("odd", [None, 42, b"yes", "", "   ", "\r\n\r\n", "--", ">", "\x00\x01", "\u200b",
                                 "_" * 5000, "On wrote:" * 300, "From: x\nSent: y\n" * 500])
def test_strip_reply_and_classify_reply_never_raise_on_odd_input(odd):
    assert isinstance(strip_reply(odd), str)
    assert classify_reply(odd).verdict in set(Verdict)


def test_strip_reply_stays_fast_on_pathological_input():
    started = time.perf_counter()
    strip_reply(" \n" * 50_000 + "x" * 100_000)
    classify_reply("\n" * 50_000)
    assert time.perf_counter() - started < 5


# ------------------------------------------------------------------ verdicts

@pytest.mark.parametrize("text, expected", [
    ("I'd love to, but I can't right now", Verdict.NO),
    ("no problem, happy to", Verdict.YES),
    ("Not right now, sorry", Verdict.NO),
    ("Sure, but what's this about?", Verdict.UNCLEAR),
    ("Yes please!", Verdict.YES),
    ("Happy to chat", Verdict.YES),
    ("Let me think about it", Verdict.UNCLEAR),
    ("Can we do it in January?", Verdict.UNCLEAR),
    ("I'll pass", Verdict.NO),
    ("not interested", Verdict.NO),
    ("absolutely, go ahead", Verdict.YES),
    ("no thanks", Verdict.NO),
    ("sounds great, but not until Q2", Verdict.UNCLEAR),
    ("Adding my colleague Sam who handles this", Verdict.UNCLEAR),
    ("Happy to, as long as it's short", Verdict.UNCLEAR),
    ("Why not? Happy to.", Verdict.YES),
    ("Can't wait to meet her!", Verdict.YES),
    ("I'm not keen, to be honest.", Verdict.NO),
    ("Sorry for the slow reply! Yes, go ahead.", Verdict.YES),
])
def test_classify_text_reads_negations_questions_and_conditions(text, expected):
    assert classify_text(text).verdict is expected


@pytest.mark.parametrize("text", [
    "Absolutely not.", "Please do not share my email with her.", "Sure, but not this month.",
    "Sounds interesting, but no.", "I'm happy with our current vendor, thanks.",
    "Yes, pending approval from legal.",
    "Yes, I saw it. Not interested though.", "Happy to - once she has closed her round.", "Maybe, yes.",
    "Yes, happy to help when I return. I'm out of the office until Monday.",
])
def test_classify_text_never_reads_a_qualified_or_negated_affirmative_as_yes(text):
    assert classify_text(text).verdict is not Verdict.YES


def test_classify_text_says_why():
    result = classify_text("I'd love to, but I can't right now")
    assert isinstance(result, Classification) and "can't" in result.reason


def test_an_empty_reply_is_unclear():
    assert classify_text("").verdict is Verdict.UNCLEAR


# ------------------------------------------------------------------ automatic replies

@pytest.mark.parametrize("headers", [
    {"auto-submitted": "auto-replied"}, {"auto-submitted": "auto-generated"}, {"x-autoreply": "yes"},
    {"x-autorespond": "Thanks"}, {"precedence": "auto_reply"}, {"precedence": "bulk"}, {"precedence": "junk"},
    {"content-type": "multipart/report; report-type=delivery-status"},
])
def test_automatic_headers_make_any_body_an_automatic_reply(headers):
    assert classify_text("Yes, happy to!", headers=headers).verdict is Verdict.AUTO_REPLY


@pytest.mark.parametrize("headers", [
    {"x-auto-response-suppress": "All"}, {"x-ms-exchange-inbox-rules-loop": "sam@x.com"},
])
def test_exchange_suppression_headers_alone_do_not_hide_a_persons_answer(headers):
    assert classify_text("Yes, happy to!", headers=headers).verdict is Verdict.YES
    assert classify_text("I'm away on vacation this week.", headers=headers).verdict is Verdict.AUTO_REPLY
    assert classify_text("I'm away on vacation this week.").verdict is not Verdict.AUTO_REPLY


def test_auto_submitted_no_is_a_person_writing():
    assert classify_text("Yes, happy to!", headers={"auto-submitted": "no"}).verdict is Verdict.YES


@pytest.mark.parametrize("sender", [
    "MAILER-DAEMON@mx.example.net", "Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
    "postmaster@contoso.com", "no-reply@support.example.com",
])
def test_system_senders_are_automatic(sender):
    assert classify_text("Sure", sender=sender).verdict is Verdict.AUTO_REPLY


@pytest.mark.parametrize("subject", [
    "Automatic reply: Intro?", "Out of Office: Intro?", "Auto: Intro?", "Undeliverable: Intro?",
    "Delivery Status Notification (Failure)", "Mail delivery failed: returning message to sender",
    "RE: Out of office",
])
def test_automatic_subjects_are_recognised(subject):
    assert classify_text("Yes", subject=subject).verdict is Verdict.AUTO_REPLY


def test_a_person_mentioning_a_vacation_is_not_an_automatic_reply():
    result = classify_text("Yes, happy to! Heads up that I'm on vacation until the 7th, so I may be slow.")
    assert result.verdict is Verdict.YES


def test_an_out_of_office_notice_in_the_body_is_an_automatic_reply_with_its_return_date():
    body = "I'm out of the office on parental leave, returning 12/7. In my absence please contact Jo."
    result = classify_text(body, received_at=RECEIVED)
    assert (result.verdict, result.return_date) == (Verdict.AUTO_REPLY, date(2026, 12, 7))
    assert "out-of-office" in result.reason


def test_classify_reply_finds_a_notice_that_stripping_removed():
    text = ("From: Sam <sam@x.com>\nSent: Tuesday, December 1, 2026\nTo: Dana\nSubject: Out of office\n\n"
            "I am out of the office until December 7 and will reply on my return.\n")
    result = classify_reply(text, subject="Re: Intro?", received_at=RECEIVED)
    assert (result.verdict, result.return_date) == (Verdict.AUTO_REPLY, date(2026, 12, 7))


def test_classify_reply_never_takes_a_yes_from_the_quoted_history():
    quote = "On Thu, Dec 3, 2026 at 11:30 AM Dana <d@x.com> wrote:\n> Yes, she'd love to!\n"
    assert classify_reply(f"Unfortunately I don't have the bandwidth.\n\n{quote}").verdict is Verdict.NO
    assert classify_reply(f"\n\n{quote}").verdict is Verdict.UNCLEAR


# ------------------------------------------------------------------ return dates

@pytest.mark.parametrize("phrase, expected", [
    ("I'll be back on Monday, December 7.", date(2026, 12, 7)),
    ("Returning 12/7.", date(2026, 12, 7)),
    ("Out until 7 December 2026.", date(2026, 12, 7)),
    ("Back in the office on the 7th.", date(2026, 12, 7)),
    ("Away until 2027-01-04.", date(2027, 1, 4)),
    ("Out of office until Monday.", date(2026, 12, 7)),
    ("I'm away until Tuesday.", date(2026, 12, 8)),  # received on a Tuesday: the next one
    ("Back on Monday 4th January 2027.", date(2027, 1, 4)),
    ("Out until Jan 4.", date(2027, 1, 4)),  # no year: the next 4 January
    ("Out Dec 1 through Dec 4.", date(2026, 12, 5)),  # a 'through' range ends the day before they are back
    ("Bis zum 07.12.2026 nicht im B\u00fcro.", date(2026, 12, 7)),
    ("Returning tomorrow.", date(2026, 12, 2)),
    ("Out until further notice.", None),
    ("Out of office.", None),
    ("Back on 31/02.", None),
    ("Back on 1 March 2020.", None),  # a stale notice, already past
])
def test_return_date_resolves_against_the_received_time(phrase, expected):
    assert return_date(phrase, RECEIVED) == expected


def test_without_a_received_time_only_full_dates_resolve():
    assert return_date("Back on 7 December 2026.") == date(2026, 12, 7)
    assert return_date("Back on Monday.") is None
    assert return_date("Back on the 7th.") is None


def test_an_absence_mentioned_in_the_quoted_thread_does_not_turn_a_question_into_an_automatic_reply():
    quote = ("On Tue, Dec 1, 2026 at 9:14 AM Dana <d@x.com> wrote:\n> Would you like an intro to Ann? I'm out of\n"
             "> the office next week, so no rush: I'll read replies when I'm back.\n")
    assert classify_reply(f"Sure, but who is she?\n\n{quote}").verdict is Verdict.UNCLEAR


@pytest.mark.parametrize("headers, subject, sender, body, bounce", [
    ({"auto-submitted": "auto-replied", "content-type": "multipart/report; report-type=delivery-status"},
     "Delivery Status Notification (Failure)", "mailer-daemon@sandbox.example", "Address not found", True),
    ({}, "Undeliverable: Open to meeting Ann?", "postmaster@contoso.example", "Your message couldn't be delivered.", True),
    ({"x-failed-recipients": "nobody@gone.invalid"}, "Mail delivery failed", "mail@relay.example", "", True),
    ({"auto-submitted": "auto-replied"}, "Automatic reply: Open to meeting Ann?", "carol@clinico.example",
     "I'm out of the office until December 7 with limited access to email.", False),
    ({"x-autoreply": "yes"}, "Out of Office", "bob@stonevc.example", "I am away on vacation, back on Monday.", False),
])
def test_a_bounce_is_told_apart_from_an_out_of_office_notice(headers, subject, sender, body, bounce):
    result = classify_reply(body, headers, subject, sender)
    assert result.verdict is Verdict.AUTO_REPLY
    assert result.bounce is bounce
