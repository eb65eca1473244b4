"""Intros, their mailbox threads and their outbound messages, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from introducer.domain.model import Role, SendMode, Step
from introducer.domain.states import IntroState
from introducer.store.models import Outbound
from store_fixtures import T0, add_account, add_intro, database_url, engine, seeded, uow_factory  # noqa: F401


def outbound(account_id: int, intro_id: int, key: str, **fields) -> Outbound:
    return Outbound(account_id=account_id, intro_id=intro_id, key=key, step=fields.pop("step", Step.INTRO),
                    mode=fields.pop("mode", SendMode.DRAFT), **fields)


# intros and their threads

def test_an_account_cannot_see_another_accounts_intro(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        assert uow.intros.get(intro_a, account_a).id == intro_a
        assert uow.intros.get(intro_b, account_a) is None
        assert uow.intros.get(intro_a, account_b) is None
        assert [i.id for i in uow.intros.list(account_a)] == [intro_a]


def test_intros_are_listed_newest_first_filtered_by_state_and_paged(uow_factory):
    with uow_factory() as uow:
        account = add_account(uow)
        ids = [add_intro(uow, account, created_at=T0 + timedelta(minutes=n),
                         state=IntroState.COMPLETED if n % 2 else IntroState.AWAITING_CONSENT).id
               for n in range(5)]
        uow.commit()
    with uow_factory() as uow:
        assert [i.id for i in uow.intros.list(account.id)] == ids[::-1]
        assert [i.id for i in uow.intros.list(account.id, limit=2, offset=1)] == [ids[3], ids[2]]
        waiting = uow.intros.list(account.id, states={IntroState.AWAITING_CONSENT})
        assert [i.id for i in waiting] == [ids[4], ids[2], ids[0]]
        assert uow.intros.list(account.id, states=set()) == []


def test_intro_state_comes_back_as_the_domain_enum_and_unknown_states_are_refused(uow_factory):
    with uow_factory() as uow:
        intro = add_intro(uow, add_account(uow), state=IntroState.INTRODUCED)
        uow.commit()
    with uow_factory() as uow:
        loaded = uow.intros.get(intro.id, intro.account_id)
        assert loaded.state is IntroState.INTRODUCED and not loaded.state.is_final
        loaded.state = "teleported"
        with pytest.raises(StatementError):
            uow.session.flush()


def test_a_thread_is_tracked_once_and_found_only_within_its_account(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        assert uow.intros.track_thread(account_a, "t-1", intro_a, "permission:target") is True
        assert uow.intros.track_thread(account_a, "t-1", intro_a, "permission:target") is False
        assert uow.intros.track_thread(account_a, "src", intro_a, "source") is True
        assert uow.intros.track_thread(account_b, "t-1", intro_b, "intro") is True  # ids are per mailbox
        uow.commit()
    with uow_factory() as uow:
        intro, purpose = uow.intros.for_thread(account_a, "t-1")
        assert (intro.id, purpose) == (intro_a, "permission:target")
        assert uow.intros.for_thread(account_b, "t-1")[0].id == intro_b
        assert uow.intros.for_thread(account_b, "src") is None
        assert uow.intros.tracked_thread_ids(account_a) == {"t-1", "src"}


def test_two_writers_of_one_intro_cannot_both_win(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as first, uow_factory() as second:
        mine = first.intros.get(intro_a, account_a)
        theirs = second.intros.get(intro_a, account_a)
        mine.state = IntroState.AWAITING_CONSENT
        first.commit()
        theirs.state = IntroState.CANCELLED
        with pytest.raises(StaleDataError):
            second.commit()
    with uow_factory() as uow:
        assert uow.intros.get(intro_a, account_a).state is IntroState.AWAITING_CONSENT


# outbound messages

def test_a_second_outbound_message_with_the_same_key_is_refused(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.outbound.add(outbound(account_a, intro_a, f"{intro_a}:intro"))
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(IntegrityError):
            uow.outbound.add(outbound(account_a, intro_a, f"{intro_a}:intro", mode=SendMode.SEND))
    with uow_factory() as uow:
        assert len(uow.outbound.for_intro(intro_a)) == 1
        assert uow.outbound.by_key(f"{intro_a}:intro").mode is SendMode.DRAFT


def test_outbound_messages_are_found_by_key_thread_and_unfinished_status(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        ask = uow.outbound.add(outbound(account_a, intro_a, "a:ask", step=Step.PERMISSION_REQUEST,
                                        role=Role.TARGET, thread_id="t-1"))
        uow.outbound.add(outbound(account_a, intro_a, "a:intro", status="sent", thread_id="t-2",
                                  sent_at=T0))
        uow.outbound.add(outbound(account_b, intro_b, "b:ask", thread_id="t-1"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbound.by_key("a:ask").role is Role.TARGET
        assert uow.outbound.by_key("nope") is None
        assert [o.key for o in uow.outbound.pending_for_account(account_a)] == ["a:ask"]
        assert [o.id for o in uow.outbound.by_thread(account_a, "t-1")] == [ask.id]
        assert [o.key for o in uow.outbound.for_intro(intro_a)] == ["a:ask", "a:intro"]
        assert uow.outbound.by_key("a:intro").sent_at == T0




def test_a_recorded_message_keeps_its_composed_payload(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    payload = {"to": [{"name": "Bob", "email": "bob@example.org"}], "subject": "Intro: Cat meets Bob – hiring",
               "text": "Hi Bob,\n…", "reply_target": None}
    with uow_factory() as uow:
        uow.outbound.add(outbound(account_a, intro_a, "a:intro", payload=payload))
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbound.by_key("a:intro").payload == payload


def test_the_retry_sweep_finds_pending_messages_no_process_holds(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        never_claimed = uow.outbound.add(outbound(account_a, intro_a, "a:1"))
        lease_ran_out = uow.outbound.add(outbound(account_b, intro_b, "b:1", claimed_until=T0 - timedelta(seconds=1)))
        uow.outbound.add(outbound(account_a, intro_a, "a:held", claimed_until=T0 + timedelta(minutes=2)))
        uow.outbound.add(outbound(account_a, intro_a, "a:sent", status="sent"))
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbound.retryable(T0, 10) == [never_claimed.id, lease_ran_out.id]
        assert uow.outbound.retryable(T0, 1) == [never_claimed.id]


# threads, as ingest and labelling see them

def test_ingest_learns_which_changed_threads_are_tracked_within_its_account(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        uow.intros.track_thread(account_a, "t-a", intro_a, "intro")
        uow.intros.track_thread(account_b, "t-b", intro_b, "intro")
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.tracked_among(account_a, {"t-a", "t-b", "newsletter"}) == {"t-a"}
        assert uow.intros.tracked_among(account_a, set()) == set()


def test_a_resync_rereads_only_the_threads_of_intros_still_in_progress(uow_factory):
    with uow_factory() as uow:
        account = add_account(uow)
        open_intro = add_intro(uow, account, state=IntroState.INTRODUCED)
        done_intro = add_intro(uow, account, state=IntroState.COMPLETED)
        other = add_intro(uow, add_account(uow, "zed@example.com"))
        uow.intros.track_thread(account.id, "open", open_intro.id, "intro")
        uow.intros.track_thread(account.id, "done", done_intro.id, "intro")
        uow.intros.track_thread(other.account_id, "elsewhere", other.id, "intro")
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.open_thread_ids(account.id) == {"open"}


def test_an_intros_threads_are_listed_in_the_order_they_were_tracked(uow_factory, seeded):
    account_a, intro_a, account_b, intro_b = seeded
    with uow_factory() as uow:
        for thread_id, purpose in (("src", "source"), ("ask", "permission:target"), ("intro", "intro")):
            uow.intros.track_thread(account_a, thread_id, intro_a, purpose)
        uow.intros.track_thread(account_b, "theirs", intro_b, "intro")
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.threads_of(intro_a) == ["src", "ask", "intro"]


def test_the_labels_put_on_each_thread_are_remembered_without_touching_the_intro(uow_factory, seeded):
    account_a, intro_a, _, _ = seeded
    with uow_factory() as uow:
        uow.intros.track_thread(account_a, "ask", intro_a, "permission:target")
        uow.intros.track_thread(account_a, "intro", intro_a, "intro")
        version = uow.intros.get(intro_a, account_a).version
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.thread_labels(intro_a) == {"ask": [], "intro": []}
        uow.intros.set_thread_labels(intro_a, "intro", [IntroState.INTRODUCED.label])
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.thread_labels(intro_a) == {"ask": [], "intro": ["Intros/Introduced"]}
        assert uow.intros.get(intro_a, account_a).version == version

def test_a_message_the_change_feed_names_is_found_by_provider_id_or_message_id_through_an_index(
        uow_factory, engine, seeded):
    account_a, intro_a, account_b, _ = seeded
    with uow_factory() as uow:
        for n in range(3):
            uow.outbound.add(outbound(account_a, intro_a, f"k{n}", provider_id=f"p{n}",
                                      internet_message_id=f"<m{n}@example.com>"))
        uow.commit()
    statements = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with uow_factory() as uow:
            assert uow.outbound.by_message(account_a, "p1").key == "k1"
            assert uow.outbound.by_message(account_a, "<m2@example.com>").key == "k2"
            assert uow.outbound.by_message(account_b, "p1") is None  # another account's message is not ours
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    if engine.dialect.name != "sqlite":
        return  # the plans checked below are SQLite's; PostgreSQL chooses by its statistics
    with engine.connect() as connection:
        plans = [" ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                 for sql, params in statements if "FROM outbound" in sql]
    assert plans and all("provider_id=?" in plan or "internet_message_id=?" in plan for plan in plans), plans
