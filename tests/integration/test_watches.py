"""Watch renewal: Gmail about daily, Graph a day before expiry, lapsed ones at once, nothing loops."""
from __future__ import annotations

from datetime import timedelta

from introducer.domain.compose import RenderedParts
from introducer.mail.port import WatchInfo
from introducer.service import watches
from introducer.service.deps import Deps
from introducer.store.models import Account
from store_fixtures import T0, database_url, engine, uow_factory  # noqa: F401


class Watching:
    """A mailbox factory whose mailboxes record watch() calls and answer with a fixed lifetime."""

    def __init__(self, lifetime: timedelta | None):
        self.lifetime = lifetime
        self.calls: list[str] = []

    def __call__(self, account):
        factory = self

        class Mailbox:
            def watch(self):
                factory.calls.append(account.email)
                return None if factory.lifetime is None else WatchInfo("1", T0 + factory.lifetime)
        return Mailbox()


def _deps(uow_factory, mailboxes) -> Deps:  # noqa: F811
    return Deps(uow=uow_factory, mailboxes=mailboxes, clock=lambda: T0,
                renderer=lambda *a: RenderedParts("", "", ""))


def _account(uow_factory, provider: str, email: str, expires_in: timedelta | None) -> None:  # noqa: F811
    with uow_factory() as uow:
        uow.accounts.add(Account(provider=provider, email=email, name=email, status="active",
                                 watch_expires_at=None if expires_in is None else T0 + expires_in))
        uow.commit()


def test_gmail_watches_renew_about_daily_and_graph_subscriptions_a_day_before_expiry(uow_factory):  # noqa: F811
    _account(uow_factory, "gmail", "fresh@gmail.example", timedelta(days=6, hours=12))
    _account(uow_factory, "gmail", "dayold@gmail.example", timedelta(days=5, hours=23))
    _account(uow_factory, "outlook", "ok@outlook.example", timedelta(days=3))
    _account(uow_factory, "outlook", "soon@outlook.example", timedelta(hours=20))
    _account(uow_factory, "outlook", "never@outlook.example", None)
    mailboxes = Watching(timedelta(days=7))
    assert watches.renew_watches(_deps(uow_factory, mailboxes)) == 3
    assert sorted(mailboxes.calls) == ["dayold@gmail.example", "never@outlook.example", "soon@outlook.example"]
    with uow_factory() as uow:
        renewed = uow.accounts.by_email("outlook", "soon@outlook.example")
        assert renewed.watch_expires_at == T0 + timedelta(days=7)


def test_a_lapsed_subscription_is_renewed_by_the_frequent_run_and_a_healthy_one_is_left_alone(uow_factory):  # noqa: F811
    _account(uow_factory, "outlook", "lapsed@outlook.example", timedelta(0))
    _account(uow_factory, "outlook", "ok@outlook.example", timedelta(hours=20))
    mailboxes = Watching(timedelta(days=6))
    assert watches.renew_watches(_deps(uow_factory, mailboxes), timedelta(0)) == 1
    assert mailboxes.calls == ["lapsed@outlook.example"]


def test_a_mailbox_without_push_is_looked_at_again_in_a_day_not_every_minute(uow_factory):  # noqa: F811
    _account(uow_factory, "gmail", "nopush@gmail.example", None)
    mailboxes = Watching(None)  # no Pub/Sub topic configured: watch() answers None
    deps = _deps(uow_factory, mailboxes)
    assert watches.renew_watches(deps, timedelta(0)) == 1
    assert watches.renew_watches(deps, timedelta(0)) == 0
    assert mailboxes.calls == ["nopush@gmail.example"]


def test_a_watch_that_had_lapsed_is_followed_by_a_read_of_the_mailbox_at_once(uow_factory):  # noqa: F811
    _account(uow_factory, "gmail", "lapsed@gmail.example", -timedelta(hours=3))  # pushes may have been lost
    _account(uow_factory, "gmail", "due@gmail.example", timedelta(days=5))  # renewed early: nothing was lost
    assert watches.renew_watches(_deps(uow_factory, Watching(timedelta(days=7)))) == 2
    with uow_factory() as uow:
        lapsed = uow.accounts.by_email("gmail", "lapsed@gmail.example")
        taken = uow.sync.take(10, T0, "w")
    assert [account_id for account_id, _ in taken] == [lapsed.id]
