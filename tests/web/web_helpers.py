"""Shared values for the web tests: the seeded people and a complete intro spec."""
from __future__ import annotations

DANA = "dana@parkcap.example"
ANN = "ann@acme.example"
BOB = "bob@stonevc.example"


def spec(**changes) -> dict:
    """A complete intro of Ann to Bob as the panel submits it (no introducer: the account is)."""
    body = {
        "requester": {"name": "Ann Lee", "email": ANN, "asked": True,
                      "blurb": "founder of Acme, scheduling software for small clinics"},
        "target": {"name": "Bob Stone", "email": BOB, "blurb": "partner at Stone VC, led two rounds in clinic software"},
        "context": "clinic go-to-market",
        "benefit_to_target": "an early look at Acme, growing 15% a month with 40 clinics",
        "benefit_to_requester": "advice on selling to clinics from someone who has backed two companies doing it",
        "shared_connection": "Ann and I worked together at MediSys",
    }
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body
