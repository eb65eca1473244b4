"""Microsoft Graph change notifications and lifecycle events for Outlook mailboxes.

    POST /webhooks/graph             change notifications → one coalesced sync request per mailbox, 202
                                     (one read when a request already waits: store/notices.py)
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
from ..store.notices import Mailbox
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


def _mailboxes(items: list[dict]) -> list[tuple[Mailbox, dict]]:
    """(mailbox, item) for each item with one of our clientStates, for an active Outlook account.
    One read for the whole batch, which also says whether a sync request already waits."""
    container = _container()
    named = [(account_of_client_state(container.settings, item.get("clientState")), item) for item in items]
    known = container.uow.notices.by_ids(account_id for account_id, _ in named if account_id is not None)
    found = []
    for account_id, item in named:
        mailbox = known.get(account_id) if account_id is not None else None
        tenant = (mailbox.external_id or "").rpartition(".")[2] if mailbox is not None else ""
        if mailbox is None or mailbox.provider != "outlook" or (tenant and item.get("tenantId") not in (None, tenant)):
            log.warning("Graph notification for subscription %s ignored: unknown clientState",
                        item.get("subscriptionId"))
            continue
        if mailbox.status == "active":
            found.append((mailbox, item))
    return found


@bp.post("")
def notifications():
    answer = _handshake()
    if answer is not None:
        return answer
    mailboxes = _mailboxes(_items())
    container = _container()
    container.uow.notices.request([mailbox for mailbox, _ in mailboxes], "graph", container.deps.clock())
    return "", 202


@bp.post("/lifecycle")
def lifecycle():
    answer = _handshake()
    if answer is not None:
        return answer
    container = _container()
    now = container.deps.clock()
    resubscribe = []
    for mailbox, item in _mailboxes(_items()):
        event = item.get("lifecycleEvent")
        if event == "missed":  # only a resync: the notifications' own way
            container.uow.notices.request([mailbox], "graph:missed", now)
        elif event in ("reauthorizationRequired", "subscriptionRemoved"):
            resubscribe.append((mailbox.account_id, event))
        else:
            log.warning("unknown Graph lifecycle event %r ignored", event)
    if resubscribe:
        with container.uow() as uow:
            for account_id, event in resubscribe:
                account = uow.accounts.get(account_id)
                if account is None:  # removed since the notification was read
                    continue
                if event == "reauthorizationRequired":
                    # lapsed as far as we are concerned: the renew job PATCHes it, which also reauthorizes
                    account.watch_expires_at = now - timedelta(seconds=1)
                else:
                    account.watch_expires_at = None  # no subscription: the renew job creates one
                uow.sync.request(account_id, f"graph:{event}", now)  # notifications may lag or be gone
            uow.commit()
    return "", 202


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
