"""Sandbox mailboxes as a mail client sees them: thread lists, threads, drafts, sending, replying.

    GET  /sandbox/api/mailboxes/<email>/threads                  newest first, with labels and markers
    GET  /sandbox/api/mailboxes/<email>/threads/<thread_id>      the messages (headers and text); marks it read
    POST /sandbox/api/mailboxes/<email>/threads/<thread_id>/reply  {"text"}: a simulated person replies all
    GET  /sandbox/api/mailboxes/<email>/drafts                   the mailbox's drafts
    POST /sandbox/api/mailboxes/<email>/drafts/<draft_id>/send   send a draft (what the user does in Gmail)
    POST /sandbox/api/mailboxes/<email>/receive                  mail from outside the world arrives
         {"from": {"name", "email"}, "subject", "text", "in_reply_to"?, "spoofed"?, "extra_headers"?}
         `spoofed`: the From is forged, so the receiving server's sender checks fail

After sending or replying, the people and the worker run once (sandbox.settle) so the outcome shows at once.
"""
from __future__ import annotations

from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from ..domain.address import InvalidAddress, person
from ..mail.mime import people, text_of
from ..mail.port import NotFound
from ..mail.sandbox import replies
from ..mail.sandbox.people import Behaviour, is_automatic
from ..mail.sandbox.records import DRAFT, INBOX, SENT, UNREAD
from .body import check_shape, json_object
from .errors import ApiError, bad_request
from .sandbox import settle

bp = Blueprint("sandbox_mail", __name__, url_prefix="/sandbox/api/mailboxes/<email>")
MAX_REPLY = 5000


def _world():
    return current_app.extensions["introducer"].world


def _user(email: str):
    user = _world().user(email)
    if user is None:
        raise ApiError(404, "not_found", f"There is no sandbox mailbox {email}.")
    return user


def _who(value) -> list[dict]:
    return [{"name": p.name, "email": p.email} for p in people(str(value) if value else None)]


def _label_names(email: str) -> dict[str, str]:
    return {label.id: label.name for label in _world().labels(email)}


def _message(m, names: dict[str, str]) -> dict:
    em = m.parsed()
    return {
        "id": m.id, "thread_id": m.thread_id, "draft_id": m.draft_id, "date": m.date.isoformat(),
        "from": _who(em["From"]), "to": _who(em["To"]), "cc": _who(em["Cc"]), "bcc": _who(em["Bcc"]),
        "reply_to": _who(em["Reply-To"]), "subject": str(em["Subject"] or ""),
        "message_id": m.internet_message_id, "unread": m.unread, "automatic": is_automatic(em),
        "labels": sorted(names.get(lid, lid) for lid in m.labels if lid not in (UNREAD,)),
        "text": text_of(em),
    }


@bp.get("/threads")
def threads(email: str):
    user = _user(email)
    names = _label_names(user.email)
    out = []
    for t in _world().mailbox_threads(user.email):
        senders = [p for s in t.senders for p in _who(s)]
        out.append({
            "thread_id": t.thread_id, "subject": t.subject, "snippet": t.snippet, "date": t.date.isoformat(),
            "senders": [s["name"] or s["email"] for s in senders], "count": t.message_count, "unread": t.unread,
            "inbox": INBOX in t.labels, "sent": SENT in t.labels, "draft": DRAFT in t.labels,
            "labels": sorted(names[lid] for lid in t.labels if lid in names and lid not in (INBOX, SENT, DRAFT, UNREAD)),
        })
    return {"email": user.email, "threads": out}


@bp.get("/threads/<thread_id>")
def thread(email: str, thread_id: str):
    user = _user(email)
    world = _world()
    try:
        messages = world.thread(user.email, thread_id)
        if any(m.unread for m in messages):
            world.set_label(user.email, thread_id, UNREAD, False)  # opening a thread reads it, as in Gmail
    except NotFound:
        raise ApiError(404, "not_found", f"No thread {thread_id} in {user.email}'s mailbox.") from None
    names = _label_names(user.email)
    return {"email": user.email, "thread_id": thread_id, "messages": [_message(m, names) for m in messages]}


@bp.get("/drafts")
def drafts(email: str):
    user = _user(email)
    names = _label_names(user.email)
    return {"email": user.email, "drafts": [_message(m, names) for m in _world().drafts(user.email)]}


@bp.post("/drafts/<draft_id>/send")
def send_draft(email: str, draft_id: str):
    user = _user(email)
    try:
        sent = _world().send_draft(user.email, draft_id)
    except NotFound:
        raise ApiError(404, "not_found", f"No draft {draft_id} in {user.email}'s mailbox.") from None
    return {"message_id": sent.id, "thread_id": sent.thread_id, **settle()}


def _reply_all(me: str, latest) -> tuple[list, list]:
    """Reply all, as a mail client does: Reply-To (or From) and the other To in To, the rest in Cc."""
    seen = {me}
    def fresh(found):
        out = [p for p in found if p.email.lower() not in seen]
        seen.update(p.email.lower() for p in out)
        return out
    to = fresh(list(people(latest["Reply-To"]) or people(latest["From"])) + list(people(latest["To"])))
    cc = fresh(list(people(latest["Cc"])))
    return (to, cc) if to else (cc, [])


@bp.post("/threads/<thread_id>/reply")
def reply(email: str, thread_id: str):
    user = _user(email)
    if not user.is_simulated:
        raise ApiError(403, "forbidden", "Only simulated people answer from this box; the introducer uses the panel.")
    data = json_object()
    check_shape(data, {"text": str})
    text = (data.get("text") or "").strip()
    if not text or len(text) > MAX_REPLY:
        raise bad_request(f"text: write the reply (1 to {MAX_REPLY} characters).")
    world = _world()
    try:
        messages = [m for m in world.thread(user.email, thread_id) if not m.is_draft]
    except NotFound:
        raise ApiError(404, "not_found", f"No thread {thread_id} in {user.email}'s mailbox.") from None
    theirs = [m for m in messages if people(m.sender) and people(m.sender)[0].email.lower() != user.email]
    if not theirs:
        raise ApiError(409, "conflict", "There is no message from someone else in this thread to reply to.")
    latest = theirs[-1].parsed()
    to, cc = _reply_all(user.email, latest)
    behaviour = user.behaviour or Behaviour()
    zone = ZoneInfo(behaviour.timezone)
    body = replies.reply_body(text, latest, style=behaviour.style, signature=behaviour.signature, tz=zone)
    raw = replies.compose(user.person, to, replies.re_subject(str(latest["Subject"] or "")), body,
                          world.now().astimezone(zone), cc=cc, replying_to=latest)
    sent = world.submit(user.email, raw, thread_id)
    return {"message_id": sent.id, "thread_id": sent.thread_id, **settle()}


@bp.post("/receive")
def receive(email: str):
    """A message from someone outside the world (a stranger, or somebody forging a party's address)."""
    user = _user(email)
    data = json_object()
    check_shape(data, {"from": {"name": str, "email": str}, "subject": str, "text": str, "in_reply_to": str,
                       "spoofed": bool, "extra_headers": list})
    given = data.get("from") or {}
    try:
        sender = person(given.get("name") or "", given.get("email") or "", "from")
    except InvalidAddress as exc:
        raise bad_request(str(exc)) from None
    text = str(data.get("text") or "").strip()
    if not text or len(text) > MAX_REPLY:
        raise bad_request(f"text: write the message (1 to {MAX_REPLY} characters).")
    extra = []
    for item in data.get("extra_headers") or ():
        if (not isinstance(item, list) or len(item) != 2 or not all(isinstance(v, str) for v in item)
                or any(ch in "".join(item) for ch in "\r\n")):
            raise bad_request("extra_headers: a list of [name, value] pairs without line breaks.")
        extra.append((item[0], item[1]))
    world = _world()
    try:
        parent = None
        if data.get("in_reply_to"):
            parent = EmailMessage()
            parent["Message-ID"] = data["in_reply_to"]
        raw = replies.compose(sender, [user.person], str(data.get("subject") or "(no subject)"), text, world.now(),
                              replying_to=parent, extra_headers=tuple(extra))
    except ValueError as exc:  # a header the email package refuses (a line break, a bad name)
        raise bad_request(f"The message cannot be written: {exc}") from None
    got = world.receive(user.email, raw, authenticated=not data.get("spoofed"))
    return {"message_id": got.id, "thread_id": got.thread_id, **settle()}
