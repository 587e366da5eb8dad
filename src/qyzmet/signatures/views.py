"""HTTP endpoints of the test CA: CRLs, CA certificates, the OCSP responder (RFC 6960 appendix A) and the
time-stamping authority (RFC 3161 over HTTP, section 3.4)."""

from __future__ import annotations

import base64
import binascii
from typing import Final

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from qyzmet.signatures import selectors, services, tsp
from qyzmet.signatures.pki import AUTHORITY_NAMES, Pki, PkiNotInitialised

CRL_TYPE: Final = "application/pkix-crl"
CERTIFICATE_TYPE: Final = "application/pkix-cert"
OCSP_RESPONSE_TYPE: Final = "application/ocsp-response"
NO_SUCH_AUTHORITY: Final = "no certification authority called {name!r}"
NOT_SET_UP: Final = "the test CA is not set up"


def _pki() -> Pki:
    try:
        return services.pki_default()
    except PkiNotInitialised as error:
        raise Http404(NOT_SET_UP) from error


def _authority_name(name: str) -> str:
    if name not in AUTHORITY_NAMES:
        raise Http404(NO_SUCH_AUTHORITY.format(name=name))
    return name


@require_GET
def crl_view(request: HttpRequest, name: str) -> HttpResponse:
    """The current CRL of a CA, DER, regenerated when the stored one nears its nextUpdate."""
    authority_name = _authority_name(name)
    der = services.crl_current(pki=_pki(), authority_name=authority_name, now=timezone.now())
    response = HttpResponse(der, content_type=CRL_TYPE)
    response["Content-Disposition"] = f'inline; filename="{authority_name}.crl"'
    return response


@require_GET
def ca_certificate_view(request: HttpRequest, name: str) -> HttpResponse:
    """A CA certificate, DER (the caIssuers address in AIA)."""
    authority = _pki().authority(_authority_name(name))
    return HttpResponse(authority.certificate.public_bytes(serialization.Encoding.DER), content_type=CERTIFICATE_TYPE)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ocsp_view(request: HttpRequest, encoded: str = "") -> HttpResponse:
    """Answer an OCSP request: POSTed DER, or GET with the base64 request in the path."""
    if request.method == "POST":
        request_data = request.body
    else:
        try:
            request_data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            request_data = b""
    der = selectors.ocsp_answer(pki=_pki(), request_data=request_data, now=timezone.now())
    return HttpResponse(der, content_type=OCSP_RESPONSE_TYPE)


@csrf_exempt
@require_http_methods(["POST"])
def tsp_view(request: HttpRequest) -> HttpResponse:
    """Answer a DER TimeStampReq (application/timestamp-query) with a TimeStampResp signed by the test TSA."""
    pki = _pki()
    der = tsp.timestamp_response_build(request.body, tsa=pki.tsa, chain=pki.chain, now=timezone.now())
    return HttpResponse(der, content_type=tsp.RESPONSE_TYPE)
