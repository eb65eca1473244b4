"""The Microsoft Graph adapter: `GraphMailbox` over a throttle-aware transport and pure JSON parsing."""
from .client import GRAPH_URL, GraphClient, GraphRequestError, SyncStateGone
from .mailbox import GraphMailbox

__all__ = ["GRAPH_URL", "GraphClient", "GraphMailbox", "GraphRequestError", "SyncStateGone"]
