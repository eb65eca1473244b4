"""Consent-link tokens: what they carry, and that nothing but a fresh, untouched token of ours is accepted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from introducer.auth.consent_tokens import (SALT, ConsentClaims, ConsentTokens, ExpiredConsentToken,
                                            InvalidConsentToken, link_builder)
from introducer.domain.model import Role
from introducer.web.auth import SandboxSessions

SECRET = "test-secret-key"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime = T0):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def tokens(clock) -> ConsentTokens:
    return ConsentTokens(SECRET, timedelta(days=30), clock)


CLAIMS = ConsentClaims(account_id=7, intro_id=42, role=Role.TARGET, answer="yes")


def test_a_token_reads_back_as_the_claims_it_was_issued_for(tokens):
    assert tokens.read(tokens.issue(CLAIMS)) == CLAIMS
    without_answer = ConsentClaims(7, 42, Role.REQUESTER)
    assert tokens.read(tokens.issue(without_answer)) == without_answer


def test_a_token_is_short_and_safe_to_put_in_a_url_path(tokens):
    token = tokens.issue(CLAIMS)
    assert len(token) < 160
    assert all(ch.isalnum() or ch in "-_." for ch in token)


@pytest.mark.parametrize("change", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
    lambda t: ("A" if t[0] != "A" else "B") + t[1:],  # the payload
    lambda t: t[: len(t) // 2],  # cut short by a mail client
    lambda t: t + "x",
    lambda t: "",
    lambda t: "not-a-token",
    lambda t: "....",
])
def test_a_tampered_or_truncated_token_is_refused(tokens, change):
    with pytest.raises(InvalidConsentToken) as refused:
        tokens.read(change(tokens.issue(CLAIMS)))
    assert not isinstance(refused.value, ExpiredConsentToken)


def test_a_token_works_until_its_last_day_and_then_expires(tokens, clock):
    token = tokens.issue(CLAIMS)
    clock.now = T0 + timedelta(days=30) - timedelta(seconds=1)
    assert tokens.read(token) == CLAIMS
    clock.now = T0 + timedelta(days=30, seconds=2)
    with pytest.raises(ExpiredConsentToken):
        tokens.read(token)


def test_a_token_signed_with_another_key_is_refused(tokens, clock):
    other = ConsentTokens("another-secret", timedelta(days=30), clock)
    with pytest.raises(InvalidConsentToken):
        tokens.read(other.issue(CLAIMS))


def test_a_value_the_app_signs_for_another_purpose_is_not_a_consent_token(tokens):
    session = SandboxSessions(SECRET).issue(7, "dana@parkcap.example")
    with pytest.raises(InvalidConsentToken):
        tokens.read(session.removeprefix(SandboxSessions.PREFIX))
    same_payload_other_salt = URLSafeTimedSerializer(SECRET, salt="introducer.other").dumps(
        {"a": 7, "i": 42, "r": "target"})
    with pytest.raises(InvalidConsentToken):
        tokens.read(same_payload_other_salt)


@pytest.mark.parametrize("payload", [
    {"a": 7, "i": 42},  # no role
    {"a": 7, "i": 42, "r": "introducer"},
    {"a": "7", "i": 42, "r": "target"},
    {"a": 7, "i": True, "r": "target"},
    {"a": 7, "i": 42, "r": "target", "x": "maybe"},
    [7, 42, "target"],
])
def test_a_correctly_signed_token_with_the_wrong_shape_is_refused(tokens, clock, payload):
    forged = URLSafeTimedSerializer(SECRET, salt=SALT).dumps(payload)
    with pytest.raises(InvalidConsentToken):
        tokens.read(forged)


def test_an_untimed_token_under_the_same_salt_is_refused(tokens):
    with pytest.raises(InvalidConsentToken):
        tokens.read(URLSafeSerializer(SECRET, salt=SALT).dumps({"a": 7, "i": 42, "r": "target"}))


def test_the_links_are_absolute_one_per_answer_and_name_the_party(tokens):
    links = link_builder(tokens, "https://intro.example.com/")(42, Role.REQUESTER, account_id=7)
    assert set(links) == {"yes", "no"}
    for answer, url in links.items():
        assert url.startswith("https://intro.example.com/consent/")
        assert tokens.read(url.rsplit("/", 1)[1]) == ConsentClaims(7, 42, Role.REQUESTER, answer)
