"""The sandbox's Google signing key and ID tokens, in the shapes google-auth verifies.

Certificates are served as `{kid: PEM X.509 certificate}` (what `id_token.verify_token` reads,
gmail.md §6); tokens are RS256 JWTs with `kid` in the header and Google's claims
`{iss, aud, azp, sub, email, email_verified, iat, exp}` (gmail.md §4, §5 "Push OIDC auth").
"""
from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

ISSUER = "https://accounts.google.com"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: bytes
    cert_pem: str


def new_signing_key(kid: str) -> SigningKey:
    """An RSA key with a self-signed certificate, as Google publishes them at /oauth2/v1/certs."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sandbox-google-identity")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(private.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .sign(private, hashes.SHA256()))
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    return SigningKey(kid, private_pem, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))


def mint_id_token(key: SigningKey, audience: str, sub: str, email: str, *, expires_in: int = 3600,
                  email_verified: bool = True, **claims) -> str:
    """An RS256 ID token signed with `key`; `kid=` overrides the header's key id (forgeries)."""
    kid = claims.pop("kid", None) or key.kid
    now = int(time.time())  # real time: google-auth checks iat/exp against the machine's clock
    # An already-expired token was also issued in the past, as a real one would have been.
    issued = now if expires_in > 0 else now + expires_in - 300
    payload = {"iss": ISSUER, "aud": audience, "azp": sub, "sub": sub, "email": email,
               "email_verified": email_verified, "iat": issued, "exp": now + expires_in, **claims}
    signer = crypt.RSASigner.from_string(key.private_pem, key_id=kid)
    return jwt.encode(signer, payload).decode("ascii")
