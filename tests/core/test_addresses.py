"""Addresses reversed once per list: the same as Django's reverse for every id."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from qyzmet.core.addresses import address_by_id


def test_an_address_by_id_is_what_reverse_gives_in_each_language() -> None:
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            address = address_by_id("portal:case")
            assert [address(pk) for pk in (1, 42, 987654321)] == [
                reverse("portal:case", args=[pk]) for pk in (1, 42, 987654321)]
