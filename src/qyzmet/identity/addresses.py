"""The client's IP address, as log-in throttling and challenge limits count it.

By default the socket's peer (`REMOTE_ADDR`). Behind a reverse proxy, set
`QYZMET_CLIENT_ADDRESS_HEADER` to the META key the proxy fills (e.g. `HTTP_X_REAL_IP`, or
`HTTP_X_FORWARDED_FOR`, of which the right-most entry, the one the proxy added, is taken);
never trust a header that clients can set when no proxy overwrites it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The request's client IP address, normalised; None when it is missing or not an address."""
    header = getattr(settings, "QYZMET_CLIENT_ADDRESS_HEADER", "REMOTE_ADDR") or "REMOTE_ADDR"
    candidate = str(request.META.get(header, "")).split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
