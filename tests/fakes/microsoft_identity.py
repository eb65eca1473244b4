"""A fake Microsoft identity platform (Entra ID, v2 endpoints) served over HTTPS on loopback.

The real `msal` library and our token validator talk to it exactly as they talk to
login.microsoftonline.com: msal only accepts https authorities, so the fake serves TLS with a
certificate from a throw-away `trustme` CA; clients trust it through `session()` / `ca_bundle_path`.

Where each shape comes from (learn.microsoft.com/entra/identity-platform/...):
- discovery document: v2-protocols-oidc ("Fetch the OpenID configuration document"); the `{tenantid}`
  issuer placeholder for common/organizations is what Microsoft publishes.
- signing keys: access-tokens ("Validate tokens"): RSA keys with kid, x5t, x5c and an optional
  `issuer`; v2 kids are the x5t certificate thumbprint.
- authorize + response_mode=form_post: v2-oauth2-auth-code-flow ("Request an authorization code");
  the form_post page auto-submits hidden `code`, `state`, `session_state` fields (OAuth 2.0 Form Post
  Response Mode).
- token endpoint, refresh and error bodies ({error, error_description, error_codes, timestamp,
  trace_id, correlation_id}): v2-oauth2-auth-code-flow ("Redeem a code", "Refresh the access token").
- on-behalf-of (grant_type jwt-bearer, requested_token_use=on_behalf_of): v2-oauth2-on-behalf-of-flow.
- claims: id-token-claims-reference and access-token-claims-reference; `client_info` is base64url
  {"uid","utid"} as msal's token cache parses it (msal/token_cache.py).
- MSAL hashes the flow nonce before the authorize request, so the id_token carries
  sha256(flow["nonce"]).hexdigest() — the value the authorize request received (msal/oauth2cli/oidc.py).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import html
import json
import re
import secrets
import shutil
import ssl
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import jwt
import requests
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import WSGIRequestHandler, make_server

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
# Microsoft's multi-tenant keys carry this issuer; "{base}" becomes the fake's own URL.
MULTI_TENANT_ISSUER = "{base}/{tenantid}/v2.0"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class FakeUser:
    oid: str
    tid: str
    name: str = "Ada Lovelace"
    username: str = "ada@contoso.example"


class SigningKey:
    """An RSA key with a self-signed certificate, published the way Microsoft publishes its keys."""

    def __init__(self, issuer: str | None = None):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accounts.accesscontrol.windows.net")])
        now = dt.datetime.now(dt.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(self.private.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                .sign(self.private, hashes.SHA256()))
        der = cert.public_bytes(serialization.Encoding.DER)
        self.kid = b64url(hashlib.sha1(der).digest())
        numbers = self.private.public_key().public_numbers()
        self.jwk = {"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid,
                    "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")), "e": "AQAB",
                    "x5c": [base64.b64encode(der).decode("ascii")], "cloud_instance_name": "microsoftonline.com"}
        if issuer:
            self.jwk["issuer"] = issuer

    def sign(self, claims: dict, kid: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": kid or self.kid, "typ": "JWT"})


class FakeMicrosoftIdentity:
    """Start with `with FakeMicrosoftIdentity() as idp:`; `idp.base_url` is the authority host."""

    def __init__(self):
        self._ca = trustme.CA()
        self._lock = threading.Lock()
        self.keys: list[SigningKey] = [SigningKey(issuer=MULTI_TENANT_ISSUER)]
        self._forged = SigningKey()  # never published: signatures made with it must be rejected
        self.clients: dict[str, dict] = {}
        self.signed_in: FakeUser | None = None
        self._codes: dict[str, dict] = {}
        self._refresh_tokens: dict[str, dict] = {}
        self._access_tokens: dict[str, FakeUser] = {}
        self.requests: Counter[str] = Counter()
        self.access_token_lifetime = 3599  # seconds; under 300 makes msal refresh on every use
        self.base_url = ""
        self._server = self._thread = self._dir = None

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> "FakeMicrosoftIdentity":
        self._dir = tempfile.mkdtemp(prefix="fake-entra-")
        self.ca_bundle_path = f"{self._dir}/ca.pem"
        self._ca.cert_pem.write_to_path(self.ca_bundle_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = make_server("127.0.0.1", 0, self._build_app(), threaded=True, ssl_context=context,
                                   request_handler=_QuietHandler)
        self.base_url = f"https://127.0.0.1:{self._server.server_port}"
        for key in self.keys:  # the first key's issuer template needs the base URL
            if "issuer" in key.jwk:
                key.jwk["issuer"] = key.jwk["issuer"].replace("{base}", self.base_url)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(5)
        shutil.rmtree(self._dir, ignore_errors=True)

    def session(self) -> requests.Session:
        """A requests.Session that trusts the fake's certificate (and nothing else changes)."""
        s = requests.Session()
        s.verify = self.ca_bundle_path
        # Quirk (psf/requests#3829): with trust_env, REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the
        # environment override Session.verify; loopback needs neither those nor proxies.
        s.trust_env = False
        return s

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/common/discovery/v2.0/keys"

    # -- test helpers --------------------------------------------------------------------------
    def register_client(self, client_id: str, secret: str, redirect_uris: tuple[str, ...] = ()) -> None:
        self.clients[client_id] = {"secret": secret, "redirect_uris": set(redirect_uris)}

    def rotate_keys(self, issuer: str | None = MULTI_TENANT_ISSUER) -> str:
        """Publish a new signing key and sign new tokens with it; old keys stay published.

        `issuer` is the key's published issuer (None: the key has no issuer field)."""
        key = SigningKey(issuer=issuer and issuer.replace("{base}", self.base_url))
        with self._lock:
            self.keys.append(key)
        return key.kid

    def revoke(self, oid: str) -> int:
        """Revoke every refresh token of a user (like revokeSignInSessions); returns how many."""
        with self._lock:
            grants = [g for g in self._refresh_tokens.values() if g["user"].oid == oid and not g["revoked"]]
            for grant in grants:
                grant["revoked"] = True
        return len(grants)

    def access_token_owner(self, access_token: str) -> FakeUser | None:
        """Who a Graph access token issued by this fake belongs to (for fake resource servers)."""
        return self._access_tokens.get(access_token)

    def approve(self, flow: dict, user: FakeUser | None = None) -> dict:
        """Sign `user` in, open flow["auth_uri"] like a browser, return the form_post fields."""
        if user is not None:
            self.signed_in = user
        page = self.session().get(flow["auth_uri"], timeout=10)
        page.raise_for_status()
        return {name: html.unescape(value) for name, value in _HIDDEN.findall(page.text)}

    def mint_api_token(self, client_id: str, tid: str, oid: str, scp: str = "access_as_user",
                       expires_in: int = 3600, version: int = 2, kid: str | None = None,
                       issuer: str | None = None, key: str = "good", name: str = "Ada Lovelace",
                       preferred_username: str = "ada@contoso.example", **extra) -> str:
        """An access token for our API as the task pane gets it (MSAL.js NAA), v2 or v1 shape."""
        now = int(time.time())
        iat = now if expires_in > 0 else now + expires_in - 3600
        claims = {"iat": iat, "nbf": iat, "exp": now + expires_in, "tid": tid, "oid": oid, "sub": b64url(oid.encode()),
                  "name": name, "scp": scp, "uti": b64url(secrets.token_bytes(16)), "rh": "0.fake."}
        if version == 2:
            claims.update(aud=client_id, iss=issuer or f"{self.base_url}/{tid}/v2.0", ver="2.0",
                          azp=client_id, azpacr="0", preferred_username=preferred_username)
        else:  # v1: App ID URI audience and the sts.windows.net issuer (api.requestedAccessTokenVersion null/1)
            claims.update(aud=f"api://{urlsplit(self.base_url).hostname}/{client_id}",
                          iss=issuer or f"https://sts.windows.net/{tid}/", ver="1.0", appid=client_id,
                          upn=preferred_username, unique_name=preferred_username)
        claims.update(extra)
        for name in [k for k, v in extra.items() if v is None]:  # name=None removes a claim
            del claims[name]
        signer = self._forged if key == "forged" else self.keys[-1]
        return signer.sign(claims, kid=kid or self.keys[-1].kid)

    # -- the HTTP face ---------------------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask(__name__)
        app.add_url_rule("/<tenant>/v2.0/.well-known/openid-configuration", view_func=self._discovery)
        app.add_url_rule("/<tenant>/discovery/v2.0/keys", view_func=self._keys)
        app.add_url_rule("/<tenant>/oauth2/v2.0/authorize", view_func=self._authorize)
        app.add_url_rule("/<tenant>/oauth2/v2.0/token", view_func=self._token, methods=["POST"])
        return app

    def _discovery(self, tenant: str):
        self.requests["discovery"] += 1
        base = f"{self.base_url}/{tenant}"
        issuer_tenant = tenant if _GUID.match(tenant) else "{tenantid}"
        return jsonify({
            "token_endpoint": f"{base}/oauth2/v2.0/token", "jwks_uri": f"{base}/discovery/v2.0/keys",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "issuer": f"{self.base_url}/{issuer_tenant}/v2.0",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "request_uri_parameter_supported": False, "cloud_instance_name": "microsoftonline.com",
            "msgraph_host": "graph.microsoft.com", "tenant_region_scope": None,
        })

    def _keys(self, tenant: str):
        self.requests["jwks"] += 1
        with self._lock:
            return jsonify({"keys": [k.jwk for k in self.keys]})

    def _authorize(self, tenant: str):
        self.requests["authorize"] += 1
        q = request.args
        client = self.clients.get(q.get("client_id", ""))
        if client is None:  # Entra shows an error page here rather than redirecting anywhere
            return Response("AADSTS700016: Application not found in the directory.", 400)
        if q.get("redirect_uri") not in client["redirect_uris"]:
            return Response("AADSTS50011: The redirect URI does not match the application.", 400)
        user = self.signed_in
        if user is None or (_GUID.match(tenant) and tenant != user.tid):
            return Response("Sign in to your account", 200)  # the login page: no code issued
        if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            fields = {"error": "invalid_request", "error_description": "AADSTS9002325: PKCE is required.",
                      "state": q.get("state", "")}
        else:
            code = "fake-code." + secrets.token_urlsafe(24)
            with self._lock:
                self._codes[code] = {"client_id": q["client_id"], "redirect_uri": q["redirect_uri"], "user": user,
                                     "challenge": q["code_challenge"], "nonce": q.get("nonce")}
            fields = {"code": code, "state": q.get("state", ""), "session_state": str(uuid.uuid4())}
        if q.get("response_mode") != "form_post":
            return redirect(f"{q['redirect_uri']}?{urlencode(fields)}")
        inputs = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}"/>' for k, v in fields.items())
        return Response(f'<html><body onload="document.forms[0].submit()"><form method="POST" '
                        f'action="{html.escape(q["redirect_uri"])}">{inputs}</form></body></html>',
                        content_type="text/html")

    def _token(self, tenant: str):
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if request.authorization and request.authorization.type == "basic":
            client_id, secret = request.authorization.username, request.authorization.password
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client["secret"].encode(), (secret or "").encode()):
            return _oauth_error("invalid_client", 7000215, "Invalid client secret provided.", 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            self.requests["token:authorization_code"] += 1
            with self._lock:
                entry = self._codes.pop(form.get("code", ""), None)
            if entry is None or entry["client_id"] != client_id or entry["redirect_uri"] != form.get("redirect_uri"):
                return _oauth_error("invalid_grant", 70000, "The provided authorization code is invalid or expired.")
            if b64url(hashlib.sha256(form.get("code_verifier", "").encode()).digest()) != entry["challenge"]:
                return _oauth_error("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge.")
            return self._issue(client_id, entry["user"], nonce=entry["nonce"])
        if grant_type == "refresh_token":
            self.requests["token:refresh_token"] += 1
            grant = self._refresh_tokens.get(form.get("refresh_token", ""))
            if grant is None or grant["client_id"] != client_id:
                return _oauth_error("invalid_grant", 9002313, "Invalid request. Malformed or invalid refresh token.")
            if grant["revoked"]:
                return _oauth_error("invalid_grant", 50173, "The provided grant has expired due to it being revoked.")
            return self._issue(client_id, grant["user"])
        if grant_type == JWT_BEARER and form.get("requested_token_use") == "on_behalf_of":
            self.requests["token:on_behalf_of"] += 1
            claims = self._own_token_claims(form.get("assertion", ""), client_id)
            if claims is None:
                return _oauth_error("invalid_grant", 50013, "Assertion failed signature validation.")
            if _GUID.match(tenant) and tenant != claims["tid"]:
                return _oauth_error("invalid_grant", 50020, "The assertion was issued for another tenant.")
            user = FakeUser(claims["oid"], claims["tid"], claims.get("name", ""), claims.get("preferred_username", ""))
            return self._issue(client_id, user)
        return _oauth_error("unsupported_grant_type", 70003, "The app requested an unsupported grant type.")

    def _own_token_claims(self, assertion: str, client_id: str) -> dict | None:
        """Claims of a still-valid API token minted by this fake for `client_id`, else None."""
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            key = next(k for k in self.keys if k.kid == kid)
            claims = jwt.decode(assertion, key.private.public_key(), algorithms=["RS256"],
                                options={"verify_aud": False, "require": ["exp", "tid", "oid", "aud"]})
        except (jwt.PyJWTError, StopIteration):
            return None
        return claims if claims["aud"] == client_id or claims["aud"].endswith("/" + client_id) else None

    def _issue(self, client_id: str, user: FakeUser, nonce: str | None = None):
        scopes = request.form.get("scope", "").split()
        resource = [s for s in scopes if s not in OIDC_SCOPES]
        now, key = int(time.time()), self.keys[-1]
        access_token = key.sign({  # Graph tokens are v1 shaped and opaque to clients
            "aud": "https://graph.microsoft.com", "iss": f"https://sts.windows.net/{user.tid}/", "ver": "1.0",
            "iat": now, "nbf": now, "exp": now + self.access_token_lifetime, "oid": user.oid, "tid": user.tid,
            "upn": user.username, "scp": " ".join(s.rsplit("/", 1)[-1] for s in resource), "appid": client_id,
            "uti": b64url(secrets.token_bytes(16))})
        body = {"token_type": "Bearer", "scope": " ".join(resource), "expires_in": self.access_token_lifetime,
                "ext_expires_in": self.access_token_lifetime, "access_token": access_token}
        with self._lock:
            self._access_tokens[access_token] = user
            if "offline_access" in scopes:
                body["refresh_token"] = "fake-rt." + secrets.token_urlsafe(32)
                self._refresh_tokens[body["refresh_token"]] = {"client_id": client_id, "user": user, "revoked": False}
        if "openid" in scopes:
            id_claims = {"aud": client_id, "iss": f"{self.base_url}/{user.tid}/v2.0", "iat": now, "nbf": now,
                         "exp": now + 3600, "sub": b64url(hashlib.sha256(user.oid.encode()).digest()),
                         "oid": user.oid, "tid": user.tid, "name": user.name,
                         "preferred_username": user.username, "ver": "2.0"}
            if nonce:
                id_claims["nonce"] = nonce
            body["id_token"] = key.sign(id_claims)
        if request.form.get("client_info") == "1":
            body["client_info"] = b64url(json.dumps({"uid": user.oid, "utid": user.tid}).encode())
        return jsonify(body)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:  # keep test output free of access logs
        pass


def _oauth_error(error: str, code: int, description: str, status: int = 400):
    """The Entra error body: the AADSTS code is both in the text and in error_codes."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    return jsonify({"error": error, "error_description": f"AADSTS{code}: {description}", "error_codes": [code],
                    "timestamp": now, "trace_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4()),
                    "error_uri": "https://login.microsoftonline.com/error?code=%d" % code}), status
