"""The report's tables as plain rows, the same for the page, the CSV and the XLSX export.

Each table has its columns (a key, a label in the active language, numeric or not) and rows of
plain values; names of services, organizations and roles are in the active language. Building
a table calls the matching selector once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.utils.translation import gettext as _

from qyzmet.catalog.models import Service
from qyzmet.identity.models import Organization, Role
from qyzmet.reports import selectors
from qyzmet.reports.scope import ReportPeriod, ReportScope


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: its name (in URLs), title, columns, rows and an optional total row."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    total: tuple[Any, ...] | None = None
    note: str = ""
    chart: list[tuple[str, int, int]] = field(default_factory=list)

    def labelled_rows(self) -> list[list[tuple[Column, Any, bool]]]:
        """Each row's cells with their column (the page's phone layout labels every cell) and whether the cell
        repeats the one above it (only the first column: the page shows a long service name once per group)."""
        rows = []
        previous: Any = None
        for row in self.rows:
            rows.append([
                (column, value, index == 0 and value == previous)
                for index, (column, value) in enumerate(zip(self.columns, row, strict=True))
            ])
            previous = row[0] if row else None
        return rows

    def labelled_total(self) -> list[tuple[Column, Any]] | None:
        return list(zip(self.columns, self.total, strict=True)) if self.total is not None else None


@dataclass(frozen=True)
class _Names:
    """Display names in one language, read once per table."""

    language: str
    services: dict[str, str]
    organizations: dict[str, str]

    @classmethod
    def load(cls, language: str) -> _Names:
        title = f"title_{language}"
        services = {s.slug: getattr(s, title) or s.title_ru for s in Service.objects.all()}
        organizations = {o.code: o.name(language) for o in Organization.objects.all()}
        return cls(language, services, organizations)

    def service(self, slug: str) -> str:
        return self.services.get(slug, slug)

    def organization(self, code: str) -> str:
        return self.organizations.get(code, code) if code else ""


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def unit_label(unit: str) -> str:
    labels = {
        "minutes": _("minutes"), "hours": _("working hours"), "working_days": _("working days"),
        "calendar_days": _("calendar days"),
    }
    return labels.get(unit, unit)


def _norm(value: int | None, unit: str) -> str:
    return f"{value} {unit_label(unit)}" if value else "—"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- the tables ----------------------------------------------------------------------------------------


def _sla(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.sla_compliance(period=period, scope=scope, now=now)
    total = selectors.sla_total(rows)
    return ReportTable(
        name="sla",
        title=_("SLA compliance per service and provider"),
        columns=(
            Column("service", _("Service")), Column("provider", _("Provider")),
            Column("cases", _("Cases"), True), Column("closed", _("Closed"), True),
            Column("on_time", _("On time"), True), Column("late", _("Late"), True), Column("open", _("Open"), True),
        ),
        rows=[
            (names.service(r.service), names.organization(r.provider), r.cases, r.closed, r.on_time, r.late, r.open)
            for r in rows
        ],
        total=(_("Total"), "", total.cases, total.closed, total.on_time, total.late, total.open) if rows else None,
        note=_(
            "A case is late when any of its steps was completed after its deadline or is still open past it; "
            "on time: closed with every step completed by its deadline."
        ),
        chart=[(names.service(r.service) + " — " + names.organization(r.provider), r.on_time, r.late) for r in rows],
    )


def _steps(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.step_times(period=period, scope=scope, now=now)
    return ReportTable(
        name="steps",
        title=_("Time of each step against the regulation's norm"),
        columns=(
            Column("service", _("Service")), Column("step", _("Step")), Column("role", _("Role")),
            Column("norm", _("Norm")), Column("unit", _("Measured in")), Column("tasks", _("Completed"), True),
            Column("average", _("Average"), True), Column("p90", _("90th percentile"), True),
            Column("late", _("After the deadline"), True),
        ),
        rows=[
            (names.service(r.service), r.step, role_label(r.role), _norm(r.norm_value, r.norm_unit),
             unit_label(r.unit), r.tasks, _round(r.average), _round(r.p90), r.late)
            for r in rows
        ],
        note=_("Working time from the start of a step to its completion, with the office hours of the organization."),
    )


def _delays(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.delay_attribution(period=period, scope=scope, now=now)
    return ReportTable(
        name="delays",
        title=_("Delay attribution on late cases"),
        columns=(
            Column("service", _("Service")), Column("step", _("Step")), Column("role", _("Role")),
            Column("organization", _("Organization")), Column("person", _("Person")),
            Column("late_tasks", _("Late steps"), True), Column("overrun", _("Time beyond the deadline"), True),
            Column("unit", _("Unit")),
        ),
        rows=[
            (names.service(r.service), r.step, role_label(r.role), names.organization(r.organization),
             f"{r.person_name} ({r.person_iin})" if r.person_iin else _("not completed yet"),
             r.late_tasks, r.overrun, unit_label(r.unit))
            for r in rows
        ],
    )


def _workload_roles(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.workload_by_role(period=period, scope=scope, now=now)
    return ReportTable(
        name="workload_roles",
        title=_("Open steps per role"),
        columns=(
            Column("organization", _("Organization")), Column("role", _("Role")),
            Column("open", _("Open"), True), Column("overdue", _("Overdue"), True),
            Column("holders", _("Staff in the role"), True),
        ),
        rows=[(names.organization(r.organization), role_label(r.role), r.open, r.overdue, r.holders) for r in rows],
    )


def _workload_people(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.workload_by_person(period=period, scope=scope)
    return ReportTable(
        name="workload_people",
        title=_("Steps completed per person"),
        columns=(
            Column("person", _("Person")), Column("organization", _("Organization")), Column("role", _("Role")),
            Column("completed", _("Completed"), True), Column("late", _("After the deadline"), True),
        ),
        rows=[
            (f"{r.person_name} ({r.person_iin})", names.organization(r.organization), role_label(r.role),
             r.completed, r.late)
            for r in rows
        ],
    )


def _arrivals(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.arrivals_per_day(period=period, scope=scope)
    return ReportTable(
        name="arrivals",
        title=_("Applications filed per day"),
        columns=(Column("day", _("Date")), Column("cases", _("Cases"), True)),
        rows=[(day.isoformat(), count) for day, count in rows],
        total=(_("Total"), sum(count for _day, count in rows)),
    )


def _hall(period: ReportPeriod, scope: ReportScope, now: datetime, names: _Names) -> ReportTable:
    rows = selectors.hall_times(period=period, scope=scope)
    return ReportTable(
        name="hall",
        title=_("State Corporation: waiting and service times per branch"),
        columns=(
            Column("branch", _("Branch")), Column("tickets", _("Tickets"), True), Column("served", _("Served"), True),
            Column("no_show", _("Did not come"), True), Column("waiting_average", _("Average wait, min"), True),
            Column("waiting_p90", _("90th percentile wait, min"), True),
            Column("service_average", _("Average service, min"), True),
            Column("service_p90", _("90th percentile service, min"), True),
        ),
        rows=[
            (names.organization(r.branch), r.tickets, r.served, r.no_show, r.waiting_average, r.waiting_p90,
             r.service_average, r.service_p90)
            for r in rows
        ],
        note=_("Tickets of the electronic queue taken on these dates, all services; wall-clock minutes."),
    )


Builder = Callable[[ReportPeriod, ReportScope, datetime, _Names], ReportTable]
TABLES: Final[dict[str, Builder]] = {
    "sla": _sla,
    "steps": _steps,
    "delays": _delays,
    "workload_roles": _workload_roles,
    "workload_people": _workload_people,
    "arrivals": _arrivals,
    "hall": _hall,
}


def report_table(*, name: str, period: ReportPeriod, scope: ReportScope, now: datetime, language: str) -> ReportTable:
    """One table of the report (KeyError for an unknown name)."""
    builder = TABLES[name]
    return builder(period, scope, now, _Names.load(language))


def report_tables(*, period: ReportPeriod, scope: ReportScope, now: datetime, language: str) -> list[ReportTable]:
    """Every table of the report, in page order."""
    names = _Names.load(language)
    return [builder(period, scope, now, names) for builder in TABLES.values()]


def arrivals_series(table: ReportTable) -> list[tuple[date, int]]:
    """The arrivals table's rows as (date, count) pairs, for its chart."""
    return [(date.fromisoformat(day), count) for day, count in table.rows]
