"""Setup step for the gateway: the platform's and the simulated registries' certificates.

Meant for `qyzmet setup` (core.setup.SETUP_STEPS, after the test CA); `qyzmet registries serve`
and the first look-up also make them when missing. Idempotent.
"""

from __future__ import annotations

from django.utils import timezone

from qyzmet.gateway.services import platform_credentials, registry_credentials
from qyzmet.signatures.pki import serial_hex


def load_gateway_credentials() -> str:
    """Issue (once) and record the gateway participants' certificates; say which serials are in use.

    Side effects: may write key and certificate files under QYZMET_PKI_DIR/gateway/ and record
    the certificates in the test CA's register.
    """
    now = timezone.now()
    platform = platform_credentials(now=now)
    registries = registry_credentials(now=now)
    serials = ", ".join(f"{code} {serial_hex(c.serial_number)[:8]}…" for code, c in registries.certificates.items())
    return f"platform {serial_hex(platform.certificate.serial_number)[:8]}…; registries: {serials}"
