"""`qyzmet serve --workers N`: gunicorn's settings (the server itself is exercised by `make bench`)."""

from __future__ import annotations

import pytest

from qyzmet.core.server import gunicorn_options


def test_workers_and_threads_become_gunicorns_settings() -> None:
    options = gunicorn_options(host="0.0.0.0", port=8080, workers=3, threads=4)

    assert options["bind"] == "0.0.0.0:8080"
    assert (options["workers"], options["threads"], options["worker_class"]) == (3, 4, "gthread")
    assert options["preload_app"] is True


@pytest.mark.parametrize(("workers", "threads"), [(0, 4), (2, 0)])
def test_no_workers_or_threads_is_refused(workers: int, threads: int) -> None:
    with pytest.raises(ValueError):
        gunicorn_options(host="127.0.0.1", port=8000, workers=workers, threads=threads)
