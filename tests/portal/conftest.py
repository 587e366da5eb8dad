"""The cases fixtures (back-dated CA, catalogue, demo people) for the cabinet tests."""

from tests.cases.conftest import _pki_settings, pki_directory, platform

__all__ = ["_pki_settings", "pki_directory", "platform"]
