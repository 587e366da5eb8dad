"""The service page shows each outcome's basis, the period in force, and the Standard's p.9/p.10 lists
(issue 14, ADR 0025)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.models import Service, StandardList
from qyzmet.catalog.services import catalog_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> None:
    catalog_sync(catalog=catalog_default(), now=timezone.now())


def test_the_basis_of_each_outcome_is_shown(client: Client) -> None:
    # 000 p.3 names only the decision: the refusal rests on the Standard's refusal clause
    page = client.get("/ru/services/wko-2015-patronat-payment/").content.decode()
    assert "Основание каждого результата" in page
    assert "собственные слова регламента" in page
    assert "пункт Стандарта об отказе (регламент называет только положительный результат)" in page
    assert "стандарттың 2-қосымшасына сәйкес нысан бойынша" in page  # the quoted p.3
    assert "(регламент, пункт 3)" in page and "(Стандарт, пункт 10)" in page


def test_the_period_in_force_is_shown_as_approximate(client: Client) -> None:
    page = client.get("/en/services/karaganda-2015-child-allowance/").content.decode()
    assert "06.11.2015 – 09.06.2016" in page
    assert "approximate: the earliest day the act" in page
    assert "its publication date is not in the text" in page


@pytest.mark.parametrize(
    ("language", "documents", "grounds"),
    [
        ("kk", "Стандарттың тізбесі бойынша (оның 9-тармағы)", "Стандарттың тізбесі бойынша (оның 10-тармағы)"),
        ("ru", "Как перечислено в Стандарте (его пункт 9)", "Как перечислено в Стандарте (его пункт 10)"),
        ("en", "As the Standard lists (its paragraph 9)", "As the Standard lists (its paragraph 10)"),
    ],
)
def test_empty_lists_say_as_the_standard_lists(client: Client, language: str, documents: str, grounds: str) -> None:
    prefix = "" if language == "kk" else f"/{language}"  # Kazakh is the default language, without a prefix
    page = client.get(f"{prefix}/services/wko-2019-school-meals/").content.decode()
    assert documents in page and grounds in page


def test_an_administered_list_is_shown_with_its_source(client: Client, catalogue: None) -> None:
    # given: an administrator's list (test data, not the Standard's text)
    StandardList.objects.create(
        service=Service.objects.get(slug="wko-2019-school-meals"), kind="refusal_grounds",
        items_kk="Құжаттардың дұрыс еместігі", items_ru="Недостоверность документов", items_en="False documents",
        source="Standard p.10 (test)", updated_at=timezone.now(),
    )

    # then
    page = client.get("/en/services/wko-2019-school-meals/").content.decode()
    assert "<li>False documents</li>" in page and "Standard p.10 (test)" in page
    assert "As the Standard lists (its paragraph 9)" in page  # the other list is still empty


def test_a_list_with_different_counts_per_language_is_refused(catalogue: None) -> None:
    row = StandardList(
        service=Service.objects.get(slug="wko-2019-school-meals"), kind="documents_required",
        items_kk="бір\nекі", items_ru="один", source="x", updated_at=timezone.now(),
    )
    with pytest.raises(ValidationError):
        row.clean()
