"""The NCALayer stand-in over a real WebSocket, answering what ncalayer-js-client 1.5.6 sends."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from qyzmet.ncalayer.protocol import StandIn, StandInKey
from qyzmet.signatures import cms, get_verifier, messages
from qyzmet.signatures.pki import Pki
from qyzmet.signatures.profile import Purpose
from tests.ncalayer.conftest import IIN, OTHER_IIN, PASSWORD, KeyFile, Page, StartStandIn

DOCUMENT = "Өтініш №42 / Заявление №42".encode()
DOCUMENT_B64 = base64.b64encode(DOCUMENT).decode("ascii")
SIGN_ANY = {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4"]}
AUTH_ANY = {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.2"]}
DETACHED = {"decode": True, "encapsulate": False, "digested": False, "tsaProfile": {}}
ATTACHED = {"decode": True, "encapsulate": True, "digested": False, "tsaProfile": {}}


def basics_sign(data: Any, signing: Any, signer: Any, storages: Any = None) -> dict[str, Any]:
    """The request basicsSignCMS sends (ncalayer-client.js, basicsSign)."""
    return {"module": "kz.gov.pki.knca.basics", "method": "sign", "args": {
        "allowedStorages": storages, "format": "cms", "data": data, "signingParams": signing,
        "signerParams": signer, "locale": "kk"}}


def common_utils(method: str, *args: Any) -> dict[str, Any]:
    return {"module": "kz.gov.pki.knca.commonUtils", "method": method, "args": list(args)}


def der_of_pem(pem: str) -> bytes:
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    return base64.b64decode(body)


def test_greets_with_a_version_and_refuses_the_kaztoken_probe(stand_in: StartStandIn,
                                                             page_of: Callable[[str], Page]) -> None:
    # when
    page = page_of(stand_in())
    probe = page.ask({"module": "kz.digiflow.mobile.extensions", "method": "getVersion"})

    # then: connect() resolves with result.version, and the probe is an error, so isKmd stays false
    assert page.greeting == {"result": {"version": "1.4"}}
    assert probe["status"] is False
    assert probe["code"] == "MODULE_NOT_FOUND"


@pytest.mark.django_db
def test_basics_sign_gives_a_detached_cms_that_verifies_for_the_citizen(
        pki_settings: Pki, stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    # given
    page = page_of(stand_in())

    # when
    response = page.ask(basics_sign(DOCUMENT_B64, DETACHED, SIGN_ANY))

    # then
    assert response["status"] is True
    pem = response["body"]["result"]
    assert pem.startswith("-----BEGIN CMS-----\n") and pem.endswith("-----END CMS-----\n")
    assert cms.cms_parse(pem.encode()).content is None
    verdict = get_verifier().verify(DOCUMENT, der_of_pem(pem), expected_iin=IIN, purpose=Purpose.SIGN)
    assert verdict.is_valid, verdict.to_dict()


@pytest.mark.django_db
def test_basics_sign_attaches_the_content_when_asked(
        pki_settings: Pki, stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in())

    response = page.ask(basics_sign(DOCUMENT_B64, ATTACHED, SIGN_ANY, storages=["PKCS12"]))

    pem = response["body"]["result"]
    assert cms.cms_parse(pem.encode()).content == DOCUMENT
    assert get_verifier().verify(None, der_of_pem(pem), expected_iin=IIN).is_valid


@pytest.mark.django_db
def test_an_authentication_request_is_signed_with_the_authentication_key(
        pki_settings: Pki, stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    # given: the signing key comes first in the stand-in
    page = page_of(stand_in("sign", "auth"))

    # when
    response = page.ask(basics_sign(DOCUMENT_B64, DETACHED, AUTH_ANY))

    # then
    signature = der_of_pem(response["body"]["result"])
    assert get_verifier().verify(DOCUMENT, signature, expected_iin=IIN, purpose=Purpose.AUTH).is_valid
    as_document = get_verifier().verify(DOCUMENT, signature, expected_iin=IIN, purpose=Purpose.SIGN)
    assert as_document.code == messages.KEY_USAGE_AUTH_KEY


def test_a_signing_key_is_not_offered_for_authentication(stand_in: StartStandIn,
                                                         page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in("sign"))

    response = page.ask(basics_sign(DOCUMENT_B64, DETACHED, AUTH_ANY))

    assert response["status"] is False
    assert "result" not in response.get("body", {})
    assert response["details"] == "no key in the storage matches the request"


def test_a_key_of_another_iin_is_not_offered(stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in())

    response = page.ask(basics_sign(DOCUMENT_B64, DETACHED, {**SIGN_ANY, "iin": OTHER_IIN}))

    assert response["status"] is False


@pytest.mark.django_db
def test_several_documents_are_signed_in_one_operation(
        pki_settings: Pki, stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in())
    other = b"second document"

    response = page.ask(basics_sign([DOCUMENT_B64, base64.b64encode(other).decode()], DETACHED, SIGN_ANY))

    first, second = response["body"]["result"]
    assert get_verifier().verify(DOCUMENT, der_of_pem(first), expected_iin=IIN).is_valid
    assert get_verifier().verify(other, der_of_pem(second), expected_iin=IIN).is_valid


def test_bad_requests_get_ncalayer_errors(stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in())

    not_params = page.ask(basics_sign(DOCUMENT_B64, 555, SIGN_ANY))
    not_base64 = page.ask(basics_sign("not base64!", DETACHED, SIGN_ANY))
    digest = page.ask(basics_sign(DOCUMENT_B64, {**DETACHED, "digested": True}, SIGN_ANY))
    hardware_only = page.ask(basics_sign(DOCUMENT_B64, DETACHED, SIGN_ANY, storages=["AKKaztokenStore"]))
    key_info = page.ask(common_utils("getKeyInfo", 1))

    assert not_params == {"status": False, "code": "INVOCATION_ERROR",
                          "message": "An invoked method threw an exception.",
                          "details": 'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.'}
    assert [not_base64["status"], digest["status"], hardware_only["status"]] == [False, False, False]
    assert key_info == {"code": "500",
                        "message": "java.lang.IllegalArgumentException: argument type mismatch. Method: getKeyInfo"}


def test_in_cancel_mode_every_dialog_is_cancelled(stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in(cancel=True))

    basics = page.ask(basics_sign(DOCUMENT_B64, DETACHED, SIGN_ANY))
    legacy = page.ask(common_utils("createCMSSignatureFromBase64", "PKCS12", "SIGNATURE", DOCUMENT_B64, False))

    # the client turns a body without a result into NCALayerError('cancelled by user', canceledByUser=true)
    assert basics == {"status": True, "body": {}}
    assert legacy == {"code": "500", "message": "action.canceled"}


@pytest.mark.django_db
def test_common_utils_signs_with_the_key_type_asked(
        pki_settings: Pki, stand_in: StartStandIn, page_of: Callable[[str], Page]) -> None:
    page = page_of(stand_in("sign", "auth"))

    tokens = page.ask(common_utils("getActiveTokens"))
    auth = page.ask(common_utils("createCMSSignatureFromBase64", "PKCS12", "AUTHENTICATION", DOCUMENT_B64, False))
    info = page.ask(common_utils("getKeyInfo", "PKCS12"))

    assert tokens == {"code": "200", "responseObject": []}
    assert auth["code"] == "200"
    signature = base64.b64decode(auth["responseObject"])
    assert get_verifier().verify(DOCUMENT, signature, expected_iin=IIN, purpose=Purpose.AUTH).is_valid
    assert f"SERIALNUMBER=IIN{IIN}" in info["responseObject"]["subjectDn"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_command_serves_the_key_files_it_is_given(key_files: dict[str, KeyFile],
                                                      page_of: Callable[[str], Page]) -> None:
    # given
    port = _free_port()
    command = [sys.executable, "-m", "qyzmet", "ncalayer", "serve", "--p12", str(key_files["sign"].path),
               "--p12", str(key_files["auth"].path), "--password", PASSWORD, "--port", str(port)]
    process = subprocess.Popen(command, env=os.environ.copy(), stdout=subprocess.PIPE, text=True)
    try:
        # when
        line = process.stdout.readline() if process.stdout else ""
        page = page_of(f"ws://127.0.0.1:{port}")

        # then
        assert line.startswith(f"NCALayer stand-in listening on ws://127.0.0.1:{port}/ with sign.p12 (sign)")
        assert page.greeting == {"result": {"version": "1.4"}}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_command_refuses_a_wrong_password(key_files: dict[str, KeyFile]) -> None:
    result = subprocess.run([sys.executable, "-m", "qyzmet", "ncalayer", "serve", "--p12",
                             str(key_files["sign"].path), "--password", "wrong", "--port", str(_free_port())],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert result.stderr.strip() == (
        "qyzmet ncalayer serve: cannot open the key file: wrong password or not a PKCS#12 file")


def _platform_tsa(ca: Pki) -> Callable[[bytes], bytes]:
    """A timestamper that asks the test CA's TSA in-process, as `ncalayer serve --tsa` asks it over HTTP."""
    import httpx

    from qyzmet.signatures.sources import timestamp_add
    from qyzmet.signatures.tsp import timestamp_response_build

    def answer(request: httpx.Request) -> httpx.Response:
        now = datetime.now(UTC)
        return httpx.Response(200, content=timestamp_response_build(request.read(), tsa=ca.tsa, chain=ca.chain,
                                                                    now=now))

    client = httpx.Client(transport=httpx.MockTransport(answer))
    return lambda signature: timestamp_add(client, signature, url="http://tsa.test/pki/tsp")


@pytest.mark.django_db
@pytest.mark.parametrize(("signing", "stamped"), [
    (DETACHED, True),  # basicsCMSParamsDetached: tsaProfile {} asks for a time-stamp
    ({"decode": True, "encapsulate": False, "digested": False}, False),  # ...DetachedNoTSP
])
def test_basics_sign_adds_a_time_stamp_when_the_page_asks_for_one(
        pki_settings: Pki, key_files: dict[str, KeyFile], signing: dict[str, Any], stamped: bool) -> None:
    # given a stand-in holding the signing key, with the test TSA
    stand_in = StandIn([StandInKey.from_bundle(key_files["sign"].bundle)], timestamper=_platform_tsa(pki_settings))

    # when
    answer = stand_in.answer(basics_sign(DOCUMENT_B64, signing, SIGN_ANY))
    signature = der_of_pem(answer["body"]["result"])
    verdict = get_verifier().verify(DOCUMENT, signature, expected_iin=IIN)

    # then
    assert verdict.is_valid, verdict.codes
    assert (cms.cms_parse(signature).signers[0].timestamp_token is not None) is stamped
    assert verdict.check("timestamp").outcome.value == ("passed" if stamped else "skipped")
