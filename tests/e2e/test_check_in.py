"""Over HTTP: after the handoff, the close-the-loop check-in gets Ann's "we did talk", not a yes to an intro."""
from __future__ import annotations

ANN = "ann@acme.example"


def test_the_requester_answers_the_check_in_as_a_check_in(flow):
    flow.settings(close_loop_after_days=1)
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)  # Bob agrees
    flow.send_drafts()
    flow.advance(2)  # Ann replies to the intro; the handoff follows
    assert flow.state(intro_id) in ("handed_off", "completed")
    flow.advance(60, step=6)  # the check-in goes out a business day later; Ann answers it
    assert flow.messages_with_key(f"intro-{intro_id}:close_loop:"), "no check-in was sent"
    thread = flow.thread_about("dana@parkcap.example", "did you and bob")
    messages = flow.thread("dana@parkcap.example", thread["thread_id"])
    replies = [m for m in messages if ANN in str(m.get("from"))]
    assert replies, messages
    assert "We did" in str(replies[0]) and "happy to" not in str(replies[0])
