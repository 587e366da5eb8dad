"""Run inside the benchmark's environment (a child process): one engine drives N cases of the foster-care payment.

    python -m benchmarks.engine_run qyzmet --cases 200
    python -m benchmarks.engine_run qyzmet-no-pdf --cases 200   # result documents not rendered
    python -m benchmarks.engine_run spiff --cases 200

Both persist every step to the same PostgreSQL: Qyzmet through its services (tasks, events,
documents, signatures, in one transaction per step); SpiffWorkflow as its JSON serializer's
output in a table, read back and deserialized before each step and written after it. Prints
one JSON line: cases, steps, wall seconds, this process's CPU seconds (the database server's
CPU is another process and not counted), the CPU this process spent inside database calls
(psycopg's `execute`: sending the query, waiting, reading the answer; Django compiling the
query and building model instances from rows stay outside it) and how many queries it made,
and for Qyzmet the CPU the demo people spent loading their keys and signing (a client's work,
subtracted from the engine's).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

SERVICE = "wko-2019-foster-family-placement-payment"
CHANNEL = "provider_office"


def _definition() -> Any:
    from qyzmet.catalog.definitions import catalog_default

    return catalog_default().latest(SERVICE)


class DatabaseCalls:
    """Counts the queries of this process and the CPU it spends inside them (a Django execute wrapper)."""

    def __init__(self) -> None:
        self.queries = 0
        self.cpu_seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu_seconds += time.process_time() - began
            self.queries += 1

    def reset(self) -> None:
        self.queries, self.cpu_seconds = 0, 0.0


def qyzmet_run(cases: int, *, pdf: bool = True) -> dict[str, Any]:
    """Drive `cases` cases; without `pdf`, result documents get a stand-in instead of a WeasyPrint rendering.

    The stand-in still builds each document's data (`result_data`, what the PDF would show) and
    hashes it, so only WeasyPrint's layout and drawing are left out.
    """
    import hashlib

    from django.db import connection
    from django.utils import timezone

    from qyzmet.cases import documents
    from qyzmet.cases.models import Task
    from qyzmet.demo import driver
    from qyzmet.documents.content import result_data
    from qyzmet.signatures.canonical import canonical_json

    if not pdf:
        def pdf_stand_in(*args: Any, **kwargs: Any) -> bytes:
            digest = hashlib.sha256(canonical_json(result_data(*args, **kwargs))).hexdigest()
            return b"%PDF-1.7\n% stand-in " + digest.encode()

        documents.result_pdf = pdf_stand_in  # type: ignore[assignment]

    client = [0.0]

    def client_work(function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                client[0] += time.process_time() - began
        return timed

    # The person's side: loading their key from the token and signing (NCALayer's work, not the engine's).
    driver.demo_sign = client_work(driver.demo_sign)  # type: ignore[assignment]
    driver.demo_key_for = client_work(driver.demo_key_for)  # type: ignore[assignment]
    calls = DatabaseCalls()
    # Each person acts a second after the task reached them, so every step happens now: signatures
    # are checked against revocation answers of the present (the demo's clock runs days ahead).
    driver._completion = lambda task, now: max(now, task.started_at) + timedelta(seconds=1)  # type: ignore[assignment]
    definition = _definition()
    driver.run(SERVICE, CHANNEL, start=timezone.now())  # warm: keys issued, caches filled
    client[0] = 0.0
    case_ids = []
    with connection.execute_wrapper(calls):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(cases):
            clock = timezone.now()
            case = driver.case_open(definition, CHANNEL, now=clock)
            driver.case_drive(case, now=clock)
            case_ids.append(case.pk)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    steps = Task.objects.filter(case_id__in=case_ids, completed_by__isnull=False).count()
    return {"engine": "qyzmet" if pdf else "qyzmet-no-pdf", "cases": cases, "steps": steps, "wall_seconds": wall,
            "cpu_seconds": cpu, "client_signing_cpu_seconds": client[0], "db_cpu_seconds": calls.cpu_seconds,
            "queries": calls.queries}


def spiff_run(cases: int) -> dict[str, Any]:
    from django.db import connection
    from lxml import etree
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from qyzmet.catalog.diagrams.bpmn import BPMN, bpmn_document

    root = etree.fromstring(bpmn_document(_definition(), CHANNEL, "ru"))
    parser = BpmnParser()
    parser.add_bpmn_xml(root, filename="service.bpmn")
    spec = parser.get_spec(root.find(f"{{{BPMN}}}process").get("id"))
    serializer = BpmnWorkflowSerializer()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_spiff_workflow "
                       "(id bigserial PRIMARY KEY, state text NOT NULL)")

    def step(workflow_id: int) -> bool:
        """Load, run the first ready human task, save; False when the workflow has completed."""
        from django.db import transaction

        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT state FROM bench_spiff_workflow WHERE id = %s FOR UPDATE", [workflow_id])
            workflow = serializer.deserialize_json(cursor.fetchone()[0])
            if workflow.is_completed():
                return False
            ready = [t for t in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED)
                     if t.task_spec.manual or t.state == TaskState.STARTED]
            if not ready:
                return False
            task = ready[0]
            task.data["outcome"] = None
            task.complete() if task.state == TaskState.STARTED else task.run()
            workflow.do_engine_steps()
            cursor.execute("UPDATE bench_spiff_workflow SET state = %s WHERE id = %s",
                           [serializer.serialize_json(workflow), workflow_id])
        return True

    calls = DatabaseCalls()
    steps = 0
    with connection.execute_wrapper(calls):
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(cases):
            workflow = BpmnWorkflow(spec)
            workflow.do_engine_steps()
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_spiff_workflow (state) VALUES (%s) RETURNING id",
                               [serializer.serialize_json(workflow)])
                workflow_id = cursor.fetchone()[0]
            while step(workflow_id):
                steps += 1
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"engine": "spiff", "cases": cases, "steps": steps, "wall_seconds": wall, "cpu_seconds": cpu,
            "client_signing_cpu_seconds": 0.0, "db_cpu_seconds": calls.cpu_seconds, "queries": calls.queries}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_run")
    parser.add_argument("engine", choices=["qyzmet", "qyzmet-no-pdf", "spiff"])
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args(argv)
    import django

    django.setup()
    pdf = args.engine == "qyzmet"
    result = spiff_run(args.cases) if args.engine == "spiff" else qyzmet_run(args.cases, pdf=pdf)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
