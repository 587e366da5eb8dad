"""Who may see which case and which task. `*_get_for_*` raise NotFound for "not yours" and "no such".

* a citizen sees the cases filed for their IIN (as applicant), nothing else;
* a member of staff sees a case when it is in an organization they may see (its provider, the
  State Corporation branch or akim's office that took it, or the organization of one of its
  tasks); an oblast's quality monitor sees its whole subtree;
* a task is acted on only by someone holding its role in its organization (services check that);
* a receipt is seen by its applicant (by IIN) and by staff who may see the organization that issued it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from qyzmet.cases.models import Case, Receipt, ResultDocument, Task
from qyzmet.core.errors import NotFound
from qyzmet.identity.access import organizations_visible_to
from qyzmet.identity.models import User


def cases_visible_to_staff(user: User | AnonymousUser) -> QuerySet[Case]:
    organizations = organizations_visible_to(user)
    if organizations.query.is_empty():  # a citizen without staff roles: nothing to ask the database
        return Case.objects.none()
    return Case.objects.filter(
        Q(provider__in=organizations) | Q(intake_office__in=organizations) | Q(tasks__organization__in=organizations)
    ).distinct()


def cases_of_applicant(user: User | AnonymousUser) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(applicant_iin=user.iin)


def case_get_for_applicant(*, case_id: int, user: User | AnonymousUser) -> Case:
    try:
        return cases_of_applicant(user).get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(f"case {case_id}") from None


def case_get_for_officer(*, case_id: int, user: User | AnonymousUser) -> Case:
    try:
        return cases_visible_to_staff(user).get(pk=case_id)
    except Case.DoesNotExist:
        raise NotFound(f"case {case_id}") from None


def case_get_for_user(*, case_id: int, user: User | AnonymousUser) -> Case:
    """The case as its applicant or as staff who may see it."""
    try:
        return case_get_for_applicant(case_id=case_id, user=user)
    except NotFound:
        return case_get_for_officer(case_id=case_id, user=user)


def task_get_for_staff(*, task_id: int, user: User | AnonymousUser) -> Task:
    """An open or closed task of a case the user may see as staff."""
    try:
        return Task.objects.select_related("case", "organization").get(
            pk=task_id, case__in=cases_visible_to_staff(user)
        )
    except Task.DoesNotExist:
        raise NotFound(f"task {task_id}") from None


def document_get_for_user(*, document_id: int, user: User | AnonymousUser) -> ResultDocument:
    """A document of a case the user may see; the applicant sees only issued ones."""
    document = ResultDocument.objects.select_related("case").filter(pk=document_id).first()
    if document is None:
        raise NotFound(f"document {document_id}")
    case = case_get_for_user(case_id=document.case_id, user=user)
    is_applicant = case.applicant_iin == getattr(user, "iin", None)
    if is_applicant and document.issued_at is None and not cases_visible_to_staff(user).filter(pk=case.pk).exists():
        raise NotFound(f"document {document_id}")
    return document


def receipt_get_for_user(*, number: str, user: User | AnonymousUser) -> Receipt:
    """A receipt for its applicant (by IIN) or for staff who may see the organization that issued it."""
    receipt = Receipt.objects.select_related("organization", "case", "service_version__service").filter(
        number=number).first()
    if receipt is None:
        raise NotFound(f"receipt {number}")
    if user.is_authenticated and user.is_active and receipt.applicant_iin == getattr(user, "iin", None):
        return receipt
    if organizations_visible_to(user).filter(pk=receipt.organization_id).exists():
        return receipt
    raise NotFound(f"receipt {number}")
