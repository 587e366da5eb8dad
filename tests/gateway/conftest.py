"""Gateway tests share the fixtures of `fixtures.py` (also imported by the hall tests)."""

from tests.gateway.fixtures import (  # noqa: F401
    gateway_ca,
    gateway_settings,
    make_client,
    operator_key,
    platform_keys,
    recorded_certificates,
    registry,
    registry_keys,
    simulator_server,
)
