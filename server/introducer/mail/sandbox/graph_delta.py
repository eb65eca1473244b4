"""Delta queries on a mail folder (GD api-reference/v1.0/api/message-delta.md), over the world's history.

The first round lists the folder's messages, page by page (`@odata.nextLink`, page size from
`Prefer: odata.maxpagesize`), and ends with an `@odata.deltaLink`; replaying that link lists what was
created, updated or removed since. Tokens carry the sync state (folder, history ids, $select,
$filter, changeType, id type), signed so the face can trust them back. A token older than the
world's kept history answers 410 SyncStateNotFound, as an expired Exchange sync state does
(microsoft-graph-docs#2350); a token replayed with the other id type answers SyncStateInvalid
(alcionai/corso#3176).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING

from ..port import NotFound
from .graph_http import GraphFault, bad_request
from .graph_ids import folder_name
from .graph_messages import select_of, show
from .graph_render import folder_of
from .records import DRAFT, INBOX, SENT, StaleCursor

if TYPE_CHECKING:
    from .graph_face import Call, GraphFace

LABEL = {"inbox": INBOX, "sentitems": SENT, "drafts": DRAFT}
DEFAULT_PAGE = 10
_RECEIVED = re.compile(r"^\s*receivedDateTime\s+(ge|gt)\s+'?([0-9][0-9T:.\-+Z]*)'?\s*$", re.I)
_CHANGE_TYPES = {"created": "created", "updated": "updated", "deleted": "removed"}


def _sign(face: GraphFace, state: dict) -> str:
    raw = base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(face.secret, raw.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{raw}.{mac}"


def _unsign(face: GraphFace, token: str, email: str) -> dict:
    raw, _, mac = token.partition(".")
    good = hmac.new(face.secret, raw.encode(), hashlib.sha256).hexdigest()[:32]
    try:
        state = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) if hmac.compare_digest(mac, good) \
            else None
    except ValueError:
        state = None
    if not state or state.get("mb") != email:
        # A token this face never issued (or issued before a restart): the sync state is gone.
        raise GraphFault(410, "SyncStateNotFound", "The sync state generation is not found.")
    return state


def _first_state(face: GraphFace, call: Call, folder: str) -> dict:
    where = call.args.get("$filter")
    received = None
    if where:
        match = _RECEIVED.match(where)
        if not match:
            raise bad_request("Only receivedDateTime ge|gt is supported in a delta $filter.",
                              "ErrorInvalidUrlQueryFilter")
        try:
            datetime.fromisoformat(match.group(2))
        except ValueError:
            raise bad_request(f"The date '{match.group(2)}' is not valid.", "ErrorInvalidUrlQueryFilter") from None
        received = [match.group(1).lower(), match.group(2)]
    change = call.args.get("changeType")
    if change is not None and change not in _CHANGE_TYPES:
        raise bad_request(f"changeType '{change}' is not one of created, updated, deleted.", "ErrorInvalidParameter")
    select_of(call)  # refuse an unknown property now, not on a later page
    return {"mb": call.email, "f": folder, "s": None, "u": face.world.latest_history(call.email), "o": 0,
            "sel": call.args.get("$select"), "rcv": received, "ct": change, "imm": call.immutable}


def _after(m_date: datetime, received: list | None) -> bool:
    if not received:
        return True
    bound = datetime.fromisoformat(received[1])
    return m_date >= bound if received[0] == "ge" else m_date > bound


def _entries(face: GraphFace, call: Call, state: dict) -> list[tuple[str, str, object]]:
    """(kind, graph id, message) for the state's range, kind created|updated|removed, oldest first."""
    email, folder, label = call.email, state["f"], LABEL[state["f"]]
    world, ids, immutable = face.world, face.ids, state["imm"]
    if state["s"] is None:
        found = [m for s in world.mailbox_threads(email, label) for m in world.thread(email, s.thread_id)
                 if label in m.labels and m.history_id <= state["u"]]
        found.sort(key=lambda m: (m.date, m.id))
        return [("created", ids.graph_id(m, immutable), m) for m in found]
    try:
        records, _ = world.history(email, state["s"])
    except StaleCursor:
        raise GraphFault(410, "SyncStateNotFound", "The sync state generation is not found.") from None
    entries: dict[str, tuple[str, object]] = {}
    for r in records:
        if r.id > state["u"]:
            break
        if r.kind == "messageDeleted":
            if label not in r.label_ids:
                continue
            gid = ids.known(email, r.message_id) if immutable else ids.mutable_for(r.message_id)
            if gid is None:
                continue  # never shown to anyone: nobody needs to hear it is gone
            try:
                still = ids.find(email, gid)
                if folder_of(still) == folder:
                    continue  # a draft saved again: the same item, reported as it is now
            except NotFound:
                pass
            entries[gid] = ("removed", None)
            continue
        try:
            m = world.message(email, r.message_id)
        except NotFound:
            continue  # gone again within the range; its messageDeleted record follows
        if label not in m.labels:
            continue
        gid = ids.graph_id(m, immutable)
        moved_in = r.kind == "labelAdded" and label in r.label_ids
        kind = "created" if r.kind == "messageAdded" or moved_in else "updated"
        earlier = entries.get(gid)
        entries[gid] = (earlier[0] if earlier and earlier[0] != "removed" else kind, m)
    return [(kind, gid, m) for gid, (kind, m) in entries.items()]


def handle(face: GraphFace, call: Call, folder: str):
    name = folder_name(folder)
    if name is None:
        raise GraphFault(404, "ErrorItemNotFound", "The specified folder could not be found in the store.")
    token = call.args.get("$skiptoken") or call.args.get("$deltatoken")
    state = _unsign(face, token, call.email) if token else _first_state(face, call, name)
    if state["f"] != name:
        raise GraphFault(410, "SyncStateNotFound", "The sync state generation is not found.")
    if state["imm"] != call.immutable:
        raise bad_request("The sync state was made with another id type.", "SyncStateInvalid")
    try:
        size = max(1, min(int(call.prefer.get("odata.maxpagesize", DEFAULT_PAGE)), 1000))
    except ValueError:
        size = DEFAULT_PAGE
    if state["u"] is None:  # a deltaLink replayed: this round covers up to now
        state = {**state, "u": face.world.latest_history(call.email), "o": 0}
    wanted = _CHANGE_TYPES.get(state["ct"] or "")
    entries = [e for e in _entries(face, call, state)
               if (wanted is None or e[0] == wanted) and (e[0] == "removed" or _after(e[2].date, state["rcv"]))]
    page, offset = entries[state["o"]:state["o"] + size], state["o"] + size
    select = tuple(n.strip() for n in state["sel"].split(",")) if state["sel"] else None
    value = [{"@odata.type": "#microsoft.graph.message", "id": gid, "@removed": {"reason": "deleted"}}
             if kind == "removed" else show(face, call, m, select) for kind, gid, m in page]
    link = f"{call.base}/me/mailFolders/{name}/messages/delta"
    body = {"@odata.context": f"{call.base}/$metadata#Collection(message)", "value": value}
    if offset < len(entries):
        body["@odata.nextLink"] = f"{link}?$skiptoken={_sign(face, {**state, 'o': offset})}"
    else:
        body["@odata.deltaLink"] = f"{link}?$deltatoken={_sign(face, {**state, 's': state['u'], 'u': None, 'o': 0})}"
    headers = {"Preference-Applied": f"odata.maxpagesize={size}"} if "odata.maxpagesize" in call.prefer else None
    return 200, body, headers
