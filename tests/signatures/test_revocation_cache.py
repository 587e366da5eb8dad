"""The process-wide revocation cache: an OCSP answer is reused until its nextUpdate, on a virtual clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from qyzmet.signatures import revocation
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.revocation import CertificateState, RevocationStatus
from qyzmet.signatures.sources import OcspSource, RevocationCache
from tests.signatures.conftest import IssuedKey

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
OCSP_URL = "http://ocsp.test/ocsp"


class Responder:
    """A fake OCSP responder on a virtual clock: answers with thisUpdate = the clock, nextUpdate an hour later."""

    def __init__(self, ca: Pki, state: CertificateState | None) -> None:
        self.ca, self.state, self.clock, self.asked = ca, state, NOW, 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.asked += 1
        body = revocation.ocsp_response_build(
            request.read(), issuer=self.ca.issuing.certificate, responder=self.ca.responder.certificate,
            responder_key=self.ca.responder.key, lookup=lambda serial: self.state, now=self.clock,
        )
        return httpx.Response(200, content=body)


def asker(ca: Pki, responder: Responder, cache: RevocationCache) -> Callable[[IssuedKey], RevocationStatus]:
    source = OcspSource(httpx.Client(transport=httpx.MockTransport(responder.handle)), url=OCSP_URL, cache=cache)

    def ask(key: IssuedKey) -> RevocationStatus:
        return source.status(key.certificate, ca.issuing.certificate, now=responder.clock).status

    return ask


def test_a_good_answer_is_reused_until_its_next_update(ca: Pki, sign_key: IssuedKey) -> None:
    # given a responder whose answers hold for one hour (revocation.OCSP_VALIDITY)
    responder = Responder(ca, CertificateState(revoked_at=None))
    ask = asker(ca, responder, RevocationCache())

    # when asked now, 59 minutes later, then one hour and a second later
    first = ask(sign_key)
    responder.clock = NOW + timedelta(minutes=59)
    second = ask(sign_key)
    asked_before_expiry = responder.asked
    responder.clock = NOW + timedelta(hours=1, seconds=1)
    third = ask(sign_key)

    # then the responder was asked once for the first hour and again once it had passed
    assert (first, second, third) == (RevocationStatus.GOOD,) * 3
    assert asked_before_expiry == 1
    assert responder.asked == 2


def test_an_answer_is_not_used_before_the_period_it_vouches_for(ca: Pki, sign_key: IssuedKey) -> None:
    responder = Responder(ca, CertificateState(revoked_at=None))
    ask = asker(ca, responder, RevocationCache())
    ask(sign_key)

    responder.clock = NOW - timedelta(days=1)  # a verification of an older moment
    ask(sign_key)

    assert responder.asked == 2


def test_unknown_answers_are_not_kept(ca: Pki, sign_key: IssuedKey) -> None:
    responder = Responder(ca, None)  # the responder never issued this certificate
    ask = asker(ca, responder, RevocationCache())

    assert [ask(sign_key), ask(sign_key)] == [RevocationStatus.UNKNOWN] * 2
    assert responder.asked == 2


def test_failures_are_not_kept(ca: Pki, sign_key: IssuedKey) -> None:
    calls = []

    def broken(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    cache = RevocationCache()
    source = OcspSource(httpx.Client(transport=httpx.MockTransport(broken)), url=OCSP_URL, cache=cache)

    statuses = [source.status(sign_key.certificate, ca.issuing.certificate, now=NOW).status for _ in range(2)]

    assert statuses == [RevocationStatus.UNAVAILABLE] * 2
    assert (len(calls), len(cache)) == (2, 0)


def test_forgetting_a_serial_makes_the_next_check_ask_again(ca: Pki, sign_key: IssuedKey) -> None:
    # given a cached "good"
    responder = Responder(ca, CertificateState(revoked_at=None))
    cache = RevocationCache()
    ask = asker(ca, responder, cache)
    ask(sign_key)

    # when the certificate is revoked here and the cache told so
    responder.state = CertificateState(revoked_at=NOW, reason="keyCompromise")
    cache.forget_serial(sign_key.certificate.serial_number)

    # then the next check asks and sees the revocation
    assert ask(sign_key) is RevocationStatus.REVOKED
    assert responder.asked == 2


def test_the_oldest_answers_go_when_the_cache_is_full(
    ca: Pki, sign_key: IssuedKey, auth_key: IssuedKey, staff_key: IssuedKey
) -> None:
    responder = Responder(ca, CertificateState(revoked_at=None))
    ask = asker(ca, responder, RevocationCache(max_answers=2))

    for key in (sign_key, auth_key, staff_key, staff_key, sign_key):
        ask(key)

    # sign, auth, staff asked; staff again from the cache; sign was dropped when staff came in
    assert responder.asked == 4
