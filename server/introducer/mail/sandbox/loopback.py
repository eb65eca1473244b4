"""Serve a WSGI app on 127.0.0.1 in a background thread, over HTTP or over HTTPS with a throw-away CA.

The sandbox's provider faces (Microsoft identity, Graph) run this way so the real client libraries
talk to them over real sockets. msal accepts only https authorities, so the identity face needs TLS:
`LoopbackCA` makes a certificate authority and a 127.0.0.1/localhost server certificate with
`cryptography` at start-up, and clients trust exactly that CA (`session()`), nothing is relaxed.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import ssl
import tempfile
import threading
from pathlib import Path

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

_HOSTS = ("127.0.0.1", "localhost")


class LoopbackCA:
    """A certificate authority that exists only for this process, and a loopback server certificate."""

    def __init__(self, name: str = "Introducer sandbox CA") -> None:
        now = dt.datetime.now(dt.timezone.utc)
        self._key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=30))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                    critical=True)
                     .sign(self._key, hashes.SHA256()))
        self._dir = Path(tempfile.mkdtemp(prefix="introducer-ca-"))
        self.bundle_path = str(self._dir / "ca.pem")
        Path(self.bundle_path).write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        self._cert_file, self._key_file = self._issue_server_cert(now)

    def _issue_server_cert(self, now: dt.datetime) -> tuple[str, str]:
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _HOSTS[0])]))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=30))
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                .sign(self._key, hashes.SHA256()))
        cert_file, key_file = self._dir / "server.pem", self._dir / "server.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return str(cert_file), str(key_file)

    @property
    def cert_file(self) -> str:
        """The 127.0.0.1/localhost server certificate (PEM), for a reverse proxy in front of loopback servers."""
        return self._cert_file

    @property
    def key_file(self) -> str:
        return self._key_file

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self._cert_file, self._key_file)
        return context

    def session(self) -> requests.Session:
        """A requests.Session that trusts this CA (and only it) and ignores proxy settings for loopback."""
        session = requests.Session()
        session.verify = self.bundle_path
        # Quirk (psf/requests#3829): with trust_env, REQUESTS_CA_BUNDLE from the environment overrides
        # Session.verify, and a configured proxy would be asked to reach 127.0.0.1.
        session.trust_env = False
        return session

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args) -> None:  # the faces keep their own request records
        pass


class LoopbackServer:
    """`with LoopbackServer(app) as server:` serves `app` at `server.base_url` until the block ends."""

    def __init__(self, app, *, ca: LoopbackCA | None = None) -> None:
        self._app = app
        self._ca = ca
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    def start(self) -> "LoopbackServer":
        context = self._ca.server_context() if self._ca else None
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, ssl_context=context,
                                   request_handler=_QuietHandler)
        scheme = "https" if context else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"loopback-{self._server.server_port}", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()
