"""`introducer demo`: the web app, the worker and the sandbox mail world in one process on SQLite."""
from __future__ import annotations

import importlib
import time

from .bootstrap import Container, build, ensure_account
from .config import Settings


PROVIDER_DEMOS = {"gmail": "introducer.mail.gmail.demo", "outlook": "introducer.mail.graph.demo"}


def prepare(settings: Settings, provider: str = "sandbox") -> tuple[Container, dict]:
    """Build the demo container: seeded sandbox people, the introducer's account, push wired in-process.

    With provider gmail or outlook, the provider's demo module then puts the local Gmail or Graph face in
    front of the same world and connects the introducer through the real adapter and sign-in flow
    (`attach(container, seeded) -> seeded`, replacing `account_id`).
    """
    from .mail.sandbox.seed import seed_demo

    settings = settings.model_copy(update={"sandbox": True, "provider": provider})
    container = build(settings)
    seeded = seed_demo(container.world)
    introducer = container.world.user(seeded["introducer"])
    account_id = ensure_account(container, "sandbox", introducer.name, introducer.email, "America/New_York")
    seeded = {"account_id": account_id, "provider": "sandbox", **seeded}
    if provider != "sandbox":
        seeded = importlib.import_module(PROVIDER_DEMOS[provider]).attach(container, seeded)
    wire_sandbox_push(container)
    return container, seeded


def wire_sandbox_push(container: Container) -> None:
    """The sandbox's change notifications become sync requests, as Gmail push and Graph webhooks will."""
    def on_change(email: str, _history_id) -> None:
        with container.uow() as uow:
            account = uow.accounts.by_email("sandbox", email)
            if account is not None:
                uow.sync.request(account.id, "push", container.deps.clock())
                uow.commit()

    container.world.subscribe(on_change)


def run_demo(settings: Settings, provider: str = "sandbox", started: float | None = None) -> int:
    from waitress import create_server

    from .app import create_app
    from .worker import scheduler

    started = started if started is not None else time.monotonic()
    demo_settings = settings.model_copy(update={"sync_seconds": 1.0, "dispatch_seconds": 2.0, "poll_seconds": 10.0})
    container, seeded = prepare(demo_settings, provider)
    from .mail.sandbox.history import seed_history

    seed_history(container, seeded["account_id"])  # past intros for the Insights view; Ann's ask stays first
    sched = scheduler(container)
    sched.start()
    server = create_server(create_app(container), host=settings.host, port=settings.port, threads=8)
    print(f"Introducer demo ready in {time.monotonic() - started:.1f}s: "
          f"http://{settings.host}:{server.effective_port}/  (data in {settings.data_dir.resolve()})\n"
          "Other commands: .venv/bin/introducer --help (or `source .venv/bin/activate`, then `introducer …`)",
          flush=True)
    try:
        server.run()
    finally:
        sched.shutdown(wait=False)
        container.close()
    return 0
