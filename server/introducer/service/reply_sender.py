"""Whether a reply may count as a party's own answer: it must come from the party's address, and the
receiving provider must vouch for that address (DMARC, or aligned DKIM or SPF; domain/sender_auth.py).

A reply threaded into our permission request proves nothing by itself: threading headers can be
copied, and a From header can be written by anyone. Whatever fails here goes to the introducer for
review, with the reason shown.
"""
from __future__ import annotations

from ..domain.address import same_address
from ..domain.model import Person
from ..domain.sender_auth import check_sender
from ..mail.port import ThreadMessage


def sender_problem(message: ThreadMessage, party: Person) -> str | None:
    """Why this reply cannot count as `party`'s answer; None when it can."""
    claimed = message.sender.email
    if not same_address(claimed, party.email):
        return f"the answer came from {claimed}, not {party.email}"
    check = check_sender(claimed, message.authentication_results)
    if not check.passed:
        return f"the reply claims to come from {claimed} but did not pass the sender checks ({check.reason})"
    return None
