"""Concurrent log-in failures and code requests, on PostgreSQL (SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from unittest import mock

import pytest
from django.db import connection, connections

from qyzmet.identity.models import LoginAttempt, OneTimePassword, User
from qyzmet.identity.otp import OtpRateLimited, otp_send
from qyzmet.identity.services import (
    LOCKOUT_DURATION,
    LOCKOUT_THRESHOLD,
    AccountLocked,
    AuthenticationFailed,
    citizen_authenticate,
)
from tests.identity.conftest import NOW
from tests.identity.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def run_together(action: Callable[[], object], times: int) -> list[BaseException | None]:
    barrier = threading.Barrier(times)
    outcomes: list[BaseException | None] = [None] * times

    def worker(index: int) -> None:
        barrier.wait()
        try:
            action()
        except BaseException as error:  # collected for the assertions
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_failures_are_all_counted() -> None:
    # given
    user = UserFactory(iin="871008401427")

    # when
    outcomes = run_together(lambda: citizen_authenticate(iin=user.iin, password="wrong", now=NOW), 4)

    # then
    assert all(isinstance(o, AuthenticationFailed) for o in outcomes)
    assert User.objects.get(pk=user.pk).failed_login_count == 4


def test_concurrent_code_requests_respect_the_rate_limit() -> None:
    # given
    user = UserFactory(mobile="+77015550101")

    # when
    outcomes = run_together(lambda: otp_send(user=user, purpose="application-1", now=NOW), 6)

    # then
    assert sum(o is None for o in outcomes) == 3
    assert sum(isinstance(o, OtpRateLimited) for o in outcomes) == 3
    assert OneTimePassword.objects.count() == 3


def test_parallel_guesses_never_have_more_than_the_threshold_of_passwords_checked() -> None:
    # given: twelve guesses at once against one account, each password check made slow
    user = UserFactory(iin="871008401427")
    checked: list[str] = []
    guard = threading.Lock()
    original = User.check_password

    def slow_check(self: User, raw_password: str) -> bool:
        with guard:
            checked.append(raw_password)
        time.sleep(0.2)
        return original(self, raw_password)

    # when
    with mock.patch.object(User, "check_password", slow_check):
        outcomes = run_together(lambda: citizen_authenticate(iin=user.iin, password="wrong", now=NOW), 12)

    # then: five passwords evaluated (the lockout threshold), the other seven refused unchecked
    assert len(checked) == LOCKOUT_THRESHOLD == 5
    assert sum(isinstance(o, AccountLocked) for o in outcomes) == 12 - 4
    assert LoginAttempt.objects.filter(outcome__in=["invalid_credentials", "locked_now"]).count() == 5
    assert LoginAttempt.objects.filter(outcome="locked").count() == 7
    assert User.objects.get(pk=user.pk).locked_until == NOW + LOCKOUT_DURATION
