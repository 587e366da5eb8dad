"""Workstation tests: the API tests' package fixtures (catalogue, demo people, back-dated CA, the registry
simulator over real HTTP, a stopped clock) and the hall's people."""

from __future__ import annotations

import pytest
from django.test import Client

from qyzmet.identity.models import Organization, User
from tests.api.conftest import api, api_ca, api_data, api_registries, clock, registry

__all__ = ["api", "api_ca", "api_data", "api_registries", "clock", "registry"]

OPERATOR_IIN = "811130471163"  # sc_operator at wko-sc (identity.demo)
JAMBYL_OPERATOR_IIN = "920524373402"  # sc_operator at jambyl-sc


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
