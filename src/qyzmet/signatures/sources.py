"""Where the verifier asks about revocation (OCSP responders, CRL distribution points) and a signer asks
for a time-stamp (a TSA), over httpx.

Both take an injected `httpx.Client`, so the transport decides where a request goes: the
network, the platform's own responder in-process (`transport.PlatformTransport`), or a fake
in tests. Addresses come from the certificate (AIA and CDP) unless one is given. No Django.

Both may share a process-wide cache (`PROCESS_CACHE`): an OCSP answer is kept until the
nextUpdate its responder vouches for (RFC 5019 §6), a CRL until its own nextUpdate, so a
busy verifier asks once per certificate per validity period instead of once per signature.
"""

from __future__ import annotations

import threading
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
# Bounds the cache's memory: past this many answers the oldest are dropped.
CACHE_MAX_ANSWERS: Final = 100_000


class RevocationCache:
    """OCSP answers and CRLs kept until their nextUpdate; thread-safe, one per process.

    An answer is used only inside the period it vouches for (thisUpdate - skew to nextUpdate),
    so a clock set back or forward never gets an answer the responder did not give for that time.
    Only definite answers (good, revoked) with a nextUpdate are kept.
    """

    def __init__(self, *, max_answers: int = CACHE_MAX_ANSWERS,
                 skew: timedelta = revocation.CLOCK_SKEW) -> None:
        self._answers: dict[tuple[bytes, int], RevocationAnswer] = {}
        self._crls: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._max_answers = max_answers
        self._skew = skew

    @staticmethod
    def key(certificate: x509.Certificate, issuer: x509.Certificate) -> tuple[bytes, int]:
        """The issuer's subject (DER) and the certificate's serial number: unique per certificate."""
        return issuer.subject.public_bytes(), certificate.serial_number

    def answer(self, key: tuple[bytes, int], *, now: datetime) -> RevocationAnswer | None:
        """The kept answer for `key` if it is current at `now`, else None."""
        found = self._answers.get(key)
        if found is None or found.next_update is None or found.this_update is None:
            return None
        if found.this_update - self._skew <= now < found.next_update:
            return found
        return None

    def answer_keep(self, key: tuple[bytes, int], answer: RevocationAnswer) -> None:
        """Keep a definite answer that says until when it holds; ignore any other."""
        definite = answer.status in {RevocationStatus.GOOD, RevocationStatus.REVOKED}
        if not definite or answer.next_update is None or answer.this_update is None:
            return
        with self._lock:
            if key not in self._answers and len(self._answers) >= self._max_answers:
                self._answers.pop(next(iter(self._answers)))
            self._answers[key] = answer

    def crl(self, url: str) -> bytes | None:
        return self._crls.get(url)

    def crl_keep(self, url: str, data: bytes) -> None:
        with self._lock:
            self._crls[url] = data

    def forget_serial(self, serial_number: int) -> None:
        """Drop what is kept about certificates with this serial number, and every CRL.

        Called when this process revokes a certificate, so its next check sees the revocation.
        """
        with self._lock:
            for key in [key for key in self._answers if key[1] == serial_number]:
                del self._answers[key]
            self._crls.clear()

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._crls.clear()

    def __len__(self) -> int:
        return len(self._answers)


# The cache the platform's verifier shares between requests (see backends.local.LocalVerifier).
PROCESS_CACHE: Final = RevocationCache()


class RevocationSource(Protocol):
    """Anything that can say whether a certificate is revoked."""

    name: str

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        ...


class OcspSource:
    """Ask the certificate's OCSP responder (RFC 6960, HTTP POST, with a nonce)."""

    name = revocation.OCSP

    def __init__(
        self, client: httpx.Client, *, url: str | None = None, cache: RevocationCache | None = None,
        max_age: timedelta = revocation.OCSP_MAX_AGE,
    ) -> None:
        self._client = client
        self._url = url
        self._cache = cache
        self._max_age = max_age

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
        if self._cache is None:
            return self._ask(certificate, issuer, now=now)
        key = self._cache.key(certificate, issuer)
        cached = self._cache.answer(key, now=now)
        # Kept until nextUpdate, and no longer than the freshness window from its thisUpdate.
        if cached is not None and cached.this_update is not None and now - cached.this_update <= self._max_age:
            return cached
        answer = self._ask(certificate, issuer, now=now)
        self._cache.answer_keep(key, answer)
        return answer

    def _ask(self, certificate: x509.Certificate, issuer: x509.Certificate, *, now: datetime) -> RevocationAnswer:
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
        self, client: httpx.Client, *, url: str | None = None, cache: RevocationCache | None = None,
        max_age: timedelta = revocation.CRL_MAX_AGE,
    ) -> None:
        self._client = client
        self._url = url
        self._cache = cache if cache is not None else RevocationCache()
        self._max_age = max_age

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
        cached = self._cache.crl(url)
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
        self._cache.crl_keep(url, response.content)
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
