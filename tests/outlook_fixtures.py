"""Outlook fixtures: the demo wired for Outlook (`prepare(settings, "outlook")`: the sandbox world behind
its Microsoft identity and Graph faces over HTTPS, Dana connected through msal), and helpers.

Import what a module needs: `from outlook_fixtures import outlook_demo, database_url  # noqa: F401`.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from introducer.config import Settings
from introducer.demo import prepare
from introducer.worker import run_once
from store_fixtures import database_url  # noqa: F401  (re-exported fixture)
from workflow_fixtures import Demo


def monday_morning() -> datetime:
    """The next Monday 09:00 in New York (Dana's zone): business-day maths must not depend on today."""
    now = datetime.now(timezone.utc)
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)


class OutlookDemo(Demo):
    @property
    def outlook(self):
        """The OutlookSandbox: `.face` (Graph), `.identity`, `.ca`."""
        return self.container.faces["outlook"]

    def advance(self, hours: float, step: float = 2.0) -> None:
        """Move the world clock in steps; after each, simulated people act and every worker job runs once."""
        left = hours
        while left > 0:
            self.world.advance(timedelta(hours=min(step, left)))
            self.world.tick()
            run_once(self.container)
            left -= step


def outlook_demo_for(data_dir: Path, database_url: str | None = None, start: datetime | None = None,
                     **settings) -> OutlookDemo:
    values = {"data_dir": data_dir, **settings}
    if database_url:
        values["database_url"] = database_url
    container, seeded = prepare(Settings(**values), "outlook")
    container.world.set_clock(lambda: start or monday_morning())
    return OutlookDemo(container, seeded)


def close(demo: OutlookDemo) -> None:
    demo.outlook.close()
    demo.container.close()


@pytest.fixture
def outlook_demo(tmp_path, database_url):  # noqa: F811
    demo = outlook_demo_for(tmp_path / "instance", database_url)
    yield demo
    close(demo)
