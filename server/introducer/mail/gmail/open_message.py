"""The message the user has open in Gmail, read with the add-on's own short-lived tokens.

During an add-on interaction Google hands us `userOAuthToken` (an access token for the add-on's
scopes) and `gmail.accessToken` (access to the open message). Both go on the call: the first as the
bearer token, the second as `X-Goog-Gmail-Access-Token` (developers.google.com/workspace/add-ons/
guides/alternate-runtimes; googleworkspace/add-ons-samples python/travel-adk-ai-agent). Only headers
are read (format=metadata): the add-on asks for `gmail.addons.current.message.metadata`, no body.
"""
from __future__ import annotations

from dataclasses import dataclass

import google.auth.exceptions
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from ...domain.model import Person
from ..mime import people
from ..port import MailboxError
from .client import GOOGLE_API_URL
from .parse import headers_of

HEADERS = ["From", "To", "Cc", "Subject", "Message-ID"]


@dataclass(frozen=True)
class OpenMessage:
    message_id: str
    thread_id: str
    sender: Person | None
    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    subject: str


def read_open_message(message_id: str, user_oauth_token: str, access_token: str | None,
                      api_url: str = GOOGLE_API_URL) -> OpenMessage:
    """users.messages.get(format=metadata) for the open message; MailboxError when Gmail refuses."""
    service = build("gmail", "v1", credentials=Credentials(token=user_oauth_token),
                    client_options={"api_endpoint": api_url}, cache_discovery=False, static_discovery=True)
    call = service.users().messages().get(userId="me", id=message_id, format="metadata", metadataHeaders=HEADERS)
    if access_token:
        call.headers["X-Goog-Gmail-Access-Token"] = access_token
    try:
        found = call.execute(num_retries=1)
    except HttpError as exc:
        raise MailboxError(f"gmail messages.get for the open message: {exc.resp.status}") from exc
    except (google.auth.exceptions.GoogleAuthError, OSError, httplib2.HttpLib2Error) as exc:
        # The add-on's token cannot be refreshed (there is no refresh token), or Gmail is unreachable.
        raise MailboxError(f"gmail messages.get for the open message: {exc}") from exc
    finally:
        service.close()
    headers = headers_of(found.get("payload", {}))
    senders = people(headers.get("from"))
    return OpenMessage(
        message_id=found.get("id", message_id), thread_id=found.get("threadId", ""),
        sender=senders[0] if senders else None, to=tuple(people(headers.get("to"))),
        cc=tuple(people(headers.get("cc"))), subject=headers.get("subject", ""))
