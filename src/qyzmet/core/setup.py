"""`qyzmet setup [--demo]`: bring a database up to date and load the catalogue (and the demo). Idempotent."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.core.management import call_command
from django.utils import timezone

# Loaders run in order after migrations; each is `(dotted path, description)` and must be idempotent.
SETUP_STEPS: tuple[tuple[str, str], ...] = (
    ("qyzmet.core.setup.load_catalogue", "regulation catalogue"),
)
# Only with `qyzmet setup --demo` (make run, the tests, qyzmet demo), never under the production profile.
DEMO_STEPS: tuple[tuple[str, str], ...] = (
    ("qyzmet.signatures.setup.load_pki", "test national CA"),
    ("qyzmet.gateway.setup.load_gateway_credentials", "gateway and registry certificates (test CA)"),
    ("qyzmet.identity.demo.load_demo", "demo organizations, staff and citizens"),
    ("qyzmet.notifications.setup.load_demo_contacts", "demo e-mail contacts for notifications"),
)


def load_catalogue() -> str:
    from qyzmet.catalog.definitions import catalog_appeals, catalog_default
    from qyzmet.catalog.services import catalog_sync

    report = catalog_sync(catalog=catalog_default(), now=timezone.now())
    appeals = catalog_sync(catalog=catalog_appeals(), now=timezone.now())
    return f"{report.created + appeals.created} version(s) created, {report.unchanged + appeals.unchanged} unchanged"


def _resolve(dotted: str) -> Callable[[], str]:
    module_name, _, attribute = dotted.rpartition(".")
    loader: Callable[[], str] = getattr(importlib.import_module(module_name), attribute)
    return loader


def platform_setup(*, verbose: bool = True, demo: bool = False) -> None:
    """Migrate, collect static files, then run every loader of `SETUP_STEPS` (and `DEMO_STEPS` with `demo`).

    Raises ImproperlyConfigured for `demo` under the production profile, before changing anything.
    """
    from qyzmet.core.profile import demo_ensure_allowed

    if demo:
        demo_ensure_allowed()
    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
    call_command("collectstatic", interactive=False, verbosity=0)
    for dotted, description in SETUP_STEPS + (DEMO_STEPS if demo else ()):
        outcome = _resolve(dotted)()
        if verbose:
            print(f"{description}: {outcome}")
