"""Database expressions the reports need on both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func

PATTERNS = {
    "postgresql": "EXTRACT(EPOCH FROM ({end} - {start}))::double precision",
    "sqlite": "((julianday({end}) - julianday({start})) * 86400.0)",
}


class SecondsBetween(Func):
    """Seconds from the first datetime expression to the second (a float), computed by the database."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        start, end = self.source_expressions
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        # The pattern names end before start, so the parameters follow that order.
        return PATTERNS[connection.vendor].format(end=end_sql, start=start_sql), [*end_params, *start_params]
