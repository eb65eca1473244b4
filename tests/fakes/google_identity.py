"""A fake Google identity service on loopback: signing certificates, consent screen, token endpoint.

It lets the real google-auth / google-auth-oauthlib code run over HTTP. Where each shape comes from:
- `GET /oauth2/v1/certs`: `{kid: PEM X.509 certificate}` with Cache-Control max-age, the format
  google-auth's `id_token.verify_token` reads (gmail.md §6 "Credentials"; google-auth
  `google/oauth2/id_token.py`); the Cache-Control header copies the one Google sends.
- ID tokens, RS256 with `kid` in the header: the add-on system token `{iss, aud = endpoint URL,
  azp, sub, email = service account, email_verified, iat, exp}` and the user token
  `{aud = azp = OAuth client id, sub, email, email_verified}` (gmail.md §4, [ARG]); the Pub/Sub push
  token `{aud = configured audience, email, email_verified, iss, sub, iat, exp}` (gmail.md §5
  "Push OIDC auth", cloud.google.com/pubsub/docs/authenticate-push-subscriptions).
- `GET /o/oauth2/auth` redirecting to `redirect_uri?state=…&code=…&scope=…` (or `error=access_denied`),
  and `POST /token` answering `{access_token, expires_in, refresh_token (offline only), scope,
  token_type: "Bearer", id_token}` or 400 `{"error": "invalid_grant", "error_description": …}`:
  developers.google.com/identity/protocols/oauth2/web-server (not covered by gmail.md); the refresh
  grant as google-auth's `Credentials.refresh` sends it (gmail.md §6). PKCE per RFC 7636.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, jsonify, redirect, request
from google.auth import crypt, jwt
from werkzeug.serving import make_server

ISSUER = "https://accounts.google.com"


@dataclass(frozen=True)
class GoogleUser:
    sub: str
    email: str


@dataclass
class _Key:
    kid: str
    private_pem: bytes
    cert_pem: str


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    user: GoogleUser
    challenge: str | None
    challenge_method: str
    refresh: bool
    used: bool = False


@dataclass
class _Refresh:
    client_id: str
    user: GoogleUser
    scopes: tuple[str, ...]
    revoked: bool = False


@dataclass
class FakeGoogleIdentity:
    """The fake's state; tests steer consent through `user`, `deselected_scopes` and `deny`."""

    certs_max_age: int = 19845
    client_id: str = "1234567890-introducer.apps.googleusercontent.com"
    client_secret: str = "fake-client-secret"
    user: GoogleUser = GoogleUser("108123456789012345678", "ann@example.com")
    deselected_scopes: set[str] = field(default_factory=set)  # boxes unticked on granular consent
    deny: bool = False
    certs_requests: int = 0
    authorize_requests: list[dict] = field(default_factory=list)
    token_requests: list[dict] = field(default_factory=list)
    access_tokens: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        good = _new_key("fake-key-1")
        # The forger copies the real kid: only the signature can tell the tokens apart.
        self._keys = {"good": good, "forged": _new_key(good.kid)}
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._granted: dict[tuple[str, str], set[str]] = {}
        self._server = None
        self.base_url = self.certs_url = self.auth_url = self.token_url = ""

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeGoogleIdentity":
        self._server = make_server("127.0.0.1", 0, _app(self), threaded=True)
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
        kid = claims.pop("kid", None) or self._keys[key].kid
        now = int(time.time())
        # An already-expired token was also issued in the past, as a real one would have been.
        issued = now if expires_in > 0 else now + expires_in - 300
        payload = {"iss": ISSUER, "aud": aud, "azp": sub, "sub": sub, "email": email,
                   "email_verified": email_verified, "iat": issued, "exp": now + expires_in, **claims}
        signer = crypt.RSASigner.from_string(self._keys[key].private_pem, key_id=kid)
        return jwt.encode(signer, payload).decode("ascii")

    # --- consent and grants ----------------------------------------------------------------
    def approve(self, authorization_url: str) -> str:
        """Play the consent screen for an authorization URL; return where Google would redirect."""
        return self._consent(dict(parse_qsl(urlsplit(authorization_url).query)))

    def remember_grant(self, scopes, user: GoogleUser | None = None) -> None:
        """Pretend the user granted these scopes to our client before (include_granted_scopes)."""
        user = user or self.user
        self._granted.setdefault((self.client_id, user.sub), set()).update(scopes)

    def revoke(self, refresh_token: str) -> None:
        self._refresh[refresh_token].revoked = True

    def _consent(self, params: dict) -> str:
        with self._lock:
            self.authorize_requests.append(params)
            target = params["redirect_uri"]
            if self.deny:
                return _with_query(target, {"error": "access_denied", "state": params.get("state", "")})
            asked = tuple(params.get("scope", "").split())
            granted = tuple(s for s in asked if s not in self.deselected_scopes)
            key = (params["client_id"], self.user.sub)
            first_time = key not in self._granted
            if params.get("include_granted_scopes") == "true":
                granted = tuple(dict.fromkeys(granted + tuple(sorted(self._granted.get(key, ())))))
            self._granted.setdefault(key, set()).update(granted)
            code = "4/0" + secrets.token_urlsafe(24)
            self._codes[code] = _Code(
                params["client_id"], target, granted, self.user, params.get("code_challenge"),
                params.get("code_challenge_method", "plain"),
                # Google issues a refresh token only offline, and again only when consent is shown.
                refresh=params.get("access_type") == "offline"
                and (first_time or "consent" in params.get("prompt", "").split()),
            )
            back = {"state": params.get("state", ""), "code": code, "scope": " ".join(granted)}
            return _with_query(target, back)

    def _exchange(self, form: dict, client_id: str) -> tuple[dict, int]:
        with self._lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                code = self._codes.get(form.get("code", ""))
                if code is None or code.used or code.client_id != client_id:
                    return _error("invalid_grant", "Malformed auth code."), 400
                if form.get("redirect_uri") != code.redirect_uri:
                    return _error("redirect_uri_mismatch", "Bad Request"), 400
                if code.challenge is not None and not _pkce_ok(code, form.get("code_verifier")):
                    return _error("invalid_grant", "Invalid code verifier."), 400
                code.used = True
                body = self._tokens(client_id, code.user, code.scopes)
                if code.refresh:
                    body["refresh_token"] = "1//0" + secrets.token_urlsafe(32)
                    self._refresh[body["refresh_token"]] = _Refresh(client_id, code.user, code.scopes)
                return body, 200
            if grant == "refresh_token":
                held = self._refresh.get(form.get("refresh_token", ""))
                if held is None or held.revoked or held.client_id != client_id:
                    return _error("invalid_grant", "Token has been expired or revoked."), 400
                asked = tuple(form["scope"].split()) if form.get("scope") else held.scopes
                if not set(asked) <= set(held.scopes):
                    return _error("invalid_scope", "Some requested scopes were invalid."), 400
                return self._tokens(client_id, held.user, asked), 200
            return _error("unsupported_grant_type", f"Invalid grant_type: {grant}"), 400

    def _tokens(self, client_id: str, user: GoogleUser, scopes: tuple[str, ...]) -> dict:
        access = "ya29.fake-" + secrets.token_urlsafe(24)
        self.access_tokens[access] = {"sub": user.sub, "email": user.email, "scopes": scopes,
                                      "client_id": client_id, "expires_at": time.time() + 3599}
        body = {"access_token": access, "expires_in": 3599, "scope": " ".join(scopes), "token_type": "Bearer"}
        if "openid" in scopes:
            body["id_token"] = self.mint_user_token(client_id, user.sub, user.email)
        return body

    def _client_from(self, req) -> str | None:
        """Google accepts client credentials as HTTP Basic or in the form body; we do too."""
        auth = req.authorization
        client_id, secret = (auth.username, auth.password) if auth else (
            req.form.get("client_id"), req.form.get("client_secret"))
        if client_id == self.client_id and secret == self.client_secret:
            return client_id
        return None


def start(**options) -> FakeGoogleIdentity:
    """Start a fake on 127.0.0.1 with a free port; use as a context manager to stop it."""
    return FakeGoogleIdentity(**options).start()


def _app(fake: FakeGoogleIdentity) -> Flask:
    app = Flask("fake_google_identity")

    @app.get("/oauth2/v1/certs")
    def certs():
        with fake._lock:
            fake.certs_requests += 1
        response = jsonify({fake._keys["good"].kid: fake._keys["good"].cert_pem})
        # The header Google sends with its certificates.
        response.headers["Cache-Control"] = (
            f"public, max-age={fake.certs_max_age}, must-revalidate, no-transform")
        return response

    @app.get("/o/oauth2/auth")
    def authorize():
        params = request.args.to_dict()
        if params.get("client_id") != fake.client_id:
            return "Error 401: invalid_client. The OAuth client was not found.", 401
        if params.get("response_type") != "code" or not params.get("redirect_uri"):
            return "Error 400: invalid_request", 400
        return redirect(fake._consent(params), code=302)

    @app.post("/token")
    def token():
        fake.token_requests.append(request.form.to_dict())
        client_id = fake._client_from(request)
        if client_id is None:
            return jsonify(_error("invalid_client", "Unauthorized")), 401
        body, status = fake._exchange(request.form.to_dict(), client_id)
        return jsonify(body), status

    return app


def _error(code: str, description: str) -> dict:
    return {"error": code, "error_description": description}


def _pkce_ok(code: _Code, verifier: str | None) -> bool:
    if not verifier:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == code.challenge
    return verifier == code.challenge


def _with_query(url: str, params: dict) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _new_key(kid: str) -> _Key:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fake-google-identity")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return _Key(kid, private_pem, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
