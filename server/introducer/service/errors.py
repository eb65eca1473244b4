"""Errors the use cases raise; the web layer maps each to one HTTP status."""
from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"


class NotFoundError(ServiceError):
    status = 404
    code = "not_found"


class ConflictError(ServiceError):
    """The intro is not in a state where this action makes sense."""

    status = 409
    code = "conflict"


class ValidationError(ServiceError):
    status = 422
    code = "invalid"

    def __init__(self, message: str, findings: list | None = None):
        super().__init__(message)
        self.findings = findings or []


class KeyUsed(ServiceError):
    """The request's idempotency key was claimed first by another request (committed meanwhile): the
    caller answers with what that one did, never by doing it again."""

    status = 409
    code = "idempotency_key_in_use"
