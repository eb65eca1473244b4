"""Outlook accounts are keyed by the Microsoft identity (oid.tid) only; their address is a property.

Microsoft's address claims are not verified across tenants, so a unique address let whoever signed in
first with a claimed address lock its real owner out. (provider, external_id) becomes unique; one
account per address stays for the providers whose addresses are verified (sandbox, Gmail).

Revision ID: 0004_account_address
Revises: 0003_sync_leases
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_account_address"
down_revision = "0003_sync_leases"
branch_labels = None
depends_on = None

VERIFIED_ADDRESSES = sa.text("provider != 'outlook'")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_constraint("uq_accounts_provider_email", type_="unique")
    op.drop_index("ix_accounts_provider_external_id", table_name="accounts")
    op.create_index("uq_accounts_provider_external_id", "accounts", ["provider", "external_id"], unique=True)
    op.create_index("uq_accounts_provider_email_verified", "accounts", ["provider", "email"], unique=True,
                    sqlite_where=VERIFIED_ADDRESSES, postgresql_where=VERIFIED_ADDRESSES)


def downgrade() -> None:
    # Fails while two Outlook accounts share an address: decide which one to keep first.
    op.drop_index("uq_accounts_provider_email_verified", table_name="accounts")
    op.drop_index("uq_accounts_provider_external_id", table_name="accounts")
    op.create_index("ix_accounts_provider_external_id", "accounts", ["provider", "external_id"])
    with op.batch_alter_table("accounts") as batch:
        batch.create_unique_constraint("uq_accounts_provider_email", ["provider", "email"])
