"""The `introducer` command: demo, serve, worker, db, intros, classify-reply, preview, config."""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from .config import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args) or 0
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `introducer … | head`: the reader went away, which is fine
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="introducer", description="Double opt-in email introductions from your own mailbox.")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser("demo", help="run the web app, the worker and the sandbox mail world on SQLite")
    demo.add_argument("--port", type=int, help="port to listen on (default: INTRODUCER_PORT or 8080)")
    demo.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--provider", choices=["sandbox", "gmail", "outlook"], default="sandbox",
                      help="which mailbox adapter the demo account uses: the in-process sandbox, or the real "
                           "Gmail / Graph adapter against the local Gmail / Graph face of the sandbox world")
    demo.add_argument("-v", "--verbose", action="store_true", help="log what the worker does")
    demo.set_defaults(func=_demo)

    serve = sub.add_parser("serve", help="run the web app only (production: several behind a proxy)")
    serve.add_argument("--port", type=int)
    serve.add_argument("--host")
    serve.add_argument("--threads", type=int, default=16, help="request threads (most wait on the database)")
    serve.add_argument("-v", "--verbose", action="store_true")
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run the background jobs (sync, nudges, retries)")
    worker.add_argument("--once", action="store_true", help="run every job once and exit")
    worker.add_argument("-v", "--verbose", action="store_true")
    worker.set_defaults(func=_worker)

    db = sub.add_parser("db", help="database commands")
    dbsub = db.add_subparsers(metavar="ACTION")
    up = dbsub.add_parser("upgrade", help="apply migrations up to the latest")
    up.set_defaults(func=_db_upgrade)

    intros = sub.add_parser("intros", help="look at intros")
    isub = intros.add_subparsers(metavar="ACTION")
    ls = isub.add_parser("list", help="list intros of an account")
    ls.add_argument("--account", help="account id, address, or PROVIDER:ADDRESS (default: the only account)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_intros_list)
    show = isub.add_parser("show", help="one intro with its timeline")
    show.add_argument("id", type=int)
    show.add_argument("--account", help="account id, address, or PROVIDER:ADDRESS (default: the only account)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_intros_show)

    cr = sub.add_parser("classify-reply", help="classify an opt-in reply read from stdin: yes, no, unclear, auto_reply")
    cr.add_argument("--jsonl", action="store_true",
                    help='read lines {"id","text"|"html","headers"?,"subject"?,"sender"?,"received_at"?} and write lines '
                         '{"id","verdict"}, deciding exactly as the service does')
    cr.set_defaults(func=_classify)

    pv = sub.add_parser("preview", help="print the messages an intro spec would produce")
    pv.add_argument("spec", help="path to a spec JSON file ('-' for stdin)")
    pv.add_argument("--json", action="store_true", help="machine-readable output")
    pv.set_defaults(func=_preview)

    rk = sub.add_parser("rotate-keys", help="re-encrypt stored OAuth tokens with the first INTRODUCER_TOKEN_KEYS key")
    rk.set_defaults(func=_rotate_keys)

    cfg = sub.add_parser("config", help="print the effective settings (secrets masked)")
    cfg.add_argument("--json", action="store_true")
    cfg.set_defaults(func=_config)
    return p


def _settings(args, **overrides) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    for name in ("port", "host"):
        if getattr(args, name, None) is not None:
            values[name] = getattr(args, name)
    return Settings(**values)


def _demo(args) -> int:
    from .demo import run_demo

    return run_demo(_settings(args), provider=args.provider, started=time.monotonic())


def _serve(args) -> int:
    import threading

    from .app import create_app
    from .bootstrap import build, check_sandbox
    from .serving import bind, freeze_startup_heap, on_stop_signals, serve_until, waitress_server

    settings = _settings(args)
    check_sandbox(settings)
    stop = threading.Event()
    on_stop_signals(stop)
    sock = bind(settings.host, settings.port)  # before anything else: a port in use is a clear error
    container = build(settings)
    container.deps.stopping = stop
    server = waitress_server(create_app(container), sock, proxy_hops=settings.proxy_hops, threads=args.threads)
    freeze_startup_heap()
    host, port = sock.getsockname()[:2]
    print(f"Introducer listening on http://{host}:{port}/", flush=True)
    try:
        serve_until(server, stop)
    finally:
        container.close()
    print("Introducer web server stopped.", flush=True)
    return 0


def _worker(args) -> int:
    import threading

    from .bootstrap import build, check_sandbox
    from .serving import on_stop_signals
    from .worker import run_once, scheduler

    settings = _settings(args)
    check_sandbox(settings)
    stop = threading.Event()
    on_stop_signals(stop)
    container = build(settings)
    container.deps.stopping = stop
    if args.once:
        run_once(container)
        return 0
    sched = scheduler(container)
    sched.start()
    print("Introducer worker running; Ctrl-C or SIGTERM to stop.", flush=True)
    while not stop.wait(1.0):
        pass
    sched.shutdown(wait=True)  # jobs in flight finish their item and give the rest of their claims back
    container.close()
    print("Introducer worker stopped.", flush=True)
    return 0


def _db_upgrade(args) -> int:
    from .store.migrate import current_revision, upgrade
    from .store.db import make_engine

    settings = Settings()
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    print(f"database at revision {current_revision(engine)}")
    return 0


def _open_account(args):
    from .bootstrap import build

    from .cli_accounts import AccountChoiceError, pick_account

    container = build(Settings(), migrate=False)
    with container.uow() as uow:
        try:
            return container, pick_account(uow, args.account).id
        except AccountChoiceError as exc:
            container.close()
            raise SystemExit(f"error: {exc}") from None


def _intros_list(args) -> int:
    from .service.views import list_intros

    container, account_id = _open_account(args)
    with container.uow() as uow:
        rows = list_intros(uow, account_id, limit=500)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("no intros yet")
    else:
        for r in rows:
            print(f"{r['id']:>5}  {r['state']:<17} {r['requester']['name']} → {r['target']['name']}  "
                  f"({r['context']})\n       {r['next_step']}")
    return 0


def _intros_show(args) -> int:
    from .service.errors import NotFoundError
    from .service.views import show_intro

    container, account_id = _open_account(args)
    try:
        with container.uow() as uow:
            view = show_intro(uow, account_id, args.id)
            tz = uow.accounts.get(account_id).timezone or "UTC"
    except NotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(view, indent=2))
        return 0
    print(f"Intro {view['id']}: {view['requester']['name']} → {view['target']['name']} ({view['context']})")
    print(f"State: {view['state']}   Next: {view['next_step']}")
    for e in view["timeline"]:
        print(f"  {_local(e['at'], tz)}  {e['message']}")
    return 0


def _local(iso: str, tz: str) -> str:
    """An event time as a person reads it, in the account's zone: "Mon 07 Dec 2026 09:05 EST"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    when = datetime.fromisoformat(iso).astimezone(ZoneInfo(tz))
    return f"{when:%a %d %b %Y %H:%M} {when.tzname()}"


def _classify(args) -> int:
    from .classifier import Reply, classify, classify_item

    if not args.jsonl:
        print(classify(Reply(text=sys.stdin.read())).verdict.value)
        return 0
    status = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            result = classify_item(item)
            print(json.dumps({"id": item.get("id"), "verdict": result.verdict.value}), flush=True)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            print(f"line {number}: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            status = 1
    return status


def _preview(args) -> int:
    from .preview import preview
    from .spec import SpecError

    try:
        raw = sys.stdin.read() if args.spec == "-" else open(args.spec, encoding="utf-8").read()
        data = json.loads(raw)
        result = preview(data)
    except OSError as exc:
        print(f"error: cannot read {args.spec}: {exc.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"error: {args.spec} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except (SpecError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    from .preview_text import render_preview

    print(render_preview(result))
    return 0


def _rotate_keys(args) -> int:
    from .auth.credentials import rotate_all
    from .bootstrap import build

    container = build(Settings())
    with container.uow() as uow:
        count = rotate_all(uow, container.cipher)
        uow.commit()
    print(f"re-encrypted the credentials of {count} account(s) with the newest key")
    return 0


def _config(args) -> int:
    rows = Settings().described()
    if args.json:
        print(json.dumps({env: value for env, value, _ in rows}, indent=2))
        return 0
    width = max(len(env) for env, _, _ in rows)
    for env, value, doc in rows:
        print(f"{env:<{width}}  {value}\n{'':<{width}}  {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
