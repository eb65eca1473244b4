"""The preview the user reviews is the email that goes out: same spec, same subject and body."""
from __future__ import annotations

import copy

from introducer.preview import preview
from introducer.service import intros
from workflow_fixtures import BOB, demo, database_url, spec_data  # noqa: F401


def _sent(demo, step: str):
    [message] = demo.sent(f":{step}:")
    parsed = message.parsed()
    text = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    return str(parsed["Subject"]), text, html


def _same(reviewed: dict, sent: tuple[str, str, str]) -> None:
    subject, text, html = sent
    assert subject == reviewed["subject"]
    assert text.replace("\r\n", "\n") == reviewed["text"]
    assert html.replace("\r\n", "\n").strip() == reviewed["html"].strip()


def _preview_of(demo, data: dict) -> dict:
    with demo.container.uow() as uow:
        policy = dict(uow.accounts.get(demo.account_id).policy)
    return preview({**copy.deepcopy(data), "policy": policy})


def test_the_permission_request_sent_is_the_one_previewed(demo):
    intros.update_settings(demo.deps, demo.account_id, {"permission_request": "send", "consent_links": False})
    data = spec_data(demo.dana, requester=dict(BOB, name="Nguyễn Văn An", email="an@helix.example",
                                               blurb="runs a diagnostics startup.", asked=True))
    intros.start_intro(demo.deps, demo.account_id, demo.spec(requester=data["requester"]))
    [reviewed] = _preview_of(demo, data)["permission_requests"]
    _same(reviewed, _sent(demo, "permission_request"))
    assert "Nguyễn Văn An, who runs a diagnostics startup." in reviewed["text"]


def test_the_intro_sent_is_the_one_previewed(demo):
    intros.update_settings(demo.deps, demo.account_id, {"intro": "send"})
    target = dict(BOB, consent_given=True, call_name="Bobby")
    data = spec_data(demo.dana, target=target)
    intros.start_intro(demo.deps, demo.account_id, demo.spec(target=target))
    reviewed = _preview_of(demo, data)["intro"]
    _same(reviewed, _sent(demo, "intro"))
    assert reviewed["text"].startswith("Hi Ann and Bobby,")
