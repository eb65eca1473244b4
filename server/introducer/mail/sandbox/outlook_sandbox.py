"""The Microsoft side of the sandbox on loopback: the identity face and the Graph face over HTTPS.

`with OutlookSandbox(world) as outlook:` starts both with one throw-away CA. Point the real clients
at them: `MicrosoftConnect(..., authority_host=outlook.authority_host, http_client=outlook.session())`
and `GraphMailbox(owner, token, outlook.graph_url, session=outlook.session())`. Nothing in the
clients is relaxed for this: they verify TLS, against a CA they were told to trust.
"""
from __future__ import annotations

import requests

from .graph_face import GraphFace
from .loopback import LoopbackCA, LoopbackServer
from .microsoft_identity import SandboxMicrosoftIdentity
from .world import SandboxWorld


class OutlookSandbox:
    def __init__(self, world: SandboxWorld, *, callbacks: requests.Session | None = None,
                 https_only_callbacks: bool = True, **face_options):
        """`callbacks` is the session the Graph face posts handshakes and notifications with
        (default: one trusting this sandbox's CA only); other keywords go to GraphFace."""
        self.world = world
        self.ca = LoopbackCA()
        self.identity = SandboxMicrosoftIdentity(world)
        self.face = GraphFace(world, self.identity, http=callbacks or self.ca.session(),
                              https_only_callbacks=https_only_callbacks, **face_options)
        self._identity_server = LoopbackServer(self.identity.wsgi_app, ca=self.ca)
        self._graph_server = LoopbackServer(self.face.wsgi_app, ca=self.ca)
        self.authority_host = self.graph_url = ""

    def start(self) -> "OutlookSandbox":
        self.authority_host = self._identity_server.start().base_url
        self.graph_url = self._graph_server.start().base_url + self.face.prefix
        return self

    def session(self) -> requests.Session:
        """A requests.Session for the clients: trusts this sandbox's CA."""
        return self.ca.session()

    def close(self) -> None:
        self._graph_server.close()
        self._identity_server.close()
        self.face.close()
        self.ca.close()

    def __enter__(self) -> "OutlookSandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
