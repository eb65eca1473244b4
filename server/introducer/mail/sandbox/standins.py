"""Google and Microsoft stand-ins as one process over HTTPS, for the deployed-shape test stack (deploy/stack.sh).

    python -m introducer.mail.sandbox.standins DIR PUBLIC_URL

Makes a sandbox world in DIR/world.db with the stack's cast, one throw-away CA (DIR/ca.pem) and its
127.0.0.1/localhost certificate (DIR/server.pem, DIR/server.key), which the reverse proxy serves too.
Serves over HTTPS: the Gmail face with Google's sign-in, the Microsoft identity face and the Graph face,
with the stack's apps registered for redirect URIs under PUBLIC_URL. Writes DIR/standins.env, the
settings that point Introducer at them, and DIR/standins.ready last. The simulated people act every
half second. Stops on SIGTERM or SIGINT.

A small control face (`/stack/...` on its own port) hands out what Google gives the Gmail add-on on each
event (its ID tokens and an access token), for a test that drives the add-on's HTTP endpoints.
"""
from __future__ import annotations

import hashlib
import shutil
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, request

from ...domain.model import Person
from . import replies
from .gmail_face import GmailFace
from .google_identity import account_for
from .loopback import LoopbackServer
from .outlook_sandbox import OutlookSandbox
from .people import Behaviour
from .world import SandboxWorld

MS_CLIENT_ID = "6f1d8a52-3c2e-4b8e-9a53-1c0ffee0a11c"
GOOGLE_CLIENT_ID = "introducer-stack.apps.googleusercontent.com"
ADDON_ACCOUNT = "service-0@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
ADDON_SUBJECT = "108520000000000000000"
ADDON_SCOPES = ("https://www.googleapis.com/auth/gmail.addons.execute",
                "https://www.googleapis.com/auth/gmail.addons.current.message.readonly")
OUTLOOK_USER = Person("Dana Park", "dana@parkcap.example")
GMAIL_USER = Person("Gina Hale", "gina@halefund.example")
NOW = timedelta(0)
CAST = [  # answer at once, so an intro runs in seconds of real time
    (Person("Ann Lee", "ann@acme.example"), Behaviour(on_permission_request="agree", reply_delay=NOW,
                                                      on_intro="reply", intro_reply_delay=NOW)),
    (Person("Bob Stone", "bob@stonevc.example"), Behaviour(on_permission_request="agree", reply_delay=NOW,
                                                           on_intro="never")),
    (Person("Gus Olsen", "gus@quiet.example"), Behaviour(on_permission_request="never", on_intro="never")),
    *((Person(f"Tara {n}", f"tara{n}@targets.example"), Behaviour(on_permission_request="agree", reply_delay=NOW,
                                                                  on_intro="never")) for n in range(1, 9)),
]


ASK_MESSAGE_ID = "<stack-ask.1@acme.example>"


def seed(world: SandboxWorld) -> None:
    for user in (OUTLOOK_USER, GMAIL_USER):
        if world.user(user.email) is None:
            world.add_user(user.name, user.email, is_simulated=False)
    for who, behaviour in CAST:
        if world.user(who.email) is None:
            world.add_user(who.name, who.email, behaviour)
    if not world.find_header(GMAIL_USER.email, "Message-ID", ASK_MESSAGE_ID):  # Ann's ask, to open in Gmail
        ann = CAST[0][0]
        world.submit(ann.email, replies.compose(ann, [GMAIL_USER], "Could you introduce me?",
                                                "Hi Gina, could you introduce me to someone who backs clinic "
                                                "software?\n\nAnn\n", world.now(), message_id=ASK_MESSAGE_ID))


def _control_app(gmail: GmailFace) -> Flask:
    app = Flask("introducer-stack-control")

    @app.post("/stack/gmail-addon-tokens")
    def addon_tokens():
        data = request.get_json(force=True)
        google = account_for(data["email"], data.get("name", ""))
        identity = gmail.identity
        refresh = identity.grant_offline(GOOGLE_CLIENT_ID, google, ADDON_SCOPES)
        body, _ = identity.exchange({"grant_type": "refresh_token", "refresh_token": refresh}, GOOGLE_CLIENT_ID)
        return {"systemIdToken": identity.mint_id_token(data["url"], ADDON_SUBJECT, ADDON_ACCOUNT),
                "userIdToken": identity.mint_id_token(GOOGLE_CLIENT_ID, google.sub, google.email,
                                                      azp=GOOGLE_CLIENT_ID),
                "userOAuthToken": body["access_token"]}

    return app


def run(folder: Path, public_url: str) -> int:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    folder.mkdir(parents=True, exist_ok=True)
    world = SandboxWorld(folder / "world.db")
    seed(world)
    secret = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()
    outlook = OutlookSandbox(world).start()
    for name, path in (("ca.pem", outlook.ca.bundle_path), ("server.pem", outlook.ca.cert_file),
                       ("server.key", outlook.ca.key_file)):
        shutil.copyfile(path, folder / name)
    outlook.identity.register_client(MS_CLIENT_ID, secret, (public_url.rstrip("/") + "/connect/microsoft/callback",))
    gmail = GmailFace(world, clients={GOOGLE_CLIENT_ID: secret}, secret=hashlib.sha256(secret.encode()).digest(),
                      user_units_per_minute=None).start(ssl_context=outlook.ca.server_context())
    control = LoopbackServer(_control_app(gmail), ca=outlook.ca).start()
    ca = str((folder / "ca.pem").resolve())
    settings = {
        "INTRODUCER_MS_CLIENT_ID": MS_CLIENT_ID, "INTRODUCER_MS_CLIENT_SECRET": secret,
        "INTRODUCER_MS_AUTHORITY_HOST": outlook.authority_host, "INTRODUCER_GRAPH_URL": outlook.graph_url,
        "INTRODUCER_MS_JWKS_URL": f"{outlook.authority_host}/common/discovery/v2.0/keys",
        "INTRODUCER_MS_CA_BUNDLE": ca,
        "INTRODUCER_GOOGLE_CLIENT_ID": GOOGLE_CLIENT_ID, "INTRODUCER_GOOGLE_CLIENT_SECRET": secret,
        "INTRODUCER_GOOGLE_ADDON_SERVICE_ACCOUNT": ADDON_ACCOUNT, "INTRODUCER_GMAIL_API_URL": gmail.url,
        "INTRODUCER_GOOGLE_AUTH_URL": gmail.auth_url, "INTRODUCER_GOOGLE_TOKEN_URL": gmail.token_url,
        "INTRODUCER_GOOGLE_CERTS_URL": gmail.certs_url,
        # google-auth and oauthlib use requests, the Gmail client httplib2: both trust only the stack's CA
        "REQUESTS_CA_BUNDLE": ca, "HTTPLIB2_CA_CERTS": ca,
        "STACK_CONTROL_URL": control.base_url, "STACK_WORLD_DB": str((folder / "world.db").resolve()),
    }
    (folder / "standins.env").write_text("".join(f"{k}={v}\n" for k, v in settings.items()))
    (folder / "standins.ready").write_text("ready\n")
    print(f"stand-ins ready: Graph {outlook.graph_url}, Gmail {gmail.url}", flush=True)
    while not stop.wait(0.5):
        try:
            world.tick()
        except Exception as exc:  # noqa: BLE001  (a busy database: the people act on the next tick)
            print(f"stand-ins: tick failed: {exc}", file=sys.stderr, flush=True)
    control.close()
    gmail.stop()
    outlook.close()
    world.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m introducer.mail.sandbox.standins DIR PUBLIC_URL")
    sys.exit(run(Path(sys.argv[1]), sys.argv[2]))
