"""The /reports/ page and its exports: numbers, scope by who is looking, refusals, languages."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook

from qyzmet.catalog.models import Service
from qyzmet.cli import main
from qyzmet.identity.models import Organization, User
from tests.cases.factories import CITIZEN_IIN as DEMO_APPLICANT_IIN
from tests.cases.factories import staff as staff_member
from tests.reports.cases import NOW, SERVICE, CaseSet

QUERY = {"date_from": "2026-09-01", "date_to": "2026-09-08"}
SLA_NUMBERS = ("cases", "closed", "on_time", "late", "open")


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _get(client: Client, path: str, **params: str) -> object:
    with time_machine.travel(NOW, tick=False):
        return client.get(path, {**QUERY, **params})


def _sla_rows_on_page(html: str) -> list[list[str]]:
    """The SLA table's body rows as cell texts (a small parser: the page's own markup, no library)."""
    table = html.split('data-table="sla"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for chunk in body.split("<tr>")[1:]:
        cells = [cell.split(">", 1)[1].split("</td>", 1)[0] for cell in chunk.split("<td")[1:]]
        # a service repeated from the row above is shown as a ditto mark, its name kept for screen readers
        rows.append([c.split('class="visually-hidden">', 1)[1].split("</span>", 1)[0] if "visually-hidden" in c else c
                     for c in cells])
    return rows


def test_quality_monitor_sees_the_oblast_numbers_and_charts(case_set: CaseSet) -> None:
    # given
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))

    # when
    response = _get(_client_for(monitor), "/en/reports/")

    # then
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    title = Service.objects.get(slug=SERVICE).title_en
    assert _sla_rows_on_page(html) == [
        [title, "Akimat of Burli District", "2", "1", "1", "1", "1"],
        [title, "Akimat of Terekti District", "4", "2", "1", "2", "2"],
    ]
    assert html.count("<svg") == 2 and 'role="img"' in html
    assert "/en/reports/export/sla.xlsx?date_from=2026-09-01&amp;date_to=2026-09-08" in html


def test_head_sees_only_their_district(case_set: CaseSet) -> None:
    # given
    head = staff_member("head", case_set.terekti)

    # when
    response = _get(_client_for(head), "/en/reports/")

    # then
    html = response.content.decode()  # type: ignore[attr-defined]
    assert [row[1] for row in _sla_rows_on_page(html)] == ["Akimat of Terekti District"]
    assert "Akimat of Burli District" not in html


def test_head_asking_for_another_district_gets_404(case_set: CaseSet) -> None:
    head = staff_member("head", case_set.terekti)
    client = _client_for(head)
    assert _get(client, "/en/reports/", organization=str(case_set.burli.pk)).status_code == 404  # type: ignore[attr-defined]
    assert _get(client, "/en/reports/export/sla.csv", organization=str(case_set.burli.pk)).status_code == 404  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["clerk", "executor", "citizen"])
def test_staff_without_a_report_role_and_citizens_are_refused(case_set: CaseSet, who: str) -> None:
    user = {
        "clerk": lambda: staff_member("office_clerk", case_set.terekti),
        "executor": lambda: staff_member("executor", case_set.terekti),
        "citizen": lambda: User.objects.get(iin=DEMO_APPLICANT_IIN),
    }[who]()
    client = _client_for(user)
    assert _get(client, "/en/reports/").status_code == 404  # type: ignore[attr-defined]
    assert _get(client, "/en/reports/export/sla.xlsx").status_code == 404  # type: ignore[attr-defined]


def test_anonymous_visitor_is_sent_to_log_in(platform: None) -> None:
    response = Client().get("/en/reports/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_akim_sees_their_okrug_only(case_set: CaseSet) -> None:
    # given: the Fedorov okrug's akim; every case of the set is provided by the district akimats
    akim = staff_member("akim", Organization.objects.get(code="wko-terekti-fedorov"))

    # when
    response = _get(_client_for(akim), "/en/reports/")

    # then
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert 'data-table="sla"' not in html and "Nothing in this period and scope." in html
    assert "Akimat of Terekti District" not in html and "Akimat of Burli District" not in html


def test_a_period_ending_before_it_starts_is_refused_with_the_message(case_set: CaseSet) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    response = _get(_client_for(monitor), "/ru/reports/", date_from="2026-09-08", date_to="2026-09-01")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Период заканчивается раньше, чем начинается." in response.content.decode()  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_page_speaks_kazakh_and_russian(case_set: CaseSet, language: str) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    prefix = "" if language == "kk" else "/ru"
    html = _get(_client_for(monitor), f"{prefix}/reports/").content.decode()  # type: ignore[attr-defined]
    expected = {"kk": "Сапа есептері", "ru": "Отчёты о качестве"}[language]
    assert f'lang="{language}"' in html and expected in html
    assert "Quality reports" not in html


def test_xlsx_csv_page_and_cli_json_hold_the_same_numbers(case_set: CaseSet, tmp_path: Path) -> None:
    # given
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    client = _client_for(monitor)
    page = _sla_rows_on_page(_get(client, "/en/reports/").content.decode())  # type: ignore[attr-defined]

    # when
    xlsx = _get(client, "/en/reports/export/sla.xlsx")
    csv_file = _get(client, "/en/reports/export/sla.csv")
    output = tmp_path / "sla.json"
    code = main(["reports", "sla", "--from", "2026-09-01", "--to", "2026-09-08", "--oblast", "wko",
                 "--at", NOW.isoformat(), "--output", str(output)])

    # then
    assert xlsx.status_code == 200 and code == 0  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active  # type: ignore[attr-defined]
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == ["Service", "Provider", "Cases", "Closed", "On time", "Late", "Open"]
    assert cells[-1] == ["Total", None, 6, 3, 2, 3, 3]
    body = cells[1:-1]
    assert [[str(value) for value in row] for row in body] == page
    from_csv = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert from_csv[1:-1] == page
    cli_rows = json.loads(output.read_text())
    assert [[row[key] for key in SLA_NUMBERS] for row in cli_rows] == [row[2:] for row in body]
    assert [row["provider"] for row in cli_rows] == ["wko-burli", "wko-terekti"]


@pytest.mark.parametrize("table", ["steps", "delays", "workload_roles", "workload_people", "arrivals", "hall"])
def test_every_table_exports_to_xlsx_and_csv(case_set: CaseSet, table: str) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    client = _client_for(monitor)
    xlsx = _get(client, f"/en/reports/export/{table}.xlsx")
    csv_file = _get(client, f"/en/reports/export/{table}.csv")
    assert xlsx.status_code == 200 and csv_file.status_code == 200  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active  # type: ignore[attr-defined]
    assert sheet is not None and sheet.title == table
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert [c if c is not None else "" for c in next(sheet.iter_rows(values_only=True))] == rows[0]
    assert sheet.max_row == len(rows)


def test_unknown_export_is_404(case_set: CaseSet) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    assert _get(_client_for(monitor), "/en/reports/export/secrets.xlsx").status_code == 404  # type: ignore[attr-defined]
    assert _get(_client_for(monitor), "/en/reports/export/sla.pdf").status_code == 404  # type: ignore[attr-defined]


def test_a_malformed_date_is_refused_and_shows_no_numbers(case_set: CaseSet) -> None:
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))
    response = _get(_client_for(monitor), "/en/reports/", date_from="1 September")
    assert response.status_code == 400  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert "Enter a valid date." in html and 'data-table="sla"' not in html


def test_export_keeps_the_page_filters(case_set: CaseSet) -> None:
    # given: the oblast's monitor narrows the report to Terekti
    monitor = staff_member("quality_monitor", Organization.objects.get(code="wko"))

    # when
    response = _get(_client_for(monitor), "/en/reports/export/sla.csv", organization=str(case_set.terekti.pk))

    # then
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert [row[1:] for row in rows[1:]] == [
        ["Akimat of Terekti District", "4", "2", "1", "2", "2"],
        ["", "4", "2", "1", "2", "2"],
    ]
    assert rows[-1][0] == "Total"


def test_state_corporation_head_sees_the_branch_hall_only(case_set: CaseSet) -> None:
    head = staff_member("head", Organization.objects.get(code="wko-sc"))
    html = _get(_client_for(head), "/en/reports/").content.decode()  # type: ignore[attr-defined]
    assert 'data-table="sla"' not in html and "Akimat of Terekti District" not in html


@pytest.mark.parametrize(("role", "work_queue", "reports"), [
    ("office_clerk", True, False),
    ("head", True, True),
    (None, False, False),  # a citizen
])
def test_the_header_links_to_the_work_queue_for_staff_and_to_reports_for_report_roles(
        platform: None, role: str | None, work_queue: bool, reports: bool) -> None:
    # given
    district = Organization.objects.get(code="wko-terekti")
    user = staff_member(role, district) if role else User.objects.get(iin=DEMO_APPLICANT_IIN)

    # when
    html = _client_for(user).get("/en/cabinet/").content.decode()

    # then
    header = html.split('class="account"', 1)[1].split("</nav>", 1)[0]
    assert ('href="/en/backoffice/tasks/"' in header) is work_queue
    assert ('href="/en/reports/"' in header) is reports
