"""A seeded demo container (sandbox world + store) for service-level workflow tests, on SQLite and PostgreSQL.

Import with `from workflow_fixtures import demo, database_url  # noqa: F401`.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from introducer.config import Settings
from introducer.demo import prepare
from introducer.service import views
from introducer.spec import parse_spec
from store_fixtures import database_url  # noqa: F401  (re-exported fixture)

ANN = {"name": "Ann Lee", "email": "ann@acme.example", "asked": True,
       "blurb": "founder of Acme, workflow software for clinics"}
BOB = {"name": "Bob Stone", "email": "bob@stonevc.example",
       "blurb": "partner at Stone Ventures, scaled go-to-market at two health-tech companies"}


def spec_data(introducer: str, requester=ANN, target=BOB, **extra) -> dict:
    return {
        "introducer": {"name": "Dana Park", "email": introducer, "timezone": "America/New_York"},
        "requester": dict(requester), "target": dict(target),
        "context": "healthcare go-to-market",
        "benefit_to_target": "an early look at a fast-growing clinic software company",
        "benefit_to_requester": "advice on selling to clinics from someone who has done it twice",
        "shared_connection": "Ann and I worked together at Medisys; Bob and I co-invested in Clinico",
        **extra,
    }


@dataclass
class Demo:
    container: object
    seeded: dict

    @property
    def world(self):
        return self.container.world

    @property
    def deps(self):
        return self.container.deps

    @property
    def account_id(self) -> int:
        return self.seeded["account_id"]

    @property
    def dana(self) -> str:
        return self.seeded["introducer"]

    def spec(self, **kw):
        return parse_spec(spec_data(self.dana, **kw))

    def view(self, intro_id: int) -> dict:
        with self.container.uow() as uow:
            return views.show_intro(uow, self.account_id, intro_id)

    def drafts(self):
        return self.world.drafts(self.dana)

    def sent(self, step_key_fragment: str = "") -> list:
        """Messages in Dana's Sent whose readable name (`intro-<id>:<step>:<role>`) contains the fragment."""
        keys = outbound_keys(self.container.uow, step_key_fragment)
        out = []
        for summary in self.world.mailbox_threads(self.dana):
            for m in self.world.thread(self.dana, summary.thread_id):
                key = str(m.parsed().get("X-Introducer-Key", ""))
                if "SENT" in m.labels and key in keys:
                    out.append(m)
        return out


def outbound_keys(uow_factory, fragment: str = "") -> set[str]:
    """The (opaque, MAC) keys of recorded messages whose readable name `intro-<id>:<step>:<role>` contains
    the fragment: what tests used to match in the X-Introducer-Key header before keys became MACs."""
    from introducer.store.models import Outbound

    with uow_factory() as uow:
        rows = uow.session.query(Outbound).all()
        return {r.key for r in rows if fragment in f"intro-{r.intro_id}:{r.step}:{r.role or 'all'}"}


@pytest.fixture
def demo(database_url, tmp_path) -> Demo:  # noqa: F811  (pytest fixture injection)
    container, seeded = prepare(Settings(data_dir=Path(tmp_path) / "instance", database_url=database_url))
    yield Demo(container, seeded)
    container.close()
