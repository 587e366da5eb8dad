"""The authorization matrix: every URL of the platform × every role × own / other organization and case.

The routes are read from the URL configuration (`get_resolver()`, the ninja API's operations
included), so an endpoint added without a line in `RULES` fails `test_every_route_is_classified`.
Each rule names the route's class (public, citizen-own, staff-org, monitor, admin), how to
build its URL for A's objects at district X ("own") and B's at district Y ("other"), and who
gets through. Everyone else is refused: an anonymous visitor with a redirect to the log-in page
(pages) or 401 (API), a logged-in person with 404, the answer for "no such" too, so nothing
tells a stranger that the object exists; and a refused request writes nothing.
Requests run in a savepoint rolled back after each one, so no answer depends on an earlier one.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from typing import Any, Final

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from qyzmet.api.main import api
from tests.security.conftest import SERVICE, Side, World

pytestmark = [pytest.mark.django_db]

ROLES: Final = ("anonymous", "citizen_a", "citizen_b", "clerk_x", "clerk_y", "head_x", "executor_x",
                "sc_operator", "monitor", "admin")
AUTHENTICATED: Final = frozenset(ROLES) - {"anonymous"}
EVERYONE: Final = frozenset(ROLES)
STAFF_X: Final = frozenset({"clerk_x", "head_x", "executor_x"})
SEES_X: Final = STAFF_X | {"monitor", "admin"}  # staff of X and the oblast's monitor and administrator
STAFF: Final = STAFF_X | {"clerk_y", "sc_operator", "monitor", "admin"}
CLERKS: Final = frozenset({"clerk_x", "clerk_y"})
REPORTERS_X: Final = frozenset({"head_x", "monitor", "admin"})
NOBODY: Final = frozenset[str]()
# Who holds, for B's objects at Y, the place a role holds for A's at X (roles without a twin drop out).
MIRROR: Final = {"citizen_a": "citizen_b", "clerk_x": "clerk_y", "monitor": "monitor", "admin": "admin"}
# Routes that act in an organization named in the body: organizations are public (the catalogue lists them),
# so refusing with the domain's "you do not hold the role there" (422) or "wrong role" (409) tells nothing.
NAMED_ORGANIZATION: Final = frozenset({404, 409, 422})
# The hall's workstation refuses anyone who is not an operator of a branch before it looks at any object.
HALL: Final = frozenset({403, 404})
CLASSES: Final = ("public", "citizen-own", "staff-org", "monitor", "admin")
LOGIN_PAGE: Final = re.compile(r"^(/[a-z]{2})?/(login|admin/login)/")
PRESENT_SERVICE_URL = f"/services/{SERVICE}"

Url = Callable[[World, Side], str]


@dataclass(frozen=True)
class Rule:
    """How one route is classified and checked.

    `url` builds the path for a side (A's objects at X, or B's at Y); `allowed` are the roles that get
    through to the own side's object (for the other side: their MIRROR); `other` False when the route
    has no object (then only `allowed` is checked). `body` is the JSON (API) or form (pages) posted.
    """

    kind: str
    url: Url
    allowed: frozenset[str]
    method: str = "GET"
    other: bool = True
    body: Callable[[World, Side], dict[str, Any]] | None = None
    same_for_all: bool = False  # public: everyone gets the same status
    refusal: frozenset[int] = frozenset({404})  # what a logged-in person who is refused gets
    staff_check: bool = True  # admin routes behind Django's staff check (else: log-in page, then 404)
    unavailable_ok: bool = False  # 503 is a right answer (the health check with no registry running)

    def __post_init__(self) -> None:
        assert self.kind in CLASSES, self.kind


def public(url: str | Url, method: str = "GET", *, body: Callable[[World, Side], dict[str, Any]] | None = None,
           same: bool = True) -> Rule:
    return Rule("public", url if callable(url) else (lambda w, s, u=url: u), EVERYONE, method, other=False,
                body=body, same_for_all=same)


def fixed(url: str) -> Url:
    return lambda w, s: url


API = "/api/v1"
VERSIONS = "/backoffice/regulations/drafts/versions"


def authoring(url: str, allowed: frozenset[str], method: str = "GET") -> Rule:
    """The regulation authoring pages: an oblast's administrators; others get the log-in page, then 404."""
    return Rule("admin", fixed(url), allowed, method, other=False, staff_check=False)


def _intake_office(w: World, s: Side) -> dict[str, Any]:
    return {"service": SERVICE, "provider": s.organization.pk,
            "applicant": {"iin": s.citizen.iin, "name": s.citizen.full_name}, "originals_compared": True}


def _refusal(w: World, s: Side) -> dict[str, Any]:
    return {"service": SERVICE, "channel": "provider_office", "organization": s.organization.pk,
            "applicant": {"iin": s.citizen.iin, "name": s.citizen.full_name}, "grounds": ["incomplete_package"]}


def _sc_request(w: World, s: Side) -> dict[str, Any]:
    return {"service": SERVICE, "branch": s.branch.pk, "provider": s.organization.pk,
            "applicant": {"iin": s.citizen.iin}, "request_id": "matrix-1", "signature": "AA=="}


def _rural(w: World, s: Side) -> dict[str, Any]:
    return {"service": SERVICE, "provider": s.organization.pk, "akim_office": s.organization.pk,
            "applicant": {"iin": s.citizen.iin, "name": s.citizen.full_name}}


def _sc_preview(w: World, s: Side) -> dict[str, Any]:
    return {key: value for key, value in _sc_request(w, s).items() if key != "signature"}


def _period(s: Side) -> str:
    return f"date_from=2026-08-01&date_to=2026-09-30&organization={s.organization.pk}"


def _queue(w: World, s: Side) -> dict[str, Any]:
    return {"locality": s.organization.pk, "age_group": "3-4"}


RULES: Final[dict[str, Rule]] = {
    # --- public: the same answer whoever asks -------------------------------------------------------------
    "set_language": public("/i18n/setlang/", "POST", body=lambda w, s: {"language": "ru", "next": "/"}),
    "signatures:crl": public("/pki/crl/root.crl"),
    "signatures:ca-certificate": public("/pki/ca/root.crt"),
    "signatures:ocsp": public("/pki/ocsp"),
    "signatures:tsp": public("/pki/tsp", "POST"),
    "health": replace(public("/health/"), unavailable_ok=True),  # 503 here: no registry runs in this test
    "metrics": public("/metrics/"),  # loopback in development: the test client's address
    "signatures:pki/ocsp/": public("/pki/ocsp/"),
    "signatures:ocsp-get": public("/pki/ocsp/MAo="),
    "api-v1:openapi-json": public(f"{API}/openapi.json"),
    "api-v1:openapi-view": public(f"{API}/docs"),
    "api-v1:api-root": public(f"{API}/"),
    "api-v1:token_create_api": public(f"{API}/auth/token", "POST", body=lambda w, s: {"iin": "x", "password": "y"}),
    "api-v1:challenge_create_api": public(f"{API}/auth/challenge"),
    "api-v1:token_create_eds_api": public(f"{API}/auth/eds", "POST", body=lambda w, s: {}),
    "api-v1:service_list_api": public(f"{API}/services"),
    "api-v1:service_get_api": public(f"{API}/services/{SERVICE}"),
    "api-v1:service_standard_lists_api": public(f"{API}/services/{SERVICE}/standard-lists"),
    "api-v1:service_providers_api": public(f"{API}/services/{SERVICE}/providers"),
    "api-v1:service_branches_api": public(f"{API}/services/{SERVICE}/state-corporation-branches"),
    "api-v1:service_rural_offices_api": public(f"{API}/services/{SERVICE}/rural-akim-offices"),
    "workstation:kiosk": public(lambda w, s: f"/hall/{s.branch.code}/kiosk/"),
    "workstation:ticket": public(lambda w, s: f"/hall/{s.branch.code}/tickets/{s.ticket.pk}/"),
    "workstation:display": public(lambda w, s: f"/hall/{s.branch.code}/display/"),
    "workstation:display_board": public(lambda w, s: f"/hall/{s.branch.code}/display/board/"),
    "documents:verify": public(lambda w, s: f"/verify/{s.document.number}/"),
    "portal:login": public("/login/", same=False),
    "portal:login_eds": public("/login/eds/"),
    "portal:logout": public("/logout/", "POST"),
    "portal:signup": public("/signup/", same=False),
    "web:landing": public("/"),
    "web:healthz": public("/healthz"),
    "web:service": public(f"{PRESENT_SERVICE_URL}/"),
    "web:diagram": public(f"{PRESENT_SERVICE_URL}/provider_office/diagram.svg"),
    "web:interaction": public(f"{PRESENT_SERVICE_URL}/provider_office/interaction.svg"),
    "web:bpmn": public(f"{PRESENT_SERVICE_URL}/provider_office/process.bpmn"),
    "web:regulation": public(f"{PRESENT_SERVICE_URL}/regulation.html"),
    "admin:login": public("/admin/login/", same=False),
    # --- a citizen's own: the applicant (and, for cases and documents, the staff who may see the case) ---
    "portal:cabinet": Rule("citizen-own", fixed("/cabinet/"), AUTHENTICATED, other=False),
    "portal:apply": Rule("citizen-own", fixed(f"/services/{SERVICE}/apply/"), AUTHENTICATED, other=False),
    "portal:draft": Rule("citizen-own", lambda w, s: f"/applications/{s.draft.pk}/", frozenset({"citizen_a"})),
    "portal:draft_otp": Rule("citizen-own", lambda w, s: f"/applications/{s.draft.pk}/otp/",
                             frozenset({"citizen_a"}), "POST"),
    "portal:draft_submit": Rule("citizen-own", lambda w, s: f"/applications/{s.draft.pk}/submit/",
                                frozenset({"citizen_a"}), "POST"),
    "portal:appeal": Rule("citizen-own", lambda w, s: f"/cabinet/cases/{s.issued_case.pk}/appeal/",
                          frozenset({"citizen_a"})),
    "portal:appeal_otp": Rule("citizen-own", lambda w, s: f"/cabinet/cases/{s.issued_case.pk}/appeal/otp/",
                              frozenset({"citizen_a"}), "POST"),
    "portal:appeal_submit": Rule("citizen-own", lambda w, s: f"/cabinet/cases/{s.issued_case.pk}/appeal/submit/",
                                 frozenset({"citizen_a"}), "POST"),
    "api-v1:appeal_preview_api": Rule(
        "citizen-own", lambda w, s: f"{API}/cases/{s.issued_case.pk}/appeals/preview", frozenset({"citizen_a"}),
        "POST", body=lambda w, s: {"subject": "decision", "text": "x"}),
    # The applicant appeals their case; the provider's clerk registers a written appeal for it.
    "api-v1:appeal_file_api": Rule(
        "citizen-own", lambda w, s: f"{API}/cases/{s.issued_case.pk}/appeals", frozenset({"citizen_a", "clerk_x"}),
        "POST", body=lambda w, s: {"subject": "decision", "text": "x"}),
    "portal:case": Rule("citizen-own", lambda w, s: f"/cabinet/cases/{s.open_case.pk}/", frozenset({"citizen_a"})),
    "portal:case_status": Rule("citizen-own", lambda w, s: f"/cabinet/cases/{s.open_case.pk}/status/",
                               frozenset({"citizen_a"})),
    "documents:download": Rule("citizen-own", lambda w, s: f"/documents/{s.document.pk}/pdf/",
                               SEES_X | {"citizen_a"}),
    "documents:receipt": Rule("citizen-own", lambda w, s: f"/receipts/{s.receipt.number}/", SEES_X | {"citizen_a"}),
    "api-v1:token_delete_api": Rule("citizen-own", fixed(f"{API}/auth/token"), AUTHENTICATED, "DELETE",
                                    other=False),
    "api-v1:me_api": Rule("citizen-own", fixed(f"{API}/auth/me"), AUTHENTICATED, other=False),
    "api-v1:application_create_api": Rule(
        "citizen-own", fixed(f"{API}/applications"), AUTHENTICATED, "POST", other=False,
        body=lambda w, s: {"service": SERVICE, "provider": s.organization.pk}),
    "api-v1:application_get_api": Rule("citizen-own", lambda w, s: f"{API}/applications/{s.draft.pk}",
                                       frozenset({"citizen_a"})),
    "api-v1:application_otp_api": Rule("citizen-own", lambda w, s: f"{API}/applications/{s.draft.pk}/otp",
                                       frozenset({"citizen_a"}), "POST"),
    "api-v1:application_submit_api": Rule("citizen-own", lambda w, s: f"{API}/applications/{s.draft.pk}/submit",
                                          frozenset({"citizen_a"}), "POST", body=lambda w, s: {"otp_code": "000000"}),
    "api-v1:case_list_api": Rule("citizen-own", fixed(f"{API}/cases"), AUTHENTICATED, other=False),
    "api-v1:case_get_api": Rule("citizen-own", lambda w, s: f"{API}/cases/{s.open_case.pk}", SEES_X | {"citizen_a"}),
    "api-v1:document_get_api": Rule("citizen-own", lambda w, s: f"{API}/documents/{s.document.pk}",
                                    SEES_X | {"citizen_a"}),
    "api-v1:document_content_api": Rule("citizen-own", lambda w, s: f"{API}/documents/{s.document.pk}/content",
                                        SEES_X | {"citizen_a"}),
    "api-v1:document_signature_api": Rule("citizen-own", lambda w, s: f"{API}/documents/{s.document.pk}/signature",
                                          SEES_X | {"citizen_a"}),
    "api-v1:receipt_get_api": Rule("citizen-own", lambda w, s: f"{API}/receipts/{s.receipt.number}",
                                   SEES_X | {"citizen_a"}),
    # --- staff of an organization --------------------------------------------------------------------------
    # The queue lists the open tasks of the roles the user holds: empty (not refused) for a citizen.
    "backoffice:tasks": Rule("staff-org", fixed("/backoffice/tasks/"), AUTHENTICATED, other=False),
    "backoffice:tasks_table": Rule("staff-org", fixed("/backoffice/tasks/table/"), AUTHENTICATED, other=False),
    "backoffice:case": Rule("staff-org", lambda w, s: f"/backoffice/cases/{s.open_case.pk}/", SEES_X),
    "backoffice:appeal_register": Rule("staff-org", lambda w, s: f"/backoffice/intake/appeals/{s.issued_case.pk}/",
                                       frozenset({"clerk_x"})),
    "backoffice:appeal_decide": Rule("staff-org", lambda w, s: f"/backoffice/cases/{s.open_case.pk}/tasks/"
                                     f"{s.open_task.pk}/appeal-decision/", SEES_X, "POST",
                                     body=lambda w, s: {"decision": "rejected", "reason": "x"}),
    "api-v1:appeal_decision_preview_api": Rule(
        "staff-org", lambda w, s: f"{API}/tasks/{s.open_task.pk}/appeal-decision/preview", SEES_X, "POST",
        body=lambda w, s: {"decision": "rejected", "reason": "x"}),
    "api-v1:appeal_decide_api": Rule(
        "staff-org", lambda w, s: f"{API}/tasks/{s.open_task.pk}/appeal-decision", SEES_X, "POST",
        body=lambda w, s: {"decision": "rejected", "reason": "x"}),
    "backoffice:task_act": Rule("staff-org", lambda w, s: f"/backoffice/cases/{s.open_case.pk}/tasks/"
                                f"{s.open_task.pk}/", SEES_X, "POST", body=lambda w, s: {"outcome": "x"}),
    "backoffice:intake_office": Rule("staff-org", fixed("/backoffice/intake/office/"), CLERKS, other=False),
    "backoffice:intake_rural_akim": Rule("staff-org", fixed("/backoffice/intake/rural-akim/"), NOBODY,
                                         other=False),
    "api-v1:task_list_api": Rule("staff-org", fixed(f"{API}/tasks"), AUTHENTICATED, other=False),
    "api-v1:task_get_api": Rule("staff-org", lambda w, s: f"{API}/tasks/{s.open_task.pk}", SEES_X),
    "api-v1:task_preview_api": Rule("staff-org", lambda w, s: f"{API}/tasks/{s.open_task.pk}/preview", SEES_X,
                                    "POST"),
    "api-v1:task_complete_api": Rule("staff-org", lambda w, s: f"{API}/tasks/{s.open_task.pk}/complete", SEES_X,
                                     "POST"),
    "api-v1:intake_office_api": Rule("staff-org", fixed(f"{API}/intake/office"), frozenset({"clerk_x"}), "POST",
                                     body=_intake_office, refusal=NAMED_ORGANIZATION),
    "api-v1:intake_rural_akim_api": Rule("staff-org", fixed(f"{API}/intake/rural-akim"), NOBODY, "POST",
                                         body=_rural, refusal=NAMED_ORGANIZATION),
    "api-v1:intake_refusal_api": Rule("staff-org", fixed(f"{API}/intake/refusals"), frozenset({"clerk_x"}),
                                      "POST", body=_refusal, refusal=NAMED_ORGANIZATION),
    "api-v1:intake_state_corporation_preview_api": Rule(
        "staff-org", fixed(f"{API}/intake/state-corporation/preview"), frozenset({"sc_operator"}), "POST",
        body=_sc_preview, refusal=NAMED_ORGANIZATION),
    "api-v1:intake_state_corporation_api": Rule(
        "staff-org", fixed(f"{API}/intake/state-corporation"), frozenset({"sc_operator"}), "POST", body=_sc_request,
        refusal=NAMED_ORGANIZATION),
    "api-v1:intake_state_corporation_get_api": Rule(
        "staff-org", fixed(f"{API}/intake/state-corporation/NO-SUCH-1"), NOBODY, other=False),
    "api-v1:queue_direct_preview_api": Rule("staff-org", fixed(f"{API}/queue/direct-next/preview"),
                                            frozenset({"clerk_x"}), "POST", body=_queue, refusal=NAMED_ORGANIZATION),
    "api-v1:queue_direct_next_api": Rule("staff-org", fixed(f"{API}/queue/direct-next"), frozenset({"clerk_x"}),
                                         "POST", body=_queue, refusal=NAMED_ORGANIZATION),
    "workstation:desk": Rule("staff-org", fixed("/hall/desk/"), frozenset({"sc_operator"}), other=False),
    "workstation:window_open": Rule("staff-org", fixed("/hall/desk/window/open/"), frozenset({"sc_operator"}),
                                    "POST", other=False, body=lambda w, s: {"window": "1"}),
    "workstation:window_close": Rule("staff-org", fixed("/hall/desk/window/close/"), frozenset({"sc_operator"}),
                                     "POST", other=False),
    "workstation:call_next": Rule("staff-org", fixed("/hall/desk/call-next/"), frozenset({"sc_operator"}), "POST",
                                  other=False),
    "workstation:ticket_done": Rule("staff-org", lambda w, s: f"/hall/desk/tickets/{s.ticket.pk}/done/",
                                    frozenset({"sc_operator"}), "POST"),
    "workstation:ticket_no_show": Rule("staff-org", lambda w, s: f"/hall/desk/tickets/{s.ticket.pk}/no-show/",
                                       frozenset({"sc_operator"}), "POST"),
    "workstation:intake": Rule("staff-org", fixed("/hall/desk/intake/"), frozenset({"sc_operator"}), other=False),
    "workstation:intake_providers": Rule("staff-org", fixed(f"/hall/desk/intake/providers/?service={SERVICE}"),
                                         frozenset({"sc_operator"}), other=False),
    "workstation:intake_submit": Rule("staff-org", fixed("/hall/desk/intake/submit/"), frozenset({"sc_operator"}),
                                      "POST", other=False),
    "workstation:intake_refuse": Rule("staff-org", fixed("/hall/desk/intake/refuse/"), frozenset({"sc_operator"}),
                                      "POST", other=False),
    "workstation:intakes": Rule("staff-org", fixed("/hall/desk/intakes/"), frozenset({"sc_operator"}), other=False),
    "workstation:intake_detail": Rule("staff-org", fixed("/hall/desk/intakes/NO-SUCH-1/"), NOBODY, other=False),
    "workstation:intake_retry": Rule("staff-org", fixed("/hall/desk/intakes/NO-SUCH-1/retry/"), NOBODY, "POST",
                                     other=False),
    "workstation:results": Rule("staff-org", fixed("/hall/desk/results/"), frozenset({"sc_operator"}), other=False),
    "workstation:result_hand_over": Rule("staff-org", lambda w, s: f"/hall/desk/results/{s.open_task.pk}/",
                                         NOBODY, "POST"),
    # --- Django staff accounts (is_staff): the regulation editor's comparison pages ------------------------------
    "backoffice:regulations": Rule("admin", fixed("/backoffice/regulations/"), frozenset({"admin"}), other=False),
    # Regulation authoring: the oblast's administrators (X and Y are districts of the same oblast), no staff check.
    "authoring:drafts": authoring("/backoffice/regulations/drafts/", frozenset({"admin"})),
    "authoring:draft": authoring("/backoffice/regulations/drafts/999999/", NOBODY),
    "authoring:check": authoring("/backoffice/regulations/drafts/999999/check/", NOBODY, "POST"),
    "authoring:publish": authoring("/backoffice/regulations/drafts/999999/publish/", NOBODY, "POST"),
    "authoring:version": authoring(f"{VERSIONS}/{SERVICE}/1/", frozenset({"admin"})),
    "authoring:bpmn": authoring(f"{VERSIONS}/{SERVICE}/1/bpmn/", frozenset({"admin"})),
    "authoring:diff": authoring(f"{VERSIONS}/{SERVICE}/diff/?from=1&to=1", frozenset({"admin"})),
    "authoring:new": authoring(f"{VERSIONS}/{SERVICE}/1/new-draft/", frozenset({"admin"}), "POST"),
    "authoring:standard_lists": authoring(f"/backoffice/regulations/drafts/standard-lists/{SERVICE}/",
                                          frozenset({"admin"})),
    "backoffice:regulation": Rule("admin", fixed(f"/backoffice/regulations/{SERVICE}/"), frozenset({"admin"}),
                                  other=False),
    # --- quality reports ---------------------------------------------------------------------------------------
    # Heads report on their organization's subtree, the oblast's monitor and administrator on the oblast.
    "reports:index": Rule("monitor", lambda w, s: f"/reports/?{_period(s)}", REPORTERS_X),
    "reports:export": Rule("monitor", lambda w, s: f"/reports/export/sla.csv?{_period(s)}", REPORTERS_X),
}
RULES.update({key: replace(rule, refusal=HALL) for key, rule in RULES.items()
              if key.startswith("workstation:") and rule.kind == "staff-org"})
# The Django admin is one application with one rule: staff accounts (is_staff) only; `admin:login` is public.
ADMIN_NAMESPACE: Final = "admin"
ADMIN_PUBLIC: Final = frozenset({"admin:login", "admin:logout"})


@dataclass(frozen=True)
class Route:
    key: str
    pattern: str
    methods: tuple[str, ...] = field(default=())


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            key = f"{namespace}:{entry.name or pattern}" if namespace else entry.name or pattern
            yield Route(key, pattern)


def routes() -> list[Route]:
    """Every route of the URL configuration; the API's with the HTTP methods of their operations."""
    operations: dict[str, tuple[str, ...]] = {}
    for path in api.get_openapi_schema()["paths"].values():
        for method, operation in path.items():
            name = operation["operationId"].rsplit("_api", 1)[0]
            operations.setdefault(name, ())
            operations[name] += (method.upper(),)
    found = []
    for route in _walk(get_resolver()):
        if route.key.startswith("api-v1:") and route.key.endswith("_api"):
            suffix = route.key.split(":", 1)[1][: -len("_api")]
            matches = [methods for name, methods in operations.items() if name.endswith(suffix)]
            route = Route(route.key, route.pattern, matches[0] if len(matches) == 1 else ())
        found.append(route)
    return found


def test_every_route_is_classified() -> None:
    # when
    unclassified = [r.pattern for r in routes()
                    if r.key not in RULES and not r.key.startswith(f"{ADMIN_NAMESPACE}:")]
    stale = set(RULES) - {r.key for r in routes()}

    # then
    assert unclassified == [], "classify these routes in RULES (public / citizen-own / staff-org / monitor / admin)"
    assert stale == set()


def test_every_api_operation_is_checked_with_its_method() -> None:
    for route in routes():
        if route.key.startswith("api-v1:") and route.key.endswith("_api"):
            assert len(route.methods) == 1, (route.key, route.methods)
            assert RULES[route.key].method == route.methods[0], route.key


# --- running the matrix -----------------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if m.__module__.startswith("qyzmet."))


def _fingerprint() -> tuple[Any, ...]:
    """Row counts of every table of the platform, and the state of the rows a refused request might change."""
    with connection.cursor() as cursor:
        counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in _tables())
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
        cursor.execute("SELECT id, status, completed_at FROM cases_task ORDER BY id")
        tasks = cursor.fetchall()
        cursor.execute("SELECT id, status FROM cases_case ORDER BY id")
        cases = cursor.fetchall()
        cursor.execute("SELECT id, status, operator_id FROM hall_queueticket ORDER BY id")
        tickets = cursor.fetchall()
        cursor.execute("SELECT id, operator_id, opened_at FROM hall_hallwindow ORDER BY id")
        windows = cursor.fetchall()
        cursor.execute("SELECT id, case_id, submitted_at FROM api_applicationdraft ORDER BY id")
        drafts = cursor.fetchall()
    return tuple(row or ()), tasks, cases, tickets, windows, drafts


@dataclass
class Answer:
    status: int
    location: str
    wrote: bool


def _request(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if url.startswith(API):
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json")
    if method == "GET":
        return client.get(url)
    return client.post(url, body or {})


def _ask(world: World, role: str, rule: Rule, side: Side, clients: dict[str, Client], *, watch: bool = True) -> Answer:
    url = rule.url(world, side)
    body = rule.body(world, side) if rule.body else None
    client = clients[role]
    client.cookies = SimpleCookie(getattr(client, "logged_in_cookies", ""))  # undo a log-out or language choice
    with transaction.atomic():
        before = _fingerprint() if watch else None
        response = _request(client, rule.method, url, body)
        wrote = watch and _fingerprint() != before
        transaction.set_rollback(True)
    return Answer(response.status_code, response.get("Location", ""), wrote)


def _refusal_problem(rule: Rule, role: str, url: str, answer: Answer) -> str | None:
    if rule.kind == "admin" and rule.staff_check:  # Django's staff check: refused people go to the admin log-in
        wanted = answer.status == 302 and answer.location.startswith("/admin/login/")
    elif role == "anonymous":
        wanted = answer.status == 401 if url.startswith(API) else (
            answer.status == 302 and bool(LOGIN_PAGE.match(answer.location)))
    else:
        wanted = answer.status in rule.refusal
    if not wanted:
        return f"refused with {answer.status} {answer.location}".strip()
    return "refused but wrote" if answer.wrote else None


def _allowed_problem(rule: Rule, answer: Answer) -> str | None:
    if answer.status >= 500 and not (rule.unavailable_ok and answer.status == 503):
        return f"failed with {answer.status}"
    if rule.kind == "public":
        return None  # the same for everyone (checked apart), whatever it is
    if answer.status in {401, 403, 404} or (answer.status == 302 and LOGIN_PAGE.match(answer.location)):
        return f"allowed but got {answer.status} {answer.location}".strip()
    return None


def _ghost(side: Side) -> Side:
    """`side` with every object swapped for one that does not exist: "no such" must answer like "not yours"."""
    def absent(instance: Any, **values: Any) -> Any:
        twin = copy.copy(instance)
        twin.pk = 10**9
        for name, value in values.items():
            setattr(twin, name, value)
        return twin

    return replace(
        side, open_case=absent(side.open_case), open_task=absent(side.open_task), issued_case=absent(side.issued_case),
        document=absent(side.document, number="NO-SUCH-0"), receipt=absent(side.receipt, number="NO-SUCH-0"),
        draft=absent(side.draft), ticket=absent(side.ticket),
    )


@pytest.fixture
def clients(world: World) -> dict[str, Client]:
    made = {}
    for role, person in world.people.items():
        client = Client()
        if person is not None:
            client.force_login(person)
            client.logged_in_cookies = client.cookies.output(header="", sep=";")  # type: ignore[attr-defined]
        made[role] = client
    return made


def _mirror(roles: frozenset[str]) -> frozenset[str]:
    return frozenset(MIRROR[r] for r in roles if r in MIRROR)


def test_the_matrix(world: World, clients: dict[str, Client]) -> None:
    problems: list[str] = []
    ghost = _ghost(world.other)
    for key, rule in RULES.items():
        sides = [(world.own, rule.allowed)] + ([(world.other, _mirror(rule.allowed))] if rule.other else [])
        for side, allowed in sides:
            answers = {role: _ask(world, role, rule, side, clients, watch=role not in allowed) for role in ROLES}
            url = rule.url(world, side)
            if rule.same_for_all and len({a.status for a in answers.values()}) != 1:
                problems.append(f"{key} {url}: not the same for all: { {r: a.status for r, a in answers.items()} }")
            for role, answer in answers.items():
                problem = (_allowed_problem(rule, answer) if role in allowed
                           else _refusal_problem(rule, role, url, answer))
                if problem:
                    problems.append(f"{key} {url} as {role}: {problem}")
                elif side is world.other and role in rule.allowed - allowed:  # own yes, other's no
                    absent = _ask(world, role, rule, ghost, clients, watch=False)
                    if absent.status != answer.status:
                        problems.append(f"{key} {url} as {role}: not yours {answer.status}, no such {absent.status}")
    assert problems == [], "\n".join(problems)


def test_the_admin_is_for_staff_accounts_only(world: World, clients: dict[str, Client]) -> None:
    problems = []
    for route in routes():
        if not route.key.startswith(f"{ADMIN_NAMESPACE}:") or route.key in ADMIN_PUBLIC:
            continue
        url = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route.pattern).replace("^", "").replace("$", "")
        for role in ("anonymous", "citizen_a", "clerk_x", "monitor"):  # no staff account (is_staff) among them
            answer = _ask(world, role, Rule("admin", fixed(url), NOBODY), world.own, clients)
            refused = answer.status == 401 or (answer.status == 302 and answer.location.startswith("/admin/login/"))
            if not refused or answer.wrote:
                problems.append(f"{route.key} {url} as {role}: {answer.status} {answer.location} wrote={answer.wrote}")
    assert problems == [], "\n".join(problems)
