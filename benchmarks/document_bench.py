"""Result-document PDFs rendered per second (WeasyPrint), and the cost of a cached second rendering.

Each rendering has other data (a new document number), in kk, ru and en in turn, so the in-process
cache never answers; the last one is then rendered again to time a cache hit (the preview, then
the document made from it). Wall time depends on the machine's load; CPU time is this process's.

    python -m benchmarks.document_bench --documents 100
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any


def _data(index: int) -> dict[str, Any]:
    number = f"WKO-TEREKTI-2026-{index:06d}-D1"
    return {
        "language": ("kk", "ru", "en")[index % 3], "number": number,
        "verify_url": f"http://127.0.0.1:8000/verify/{number}/", "document": "notification", "kind": "notification",
        "form": "Standard app. 2", "form_appendix": "2",
        "title": "Он сегіз жасқа дейінгі балаларға мемлекеттік жәрдемақы тағайындау туралы хабарлама",
        "case": number[:-3], "filed": "01.09.2026",
        "service": {"id": "karaganda-2015-child-allowance", "version": 1,
                    "title": "Он сегіз жасқа дейінгі балаларға мемлекеттік жәрдемақы тағайындау"},
        "provider": {"bin": "123456789012", "name": "Теректі ауданы әкімдігі"},
        "applicant": {"iin": "880314412019", "name": "Нұрланова Айгүл Серікқызы"},
        "outcome": "refused", "details": {},
        "ground": "Құжаттар Стандарттың 9-тармағына сәйкес емес / Документы не соответствуют пункту 9 Стандарта",
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.document_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=int(os.environ.get("QYZMET_BENCH_DOCUMENTS", "30")))
    parser.add_argument("--quick", action="store_true", help="at most 5 documents")
    args, _ = parser.parse_known_args(argv)
    if args.quick:
        args.documents = min(args.documents, 5)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qyzmet.settings")
    import django

    django.setup()
    from qyzmet.documents.rendering import RESULT_TEMPLATE, pdf_render

    pdf_render(RESULT_TEMPLATE, _data(-1))  # loads Pango and fontconfig once
    wall, cpu = [], []
    for index in range(args.documents):
        started, used = time.perf_counter(), time.process_time()
        pdf = pdf_render(RESULT_TEMPLATE, _data(index))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    started = time.perf_counter()
    pdf_render(RESULT_TEMPLATE, _data(args.documents - 1))
    cached = time.perf_counter() - started
    print(f"document PDF: {args.documents} renderings, wall mean {statistics.mean(wall) * 1000:.1f} ms "
          f"(median {statistics.median(wall) * 1000:.1f}), CPU mean {statistics.mean(cpu) * 1000:.1f} ms, "
          f"{len(pdf)} bytes; cached {cached * 1e6:.0f} µs")
    return 0
