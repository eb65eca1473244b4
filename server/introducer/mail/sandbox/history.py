"""Months of past intros for the demo account, so the Insights view has something to show.

Written straight into the store as finished intros (completed, declined, expired) with timelines
like the workflow writes: no mailbox messages, no tracked threads, no scheduled work. So the
simulated people never see them, the worker never acts on them, and Dana's inbox still opens on
Ann's ask. Deterministic: the same rows every time, placed relative to the sandbox clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ...domain.model import IntroSpec, Party, Person
from ...spec import spec_to_stored
from ...store.models import Consent, Intro

PEOPLE = {
    "ann": ("Ann Lee", "ann@acme.example", "founder of Acme, scheduling software for clinics"),
    "bob": ("Bob Stone", "bob@stonevc.example", "partner at Stone VC"),
    "carol": ("Carol Diaz", "carol@clinico.example", "runs operations at Clinico"),
    "evan": ("Evan Wu", "evan@northwind.example", "head of engineering at Northwind"),
    "farah": ("Farah Khan", "farah@medisys.example", "head of partnerships at MediSys"),
    "gus": ("Gus Olsen", "gus@quiet.example", "angel investor in health tech"),
    "hana": ("Hana Sato", "hana@kiln.example", "product lead at Kiln"),
    "ivan": ("Ivan Petrov", "ivan@ledgerly.example", "CFO of Ledgerly"),
    "june": ("June Okafor", "june@eastside.example", "director of the Eastside Food Bank"),
    "kai": ("Kai Moreno", "kai@greenroots.example", "organises volunteer growers"),
    "lena": ("Lena Fischer", "lena@brightpath.example", "recruiter for engineering leaders"),
    "tom": ("Tom Reed", "tom@kite.example", "runs automation at Kite"),
}
# days ago, requester, target, context, outcome, hours until the answer, hours from intro to handoff
HISTORY = [
    (318, "bob", "gus", "co-investing in clinic software", "completed", 10, 14),
    (289, "ann", "bob", "early advice on fundraising", "completed", 3, 6),
    (254, "evan", "lena", "hiring two senior engineers", "declined", 20, None),
    (231, "farah", "carol", "a referral partnership", "completed", 28, 16),
    (203, "kai", "june", "sharing a delivery van", "completed", 5, 3),
    (170, "ann", "carol", "clinic scheduling pilots", "completed", 5, 20),
    (158, "hana", "evan", "hiring a staff engineer", "completed", 26, 4),
    (149, "tom", "bob", "seed fundraising", "declined", 30, None),
    (136, "june", "kai", "a fresh-produce partnership", "completed", 3, 9),
    (121, "ivan", "farah", "hospital billing integrations", "completed", 50, 30),
    (112, "lena", "evan", "a VP engineering search", "expired", None, None),
    (97, "ann", "farah", "distribution through MediSys", "completed", 8, 6),
    (88, "hana", "bob", "a product-led growth round", "completed", 20, 48),
    (74, "kai", "gus", "funding a community kitchen", "expired", None, None),
    (66, "tom", "hana", "automation for product teams", "completed", 2, 3),
    (51, "ivan", "bob", "a Series A for Ledgerly", "declined", 12, None),
    (43, "june", "carol", "volunteer scheduling", "completed", 6, 12),
    (37, "ann", "evan", "an engineering lead for Acme", "completed", 16, 5),
    (24, "farah", "kai", "a nutrition outreach program", "completed", 40, 22),
    (16, "lena", "tom", "a head of platform role", "completed", 4, 2),
    (9, "hana", "ivan", "pricing for usage-based plans", "declined", 7, None),
]


def _party(key: str, asked: bool = False) -> Party:
    name, email, blurb = PEOPLE[key]
    return Party(Person(name, email), blurb, asked=asked)


def _add(uow, account, start: datetime, row: tuple) -> None:
    _, requester, target, context, outcome, answer_h, handoff_h = row
    spec = IntroSpec(introducer=Person(account.name, account.email), requester=_party(requester, asked=True),
                     target=_party(target), context=context, timezone=account.timezone or "UTC",
                     extra={"history": True})
    r_name, t_name = PEOPLE[requester][0], PEOPLE[target][0]
    state = {"completed": "completed", "declined": "declined", "expired": "expired"}[outcome]
    intro = uow.intros.add(Intro(
        account_id=account.id, state=state, spec=spec_to_stored(spec), requester_name=r_name,
        requester_email=PEOPLE[requester][1], target_name=t_name, target_email=PEOPLE[target][1],
        context=context, created_at=start, updated_at=start))
    uow.session.flush()
    events: list[tuple[timedelta, str, str, dict]] = [
        (timedelta(), "created", f"Intro of {r_name} to {t_name} about {context} started.", {}),
        (timedelta(minutes=20), "permission_request_sent", f"The permission request to {t_name} was sent.",
         {"role": "target"}),
    ]
    asked = start + timedelta(minutes=20)
    consent = Consent(intro_id=intro.id, role="target", asked_at=asked)
    if outcome == "expired":
        bump = timedelta(days=3, minutes=20)
        events += [(bump, "consent_bump_sent", f"The reminder to {t_name} was sent.", {"role": "target"}),
                   (bump + timedelta(days=3), "state_changed", "No answer after a reminder; the intro expired.",
                    {"previous": "awaiting_consent", "state": "expired"}),
                   (bump + timedelta(days=3, minutes=1), "expiry_note_drafted",
                    f"A kind note to {r_name} is in your drafts.", {"role": "requester"})]
        consent.status = "pending"
    else:
        said = timedelta(minutes=20) + timedelta(hours=answer_h)
        yes = outcome != "declined"
        consent.status, consent.answered_at = ("yes" if yes else "no"), start + said
        events.append((said, f"consent_{'yes' if yes else 'no'}", f"{t_name} said {'yes' if yes else 'no'}.",
                       {"role": "target"}))
        if not yes:
            events.append((said + timedelta(hours=1), "decline_note_sent",
                           f"A tactful note to {r_name} was sent.", {"role": "requester"}))
        else:
            sent = said + timedelta(hours=1)
            handoff = sent + timedelta(hours=handoff_h)
            events += [(sent, "intro_sent", f"The intro to {r_name} and {t_name} was sent.", {}),
                       (handoff - timedelta(minutes=2), "party_replied", f"{r_name} replied to the intro.",
                        {"role": "requester"}),
                       (handoff, "handoff_sent", "You stepped out of the thread (Bcc).", {}),
                       (handoff + timedelta(days=7), "close_loop_sent", f"The check-in with {r_name} was sent.",
                        {"role": "requester"}),
                       (handoff + timedelta(days=7, minutes=1), "state_changed",
                        "Checked in with the requester: the loop is closed.",
                        {"previous": "handed_off", "state": "completed"})]
    uow.consents.add(consent)
    uow.consents.add(Consent(intro_id=intro.id, role="requester", status="not_required"))
    for offset, kind, message, detail in events:
        uow.events.append(intro.id, account.id, kind, message, detail, start + offset)
    intro.updated_at = start + events[-1][0]


def seed_history(container, account_id: int) -> int:
    """Add the past intros to the account once (nothing if it has any intro already); returns how many."""
    now = container.deps.clock()
    with container.uow() as uow:
        account = uow.accounts.get(account_id)
        if account is None or uow.intros.list(account_id, limit=1):
            return 0
        zone = ZoneInfo(account.timezone or "UTC")
        for row in HISTORY:
            # each intro starts during the working day, in the introducer's zone
            day = (now - timedelta(days=row[0])).astimezone(zone)
            _add(uow, account, day.replace(hour=9 + row[0] % 8, minute=(row[0] * 13) % 60, second=0, microsecond=0), row)
        uow.commit()
    return len(HISTORY)
