"""`qyzmet audit verify` names each hand edit of a kept SQLite demo database (the sqlite3 tool)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.audit.conftest import Demo, sqlite3_run

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 command-line tool")]


def _kinds(report: dict[str, Any]) -> list[tuple[str, str, int | None]]:
    return [(f["kind"], f["case"] or f["log"], f["sequence"]) for f in report["findings"]]


def _case(path: Path, status: str) -> tuple[int, str, int]:
    """(id, number, last event) of the first case in `status`."""
    row = sqlite3_run(path, f"SELECT c.id, c.number, max(e.sequence) FROM cases_case c JOIN cases_caseevent e "
                            f"ON e.case_id = c.id WHERE c.status = '{status}' GROUP BY c.id ORDER BY c.id LIMIT 1;")
    case_id, number, last = row.split("|")
    return int(case_id), number, int(last)


def test_the_untouched_demo_database_is_intact(sqlite_demo: Demo) -> None:
    code, report = sqlite_demo.verify()

    assert (code, report["findings"], report["intact"]) == (0, [], True)
    assert report["cases"] == 5 and report["events"] > 50 and report["log_rows"] > 0


def test_an_edited_event_payload_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, _ = _case(path, "issued")
    sqlite3_run(path, f"UPDATE cases_caseevent SET data = json_set(data, '$.branch', 'forged') "
                      f"WHERE case_id = {case_id} AND sequence = 3;")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("event_edited", number, 3)]


def test_a_deleted_last_event_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, last = _case(path, "issued")
    sqlite3_run(path, f"DELETE FROM cases_caseevent WHERE case_id = {case_id} AND sequence = {last};")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("events_truncated", number, last)]


def test_a_deleted_middle_event_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, _ = _case(path, "refused")
    sqlite3_run(path, f"DELETE FROM cases_caseevent WHERE case_id = {case_id} AND sequence = 4;")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("event_deleted", number, 4)]


def test_two_swapped_events_are_named_as_reordered(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, _ = _case(path, "issued")
    sqlite3_run(path, f"""
        UPDATE cases_caseevent SET sequence = 100000 WHERE case_id = {case_id} AND sequence = 3;
        UPDATE cases_caseevent SET sequence = 3 WHERE case_id = {case_id} AND sequence = 4;
        UPDATE cases_caseevent SET sequence = 4 WHERE case_id = {case_id} AND sequence = 100000;
    """)

    code, report = demo.verify()

    assert code == 1
    kinds = _kinds(report)
    assert ("event_reordered", number, 3) in kinds and ("event_reordered", number, 4) in kinds
    assert {kind for kind, _, _ in kinds} == {"event_reordered"}
    assert "this is event 4, moved to position 3" in report["findings"][0]["detail"]


def test_a_whole_deleted_case_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, last = _case(path, "refused")
    sqlite3_run(path, f"""
        DELETE FROM cases_caseevent WHERE case_id = {case_id};
        DELETE FROM cases_task WHERE case_id = {case_id};
        DELETE FROM cases_resultdocument WHERE case_id = {case_id};
        DELETE FROM cases_receipt WHERE case_id = {case_id};
        DELETE FROM cases_case WHERE id = {case_id};
    """)

    code, report = demo.verify()
    signed = demo.qyzmet("audit", "checkpoint")

    assert code == 1
    assert _kinds(report) == [("case_deleted", number, None)]
    assert f"its {last} event(s) are gone" in report["findings"][0]["detail"]
    # and no new heads checkpoint is signed over the deletion
    assert signed.returncode == 1
    assert f"case {number}: its case row is gone" in signed.stderr
    assert sqlite3_run(path, "SELECT count(*) FROM audit_headscheckpoint;") == "1"


def test_a_case_deleted_with_its_checkpoint_is_named_from_the_heads_checkpoint(
        sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, _ = _case(path, "refused")
    sqlite3_run(path, f"""
        DELETE FROM cases_caseevent WHERE case_id = {case_id};
        DELETE FROM cases_task WHERE case_id = {case_id};
        DELETE FROM cases_resultdocument WHERE case_id = {case_id};
        DELETE FROM cases_receipt WHERE case_id = {case_id};
        DELETE FROM cases_case WHERE id = {case_id};
        DELETE FROM audit_casecheckpoint WHERE case_number = '{number}';
    """)

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("case_deleted", number, None)]
    assert "the signed heads checkpoint names it" in report["findings"][0]["detail"]


def test_a_changed_case_status_is_named_with_what_the_log_says(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    _, number, _ = _case(path, "refused")
    sqlite3_run(path, f"UPDATE cases_case SET status = 'issued', outcome = 'issued' WHERE number = '{number}';")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("case_row_changed", number, None)]
    assert "status is 'issued', the log says 'refused'" in report["findings"][0]["detail"]


def test_changed_document_bytes_are_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    case_id, number, _ = _case(path, "issued")
    created = int(sqlite3_run(path, f"SELECT sequence FROM cases_caseevent WHERE case_id = {case_id} "
                                    f"AND kind = 'document_created' ORDER BY sequence LIMIT 1;"))
    sqlite3_run(path, f"UPDATE cases_resultdocument SET content = content || x'20' WHERE id = "
                      f"(SELECT min(id) FROM cases_resultdocument WHERE case_id = {case_id});")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("document_bytes_changed", number, created)]


def test_a_rolled_back_case_checkpoint_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    _, number, _ = _case(path, "issued")
    sqlite3_run(path, f"UPDATE audit_casecheckpoint SET events = events - 1 WHERE case_number = '{number}';")

    code, report = demo.verify()

    assert code == 1
    kinds = _kinds(report)
    assert ("checkpoint_signature_bad", number, None) in kinds
    assert ("checkpoint_rolled_back", number, None) in kinds


def test_an_edited_personal_data_access_row_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    sqlite3_run(path, "UPDATE identity_personaldataaccess SET purpose = 'nothing to see' WHERE chain_position = 1;")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("log_row_edited", "pd_access", 1)]


def test_a_deleted_personal_data_access_row_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    rows = int(sqlite3_run(path, "SELECT count(*) FROM identity_personaldataaccess;"))
    sqlite3_run(path, f"DELETE FROM identity_personaldataaccess WHERE chain_position = {rows};")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("log_truncated", "pd_access", rows)]


def test_an_edited_gateway_answer_is_named(sqlite_copy: tuple[Demo, Path]) -> None:
    demo, path = sqlite_copy
    message_id = sqlite3_run(path, "SELECT message_id FROM gateway_gatewaymessage WHERE status = 'answered' "
                                   "ORDER BY id LIMIT 1;")
    sqlite3_run(path, f"UPDATE gateway_gatewaymessage SET answer = json_set(answer, '$.responseInfo.senderId', "
                      f"'SOMEONE') WHERE message_id = '{message_id}';")

    code, report = demo.verify()

    assert code == 1
    assert _kinds(report) == [("gateway_message_changed", "gateway_messages", None)]
    assert f"message {message_id}: outcome not as logged" in report["findings"][0]["detail"]
