"""The writes one signed portal application makes, as a pgbench script, to compare the platform with raw SQL.

The same tables, indexes and constraints (the benchmark database after `qyzmet setup`): a draft
(its own commit), then in one transaction the case number taken from the provider's sequence row,
the case, its 7 events (the first carrying a signature of the size a CMS has) and 6 tasks, the
case's signed audit checkpoint, and the draft's link to the case. pgbench runs it with as many
connections as the HTTP test has clients.
"""

from __future__ import annotations

import re
from typing import Final

SERIES: Final = "PGB"
EVENTS: Final = 7
TASKS: Final = 6
DEFINITION_SHA256: Final = "0" * 64  # the regulation version's content hash: a SHA-256 in hex, as the filing writes
SIGNATURE_CHARS: Final = 3780  # a demo detached CMS in base64, as the case_filed event stores it
CHECKPOINT_SIGNATURE_CHARS: Final = 344  # an RSA-2048 signature in base64


def pgbench_script(*, events: int = EVENTS, tasks: int = TASKS) -> str:
    """The custom script; variables: providers (count), seq_base (first sequence row id), version, applicant."""
    lines = [
        r"\set p random(0, :providers - 1)",
        r"\set key random(1, 1000000000)",
        "INSERT INTO api_applicationdraft (applicant_id, service_version_id, provider_id, form, attachments, "
        "language, idempotency_key, case_id, created_at, submitted_at) SELECT :applicant, :version, "
        "organization_id, '{\"grade\": 3, \"school\": \"№ 7\"}'::jsonb, '[]'::jsonb, 'kk', NULL, NULL, now(), NULL "
        "FROM cases_numbersequence WHERE id = :seq_base + :p RETURNING id AS draft \\gset",
        "BEGIN;",
        "UPDATE cases_numbersequence SET last = last + 1 WHERE id = :seq_base + :p "
        "RETURNING last AS number, organization_id AS provider \\gset",
        "INSERT INTO cases_case (number, service_version_id, definition_sha256, service_slug, channel, language, "
        "status, outcome, "
        "refusal_ground, applicant_id, applicant_iin, applicant_name, representative_iin, provider_id, "
        "intake_office_id, form, attachments, confirmation, idempotency_key, filed_at, closed_at, intake_checks) "
        "VALUES "
        f"('{SERIES}-' || :provider || '-' || lpad(:number::text, 9, '0'), :version, '{DEFINITION_SHA256}', "
        "'wko-2019-school-transport', "
        "'portal', 'kk', 'in_progress', '', '', :applicant, '880314412019', 'Нұрланова Айгүл Серікқызы', '', "
        "':provider', NULL, '{\"grade\": 3, \"school\": \"№ 7\"}'::jsonb, '[]'::jsonb, 'eds', "
        "'pgbench:' || :client_id || ':' || :key || ':' || :number, now(), NULL, '{}'::jsonb) "
        "RETURNING id AS case_id \\gset",
    ]
    for sequence in range(1, events + 1):
        signature = f"repeat('M', {SIGNATURE_CHARS})" if sequence == 1 else "''"
        lines.append(
            "INSERT INTO cases_caseevent (case_id, sequence, kind, actor_id, actor_iin, role, organization_id, "
            "step_id, state_before, state_after, data, signature, at, previous_hash, hash) VALUES "
            f"(:case_id, {sequence}, 'step_completed', NULL, '', 'system', NULL, 'step_{sequence}', '', '', "
            f"'{{\"automatic\": true, \"branch\": \"valid\"}}'::jsonb, {signature}, now(), "
            "md5(random()::text) || md5(random()::text), md5(random()::text) || md5(random()::text));"
        )
    for sequence in range(1, tasks + 1):
        lines.append(
            "INSERT INTO cases_task (case_id, sequence, step_id, phase, role, does, organization_id, assignee_id, "
            "status, duration_value, duration_unit, started_at, due_at, completed_at, completed_by_id, branch, "
            f"overdue_at) VALUES (:case_id, {sequence}, 'step_{sequence}', 'procedure', 'system', 'check', NULL, "
            "NULL, 'done', NULL, '', now(), NULL, now(), NULL, 'valid', NULL);"
        )
    lines += [
        # The case's signed checkpoint (audit): one row per case, its head moved with the last event.
        "INSERT INTO audit_casecheckpoint (case_number, events, head_hash, case_hash, at, certificate, signature) "
        f"SELECT number, {events}, md5(random()::text) || md5(random()::text), md5(random()::text) || "
        f"md5(random()::text), now(), repeat('c', 64), repeat('S', {CHECKPOINT_SIGNATURE_CHARS}) "
        "FROM cases_case WHERE id = :case_id ON CONFLICT (case_number) DO UPDATE SET events = EXCLUDED.events, "
        "head_hash = EXCLUDED.head_hash, at = EXCLUDED.at, signature = EXCLUDED.signature;",
        "UPDATE api_applicationdraft SET case_id = :case_id, submitted_at = now() "
        "WHERE id = :draft AND case_id IS NULL;",
        "COMMIT;",
    ]
    # The provider placeholder in the case row is a number, not a string.
    return "\n".join(line.replace("':provider'", ":provider") for line in lines) + "\n"


def sequence_rows_sql(provider_ids: list[int], *, year: int = 2099) -> str:
    """SQL making the pgbench series' number sequence rows (one per provider); returns their ids in order."""
    values = ", ".join(f"({provider}, {year}, '{SERIES}', 0)" for provider in provider_ids)
    return (f"INSERT INTO cases_numbersequence (organization_id, year, series, last) VALUES {values} "
            "ON CONFLICT (organization_id, year, series) DO UPDATE SET last = cases_numbersequence.last "
            "RETURNING id")


TPS_PATTERN: Final = re.compile(r"^tps = ([0-9.]+)", re.MULTILINE)
LATENCY_PATTERN: Final = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)


def pgbench_tps(output: str) -> float:
    """The "tps = …" figure of pgbench's report."""
    found = TPS_PATTERN.search(output)
    if found is None:
        raise ValueError("no tps line in pgbench's output")
    return float(found.group(1))
