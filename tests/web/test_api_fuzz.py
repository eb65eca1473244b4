"""Fuzzing /api/v1 from its own OpenAPI description (schemathesis + Hypothesis) against the live app over
loopback: no request, valid or not, is a server error, and no request the description calls valid is
refused as malformed (400/415). Bounded: a fixed number of cases per operation, derandomized.

Statuses a valid request may get: 2xx, 404 (no such intro), 409 (not possible in the intro's state) and, on
the operations in MEANINGFUL only, 422 (well-formed values that mean something impossible: an address that
does not parse, an unknown time zone, the etiquette lint). Text never contains NUL in generated requests: the server refuses it (web/body.py).
"""
from __future__ import annotations

import collections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode

from live_server import LiveApp
from web_helpers import DANA

VALID_EXAMPLES, INVALID_EXAMPLES = 16, 8  # per operation and mode: ~300 requests in all
ACCEPTABLE_FOR_VALID = {404, 409}
# Where well-formed values can still mean something impossible; elsewhere (settings) a 422 would mean the
# description is laxer than the server.
MEANINGFUL = {"POST /intros", "POST /intros/check", "PATCH /me"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = LiveApp(tmp_path_factory.mktemp("fuzz") / "data")
    yield app
    app.stop()


def _schema(live):
    schema = schemathesis.openapi.from_url(live.url + "/api/v1/openapi.json")
    schema.config.generation.update(allow_x00=False)
    return schema


def _fuzz(live, mode: GenerationMode, examples: int) -> tuple[collections.Counter, list[str], int]:
    token = live.session_token(DANA)
    statuses: collections.Counter = collections.Counter()
    problems: list[str] = []
    total = 0
    for result in _schema(live).get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal total
            total += 1
            headers = {"Authorization": f"Bearer {token}"} if operation.label != "GET /openapi.json" else {}
            response = case.call(base_url=live.url + "/api/v1", headers=headers, timeout=30)
            statuses[response.status_code] += 1
            acceptable = ACCEPTABLE_FOR_VALID | ({422} if operation.label in MEANINGFUL else set())
            refused = response.status_code >= 400 and response.status_code not in acceptable
            if response.status_code >= 500 or (mode is GenerationMode.POSITIVE and refused):
                problems.append(f"{response.status_code} {operation.label}: {case.as_curl_command()}\n"
                                f"    {response.text[:300]}")

        run()
    return statuses, problems, total


def test_valid_requests_are_accepted_and_none_is_a_server_error(live, report):
    statuses, problems, total = _fuzz(live, GenerationMode.POSITIVE, VALID_EXAMPLES)
    report(f"API fuzzing, valid requests: {total} sent, statuses {dict(sorted(statuses.items()))}")
    assert not problems, "\n".join(problems[:10])


def test_invalid_requests_are_refused_with_a_4xx_never_a_5xx(live, report):
    statuses, problems, total = _fuzz(live, GenerationMode.NEGATIVE, INVALID_EXAMPLES)
    report(f"API fuzzing, invalid requests: {total} sent, statuses {dict(sorted(statuses.items()))}")
    assert not problems, "\n".join(problems[:10])
    assert not [s for s in statuses if s >= 500]
