"""Workstation tests: the API tests' package fixtures (catalogue, demo people, back-dated CA, the registry
simulator over real HTTP, a stopped clock) and the hall's people."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from qyzmet.identity.models import Organization, User
from qyzmet.signatures.pki import Pki
from tests.api import helpers
from tests.api.conftest import api, api_ca, api_data, api_registries, clock, registry

__all__ = ["api", "api_ca", "api_data", "api_registries", "clock", "registry"]

OPERATOR_IIN = "811130471163"  # sc_operator at wko-sc (identity.demo)
JAMBYL_OPERATOR_IIN = "920524373402"  # sc_operator at jambyl-sc


@pytest.fixture(scope="package", autouse=True)
def _keys_of_this_packages_ca(api_ca: Pki) -> Iterator[None]:
    """This package has its own test CA (the fixtures are re-registered here): the API helpers' cached demo
    keys, issued by another package's CA, are dropped on the way in and out."""
    helpers._KEYS.clear()
    yield
    helpers._KEYS.clear()


@pytest.fixture
def branch(api: object) -> Organization:
    return Organization.objects.get(code="wko-sc")


@pytest.fixture
def operator(branch: Organization) -> User:
    return User.objects.get(iin=OPERATOR_IIN)


@pytest.fixture
def desk(operator: User) -> Client:
    """A browser session of the West Kazakhstan branch's operator."""
    client = Client()
    client.force_login(operator)
    return client
