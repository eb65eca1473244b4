"""A fake Google identity service on loopback: signing certificates, consent screen, token endpoint.

A thin test harness over the sandbox's own Google sign-in (introducer.mail.sandbox.google_identity,
where each shape's source is written down), so the tests and the offline demo exercise one
implementation. What the harness adds: one steerable consenting user (`user`, `deselected_scopes`,
`deny`) answering the consent screen without a page, a second key that signs forgeries with the
served key's kid, and minting helpers for the three ID tokens the product verifies:
- the add-on system token `{iss, aud = endpoint URL, azp, sub, email = service account, email_verified,
  iat, exp}` and the user token `{aud = azp = OAuth client id, sub, email, email_verified}` (gmail.md §4);
- the Pub/Sub push token `{aud = configured audience, email, email_verified, iss, sub, iat, exp}`
  (gmail.md §5 "Push OIDC auth").
"""
from __future__ import annotations

import threading
from urllib.parse import parse_qsl, urlsplit

from flask import Flask
from werkzeug.serving import make_server

from introducer.mail.sandbox.google_identity import GoogleAccount, GoogleIdentity
from introducer.mail.sandbox.google_signing import new_signing_key
from introducer.mail.sandbox.google_identity_routes import identity_blueprint

GoogleUser = GoogleAccount  # GoogleUser(sub, email), the name the tests use


class FakeGoogleIdentity:
    """The fake's state; tests steer consent through `user`, `deselected_scopes` and `deny`."""

    def __init__(self, certs_max_age: int = 19845,
                 client_id: str = "1234567890-introducer.apps.googleusercontent.com",
                 client_secret: str = "fake-client-secret",
                 user: GoogleAccount = GoogleAccount("108123456789012345678", "ann@example.com"),
                 deselected_scopes: set[str] | None = None, deny: bool = False) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.user = user
        self.deselected_scopes = set(deselected_scopes or ())  # boxes unticked on granular consent
        self.deny = deny
        self.identity = GoogleIdentity(clients={client_id: client_secret}, certs_max_age=certs_max_age)
        # The forger copies the real kid: only the signature can tell the tokens apart.
        self._forged = new_signing_key(self.identity.key.kid)
        self._server = None
        self.base_url = self.certs_url = self.auth_url = self.token_url = ""

    # --- what the tests read -----------------------------------------------------------------
    @property
    def certs_max_age(self) -> int:
        return self.identity.certs_max_age

    @property
    def certs_requests(self) -> int:
        return self.identity.certs_requests

    @property
    def authorize_requests(self) -> list[dict]:
        return self.identity.authorize_requests

    @property
    def token_requests(self) -> list[dict]:
        return self.identity.token_requests

    @property
    def access_tokens(self) -> dict[str, dict]:
        return {token: grant.as_dict() for token, grant in self.identity.access_tokens().items()}

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeGoogleIdentity":
        app = Flask("fake_google_identity")
        app.register_blueprint(identity_blueprint(self.identity, lambda: [self.user], consent=self._consent))
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self.certs_url = f"{self.base_url}/oauth2/v1/certs"
        self.auth_url = f"{self.base_url}/o/oauth2/auth"
        self.token_url = f"{self.base_url}/token"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeGoogleIdentity":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- ID tokens -------------------------------------------------------------------------
    def mint_system_token(self, audience, email, expires_in=300, key="good", email_verified=True, **claims):
        """The bearer token on add-on calls: an ID token of the add-on's service account."""
        return self._mint(audience, "117" + "0" * 18, email, expires_in, key, email_verified, claims)

    def mint_pubsub_token(self, audience, email, expires_in=300, key="good", email_verified=True, **claims):
        """The bearer token on Pub/Sub pushes: an ID token of the subscription's push account."""
        return self._mint(audience, "118" + "0" * 18, email, expires_in, key, email_verified, claims)

    def mint_user_token(self, client_id, sub, email, expires_in=3600, key="good", email_verified=True,
                        **claims):
        """The add-on's userIdToken, and a token response's id_token: aud = azp = the client id."""
        claims = {"azp": client_id, **claims}
        return self._mint(client_id, sub, email, expires_in, key, email_verified, claims)

    def _mint(self, aud, sub, email, expires_in, key, email_verified, claims: dict) -> str:
        """Sign with key "good" (served) or "forged" (not served); `kid=` overrides the header."""
        signing = self._forged if key == "forged" else None
        return self.identity.mint_id_token(aud, sub, email, expires_in=expires_in, email_verified=email_verified,
                                           key=signing, **claims)

    # --- consent and grants ----------------------------------------------------------------
    def approve(self, authorization_url: str) -> str:
        """Play the consent screen for an authorization URL; return where Google would redirect."""
        return self._consent(dict(parse_qsl(urlsplit(authorization_url).query)))

    def _consent(self, params: dict) -> str:
        return self.identity.consent(params, self.user, deselected=self.deselected_scopes, deny=self.deny)

    def remember_grant(self, scopes, user: GoogleAccount | None = None) -> None:
        """Pretend the user granted these scopes to our client before (include_granted_scopes)."""
        self.identity.remember_grant(self.client_id, user or self.user, scopes)

    def revoke(self, refresh_token: str) -> None:
        self.identity.revoke(refresh_token)


def start(**options) -> FakeGoogleIdentity:
    """Start a fake on 127.0.0.1 with a free port; use as a context manager to stop it."""
    return FakeGoogleIdentity(**options).start()
