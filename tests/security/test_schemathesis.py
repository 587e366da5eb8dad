"""Schemathesis against /api/v1/openapi.json, in process through the WSGI application, with a fixed seed.

Every operation of the published schema gets generated requests — valid and invalid bodies, parameters
and headers — as a citizen, as staff (bearer tokens) and as nobody. Each answer must not be a server
error, must match the schema's declared response for its status, and its status must be one the
operation declares. The catalogue and the demo people are loaded once (tests.api's fixtures).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, Final

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from qyzmet.api.models import ApiToken
from qyzmet.api.services import token_issue
from qyzmet.identity.demo import CITIZENS, demo_staff
from qyzmet.identity.models import Role, User
from qyzmet.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS: Final = [not_a_server_error, response_schema_conformance, status_code_conformance]
STAFF_ROLE: Final = Role.EXECUTOR


@pytest.fixture
def open_connection() -> Iterator[None]:
    """Keep the test's database connection open across requests, as Django's test client does.

    The WSGI handler closes the connection when a request finishes; inside a test that would end
    the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _bearer(who: str) -> dict[str, str]:
    if who == "nobody":
        return {}
    if who == "citizen":
        iin = CITIZENS[0].iin
    else:
        iin = next(person.iin for person in demo_staff() if person.roles[0][0] == STAFF_ROLE)
    user = User.objects.get(iin=iin)
    now = timezone.now()
    token = token_issue(user=user, method=ApiToken.Method.PASSWORD, now=now - timedelta(minutes=1)).token
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("who", ["citizen", "staff", "nobody"])
@schema.parametrize()
@settings(derandomize=True, max_examples=6, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case: Any, who: str, api_data: None,
                                                    api_registries: Any, open_connection: None) -> None:
    case.call_and_validate(headers=_bearer(who), checks=CHECKS)
