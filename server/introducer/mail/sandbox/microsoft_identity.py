"""The sandbox's Microsoft identity platform: sign-in for the people of the sandbox mail world.

Just enough of Entra ID's v2 endpoints for msal's auth-code flow and refresh: OpenID discovery,
signing keys (JWKS), authorize (a page to pick a world user; answers with `response_mode=form_post`),
and the token endpoint for `authorization_code` (PKCE S256) and `refresh_token`. Access tokens it
issues are what the Graph face accepts (`owner_of`). msal insists on https, so serve it with
`LoopbackServer(identity.wsgi_app, ca=LoopbackCA())` and hand msal `ca.session()`.
Shapes follow learn.microsoft.com/entra/identity-platform (v2-protocols-oidc, v2-oauth2-auth-code-flow,
access-tokens, id-token-claims-reference); error bodies carry the AADSTS code as Entra's do.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .world import SandboxWorld

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
_PAGES = Environment(loader=FileSystemLoader(Path(__file__).parents[2] / "templates" / "sandbox"),
                     autoescape=select_autoescape(["html"]))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class GraphCaller:
    """Whom a Graph access token speaks for: the mailbox, its directory ids, and the calling app."""

    email: str
    user_id: str
    tenant_id: str
    app_id: str


@dataclass
class _Grant:
    caller: GraphCaller
    expires: float
    revoked: bool = False


class SandboxMicrosoftIdentity:
    def __init__(self, world: SandboxWorld, *, tenant_id: str | None = None, access_token_lifetime: int = 3599):
        self.world = world
        self.tenant_id = tenant_id or str(uuid.uuid5(uuid.NAMESPACE_DNS, f"tenant.{world.domain}"))
        self.access_token_lifetime = access_token_lifetime
        self.send_client_info = True  # False: token answers without client_info, as some endpoints give them
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self._key.public_key().public_numbers()
        self.kid = b64url(hashlib.sha1(numbers.n.to_bytes(256, "big")).digest())
        self._jwk = {"kty": "RSA", "use": "sig", "kid": self.kid, "x5t": self.kid, "e": "AQAB",
                     "n": b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"))}
        self._clients: dict[str, dict] = {}
        self._codes: dict[str, dict] = {}
        self._refresh: dict[str, _Grant] = {}
        self._access: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.wsgi_app = self._build_app()

    # --- directory -----------------------------------------------------------------------------
    def register_client(self, client_id: str, secret: str, redirect_uris: tuple[str, ...] = ()) -> None:
        self._clients[client_id] = {"secret": secret, "redirect_uris": set(redirect_uris)}

    def user_id(self, email: str) -> str:
        """The stable object id (oid) of a world user."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailto:{email.strip().lower()}"))

    def caller(self, email: str, app_id: str) -> GraphCaller:
        user = self.world.user(email)
        if user is None:
            raise LookupError(f"no mailbox {email!r} in the sandbox world")
        return GraphCaller(user.email, self.user_id(user.email), self.tenant_id, app_id)

    # --- tokens --------------------------------------------------------------------------------
    def issue_access_token(self, email: str, app_id: str = "sandbox", lifetime: int | None = None) -> str:
        """A Graph access token for a world user, as the token endpoint would issue it."""
        return self._access_token(self.caller(email, app_id), lifetime or self.access_token_lifetime)

    def _access_token(self, caller: GraphCaller, lifetime: int) -> str:
        now = int(time.time())
        token = jwt.encode({  # Graph tokens are v1-shaped and opaque to clients
            "aud": "https://graph.microsoft.com", "iss": f"https://sts.windows.net/{caller.tenant_id}/",
            "iat": now, "nbf": now, "exp": now + lifetime, "oid": caller.user_id, "tid": caller.tenant_id,
            "upn": caller.email, "appid": caller.app_id, "scp": "Mail.ReadWrite Mail.Send", "ver": "1.0",
            "uti": b64url(secrets.token_bytes(12))}, self._key, algorithm="RS256", headers={"kid": self.kid})
        with self._lock:
            if len(self._access) >= 4096:  # forget expired tokens now and then: the demo runs for days
                self._access = {t: g for t, g in self._access.items() if g.expires > now}
            self._access[token] = _Grant(caller, now + lifetime)
        return token

    def owner_of(self, access_token: str) -> GraphCaller | None:
        """Who an access token speaks for; None when unknown, expired or revoked."""
        with self._lock:
            grant = self._access.get(access_token)
        if grant is None or grant.revoked or grant.expires <= time.time():
            return None
        return grant.caller

    def revoke(self, email: str) -> int:
        """Revoke a user's grants, refresh and access tokens alike (an admin's revokeSignInSessions)."""
        email = email.strip().lower()
        with self._lock:
            grants = [g for g in [*self._refresh.values(), *self._access.values()]
                      if g.caller.email == email and not g.revoked]
            for grant in grants:
                grant.revoked = True
        return len(grants)

    # --- HTTP ----------------------------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask(__name__)
        app.add_url_rule("/<tenant>/v2.0/.well-known/openid-configuration", view_func=self._discovery)
        app.add_url_rule("/<tenant>/discovery/v2.0/keys", view_func=self._keys)
        app.add_url_rule("/<tenant>/oauth2/v2.0/authorize", view_func=self._authorize, methods=["GET", "POST"])
        app.add_url_rule("/<tenant>/oauth2/v2.0/token", view_func=self._token, methods=["POST"])
        return app

    def _discovery(self, tenant: str):
        self.requests["discovery"] += 1
        root = request.host_url.rstrip("/")
        base = f"{root}/{tenant}"
        return jsonify({
            "token_endpoint": f"{base}/oauth2/v2.0/token", "jwks_uri": f"{base}/discovery/v2.0/keys",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "issuer": f"{root}/{tenant if tenant == self.tenant_id else '{tenantid}'}/v2.0",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code"], "scopes_supported": sorted(OIDC_SCOPES),
            "subject_types_supported": ["pairwise"], "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"], "msgraph_host": "graph.microsoft.com"})

    def _keys(self, tenant: str):
        self.requests["jwks"] += 1
        return jsonify({"keys": [self._jwk]})

    def _authorize(self, tenant: str):
        self.requests["authorize"] += 1
        q = request.values
        client = self._clients.get(q.get("client_id", ""))
        if client is None:  # Entra shows an error page rather than redirecting to an unknown app
            return "AADSTS700016: Application not found in the directory.", 400
        if q.get("redirect_uri") not in client["redirect_uris"]:
            return "AADSTS50011: The redirect URI does not match the application.", 400
        params = {k: v for k, v in q.items() if k not in ("account", "decision")}
        if request.method == "GET":
            people = sorted(self.world.users(), key=lambda u: (u.is_simulated, u.email))
            return _PAGES.get_template("microsoft_sign_in.html").render(
                accounts=people, params=params, hint=(q.get("login_hint") or "").lower(),
                scopes=[s for s in q.get("scope", "").split() if s not in OIDC_SCOPES])
        if q.get("decision") == "deny" or self.world.user(q.get("account", "")) is None:
            fields = {"error": "access_denied", "error_description": "AADSTS65004: User declined to consent.",
                      "state": q.get("state", "")}
        elif q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            fields = {"error": "invalid_request", "error_description": "AADSTS9002325: PKCE is required.",
                      "state": q.get("state", "")}
        else:
            code = secrets.token_urlsafe(32)
            with self._lock:
                self._codes[code] = {"client_id": q["client_id"], "redirect_uri": q["redirect_uri"],
                                     "email": q["account"], "challenge": q["code_challenge"],
                                     "nonce": q.get("nonce"), "expires": time.time() + 600}
            fields = {"code": code, "state": q.get("state", ""), "session_state": str(uuid.uuid4())}
        if q.get("response_mode") != "form_post":
            return redirect(f"{q['redirect_uri']}?{urlencode(fields)}")
        return _PAGES.get_template("microsoft_form_post.html").render(action=q["redirect_uri"], fields=fields)

    def _token(self, tenant: str):
        form = request.form
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if request.authorization and request.authorization.type == "basic":
            client_id, secret = request.authorization.username, request.authorization.password
        client = self._clients.get(client_id)
        if client is None or not hmac.compare_digest(client["secret"].encode(), (secret or "").encode()):
            return _oauth_error("invalid_client", 7000215, "Invalid client secret provided.", 401)
        grant_type = form.get("grant_type")
        self.requests[f"token:{grant_type}"] += 1
        if grant_type == "authorization_code":
            with self._lock:
                entry = self._codes.pop(form.get("code", ""), None)
            if (entry is None or entry["client_id"] != client_id or entry["expires"] < time.time()
                    or entry["redirect_uri"] != form.get("redirect_uri")):
                return _oauth_error("invalid_grant", 70000, "The provided authorization code is invalid or expired.")
            verifier = form.get("code_verifier", "").encode()
            if b64url(hashlib.sha256(verifier).digest()) != entry["challenge"]:
                return _oauth_error("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge.")
            return self._issue(self.caller(entry["email"], client_id), entry["nonce"])
        if grant_type == "refresh_token":
            with self._lock:
                grant = self._refresh.get(form.get("refresh_token", ""))
            if grant is None or grant.caller.app_id != client_id:
                return _oauth_error("invalid_grant", 9002313, "Invalid request. Malformed or invalid refresh token.")
            if grant.revoked:
                return _oauth_error("invalid_grant", 50173, "The provided grant has expired due to it being revoked.")
            return self._issue(grant.caller)
        return _oauth_error("unsupported_grant_type", 70003, "The app requested an unsupported grant type.")

    def _issue(self, caller: GraphCaller, nonce: str | None = None):
        scopes = request.form.get("scope", "").split()
        resource = [s for s in scopes if s not in OIDC_SCOPES]
        lifetime = self.access_token_lifetime
        body = {"token_type": "Bearer", "scope": " ".join(resource), "expires_in": lifetime,
                "ext_expires_in": lifetime, "access_token": self._access_token(caller, lifetime)}
        if "offline_access" in scopes:
            body["refresh_token"] = secrets.token_urlsafe(48)
            with self._lock:
                self._refresh[body["refresh_token"]] = _Grant(caller, float("inf"))
        if "openid" in scopes:
            now = int(time.time())
            claims = {"aud": caller.app_id, "iss": f"{request.host_url.rstrip('/')}/{caller.tenant_id}/v2.0",
                      "iat": now, "nbf": now, "exp": now + 3600, "oid": caller.user_id, "tid": caller.tenant_id,
                      "sub": b64url(hashlib.sha256(caller.user_id.encode()).digest()), "ver": "2.0",
                      "name": self.world.user(caller.email).name, "preferred_username": caller.email}
            if nonce:
                claims["nonce"] = nonce  # msal compares it with the hash it sent to authorize
            body["id_token"] = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        if request.form.get("client_info") == "1" and self.send_client_info:
            body["client_info"] = b64url(json.dumps({"uid": caller.user_id, "utid": caller.tenant_id}).encode())
        return jsonify(body)


def _oauth_error(error: str, code: int, description: str, status: int = 400):
    """Entra's error body: the AADSTS code both in the text and in error_codes."""
    return jsonify({"error": error, "error_description": f"AADSTS{code}: {description}", "error_codes": [code],
                    "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
                    "trace_id": str(uuid.uuid4()), "correlation_id": str(uuid.uuid4())}), status
