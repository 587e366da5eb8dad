"""The SLA summary (`reports.summary`, ADR 0027) against the hand-computed case set and the scan it replaces.

tests/reports/cases.py says what each case is. Closed in the period: A (Terekti, on time), B (Terekti, late),
G (Burli, on time); F (Terekti, on time) was filed on 2026-08-28, before the period.
"""

from __future__ import annotations

from datetime import date

from qyzmet.cases.services import case_reopen
from qyzmet.reports.models import SlaDay
from qyzmet.reports.scope import ReportPeriod, ReportScope
from qyzmet.reports.selectors import SlaRow, sla_compliance, sla_compliance_by_scan
from qyzmet.reports.summary import sla_days_rebuild
from tests.reports.cases import NOW, SERVICE, CaseSet, at

PERIOD = ReportPeriod(date(2026, 9, 1), date(2026, 9, 8))
EVERYWHERE = ReportScope()
HAND_COUNTED = [
    SlaRow(service=SERVICE, provider="wko-burli", cases=2, closed=1, on_time=1, late=1, open=1),
    SlaRow(service=SERVICE, provider="wko-terekti", cases=4, closed=2, on_time=1, late=2, open=2),
]


def _days() -> set[tuple[str, str, int, int]]:
    return {(str(d.day), d.provider.code, d.closed, d.late) for d in SlaDay.objects.select_related("provider")}


def test_closing_cases_counts_them_by_local_filing_date(case_set: CaseSet) -> None:
    # then: one row per local filing date and provider; G was filed at 00:30 on 09-01 local (08-31 in UTC)
    assert _days() == {
        ("2026-09-01", "wko-terekti", 2, 1),  # A on time, B late
        ("2026-09-01", "wko-burli", 1, 0),  # G
        ("2026-08-28", "wko-terekti", 1, 0),  # F
    }


def test_summary_and_scan_give_the_hand_counted_figures(case_set: CaseSet) -> None:
    assert sla_compliance(period=PERIOD, scope=EVERYWHERE, now=NOW) == HAND_COUNTED
    assert sla_compliance_by_scan(period=PERIOD, scope=EVERYWHERE, now=NOW) == HAND_COUNTED


def test_the_current_day_stays_live(case_set: CaseSet) -> None:
    # given: C's resolve is open and due 09-08 18:30; read the report at 18:31 the same day
    evening = at(8, 18, 31)

    # when
    rows = {r.provider: r for r in sla_compliance(period=PERIOD, scope=EVERYWHERE, now=evening)}

    # then: C is now late too (Terekti: B, C and E), while still open; the scan agrees
    assert (rows["wko-terekti"].late, rows["wko-terekti"].open) == (3, 2)
    assert list(rows.values()) == sla_compliance_by_scan(period=PERIOD, scope=EVERYWHERE, now=evening)


def test_a_reopened_case_leaves_the_closed_counts(case_set: CaseSet) -> None:
    # given: an upheld appeal reopens B (closed late) at its resolve step on 09-08 11:00
    reopened_at = at(8, 11)

    # when
    case_reopen(case_set.cases["B"], "resolve", by_appeal=case_set.cases["F"], now=reopened_at)

    # then: B is open again; its done resolve (completed 09-04, due 09-02) still makes it late
    [burli, terekti] = sla_compliance(period=PERIOD, scope=EVERYWHERE, now=NOW)
    assert terekti == SlaRow(service=SERVICE, provider="wko-terekti", cases=4, closed=1, on_time=1, late=2, open=3)
    assert burli == HAND_COUNTED[0]
    assert ("2026-09-01", "wko-terekti", 1, 0) in _days()
    assert sla_compliance_by_scan(period=PERIOD, scope=EVERYWHERE, now=NOW) == [burli, terekti]


def test_rebuild_gives_the_rows_the_engine_kept(case_set: CaseSet) -> None:
    kept = _days()
    SlaDay.objects.all().delete()

    assert sla_days_rebuild(now=NOW) == 3
    assert _days() == kept
    assert sla_compliance(period=PERIOD, scope=EVERYWHERE, now=NOW) == HAND_COUNTED


def test_scope_and_period_select_summary_rows(case_set: CaseSet) -> None:
    terekti = ReportScope(paths=(case_set.terekti.path,))
    assert [r.provider for r in sla_compliance(period=PERIOD, scope=terekti, now=NOW)] == ["wko-terekti"]
    august = ReportPeriod(date(2026, 8, 28), date(2026, 8, 31))
    assert sla_compliance(period=august, scope=EVERYWHERE, now=NOW) == [
        SlaRow(service=SERVICE, provider="wko-terekti", cases=1, closed=1, on_time=1, late=0, open=0),
    ]
    assert sla_compliance(period=PERIOD, scope=ReportScope(service="no-such"), now=NOW) == []
