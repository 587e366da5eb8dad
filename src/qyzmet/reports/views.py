"""The report pages: parse the filter, check who may see what, call one selector, render or export."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from qyzmet.calendar import local_time
from qyzmet.core.errors import NotFound
from qyzmet.core.i18n import active_language
from qyzmet.reports.access import report_organizations_for_user, report_scope_for_user
from qyzmet.reports.charts import arrivals_columns, on_time_late_bars
from qyzmet.reports.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from qyzmet.reports.forms import ReportFilterForm
from qyzmet.reports.scope import ReportPeriod, ReportScope
from qyzmet.reports.tables import TABLES, arrivals_series, report_table, report_tables

EXPORT_FORMATS = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def _filter(request: HttpRequest, now: datetime) -> tuple[ReportFilterForm, ReportPeriod | None, ReportScope | None]:
    """The filter form and, when it is valid, the period and the scope (Http404 for what is not the user's)."""
    try:
        report_scope_for_user(user=request.user)
    except NotFound as exc:
        raise Http404("reports") from exc
    form = ReportFilterForm(
        request.GET, organizations=report_organizations_for_user(request.user), language=active_language(),
        today=local_time(now).date(),
    )
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    try:
        scope = report_scope_for_user(user=request.user, organization_id=data["organization"],
                                      service=data["service"] or None)
    except NotFound as exc:
        raise Http404("organization") from exc
    return form, ReportPeriod(data["date_from"], data["date_to"]), scope


@require_GET
@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form, period, scope = _filter(request, now)
    if period is None or scope is None:
        return render(request, "reports/index.html", {"form": form}, status=400)
    tables = report_tables(period=period, scope=scope, now=now, language=active_language())
    by_name = {table.name: table for table in tables}
    context = {
        "form": form,
        "tables": tables,
        "query": urlencode({key: value for key, value in form.cleaned_data.items() if value is not None}),
        "sla_chart": on_time_late_bars(
            by_name["sla"].chart, title=_("On time and late cases per service and provider"),
            on_time=_("On time"), late=_("Late"),
        ) if by_name["sla"].chart else None,
        "arrivals_chart": arrivals_columns(arrivals_series(by_name["arrivals"]), title=_("Applications filed per day")),
    }
    return render(request, "reports/index.html", context)


@require_GET
@login_required
def report_export(request: HttpRequest, table: str, file_format: str) -> HttpResponse:
    if table not in TABLES or file_format not in EXPORT_FORMATS:
        raise Http404(table)
    now = timezone.now()
    form, period, scope = _filter(request, now)
    if period is None or scope is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    found = report_table(name=table, period=period, scope=scope, now=now, language=active_language())
    content = table_csv(found) if file_format == "csv" else table_xlsx(found)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[file_format])
    name = f"{table}-{period.date_from.isoformat()}-{period.date_to.isoformat()}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
