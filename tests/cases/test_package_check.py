"""The Standard's p.9 list as the intake checklist: one rule for every desk (cases.intake.package_check).

Who may refuse to accept an incomplete package is the regulation's (`refusal_to_accept.by`): the
guardian allowance's names the State Corporation only, the camp referrals' the provider and the
State Corporation, the patronat payment's (2015) nobody.
"""

from __future__ import annotations

import pytest

from qyzmet.cases.errors import PackageIncomplete
from qyzmet.cases.intake import package_check, package_documents
from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.schema import ServiceDefinition

REQUIRED = ("application", "identity document", "birth certificate")


def definition(service_id: str) -> ServiceDefinition:
    return catalog_default().latest(service_id)


@pytest.mark.parametrize(("service", "channel"), [
    ("wko-2019-guardian-allowance", "state_corporation"),
    ("wko-2019-camp-referrals", "provider_office"),
    ("wko-2019-camp-referrals", "state_corporation"),
])
def test_a_gap_stops_intake_where_the_regulation_lets_this_desk_refuse(service: str, channel: str) -> None:
    with pytest.raises(PackageIncomplete) as refused:
        package_check(definition(service), channel, required=REQUIRED, presented={0, 2})

    assert refused.value.missing == ["identity document"]
    assert refused.value.code == "package_incomplete"
    assert refused.value.message("ru") == (
        "Пакет документов неполный: identity document. Откажите в приеме и выдайте расписку.")


@pytest.mark.parametrize(("service", "channel"), [
    ("wko-2019-guardian-allowance", "portal"),  # only the State Corporation may refuse this one
    ("wko-2015-patronat-payment", "provider_office"),  # no refusal to accept in this regulation
])
def test_elsewhere_the_package_is_accepted_and_its_gaps_returned(service: str, channel: str) -> None:
    assert package_check(definition(service), channel, required=REQUIRED, presented=[1]) == [
        "application", "birth certificate"]


def test_a_complete_package_or_an_empty_list_checks_nothing() -> None:
    camp = definition("wko-2019-camp-referrals")
    assert package_check(camp, "provider_office", required=REQUIRED, presented=range(3)) == []
    assert package_check(camp, "provider_office", required=(), presented=()) == []


def test_the_ticked_documents_head_the_package_and_are_not_repeated() -> None:
    assert package_documents(REQUIRED, {2, 0}, ["birth certificate", "income statement"]) == [
        "application", "birth certificate", "income statement"]
