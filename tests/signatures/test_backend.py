"""The verifier back-end end to end: register, revocation over CRL and OCSP, in-process and over HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from qyzmet.signatures import Verdict, get_verifier, messages, services
from qyzmet.signatures.backends import local
from qyzmet.signatures.backends.local import LocalVerifier, platform_client_shared
from qyzmet.signatures.pki import Pki, certificate_pem
from qyzmet.signatures.profile import Purpose
from qyzmet.signatures.transport import PlatformTransport
from tests.signatures.conftest import BASE_URL, IIN, IssuedKey, django_client_transport

DOCUMENT = b"application #42, signed as is"
NOW = datetime.now(UTC)


class AlwaysValid:
    """A stand-in back-end, as a GOST-capable service would be plugged in."""

    def verify(self, content: bytes | None, signature: bytes, **options: Any) -> Verdict:
        return Verdict(checks=())


def record(ca: Pki, key: IssuedKey) -> None:
    services.certificate_record_issued(pki=ca, certificate=key.certificate, purpose=Purpose.SIGN, now=NOW)


def revoke(ca: Pki, key: IssuedKey) -> None:
    services.certificate_revoke(pki=ca, serial_number=key.certificate.serial_number, reason="keyCompromise", now=NOW)


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def answered_by(verdict: Verdict) -> list[str]:
    answers: list[str] = verdict.check("revocation").detail["answered_by"]
    return answers


def test_get_verifier_builds_the_class_named_in_settings(settings: Any) -> None:
    assert isinstance(get_verifier(), LocalVerifier)

    settings.QYZMET_SIGNATURE_VERIFIER = "tests.signatures.test_backend.AlwaysValid"

    assert isinstance(get_verifier(), AlwaysValid)


@pytest.mark.django_db
def test_local_verifier_asks_the_platforms_own_responder_in_process(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)

    # when
    verdict = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT), expected_iin=IIN)

    # then
    assert verdict.is_valid
    assert answered_by(verdict) == ["ocsp", "crl"]


@pytest.mark.django_db
def test_revoked_certificate_is_refused_by_ocsp_in_process(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    revoke(ca, sign_key)

    # when
    verdict = LocalVerifier(revocation_sources=("ocsp",)).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOKED_OCSP,)
    assert answered_by(verdict) == ["ocsp"]


@pytest.mark.django_db
def test_revoked_certificate_is_refused_by_crl_in_process(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    revoke(ca, sign_key)

    # when
    verdict = LocalVerifier(revocation_sources=("crl",)).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOKED_CRL,)
    assert verdict.check("revocation").detail["answers"][0]["url"] == f"{BASE_URL}/pki/crl/issuing.crl"


@pytest.mark.django_db
def test_revoked_certificate_is_refused_by_ocsp_over_http(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    revoke(ca, sign_key)
    client = httpx.Client(transport=django_client_transport())

    # when
    verdict = LocalVerifier(client=client, revocation_sources=("ocsp",)).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOKED_OCSP,)


@pytest.mark.django_db
def test_revoked_certificate_is_refused_by_crl_over_http(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    revoke(ca, sign_key)
    client = httpx.Client(transport=django_client_transport())

    # when
    verdict = LocalVerifier(client=client, revocation_sources=("crl",)).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOKED_CRL,)


@pytest.mark.django_db
def test_good_certificate_passes_both_sources_over_http(ca: Pki, sign_key: IssuedKey) -> None:
    record(ca, sign_key)
    client = httpx.Client(transport=django_client_transport())

    verdict = LocalVerifier(client=client).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    assert verdict.is_valid
    assert answered_by(verdict) == ["ocsp", "crl"]


@pytest.mark.django_db
def test_when_the_ocsp_responder_is_down_the_crl_answers(ca: Pki, sign_key: IssuedKey) -> None:
    # given
    record(ca, sign_key)
    revoke(ca, sign_key)
    crl_only = django_client_transport()

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/pki/ocsp"):
            return unreachable(request)
        return crl_only.handle_request(request)

    client = httpx.Client(transport=httpx.MockTransport(route))

    # when
    verdict = LocalVerifier(client=client).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOKED_CRL,)
    assert answered_by(verdict) == ["crl"]
    assert verdict.check("revocation").detail["answers"][0]["status"] == "unavailable"


def test_when_no_revocation_source_answers_the_verdict_says_so(sign_key: IssuedKey) -> None:
    client = httpx.Client(transport=httpx.MockTransport(unreachable))

    verdict = LocalVerifier(client=client).verify(DOCUMENT, sign_key.sign(DOCUMENT))

    assert verdict.codes == (messages.REVOCATION_UNKNOWN,)
    assert answered_by(verdict) == []


@pytest.mark.django_db
def test_a_certificate_missing_from_the_register_is_refused(sign_key: IssuedKey) -> None:
    # given a certificate made with the CA key but never recorded (OCSP answers "unknown")

    # when
    verdict = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert verdict.codes == (messages.REVOCATION_UNKNOWN,)


@pytest.mark.django_db
def test_a_root_dropped_into_the_trust_folder_is_trusted(
    ca: Pki, foreign_ca: Pki, foreign_key: IssuedKey, settings: Any, tmp_path: Path
) -> None:
    # given a copy of the CA directory with the foreign root added as data
    for name in ("root.crt", "issuing.crt"):
        (tmp_path / name).write_bytes((ca.directory / name).read_bytes())
    (tmp_path / "trust").mkdir()
    (tmp_path / "trust" / "foreign_root.pem").write_bytes(certificate_pem(foreign_ca.root.certificate))
    settings.QYZMET_PKI_DIR = tmp_path
    client = httpx.Client(transport=httpx.MockTransport(unreachable))

    # when
    verdict = LocalVerifier(client=client).verify(DOCUMENT, foreign_key.sign(DOCUMENT))

    # then the chain holds; only revocation cannot be checked (the foreign CA is offline)
    assert verdict.check("chain").outcome.value == "passed"
    assert verdict.codes == (messages.REVOCATION_UNKNOWN,)


def test_a_root_listed_in_settings_is_trusted(
    foreign_ca: Pki, foreign_key: IssuedKey, settings: Any, tmp_path: Path
) -> None:
    root_file = tmp_path / "nca_rsa_test.cer"
    root_file.write_bytes(certificate_pem(foreign_ca.root.certificate))
    settings.QYZMET_TRUSTED_ROOTS = [str(root_file)]

    verdict = LocalVerifier(client=httpx.Client(transport=httpx.MockTransport(unreachable))).verify(
        DOCUMENT, foreign_key.sign(DOCUMENT)
    )

    assert verdict.check("chain").outcome.value == "passed"


def test_without_the_root_the_same_signature_has_an_unknown_issuer(foreign_key: IssuedKey) -> None:
    verdict = LocalVerifier(client=httpx.Client(transport=httpx.MockTransport(unreachable))).verify(
        DOCUMENT, foreign_key.sign(DOCUMENT)
    )

    assert verdict.codes == (messages.UNKNOWN_ISSUER,)


def test_local_verifier_refuses_an_unknown_revocation_source_name() -> None:
    with pytest.raises(ValueError, match="unknown revocation source 'tsp'"):
        LocalVerifier(revocation_sources=("tsp",))


@pytest.mark.django_db
def test_platform_transport_serves_only_pki_addresses() -> None:
    client = httpx.Client(transport=PlatformTransport(), base_url=BASE_URL)

    assert client.get("/pki/crl/issuing.crl").status_code == 200
    assert client.get("/pki/crl/other.crl").status_code == 404
    assert client.get("/admin/").status_code == 404


@pytest.fixture
def clients_made(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[httpx.Client]]:
    """Every platform client made from now on (the process's shared clients start empty)."""
    made: list[httpx.Client] = []
    real = local.platform_client

    def counted() -> httpx.Client:
        time.sleep(0.01)  # widen the window in which two threads could both make one
        client = real()
        made.append(client)
        return client

    monkeypatch.setattr(local, "_SHARED_CLIENTS", {})
    monkeypatch.setattr(local, "platform_client", counted)
    yield made
    for client in made:
        client.close()


@pytest.mark.django_db
def test_verifications_share_one_platform_client(
    ca: Pki, sign_key: IssuedKey, clients_made: list[httpx.Client]
) -> None:
    # given
    record(ca, sign_key)

    # when: two verifier instances, as two requests would get them
    first = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT), expected_iin=IIN)
    second = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT), expected_iin=IIN)

    # then
    assert first.is_valid and second.is_valid
    assert answered_by(first) == answered_by(second) == ["ocsp", "crl"]
    assert len(clients_made) == 1


@pytest.mark.django_db
def test_the_shared_client_keeps_no_answer_a_revocation_is_seen_at_once(
    ca: Pki, sign_key: IssuedKey, clients_made: list[httpx.Client]
) -> None:
    # given
    record(ca, sign_key)
    before = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # when
    revoke(ca, sign_key)
    after = get_verifier().verify(DOCUMENT, sign_key.sign(DOCUMENT))

    # then
    assert before.is_valid
    assert after.codes == (messages.REVOKED_OCSP,)
    assert len(clients_made) == 1


def test_threads_asking_at_once_get_the_same_single_client(clients_made: list[httpx.Client]) -> None:
    # given
    start = threading.Barrier(8)
    got: list[httpx.Client] = []

    def ask() -> None:
        start.wait()
        got.append(platform_client_shared())

    # when
    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then
    assert len(clients_made) == 1
    assert len(got) == 8 and all(client is clients_made[0] for client in got)


def test_another_platform_base_url_gets_its_own_client(settings: Any, clients_made: list[httpx.Client]) -> None:
    # given
    first = platform_client_shared()

    # when
    settings.QYZMET_PKI_BASE_URL = "http://127.0.0.1:9000"
    other = platform_client_shared()

    # then
    assert other is not first
    assert platform_client_shared() is other
    assert len(clients_made) == 2
