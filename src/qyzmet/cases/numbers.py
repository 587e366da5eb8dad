"""Registration numbers: per organization, year and series; stable and unique."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from qyzmet.calendar import local_time
from qyzmet.cases.models import NumberSequence
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.identity.models import Organization


def number_next(*, organization: Organization, series: str, now: datetime) -> str:
    """The next number, e.g. 'WKO-TEREKTI-2025-000042' (series 'C') or 'WKO-TEREKTI-2025-R000007'.

    Side effects: increments the organization's sequence under a row lock.
    """
    year = local_time(now).year
    with transaction.atomic():
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
            organization=organization, year=year, series=series
        )
        sequence.last += 1
        sequence.save(update_fields=["last"])
    prefix = "" if series == "C" else series
    return f"{organization.code.upper()}-{year}-{prefix}{sequence.last:06d}"


def document_number(*, case_number: str, definition: ServiceDefinition, document_id: str) -> str:
    """The number of a case's result document, e.g. 'WKO-TEREKTI-2025-000042-D2' (the 2nd document of the definition).

    Derived, not allocated: the number is printed in the PDF the signer signs before the document
    row exists (the decision and direction previews write nothing), so it must be known from the
    case and the definition alone. Unique because the case number is, and a case makes each
    document of its definition at most once; it carries the provider and the year of the case number.
    """
    ids = [document.id for document in definition.documents]
    return f"{case_number}-D{ids.index(document_id) + 1}"
