"""A live Introducer configured for Outlook against the fake Microsoft identity platform (HTTPS, loopback).

`idp` mints task-pane tokens (`idp.mint_api_token`) and answers msal (on-behalf-of, auth code, refresh);
`entra_app` is a LiveApp whose Microsoft settings point at it. Graph itself is a stub that refuses every
call at once (400): these tests are about identity, not mail. Import: `from entra_fixtures import idp, entra_app, MEGAN  # noqa`.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from werkzeug.wrappers import Response

from fakes.microsoft_identity import FakeMicrosoftIdentity, FakeUser
from introducer.mail.sandbox.loopback import LoopbackServer
from live_server import LiveApp

CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
SECRET = "fake-client-secret~value"
MEGAN = FakeUser(oid="48d31887-5fad-4d73-a9f5-3c356e68a038", tid="72f988bf-86f1-41af-91ab-2d7cd011db47",
                 name="Megan Bowen", username="megan@contoso.example")


def _refusing_graph(environ, start_response):
    body = b'{"error": {"code": "BadRequest", "message": "Not this Graph."}}'
    return Response(body, 400, content_type="application/json")(environ, start_response)


@pytest.fixture
def idp():
    with FakeMicrosoftIdentity() as fake:
        yield fake


@contextmanager
def entra_live(idp, data_dir, **settings):
    """A LiveApp pointed at the fake identity platform, with more settings (e.g. ms_tenant) when given."""
    with LoopbackServer(_refusing_graph) as graph:
        app = LiveApp(data_dir, ms_client_id=CLIENT_ID, ms_client_secret=SECRET,
                      ms_authority_host=idp.base_url, ms_jwks_url=idp.jwks_url, ms_ca_bundle=idp.ca_bundle_path,
                      graph_url=f"{graph.base_url}/v1.0", **settings)
        idp.register_client(CLIENT_ID, SECRET, (f"{app.url}/connect/microsoft/callback",))
        try:
            yield app
        finally:
            app.stop()


@pytest.fixture
def entra_app(idp, tmp_path):
    with entra_live(idp, tmp_path / "data") as app:
        yield app


def token_for(idp: FakeMicrosoftIdentity, user: FakeUser = MEGAN, **claims) -> str:
    """The access token MSAL.js NAA would get for our API, for `user` (claims override or remove, None)."""
    return idp.mint_api_token(CLIENT_ID, user.tid, user.oid, name=user.name, preferred_username=user.username,
                              **claims)
