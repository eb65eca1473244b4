"""The pages behind the one-click links in a permission request. Public: the signed token is the capability.

    GET  /consent/<token>                 a confirmation page with both answers as buttons; records nothing
    POST /consent/<token>  answer=yes|no  records the party's answer (once) → a thank-you page

GET never changes anything because mail scanners fetch links before people do. The POST needs the token
in its URL, so a forged cross-site form can only do what holding the link allows anyway. A tampered or
unknown link is 400, a link for an intro we do not have 404, an expired link 410; an answer that
arrives after one was recorded changes nothing (200 if it is the same answer, 409 if not).
"""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request

from ..auth.consent_tokens import ANSWERS, ExpiredConsentToken, InvalidConsentToken, consent_tokens
from ..service import consent_links
from ..service.errors import ServiceError

TOKENS = "introducer.consent_tokens"
MAX_TOKEN = 512  # real tokens are ~120 characters; anything far longer is not one of ours

bp = Blueprint("consent", __name__)


def _claims(token: str):
    if len(token) > MAX_TOKEN:
        raise InvalidConsentToken("This link is not valid.")
    return current_app.extensions[TOKENS].read(token)


def _deps():
    return current_app.extensions["introducer"].deps


@bp.get("/consent/<token>")
def confirm(token: str):
    claims = _claims(token)
    answer = consent_links.describe_link(_deps(), claims.account_id, claims.intro_id, claims.role)
    return render_template("consent/confirm.html", answer=answer, token=token, suggested=claims.answer or "yes")


@bp.post("/consent/<token>")
def record(token: str):
    claims = _claims(token)
    chosen = request.form.get("answer")
    if chosen not in ANSWERS:
        return _problem(400, "Please choose an answer", "Go back to the link in the email and press one of the buttons.")
    answer = consent_links.record_link_answer(_deps(), claims.account_id, claims.intro_id, claims.role,
                                              chosen == "yes")
    status = 200 if answer.recorded or answer.status == chosen else 409
    return render_template("consent/answered.html", answer=answer, chosen=chosen), status


def _problem(status: int, title: str, message: str):
    return render_template("consent/problem.html", title=title, message=message), status


@bp.errorhandler(ExpiredConsentToken)
def _expired(_exc):
    return _problem(410, "This link has expired", "Answering is still easy: just reply to the email.")


@bp.errorhandler(InvalidConsentToken)
def _invalid(_exc):
    return _problem(400, "This link does not work", "It may have been cut short or changed. "
                                                     "Copy the whole link from the email, or simply reply to it.")


@bp.errorhandler(ServiceError)
def _refused(exc):
    return _problem(exc.status, "This link does not work", f"{exc} You can still reply to the email.")


@bp.after_request
def _private(response):
    # the token in the URL must not be cached, indexed or leak to another site through Referer
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                                   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    return response


def init_app(app: Flask) -> None:
    container = app.extensions["introducer"]
    app.extensions[TOKENS] = consent_tokens(container.settings, container.deps.clock)
    app.register_blueprint(bp)
