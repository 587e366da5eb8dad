"""Platform commands: set up the database, serve, and pass through to Django's manage commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def django_setup() -> None:
    import django

    django.setup()


def _setup(args: argparse.Namespace) -> int:
    django_setup()
    from django.core.exceptions import ImproperlyConfigured

    from qyzmet.core.setup import platform_setup

    try:
        platform_setup(verbose=not args.quiet, demo=args.demo)
    except ImproperlyConfigured as exc:
        print(f"qyzmet setup: {exc}", file=sys.stderr)
        return 2
    return 0


def _serve(args: argparse.Namespace) -> int:
    django_setup()
    from django.core.exceptions import ImproperlyConfigured
    from waitress import serve

    from qyzmet.core.profile import production_ensure_ready

    try:
        production_ensure_ready()
    except ImproperlyConfigured as exc:
        print(f"qyzmet serve: {exc}", file=sys.stderr)
        return 2
    from qyzmet.wsgi import application

    if args.workers:
        from qyzmet.core.server import gunicorn_serve

        print(f"Qyzmet is serving at http://{args.host}:{args.port}/ "
              f"(gunicorn, {args.workers} processes × {args.threads} threads)", flush=True)
        gunicorn_serve(application, host=args.host, port=args.port, workers=args.workers, threads=args.threads)
        return 0
    print(f"Qyzmet is serving at http://{args.host}:{args.port}/", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads)
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qyzmet manage", *args.rest])
    return 0


def register(subparsers: Any) -> None:
    setup = subparsers.add_parser("setup", help="migrate the database and load the catalogue (--demo: and the demo)")
    setup.add_argument("--quiet", action="store_true")
    setup.add_argument(
        "--demo", action="store_true",
        help="also the test national CA, test gateway certificates and demo organizations, staff and citizens "
        "(make run, the tests, qyzmet demo); refused under QYZMET_PROFILE=production",
    )
    setup.set_defaults(handler=_setup)

    serve = subparsers.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=8, help="threads per process (default 8)")
    serve.add_argument(
        "--workers", type=_positive, default=0,
        help="serve with N gunicorn worker processes (production); without it, one embedded waitress process",
    )
    serve.set_defaults(handler=_serve)

    manage = subparsers.add_parser("manage", help="run a Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=_manage)
