"""Settings: one object read from the environment. Every external endpoint is a setting."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Provider = Literal["sandbox", "gmail", "outlook"]


class SettingsError(ValueError):
    """A setting (or the machine) that cannot work as configured; the commands print it as one line."""


class Settings(BaseSettings):
    """Effective configuration. Each field's description is the documentation `introducer config` prints."""

    model_config = SettingsConfigDict(env_prefix="INTRODUCER_", extra="ignore")

    data_dir: Path = Field(Path("instance"), description="Folder for the SQLite file, sandbox state and generated keys.")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "INTRODUCER_DATABASE_URL"),
        description="SQLAlchemy URL (DATABASE_URL). Default: SQLite file in the data folder. "
                    "PostgreSQL: postgresql+psycopg://user@host/db")
    secret_key: SecretStr | None = Field(
        None, description="Signs sessions and consent links and keys outbound message ids. "
                          "Default: generated once into the data folder.")
    token_keys: SecretStr | None = Field(
        None, description="Comma-separated Fernet keys encrypting stored OAuth tokens; the first encrypts, all decrypt "
                          "(rotate by prepending a new key, then `introducer rotate-keys`). Default: generated.")
    public_url: str | None = Field(
        None, description="Public https base URL. Unset: no webhooks, the worker polls mailboxes instead.")
    provider: Provider = Field("sandbox", description="Mail provider for new accounts: sandbox, gmail or outlook.")
    templates_dir: Path | None = Field(None, description="Folder of email templates that override the built-in ones.")
    host: str = Field("127.0.0.1", description="Address the web server listens on.")
    port: int = Field(8080, description="Port the web server listens on.")
    proxy_hops: int = Field(0, description="Reverse proxies in front whose X-Forwarded-* headers to trust "
                                           "(token audiences are checked against the public URL).")
    poll_seconds: float = Field(60.0, description="How often the worker reads mailbox changes when there is no push.")
    reconcile_seconds: float = Field(
        600.0, gt=0, description="With push: base interval of the safety-net read of each mailbox (Gmail; Outlook "
                                 "x1.5). A quarter of it while an intro awaits an answer, x6 with nothing open.")
    dispatch_seconds: float = Field(30.0, description="How often the worker looks for due nudges and pending sends.")
    lease_seconds: float = Field(120.0, gt=0, description=(
        "How long a send stays with a worker that stopped answering before another worker takes it over; "
        "sync requests and due nudges, which can take longer, are held 2.5 times as long."))
    sync_seconds: float = Field(2.0, description="How often the worker handles recorded sync requests (from webhooks).")
    worker_id: str | None = Field(None, description="Name of this worker in row claims. Default: host name and pid.")
    sandbox: bool = Field(False, description="Serve the sandbox mail world and its page. On in `introducer demo`; "
                                             "elsewhere only when asked, and never with a non-loopback public URL.")
    send_window: str = Field("09:00-17:00", description="Local business hours (introducer's time zone) for nudges, "
                                                                 "Monday to Friday; add days as in 09:00-17:00 Mon-Sat.")
    consent_link_days: int = Field(30, ge=1, le=365, description="Days the one-click Yes/No links in a permission "
                                                                 "request keep working.")

    # Google
    google_client_id: str | None = Field(None, description="OAuth client id (Connect Gmail; audience of user ID tokens).")
    google_client_secret: SecretStr | None = Field(None, description="OAuth client secret.")
    google_addon_service_account: str | None = Field(
        None, description="Service account e-mail in the add-on's system ID tokens (gcloud workspace-add-ons get-authorization).")
    google_pubsub_service_account: str | None = Field(None, description="Service account of the Pub/Sub push subscription.")
    google_pubsub_audience: str | None = Field(None, description="Audience of push tokens. Default: the webhook URL.")
    google_pubsub_topic: str | None = Field(None, description="projects/<p>/topics/<t> that users.watch publishes to.")
    gmail_api_url: str = Field("https://gmail.googleapis.com/", description="Gmail API root URL.")
    google_auth_url: str = Field("https://accounts.google.com/o/oauth2/auth", description="Google OAuth authorize URL.")
    google_token_url: str = Field("https://oauth2.googleapis.com/token", description="Google OAuth token URL.")
    google_certs_url: str = Field("https://www.googleapis.com/oauth2/v1/certs", description="Google ID-token certificates.")

    # Microsoft
    ms_client_id: str | None = Field(None, description="Entra app (client) id; audience of task-pane tokens.")
    ms_client_secret: SecretStr | None = Field(None, description="Entra client secret (auth-code and on-behalf-of).")
    ms_authority_host: str = Field("https://login.microsoftonline.com", description="Microsoft identity platform host.")
    ms_jwks_url: str = Field("https://login.microsoftonline.com/common/discovery/v2.0/keys", description="Signing keys.")
    graph_url: str = Field("https://graph.microsoft.com/v1.0", description="Microsoft Graph base URL.")
    graph_client_state: SecretStr | None = Field(None, description="Secret echoed in Graph notifications (clientState).")
    ms_tenant: str = Field("organizations", description="Tenants allowed to sign in, comma-separated: tenant ids, "
                                                        "organizations (any work or school tenant), common (any, "
                                                        "personal accounts too) or consumers (personal only). "
                                                        "Checked on every token.")
    ms_api_scope: str | None = Field(None, description="Scope the task pane asks for to call our API. Default: "
                                                       "api://<public host>/<client id>/access_as_user.")
    ms_ca_bundle: Path | None = Field(None, description="CA bundle to trust for the Microsoft sign-in, key and Graph "
                                                        "URLs (private deployments). Default: the system's trust.")
    office_js_url: str = Field("https://appsforoffice.microsoft.com/lib/1/hosted/office.js",
                               description="Office.js, loaded by the Outlook task pane.")
    frame_ancestors: str = Field(
        "https://outlook.office.com https://outlook.office365.com https://outlook.live.com "
        "https://outlook.cloud.microsoft https://mail.google.com",
        description="Space-separated origins allowed to frame the panel, the Outlook task pane and the "
                    "sign-in window's pages (CSP frame-ancestors; this server's own origin is always allowed).")
    msal_browser_url: str = Field(
        "https://cdn.jsdelivr.net/npm/@azure/msal-browser@4.21.1/lib/msal-browser.min.js",
        description="MSAL.js (msal-browser 3.15 or later, the UMD build lib/msal-browser.min.js) for the task "
                    "pane's nested app authentication; Microsoft no longer hosts v3+ itself, so host a copy.")

    @field_validator("ms_tenant")
    @classmethod
    def _known_tenants(cls, value: str) -> str:
        from .auth.tenants import TenantPolicy

        TenantPolicy.parse(value)  # a typo here would otherwise surface at the first sign-in
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'introducer.db').resolve()}"

    def ensure_data_dir(self) -> Path:
        """The data folder, private to this user (0700; files made in it 0600: private_files.py)."""
        from .private_files import private_dir

        return private_dir(self.data_dir)

    def secret(self, name: str) -> str:
        """A configured secret, or one generated once and kept in the data folder (demo and single-user runs)."""
        value: SecretStr | None = getattr(self, name)
        if value is not None:
            return value.get_secret_value()
        from .private_files import write_new_private

        path = self.ensure_data_dir() / f".{name}"
        if not path.exists():
            if name == "token_keys":
                from cryptography.fernet import Fernet

                generated = Fernet.generate_key().decode()
            else:
                generated = secrets.token_urlsafe(32)
            write_new_private(path, generated)  # created 0600; when another process won the race, its key stays
        return path.read_text().strip()

    def described(self) -> list[tuple[str, str, str]]:
        """(environment variable, effective value with secrets masked, description) for every setting."""
        rows = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                shown = "********"
            elif value is None:
                shown = "(unset)"
            else:
                shown = _mask_web_url(str(value)) if "://" in str(value) else str(value)
            if name == "database_url":
                env, shown = "DATABASE_URL", _mask_url(self.effective_database_url)
            else:
                env = f"INTRODUCER_{name.upper()}"
            rows.append((env, shown, field.description or ""))
        return rows


_SECRET_QUERY_KEYS = ("pass", "secret", "token", "key")
_UNPARSED = "(does not parse as a URL; not shown, it may contain a password)"


def _mask_web_url(url: str) -> str:
    """An http(s) URL setting with any password in it hidden."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises on a malformed port
    except ValueError:
        return _UNPARSED
    if parts.password is None:
        return url
    return parts._replace(netloc=f"{parts.username}:***@{parts.hostname}" +
                          (f":{parts.port}" if parts.port else "")).geturl()


def _mask_url(url: str) -> str:
    """A URL fit to print: its password (in the authority or a query parameter) hidden. A URL that does not
    parse is shown only up to its scheme: a malformed value may still hold a password anywhere in it."""
    from sqlalchemy.engine import make_url

    scheme = url.partition("://")[0] if "://" in url else ""
    try:
        parsed = make_url(url)
        hidden = {k: "***" for k in parsed.query if any(word in k.lower() for word in _SECRET_QUERY_KEYS)}
        return parsed.update_query_dict(hidden).render_as_string(hide_password=True)
    except Exception:
        return f"{scheme}://… {_UNPARSED}" if scheme else _UNPARSED
