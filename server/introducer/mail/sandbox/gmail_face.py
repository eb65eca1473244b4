"""The Gmail face of the sandbox mail world: a WSGI app serving the Gmail API over a `SandboxWorld`.

The real google-api-python-client talks to it when built with
`client_options={"api_endpoint": face.url}` (paths `/gmail/v1/users/me/...`), and google-auth gets
its tokens from the sandbox's Google sign-in served by the same app (`/token`, `/o/oauth2/auth`,
`/oauth2/v1/certs`), so `introducer demo --provider gmail` and the adapter tests run the whole
Gmail path offline. Every call is checked like Google checks it: bearer token (401), `userId`
(me or the token's own address), the method's OAuth scopes, query parameters and body against the
discovery document (400), the per-user rate limit (403 userRateLimitExceeded); then armed faults
(gmail_errors.py) fire, and its quota units are counted (`quota_used`).

    face = GmailFace(world, clients={"client-id": "secret"}).start()
    refresh = face.connect("dana@parkcap.example", "client-id")   # as if Dana had connected
    ...  face.url (api_endpoint), face.token_url, face.auth_url, face.certs_url  ...
    face.arm("messages.send", gmail_errors.too_many_requests(retry_after=2))
    face.quota_used("dana@parkcap.example"); face.watches.notifications
    face.stop()

`face.app` is a plain WSGI app too: mounted under a prefix (DispatcherMiddleware), the
api_endpoint is that prefix's URL.
"""
from __future__ import annotations

import binascii
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

from ...auth.google_oauth import CONNECT_SCOPES
from ...domain.address import InvalidAddress
from ..port import NotFound, TransientMailboxError
from . import gmail_discovery as disco
from . import gmail_errors as errors
from .gmail_errors import GmailError, Slow
from .gmail_push import Deliver, Watches
from .gmail_routes import HANDLERS
from .google_identity import GoogleAccount, GoogleIdentity, account_for
from .google_identity_routes import identity_blueprint
from .records import StaleCursor, UnknownUser
from .world import SandboxWorld

log = logging.getLogger(__name__)


class _LoggedRequests(WSGIRequestHandler):
    """Request lines go to the debug log instead of stderr, so the demo's terminal stays readable."""

    def log_request(self, code="-", size="-") -> None:
        log.debug("%s %s %s", self.requestline, code, size)


@dataclass
class Call:
    """One authenticated API call, as the handlers in gmail_routes.py see it."""

    face: "GmailFace"
    method: disco.Method
    email: str
    path: dict
    args: object  # werkzeug MultiDict
    body: dict

    @property
    def world(self) -> SandboxWorld:
        return self.face.world


class GmailFace:
    def __init__(self, world: SandboxWorld, *, clients: dict[str, str] | None = None,
                 identity: GoogleIdentity | None = None,
                 user_units_per_minute: int | None = disco.USER_UNITS_PER_MINUTE,
                 push: Deliver | None = None, consent: Callable[[dict], str] | None = None,
                 secret: bytes | None = None):
        """`clients`: OAuth client id -> secret accepted at /token. `push`: where watch notifications go.
        `consent(params) -> redirect URL` answers the consent page without a person (tests).
        `secret` seals refresh tokens: pass a kept one so tokens stored by the app outlive a restart."""
        self.world = world
        self.identity = identity or GoogleIdentity(clients=dict(clients or {}), clock=lambda: world.now().timestamp(),
                                                   **({"secret": secret} if secret else {}))
        self.user_units_per_minute = user_units_per_minute
        self.watches = Watches(world, push)
        self._lock = threading.Lock()
        self._quota: dict[str, int] = defaultdict(int)
        self._calls: dict[str, list[str]] = defaultdict(list)
        self._recent: dict[str, deque] = defaultdict(deque)  # (monotonic time, units) in the last minute
        self.app = self._build_app(consent)
        self._server = None
        self.url = ""

    # --- serving ----------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0, ssl_context=None) -> "GmailFace":
        """Serve on a background thread; port 0 picks a free one (see `url`). HTTPS with an ssl_context."""
        self._server = make_server(host, port, self.app, threaded=True, request_handler=_LoggedRequests,
                                   ssl_context=ssl_context)
        self.url = f"{'https' if ssl_context else 'http'}://{host}:{self._server.server_port}/"
        # A short poll interval makes stop() quick; the cost is a wake-up every 50 ms.
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="gmail-face",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.watches.close()

    def __enter__(self) -> "GmailFace":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def token_url(self) -> str:
        return self.url + "token"

    @property
    def auth_url(self) -> str:
        return self.url + "o/oauth2/auth"

    @property
    def certs_url(self) -> str:
        return self.url + "oauth2/v1/certs"

    # --- accounts, faults, quota ---------------------------------------------------------------
    def connect(self, email: str, client_id: str, scopes=CONNECT_SCOPES) -> str:
        """A refresh token for a world user, as if they had been through "Connect Gmail"'s consent."""
        user = self.world.user(email)
        if user is None:
            raise UnknownUser(f"no mailbox {email!r} in the sandbox world")
        return self.identity.grant_offline(client_id, account_for(user.email, user.name), scopes)

    def arm(self, operation: str, fault: Exception, times: int = 1, *, after: bool = False) -> None:
        """Make the next `times` calls of an operation ("messages.send", "history.list", ...) fail;
        `after=True` fails them once the world has done the work (a lost response)."""
        if operation not in HANDLERS:
            raise ValueError(f"the Gmail face does not serve {operation!r}")
        self.world.faults.arm(f"gmail.{operation}{':after' if after else ''}", fault, times)

    def quota_used(self, email: str) -> int:
        with self._lock:
            return self._quota[email.lower()]

    def calls(self, email: str) -> list[str]:
        """Operations served for a mailbox, in order (failed calls that cost no quota left out)."""
        with self._lock:
            return list(self._calls[email.lower()])

    def reset_quota(self) -> None:
        with self._lock:
            self._quota.clear()
            self._calls.clear()

    def _charge(self, email: str, operation: str) -> None:
        units = disco.QUOTA_UNITS[operation]
        now = time.monotonic()
        with self._lock:
            recent = self._recent[email]
            while recent and recent[0][0] <= now - 60:
                recent.popleft()
            if self.user_units_per_minute is not None and \
                    sum(u for _, u in recent) + units > self.user_units_per_minute:
                raise errors.rate_limited("userRateLimitExceeded")
            recent.append((now, units))
            self._quota[email] += units
            self._calls[email].append(operation)

    # --- the app ----------------------------------------------------------------------------
    def _accounts(self) -> list[GoogleAccount]:
        return [account_for(u.email, u.name) for u in self.world.users() if not u.is_simulated] or \
            [account_for(u.email, u.name) for u in self.world.users()]

    def _build_app(self, consent) -> Flask:
        app = Flask("introducer_gmail_face")
        app.register_blueprint(identity_blueprint(self.identity, self._accounts, consent=consent))
        for name, method in disco.methods().items():
            if name in HANDLERS:
                app.add_url_rule(method.flask_rule, f"gmail.{name}", self._view(method),
                                 methods=[method.http_method])

        @app.errorhandler(GmailError)
        def gmail_error(exc: GmailError):
            return jsonify(exc.body()), exc.code, exc.headers

        return app

    def _view(self, method: disco.Method):
        def view(**path):
            return self._serve(method, path)
        return view

    def _serve(self, method: disco.Method, path: dict):
        call = self._authenticate(method, path)
        problems = disco.query_problems(method, request.args) + disco.body_problems(method, call.body)
        if problems:
            raise errors.bad_request(problems[0])
        self._fault(method.name, "")
        self._charge(call.email, method.name)
        try:
            result = HANDLERS[method.name](call)
        except (NotFound, StaleCursor):
            raise errors.not_found() from None
        except UnknownUser:
            raise errors.mail_not_enabled() from None
        except binascii.Error:
            raise errors.bad_request("Invalid value for ByteString: raw") from None
        except (InvalidAddress, ValueError) as exc:
            raise errors.bad_request(str(exc)) from None
        self._fault(method.name, ":after")
        if result is None:
            return "", 204
        return jsonify(result), 200

    def _authenticate(self, method: disco.Method, path: dict) -> Call:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        grant = self.identity.access(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise errors.unauthenticated()
        user = path.get("userId", "me")
        if user != "me" and user.lower() != grant.email.lower():
            raise errors.delegation_denied(user)
        if self.world.user(grant.email) is None:
            raise errors.mail_not_enabled()
        if not set(grant.scopes) & set(method.scopes):
            raise errors.insufficient_scopes()
        body = request.get_json(silent=True) if request.data else {}
        if request.data and body is None:
            raise errors.bad_request("Invalid JSON payload received.")
        return Call(self, method, grant.email.lower(), path, request.args, body or {})

    def _fault(self, operation: str, phase: str) -> None:
        try:
            self.world.faults.check(f"gmail.{operation}{phase}")
        except Slow as slow:
            time.sleep(slow.seconds)
        except GmailError:
            raise
        except NotFound:
            raise errors.not_found() from None
        except TransientMailboxError:
            raise errors.server_error(503) from None
        except Exception:  # anything else armed is an outage as the client would see it
            raise errors.server_error(500) from None
