"""The JSON API: routing, validation, error shape and what each route returns."""
from __future__ import annotations

import pytest

from web_helpers import ANN, BOB, DANA, spec


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


def test_me_shows_the_signed_in_account_and_its_settings(client, dana):
    response = client.get("/api/v1/me", headers=dana)
    assert response.status_code == 200
    me = response.get_json()
    assert me["email"] == DANA and me["provider"] == "sandbox" and me["timezone"] == "America/New_York"
    assert me["settings"]["intro"] == "draft"


def test_malformed_json_is_a_400_saying_where(client, dana):
    response = client.post("/api/v1/intros", data='{"requester": ', headers={**dana, "Content-Type": "application/json"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request" and "not valid JSON" in error["message"] and "line 1" in error["message"]


@pytest.mark.parametrize("body", ["[]", '"text"', "", "42"])
def test_a_body_that_is_not_an_object_is_a_400(client, dana, body):
    response = client.post("/api/v1/intros/check", data=body, headers={**dana, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


@pytest.mark.parametrize("changes, field", [
    ({"context": 5}, "context"),
    ({"requester": {"name": "Ann Lee", "email": ANN, "asked": "yes"}}, "requester.asked"),
    ({"target": ["Bob"]}, "target"),
    ({"target": {"name": "Bob", "email": 7}}, "target.email"),
    ({"source_thread_id": {"id": 1}}, "source_thread_id"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
    ({"requester": {"name": "Ann Lee", "email": ANN, "nickname": "A"}}, "requester.nickname"),
])
def test_wrong_types_and_unknown_fields_are_400s_naming_the_field(client, dana, changes, field):
    response = client.post("/api/v1/intros", json=spec(**changes), headers=dana)
    assert response.status_code == 400
    assert error_of(response)["message"].startswith(f"{field}:")


def test_the_introducer_comes_from_the_account_never_from_the_client(client, dana):
    forged = {**spec(), "introducer": {"name": "Mallory", "email": "mallory@evil.example"}}
    response = client.post("/api/v1/intros", json=forged, headers=dana)
    assert response.status_code == 400
    assert error_of(response)["message"].startswith("introducer:")


@pytest.mark.parametrize("changes, field", [
    ({"target": {"name": "Ann Again", "email": ANN}}, "target.email"),
    ({"requester": {"name": "Ann Lee", "email": "ann@"}}, "requester.email"),
    ({"target": {"name": "Dana", "email": DANA}}, "target.email"),
    ({"requester": None}, "requester"),
])
def test_invalid_specs_are_422s_naming_the_field(client, dana, changes, field):
    response = client.post("/api/v1/intros", json=spec(**changes), headers=dana)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_spec" and error["message"].startswith(field)


def test_etiquette_errors_block_the_intro_with_422_and_the_findings(client, dana):
    response = client.post("/api/v1/intros", json=spec(context="", benefit_to_target="", benefit_to_requester=""),
                           headers=dana)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert any(f["severity"] == "error" for f in error["findings"])
    assert all(set(f) == {"code", "severity", "message"} for f in error["findings"])
    assert client.get("/api/v1/intros", headers=dana).get_json()["intros"] == []


def test_check_returns_the_findings_and_the_intro_as_written_without_creating_anything(client, dana):
    good = client.post("/api/v1/intros/check", json=spec(), headers=dana).get_json()
    assert good["ok"] is True and good["asks"] == ["target"]
    assert "Ann" in good["intro"]["subject"] and "Bob" in good["intro"]["subject"]
    assert "clinic go-to-market" in good["intro"]["subject"]
    assert {p["email"] for p in good["intro"]["to"]} == {ANN, BOB}
    bad = client.post("/api/v1/intros/check", json=spec(context=""), headers=dana).get_json()
    assert bad["ok"] is False and any(f["severity"] == "error" for f in bad["findings"])
    assert client.get("/api/v1/intros", headers=dana).get_json()["intros"] == []


def test_starting_an_intro_answers_201_with_the_intro_awaiting_consent(client, dana, seeded):
    response = client.post("/api/v1/intros", json=spec(source_thread_id=seeded["inbound_thread_id"]), headers=dana)
    assert response.status_code == 201, response.get_json()
    intro = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/intros/{intro['id']}")
    assert intro["state"] == "awaiting_consent"
    assert intro["consents"] == {"requester": "not_required", "target": "pending"}
    assert "Review and send" in intro["next_step"]
    assert intro["timeline"] and intro["messages"][0]["status"] == "drafted"
    listed = client.get("/api/v1/intros", headers=dana).get_json()["intros"]
    assert [i["id"] for i in listed] == [intro["id"]]


def test_the_intro_list_filters_by_state(client, dana):
    client.post("/api/v1/intros", json=spec(), headers=dana)
    assert len(client.get("/api/v1/intros?state=awaiting_consent", headers=dana).get_json()["intros"]) == 1
    assert client.get("/api/v1/intros?state=introduced,handed_off", headers=dana).get_json()["intros"] == []
    response = client.get("/api/v1/intros?state=pondering", headers=dana)
    assert response.status_code == 400 and error_of(response)["message"].startswith("state:")
    assert client.get("/api/v1/intros?limit=0", headers=dana).status_code == 400


def test_cancelling_ends_the_intro_and_cancelling_again_conflicts(client, dana):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()
    cancelled = client.post(f"/api/v1/intros/{intro['id']}/cancel", headers=dana)
    assert cancelled.status_code == 200 and cancelled.get_json()["state"] == "cancelled"
    again = client.post(f"/api/v1/intros/{intro['id']}/cancel", headers=dana)
    assert again.status_code == 409 and error_of(again)["code"] == "conflict"


def test_marking_consent_yes_moves_the_intro_on(client, dana):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()
    response = client.post(f"/api/v1/intros/{intro['id']}/consent", json={"role": "target", "answer": "yes"},
                           headers=dana)
    assert response.status_code == 200
    assert response.get_json()["consents"]["target"] == "yes"
    assert response.get_json()["state"] in ("consented", "introduced")


@pytest.mark.parametrize("body, field", [
    ({"role": "boss", "answer": "yes"}, "role"),
    ({"role": "target", "answer": "maybe"}, "answer"),
    ({"role": "target"}, "answer"),
    ({"role": "target", "answer": True}, "answer"),
])
def test_a_consent_body_must_name_a_role_and_a_yes_or_no(client, dana, body, field):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()
    response = client.post(f"/api/v1/intros/{intro['id']}/consent", json=body, headers=dana)
    assert response.status_code == 400 and error_of(response)["message"].startswith(f"{field}:")


def test_marking_a_party_who_was_not_asked_conflicts(client, dana):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()  # Ann asked herself
    response = client.post(f"/api/v1/intros/{intro['id']}/consent", json={"role": "requester", "answer": "yes"},
                           headers=dana)
    assert response.status_code == 409


def test_send_now_sends_the_waiting_draft_and_then_has_nothing_to_send(client, dana, container):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()
    response = client.post(f"/api/v1/intros/{intro['id']}/send-now", headers=dana)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["sent"] == 1
    assert container.world.drafts(DANA) == []
    assert any("Ann Lee" in t.subject for t in container.world.inbox(BOB))
    again = client.post(f"/api/v1/intros/{intro['id']}/send-now", headers=dana)
    assert again.status_code == 409


def test_settings_can_be_read_and_changed(client, dana):
    assert client.get("/api/v1/settings", headers=dana).get_json()["handoff_mode"] == "step_out"
    response = client.patch("/api/v1/settings", json={"handoff_mode": "bcc_one", "consent_nudge_after_days": 5},
                            headers=dana)
    assert response.status_code == 200
    assert response.get_json()["handoff_mode"] == "bcc_one"
    assert client.get("/api/v1/me", headers=dana).get_json()["settings"]["consent_nudge_after_days"] == 5


@pytest.mark.parametrize("changes", [
    {"handoff_mode": "vanish"}, {"consent_nudge_after_days": 0}, {"consent_nudge_after_days": "3"},
    {"consent_links": "yes"}, {"intro": ["draft"]}, {"nonsense": 1},
])
def test_bad_setting_values_are_422s(client, dana, changes):
    response = client.patch("/api/v1/settings", json=changes, headers=dana)
    assert response.status_code == 422, response.get_json()
    assert error_of(response)["code"] == "invalid"
    assert client.get("/api/v1/settings", headers=dana).get_json()["handoff_mode"] == "step_out"


def test_unknown_routes_and_methods_are_json_errors(client, dana):
    missing = client.get("/api/v1/nothing-here", headers=dana)
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    unknown_intro = client.get("/api/v1/intros/999999", headers=dana)
    assert unknown_intro.status_code == 404 and error_of(unknown_intro)["code"] == "not_found"
    wrong = client.delete("/api/v1/intros", headers=dana)
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_an_unexpected_failure_is_a_json_500_without_details(container):
    from introducer.app import create_app

    app = create_app(container)

    @app.get("/api/v1/broken-on-purpose")
    def broken():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/broken-on-purpose")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "internal" and "secret" not in error["message"]


def test_the_account_time_zone_can_be_set_to_an_iana_zone_and_nothing_else(client, dana):
    response = client.patch("/api/v1/me", json={"timezone": "Europe/Paris"}, headers=dana)
    assert response.status_code == 200 and response.get_json()["timezone"] == "Europe/Paris"
    assert client.get("/api/v1/me", headers=dana).get_json()["timezone"] == "Europe/Paris"
    bad = client.patch("/api/v1/me", json={"timezone": "Mars/Olympus"}, headers=dana)
    assert bad.status_code == 422 and "unknown time zone" in error_of(bad)["message"]
    assert client.patch("/api/v1/me", json={"timezone": 5}, headers=dana).status_code == 400
    assert client.patch("/api/v1/me", json={}, headers=dana).status_code == 400


def test_the_signature_name_can_be_changed_with_or_without_the_time_zone(client, dana):
    renamed = client.patch("/api/v1/me", json={"name": "  Dana   Park-Lee "}, headers=dana)
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["name"] == "Dana Park-Lee"
    both = client.patch("/api/v1/me", json={"name": "Danielle Park", "timezone": "Europe/Paris"},
                        headers=dana).get_json()
    assert (both["name"], both["timezone"]) == ("Danielle Park", "Europe/Paris")
    assert client.patch("/api/v1/me", json={"name": "  "}, headers=dana).status_code == 422
    assert client.patch("/api/v1/me", json={"name": "x" * 201}, headers=dana).status_code == 422
    assert client.patch("/api/v1/me", json={"name": None}, headers=dana).status_code == 400
    assert client.get("/api/v1/me", headers=dana).get_json()["name"] == "Danielle Park"
    checked = client.post("/api/v1/intros/check", json=spec(), headers=dana).get_json()
    assert checked["intro"]["text"].rstrip().endswith("Danielle")  # the intro is signed with the new name


def test_a_whole_number_written_with_a_decimal_point_is_a_whole_number_of_days(client, dana):
    saved = client.patch("/api/v1/settings", data='{"consent_nudge_after_days": 5.0}', content_type="application/json",
                         headers=dana)
    assert saved.status_code == 200 and saved.get_json()["consent_nudge_after_days"] == 5
    half = client.patch("/api/v1/settings", json={"consent_nudge_after_days": 5.5}, headers=dana)
    assert half.status_code == 422


def test_consent_on_the_users_word_is_linted_and_recorded_as_the_users_statement(client, dana):
    body = spec()
    body["target"]["consent_given"] = True
    body["requester"]["asked"] = True
    findings = client.post("/api/v1/intros/check", json=body, headers=dana).get_json()
    mine = [f for f in findings["findings"] if f["code"] == "consent_on_your_word"]
    assert [f["severity"] for f in mine] == ["warning", "warning"]
    intro = client.post("/api/v1/intros", json=body, headers=dana).get_json()
    view = client.get(f"/api/v1/intros/{intro['id']}", headers=dana).get_json()
    said = [e for e in view["timeline"] if e["kind"] == "consent_on_your_word"]
    assert [e["detail"]["role"] for e in said] == ["requester", "target"]
    assert all(e["detail"]["source"] == "user" and "your statement, not" in e["message"] for e in said)
    assert "Bob Stone had already agreed" in said[1]["message"]
    assert not [e for e in view["timeline"] if e["kind"] == "consent_yes"]  # nobody *said* yes


def test_consent_marked_by_the_user_is_their_statement_not_the_partys(client, dana):
    intro = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()
    view = client.post(f"/api/v1/intros/{intro['id']}/consent", json={"role": "target", "answer": "yes"},
                       headers=dana).get_json()
    [said] = [e for e in view["timeline"] if e["kind"] == "consent_yes"]
    assert said["detail"]["source"] == "user"
    assert said["message"].startswith("You recorded that Bob Stone said yes: your statement, not a reply from Bob")


def test_a_spec_with_several_mistakes_names_them_all_in_plain_words(client, dana):
    body = spec(requester={"name": "Ann Lee", "email": "ann at acme"}, target={"name": "", "email": BOB})
    response = client.post("/api/v1/intros/check", json=body, headers=dana)
    assert response.status_code == 422
    error = error_of(response)
    assert error["fields"] == {"requester.email": "Ann's address looks incomplete: it should look like name@example.com.",
                               "target.name": "Who they should meet: add a name."}
    assert error["message"].startswith("requester.email: Ann's address looks incomplete")
