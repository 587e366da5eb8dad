"""Hostile form data to the main POST views: random, huge, unicode, missing or unknown fields.

Every answer is a page (200, a redirect, or 4xx with its message), never a server error — the test
client re-raises any exception a view lets through — and a refused form writes nothing.
"""

from __future__ import annotations

from typing import Any, Final

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from qyzmet.api.models import ApplicationDraft
from qyzmet.cases.models import Case, Receipt
from qyzmet.identity.demo import demo_staff
from qyzmet.identity.models import Role, User
from qyzmet.state_corporation.models import QueueTicket
from tests.portal.conftest import _portal_settings  # noqa: F401  (fixture)
from tests.portal.test_apply import APPLICANT, EDS_SERVICE, provider_of
from tests.security.fuzzing import FUZZ_SLOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_data")]

# What a browser can send: any text but lone surrogates (a form is UTF-8), sometimes very long.
FORM_TEXT: Final = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "871008401427", "on", "refuse", "continue",
                     "<script>alert(1)</script>", "../../etc/passwd", "\x00", "' OR 1=1 --", "١٢٣", "NaN"]),
    st.integers(1, 200_000).map(lambda n: "A" * n),
)

FORMS: Final[dict[str, tuple[str, str | None, list[str]]]] = {
    # name: (url, who posts — an IIN, a role or nobody —, the fields the view reads)
    "signup": ("/ru/signup/", None, ["iin", "surname", "given_name", "patronymic", "mobile", "password"]),
    "login": ("/ru/login/", None, ["username", "password"]),
    "apply": (f"/ru/services/{EDS_SERVICE}/apply/", APPLICANT,
              ["provider", "action", "form_key", "remove", "field-full_name", "field-iin"]),
    "office intake": ("/ru/backoffice/intake/office/", Role.OFFICE_CLERK,
                      ["service", "intent", "applicant_iin", "applicant_name", "representative_iin", "documents",
                       "missing", "grounds", "form_key", "originals_compared", "organization"]),
    "hall intake": ("/ru/hall/desk/intake/", Role.SC_OPERATOR,
                    ["service", "provider", "applicant_iin", "applicant_bin", "representative_iin", "poa_number",
                     "poa_notarised", "documents", "request_key", "branch"]),
    "hall intake submit": ("/ru/hall/desk/intake/submit/", Role.SC_OPERATOR,
                           ["service", "provider", "applicant_iin", "request_key", "signature", "documents"]),
    "window open": ("/ru/hall/desk/window/open/", Role.SC_OPERATOR, ["number", "branch"]),
    "kiosk": ("/ru/hall/wko-sc/kiosk/", None, ["service"]),
}

ACCEPTED_STATUSES: Final = {200, 201, 302, 400, 403, 404, 405, 409, 422}


def _counts() -> tuple[int, ...]:
    return (Case.objects.count(), ApplicationDraft.objects.count(), Receipt.objects.count(), User.objects.count(),
            QueueTicket.objects.count())


def _client(who: str | None) -> Client:
    client = Client()
    if who is None:
        return client
    iin = who if who.isdigit() else next(p.iin for p in demo_staff() if p.roles[0][0] == who)
    client.force_login(User.objects.get(iin=iin))
    return client


def _form(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    known = st.dictionaries(st.sampled_from(fields), st.one_of(FORM_TEXT, st.lists(FORM_TEXT, max_size=3)),
                            max_size=len(fields))
    unknown = st.dictionaries(FORM_TEXT.filter(lambda name: 0 < len(name) < 50), FORM_TEXT, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


@pytest.mark.slow
@FUZZ_SLOW
@given(data=st.data())
@pytest.mark.parametrize("form", list(FORMS))
def test_a_hostile_form_gets_a_page_never_a_crash_and_writes_nothing_when_refused(form: str,
                                                                                 data: st.DataObject) -> None:
    url, who, fields = FORMS[form]
    client = _client(who)
    values = data.draw(_form(fields))
    if form == "apply" and data.draw(st.booleans()):
        values["provider"] = str(provider_of(EDS_SERVICE).pk)  # get past the provider to the fields
    before = _counts()

    response = client.post(url, values)

    assert response.status_code in ACCEPTED_STATUSES, (response.status_code, values)
    if response.status_code >= 400:
        assert _counts() == before, f"a refused {form} form wrote something"


@pytest.mark.parametrize("form", list(FORMS))
def test_a_body_that_is_not_utf8_gets_a_page_never_a_crash(form: str) -> None:
    url, who, fields = FORMS[form]
    body = "&".join(f"{field}=%FF%FE%C0%AF" for field in fields)
    before = _counts()
    response = _client(who).post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in ACCEPTED_STATUSES
    if response.status_code >= 400:
        assert _counts() == before
