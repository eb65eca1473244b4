"""Intro ids no database could hold are simply not found, on every route that takes one."""
from __future__ import annotations

import pytest

HUGE = "99999999999999999999"  # more than any integer column holds


@pytest.mark.parametrize("method,path", [
    ("GET", f"/api/v1/intros/{HUGE}"),
    ("POST", f"/api/v1/intros/{HUGE}/cancel"),
    ("POST", f"/api/v1/intros/{HUGE}/send-now"),
    ("GET", f"/api/v1/intros/{HUGE}/intro-message"),
    ("GET", "/api/v1/intros/2147483648"),
])
def test_an_intro_id_too_large_for_the_database_is_not_found_rather_than_a_server_error(client, dana, method, path):
    response = client.open(path, method=method, headers=dana)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_marking_consent_on_an_intro_id_too_large_for_the_database_is_not_found(client, dana):
    response = client.post(f"/api/v1/intros/{HUGE}/consent", json={"role": "target", "answer": "yes"}, headers=dana)
    assert response.status_code == 404
