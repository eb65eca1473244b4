"""One error shape for the JSON APIs: `{"error": {"code", "message", "findings"?, "fields"?}}`
(`fields`: field path -> what to fix there, in plain words, every one at once).

Requests under /api/ and /sandbox/api/ always get that shape, whatever went wrong (bad input, an unknown
route, a use case refusing, a bug); pages keep Flask's HTML error pages.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ..service.errors import ServiceError
from ..spec import SpecError

log = logging.getLogger("introducer.web")

API_PREFIXES = ("/api/", "/sandbox/api/")

# Stable codes for the HTTP errors Flask raises itself (unknown route, wrong method…).
_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid", 429: "too_many_requests"}


class ApiError(Exception):
    """An error the web layer itself raises (bad JSON, no sign-in); carries its status and code."""

    def __init__(self, status: int, code: str, message: str, findings: list | None = None,
                 headers: dict | None = None, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.findings = findings
        self.headers = headers or {}
        self.fields = fields


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIXES) or request.path.rstrip("/") in ("/api", "/sandbox/api")


def error_response(status: int, code: str, message: str, findings: list | None = None, headers: dict | None = None,
                   fields: dict[str, str] | None = None):
    error: dict = {"code": code, "message": message}
    if findings is not None:
        error["findings"] = [f.as_dict() if hasattr(f, "as_dict") else f for f in findings]
    if fields:
        error["fields"] = fields
    response = jsonify({"error": error})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _api_error(exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.findings, exc.headers, exc.fields)


def _service_error(exc: ServiceError):
    findings = getattr(exc, "findings", None)
    return error_response(exc.status, exc.code, str(exc) or exc.code, findings if findings else
                          ([] if exc.status == 422 else None))


def _spec_error(exc: SpecError):
    return error_response(422, "invalid_spec", str(exc), [])


def _http_error(exc: HTTPException):
    if not is_api_request():
        return exc
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k == "Allow"}
    return error_response(status, _HTTP_CODES.get(status, "error"), exc.description or exc.name, headers=headers)


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    if not is_api_request():
        return InternalServerError()
    return error_response(500, "internal", "Something went wrong on our side; it has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(SpecError, _spec_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
