"""Sandbox records as Gmail API resources (Message, Thread, Draft, History, Label, Profile).

Shapes follow the discovery document's schemas (checked by tests/integration/test_gmail_face.py):
ids and history ids are strings, `internalDate` is epoch milliseconds as a string, `raw` and
`body.data` are base64url. Formats as in messages.get: `minimal` (no payload), `metadata` (headers
only, optionally just `metadataHeaders`), `full` (the MIME tree) and `raw`.
"""
from __future__ import annotations

import base64
from email.message import EmailMessage, Message

from ..mime import parse
from .records import DRAFT, HistoryRecord, Label, StoredMessage
from .store import to_ms


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64url(text: str) -> bytes:
    """Gmail takes base64url; padding may be left off."""
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _snippet(text: str) -> str:
    # Quirk: Gmail's snippets are HTML-escaped text (an apostrophe arrives as &#39;).
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def _headers(part: Message, only: tuple[str, ...] = ()) -> list[dict]:
    wanted = {h.lower() for h in only}
    return [{"name": name, "value": str(value)} for name, value in part.items()
            if not wanted or name.lower() in wanted]


def _leaf_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if data is not None:
        return data
    payload = part.get_payload()
    if isinstance(payload, list):  # message/delivery-status and similar: header blocks
        return b"\n".join(p.as_bytes() for p in payload)
    return str(payload or "").encode()


def payload_of(part: Message, part_id: str = "") -> dict:
    """A MessagePart: headers, and either child parts or the decoded body bytes."""
    out = {"partId": part_id, "mimeType": part.get_content_type(), "filename": part.get_filename() or "",
           "headers": _headers(part)}
    if part.get_content_maintype() == "multipart":
        children = part.get_payload() or []
        out["body"] = {"size": 0}
        out["parts"] = [payload_of(child, f"{part_id}.{i}" if part_id else str(i)) for i, child in enumerate(children)]
        return out
    data = _leaf_bytes(part)
    if out["filename"]:
        # Attachments are fetched separately in Gmail (messages.attachments.get): only a reference here.
        out["body"] = {"attachmentId": f"att-{part_id or '0'}", "size": len(data)}
    else:
        out["body"] = {"size": len(data), "data": b64url(data)} if data else {"size": 0}
    return out


def message_resource(m: StoredMessage, fmt: str = "full", metadata_headers: tuple[str, ...] = ()) -> dict:
    out = {"id": m.id, "threadId": m.thread_id, "labelIds": sorted(m.labels), "snippet": _snippet(m.snippet),
           "sizeEstimate": len(m.raw), "historyId": str(m.history_id), "internalDate": str(to_ms(m.date))}
    if fmt == "raw":
        out["raw"] = b64url(m.raw)
    elif fmt == "metadata":
        em: EmailMessage = parse(m.raw)
        out["payload"] = {"mimeType": em.get_content_type(), "headers": _headers(em, metadata_headers)}
    elif fmt == "full":
        out["payload"] = payload_of(parse(m.raw))
    return out


def sent_resource(m: StoredMessage) -> dict:
    """What messages.send and drafts.send answer: the new message's ids and labels only."""
    return {"id": m.id, "threadId": m.thread_id, "labelIds": sorted(m.labels)}


def thread_resource(messages: list[StoredMessage], fmt: str = "full", metadata_headers: tuple[str, ...] = ()) -> dict:
    return {"id": messages[0].thread_id, "historyId": str(max(m.history_id for m in messages)),
            "messages": [message_resource(m, fmt, metadata_headers) for m in messages]}


def draft_resource(m: StoredMessage, fmt: str | None = None) -> dict:
    """A Draft; without a format just the ids, as drafts.create/update/list answer."""
    if fmt is None:
        return {"id": m.draft_id, "message": {"id": m.id, "threadId": m.thread_id, "labelIds": [DRAFT]}}
    return {"id": m.draft_id, "message": message_resource(m, fmt)}


_CHANGE_FIELD = {"messageAdded": "messagesAdded", "messageDeleted": "messagesDeleted",
                 "labelAdded": "labelsAdded", "labelRemoved": "labelsRemoved"}


def history_resource(record: HistoryRecord) -> dict:
    """One History record; `messages` repeats the touched message, as Gmail does."""
    ref = {"id": record.message_id, "threadId": record.thread_id}
    field = _CHANGE_FIELD[record.kind]
    if record.kind == "messageAdded":
        change = {"message": {**ref, "labelIds": list(record.label_ids)}}
    elif record.kind == "messageDeleted":
        change = {"message": ref}
    else:
        change = {"message": ref, "labelIds": list(record.label_ids)}
    return {"id": str(record.id), "messages": [ref], field: [change]}


def label_resource(label: Label) -> dict:
    out = {"id": label.id, "name": label.name, "type": label.type}
    if label.type == "user":
        out.update(messageListVisibility="show", labelListVisibility="labelShow")
    return out
