"""The intro state machine: explicit states and the only transitions allowed between them."""
from __future__ import annotations

from enum import StrEnum


class IntroState(StrEnum):
    NEW = "new"
    AWAITING_CONSENT = "awaiting_consent"
    CONSENTED = "consented"
    INTRODUCED = "introduced"
    HANDED_OFF = "handed_off"
    COMPLETED = "completed"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def label(self) -> str:
        """The mailbox label that mirrors this state."""
        return LABELS[self]


FINAL_STATES = frozenset({IntroState.COMPLETED, IntroState.DECLINED, IntroState.EXPIRED, IntroState.CANCELLED})

LABELS = {
    IntroState.NEW: "Intros/Awaiting consent",
    IntroState.AWAITING_CONSENT: "Intros/Awaiting consent",
    IntroState.CONSENTED: "Intros/Consented",
    IntroState.INTRODUCED: "Intros/Introduced",
    IntroState.HANDED_OFF: "Intros/Handed off",
    IntroState.COMPLETED: "Intros/Completed",
    IntroState.DECLINED: "Intros/Declined",
    IntroState.EXPIRED: "Intros/Expired",
    IntroState.CANCELLED: "Intros/Cancelled",
}
NEEDS_REVIEW_LABEL = "Intros/Needs review"
ALL_LABELS = tuple(dict.fromkeys([*LABELS.values(), NEEDS_REVIEW_LABEL]))

_S = IntroState
TRANSITIONS: dict[IntroState, frozenset[IntroState]] = {
    _S.NEW: frozenset({_S.AWAITING_CONSENT, _S.CONSENTED, _S.CANCELLED}),
    _S.AWAITING_CONSENT: frozenset({_S.CONSENTED, _S.DECLINED, _S.EXPIRED, _S.CANCELLED}),
    _S.CONSENTED: frozenset({_S.INTRODUCED, _S.DECLINED, _S.CANCELLED}),  # a yes withdrawn in time
    _S.INTRODUCED: frozenset({_S.HANDED_OFF, _S.CANCELLED}),
    _S.HANDED_OFF: frozenset({_S.COMPLETED, _S.CANCELLED}),
    _S.COMPLETED: frozenset(),
    _S.DECLINED: frozenset(),
    _S.EXPIRED: frozenset(),
    _S.CANCELLED: frozenset(),
}


class InvalidTransition(Exception):
    """Raised when a step would move an intro along an edge the workflow does not have."""

    def __init__(self, current: IntroState, wanted: IntroState):
        super().__init__(f"an intro that is {current.value} cannot become {wanted.value}")
        self.current = current
        self.wanted = wanted


def transition(current: IntroState, wanted: IntroState) -> IntroState:
    """Return the new state, or raise InvalidTransition."""
    if wanted not in TRANSITIONS[current]:
        raise InvalidTransition(current, wanted)
    return wanted


def can_transition(current: IntroState, wanted: IntroState) -> bool:
    return wanted in TRANSITIONS[current]
