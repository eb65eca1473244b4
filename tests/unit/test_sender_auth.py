"""Reading the receiving provider's Authentication-Results (RFC 8601) and the DMARC-style decision."""
from __future__ import annotations

import pytest

from introducer.domain.message_keys import MessageKeys
from introducer.domain.sender_auth import check_sender, organizational_domain, parse
from introducer.mail.gmail.parse import thread_message as gmail_message
from introducer.mail.graph.parse import thread_message as graph_message

GMAIL = ("mx.google.com;\r\n       dkim=pass header.i=@stonevc.example header.s=s1 header.b=AbCd;\r\n"
         "       spf=pass (google.com: domain of bob@stonevc.example designates 203.0.113.9 as permitted sender) "
         "smtp.mailfrom=bob@stonevc.example;\r\n       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=stonevc.example")
EXCHANGE = ("spf=pass (sender IP is 203.0.113.9) smtp.mailfrom=stonevc.example; dkim=pass (signature was verified) "
            "header.d=stonevc.example;dmarc=pass action=none header.from=stonevc.example;compauth=pass reason=100")
FORGED_PASS = "mx.google.com; dmarc=pass header.from=stonevc.example"
FAILED = ("mx.google.com; dkim=none; spf=softfail (google.com: domain of transitioning bob@stonevc.example does "
          "not designate 198.51.100.7 as permitted sender) smtp.mailfrom=bob@stonevc.example; "
          "dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=stonevc.example")


def test_gmails_stamp_is_read_with_its_comments_and_folding_removed():
    stamp = parse(GMAIL)
    assert stamp.authserv_id == "mx.google.com"
    assert [(r.method, r.result) for r in stamp.results] == [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]
    assert stamp.results[1].props["smtp.mailfrom"] == "bob@stonevc.example"


def test_exchange_online_leaves_the_authserv_id_out():
    stamp = parse(EXCHANGE)
    assert stamp.authserv_id == ""
    assert {r.method: r.result for r in stamp.results} == {"spf": "pass", "dkim": "pass", "dmarc": "pass",
                                                           "compauth": "pass"}


@pytest.mark.parametrize("stamp", [GMAIL, EXCHANGE])
def test_a_provider_stamp_that_passes_vouches_for_the_sender(stamp):
    assert check_sender("bob@stonevc.example", [stamp]).passed


def test_only_the_topmost_header_counts_a_sender_cannot_add_a_pass_below_it():
    check = check_sender("bob@stonevc.example", [FAILED, FORGED_PASS])
    assert not check.passed and "dmarc=fail" in check.reason


def test_no_stamp_at_all_is_not_verified():
    assert not check_sender("bob@stonevc.example", []).passed


@pytest.mark.parametrize("stamp, passed", [
    ("mx.google.com; dkim=pass header.d=mail.stonevc.example", True),  # relaxed: same organizational domain
    ("mx.google.com; dkim=pass header.i=@stonevc.example", True),
    ("mx.google.com; dkim=pass header.d=mailer.example", False),  # a third party's signature
    ("mx.google.com; spf=pass smtp.mailfrom=bounces@stonevc.example", True),
    ("mx.google.com; spf=pass smtp.mailfrom=bounces@sendgrid.example", False),
    ("mx.google.com; spf=fail smtp.mailfrom=bob@stonevc.example; dkim=fail header.d=stonevc.example", False),
    ("mx.google.com; dkim=pass header.d=stonevc.example; dmarc=fail header.from=stonevc.example", False),
    ("mx.google.com; dmarc=pass header.from=evil.example", False),  # a pass for another From domain
    ('mx.google.com; spf=pass (a comment; with a semicolon) smtp.mailfrom="bob@stonevc.example"', True),
])
def test_what_counts_as_authenticated(stamp, passed):
    assert check_sender("Bob@StoneVC.example", [stamp]).passed is passed


def test_organizational_domain_heuristic():
    assert organizational_domain("mail.stonevc.example") == "stonevc.example"
    assert organizational_domain("eu.mail.acme.co.uk") == "acme.co.uk"
    assert organizational_domain("bbc.co.uk") == "bbc.co.uk"
    assert organizational_domain("ACME.COM.") == "acme.com"


def test_adapters_keep_every_authentication_results_header_topmost_first():
    headers = [{"name": "Authentication-Results", "value": FAILED}, {"name": "From", "value": "bob@stonevc.example"},
               {"name": "Authentication-Results", "value": FORGED_PASS}]
    gmail = gmail_message({"id": "m1", "threadId": "t1", "labelIds": ["INBOX"], "payload": {"headers": headers}})
    graph = graph_message({"id": "m1", "conversationId": "c1", "internetMessageHeaders": headers,
                           "from": {"emailAddress": {"address": "bob@stonevc.example"}}}, "dana@parkcap.example")
    assert gmail.authentication_results == graph.authentication_results == (FAILED, FORGED_PASS)


def test_message_keys_are_stable_under_one_secret_and_unrelated_under_another():
    keys, other = MessageKeys("secret one"), MessageKeys("secret two")
    key = keys.key("intro-1:permission_request:target")
    assert key == MessageKeys("secret one").key("intro-1:permission_request:target")
    assert key != other.key("intro-1:permission_request:target")
    assert key != keys.key("intro-2:permission_request:target")
    assert "intro" not in key and len(key) == 27
    with pytest.raises(ValueError):
        MessageKeys("")
