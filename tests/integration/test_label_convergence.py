"""Intro labels converge on exactly one state label per thread (plus Needs review), also when a process
dies between changing the mailbox and recording what it applied, or right after a state change commits
and before it relabels. Real HTTP: the Gmail face, the add-on, pushes and the worker."""
from __future__ import annotations

from datetime import timedelta

from gmail_addon_fixtures import BOB, DANA, clock, live, plain_http_to_loopback  # noqa: F401
from introducer.domain.states import ALL_LABELS
from introducer.mail.sandbox.people import Behaviour
from introducer.service import progress
from introducer.store.repositories import IntroRepository
from test_draft_send_faults import advance, intro_labels, intro_of, send_only_draft, start_intro


class Crash(Exception):
    """The process dying at this point (the worker job logs it; nothing after it runs)."""


def all_threads_labelled(live, intro_id: int, wanted: str) -> dict:
    _, _, _, threads = intro_of(live, intro_id)
    return {t: intro_labels(live, t) for t in threads if intro_labels(live, t) != {wanted}}


def test_a_crash_after_the_mailbox_change_leaves_one_state_label(live, clock, monkeypatch, report):
    live.world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(hours=2)))
    intro_id = start_intro(live)
    record = IntroRepository.set_thread_labels
    crashes = []

    def crash_once(self, intro, thread_id, labels):
        if labels == ["Intros/Consented"] and not crashes:
            crashes.append(thread_id)
            raise Crash("killed after threads.modify, before the labels were recorded")
        return record(self, intro, thread_id, labels)

    monkeypatch.setattr(IntroRepository, "set_thread_labels", crash_once)
    send_only_draft(live)
    live.settle()
    advance(live, clock, 3)  # Bob's yes: the intro is consented, the relabel dies half-way
    assert crashes and intro_of(live, intro_id)[0] == "consented"
    send_only_draft(live)  # the intro goes out: every thread must now say Introduced, and only that
    live.settle()
    assert intro_of(live, intro_id)[0] == "introduced"
    wrong = all_threads_labelled(live, intro_id, "Intros/Introduced")
    report(f"labels after a crash between threads.modify and its record: {len(wrong)} thread(s) wrong")
    assert wrong == {}


def test_a_relabel_lost_after_commit_is_made_by_the_sweep(live, clock, monkeypatch):
    live.world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(hours=2)))
    intro_id = start_intro(live)
    monkeypatch.setattr(progress, "relabel", lambda deps, intro_id: None)  # dies before every relabel
    send_only_draft(live)
    live.settle()
    advance(live, clock, 3)
    assert intro_of(live, intro_id)[0] == "consented"
    assert all_threads_labelled(live, intro_id, "Intros/Consented")  # the mailbox lags behind
    monkeypatch.undo()
    live.settle()  # a fresh worker: its sweep relabels what drifted, with no new mail at all
    assert all_threads_labelled(live, intro_id, "Intros/Consented") == {}
    names = {label.name for label in live.world.labels(DANA)}
    assert set(ALL_LABELS) & names  # labels were created as labels, not lost
