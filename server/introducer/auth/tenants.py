"""Which Microsoft tenants may sign in: `INTRODUCER_MS_TENANT`, a comma-separated list.

Entries are tenant ids (GUIDs) or Microsoft's authority keywords:
- `organizations`: any work or school tenant, never personal Microsoft accounts;
- `common`: any tenant, personal accounts included;
- `consumers`: personal Microsoft accounts only (their tenant is PERSONAL_TENANT).
Personal accounts are accepted only when `common`, `consumers` or PERSONAL_TENANT itself is listed.
Every token and every grant is checked against the list (the API's access tokens, the sign-in window's
ID token, on-behalf-of), not only the authority the sign-in starts at: an authority of `organizations`
does not stop another tenant's token from reaching the API.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"  # Microsoft's tenant for all personal accounts
KEYWORDS = ("organizations", "common", "consumers")
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class TenantSettingError(ValueError):
    """INTRODUCER_MS_TENANT holds something that is neither a tenant id nor a keyword."""


@dataclass(frozen=True)
class TenantPolicy:
    entries: tuple[str, ...]

    @classmethod
    def parse(cls, setting: str | None) -> "TenantPolicy":
        entries = tuple(e.strip().lower() for e in (setting or "organizations").split(",") if e.strip())
        for entry in entries:
            if entry not in KEYWORDS and not _GUID.fullmatch(entry):
                raise TenantSettingError(f"INTRODUCER_MS_TENANT: {entry!r} is neither a tenant id (GUID) nor one "
                                         f"of {', '.join(KEYWORDS)}")
        return cls(entries or ("organizations",))

    def allows(self, tid: str | None) -> bool:
        tid = (tid or "").lower()
        if not _GUID.fullmatch(tid):
            return False
        if tid in self.entries or "common" in self.entries:
            return True
        if tid == PERSONAL_TENANT:
            return "consumers" in self.entries
        return "organizations" in self.entries

    @property
    def authority_segment(self) -> str:
        """The tenant part of the sign-in authority URL: the one entry, or the keyword covering them all."""
        if len(self.entries) == 1:
            return self.entries[0]
        personal = "common" in self.entries or "consumers" in self.entries or PERSONAL_TENANT in self.entries
        return "common" if personal else "organizations"
