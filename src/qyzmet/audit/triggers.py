"""Append-only tables on PostgreSQL: a row trigger refuses UPDATE and DELETE (used by migrations).

SQLite gets no trigger: Django's test teardown empties SQLite tables with DELETE, and the hash
chain shows any change there anyway. TRUNCATE is not a row operation and stays possible for
an administrator (and for test teardown); the chain heads and the signed checkpoints show it.
"""

from __future__ import annotations

from typing import Any, Final

FUNCTION: Final = """
CREATE OR REPLACE FUNCTION qyzmet_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def append_only_sql(table: str, *, operations: str = "UPDATE OR DELETE") -> str:
    return (f"{FUNCTION}\nDROP TRIGGER IF EXISTS {table}_append_only ON {table};\n"
            f"CREATE TRIGGER {table}_append_only BEFORE {operations} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION qyzmet_append_only();")


def drop_sql(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"


def on_postgresql(sql: str) -> Any:
    """A RunPython body that runs `sql` only on PostgreSQL."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # no parameters: the % of RAISE stay as written

    return run
