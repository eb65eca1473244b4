"""No header smuggled through a name, an address, a subject or the context; headers written the same way
on every Python version, display names folded so they decode back exactly."""
from __future__ import annotations

from email import policy
from email.parser import BytesParser
from email.utils import getaddresses

import pytest

from spec_helpers import make_spec

from introducer.domain.address import InvalidAddress, check_email, check_name, readable_name
from introducer.domain.model import Person
from introducer.mail.headers import encoded_words
from introducer.mail.mime import build_message, people
from introducer.mail.port import OutgoingMessage
from introducer.spec import SpecError

INJECTION = "=?utf-8?q?Ann_Lee=0D=0ABcc=3A_spy=40evil.example?="
DANA = Person("Dana Park", "dana@parkcap.example")


def _raw(**kw) -> bytes:
    fields = {"key": "k1", "to": (Person("Bob Stone", "bob@stonevc.example"),), "subject": "Hello", "text": "Hi."}
    return build_message(OutgoingMessage(**{**fields, **kw}), DANA,
                         message_id="<m1@parkcap.example>").as_bytes()


def _recipients(raw: bytes) -> set[str]:
    em = BytesParser(policy=policy.compat32).parsebytes(raw)  # the plainest reading: no decoding at all
    return {a.lower() for _, a in getaddresses([str(v) for name in ("To", "Cc", "Bcc")
                                               for v in em.get_all(name, [])])}


@pytest.mark.parametrize("value", [
    INJECTION,
    "=?utf-8?b?QW5uIExlZQ0KQmNjOiBzcHlAZXZpbC5leGFtcGxl?=",  # the same in base64
    "=?iso-8859-1?q?Ann=0ABcc:_x@y.example?=",
    "=?utf-8?q?=3D=3Futf-8=3Fq=3FAnn=3D0D=3D0A=3F=3D?=",  # encoded twice over
    "Ann\u2028Lee", "Ann\x85Lee",
])
def test_a_name_hiding_a_line_break_is_refused_naming_the_field(value):
    with pytest.raises(InvalidAddress, match="^requester.name: "):
        check_name(value, "requester.name:")


def test_a_clean_encoded_name_is_kept_decoded():
    assert check_name("=?utf-8?q?Fran=C3=A7oise?= =?utf-8?q?_Lema=C3=AEtre?=") == "Françoise Lemaître"


@pytest.mark.parametrize("value", ["=?utf-8?q?bob?=@stonevc.example", "bob@stonevc.example=?x?q?y?="])
def test_an_address_never_holds_an_encoded_word(value):
    with pytest.raises(InvalidAddress, match="encoded word"):
        check_email(value, "target.email")


@pytest.mark.parametrize("field", ["context", "benefit_to_target", "shared_connection", "requester__blurb"])
def test_free_text_hiding_a_header_is_refused_naming_the_field(field):
    with pytest.raises(SpecError, match="^" + field.replace("__", ".") + ": hides a line break"):
        make_spec(**{field: "go-to-market " + INJECTION})


def test_a_name_read_from_a_message_is_decoded_and_neutralised_for_prefilling():
    assert readable_name(INJECTION) == "Ann Lee Bcc: spy@evil.example"
    assert people(f"{INJECTION} <ann@acme.example>") == (Person("Ann Lee Bcc: spy@evil.example", "ann@acme.example"),)


def test_a_name_that_got_past_validation_still_cannot_add_a_recipient():
    # a display name that only looks like an encoded word is sent encoded, so it reads back literally
    raw = _raw(to=(Person("Ann Lee Bcc: spy@evil.example", "ann@acme.example"),), subject=INJECTION[:-2] + " x?=")
    assert _recipients(raw) == {"ann@acme.example"}
    assert b"\nBcc:" not in raw and b"\r\nBcc" not in raw
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert [a.display_name for a in parsed["To"].addresses] == ["Ann Lee Bcc: spy@evil.example"]


@pytest.mark.parametrize("name", ["Prof. Françoise Lemaître", "Zoë O'Brien-Łukasiewicz", "李小龙",
                                  ("A very long name with an accent é " * 3).strip(), "=?not really encoded?= Ann"])
def test_a_display_name_folds_and_decodes_back_exactly(name):
    raw = _raw(to=(Person(name, "f@x.example"),))
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert [(a.display_name, a.addr_spec) for a in parsed["To"].addresses] == [(name, "f@x.example")]
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_a_name_too_long_for_one_encoded_word_decodes_back_by_the_rfc():
    from email.header import decode_header, make_header

    name = "Ιωάννης Παπαδόπουλος-Κωνσταντινίδης"
    raw = _raw(to=(Person(name, "g@x.example"),))
    field = BytesParser(policy=policy.compat32).parsebytes(raw)["To"]
    encoded = str(field).rsplit("<", 1)[0].strip()
    assert str(make_header(decode_header(encoded))) == name


def test_a_short_accented_name_is_one_encoded_word():
    assert encoded_words("Prof. Françoise Lemaître") == ["=?utf-8?q?Prof=2E_Fran=C3=A7oise_Lema=C3=AEtre?="]


def test_the_header_block_is_written_byte_for_byte_the_same_everywhere():
    raw = _raw(to=(Person("Prof. Françoise Lemaître", "f@x.example"), Person('Ann "A." Lee', "ann@acme.example")),
               cc=(Person("", "c@x.example"),), subject="Intro: Ann meets Françoise – go-to-market")
    head = raw.split(b"\r\n\r\n")[0].decode("ascii").split("\r\n")
    assert head[:4] == [
        "From: Dana Park <dana@parkcap.example>",
        "To: =?utf-8?q?Prof=2E_Fran=C3=A7oise_Lema=C3=AEtre?= <f@x.example>, \"Ann",
        ' \\"A.\\" Lee" <ann@acme.example>',
        "Cc: c@x.example",
    ]
    assert head[4] == "Subject: Intro: Ann meets =?utf-8?q?Fran=C3=A7oise_=E2=80=93?= go-to-market"
