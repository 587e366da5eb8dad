"""Factories for identity rows. Users get a valid IIN from a sequence; organizations go through the service."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import factory
from django.contrib.auth.hashers import make_password

from qyzmet.identity.demo import bin_for, iin_for
from qyzmet.identity.models import Organization, OrganizationKind, User
from qyzmet.identity.services import organization_create

PASSWORD = "correct-horse-battery"
CREATED_AT = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    iin = factory.Sequence(lambda n: iin_for(date(1980, 1, 1) + timedelta(days=n), "M", 7000 + n))
    surname = "Ахметов"
    given_name = factory.Iterator(["Ерлан", "Нұрлан", "Асқар", "Бауыржан"])
    patronymic = "Серікұлы"
    mobile = ""
    password = factory.LazyFunction(lambda: make_password(PASSWORD))
    created_at = CREATED_AT

    class Params:
        with_mobile = factory.Trait(mobile=factory.Sequence(lambda n: f"+7701{n:07d}"))
        inactive = factory.Trait(is_active=False)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"test-org-{n}")
    bin = factory.LazyAttribute(lambda o: bin_for(o.code, branch=False))
    name_kk = factory.LazyAttribute(lambda o: f"{o.code} (kk)")
    name_ru = factory.LazyAttribute(lambda o: f"{o.code} (ru)")
    kind = OrganizationKind.DISTRICT_AKIMAT
    parent = None

    @classmethod
    def _create(cls, model_class: type[Organization], *args: Any, **kwargs: Any) -> Organization:
        return organization_create(**kwargs)
