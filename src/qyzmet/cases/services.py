"""The case engine's writes, by sub-domain: filing, tasks, decisions, documents, queue, sweeping.

Each lives in its own module (`qyzmet.cases.filing`, `.tasks`, `.decisions`, `.documents`, `.queue`,
`.sweeping`; the reads `definition_of` and `route_of` in `.selectors`). Every function there is one
transaction that writes its own event rows; the engine reads the case's pinned definition and never
names a service. This module re-exports every name, public and private, so
`from qyzmet.cases.services import …` keeps working.
"""

from __future__ import annotations

from qyzmet.cases.decisions import TaskAction as TaskAction
from qyzmet.cases.decisions import _apply_decision as _apply_decision
from qyzmet.cases.decisions import _decision_rules as _decision_rules
from qyzmet.cases.decisions import decision_documents_preview as decision_documents_preview
from qyzmet.cases.documents import _after_step as _after_step
from qyzmet.cases.documents import _document_create as _document_create
from qyzmet.cases.documents import _document_in_outcome as _document_in_outcome
from qyzmet.cases.documents import _document_signature_store as _document_signature_store
from qyzmet.cases.documents import _documents_issue as _documents_issue
from qyzmet.cases.documents import _documents_sign as _documents_sign
from qyzmet.cases.documents import _signature_checked as _signature_checked
from qyzmet.cases.documents import _signing_documents_prepare as _signing_documents_prepare
from qyzmet.cases.documents import decision_needs_signature as decision_needs_signature
from qyzmet.cases.documents import document_content as document_content
from qyzmet.cases.filing import Filing as Filing
from qyzmet.cases.filing import case_file as case_file
from qyzmet.cases.queue import DIRECTION_DETAILS as DIRECTION_DETAILS
from qyzmet.cases.queue import DirectionPreview as DirectionPreview
from qyzmet.cases.queue import _case_direct as _case_direct
from qyzmet.cases.queue import _direction_contents as _direction_contents
from qyzmet.cases.queue import _queue_clerk_ensure as _queue_clerk_ensure
from qyzmet.cases.queue import _queue_directed_by as _queue_directed_by
from qyzmet.cases.queue import _queue_enter as _queue_enter
from qyzmet.cases.queue import _queue_first_waiting as _queue_first_waiting
from qyzmet.cases.queue import queue_direct_next as queue_direct_next
from qyzmet.cases.queue import queue_direction_preview as queue_direction_preview
from qyzmet.cases.reopening import case_reopen as case_reopen
from qyzmet.cases.reopening import reopenable_steps as reopenable_steps
from qyzmet.cases.selectors import definition_of as definition_of
from qyzmet.cases.selectors import route_of as route_of
from qyzmet.cases.sweeping import _overdue_apologise as _overdue_apologise
from qyzmet.cases.sweeping import tasks_mark_overdue as tasks_mark_overdue
from qyzmet.cases.tasks import OUTCOME_STATUS as OUTCOME_STATUS
from qyzmet.cases.tasks import _advance as _advance
from qyzmet.cases.tasks import _case_close as _case_close
from qyzmet.cases.tasks import _due as _due
from qyzmet.cases.tasks import _reopened_last as _reopened_last
from qyzmet.cases.tasks import _task_close as _task_close
from qyzmet.cases.tasks import _task_due as _task_due
from qyzmet.cases.tasks import _task_make as _task_make
from qyzmet.cases.tasks import task_complete as task_complete
from qyzmet.cases.tasks import task_ensure_allowed as task_ensure_allowed
from qyzmet.cases.telling import _applicant_tell as _applicant_tell
from qyzmet.catalog.models import ServiceVersion
from qyzmet.catalog.schema import ServiceDefinition
from qyzmet.catalog.selectors import definition_of_version as definition_of_version


def _definition_parsed(pk: int, sha256: str, version: ServiceVersion) -> ServiceDefinition:
    # Kept for callers of the old name: the one cached parse is `catalog.selectors.definition_of_version`.
    return definition_of_version(version)
