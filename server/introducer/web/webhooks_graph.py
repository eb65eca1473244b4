"""Microsoft Graph change notifications and lifecycle events for Outlook mailboxes.

    POST /webhooks/graph             change notifications → one coalesced sync request per mailbox, 202
    POST /webhooks/graph/lifecycle   reauthorizationRequired → renew the subscription and resync;
                                     subscriptionRemoved → create a new one and resync; missed → resync
Both answer Graph's validation handshake (`?validationToken=…`): 200, text/plain, the decoded token
(GD concepts/change-notifications-delivery-webhooks.md). Nothing here calls Graph: requests are written
to the database and the worker acts on them, so the answer comes well within Graph's 3 seconds.

A notification whose clientState we did not issue is ignored and still answered 202 (Graph's guidance:
discard it; an error status would only make Graph retry it for hours). The clientState names the
account and is checked in constant time (mail/graph/accounts.py). Resyncs go through delta from the
stored links; a link Graph forgot resets to a re-read of the open intros' threads (ingest).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Blueprint, Flask, Response, current_app, request

from ..mail.graph.accounts import account_of_client_state
from .errors import bad_request

log = logging.getLogger("introducer.web")
bp = Blueprint("webhooks_graph", __name__, url_prefix="/webhooks/graph")


def _container():
    return current_app.extensions["introducer"]


def _handshake() -> Response | None:
    token = request.args.get("validationToken")  # already URL-decoded
    if token is None:
        return None
    return Response(token, 200, content_type="text/plain; charset=utf-8")


def _items() -> list[dict]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        raise bad_request('The body must be a Graph notification collection: {"value": [...]}.')
    return [item for item in body["value"] if isinstance(item, dict)]


def _accounts(uow, items: list[dict]) -> list[tuple[object, dict]]:
    """(account, item) for each item with one of our clientStates, for an active Outlook account."""
    settings = _container().settings
    found = []
    for item in items:
        account_id = account_of_client_state(settings, item.get("clientState"))
        account = uow.accounts.get(account_id) if account_id is not None else None
        tenant = (account.external_id or "").rpartition(".")[2] if account is not None else ""
        if account is None or account.provider != "outlook" or (tenant and item.get("tenantId") not in (None, tenant)):
            log.warning("Graph notification for subscription %s ignored: unknown clientState",
                        item.get("subscriptionId"))
            continue
        if account.status == "active":
            found.append((account, item))
    return found


@bp.post("")
def notifications():
    answer = _handshake()
    if answer is not None:
        return answer
    items = _items()
    container = _container()
    with container.uow() as uow:
        for account_id in sorted({account.id for account, _ in _accounts(uow, items)}):
            uow.sync.request(account_id, "graph", container.deps.clock())
        uow.commit()
    return "", 202


@bp.post("/lifecycle")
def lifecycle():
    answer = _handshake()
    if answer is not None:
        return answer
    items = _items()
    container = _container()
    now = container.deps.clock()
    with container.uow() as uow:
        for account, item in _accounts(uow, items):
            event = item.get("lifecycleEvent")
            if event == "reauthorizationRequired":
                # lapsed as far as we are concerned: the renew job PATCHes it, which also reauthorizes
                account.watch_expires_at = now - timedelta(seconds=1)
                uow.sync.request(account.id, "graph:reauthorizationRequired", now)  # notifications may lag
            elif event == "subscriptionRemoved":
                account.watch_expires_at = None  # no subscription: the renew job creates one
                uow.sync.request(account.id, "graph:subscriptionRemoved", now)
            elif event == "missed":
                uow.sync.request(account.id, "graph:missed", now)
            else:
                log.warning("unknown Graph lifecycle event %r ignored", event)
        uow.commit()
    return "", 202


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
