"""Which account a CLI command means: `--account` is an id, an address, or PROVIDER:ADDRESS.

One address can have several accounts (the demo's sandbox and Gmail or Outlook accounts for the same
person; two Microsoft identities claiming one address), so an ambiguous choice lists every candidate,
one line each with its id and provider, instead of guessing.
"""
from __future__ import annotations

from sqlalchemy import select

from .domain.numbers import whole_number
from .store.models import Account

PROVIDERS = ("sandbox", "gmail", "outlook")


class AccountChoiceError(Exception):
    """No account, or more than one, matches; the message says which exist and how to choose."""


def describe(account: Account) -> str:
    return f"{account.id:>5}  {account.provider:<8} {account.email}  {account.name or '(no name)'}  ({account.status})"


def _matches(account: Account, choice: str) -> bool:
    number = whole_number(choice)
    if number is not None:
        return account.id == number
    provider, sep, address = choice.partition(":")
    if sep and provider.lower() in PROVIDERS:
        return account.provider == provider.lower() and account.email.lower() == address.strip().lower()
    return account.email.lower() == choice.strip().lower()


def pick_account(uow, choice: str | None) -> Account:
    """The one account `choice` names (or the only account when None)."""
    accounts = list(uow.session.scalars(select(Account).order_by(Account.id)))
    if not accounts:
        raise AccountChoiceError("no account yet (accounts: none): sign in from the panel or run the demo first")
    matching = [a for a in accounts if choice is None or _matches(a, choice)]
    if len(matching) == 1:
        return matching[0]
    listing = "\n".join(describe(a) for a in accounts)
    if not matching:
        raise AccountChoiceError(f"no account matches {choice!r}; the accounts are:\n{listing}")
    what = f"{len(matching)} accounts match {choice!r}" if choice else f"there are {len(accounts)} accounts"
    raise AccountChoiceError(f"{what}; choose one with --account ID or --account PROVIDER:ADDRESS:\n{listing}")
