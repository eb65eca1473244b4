"""The demo's cast: Dana the introducer, the people she knows, and Ann's ask waiting in her inbox."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ...domain.model import Person
from . import replies
from .people import Behaviour
from .world import SandboxWorld

INTRODUCER = Person("Dana Park", "dana@parkcap.example")
REQUESTER = Person("Ann Lee", "ann@acme.example")
ASK_MESSAGE_ID = "<ask-bob-stone.1@acme.example>"  # fixed, so seeding twice finds it
ASK_SUBJECT = "Could you introduce me to Bob Stone?"
ASK_TEXT = """Hi Dana,

Hope you're well! Could you introduce me to Bob Stone at Stone VC?

We're raising a seed round for Acme: scheduling software that cuts no-shows at small clinics by a third. \
Bob has led two rounds in clinic software and I'd value 20 minutes of his advice on our go-to-market, \
whether or not Stone VC invests.

A line you could forward: Acme helps 40 clinics fill cancelled slots automatically and is growing 15% a month.

Thanks so much,
Ann
"""


ZONE = "America/New_York"  # everyone lives in Dana's city, so quoted times match the page's clock


def _cast(world: SandboxWorld) -> list[tuple[Person, Behaviour]]:
    back = (world.now() + timedelta(days=3)).date()
    cast = [
        (REQUESTER, Behaviour(on_permission_request="agree", on_intro="reply", intro_reply_delay=timedelta(hours=1))),
        (Person("Bob Stone", "bob@stonevc.example"),
         Behaviour(on_permission_request="agree", reply_delay=timedelta(hours=2), on_intro="reply",
                   signature="Bob Stone\nPartner, Stone VC")),
        (Person("Carol Diaz", "carol@clinico.example"),
         # agrees once back, then never follows up on the intro: the requester gets a reminder
         Behaviour(on_permission_request="ooo", ooo_until=back, after_ooo="agree", on_intro="never", style="outlook")),
        (Person("Evan Wu", "evan@northwind.example"),
         Behaviour(on_permission_request="decline", reply_delay=timedelta(hours=5), style="mobile")),
        (Person("Farah Khan", "farah@medisys.example"),
         Behaviour(on_permission_request="question", reply_delay=timedelta(hours=3),
                   signature="Farah Khan | Head of Partnerships, MediSys")),
        (Person("Gus Olsen", "gus@quiet.example"), Behaviour(on_permission_request="never", on_intro="never")),
    ]
    return [(p, replace(b, timezone=ZONE)) for p, b in cast]


def seed_demo(world: SandboxWorld) -> dict:
    """Add the demo users and Ann's ask; seeding again adds nothing and returns the same answer."""
    if world.user(INTRODUCER.email) is None:
        world.add_user(INTRODUCER.name, INTRODUCER.email, is_simulated=False)
    cast = _cast(world)
    for p, behaviour in cast:
        if world.user(p.email) is None:
            world.add_user(p.name, p.email, behaviour)
    asks = world.find_header(INTRODUCER.email, "Message-ID", ASK_MESSAGE_ID)
    if not asks:
        raw = replies.compose(REQUESTER, [INTRODUCER], ASK_SUBJECT, ASK_TEXT, world.now(),
                              message_id=ASK_MESSAGE_ID)
        world.submit(REQUESTER.email, raw)
        asks = world.find_header(INTRODUCER.email, "Message-ID", ASK_MESSAGE_ID)
    ask = asks[0]
    return {
        "introducer": INTRODUCER.email,
        "requester": REQUESTER.email,
        "people": [p.email for p, _ in cast],
        "inbound_message_id": ask.id,
        "inbound_thread_id": ask.thread_id,
        "inbound_internet_message_id": ASK_MESSAGE_ID,
    }
