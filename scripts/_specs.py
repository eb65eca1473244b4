"""The intro the benchmarks start many times: number i has its own requester and target."""
from __future__ import annotations


def numbered_spec(i: int, name: str, email: str, timezone: str):
    from introducer.spec import parse_spec

    return parse_spec({
        "introducer": {"name": name, "email": email, "timezone": timezone},
        "requester": {"name": f"Ann Lee{i}", "email": f"ann{i}@acme.example", "asked": True,
                      "blurb": "founder of Acme, workflow software for clinics"},
        "target": {"name": f"Bob Stone{i}", "email": f"bob{i}@stonevc.example",
                   "blurb": "partner at Stone Ventures, scaled go-to-market at two health-tech companies"},
        "context": "healthcare go-to-market",
        "benefit_to_target": "an early look at a fast-growing clinic software company",
        "benefit_to_requester": "advice on selling to clinics from someone who has done it twice",
        "shared_connection": "Ann and I worked together at Medisys; Bob and I co-invested in Clinico",
    })
