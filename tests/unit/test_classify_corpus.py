"""Opt-in reply classification measured over a labelled sample of raw replies (data/replies.jsonl).

Each line is a full body as people send it (quoted history, signatures, footers) with the label a
careful person would give it. The sample measures behaviour; the classifier is not tuned to its ids.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from introducer.classifier import classify_reply
from introducer.domain.model import Verdict

DATA = Path(__file__).parent / "data" / "replies.jsonl"


def _rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def outcomes() -> list[tuple[dict, object]]:
    results = []
    for row in _rows():
        received = datetime.fromisoformat(row["received_at"]) if row.get("received_at") else None
        got = classify_reply(row["text"], row.get("headers"), row.get("subject", ""), row.get("sender", ""),
                             received)
        results.append((row, got))
    return results


def _describe(rows: list[tuple[dict, object]]) -> str:
    return "\n".join(f"  {row['id']}: expected {row['expected']}, got {got.verdict.value} ({got.reason})"
                     for row, got in rows)


def test_the_sample_is_large_and_covers_every_verdict(outcomes):
    labels = Counter(row["expected"] for row, _ in outcomes)
    ids = [row["id"] for row, _ in outcomes]
    assert len(outcomes) >= 70
    assert len(set(ids)) == len(ids), "ids must be unique"
    assert set(labels) == {v.value for v in Verdict}
    assert min(labels.values()) >= 10, labels


def test_no_reply_is_read_as_yes_unless_it_says_yes(outcomes, report):
    wrong_yes = [(row, got) for row, got in outcomes if got.verdict is Verdict.YES and row["expected"] != "yes"]
    correct = sum(got.verdict.value == row["expected"] for row, got in outcomes)
    total = len(outcomes)
    pct = 100 * correct / total
    report(f"reply classification: {correct}/{total} correct ({pct:.1f}%), wrong yes: {len(wrong_yes)}")
    assert not wrong_yes, "replies wrongly read as consent:\n" + _describe(wrong_yes)


def test_at_least_ninety_percent_of_replies_are_classified_as_labelled(outcomes, report):
    wrong = [(row, got) for row, got in outcomes if got.verdict.value != row["expected"]]
    accuracy = 1 - len(wrong) / len(outcomes)
    for verdict in Verdict:
        labelled = [(row, got) for row, got in outcomes if row["expected"] == verdict.value]
        hits = sum(got.verdict is verdict for _, got in labelled)
        report(f"reply classification recall, {verdict.value}: {hits}/{len(labelled)}")
    assert accuracy >= 0.90, f"accuracy {accuracy:.1%}; misclassified:\n" + _describe(wrong)


def test_every_automatic_reply_gives_the_labelled_return_date(outcomes):
    automatic = [(row, got) for row, got in outcomes if row["expected"] == "auto_reply"]
    mismatches = []
    for row, got in automatic:
        expected = date.fromisoformat(row["return_date"]) if row.get("return_date") else None
        if got.verdict is not Verdict.AUTO_REPLY or got.return_date != expected:
            mismatches.append(f"  {row['id']}: expected {expected}, got {got.verdict.value} {got.return_date}")
    dated = sum(1 for row, _ in automatic if row.get("return_date"))
    assert dated >= 8, "the sample needs automatic replies with return dates"
    assert not mismatches, "return dates:\n" + "\n".join(mismatches)
