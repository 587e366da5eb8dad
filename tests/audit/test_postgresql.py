"""On PostgreSQL: the logs refuse UPDATE and DELETE, and a kept demo database edited with psql is named.

Run with DATABASE_URL pointing at PostgreSQL (skipped otherwise). The demo database is a
separate one on the same server, created and dropped here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import DatabaseError, connection, transaction

from qyzmet.gateway.models import GatewayMessage, MessageLogEntry
from qyzmet.identity.models import PersonalDataAccess
from qyzmet.identity.services import personal_data_access_record
from tests.audit.conftest import Demo, demo_build

pytestmark = [pytest.mark.postgres]
AYGUL = "900215400123"


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def _refused(statement: str, *params: object) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return "append-only table" in str(error)
    return False


@pytest.mark.django_db
def test_the_personal_data_access_log_refuses_update_and_delete() -> None:
    # given
    row = personal_data_access_record(subject_iin=AYGUL, actor=None, purpose="test", source="gbd_fl",
                                      now=datetime.now(UTC))

    # then: SQL as a person at a console would write it is refused; the row stays as written
    assert _refused("UPDATE identity_personaldataaccess SET purpose = 'x' WHERE id = %s", row.pk)
    assert _refused("DELETE FROM identity_personaldataaccess WHERE id = %s", row.pk)
    assert PersonalDataAccess.objects.get(pk=row.pk).purpose == "test"


@pytest.mark.django_db
def test_the_gateway_message_log_refuses_update_and_delete_and_messages_refuse_delete() -> None:
    # given
    from qyzmet.gateway.services import _log

    now = datetime.now(UTC)
    message = GatewayMessage.objects.create(message_id="m-1", service_id="GBD_FL", registry="gbd_fl",
                                            sender_id="QYZMET", purpose="test", request={}, created_at=now)
    _log(message, "request", {"request": "x"}, now)
    entry = MessageLogEntry.objects.get()

    # then
    assert _refused("UPDATE gateway_messagelogentry SET content = '{}' WHERE id = %s", entry.pk)
    assert _refused("DELETE FROM gateway_messagelogentry WHERE id = %s", entry.pk)
    assert _refused("DELETE FROM gateway_gatewaymessage WHERE id = %s", message.pk)
    assert not _refused("UPDATE gateway_gatewaymessage SET case_number = 'C-1' WHERE id = %s", message.pk)


def _psql(url: str, sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", url], input=sql,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def postgresql_demo(tmp_path: Path) -> Iterator[Demo]:
    if shutil.which("psql") is None:
        pytest.skip("needs the psql command-line tool")
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"{parts.path.strip('/') or 'qyzmet'}_audit_demo"
    server = urlunsplit(parts._replace(path="/postgres"))
    url = urlunsplit(parts._replace(path=f"/{name}"))
    assert _psql(server, f'DROP DATABASE IF EXISTS "{name}"; CREATE DATABASE "{name}";').returncode == 0
    try:
        yield demo_build(url, tmp_path / "var")
    finally:
        _psql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);')


@pytest.mark.slow
def test_a_postgresql_demo_database_edited_with_psql_is_named(postgresql_demo: Demo) -> None:
    # given
    url = postgresql_demo.url
    assert postgresql_demo.verify()[0] == 0
    found = _psql(url, "SELECT c.id, c.number, max(e.sequence) FROM cases_case c JOIN cases_caseevent e "
                       "ON e.case_id = c.id WHERE c.status = 'issued' GROUP BY c.id ORDER BY c.id LIMIT 2;")
    (first_id, first, _), (second_id, second, last) = (line.split("|") for line in found.stdout.split())

    # when: the log refuses a plain edit …
    refused = _psql(url, "UPDATE identity_personaldataaccess SET purpose = 'nothing' WHERE chain_position = 1;")
    # … so the editor turns its trigger off, and edits events and a case too
    edited = _psql(url, f"""
        ALTER TABLE identity_personaldataaccess DISABLE TRIGGER identity_personaldataaccess_append_only;
        UPDATE identity_personaldataaccess SET purpose = 'nothing' WHERE chain_position = 1;
        UPDATE cases_caseevent SET data = jsonb_set(data, '{{branch}}', '"forged"')
            WHERE case_id = {first_id} AND sequence = 3;
        DELETE FROM cases_caseevent WHERE case_id = {second_id} AND sequence = {last};
        UPDATE cases_case SET status = 'refused', outcome = 'refused' WHERE id = {second_id};
    """)
    code, report = postgresql_demo.verify()

    # then
    assert refused.returncode != 0 and "append-only table identity_personaldataaccess" in refused.stderr
    assert edited.returncode == 0, edited.stderr
    assert code == 1
    assert sorted((f["kind"], f["case"] or f["log"], f["sequence"]) for f in report["findings"]) == sorted([
        ("event_edited", first, 3),
        ("events_truncated", second, int(last)),
        ("case_row_changed", second, None),
        ("log_row_edited", "pd_access", 1),
    ])
