"""Outlook accounts open their sealed MSAL cache: tokens through real msal, a refreshed cache written back."""
from __future__ import annotations

import pytest

from entra_fixtures import MEGAN, entra_app, idp, token_for  # noqa: F401
from introducer.auth.credentials import seal, unseal
from introducer.auth.crypto import TokenCipher
from introducer.mail.graph.accounts import mailbox_for_account, token_supplier
from introducer.mail.port import ReconnectNeeded


def connected(app, idp) -> int:
    return app.api("POST", "/api/v1/connect/outlook", token=token_for(idp)).json()["id"]


def stored(app, account_id: int):
    with app.container.uow() as uow:
        return uow.accounts.get(account_id)


def test_a_refreshed_cache_is_sealed_and_stored_at_once(entra_app, idp):
    idp.access_token_lifetime = 120  # msal refreshes a token this close to expiry on every use
    c = entra_app.container
    account = stored(entra_app, connected(entra_app, idp))
    before = unseal(c.cipher, account.credentials)["cache"]
    token = token_supplier(c.settings, c.cipher, c.uow, account.id, unseal(c.cipher, account.credentials))()
    assert idp.access_token_owner(token) == MEGAN and idp.requests["token:refresh_token"] >= 1
    after = unseal(c.cipher, stored(entra_app, account.id).credentials)
    assert after["cache"] != before and after["home_account_id"] == account.external_id


def test_an_account_that_never_connected_needs_to_connect(entra_app, idp):
    me = entra_app.api("GET", "/api/v1/me", token=token_for(idp)).json()
    c = entra_app.container
    with pytest.raises(ReconnectNeeded):
        mailbox_for_account(c.settings, c.cipher, c.uow, stored(entra_app, me["id"]))


def test_credentials_no_configured_key_opens_need_a_new_grant(entra_app, idp):
    c = entra_app.container
    account = stored(entra_app, connected(entra_app, idp))
    account.credentials = seal(TokenCipher([TokenCipher.generate_key()]), {"cache": "{}", "home_account_id": "x"})
    with pytest.raises(ReconnectNeeded):
        mailbox_for_account(c.settings, c.cipher, c.uow, account)
