"""What each Gmail API method does to the sandbox world; `HANDLERS` maps operation names to them.

A handler takes the authenticated `Call` (gmail_face.py) and returns the response resource, or
None for Gmail's empty 204. World errors (NotFound, StaleCursor, ValueError) become Google's errors
in the face. Reference: developers.google.com/gmail/api/reference/rest.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import timezone

from . import gmail_errors as errors
from . import store
from .gmail_resources import (draft_resource, history_resource, label_resource, message_resource, sent_resource,
                              thread_resource, unb64url)
from .records import SYSTEM_LABELS

MAX_PAGE = 500  # history.list and messages.list: "The maximum allowed value for this field is 500."
_TOPIC = re.compile(r"^projects/[^/]+/topics/[^/]+$")
_MSGID_QUERY = re.compile(r"^\s*rfc822msgid:\s*<?([^<>\s]+)>?\s*$", re.IGNORECASE)


def _raw_of(message: dict | None) -> bytes:
    if not message or not message.get("raw"):
        raise errors.bad_request("Invalid draft: missing raw message" if message is not None else "Missing message")
    return unb64url(message["raw"])


def _format(call, default: str = "full") -> str:
    return call.args.get("format", default)


def _metadata_headers(call) -> tuple[str, ...]:
    return tuple(call.args.getlist("metadataHeaders"))


# --- profile, watch -------------------------------------------------------------------------------
def get_profile(call):
    threads = call.world.mailbox_threads(call.email)
    return {"emailAddress": call.email, "messagesTotal": sum(s.message_count for s in threads),
            "threadsTotal": len(threads), "historyId": str(call.world.latest_history(call.email))}


def watch(call):
    topic = call.body.get("topicName", "")
    if not _TOPIC.match(topic):
        raise errors.bad_request("Invalid topicName does not match projects/SOME-PROJECT/topics/SOME-TOPIC")
    # labelFilterAction is the deprecated spelling; labelFilterBehavior wins when both are given.
    behavior = call.body.get("labelFilterBehavior") or call.body.get("labelFilterAction") or "include"
    history_id, expires = call.face.watches.start(call.email, topic, call.body.get("labelIds"), behavior)
    return {"historyId": str(history_id), "expiration": str(store.to_ms(expires.astimezone(timezone.utc)))}


def stop(call):
    call.face.watches.stop(call.email)
    return None


# --- drafts -------------------------------------------------------------------------------------
def create_draft(call):
    message = call.body.get("message")
    ref = call.world.create_draft(call.email, _raw_of(message), message.get("threadId"))
    return draft_resource(call.world.message(call.email, ref.message_id))


def update_draft(call):
    message = call.body.get("message")
    ref = call.world.update_draft(call.email, call.path["id"], _raw_of(message), message.get("threadId"))
    return draft_resource(call.world.message(call.email, ref.message_id))


def get_draft(call):
    return draft_resource(call.world.draft(call.email, call.path["id"]), _format(call))


def delete_draft(call):
    call.world.delete_draft(call.email, call.path["id"])
    return None


def send_draft(call):
    draft_id = call.body.get("id")
    if not draft_id:
        raise errors.bad_request("Invalid draft: missing id")
    if call.body.get("message", {}).get("raw"):  # the body's content replaces the draft's first
        call.world.update_draft(call.email, draft_id, _raw_of(call.body["message"]),
                                call.body["message"].get("threadId"))
    return sent_resource(call.world.send_draft(call.email, draft_id, by_api=True))


def _message_id_query(call) -> str | None:
    """The Message-ID a `q` asks for; the sandbox understands `rfc822msgid:` searches only."""
    q = call.args.get("q", "").strip()
    if not q:
        return None
    found = _MSGID_QUERY.match(q)
    if not found:
        raise errors.bad_request(f"The sandbox supports only rfc822msgid: searches, not {q!r}")
    return f"<{found.group(1)}>"


def _page(call, items: list, key: str, render) -> dict:
    """Gmail's list paging: maxResults per page, an opaque nextPageToken; empty lists are left out."""
    size = min(int(call.args.get("maxResults", 100)), MAX_PAGE)
    start = _token_value(call.args.get("pageToken"), 0)
    out: dict = {"resultSizeEstimate": len(items)}
    if items[start:start + size]:
        out[key] = [render(i) for i in items[start:start + size]]
    if start + size < len(items):
        out["nextPageToken"] = _token(start + size)
    return out


def list_drafts(call):
    wanted = _message_id_query(call)
    drafts = [m for m in reversed(call.world.drafts(call.email))
              if wanted is None or m.internet_message_id == wanted]
    return _page(call, drafts, "drafts", lambda m: {"id": m.draft_id,
                                                    "message": {"id": m.id, "threadId": m.thread_id}})


# --- messages and threads -------------------------------------------------------------------------
def send_message(call):
    return sent_resource(call.world.submit(call.email, _raw_of(call.body), call.body.get("threadId")))


def get_message(call):
    return message_resource(call.world.message(call.email, call.path["id"]), _format(call), _metadata_headers(call))


def list_messages(call):
    wanted = _message_id_query(call)
    if wanted is None:
        raise errors.bad_request("The sandbox lists messages only for an rfc822msgid: search")
    labels = set(call.args.getlist("labelIds"))
    found = [m for m in reversed(call.world.find_header(call.email, "Message-ID", wanted)) if labels <= m.labels]
    return _page(call, found, "messages", lambda m: {"id": m.id, "threadId": m.thread_id})


def get_thread(call):
    return thread_resource(call.world.thread(call.email, call.path["id"]), _format(call), _metadata_headers(call))


def modify_thread(call):
    names = {label.id: label.name for label in call.world.labels(call.email)}
    for label_id in [*call.body.get("removeLabelIds", []), *call.body.get("addLabelIds", [])]:
        if label_id not in names:  # checked before anything changes: Gmail applies all or nothing
            raise errors.bad_request(f"Invalid label: {label_id}")
    for key, on in (("removeLabelIds", False), ("addLabelIds", True)):
        for label_id in call.body.get(key, []):
            call.world.set_label(call.email, call.path["id"], names[label_id], on)
    return thread_resource(call.world.thread(call.email, call.path["id"]), "minimal")


# --- labels -------------------------------------------------------------------------------------
def list_labels(call):
    return {"labels": [label_resource(label) for label in call.world.labels(call.email)]}


def create_label(call):
    name = (call.body.get("name") or "").strip()
    if not name or name.upper() in SYSTEM_LABELS:
        raise errors.bad_request("Invalid label name")
    if any(label.name.lower() == name.lower() for label in call.world.labels(call.email)):
        raise errors.already_exists("Label name exists or conflicts")
    # Quirk: SandboxWorld makes user labels only on first use (set_label); labels.create needs one
    # made empty, so this reaches into the world's transaction and store directly.
    with call.world._write() as tx:
        label_id = store.label_id(tx.conn, call.email, name, create=True)
    return {"id": label_id, "name": name, "type": "user",
            "messageListVisibility": call.body.get("messageListVisibility", "show"),
            "labelListVisibility": call.body.get("labelListVisibility", "labelShow")}


# --- history ------------------------------------------------------------------------------------
def _token(value: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": value}).encode()).decode("ascii").rstrip("=")


def _token_value(token: str | None, default: int) -> int:
    if not token:
        return default
    try:
        return int(json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["after"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise errors.bad_request("Invalid pageToken") from None


def list_history(call):
    start = int(call.args["startHistoryId"])
    records, latest = call.world.history(call.email, start)  # StaleCursor: the face answers 404
    kinds = set(call.args.getlist("historyTypes"))
    label = call.args.get("labelId")
    after = _token_value(call.args.get("pageToken"), start)
    size = min(int(call.args.get("maxResults", 100)), MAX_PAGE)
    wanted = [r for r in records if r.id > after and (not kinds or r.kind in kinds)
              and (label is None or label in r.label_ids)]
    out: dict = {"historyId": str(latest)}
    if wanted[:size]:
        out["history"] = [history_resource(r) for r in wanted[:size]]
    if len(wanted) > size:
        out["nextPageToken"] = _token(wanted[size - 1].id)
    return out


HANDLERS = {
    "getProfile": get_profile, "watch": watch, "stop": stop,
    "drafts.create": create_draft, "drafts.update": update_draft, "drafts.get": get_draft,
    "drafts.delete": delete_draft, "drafts.send": send_draft, "drafts.list": list_drafts,
    "messages.send": send_message, "messages.get": get_message, "messages.list": list_messages,
    "threads.get": get_thread, "threads.modify": modify_thread,
    "labels.list": list_labels, "labels.create": create_label,
    "history.list": list_history,
}
