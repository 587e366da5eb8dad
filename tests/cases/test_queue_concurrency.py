"""A retried direction arriving while the first is still being made, on PostgreSQL (SQLite serialises writers)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from qyzmet.cases.models import Case, CaseEvent, QueueEntry
from qyzmet.cases.services import queue_direct_next
from tests.cases.conftest import START
from tests.cases.factories import staff as staff_member
from tests.cases.helpers import direction_signed, queued_children

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("platform")]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def _wait_until_a_session_waits_for_a_lock(timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction the statistics views keep their first snapshot unless it is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity "
                           "WHERE wait_event_type = 'Lock' AND datname = current_database()")
            if cursor.fetchone()[0] >= 1:
                return
            time.sleep(0.02)
    raise AssertionError("the twin request never waited for the queue row")


def test_a_twin_request_waiting_for_the_row_lock_returns_the_child_the_first_directed() -> None:
    # given: two children waiting; the clerk's direction of the first, signed
    cases = queued_children(2)
    locality = cases[0].provider
    clerk = staff_member("office_clerk", locality)
    now = START + timedelta(days=2)
    arguments = {"locality": locality, "group": "3-4", "actor": clerk, "now": now,
                 "signatures": direction_signed(locality, clerk, now), "idempotency_key": "direct-twin"}
    twin: dict[str, object] = {}

    def send_twin() -> None:
        try:
            twin["case"] = queue_direct_next(**arguments)  # type: ignore[arg-type]
        except BaseException as error:  # collected for the assertions
            twin["error"] = error
        finally:
            connections.close_all()

    # when: the twin arrives while the first request's transaction still holds the row
    with transaction.atomic():
        first = queue_direct_next(**arguments)  # type: ignore[arg-type]
        thread = threading.Thread(target=send_twin)
        thread.start()
        _wait_until_a_session_waits_for_a_lock()
    thread.join(timeout=60)

    # then
    assert first is not None and first.pk == cases[0].pk
    assert "error" not in twin
    assert isinstance(twin["case"], Case) and twin["case"].pk == cases[0].pk
    assert QueueEntry.objects.get(case=cases[1]).status == QueueEntry.Status.WAITING
    assert CaseEvent.objects.filter(kind="queue_directed").count() == 1
