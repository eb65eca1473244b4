"""Repositories and the unit of work on SQLite and PostgreSQL: accounts, consents, history, time, transactions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from introducer.domain.model import ConsentStatus, Role
from introducer.domain.states import IntroState
from introducer.store.models import Account, AppendOnlyError, Consent
from introducer.store.types import NaiveDatetimeError
from store_fixtures import T0, add_account, add_intro, database_url, engine, seeded, uow_factory  # noqa: F401

INDIA = timezone(timedelta(hours=5, minutes=30))


# accounts

def test_accounts_are_found_by_email_and_by_provider_identity(uow_factory):
    with uow_factory() as uow:
        ann = add_account(uow, "ann@example.com", provider="gmail", external_id="sub-1")
        add_account(uow, "ann@example.com", provider="outlook", external_id="oid.tid")
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.by_email("gmail", "ann@example.com").id == ann.id
        assert uow.accounts.by_external_id("gmail", "sub-1").id == ann.id
        assert uow.accounts.by_external_id("outlook", "sub-1") is None
        assert uow.accounts.get(ann.id).policy == {}
        assert uow.accounts.get(ann.id).timezone == "UTC"


def test_one_provider_cannot_hold_the_same_mailbox_twice(uow_factory):
    with uow_factory() as uow:
        add_account(uow, "ann@example.com")
        with pytest.raises(IntegrityError):
            add_account(uow, "ann@example.com")


def test_only_active_accounts_are_listed_for_background_work(uow_factory):
    with uow_factory() as uow:
        active = add_account(uow, "ann@example.com")
        add_account(uow, "old@example.com", status="reconnect_needed")
        add_account(uow, "gone@example.com", status="disconnected")
        uow.commit()
    with uow_factory() as uow:
        assert [a.id for a in uow.accounts.list_active()] == [active.id]


def test_changing_a_policy_in_place_is_saved(uow_factory):
    with uow_factory() as uow:
        account = add_account(uow)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.accounts.get(account.id)
        loaded.policy["intro"] = "send"
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.get(account.id).policy == {"intro": "send"}


# consents

def test_consents_are_keyed_by_role_and_one_per_role(uow_factory, seeded):
    _, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.consents.add(Consent(intro_id=intro_a, role=Role.REQUESTER, status=ConsentStatus.NOT_REQUIRED))
        uow.commit()
    with uow_factory() as uow:
        consents = uow.consents.for_intro(intro_a)
        assert set(consents) == {Role.REQUESTER, Role.TARGET}
        assert consents[Role.TARGET].status is ConsentStatus.PENDING
        with pytest.raises(IntegrityError):
            uow.consents.add(Consent(intro_id=intro_a, role=Role.TARGET))


# events

def test_events_are_read_back_oldest_first(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.events.append(intro_a, account_a, "opt_in_reply", "Bob said yes.", at=T0 + timedelta(hours=2))
        uow.events.append(intro_a, account_a, "permission_request_drafted", "Drafted the ask to Bob.",
                          detail={"role": "target"}, at=T0)
        uow.commit()
    with uow_factory() as uow:
        events = uow.events.for_intro(intro_a)
        assert [e.kind for e in events] == ["permission_request_drafted", "opt_in_reply"]
        assert events[0].detail == {"role": "target"} and events[1].detail == {}


def test_a_later_unit_of_work_cannot_change_or_remove_an_event(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.events.append(intro_a, account_a, "opt_in_reply", "Bob said yes.", at=T0)
        uow.commit()
    assert not any(hasattr(uow.events, name) for name in ("update", "delete", "remove", "edit"))

    with uow_factory() as uow:
        uow.events.for_intro(intro_a)[0].message = "Bob said no."
        with pytest.raises(AppendOnlyError):
            uow.commit()
    with uow_factory() as uow:
        uow.session.delete(uow.events.for_intro(intro_a)[0])
        with pytest.raises(AppendOnlyError):
            uow.commit()
    with uow_factory() as uow:
        assert [e.message for e in uow.events.for_intro(intro_a)] == ["Bob said yes."]


# time

def test_aware_datetimes_round_trip_as_the_same_instant_in_utc(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    away = datetime(2026, 3, 9, 8, 30, 0, 123456, tzinfo=INDIA)
    with uow_factory() as uow:
        consent = uow.consents.for_intro(intro_a)[Role.TARGET]
        consent.snooze_until = away
        uow.accounts.get(account_a).watch_expires_at = T0
        uow.commit()
    with uow_factory() as uow:
        stored = uow.consents.for_intro(intro_a)[Role.TARGET].snooze_until
        assert stored == away and stored.utcoffset() == timedelta(0)
        assert stored.hour == 3 and stored.microsecond == 123456
        assert uow.accounts.get(account_a).watch_expires_at == T0
        # Comparisons in SQL follow the instant, not the written offset.
        later_in_utc = datetime(2026, 3, 9, 3, 31, tzinfo=timezone.utc)
        assert uow.session.scalar(select(Consent.id).where(Consent.snooze_until < later_in_utc)) is not None


def test_a_naive_datetime_is_refused_rather_than_guessed(uow_factory, seeded):
    _, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.consents.for_intro(intro_a)[Role.TARGET].asked_at = datetime(2026, 3, 2, 9, 0)
        with pytest.raises(StatementError) as raised:
            uow.session.flush()
        assert isinstance(raised.value.orig, NaiveDatetimeError)


# the unit of work

def test_nothing_is_saved_without_a_commit(uow_factory):
    with uow_factory() as uow:
        add_account(uow)
    with uow_factory() as uow:
        assert uow.session.scalars(select(Account)).all() == []


def test_an_exception_inside_the_block_rolls_everything_back(uow_factory):
    with pytest.raises(RuntimeError, match="boom"):
        with uow_factory() as uow:
            add_account(uow)
            raise RuntimeError("boom")
    with uow_factory() as uow:
        assert uow.session.scalars(select(Account)).all() == []


def test_work_after_the_last_commit_is_rolled_back_on_exit(uow_factory):
    with uow_factory() as uow:
        add_account(uow, "kept@example.com")
        uow.commit()
        add_account(uow, "dropped@example.com")
    with uow_factory() as uow:
        assert [a.email for a in uow.session.scalars(select(Account))] == ["kept@example.com"]


def test_objects_stay_readable_after_commit_and_after_the_block(uow_factory):
    with uow_factory() as uow:
        intro = add_intro(uow, add_account(uow))
        uow.commit()
        assert intro.version == 1
    assert intro.state is IntroState.NEW and intro.target_email == "bob@example.org"
    with pytest.raises(RuntimeError):
        uow.session  # noqa: B018  (closed units of work refuse use)


def test_the_factory_gives_a_fresh_unit_of_work_each_time(uow_factory):
    first, second = uow_factory(), uow_factory()
    assert first is not second
    with first:
        with pytest.raises(RuntimeError):
            first.__enter__()


def test_foreign_keys_are_enforced_so_no_row_points_at_a_missing_intro(uow_factory):
    with uow_factory() as uow:
        account = add_account(uow)
        with pytest.raises(IntegrityError):
            uow.events.append(9999, account.id, "ghost", "An event for no intro.")

