"""The Gmail adapter: `GmailMailbox` implements the Mailbox port with google-api-python-client."""
from .client import GmailClient
from .mailbox import GmailMailbox, gmail_mailbox_for

__all__ = ["GmailClient", "GmailMailbox", "gmail_mailbox_for"]
