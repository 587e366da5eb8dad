"""`qyzmet setup`: bring a database up to date and load the catalogue and demo data. Idempotent."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.core.management import call_command
from django.utils import timezone

# Loaders run in order after migrations; each is `(dotted path, description)` and must be idempotent.
SETUP_STEPS: tuple[tuple[str, str], ...] = (
    ("qyzmet.core.setup.load_catalogue", "regulation catalogue"),
    ("qyzmet.signatures.setup.load_pki", "test national CA"),
    ("qyzmet.gateway.setup.load_gateway_credentials", "gateway and registry certificates"),
    ("qyzmet.identity.demo.load_demo", "demo organizations, staff and citizens"),
    ("qyzmet.notifications.setup.load_demo_contacts", "demo e-mail contacts for notifications"),
)


def load_catalogue() -> str:
    from qyzmet.catalog.registry import catalog_default
    from qyzmet.catalog.services import catalog_sync

    report = catalog_sync(catalog=catalog_default(), now=timezone.now())
    return f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"


def _resolve(dotted: str) -> Callable[[], str]:
    module_name, _, attribute = dotted.rpartition(".")
    loader: Callable[[], str] = getattr(importlib.import_module(module_name), attribute)
    return loader


def platform_setup(*, verbose: bool = True) -> None:
    """Migrate, collect static files, then run every loader of `SETUP_STEPS`."""
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    call_command("collectstatic", interactive=False, verbosity=0)
    for dotted, description in SETUP_STEPS:
        outcome = _resolve(dotted)()
        if verbose:
            print(f"{description}: {outcome}")
