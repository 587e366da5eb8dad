"""An httpx transport that answers the platform's own /pki/ addresses in-process.

The verifier asks revocation questions over HTTP (OCSP POST, CRL GET) wherever a certificate
points, and a signer may ask the test TSA for a time-stamp (POST /pki/tsp). For the platform's
own test CA there is no need for a running server: mounted on the base URL, this transport
hands the request to the same selector and service the views use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.utils import timezone

from qyzmet.signatures import selectors, services, tsp
from qyzmet.signatures.pki import AUTHORITY_NAMES, Pki, PkiNotInitialised
from qyzmet.signatures.profile import OCSP_PATH, TSP_PATH

CRL_PATTERN: Final = re.compile(r"^/pki/crl/(?P<name>[-\w]+)\.crl$")


class PlatformTransport(httpx.BaseTransport):
    """Serve OCSP and CRL requests for the platform's CA straight from the register."""

    def __init__(
        self, *, pki_loader: Callable[[], Pki] = services.pki_default, clock: Callable[[], datetime] = timezone.now
    ) -> None:
        self._pki_loader = pki_loader
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = _relative_path(request.url.path)
        crl = CRL_PATTERN.match(path)
        try:
            if request.method == "POST" and path.rstrip("/") == OCSP_PATH:
                body = selectors.ocsp_answer(pki=self._pki_loader(), request_data=request.read(), now=self._clock())
                return httpx.Response(200, content=body, headers={"Content-Type": "application/ocsp-response"})
            if request.method == "POST" and path.rstrip("/") == TSP_PATH:
                pki = self._pki_loader()
                body = tsp.timestamp_response_build(request.read(), tsa=pki.tsa, chain=pki.chain, now=self._clock())
                return httpx.Response(200, content=body, headers={"Content-Type": tsp.RESPONSE_TYPE})
            if request.method == "GET" and crl and crl["name"] in AUTHORITY_NAMES:
                body = services.crl_current(pki=self._pki_loader(), authority_name=crl["name"], now=self._clock())
                return httpx.Response(200, content=body, headers={"Content-Type": "application/pkix-crl"})
        except PkiNotInitialised as error:
            return httpx.Response(503, text=str(error))
        return httpx.Response(404, text=f"no PKI endpoint at {request.url.path}")


def platform_mount_key(base_url: str) -> str:
    """The httpx mount pattern (scheme://host[:port]) of the platform's base URL."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def _relative_path(path: str) -> str:
    prefix = urlsplit(settings.QYZMET_PKI_BASE_URL).path.rstrip("/")
    return path[len(prefix):] if prefix and path.startswith(prefix) else path
