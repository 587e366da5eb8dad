"""`qyzmet worker [--burst] [--queue NAME ...]`."""

from __future__ import annotations

import argparse
from typing import Any


def _worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.conf import settings

    from qyzmet.worker.runner import worker_run

    unknown = [q for q in args.queues or [] if q not in settings.QYZMET_TASK_QUEUES]
    if unknown:
        print(f"qyzmet worker: unknown queue(s) {', '.join(unknown)}; known: {', '.join(settings.QYZMET_TASK_QUEUES)}")
        return 2
    ran = worker_run(queues=args.queues, burst=args.burst, interval=args.interval, worker_id=args.worker_id)
    if args.burst:
        print(f"{ran} task(s) run", flush=True)
    return 0


def register(subparsers: Any) -> None:
    worker = subparsers.add_parser("worker", help="run background tasks and the periodic jobs (sweep, retries, audit)")
    worker.add_argument("--burst", action="store_true", help="run what is due and queued, then exit")
    worker.add_argument("--queue", action="append", dest="queues", metavar="NAME",
                        help="a queue to serve (repeatable; default: all)")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
    worker.add_argument("--worker-id", default=None, help="unique worker id (default: host:pid:random)")
    worker.set_defaults(handler=_worker)
