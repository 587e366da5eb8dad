"""The landing page lists every service in Kazakh and Russian."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from qyzmet.catalog.definitions import catalog_default
from qyzmet.catalog.services import catalog_sync


@pytest.mark.django_db
def test_landing_lists_every_service_in_kazakh_and_russian(client: Client) -> None:
    # given
    catalog = catalog_default()
    catalog_sync(catalog=catalog, now=datetime(2025, 1, 6, tzinfo=UTC))

    # when
    response = client.get("/")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    for definition in catalog.latest_all():
        assert f'id="{definition.id}"' in page
        assert definition.title.kk is not None and definition.title.ru is not None
        assert _escaped(definition.title.kk) in page
        assert _escaped(definition.title.ru) in page


@pytest.mark.django_db
def test_landing_speaks_the_chosen_language(client: Client) -> None:
    # given
    catalog_sync(catalog=catalog_default(), now=datetime(2025, 1, 6, tzinfo=UTC))

    # when
    kazakh = client.get("/", headers={"accept-language": "kk"}).content.decode()
    russian = client.get("/ru/").content.decode()

    # then
    assert '<html lang="kk">' in kazakh and "<h1>Мемлекеттік қызметтер</h1>" in kazakh
    assert '<html lang="ru">' in russian and "<h1>Государственные услуги</h1>" in russian
    assert "26 услуг, каждая по своему регламенту." in russian


@pytest.mark.django_db
def test_health_check_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert response.json() == {"status": "ok"}


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))
