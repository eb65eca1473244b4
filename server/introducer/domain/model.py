"""The words of the product as types: people, roles, states, verdicts, steps and account policy."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .names import greeting_name


@dataclass(frozen=True)
class Person:
    """A named mailbox. The address is validated where it enters (see mail.address)."""

    name: str
    email: str

    @property
    def first_name(self) -> str:
        """The name to greet with, when nobody said what to call them (see domain.names)."""
        return greeting_name(self.name, self.email)


class Role(StrEnum):
    REQUESTER = "requester"
    TARGET = "target"

    @property
    def other(self) -> "Role":
        return Role.TARGET if self is Role.REQUESTER else Role.REQUESTER


class Verdict(StrEnum):
    """What a party's answer to a permission request means."""

    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"
    AUTO_REPLY = "auto_reply"


class ConsentStatus(StrEnum):
    NOT_REQUIRED = "not_required"  # the requester asked, or the user said consent was already given
    PENDING = "pending"  # permission request not sent yet / no answer yet
    NEEDS_REVIEW = "needs_review"  # an unclear answer waits for the introducer
    YES = "yes"
    NO = "no"


class Step(StrEnum):
    """Every message Introducer writes. With the intro id and a role it forms the outbound key."""

    PERMISSION_REQUEST = "permission_request"
    INTRO = "intro"
    HANDOFF = "handoff"
    DECLINE_NOTE = "decline_note"
    CONSENT_BUMP = "consent_bump"
    REQUESTER_REMINDER = "requester_reminder"
    CLOSE_LOOP = "close_loop"
    EXPIRY_NOTE = "expiry_note"


class HandoffMode(StrEnum):
    STEP_OUT = "step_out"  # To both parties, Bcc introducer, Reply-To both
    BCC_ONE = "bcc_one"  # To the party who acts next, Bcc introducer and the other party


class HandoffTrigger(StrEnum):
    FIRST_REPLY = "first_reply"
    BOTH_REPLIED = "both_replied"
    IMMEDIATE = "immediate"


class SendMode(StrEnum):
    DRAFT = "draft"
    SEND = "send"


class SubjectStyle(StrEnum):
    MEETS = "meets"  # Intro: Ann meets Bob – context
    ANGLE = "angle"  # Intro: Ann <> Bob – context


@dataclass(frozen=True)
class Policy:
    """Per-account settings that decide how each step is taken."""

    permission_request: SendMode = SendMode.DRAFT
    intro: SendMode = SendMode.DRAFT
    decline_note: SendMode = SendMode.DRAFT
    expiry_note: SendMode = SendMode.DRAFT
    handoff: SendMode = SendMode.SEND
    nudges: SendMode = SendMode.SEND
    handoff_mode: HandoffMode = HandoffMode.STEP_OUT
    handoff_trigger: HandoffTrigger = HandoffTrigger.FIRST_REPLY
    consent_nudge_after_days: int = 3  # business days before the one bump
    expire_after_bump_days: int = 3  # business days after the bump before giving up
    requester_reminder_after_days: int = 1
    close_loop_after_days: int | None = 7  # None: no check-in
    subject_style: SubjectStyle = SubjectStyle.MEETS
    consent_links: bool = False

    def mode_for(self, step: Step) -> SendMode:
        if step is Step.PERMISSION_REQUEST:
            return self.permission_request
        if step is Step.INTRO:
            return self.intro
        if step is Step.DECLINE_NOTE:
            return self.decline_note
        if step is Step.EXPIRY_NOTE:
            return self.expiry_note
        if step is Step.HANDOFF:
            return self.handoff
        return self.nudges

    def to_dict(self) -> dict:
        return {k: (v.value if isinstance(v, StrEnum) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Policy":
        """Build from stored or submitted settings; unknown keys are errors, bad values raise ValueError."""
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        kinds = {
            "permission_request": SendMode, "intro": SendMode, "decline_note": SendMode, "expiry_note": SendMode,
            "handoff": SendMode, "nudges": SendMode, "handoff_mode": HandoffMode,
            "handoff_trigger": HandoffTrigger, "subject_style": SubjectStyle,
        }
        out: dict = {}
        for key, value in data.items():
            if key in kinds:
                try:
                    out[key] = kinds[key](value)
                except ValueError:
                    allowed = ", ".join(m.value for m in kinds[key])
                    raise ValueError(f"{key} must be one of: {allowed}") from None
            elif key == "consent_links":
                if not isinstance(value, bool):
                    raise ValueError("consent_links must be true or false")
                out[key] = value
            else:
                if value is None and key == "close_loop_after_days":
                    out[key] = None
                    continue
                if isinstance(value, float) and value.is_integer():
                    value = int(value)  # JSON's 3.0 is the whole number 3 (as JSON Schema's "integer" says)
                if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 60:
                    raise ValueError(f"{key} must be a whole number of business days from 1 to 60")
                out[key] = value
        return cls(**out)


@dataclass(frozen=True)
class Party:
    person: Person
    blurb: str = ""
    # the requester asked for this intro themselves (so their consent is implied)
    asked: bool = False
    call_name: str = ""  # what to call them ("Ann", "Dr. Lee"); empty: guessed from the name

    @property
    def greeting(self) -> str:
        """The name after "Hi": what the user said to call them, else a safe guess from the name."""
        return self.call_name.strip() or self.person.first_name


@dataclass(frozen=True)
class IntroSpec:
    """Everything the user says when clicking Introduce."""

    introducer: Person
    requester: Party
    target: Party
    context: str
    benefit_to_target: str = ""
    benefit_to_requester: str = ""
    shared_connection: str = ""
    timezone: str = "UTC"
    target_consent_given: bool = False  # the user says the target already agreed
    source_thread_id: str | None = None  # the thread the user had open (the requester's ask)
    extra: dict = field(default_factory=dict)

    def party(self, role: Role) -> Party:
        return self.requester if role is Role.REQUESTER else self.target

    def roles_to_ask(self) -> list[Role]:
        """Double opt-in: the target unless consent was given, the requester unless they asked."""
        roles = []
        if not self.requester.asked:
            roles.append(Role.REQUESTER)
        if not self.target_consent_given:
            roles.append(Role.TARGET)
        return roles
