"""What the introducer does from the panel: start, cancel, override consent, send a draft now, settings."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..domain import compose
from ..domain.business_time import zone
from ..domain.lint import lint_intro, lint_permission_requests, lint_spec
from ..domain.model import ConsentStatus, IntroSpec, Policy, Role, SendMode
from ..domain.states import IntroState, can_transition
from ..spec import spec_to_stored
from ..store.models import Consent, Intro
from .deps import Deps
from .errors import ConflictError, KeyUsed, NotFoundError, ValidationError
from .outbound import After, run_after, still_wanted
from .workflow import Ctx, ask, consent_given, consent_refused, set_state, write_intro

RETRIES = 3
# what the user said instead of the party answering (a consent that is not required, on their word)
_YOUR_WORD = {Role.REQUESTER: "You said {name} asked for this intro",
              Role.TARGET: "You said {name} had already agreed"}


def check(deps: Deps, spec: IntroSpec, policy: Policy) -> list:
    """Etiquette findings for a spec, as the panel shows them before submit."""
    requests = {role: compose.permission_request(spec, role, deps.renderer, policy) for role in spec.roles_to_ask()}
    return (lint_spec(spec) + lint_intro(spec, compose.intro(spec, deps.renderer, policy))
            + lint_permission_requests(spec, requests))


def start_intro(deps: Deps, account_id: int, spec: IntroSpec, idempotency: tuple[str, str] | None = None) -> int:
    """Record the intro and write the permission request(s); returns the intro id.

    `idempotency`: (key, request hash), claimed in the same transaction as the intro, so the intro and
    its key commit together or not at all; KeyUsed when another request holds the key."""
    after = After()
    with deps.uow() as uow:
        account = _account(uow, account_id)
        policy = Policy.from_dict(account.policy)
        errors = [f for f in check(deps, spec, policy) if f.severity == "error"]
        if errors:
            raise ValidationError("The intro would break etiquette: " + " ".join(f.message for f in errors), errors)
        now = deps.clock()
        intro = Intro(
            account_id=account.id, state=IntroState.NEW.value, spec=spec_to_stored(spec),
            requester_name=spec.requester.person.name, requester_email=spec.requester.person.email,
            target_name=spec.target.person.name, target_email=spec.target.person.email, context=spec.context,
            source_thread_id=spec.source_thread_id, needs_review=False, created_at=now, updated_at=now,
        )
        uow.intros.add(intro)
        uow.session.flush()
        if idempotency and not uow.idempotency.claim(account.id, *idempotency, now, intro_id=intro.id):
            raise KeyUsed("Another request with this idempotency key came first.")
        for role in Role:
            asked = role in spec.roles_to_ask()
            uow.consents.add(Consent(intro_id=intro.id, role=role.value,
                                     status=(ConsentStatus.PENDING if asked else ConsentStatus.NOT_REQUIRED).value,
                                     reason=None if asked else _YOUR_WORD[role].format(name=spec.party(role).person.name)))
        ctx = Ctx(deps, uow, account, intro, after)
        ctx.event("created", f"Intro of {spec.requester.person.name} to {spec.target.person.name} started "
                             f"({spec.context}).")
        for role in Role:
            if role not in spec.roles_to_ask():
                name = spec.party(role).person.name
                ctx.event("consent_on_your_word", f"{_YOUR_WORD[role].format(name=name)}: your statement, not "
                                                  f"{name}'s own answer; {name} is not asked.",
                          role=role.value, source="user")
        if spec.source_thread_id:
            uow.intros.track_thread(account.id, spec.source_thread_id, intro.id, "source")
        roles = spec.roles_to_ask()
        if not roles:
            set_state(ctx, IntroState.CONSENTED, "Both parties had already agreed.")
            write_intro(ctx)
        else:
            set_state(ctx, IntroState.AWAITING_CONSENT, "Asking for permission first (double opt-in).")
            for role in roles:
                ask(ctx, role)
        uow.commit()
        intro_id = intro.id
    run_after(deps, after)
    return intro_id


def cancel_intro(deps: Deps, account_id: int, intro_id: int) -> None:
    _act(deps, account_id, intro_id, _cancel)


def _cancel(ctx: Ctx) -> None:
    if not can_transition(IntroState(ctx.intro.state), IntroState.CANCELLED):
        raise ConflictError(f"This intro is already {ctx.intro.state}.")
    ctx.uow.due.cancel(ctx.intro.id)
    for row in ctx.uow.outbound.for_intro(ctx.intro.id):
        if row.status == "pending":
            row.status = "cancelled"
    set_state(ctx, IntroState.CANCELLED, "You cancelled the intro.")


def override_consent(deps: Deps, account_id: int, intro_id: int, role: Role, yes: bool) -> None:
    """The introducer decides what a party answered (an unclear reply, a phone call, a one-click link)."""
    def apply(ctx: Ctx) -> None:
        consent = ctx.consents()[role]
        if IntroState(ctx.intro.state) not in (IntroState.NEW, IntroState.AWAITING_CONSENT):
            raise ConflictError(f"Consent can only change while the intro awaits consent (it is {ctx.intro.state}).")
        if consent.status == ConsentStatus.NOT_REQUIRED.value:
            raise ConflictError(f"The {role.value} did not have to be asked.")
        (consent_given if yes else consent_refused)(ctx, role, "Marked by you.", by_user=True)

    _act(deps, account_id, intro_id, apply)


def send_now(deps: Deps, account_id: int, intro_id: int) -> int:
    """Send every draft of this intro that is waiting for the user; returns how many."""
    sent: list[int] = []

    def apply(ctx: Ctx) -> None:
        sent.clear()  # a retry decides again from what it reads
        for row in ctx.uow.outbound.for_intro(ctx.intro.id):
            if row.status == "drafted" and still_wanted(ctx.intro.state, row.step):
                row.status, row.mode = "pending", SendMode.SEND.value
                ctx.after.outbound_ids.append(row.id)
                sent.append(row.id)
        if not sent:
            raise ConflictError("There is no draft waiting to be sent.")
        ctx.event("send_now", "You asked to send the waiting draft(s) now.")

    _act(deps, account_id, intro_id, apply)
    return len(sent)


def set_timezone(deps: Deps, account_id: int, tz: str) -> str:
    """The introducer's time zone: business hours and weekends for nudges are counted in it."""
    try:
        name = zone(tz).key
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    with deps.uow() as uow:
        account = _account(uow, account_id)
        account.timezone = name
        account.updated_at = deps.clock()
        uow.commit()
    return name


def update_settings(deps: Deps, account_id: int, changes: dict) -> Policy:
    with deps.uow() as uow:
        account = _account(uow, account_id)
        merged = {**(account.policy or {}), **changes}
        try:
            policy = Policy.from_dict(merged)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        account.policy = policy.to_dict()
        uow.commit()
    return policy


def _act(deps: Deps, account_id: int, intro_id: int, fn) -> None:
    """Apply `fn` to the intro in one transaction; when a worker moved the intro meanwhile, read it again
    and decide again (`fn` may then refuse, with a ConflictError, what no longer applies)."""
    for attempt in range(RETRIES):
        after = After()
        try:
            with deps.uow() as uow:
                account = _account(uow, account_id)
                intro = uow.intros.get(intro_id, account_id)
                if intro is None:
                    raise NotFoundError(f"No intro {intro_id} in this account.")
                fn(Ctx(deps, uow, account, intro, after))
                uow.commit()
        except (StaleDataError, IntegrityError):
            if attempt == RETRIES - 1:
                raise ConflictError("The intro changed while this was being done; try again.") from None
            continue
        run_after(deps, after)
        return


def _account(uow, account_id: int):
    account = uow.accounts.get(account_id)
    if account is None:
        raise NotFoundError("Unknown account.")
    return account

