"""Tables as CSV and XLSX files (openpyxl): a header row, then the rows, then the total row if any."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from qyzmet.reports.tables import ReportTable

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text (comma-separated, RFC 4180 quoting, empty cell for None)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


def rows_xlsx(sheet: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """An XLSX workbook with one sheet: numbers stay numbers, None stays an empty cell."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet[:31]
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _all_rows(table: ReportTable) -> list[tuple[Any, ...]]:
    return [*table.rows, table.total] if table.total is not None else list(table.rows)


def table_csv(table: ReportTable) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (so spreadsheet programs read Cyrillic right)."""
    return rows_csv([c.label for c in table.columns], _all_rows(table)).encode("utf-8-sig")


def table_xlsx(table: ReportTable) -> bytes:
    return rows_xlsx(table.name, [c.label for c in table.columns], _all_rows(table))
