"""Where the verifier asks about revocation (OCSP responders, CRL distribution points) and a signer asks
for a time-stamp (a TSA), over httpx.

Both take an injected `httpx.Client`, so the transport decides where a request goes: the
network, the platform's own responder in-process (`transport.PlatformTransport`), or a fake
in tests. Addresses come from the certificate (AIA and CDP) unless one is given. No Django.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Protocol

import httpx
from cryptography import x509

from qyzmet.signatures import cms, revocation, tsp
from qyzmet.signatures.revocation import RevocationAnswer, RevocationStatus

OCSP_REQUEST_TYPE: Final = "application/ocsp-request"
OCSP_RESPONSE_TYPE: Final = "application/ocsp-response"
NO_ADDRESS: Final = "the certificate names no {source} address"
FETCH_FAILED: Final = "{url}: {error}"


class RevocationSource(Protocol):
    """Anything that can say whether a certificate is revoked."""

    name: str

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        ...


class OcspSource:
    """Ask the certificate's OCSP responder (RFC 6960, HTTP POST, with a nonce)."""

    name = revocation.OCSP

    def __init__(
        self, client: httpx.Client, *, url: str | None = None, max_age: timedelta = revocation.OCSP_MAX_AGE
    ) -> None:
        self._client = client
        self._url = url
        self._max_age = max_age

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        urls = [self._url] if self._url else revocation.certificate_urls(certificate, revocation.OCSP)
        if not urls:
            return RevocationAnswer(self.name, RevocationStatus.UNAVAILABLE, detail=NO_ADDRESS.format(source="OCSP"))
        url, nonce = urls[0], revocation.ocsp_nonce()
        body = revocation.ocsp_request_build(certificate, issuer, nonce=nonce)
        headers = {"Content-Type": OCSP_REQUEST_TYPE, "Accept": OCSP_RESPONSE_TYPE}
        try:
            response = self._client.post(url, content=body, headers=headers)
            response.raise_for_status()
        except httpx.HTTPError as error:
            return RevocationAnswer(
                self.name, RevocationStatus.UNAVAILABLE, url=url, detail=FETCH_FAILED.format(url=url, error=error)
            )
        return revocation.ocsp_response_read(
            response.content, certificate=certificate, issuer=issuer, nonce=nonce, now=now, url=url,
            max_age=self._max_age,
        )


class CrlSource:
    """Download the certificate's CRL (CDP) and look the serial number up; keeps CRLs until they go stale."""

    name = revocation.CRL

    def __init__(
        self, client: httpx.Client, *, url: str | None = None, max_age: timedelta = revocation.CRL_MAX_AGE
    ) -> None:
        self._client = client
        self._url = url
        self._max_age = max_age
        self._cache: dict[str, bytes] = {}

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        urls = [self._url] if self._url else revocation.certificate_urls(certificate, revocation.CRL)
        answer = RevocationAnswer(self.name, RevocationStatus.UNAVAILABLE, detail=NO_ADDRESS.format(source="CRL"))
        for url in urls:
            answer = self._ask(url, certificate, issuer, now=now)
            if answer.status is not RevocationStatus.UNAVAILABLE:
                return answer
        return answer

    def _ask(
        self, url: str, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime
    ) -> RevocationAnswer:
        cached = self._cache.get(url)
        if cached is not None:
            answer = revocation.crl_read(
                cached, certificate=certificate, issuer=issuer, now=now, url=url, max_age=self._max_age
            )
            if answer.status is not RevocationStatus.UNAVAILABLE:
                return answer
        try:
            response = self._client.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            return RevocationAnswer(
                self.name, RevocationStatus.UNAVAILABLE, url=url, detail=FETCH_FAILED.format(url=url, error=error)
            )
        self._cache[url] = response.content
        return revocation.crl_read(
            response.content, certificate=certificate, issuer=issuer, now=now, url=url, max_age=self._max_age
        )


def timestamp_add(client: httpx.Client, signature: bytes, *, url: str) -> bytes:
    """Ask the TSA at `url` (RFC 3161 over HTTP) to stamp the signature's value; the signature with the token, DER.

    Raises httpx.HTTPError when the TSA cannot be reached and tsp.TimestampInvalid when it refuses.
    """
    parsed = cms.cms_parse(signature)
    nonce = tsp.timestamp_nonce()
    body = tsp.timestamp_request_build(parsed.signers[0].signature, nonce=nonce)
    response = client.post(url, content=body, headers={"Content-Type": tsp.REQUEST_TYPE})
    response.raise_for_status()
    return cms.cms_timestamp_attach(signature, tsp.timestamp_response_token(response.content, nonce=nonce))
