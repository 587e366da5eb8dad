"""Percentiles: `percentile_cont` on PostgreSQL, the same interpolation in Python elsewhere (SQLite).

Both backends give the continuous percentile (linear interpolation between the two nearest
ranks), so a report shows the same number on either database.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField, QuerySet
from django.db.models.expressions import Combinable


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The continuous percentile of `values` (as PostgreSQL's percentile_cont); None for no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


class PercentileCont(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_by_group(
    queryset: QuerySet[Any], group: Sequence[str], expression: Combinable, fraction: float
) -> dict[tuple[Hashable, ...], float | None]:
    """The percentile of `expression` per group of `group` fields: in SQL on PostgreSQL, else in Python.

    The Python backend reads only the group keys and the values (`values_list`), never whole rows.
    """
    if connection.vendor == "postgresql":
        rows = queryset.values(*group).annotate(value=PercentileCont(expression, fraction)).order_by()
        return {tuple(row[name] for name in group): row["value"] for row in rows}
    grouped: dict[tuple[Hashable, ...], list[float]] = defaultdict(list)
    for *key, value in queryset.annotate(value_for_percentile=expression).values_list(*group, "value_for_percentile"):
        if value is not None:
            grouped[tuple(key)].append(float(value))
    return {key: percentile(values, fraction) for key, values in grouped.items()}
