"""Message endpoints of the Graph face, and master categories.

Each handler takes the face and the call and returns (status, body, headers). References, per call:
GD api-reference/v1.0/api/user-post-messages.md, message-get.md, message-update.md, message-send.md,
message-createreplyall.md, message-delete.md, user-list-messages.md, outlookuser-list-mastercategories.md,
outlookuser-post-mastercategories.md.
"""
from __future__ import annotations

import html
import re
import threading
import uuid
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ...domain.model import Person
from ..mime import parse, people
from . import delivery
from .graph_compose import DraftFields, apply, read_raw, write_raw
from .graph_http import GraphFault, bad_request
from .graph_ids import new_network_id, thread_of
from .graph_render import parse_select, recipient, render
from .records import StoredMessage
from .world import SandboxWorld

if TYPE_CHECKING:
    from .graph_face import Call, GraphFace

_FILTER = re.compile(r"^\s*(conversationId|internetMessageId)\s+eq\s+'((?:[^']|'')*)'\s*$", re.I)
_REPLY_PREFIX = re.compile(r"^\s*re\s*:", re.I)
DEFAULT_TOP, MAX_TOP = 10, 1000
COLORS = frozenset({"none"} | {f"preset{i}" for i in range(25)})


def select_of(call: Call) -> tuple[str, ...] | None:
    try:
        return parse_select(call.args.get("$select"))
    except ValueError as exc:
        raise bad_request(str(exc), "RequestBroker--ParseUri") from None


def show(face: GraphFace, call: Call, m: StoredMessage, select: tuple[str, ...] | None = None) -> dict:
    names = {label.id: label.name for label in face.world.labels(call.email) if label.type == "user"}
    overlay = face.overlay.get((call.email, face.ids.graph_id(m, immutable=True)))
    return render(m, face.ids, immutable=call.immutable, text_body=call.text_body, select=select,
                  label_names=names, overlay=overlay)


def _owner(face: GraphFace, call: Call) -> Person:
    return face.world.user(call.email).person


def _set_categories(face: GraphFace, email: str, m: StoredMessage, value) -> None:
    """Quirk: the world labels whole threads, so a category set on one message shows on its conversation."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise bad_request("Property 'categories' must be a collection of names.", "RequestBodyRead")
    names = {label.id: label.name for label in face.world.labels(email) if label.type == "user"}
    current = {names[lid] for lid in m.labels if lid in names}
    wanted = {v.strip() for v in value}
    for name in sorted(wanted - current):
        face.world.set_label(email, m.thread_id, name, True)
    for name in sorted(current - wanted):
        face.world.set_label(email, m.thread_id, name, False)


def _store_new_draft(face: GraphFace, call: Call, d: DraftFields, body: dict, thread_id: str | None = None):
    ref = face.world.create_draft(call.email, write_raw(d, face.world.now()), thread_id)
    m = face.world.message(call.email, ref.message_id)
    if "categories" in body:
        _set_categories(face, call.email, m, body["categories"])
        m = face.world.message(call.email, ref.message_id)
    return 201, show(face, call, m), None


def _blank_draft(face: GraphFace, call: Call) -> DraftFields:
    owner = _owner(face, call)
    return DraftFields(sender=owner, message_id=delivery.new_message_id(delivery.domain_of(owner.email)),
                       network_id=new_network_id())


def create(face: GraphFace, call: Call):
    body = call.body or {}
    return _store_new_draft(face, call, apply(_blank_draft(face, call), body, creating=True), body)


def get(face: GraphFace, call: Call, id: str):
    return 200, show(face, call, face.ids.find(call.email, id), select_of(call)), None


def update(face: GraphFace, call: Call, id: str):
    body = call.body if isinstance(call.body, dict) else {}
    m = face.ids.find(call.email, id)
    gid = face.ids.graph_id(m, immutable=True)
    before = read_raw(m.raw)
    after = apply(before, body, creating=False, is_draft=m.is_draft)
    if m.is_draft and after != before:
        face.world.update_draft(call.email, m.draft_id, write_raw(after, face.world.now()))
    elif not m.is_draft:
        # Recipients of a sent or received copy change on that copy only; nothing is sent.
        changed = {k: [recipient(p.name, p.email) for p in v] for k, v in (
            ("toRecipients", after.to), ("ccRecipients", after.cc), ("bccRecipients", after.bcc)) if k in body}
        if changed:
            face.overlay[(call.email, gid)] = {**face.overlay.get((call.email, gid), {}), **changed}
    if "categories" in body:
        _set_categories(face, call.email, face.ids.find(call.email, gid), body["categories"])
    return 200, show(face, call, face.ids.find(call.email, gid)), None


def send(face: GraphFace, call: Call, id: str):
    m = face.ids.find(call.email, id)
    if not m.is_draft:
        raise bad_request("Only a draft can be sent; this message has been sent already.", "ErrorInvalidOperation")
    try:
        sent = face.world.send_draft(call.email, m.draft_id, by_api=True)
    except ValueError as exc:  # the world refuses a message without recipients
        raise GraphFault(400, "ErrorInvalidRecipients", str(exc)) from None
    face.ids.graph_id(sent, immutable=True)  # with immutable ids the draft's id now finds this copy
    return 202, None, None


def delete(face: GraphFace, call: Call, id: str):
    m = face.ids.find(call.email, id)
    if not m.is_draft:
        raise bad_request("The sandbox keeps sent and received mail; only drafts can be deleted.",
                          "ErrorInvalidOperation")
    face.world.delete_draft(call.email, m.draft_id)
    return 204, None, None


def create_reply_all(face: GraphFace, call: Call, id: str):
    """A reply-all draft in the original's conversation, threading headers set (as Outlook does)."""
    original = face.ids.find(call.email, id)
    body = call.body if isinstance(call.body, dict) else {}
    if not isinstance(body.get("message") or {}, dict):
        raise bad_request("The message parameter must be a message object.", "RequestBodyRead")
    message = dict(body.get("message") or {})
    comment = body.get("comment")
    if comment is not None and message.get("body"):
        raise bad_request("Specify either a comment or the body of the message parameter, not both.")
    em = parse(original.raw)
    me = call.email.lower()
    sender = people(em["Reply-To"]) or people(em["From"])  # Outlook honours the original's Reply-To
    if people(em["From"]) and people(em["From"])[0].email.lower() == me:
        to, cc = people(em["To"]), people(em["Cc"])
    else:
        to, cc = sender + people(em["To"]), people(em["Cc"])
    to = _unique(p for p in to if p.email.lower() != me)
    addressed = {p.email.lower() for p in to}
    cc = _unique(p for p in cc if p.email.lower() not in addressed | {me})
    subject = str(em["Subject"] or "")
    own = message.pop("body", None)
    intro = html.escape(str(comment or "")).replace("\n", "<br>")
    if own:
        intro = str(own.get("content") or "") if str(own.get("contentType", "")).lower() == "html" \
            else html.escape(str(own.get("content") or "")).replace("\n", "<br>")
    refs = " ".join([*(str(em["References"] or "").split()), original.internet_message_id]).strip()
    d = replace(_blank_draft(face, call), to=to, cc=cc,
                subject=subject if _REPLY_PREFIX.match(subject) else f"RE: {subject}",
                body_type="html", body=_quoted(intro, em, original),
                in_reply_to=original.internet_message_id, references=refs)
    d = apply(d, message, creating=True)
    return _store_new_draft(face, call, d, message, original.thread_id)


def _unique(found) -> tuple[Person, ...]:
    out: dict[str, Person] = {}
    for p in found:
        out.setdefault(p.email.lower(), p)
    return tuple(out.values())


def _quoted(intro: str, em, original: StoredMessage) -> str:
    """Outlook's reply body: the new text, a rule, the original's header block, the original."""
    part = em.get_body(preferencelist=("html", "plain"))
    content = part.get_content() if part is not None else ""
    if part is not None and part.get_content_type() == "text/plain":
        content = html.escape(content).replace("\n", "<br>")
    who = html.escape(str(em["From"] or ""))
    return (f"<html><body><div>{intro}</div><hr><div><b>From:</b> {who}<br><b>Sent:</b> "
            f"{html.escape(str(em['Date'] or ''))}<br><b>To:</b> {html.escape(str(em['To'] or ''))}<br>"
            f"<b>Subject:</b> {html.escape(original.subject)}</div><div>{content}</div></body></html>")


def list_messages(face: GraphFace, call: Call):
    select = select_of(call)
    where, orderby = call.args.get("$filter"), call.args.get("$orderby")
    if where and orderby:
        # Documented quirk: sorting a filtered list is refused (outlook.md §4).
        raise bad_request("The restriction or sort order is too complex for this operation.", "InefficientFilter")
    found = _filtered(face, call.email, where)
    descending = not orderby or orderby.strip().lower().endswith("desc")
    if orderby and not orderby.strip().lower().startswith("receiveddatetime"):
        raise GraphFault(501, "NotImplemented", "The sandbox sorts by receivedDateTime only.")
    found.sort(key=lambda m: (m.date, m.id), reverse=descending)
    try:
        top = min(int(call.args.get("$top", DEFAULT_TOP)), MAX_TOP)
        skip = int(call.args.get("$skip", 0))
    except ValueError:
        raise bad_request("$top and $skip must be whole numbers.", "RequestBroker--ParseUri") from None
    page = found[skip:skip + top]
    body = {"@odata.context": f"{call.base}/$metadata#users('{call.caller.user_id}')/messages",
            "value": [show(face, call, m, select) for m in page]}
    if skip + top < len(found):
        query = {**call.args.to_dict(), "$skip": str(skip + top)}
        body["@odata.nextLink"] = f"{call.base}/me/messages?{urlencode(query)}"
    return 200, body, None


def _filtered(face: GraphFace, email: str, where: str | None) -> list[StoredMessage]:
    world = face.world
    if not where:
        return [m for s in world.mailbox_threads(email) for m in world.thread(email, s.thread_id)]
    match = _FILTER.match(where)
    if not match:
        raise bad_request("The query filter contains one or more invalid nodes.", "ErrorInvalidUrlQueryFilter")
    prop, value = match.group(1).lower(), match.group(2).replace("''", "'")
    if prop == "conversationid":
        thread = thread_of(value)
        if thread is None:
            return []
        try:
            return world.thread(email, thread)
        except LookupError:
            return []
    return world.find_header(email, "Message-ID", value)


class MasterCategories:
    """The mailbox's category list; labels already in the world count as categories without a colour."""

    def __init__(self, world: SandboxWorld) -> None:
        self._world = world
        self._lock = threading.Lock()
        self._made: dict[str, list[dict]] = {}

    def list(self, email: str) -> list[dict]:
        with self._lock:
            made = list(self._made.get(email, []))
        names = {c["displayName"].lower() for c in made}
        for label in self._world.labels(email):
            if label.type == "user" and label.name.lower() not in names:
                made.append({"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{email}/{label.name}")),
                             "displayName": label.name, "color": "none"})
        return made

    def create(self, email: str, name: str, color: str) -> dict:
        if any(c["displayName"].lower() == name.lower() for c in self.list(email)):
            # The exact code Exchange answers with is not in the Graph docs; 409 is what it means.
            raise GraphFault(409, "ErrorDuplicateCategory", f"A category named '{name}' already exists.")
        category = {"id": str(uuid.uuid4()), "displayName": name, "color": color}
        with self._lock:
            self._made.setdefault(email, []).append(category)
        return category


def list_categories(face: GraphFace, call: Call):
    return 200, {"@odata.context": f"{call.base}/$metadata#users('{call.caller.user_id}')/outlook/masterCategories",
                 "value": face.categories.list(call.email)}, None


def create_category(face: GraphFace, call: Call):
    body = call.body if isinstance(call.body, dict) else {}
    name = str(body.get("displayName") or "").strip()
    color = str(body.get("color") or "none")
    if not name or any(ch in name for ch in "\r\n,;"):
        raise bad_request("A category needs a displayName without commas, semicolons or line breaks.",
                          "ErrorInvalidParameter")
    if color not in COLORS:
        raise bad_request(f"Cannot convert the literal '{color}' to the expected type 'microsoft.graph.categoryColor'.",
                          "RequestBodyRead")
    return 201, face.categories.create(call.email, name, color), None
