"""The production HTTP server: gunicorn, a pre-forked pool of worker processes (ADR 0018).

`qyzmet serve` without `--workers` keeps the embedded single-process waitress server of
`make run`; with `--workers N` it runs N gunicorn processes, each with `--threads` threads
(gthread workers), the application loaded once in the parent and forked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from gunicorn.app.base import BaseApplication

# A request still running after this long is a stuck worker: gunicorn replaces it.
WORKER_TIMEOUT_SECONDS: Final = 60


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for `qyzmet serve --workers N`."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if threads < 1:
        raise ValueError("threads must be at least 1")
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "timeout": WORKER_TIMEOUT_SECONDS,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "qyzmet",
    }


class GunicornServer(BaseApplication):
    """gunicorn running a WSGI application given as an object, configured from a dict (no config file)."""

    def __init__(self, application: Callable[..., Any], options: dict[str, Any]) -> None:
        self._application = application
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self._application


def application_warm() -> None:
    """Import every view now (the URL configuration), in the parent, so each forked worker starts ready
    and shares those pages of memory with the others instead of importing them on its first request."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the property imports the URL modules)


def gunicorn_serve(application: Callable[..., Any], *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve `application` with gunicorn until stopped (SIGTERM/SIGINT: graceful shutdown)."""
    application_warm()
    GunicornServer(application, gunicorn_options(host=host, port=port, workers=workers, threads=threads)).run()
