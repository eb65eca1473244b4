"""A party answers a permission request with its one-click link ("Yes, introduce us" / "No thanks").

The signed link is the capability: nobody is signed in, so these use cases are scoped by the link's
claims (account, intro, role), not by a session. The answer counts as the party's own, exactly like a
reply, and goes through the same workflow decisions. Single use: once that party's consent is no longer
pending or waiting for review, every link for it only shows what was recorded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain.model import ConsentStatus, Role
from ..domain.states import IntroState
from ..spec import spec_from_stored
from .deps import Deps, log
from .errors import NotFoundError
from .outbound import After, run_after
from .workflow import Ctx, consent_given, consent_refused

OPEN = (ConsentStatus.PENDING.value, ConsentStatus.NEEDS_REVIEW.value)
WHY = {True: "Clicked the 'Yes, introduce us' link.", False: "Clicked the 'No thanks' link."}
RETRIES = 3


@dataclass(frozen=True)
class LinkAnswer:
    """Where one party's answer stands, as the link's pages show it."""

    introducer: str
    party: str  # the asked party, who holds the link
    other: str  # whom they would be introduced to
    context: str
    status: str  # that party's consent now: pending, needs_review, yes, no, not_required
    open: bool  # an answer can still be recorded through the link
    recorded: bool = False  # this call recorded it
    answered_at: datetime | None = None


def describe_link(deps: Deps, account_id: int, intro_id: int, role: Role) -> LinkAnswer:
    """What the link's confirmation page shows; changes nothing."""
    with deps.uow() as uow:
        intro, consent = _find(uow, account_id, intro_id, role)
        return _answer(intro, consent)


def record_link_answer(deps: Deps, account_id: int, intro_id: int, role: Role, yes: bool) -> LinkAnswer:
    """Record the party's own answer if it is still open; otherwise change nothing and say what stands."""
    for _ in range(RETRIES):
        try:
            return _record(deps, account_id, intro_id, role, yes)
        except (StaleDataError, IntegrityError) as exc:  # a reply or a second click moved the intro first
            log.info("intro %s: concurrent update while recording a link answer (%s); reading again",
                     intro_id, type(exc).__name__)
    return describe_link(deps, account_id, intro_id, role)


def _record(deps: Deps, account_id: int, intro_id: int, role: Role, yes: bool) -> LinkAnswer:
    after = After()
    with deps.uow() as uow:
        intro, consent = _find(uow, account_id, intro_id, role)
        if not _answer(intro, consent).open:
            return _answer(intro, consent)
        ctx = Ctx(deps, uow, uow.accounts.get(account_id), intro, after)
        intro.updated_at = ctx.now  # bumps the intro's version: a second press racing this one reads again
        (consent_given if yes else consent_refused)(ctx, role, WHY[yes])
        outcome = _answer(intro, consent, recorded=True)
        uow.commit()
    run_after(deps, after)
    return outcome


def _find(uow, account_id: int, intro_id: int, role: Role):
    intro = uow.intros.get(intro_id, account_id)
    consent = uow.consents.for_intro(intro_id).get(role) if intro is not None else None
    if consent is None or consent.status == ConsentStatus.NOT_REQUIRED.value:  # never asked: no link was issued
        raise NotFoundError("This link does not belong to an introduction we know.")
    return intro, consent


def _answer(intro, consent, recorded: bool = False) -> LinkAnswer:
    spec = spec_from_stored(intro.spec)
    role = Role(consent.role)
    still_asking = IntroState(intro.state) in (IntroState.NEW, IntroState.AWAITING_CONSENT)
    return LinkAnswer(
        introducer=spec.introducer.name, party=spec.party(role).person.name,
        other=spec.party(role.other).person.name, context=spec.context,
        status=str(consent.status), open=still_asking and consent.status in OPEN,
        recorded=recorded, answered_at=consent.answered_at)
