"""The sandbox: a local, persistent mail world with simulated people, and its Mailbox adapter."""
from .mailbox import SandboxMailbox
from .people import Behaviour
from .records import DraftRef, HistoryRecord, Label, Reaction, StaleCursor, StoredMessage, ThreadSummary, UnknownUser, User
from .seed import seed_demo
from .world import SandboxWorld

__all__ = ["Behaviour", "DraftRef", "HistoryRecord", "Label", "Reaction", "SandboxMailbox", "SandboxWorld",
           "StaleCursor", "StoredMessage", "ThreadSummary", "UnknownUser", "User", "seed_demo"]
