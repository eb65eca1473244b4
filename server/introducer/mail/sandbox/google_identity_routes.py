"""The HTTP side of the sandbox's Google sign-in, at the paths Google serves them on.

    GET  /oauth2/v1/certs     signing certificates {kid: PEM} (www.googleapis.com in production)
    GET  /o/oauth2/auth       the consent page: pick a sandbox person to sign in as (accounts.google.com)
    POST /o/oauth2/auth       the page's answer: redirect to redirect_uri with code (or error=access_denied)
    POST /token               authorization_code and refresh_token grants (oauth2.googleapis.com)
    POST /revoke              revoke a refresh or access token (oauth2.googleapis.com/revoke)
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, jsonify, redirect, request
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .google_identity import GoogleAccount, GoogleIdentity, error

_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "sandbox"
_PAGE_PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state", "access_type", "prompt",
                "include_granted_scopes", "code_challenge", "code_challenge_method", "login_hint")


def identity_blueprint(identity: GoogleIdentity, accounts: Callable[[], list[GoogleAccount]], *,
                       consent: Callable[[dict], str] | None = None) -> Blueprint:
    """Routes over `identity`. `consent(params) -> redirect URL` answers without a page (tests);
    without it the page lists `accounts()` and the person picks one."""
    bp = Blueprint("sandbox_google_identity", __name__)
    pages = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))

    @bp.get("/oauth2/v1/certs")
    def certs():
        response = jsonify(identity.certs())
        # The header Google sends with its certificates; verifiers cache on it.
        response.headers["Cache-Control"] = f"public, max-age={identity.certs_max_age}, must-revalidate, no-transform"
        return response

    @bp.get("/o/oauth2/auth")
    def authorize():
        params = request.args.to_dict()
        refused = identity.check_authorize(params)
        if refused:
            return refused[1], refused[0]
        if consent is not None:
            return redirect(consent(params), code=302)
        kept = {k: params[k] for k in _PAGE_PARAMS if k in params}
        html = pages.get_template("google_consent.html").render(
            params=kept, accounts=accounts(), scopes=params.get("scope", "").split(), hint=params.get("login_hint"))
        return html, 200, {"Content-Type": "text/html; charset=utf-8"}

    @bp.post("/o/oauth2/auth")
    def choose():
        params = {k: v for k, v in request.form.items() if k in _PAGE_PARAMS}
        refused = identity.check_authorize(params)
        if refused:
            return refused[1], refused[0]
        if request.form.get("decision") == "deny":
            return redirect(identity.consent(params, GoogleAccount("", ""), deny=True), code=302)
        chosen = {a.email: a for a in accounts()}.get(request.form.get("account", "").strip().lower())
        if chosen is None:
            return "Error 400: no such account in the sandbox", 400
        return redirect(identity.consent(params, chosen), code=302)

    @bp.post("/token")
    def token():
        form = request.form.to_dict()
        auth = request.authorization
        client_id = identity.client_from((auth.username, auth.password) if auth else None, form)
        if client_id is None:
            identity.token_requests.append(form)
            return jsonify(error("invalid_client", "Unauthorized")), 401
        body, status = identity.exchange(form, client_id)
        return jsonify(body), status

    @bp.post("/revoke")
    def revoke():
        token = request.values.get("token", "")
        if not identity.revoke(token):
            return jsonify(error("invalid_token", "Token expired or revoked")), 400
        return jsonify({}), 200

    return bp
