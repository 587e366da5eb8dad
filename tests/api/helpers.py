"""Helpers of the API tests: a client that acts as one person at a time, EDS keys, and the case driver.

The driver does through HTTP what `qyzmet.demo.driver` does through the services: file an
application through a channel, then let the person holding each task's role act on it, moving
the clock as they go, signing with demo keys where a step signs.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Final

import time_machine
from django.test import Client
from django.utils import timezone

from qyzmet.demo.keys import demo_key_for, demo_sign
from qyzmet.identity.demo import CITIZENS, DEMO_PASSWORD
from qyzmet.identity.models import Organization, StaffRole, User
from qyzmet.signatures.models import IssuedCertificate
from qyzmet.signatures.pki import KeyBundle, serial_hex
from qyzmet.signatures.profile import Purpose
from qyzmet.signatures.services import certificate_record_issued, pki_default
from tests.calendar.reference import add_office_minutes, deadline_reference

API: Final = "/api/v1"
APPLICANT_IIN: Final = CITIZENS[0].iin  # Нұрланова Айгүл, with a mobile number
OTHER_CITIZEN_IIN: Final = CITIZENS[1].iin
NO_MOBILE_IIN: Final = CITIZENS[4].iin
REFUSAL_GROUND: Final = "Құжаттар Стандарттың 9-тармағына сәйкес емес / Документы не соответствуют пункту 9 Стандарта"

_KEYS: dict[tuple[str, str, str, str], KeyBundle] = {}


def key_for(user: User, *, organization: Organization | None = None, purpose: Purpose = Purpose.SIGN) -> KeyBundle:
    """The person's demo key, made once per session; re-registered where a rolled-back test took its record."""
    # Keyed by the test CA's folder too: each test package may set up its own CA.
    index = (str(pki_default().directory), user.iin, organization.bin if organization else "", purpose.value)
    bundle = _KEYS.get(index)
    now = timezone.now()
    if bundle is None:
        bundle = _KEYS[index] = demo_key_for(user, organization=organization, purpose=purpose, now=now)
    elif not IssuedCertificate.objects.filter(serial_number=serial_hex(bundle.certificate.serial_number)).exists():
        certificate_record_issued(pki=pki_default(), certificate=bundle.certificate, purpose=purpose, now=now)
    return bundle


def sign_b64(bundle: KeyBundle, content: bytes) -> str:
    return base64.b64encode(demo_sign(bundle, content, at=timezone.now())).decode("ascii")


def staff_member(role: str, organization: Organization) -> User:
    found = StaffRole.objects.filter(role=role, organization=organization).select_related("user").first()
    assert found is not None, f"no {role} in {organization.code}"
    return found.user


def user(iin: str) -> User:
    return User.objects.get(iin=iin)


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class ApiClient:
    """The Django test client against /api/v1/, acting as a given person with their bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def token(self, person: User) -> str:
        """A live token for the person, logging in with the demo password when there is none."""
        held = self._tokens.get(person.iin)
        if held is not None and held[1] > timezone.now() + timedelta(minutes=1):
            return held[0]
        response = self.client.post(f"{API}/auth/token", {"iin": person.iin, "password": DEMO_PASSWORD},
                                    content_type="application/json")
        assert response.status_code == 201, response.content
        body = response.json()
        self._tokens[person.iin] = (body["token"], datetime.fromisoformat(body["expires_at"]))
        return str(body["token"])

    def _headers(self, person: User | None, key: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token(person)}"} if person is not None else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, person: User | None, path: str, **query: Any) -> Any:
        return self.client.get(f"{API}{path}", query, headers=self._headers(person, None))

    def post(self, person: User | None, path: str, body: Any = None, *, key: str | None = None) -> Any:
        return self.client.post(f"{API}{path}", json.dumps(body if body is not None else {}),
                                content_type="application/json", headers=self._headers(person, key))

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, (response.status_code, response.content.decode()[:2000])
        return response.json()


# --- the driver ----------------------------------------------------------------------------------------


@dataclass
class Drive:
    service: str
    channel: str
    applicant: User
    case: dict[str, Any]
    definition: dict[str, Any]
    acted: list[dict[str, Any]] = field(default_factory=list)

    def channel_definition(self) -> dict[str, Any]:
        return next(c for c in self.definition["channels"] if c["code"] == self.channel)


def _first_with_role(organizations: list[dict[str, Any]], role: str) -> dict[str, Any]:
    for organization in organizations:
        if StaffRole.objects.filter(organization_id=organization["id"], role=role).exists():
            return organization
    raise AssertionError(f"none of {[o['code'] for o in organizations]} has a {role}")


def case_file(api: ApiClient, service: str, channel: str, *, applicant: User, form: dict[str, Any] | None = None,
              provider: dict[str, Any] | None = None, key: str | None = None) -> dict[str, Any]:
    """File an application through `channel` as the applicant and the intake staff; returns the case."""
    form = form if form is not None else {"demo": True}
    attachments = [{"name": "identity.pdf", "sha256": "ab" * 32}]
    provider = provider or api.ok(api.get(None, f"/services/{service}/providers"))[0]
    person = {"iin": applicant.iin}
    if channel == "portal":
        draft = api.ok(api.post(applicant, "/applications", {
            "service": service, "provider": provider["id"], "form": form, "attachments": attachments}, key=key), 201)
        signature = sign_b64(key_for(applicant), base64.b64decode(draft["content"]))
        return dict(api.ok(api.post(applicant, f"/applications/{draft['id']}/submit", {"signature": signature}), 201))
    if channel == "provider_office":
        clerk = staff_member("office_clerk", Organization.objects.get(pk=provider["id"]))
        return dict(api.ok(api.post(clerk, "/intake/office", {
            "service": service, "provider": provider["id"], "applicant": person, "form": form,
            "attachments": attachments, "originals_compared": True}, key=key), 201))
    if channel == "rural_akim":
        offices = api.ok(api.get(None, f"/services/{service}/rural-akim-offices", provider=provider["id"]))
        office = _first_with_role(offices, "akim_office_specialist")
        specialist = staff_member("akim_office_specialist", Organization.objects.get(pk=office["id"]))
        return dict(api.ok(api.post(specialist, "/intake/rural-akim", {
            "service": service, "akim_office": office["id"], "provider": provider["id"], "applicant": person,
            "form": form, "attachments": attachments}, key=key), 201))
    if channel == "state_corporation":
        branch = _first_with_role(api.ok(api.get(None, f"/services/{service}/state-corporation-branches")),
                                  "sc_operator")
        operator = staff_member("sc_operator", Organization.objects.get(pk=branch["id"]))
        body = {"service": service, "branch": branch["id"], "provider": provider["id"], "applicant": person,
                "documents": ["identity.pdf"], "form": form}
        key = key or f"sc-{uuid.uuid4()}"
        return dict(api.ok(api.post(operator, "/intake/state-corporation", sc_signed(api, operator, body, key=key),
                                    key=key), 201))
    raise AssertionError(f"unknown channel {channel}")


def sc_signed(api: ApiClient, operator: User, body: dict[str, Any], *, key: str | None = None) -> dict[str, Any]:
    """A State Corporation request as the operator sends it: previewed, then signed with the operator's key
    (with the preview's request id when no Idempotency-Key is given)."""
    preview = api.ok(api.post(operator, "/intake/state-corporation/preview", body, key=key))
    branch = Organization.objects.get(pk=body["branch"])
    signature = sign_b64(key_for(operator, organization=branch), base64.b64decode(preview["content"]))
    return {**body, "signature": signature, **({} if key else {"request_id": preview["request_id"]})}


def branch_for(task: dict[str, Any], decision: str | None) -> str:
    """The branch a task takes: the one its data names for the decision, else the one taken on success."""
    branches = task["branches"]
    fitting = [b["when"] for b in branches if b["outcome"] is not None and b["outcome"] == decision]
    return fitting[0] if fitting else next(b["when"] for b in branches if b["taken"] == "success")


def queue_direct(api: ApiClient, clerk: User, locality: dict[str, Any], age_group: str, *,
                 key: str | None = None) -> Any:
    """The clerk previews the direction of the next child, signs it with their key and directs (the response)."""
    body = {"locality": locality["id"], "group": age_group}
    preview = api.ok(api.post(clerk, "/queue/direct-next/preview", body))
    bundle = key_for(clerk, organization=Organization.objects.get(pk=locality["id"]))
    signatures = {d["document_id"]: sign_b64(bundle, base64.b64decode(d["content"])) for d in preview["documents"]}
    return api.post(clerk, "/queue/direct-next", {**body, "signatures": signatures}, key=key)


def office_hours(organization: Organization) -> tuple[time, time, time, time]:
    """The organization's opening, lunch and closing times as stored (no lunch: an empty one at opening)."""
    opens = organization.opens_at
    return (opens, organization.lunch_starts_at or opens, organization.lunch_ends_at or opens, organization.closes_at)


def completion(row: dict[str, Any], now: datetime) -> datetime:
    """When the person finishes: one office minute after the step started (or after now, if later),
    whatever its deadline says; no term of the seeds is shorter, so every step ends in its term."""
    start = max(now, moment(row["started"]) or now)
    return add_office_minutes(start, 1, office_hours(Organization.objects.get(pk=row["organization"]["id"])))


def task_act(api: ApiClient, clock: time_machine.Coordinates, row: dict[str, Any], *, outcome: str) -> dict[str, Any]:
    """The person holding the task's role finds it in their queue, reads what it needs and completes it."""
    organization = Organization.objects.get(pk=row["organization"]["id"])
    actor = staff_member(row["role"], organization)
    clock.move_to(completion(row, timezone.now()))
    queue = api.ok(api.get(actor, "/tasks"))
    assert row["id"] in [t["id"] for t in queue], f"task {row['step']} is not in the queue of its {row['role']}"
    task = api.ok(api.get(actor, f"/tasks/{row['id']}"))
    assert task["may_act"] is True
    body: dict[str, Any] = {}
    if task["branches"]:
        body["branch"] = branch_for(task, outcome)
    if task["decides"]:
        body["decision"] = outcome
        assert outcome in [d["decision"] for d in task["decisions"]]
        if outcome == "refused":
            body["ground"] = REFUSAL_GROUND
    preview = api.ok(api.post(actor, f"/tasks/{row['id']}/preview", body)) if task["signs"] else {"signs": False}
    if preview["signs"]:
        bundle = key_for(actor, organization=organization)
        body["signatures"] = {d["document_id"]: sign_b64(bundle, base64.b64decode(d["content"]))
                              for d in preview["documents"]}
    return dict(api.ok(api.post(actor, f"/tasks/{row['id']}/complete", body)))


def case_drive(api: ApiClient, clock: time_machine.Coordinates, service: str, channel: str, *,
               outcome: str = "issued", applicant: User | None = None, form: dict[str, Any] | None = None,
               max_steps: int = 60) -> Drive:
    """File and drive a case through the API until no task is open; returns the case as its applicant sees it."""
    applicant = applicant or user(APPLICANT_IIN)
    definition = api.ok(api.get(None, f"/services/{service}"))
    case = case_file(api, service, channel, applicant=applicant, form=form)
    drive = Drive(service, channel, applicant, case, definition)
    open_rows = [row for row in case["timeline"] if row["status"] == "open"]
    following = open_rows[0] if open_rows else None
    for _ in range(max_steps):
        if following is None:
            drive.case = api.ok(api.get(applicant, f"/cases/{case['id']}"))
            assert not [row for row in drive.case["timeline"] if row["status"] == "open"]
            return drive
        completed = task_act(api, clock, following, outcome=outcome)
        drive.acted.append(completed)
        following = completed["next_task"]
    raise AssertionError(f"case {case['number']} did not finish in {max_steps} steps")


def expected_deadlines(drive: Drive) -> list[datetime | None]:
    """Each step's deadline by the tests' own reference calendar (`tests.calendar.reference`): its own term
    from its start in its organization's office hours, or, for a procedure with a shared budget, the budget
    counted from the procedure's first step."""
    channel = drive.channel_definition()
    budget = channel["shared_budget"]
    timeline = drive.case["timeline"]
    first_procedure = next((row for row in timeline if row["phase"] == "procedure"), None)
    expected: list[datetime | None] = []
    for row in timeline:
        started = moment(row["started"])
        assert started is not None
        organization = Organization.objects.get(pk=row["organization"]["id"]) if row["organization"] else None
        if row["phase"] == "procedure" and budget is not None:
            assert first_procedure is not None
            first = Organization.objects.get(pk=first_procedure["organization"]["id"])
            expected.append(deadline_reference(moment(first_procedure["started"]) or started, budget["value"],
                                               budget["unit"], office_hours(first)))
            continue
        step = next(s for s in channel["steps"] if s["id"] == row["step"])
        if step["duration"] is None:
            expected.append(None)
            continue
        value, unit = step["duration"]["value"], step["duration"]["unit"]
        expected.append(deadline_reference(started, value, unit, office_hours(organization))
                        if organization else deadline_reference(started, value, unit))
    return expected
