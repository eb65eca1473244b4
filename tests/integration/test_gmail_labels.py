"""Label ids in GmailMailbox: listed once per mailbox and process, created only when missing, and right
when the user deletes a label or another process creates one; draft ids shared the same way. Real
google-api-python-client against the sandbox's Gmail face; the face counts every call."""
from __future__ import annotations

from collections import Counter

from gmail_fixtures import DANA, ask, clock, connect, face, sleeps, world  # noqa: F401
from introducer.mail.gmail import labels as label_cache
from introducer.mail.gmail.labels import LabelIds

AWAITING, CONSENTED, INTRODUCED = "Intros/Awaiting consent", "Intros/Consented", "Intros/Introduced"
OTHERS = ["Intros/Handed off", "Intros/Declined", "Intros/Needs review"]


def calls_since(face, start: int) -> Counter:
    return Counter(face.calls(DANA.email)[start:])


def thread_labels(world, thread_id: str) -> set[str]:
    names = {label.id: label.name for label in world.labels(DANA.email)}
    return {names.get(lid, lid) for m in world.thread(DANA.email, thread_id) for lid in m.labels
            if names.get(lid, lid).startswith("Intros/")}


def test_mailboxes_sharing_label_ids_list_them_once_and_create_only_what_is_missing(world, face, sleeps):
    shared = LabelIds()
    first, second = connect(face, DANA, sleeps, labels=shared), connect(face, DANA, sleeps, labels=shared)
    threads = [first.send(ask(key=f"intro-{n}:permission_request:target")).thread_id for n in range(3)]
    start = len(face.calls(DANA.email))
    first.change_labels(threads[0], add=[AWAITING], remove=[CONSENTED, *OTHERS])
    second.change_labels(threads[1], add=[AWAITING], remove=[CONSENTED, *OTHERS])
    second.change_labels(threads[0], add=[CONSENTED], remove=[AWAITING, *OTHERS], present=[AWAITING])
    first.change_labels(threads[2], add=[CONSENTED], remove=[AWAITING, *OTHERS])
    calls = calls_since(face, start)
    assert calls == {"labels.list": 1, "labels.create": 2, "threads.modify": 4}, calls
    assert thread_labels(world, threads[0]) == {CONSENTED} and thread_labels(world, threads[1]) == {AWAITING}


def test_what_the_caller_last_applied_saves_the_call_when_it_is_what_is_wanted(world, face, sleeps):
    dana = connect(face, DANA, sleeps)
    thread = dana.send(ask()).thread_id
    dana.change_labels(thread, add=[AWAITING], remove=OTHERS)
    start = len(face.calls(DANA.email))
    dana.change_labels(thread, add=[AWAITING], remove=OTHERS, present=[AWAITING])
    assert calls_since(face, start) == {}


def test_a_label_the_user_deleted_is_listed_again_made_again_and_the_change_retried(world, face, sleeps):
    dana = connect(face, DANA, sleeps)
    thread = dana.send(ask()).thread_id
    dana.change_labels(thread, add=[AWAITING], remove=[CONSENTED])  # Awaiting is made first: not the last id
    dana.change_labels(thread, add=[CONSENTED], remove=[AWAITING], present=[AWAITING])
    old_id = {label.name: label.id for label in world.labels(DANA.email)}[AWAITING]
    assert world.delete_label(DANA.email, AWAITING)  # in Gmail's settings
    start = len(face.calls(DANA.email))
    dana.change_labels(thread, add=[AWAITING], remove=[CONSENTED], present=[CONSENTED])
    assert thread_labels(world, thread) == {AWAITING}
    assert {label.name: label.id for label in world.labels(DANA.email)}[AWAITING] != old_id
    # the refused threads.modify (400 Invalid label), one listing, the label made again, the retry
    assert calls_since(face, start) == {"labels.list": 1, "labels.create": 1, "threads.modify": 2}


def test_a_label_another_process_created_meanwhile_is_listed_again_not_duplicated(world, face, sleeps):
    here, elsewhere = connect(face, DANA, sleeps), connect(face, DANA, sleeps)  # two processes: nothing shared
    thread = here.send(ask()).thread_id
    here.change_labels(thread, add=[AWAITING], remove=[CONSENTED])  # lists while Consented does not exist
    elsewhere.change_labels(thread, add=[CONSENTED], remove=[AWAITING], present=[AWAITING])
    start = len(face.calls(DANA.email))
    other = here.send(ask(key="intro-2:permission_request:target")).thread_id
    here.change_labels(other, add=[CONSENTED], remove=[AWAITING])  # labels.create answers 409: list again
    assert [label.name for label in world.labels(DANA.email)].count(CONSENTED) == 1
    assert thread_labels(world, other) == {CONSENTED}
    calls = calls_since(face, start)
    assert calls["labels.list"] == 1 and calls["threads.modify"] == 1


def test_a_label_another_process_applied_is_removed_once_the_caller_names_it(world, face, sleeps):
    here, elsewhere = connect(face, DANA, sleeps), connect(face, DANA, sleeps)
    thread = here.send(ask()).thread_id
    here.change_labels(thread, add=[AWAITING], remove=[CONSENTED])  # this process's listing lacks Consented
    elsewhere.change_labels(thread, add=[CONSENTED], remove=[AWAITING], present=[AWAITING])
    here.change_labels(thread, add=[INTRODUCED], remove=[AWAITING, CONSENTED], present=[CONSENTED])
    assert thread_labels(world, thread) == {INTRODUCED}


def test_an_old_listing_is_read_again_before_it_says_a_label_does_not_exist(world, face, sleeps, monkeypatch):
    now = [0.0]
    here = connect(face, DANA, sleeps, labels=LabelIds(clock=lambda: now[0]))
    elsewhere = connect(face, DANA, sleeps)
    thread = here.send(ask()).thread_id
    here.change_labels(thread, add=[AWAITING], remove=[CONSENTED])
    elsewhere.change_labels(thread, add=[CONSENTED], remove=[AWAITING])  # a crash kept this from the record
    now[0] += label_cache.FRESH_FOR + 1
    here.change_labels(thread, add=[INTRODUCED], remove=[AWAITING, CONSENTED], present=[AWAITING])
    assert thread_labels(world, thread) == {INTRODUCED}


def test_draft_ids_one_mailbox_made_are_known_to_the_others_of_the_process(world, face, sleeps):
    drafts: dict[str, str] = {}
    web, worker = connect(face, DANA, sleeps, drafts=drafts), connect(face, DANA, sleeps, drafts=drafts)
    made = web.create_draft(ask())
    start = len(face.calls(DANA.email))
    [draft] = worker.read_thread(made.thread_id)
    assert draft.draft_id == made.draft_id
    assert calls_since(face, start) == {"threads.get": 1}  # no drafts.list for a draft id known here
