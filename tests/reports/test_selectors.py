"""The report selectors against a hand-computed case set (tests/reports/cases.py says what each case is)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from qyzmet.cases.models import Task
from qyzmet.identity.models import Organization
from qyzmet.reports.percentiles import percentile
from qyzmet.reports.scope import ReportPeriod, ReportScope
from qyzmet.reports.selectors import (
    SlaRow,
    arrivals_per_day,
    delay_attribution,
    hall_times,
    sla_compliance,
    step_times,
    workload_by_person,
    workload_by_role,
)
from qyzmet.reports.services import task_timings_refresh, task_timings_refresh_all
from qyzmet.state_corporation.services import (
    hall_window_open,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_no_show,
)
from tests.cases.factories import staff as staff_member
from tests.reports.cases import NOW, SERVICE, CaseSet, at


@pytest.fixture(params=["live", "partly refreshed", "refreshed"])
def timings(request: pytest.FixtureRequest, case_set: CaseSet) -> str:
    """The same report with no, some or every completed task's timing pre-aggregated."""
    if request.param == "partly refreshed":
        assert task_timings_refresh(now=NOW, batch=4) == 4
    elif request.param == "refreshed":
        assert task_timings_refresh_all(now=NOW, batch=7) > 0
        assert task_timings_refresh(now=NOW) == 0
    return str(request.param)


PERIOD = ReportPeriod(date(2026, 9, 1), date(2026, 9, 8))
EVERYWHERE = ReportScope()


def test_percentile_interpolates_between_ranks_as_percentile_cont() -> None:
    assert percentile([], 0.9) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([0.0, 0.0, 2.0], 0.9) == pytest.approx(1.6)  # position 1.8: 0 + 0.8 * (2 - 0)
    assert percentile([10.0, 1.0, 4.0, 3.0, 2.0], 0.5) == 3.0


def test_period_covers_local_dates_from_midnight_to_midnight() -> None:
    start, end = PERIOD.bounds()
    assert start.isoformat() == "2026-09-01T00:00:00+05:00"
    assert end.isoformat() == "2026-09-09T00:00:00+05:00"
    with pytest.raises(ValueError):
        ReportPeriod(date(2026, 9, 2), date(2026, 9, 1))


def test_sla_counts_match_the_hand_computed_case_set(case_set: CaseSet) -> None:
    # when
    rows = sla_compliance(period=PERIOD, scope=EVERYWHERE, now=NOW)

    # then: Burli has D (open, late) and G (closed on time; filed 00:30 local on 09-01, still 08-31 in UTC);
    # Terekti has A (closed on time), B (closed late), C (open, within term), E (open past its deadline); F is
    # filed before the period
    assert rows == [
        SlaRow(service=SERVICE, provider="wko-burli", cases=2, closed=1, on_time=1, late=1, open=1),
        SlaRow(service=SERVICE, provider="wko-terekti", cases=4, closed=2, on_time=1, late=2, open=2),
    ]


def test_a_task_completed_exactly_at_its_deadline_is_on_time(platform: None) -> None:
    # given: register (15 minutes from 10:00) completed at 10:15 sharp
    from tests.reports.cases import _complete_open_task, _file

    terekti = Organization.objects.get(code="wko-terekti")
    case = _file(terekti, at(2, 10))
    register = Task.objects.get(case=case, step_id="register")
    assert register.due_at == at(2, 10, 15)
    _complete_open_task(case, at(2, 10, 15))

    # when
    [row] = sla_compliance(period=PERIOD, scope=EVERYWHERE, now=at(2, 10, 30))

    # then: resolve is open and due tomorrow evening: the case is open and not late
    assert (row.cases, row.closed, row.on_time, row.late, row.open) == (1, 0, 0, 0, 1)

    # when: one office minute later than the deadline instead
    register.refresh_from_db()
    Task.objects.filter(pk=register.pk).update(completed_at=at(2, 10, 16))
    [row] = sla_compliance(period=PERIOD, scope=EVERYWHERE, now=at(2, 10, 30))

    # then
    assert (row.late, row.open) == (1, 1)


def test_sla_scope_by_district_oblast_and_service(case_set: CaseSet) -> None:
    terekti_only = ReportScope(paths=(case_set.terekti.path,))
    assert [r.provider for r in sla_compliance(period=PERIOD, scope=terekti_only, now=NOW)] == ["wko-terekti"]
    oblast = ReportScope(paths=(Organization.objects.get(code="wko").path,))
    assert len(sla_compliance(period=PERIOD, scope=oblast, now=NOW)) == 2
    elsewhere = ReportScope(paths=(Organization.objects.get(code="pavlodar").path,))
    assert sla_compliance(period=PERIOD, scope=elsewhere, now=NOW) == []
    assert sla_compliance(period=PERIOD, scope=ReportScope(service="no-such"), now=NOW) == []
    assert sla_compliance(period=PERIOD, scope=ReportScope(paths=()), now=NOW) == []


def test_sla_period_is_read_in_local_dates(case_set: CaseSet) -> None:
    # F was filed on 2026-08-28; G at 00:30 on 09-01 local (08-31 in UTC)
    rows = sla_compliance(period=ReportPeriod(date(2026, 8, 28), date(2026, 8, 31)), scope=EVERYWHERE, now=NOW)
    assert [(r.provider, r.cases) for r in rows] == [("wko-terekti", 1)]


def test_step_times_in_working_units_against_the_norm(case_set: CaseSet, timings: str) -> None:
    # when
    rows = {(r.step, r.role): r for r in step_times(period=PERIOD, scope=EVERYWHERE, now=NOW)}

    # then: resolve (1 working day) was done by A and G within the hour (0 working days) and by B on Friday
    # 09-04 10:00 after starting Tuesday 09-01: the office days of 09-02 and 09-03 are over, so 2 working days
    resolve = rows[("resolve", "head")]
    assert (resolve.norm_value, resolve.norm_unit, resolve.unit) == (1, "working_days", "working_days")
    assert resolve.tasks == 3 and resolve.late == 1
    assert resolve.average == pytest.approx(2 / 3)
    assert resolve.p90 == pytest.approx(1.6)
    # register (15 minutes): A and G took 7 minutes (tests/reports/cases.py), B and C 5,
    # D 45 minutes (10:00 → 10:45), so tasks 5, one late
    register = rows[("register", "office_clerk")]
    assert (register.unit, register.tasks, register.late) == ("minutes", 5, 1)
    assert register.average == pytest.approx((7 + 7 + 5 + 5 + 45) / 5)
    assert register.p90 == pytest.approx(29.8)  # sorted 5 5 7 7 45, position 3.6: 7 + 0.6 × 38


def test_delay_attribution_names_step_role_and_person(case_set: CaseSet, timings: str) -> None:
    # when
    rows = delay_attribution(period=PERIOD, scope=EVERYWHERE, now=NOW)

    # then: B's resolve by Terekti's head, one working day past its deadline (09-02 18:30 → 09-04 10:00: only
    # 09-03's office day is over beyond it); D's register by Burli's clerk, 30 office minutes (10:15 → 10:45);
    # E's register still open: 2026-09-01 09:45 → 09-08 12:00 is 195 + 240 minutes on 09-01, 4 × 480 on
    # 09-02/03/04/07, 180 on 09-08 = 2535 working minutes, with nobody named
    head = staff_member("head", case_set.terekti)
    clerk = staff_member("office_clerk", case_set.burli)
    found = {(r.step, r.role, r.organization, r.person_iin, r.late_tasks, r.overrun, r.unit) for r in rows}
    assert found == {
        ("resolve", "head", "wko-terekti", head.iin, 1, 1, "working_days"),
        ("register", "office_clerk", "wko-burli", clerk.iin, 1, 30, "minutes"),
        ("register", "office_clerk", "wko-terekti", "", 1, 2535, "minutes"),
    }


def test_workload_per_role_and_person(case_set: CaseSet) -> None:
    # when
    by_role = workload_by_role(period=PERIOD, scope=EVERYWHERE, now=NOW)
    by_person = workload_by_person(period=PERIOD, scope=ReportScope(paths=(case_set.burli.path,)))

    # then: open tasks: C's and D's resolve (due 09-08 18:30, not overdue), E's register (overdue)
    assert [(r.organization, r.role, r.open, r.overdue, r.holders) for r in by_role] == [
        ("wko-burli", "head", 1, 0, 1),
        ("wko-terekti", "head", 1, 0, 1),
        ("wko-terekti", "office_clerk", 1, 1, 1),
    ]
    # Burli: G's five steps by clerk (register, issue), head (resolve, sign), executor (prepare); D's register late
    clerk = staff_member("office_clerk", case_set.burli)
    assert [(r.role, r.completed, r.late) for r in by_person] == [
        ("executor", 1, 0), ("head", 2, 0), ("office_clerk", 3, 1),
    ]
    assert by_person[2].person_iin == clerk.iin


def test_arrivals_per_day_list_every_local_date(case_set: CaseSet) -> None:
    arrivals = dict(arrivals_per_day(period=PERIOD, scope=EVERYWHERE))
    assert arrivals == {
        date(2026, 9, 1): 4, date(2026, 9, 2): 0, date(2026, 9, 3): 0, date(2026, 9, 4): 0,
        date(2026, 9, 5): 0, date(2026, 9, 6): 0, date(2026, 9, 7): 2, date(2026, 9, 8): 0,
    }


def test_hall_waiting_and_service_times_per_branch(platform: None) -> None:
    # given: at the WKO branch, three tickets from 09:00: waiting 10, 20 and 40 minutes; the first two served in
    # 6 and 12 minutes, the third did not come
    branch = Organization.objects.get(code="wko-sc")
    operator = staff_member("sc_operator", branch)
    start = at(1, 9)
    window = hall_window_open(branch=branch, number=1, operator=operator, now=start)
    for _ in range(3):
        ticket_issue(branch=branch, now=start)
    first = ticket_call_next(window=window, operator=operator, now=start + timedelta(minutes=10))
    assert first is not None
    ticket_finish(ticket=first, operator=operator, now=start + timedelta(minutes=16))
    second = ticket_call_next(window=window, operator=operator, now=start + timedelta(minutes=20))
    assert second is not None
    ticket_finish(ticket=second, operator=operator, now=start + timedelta(minutes=32))
    third = ticket_call_next(window=window, operator=operator, now=start + timedelta(minutes=40))
    assert third is not None
    ticket_no_show(ticket=third, operator=operator, now=start + timedelta(minutes=45))

    # when
    [row] = hall_times(period=PERIOD, scope=ReportScope(paths=(Organization.objects.get(code="wko").path,)))

    # then: waiting 10, 20, 40 → average 23.3, p90 at position 1.8: 20 + 0.8 × 20 = 36; service 6, 12 → 9, 11.4
    assert (row.branch, row.tickets, row.served, row.no_show) == ("wko-sc", 3, 2, 1)
    assert (row.waiting_average, row.waiting_p90) == (23.3, 36.0)
    assert (row.service_average, row.service_p90) == (9.0, 11.4)
    assert hall_times(period=PERIOD, scope=ReportScope(paths=(case_set_path("pavlodar"),))) == []


def case_set_path(code: str) -> str:
    return Organization.objects.get(code=code).path


def test_timings_refresh_measures_each_completed_task_once(case_set: CaseSet) -> None:
    # given: A, B, G and F ran all five staff steps; C and D completed their registration only
    from qyzmet.reports.models import TaskTiming

    # when
    measured = task_timings_refresh_all(now=NOW, batch=5)

    # then
    assert measured == 22 and TaskTiming.objects.count() == 22
    assert task_timings_refresh(now=NOW) == 0
    resolve = TaskTiming.objects.get(task__case=case_set.cases["B"], task__step_id="resolve")
    assert (resolve.unit, resolve.used, resolve.late, resolve.overrun) == ("working_days", 2, True, 1)
    register = TaskTiming.objects.get(task__case=case_set.cases["D"], task__step_id="register")
    assert (register.unit, register.used, register.late, register.overrun) == ("minutes", 45, True, 30)
