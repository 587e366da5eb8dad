"""Run inside the benchmark's environment (a child process): fill the database with a year of cases by COPY.

    python -m benchmarks.scale_data --cases 100000            # after `qyzmet setup --demo`
    python -m benchmarks.scale_data --cases 100000 --rate-only 20000   # COPY that many, report the rate, roll back

Templates first: the demo driver runs every service through every channel its regulation names
(and, where the regulation lets the provider refuse, once more to a refusal) through the real
services, so each template is a real case with its real tasks, events and documents (the result
PDFs rendered as small stand-ins: the rendering is not what is measured here). Then each
generated case copies one template, chosen by service and channel weights, with:

* its own id, number, applicant (a synthetic IIN from a population; some go to the demo citizens
  so their cabinets hold a year of cases), provider (one of the service's providers in its oblast,
  its staff acting on the provider's steps) and language;
* its filing moment spread over the year before now (weekdays in office hours, more at the school
  enrolment openings), each step taking a random share of its term (a few percent overrun it),
  so a case whose next step would end after now is still open at that step, and the overdue
  sweeper's mark is set where an open step's deadline has passed;
* its events and documents moved with the steps they belong to, those after the open step left out.

The generated events are **not hash-chained**: `previous_hash` and `hash` hold the marker
`BENCH_HASH` (64 characters), and no `CaseCheckpoint` is written for them, so `qyzmet audit verify`
on this database reports them; the database is for measuring, never for an audit. The templates
themselves (the first cases) keep their real chains.

Indexes, unique and foreign-key constraints of the four tables are dropped before the COPY and
made again after it (the foreign keys validated), then the tables are analysed. Prints one JSON
line with the counts, the seconds of each phase and the rate; a progress bar goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

BENCH_HASH: Final = "bench-generated".ljust(64, "0")
TABLES: Final = ("cases_case", "cases_task", "cases_caseevent", "cases_resultdocument")
CASE_COLUMNS: Final = ("id", "number", "service_version_id", "definition_sha256", "service_slug", "channel",
                       "language", "status", "outcome", "refusal_ground", "applicant_id", "applicant_iin",
                       "applicant_name", "representative_iin", "provider_id", "intake_office_id", "form",
                       "attachments", "confirmation", "idempotency_key", "filed_at", "closed_at", "intake_checks")
TASK_COLUMNS: Final = ("id", "case_id", "sequence", "step_id", "phase", "role", "does", "organization_id",
                       "assignee_id", "status", "duration_value", "duration_unit", "started_at", "due_at",
                       "completed_at", "completed_by_id", "branch", "overdue_at")
EVENT_COLUMNS: Final = ("id", "case_id", "sequence", "kind", "actor_id", "actor_iin", "role", "organization_id",
                        "step_id", "state_before", "state_after", "data", "signature", "at", "previous_hash", "hash")
DOCUMENT_COLUMNS: Final = ("id", "case_id", "number", "document_id", "kind", "title", "intermediate", "content",
                           "content_type", "signature", "signed_by_id", "signed_at", "verification_code",
                           "created_at", "issued_at", "delivered_to")
CHANNEL_WEIGHTS: Final = {"portal": 0.55, "state_corporation": 0.30, "provider_office": 0.10, "rural_akim": 0.05}
LATE_SHARE: Final = 0.03  # of staff steps that overrun their term
DEMO_CASES_EACH: Final = 12  # cases a year per demo citizen (their cabinets)
NAMES: Final = ("Сейтқали Арман Болатұлы", "Иванова Наталья Сергеевна", "Омарова Айжан Маратқызы",
                "Ким Виктор Александрович", "Жұмабаев Ерлан Қайратұлы", "Ахметова Динара Нұрланқызы")
NULL: Final = r"\N"


def copy_text(value: Any) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (bytes, memoryview)):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


class Stamps:
    """Epoch seconds as timestamptz text, the minute's prefix cached (a year has 525,600 minutes)."""

    def __init__(self) -> None:
        self._minutes: dict[int, str] = {}

    def __call__(self, seconds: float | None) -> str:
        if seconds is None:
            return NULL
        whole = int(seconds)
        minute, second = divmod(whole, 60)
        prefix = self._minutes.get(minute)
        if prefix is None:
            prefix = self._minutes[minute] = datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%d %H:%M")
        return f"{prefix}:{second:02d}+00"


# --- templates ---------------------------------------------------------------------------------------


@dataclass
class Template:
    """One real case, as rows relative to its own moments, and what varies per generated copy."""

    service: str
    channel: str
    weight: float
    case: dict[str, Any]
    provider_id: int
    providers: list[int]
    # per task: the constant text columns, its term in seconds (None: no deadline), its own spent seconds
    tasks: list[dict[str, Any]]
    # per event: the anchor (-1: filing; 2*i: task i started; 2*i+1: task i completed) and its values
    events: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    closed_anchor: int
    # provider id -> {(role): (user id, iin)} for the provider's staff
    staff: dict[int, dict[str, tuple[int, str]]] = field(default_factory=dict)


def _anchor(points: list[tuple[float, int]], moment: datetime | None) -> int | None:
    """The last of the case's moments (filing, task starts and completions) at or before `moment`."""
    if moment is None:
        return None
    value = moment.timestamp()
    found = -1
    for at, anchor in points:
        if at <= value + 1e-6:
            found = anchor
    return found


def templates_make(*, every_channel: bool = True) -> list[Template]:
    """Drive one case per service and channel (and a refusal per service that can refuse; without
    `every_channel`, only the service's first channel, issued); read them back."""
    from django.utils import timezone

    from qyzmet.cases import documents as case_documents
    from qyzmet.cases.assignment import providers_for
    from qyzmet.cases.models import CaseEvent, ResultDocument, Task
    from qyzmet.catalog.definitions import catalog_default
    from qyzmet.demo import driver
    from qyzmet.identity.models import StaffRole

    case_documents.result_pdf = lambda *args, **kwargs: b"%PDF-1.7\n% bench stand-in\n"
    # Each person acts a second after the task reached them: every signature is made now, so its
    # revocation answer is fresh (the demo driver's clock would otherwise run days ahead).
    driver._completion = lambda task, now: max(now, task.started_at) + timedelta(seconds=1)
    rng = random.Random(20261201)
    runs: list[tuple[Any, str, str, float]] = []
    start = timezone.now()
    for definition in catalog_default().latest_all():
        service_weight = math.exp(rng.gauss(0, 1))
        codes = [c.code.value for c in definition.channels][:None if every_channel else 1]
        total = sum(CHANNEL_WEIGHTS.get(code, 0.05) for code in codes)
        can_refuse = "refused" in {rule.outcome.value for rule in definition.outcomes}
        for code in codes:
            weight = service_weight * CHANNEL_WEIGHTS.get(code, 0.05) / total
            issued = driver.run(definition.id, code, start=start)
            if can_refuse and every_channel:
                refused = driver.run(definition.id, code, start=start, outcome="refused")
                runs += [(issued, definition.id, code, weight * 0.9), (refused, definition.id, code, weight * 0.1)]
            else:
                runs.append((issued, definition.id, code, weight))
    templates = []
    staff_by_org: dict[int, dict[str, tuple[int, str]]] = {}
    for role in StaffRole.objects.select_related("user").order_by("pk"):
        staff_by_org.setdefault(role.organization_id, {}).setdefault(role.role, (role.user_id, role.user.iin))
    for run, service, channel, weight in runs:
        case = run.case
        case.refresh_from_db()
        if case.status == "queued":  # a waiting-list place needs its QueueEntry: not generated (see the README)
            continue
        definition = catalog_default().latest(service)
        providers = [case.provider_id] if channel == "rural_akim" else list(
            providers_for(definition).values_list("pk", flat=True)) or [case.provider_id]
        rows = Task.objects.filter(case=case).order_by("sequence").values()
        tasks: list[dict[str, Any]] = [dict(row) for row in rows]
        points = [(case.filed_at.timestamp(), -1)]
        for index, task in enumerate(tasks):
            points.append((task["started_at"].timestamp(), 2 * index))
            if task["completed_at"] is not None:
                points.append((task["completed_at"].timestamp(), 2 * index + 1))
        points.sort()
        events = []
        for row in CaseEvent.objects.filter(case=case).order_by("sequence").values():
            event: dict[str, Any] = dict(row)
            event["anchor"] = _anchor(points, event["at"])
            events.append(event)
        documents = []
        for stored in ResultDocument.objects.filter(case=case).order_by("pk").values():
            document: dict[str, Any] = dict(stored)
            document["anchors"] = {key: _anchor(points, document[key]) for key in ("created_at", "signed_at",
                                                                                  "issued_at")}
            documents.append(document)
        for task in tasks:
            term = (task["due_at"] - task["started_at"]).total_seconds() if task["due_at"] else None
            own = ((task["completed_at"] or task["started_at"]) - task["started_at"]).total_seconds()
            task["term"], task["own"] = term, own
        templates.append(Template(
            service=service, channel=channel, weight=weight,
            case={key: value for key, value in case.__dict__.items() if not key.startswith("_")},
            provider_id=case.provider_id, providers=providers, tasks=tasks, events=events, documents=documents,
            closed_anchor=closed if (closed := _anchor(points, case.closed_at)) is not None else -1,
            staff={p: staff_by_org.get(p, {}) for p in providers},
        ))
    return templates


# --- the generator ----------------------------------------------------------------------------------


@dataclass
class Counters:
    cases: int = 0
    open_cases: int = 0
    tasks: int = 0
    events: int = 0
    documents: int = 0


class Generator:
    """Makes the COPY text of generated cases, batch by batch; ids continue after the tables' maxima."""

    def __init__(self, templates: list[Template], *, cases: int, now: datetime, first_ids: dict[str, int],
                 demo_citizens: list[tuple[int, str, str]], seed: int = 12) -> None:
        self.templates, self.total, self.now = templates, cases, now.timestamp()
        self.rng = random.Random(seed)
        self.ids = dict(first_ids)
        self.stamp = Stamps()
        self.counters = Counters()
        self.demo_citizens = demo_citizens
        self.demo_share = min(0.5, DEMO_CASES_EACH * len(demo_citizens) / max(1, cases))
        self.population = max(1000, cases // 2)  # about two cases a year per applicant
        cumulative, running = [], 0.0
        for template in templates:
            running += template.weight
            cumulative.append(running)
        self.template_cum = cumulative
        self.days, self.day_cum = self._days(now)

    @staticmethod
    def _days(now: datetime) -> tuple[list[float], list[float]]:
        """Local (UTC+5) midnights of the 365 days before now, and cumulative weights of filing on each."""
        almaty = timedelta(hours=5)
        today = (now + almaty).replace(hour=0, minute=0, second=0, microsecond=0) - almaty
        days, cumulative, running = [], [], 0.0
        for back in range(365, 0, -1):
            day = today - timedelta(days=back)
            local = day + almaty
            weight = {5: 0.15, 6: 0.05}.get(local.weekday(), 1.0)
            if (local.month, local.day) == (4, 1):  # first-grade enrolment opens
                weight *= 6
            elif local.month == 8 and local.day <= 25:  # preschool and school places for September
                weight *= 2
            running += weight
            days.append(day.timestamp())
            cumulative.append(running)
        return days, cumulative

    def _next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def batch(self, count: int) -> dict[str, list[str]]:
        """The COPY lines of the next `count` cases, per table."""
        lines: dict[str, list[str]] = {table: [] for table in TABLES}
        rng, stamp = self.rng, self.stamp
        templates = rng.choices(self.templates, cum_weights=self.template_cum, k=count)
        days = rng.choices(self.days, cum_weights=self.day_cum, k=count)
        for template, day in zip(templates, days, strict=True):
            filed = day + 4 * 3600 + rng.random() * 9 * 3600  # 09:00–18:00 Almaty
            if filed >= self.now:
                filed = self.now - rng.random() * 3600
            self._case(template, filed, lines, rng, stamp)
        return lines

    def _case(self, template: Template, filed: float, lines: dict[str, list[str]], rng: random.Random,
              stamp: Stamps) -> None:
        case_id = self._next_id("cases_case")
        provider = rng.choice(template.providers)
        staff = template.staff.get(provider, {})
        substitute = provider != template.provider_id
        # moments: anchor -> epoch seconds
        moments: dict[int, float] = {-1: filed}
        clock = filed
        cut = None  # index of the open task, if the case is still running
        task_times: list[tuple[float, float | None, float | None]] = []
        for index, task in enumerate(template.tasks):
            started = clock
            moments[2 * index] = started
            term = task["term"]
            if term is None or task["organization_id"] is None:
                spent = task["own"] if task["organization_id"] is None else 60 + rng.random() * 3600
            elif rng.random() < LATE_SHARE:
                spent = term * (1.02 + rng.random() * 0.6)
            else:
                spent = term * (0.05 + rng.random() * 0.8)
            due = started + term if term is not None else None
            completed = started + spent
            if completed > self.now:
                cut = index
                task_times.append((started, due, None))
                break
            moments[2 * index + 1] = completed
            task_times.append((started, due, completed))
            clock = completed
        is_open = cut is not None
        case = template.case
        if rng.random() < self.demo_share:
            applicant_id, iin, name = rng.choice(self.demo_citizens)
            applicant = str(applicant_id)
        else:
            applicant = NULL
            iin = f"{rng.randrange(self.population) + 500000000000:012d}"
            name = rng.choice(NAMES)
        language = self._language(rng)
        number = f"G{case['service_version_id']}-{provider}-{case_id:010d}"
        closed = moments.get(template.closed_anchor) if not is_open else None
        lines["cases_case"].append("\t".join((
            str(case_id), number, str(case["service_version_id"]), case["definition_sha256"],
            template.service, template.channel, language,
            "in_progress" if is_open else case["status"], "" if is_open else copy_text(case["outcome"]),
            "" if is_open else copy_text(case["refusal_ground"]), applicant, iin, copy_text(name), "",
            str(provider), copy_text(case["intake_office_id"]), template.case["_form_text"],
            template.case["_attachments_text"], copy_text(case["confirmation"]), NULL, stamp(filed),
            stamp(closed if closed is not None else (clock if not is_open else None)), "{}",
        )))
        self.counters.cases += 1
        self.counters.open_cases += is_open
        for index, (started, due, finished) in enumerate(task_times):
            task = template.tasks[index]
            organization = task["organization_id"]
            completed_by = task["completed_by_id"]
            if substitute and organization == template.provider_id:
                organization = provider
                completed_by = staff.get(task["role"], (completed_by, ""))[0]
            done = finished is not None
            overdue = due if (not done and due is not None and due < self.now) else None
            lines["cases_task"].append("\t".join((
                str(self._next_id("cases_task")), str(case_id), str(task["sequence"]), task["step_id"],
                task["phase"], task["role"], task["does"], copy_text(organization), NULL,
                "done" if done else "open", copy_text(task["duration_value"]), task["duration_unit"],
                stamp(started), stamp(due), stamp(finished),
                copy_text(completed_by if done else None), copy_text(task["branch"] if done else ""), stamp(overdue),
            )))
            self.counters.tasks += 1
        limit = 2 * cut + 1 if cut is not None else None  # the open task's completion and later: not yet
        for event in template.events:
            anchor = event["anchor"]
            if limit is not None and anchor >= limit:
                continue
            organization, actor, actor_iin = event["organization_id"], event["actor_id"], event["actor_iin"]
            if substitute and organization == template.provider_id:
                organization = provider
                actor, actor_iin = staff.get(event["role"], (actor, actor_iin))
            lines["cases_caseevent"].append("\t".join((
                str(self._next_id("cases_caseevent")), str(case_id), str(event["sequence"]), event["kind"],
                copy_text(actor), actor_iin, event["role"], copy_text(organization), event["step_id"],
                event["state_before"], event["state_after"], event["_data_text"], event["_signature_text"],
                stamp(moments[anchor]), BENCH_HASH, BENCH_HASH,
            )))
            self.counters.events += 1
        for position, document in enumerate(template.documents):
            anchors = document["anchors"]
            created = anchors["created_at"]
            if created is None or (limit is not None and created >= limit):
                continue
            signed, issued = anchors["signed_at"], anchors["issued_at"]
            signed_ok = signed is not None and (limit is None or signed < limit)
            issued_ok = issued is not None and (limit is None or issued < limit)
            signed_by = document["signed_by_id"]
            if substitute and signed_by is not None and signed_ok:
                signed_by = staff.get(document["_signer_role"], (signed_by, ""))[0]
            lines["cases_resultdocument"].append("\t".join((
                str(self._next_id("cases_resultdocument")), str(case_id), f"{number}-{position + 1}",
                document["document_id"], document["kind"], document["_title_text"],
                copy_text(document["intermediate"]), document["_content_text"], document["content_type"],
                document["_signature_text"] if signed_ok else NULL, copy_text(signed_by if signed_ok else None),
                stamp(moments[signed] if signed_ok else None), f"g{case_id:012x}{position:02x}",
                stamp(moments[created]), stamp(moments[issued] if issued_ok else None),
                document["delivered_to"] if issued_ok else "",
            )))
            self.counters.documents += 1

    @staticmethod
    def _language(rng: random.Random) -> str:
        draw = rng.random()
        return "kk" if draw < 0.60 else "ru" if draw < 0.98 else "en"


def templates_prepare_text(templates: list[Template]) -> None:
    """Escape the constant JSON and text values once (COPY text format)."""
    from qyzmet.identity.models import StaffRole

    for template in templates:
        template.case["_form_text"] = copy_text(template.case["form"])
        template.case["_attachments_text"] = copy_text(template.case["attachments"])
        for event in template.events:
            event["_data_text"] = copy_text(event["data"])
            event["_signature_text"] = copy_text(event["signature"])
            for key in ("actor_iin", "role", "step_id", "state_before", "state_after", "kind"):
                event[key] = copy_text(event[key])
        for task in template.tasks:
            for key in ("step_id", "phase", "role", "does", "duration_unit"):
                task[key] = copy_text(task[key])
        for document in template.documents:
            document["_title_text"] = copy_text(document["title"])
            # The PDF's bytes: a stand-in of the size of a small one (rendering is not measured here).
            document["_content_text"] = copy_text(b"%PDF-1.7\n% bench stand-in\n" + bytes(2000))
            document["_signature_text"] = copy_text(document["signature"])
            role = StaffRole.objects.filter(user_id=document["signed_by_id"]).values_list("role", flat=True).first()
            document["_signer_role"] = role or ""
            for key in ("document_id", "kind", "content_type", "delivered_to"):
                document[key] = copy_text(document[key])


# --- the database side -------------------------------------------------------------------------------


def constraints_drop(cursor: Any) -> list[str]:
    """Drop the four tables' secondary indexes, unique and foreign-key constraints; the SQL to make them again."""
    tables = list(TABLES)
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')", [tables])
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [tables])
    indexes = cursor.fetchall()
    remake: list[str] = []
    for table, name, definition, kind in constraints:
        if kind == "u":
            remake.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    remake += [definition for _, definition in indexes]
    for table, name, definition, kind in constraints:
        if kind == "f":
            remake.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
            remake.append(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
    for table, name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return remake


class Progress:
    """A one-line progress bar on stderr: done / total, rate, time left."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.began, self.shown = total, label, time.monotonic(), 0.0

    def show(self, done: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.shown < 0.5:
            return
        self.shown = now
        elapsed = max(now - self.began, 1e-9)
        rate = done / elapsed
        left = (self.total - done) / rate if rate > 0 else float("inf")
        filled = int(30 * done / max(1, self.total))
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done:,}/{self.total:,} "
                         f"{rate:,.0f}/s, {left:,.0f} s left ")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()


def generate(cases: int, *, rate_only: bool = False, every_channel: bool = True, batch: int = 5000) -> dict[str, Any]:
    """Make the templates, COPY `cases` generated cases (or, with `rate_only`, measure and roll back)."""
    import psycopg
    from django.conf import settings
    from django.db import connection

    from qyzmet.identity.demo import CITIZENS
    from qyzmet.identity.models import User

    began = time.monotonic()
    templates = templates_make(every_channel=every_channel)
    templates_prepare_text(templates)
    template_seconds = time.monotonic() - began
    citizens = [(u.pk, u.iin, u.full_name) for u in User.objects.filter(iin__in=[c.iin for c in CITIZENS])]
    connection.close()
    database = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(dbname=database["NAME"], user=database["USER"] or None,
                                              password=database["PASSWORD"] or None, host=database["HOST"] or None,
                                              port=str(database["PORT"]) if database["PORT"] else None)
    timings: dict[str, float] = {"templates": template_seconds}
    with psycopg.connect(conninfo) as pg, pg.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET synchronous_commit = off")
        first_ids = {}
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            first_ids[table] = int(cursor.fetchone()[0])  # type: ignore[index]
        generator = Generator(templates, cases=cases, now=datetime.now(UTC), first_ids=first_ids,
                              demo_citizens=citizens)
        phase = time.monotonic()
        remake = [] if rate_only else constraints_drop(cursor)
        timings["drop"] = time.monotonic() - phase
        phase = time.monotonic()
        progress = Progress(cases, "COPY cases")
        columns = {"cases_case": CASE_COLUMNS, "cases_task": TASK_COLUMNS, "cases_caseevent": EVENT_COLUMNS,
                   "cases_resultdocument": DOCUMENT_COLUMNS}
        python_seconds = 0.0
        written_bytes = 0
        done = 0
        while done < cases:
            count = min(batch, cases - done)
            made = time.monotonic()
            lines = generator.batch(count)
            python_seconds += time.monotonic() - made
            for table in TABLES:
                if not lines[table]:
                    continue
                text = "\n".join(lines[table]) + "\n"
                written_bytes += len(text)
                with cursor.copy(f"COPY {table} ({', '.join(columns[table])}) FROM STDIN") as copy:
                    copy.write(text)
            done += count
            progress.show(done)
        progress.show(done, final=True)
        timings["copy"] = time.monotonic() - phase
        timings["python_generation"] = python_seconds
        if rate_only:
            pg.rollback()
        else:
            phase = time.monotonic()
            for table in TABLES:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
            for statement in remake:
                cursor.execute(statement)
            pg.commit()
            timings["constraints"] = time.monotonic() - phase
            phase = time.monotonic()
            pg.autocommit = True
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
            timings["analyze"] = time.monotonic() - phase
    if not rate_only:
        # The SLA report's closed-case counts (reports.summary): written from the generated cases as the
        # engine writes them when a case closes; one grouped pass over the cases (ADR 0027).
        from qyzmet.reports.models import SlaDay
        from qyzmet.reports.summary import sla_days_rebuild

        phase = time.monotonic()
        sla_days_rebuild(now=datetime.fromtimestamp(generator.now, UTC))
        with connection.cursor() as django_cursor:
            django_cursor.execute(f"ANALYZE {SlaDay._meta.db_table}")
        timings["sla_summary"] = time.monotonic() - phase
    counters = generator.counters
    rows = counters.cases + counters.tasks + counters.events + counters.documents
    return {
        "cases": counters.cases, "open_cases": counters.open_cases, "tasks": counters.tasks,
        "events": counters.events, "documents": counters.documents, "rows": rows, "templates": len(templates),
        "copy_megabytes": written_bytes / 1e6, "seconds": timings,
        "cases_per_second": counters.cases / timings["copy"] if timings["copy"] else math.nan,
        "rows_per_second": rows / timings["copy"] if timings["copy"] else math.nan,
        "rolled_back": rate_only,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale_data", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rate-only", action="store_true", help="COPY, report the rate, roll back")
    parser.add_argument("--first-channel-only", action="store_true",
                        help="templates of each service's first channel only (quicker to make)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    print(json.dumps(generate(args.cases, rate_only=args.rate_only, every_channel=not args.first_channel_only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
