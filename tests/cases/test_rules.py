"""The engine's rules, each in one home: the signing rule, the branch check, the document title, idempotency."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from qyzmet.cases.errors import TransitionNotAllowed
from qyzmet.cases.idempotency import once
from qyzmet.cases.workflow import Route, branch_ensure, document_title
from qyzmet.catalog.definitions import catalog_default

# wko-2015-patronat-payment: at the provider's office register, resolve, prepare (decides), sign, issue;
# on the portal, check_user branches valid / invalid.
DEFINITION = catalog_default().latest("wko-2015-patronat-payment")


@pytest.mark.parametrize(
    ("step_id", "signs"),
    [("register", False), ("resolve", False), ("prepare", False), ("sign", True), ("issue", False)],
)
def test_the_head_signs_at_the_sign_step_and_the_executor_who_decides_does_not(step_id: str, signs: bool) -> None:
    # Paragraph 6: the executor prepares the draft decision and the head signs it.
    assert Route(DEFINITION, "provider_office").signs_at(step_id, None) is signs


def test_a_branching_step_needs_one_of_its_branches_and_another_step_takes_none() -> None:
    route = Route(DEFINITION, "portal")
    check_user, register = route.get("check_user").step, Route(DEFINITION, "provider_office").get("register").step

    branch_ensure(check_user, "invalid")
    branch_ensure(register, None)
    with pytest.raises(TransitionNotAllowed) as missing:
        branch_ensure(check_user, None)
    with pytest.raises(TransitionNotAllowed) as unexpected:
        branch_ensure(register, "valid")

    assert (missing.value.reason, unexpected.value.reason) == ("branch_required", "unexpected_input")
    assert "valid, invalid" in missing.value.messages["en"]


def test_a_document_is_titled_in_the_language_of_its_seed() -> None:
    # The seed is in Kazakh (source.language kk): the decision keeps the seed's own words.
    assert document_title(DEFINITION, "decision") == (
        "Патронат тәрбиешiлерге берiлген баланы (балаларды) асырап-бағуға ақшалай қаражат төлеуді "
        "тағайындау туралы шешім"
    )


def test_once_returns_what_the_key_already_made_and_the_winner_of_a_race() -> None:
    made: list[str] = []
    stored: dict[str, str] = {"k1": "first"}

    def create() -> str:
        made.append("x")
        return "new"

    def losing_twin() -> str:
        stored["k2"] = "winner"  # the twin committed while this one was writing
        raise IntegrityError("duplicate key")

    assert once("k1", stored.get, create) == "first" and made == []
    assert once(None, stored.get, create) == "new" and made == ["x"]
    assert once("k2", stored.get, losing_twin) == "winner"
    with pytest.raises(IntegrityError):
        once("k3", stored.get, lambda: (_ for _ in ()).throw(IntegrityError("other")))
