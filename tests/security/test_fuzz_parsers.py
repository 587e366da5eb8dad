"""Hostile input to every parser that needs no database: a valid result or the parser's documented error, never
another exception.

The documented errors: InvalidIdentifier / InvalidMobile (LocalizedError, kk/ru/en) for IIN, BIN and mobile
numbers; a list of `Problem`s (never an exception) for a regulation YAML; CmsError (MALFORMED_CMS or TRUNCATED,
whose kk/ru/en texts are in signatures.messages) for a CMS signature, and a Verdict for a verification;
KeyFileError for a PKCS#12 file; EnvelopeError for a gateway envelope and GatewayError (LocalizedError) for
what a registry answers; an error answer for the NCALayer stand-in.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from qyzmet.catalog.definitions import REGULATIONS_DIR
from qyzmet.catalog.loader import Loaded, definition_files, load_text
from qyzmet.core.errors import LocalizedError
from qyzmet.core.i18n import LANGUAGES
from qyzmet.gateway import envelope
from qyzmet.gateway.clients.base import GatewayClient, RetryPolicy
from qyzmet.gateway.messages import GatewayError
from qyzmet.gateway.registries import GBD_FL as GBD_FL_CODE
from qyzmet.gateway.registries import REGISTRIES
from qyzmet.identity.identifiers import (
    InvalidIdentifier,
    InvalidMobile,
    bin_hints,
    bin_validate,
    iin_hints,
    iin_validate,
    mobile_normalise,
)
from qyzmet.ncalayer.protocol import StandIn, StandInKey
from qyzmet.ncalayer.server import _answer as standin_answer
from qyzmet.signatures import cms, messages, pki
from qyzmet.signatures.pki import KeyBundle, KeyFileError
from qyzmet.signatures.profile import Holder, Purpose
from qyzmet.signatures.trust import TrustStore
from qyzmet.signatures.verify import Verdict, signature_verify
from tests.security.fuzzing import FUZZ, FUZZ_SLOW, HOSTILE_TEXT, json_values, mutated

BASE_URL = "http://127.0.0.1:8000"
GBD_FL = REGISTRIES[GBD_FL_CODE]
IIN = "871008401427"
PASSWORD = "Qwerty12"


def _localized(error: LocalizedError) -> None:
    """A documented error carries a code and a non-empty message in every language."""
    assert error.code
    assert all(error.message(language) for language in LANGUAGES)


# --- IIN, BIN, mobile numbers ---------------------------------------------------------------------------------


@FUZZ
@given(HOSTILE_TEXT)
@example("871008401427")
@example(" 871008401427\n")
@example("871008401428")
def test_iin_and_bin_are_valid_or_refused_with_a_reason(value: str) -> None:
    for validate, hints in ((iin_validate, iin_hints), (bin_validate, bin_hints)):
        try:
            number = validate(value)
        except InvalidIdentifier as error:
            _localized(error)
            continue
        assert len(number) == 12 and number.isascii() and number.isdigit()
        hints(number)


@FUZZ
@given(HOSTILE_TEXT)
@example("+7 701 234 56 78")
@example("8 (701) 234-56-78")
def test_mobile_numbers_are_normalised_or_refused(value: str) -> None:
    try:
        number = mobile_normalise(value)
    except InvalidMobile as error:
        _localized(error)
        return
    assert number.startswith("+7") and len(number) == 12 and number[1:].isascii() and number[1:].isdigit()


# --- regulation YAML ------------------------------------------------------------------------------------------

HOSTILE_YAML = [
    # a billion laughs: nine levels of ten aliases would expand to 10^9 nodes
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(9)
    ),
    "&a [*a]",  # an alias to itself
    "a: &a {b: *a}",
    "[" * 5000 + "]" * 5000,  # deep nesting
    "service_id: x\nversion_date: 2020-13-45\n",  # a timestamp YAML reads but no calendar has
    "effective_from: 2020-02-30\n",
    "? [a, b]\n: c\n",  # a non-string key
    "!!python/object/apply:os.system ['echo pwned']",
    "key: !!binary AAAA=\n",
    "\x00\x01",
    "a: 1\na: 2\n",
    "- just\n- a list\n",
    "",
]


def _assert_loaded(result: Loaded) -> None:
    assert isinstance(result, Loaded)
    if result.definition is None:
        assert result.problems, "a refused definition must say why"
    for problem in result.problems:
        assert problem.line >= 1 and problem.message


@pytest.mark.parametrize("text", HOSTILE_YAML, ids=range(len(HOSTILE_YAML)))
def test_hostile_yaml_is_reported_as_problems_quickly(text: str) -> None:
    started = time.monotonic()
    _assert_loaded(load_text(text, "hostile.yaml"))
    assert time.monotonic() - started < 5, "a small file must not take long to refuse"


@FUZZ
@given(st.text(max_size=500))
def test_any_text_is_a_definition_or_problems(text: str) -> None:
    _assert_loaded(load_text(text, "fuzz.yaml"))


def _seed_definition() -> dict[str, Any]:
    data = yaml.safe_load(definition_files([REGULATIONS_DIR])[0].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


SEED = _seed_definition()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


SEED_PATHS = [path for path in _paths(SEED) if path]


def _replace(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replace(copy[path[0]], path[1:], new)  # type: ignore[index]
    return copy


@FUZZ_SLOW
@given(st.lists(st.tuples(st.sampled_from(SEED_PATHS), json_values(8)), min_size=1, max_size=3))
def test_a_real_definition_with_hostile_values_is_a_definition_or_problems(changes: list[tuple[Any, Any]]) -> None:
    data: Any = SEED
    for path, new in changes:
        try:
            data = _replace(data, path, new)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _assert_loaded(load_text(text, "mutated.yaml"))


# --- CMS signatures and PKCS#12 key files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A test CA, a citizen's signing key, a signature made with it, and the key as a .p12 file."""
    now = datetime.now(UTC)
    authority, _ = pki.pki_init(tmp_path_factory.mktemp("fuzz-pki"), base_url=BASE_URL, now=now - timedelta(days=30))
    key = pki.key_generate()
    holder = Holder(iin=IIN, surname="ТЕСТОВА", first_name="АЙГЕРИМ", patronymic="ЕРЖАНҚЫЗЫ")
    certificate = pki.certificate_issue(authority, holder=holder, purpose=Purpose.SIGN, public_key=key.public_key(),
                                        base_url=BASE_URL, now=now)
    bundle = KeyBundle(key=key, certificate=certificate, chain=authority.chain)
    content = b'{"service":"fuzz"}'
    return {
        "now": now, "content": content, "bundle": bundle,
        "trust": TrustStore(anchors=(authority.root.certificate,), intermediates=(authority.issuing.certificate,)),
        "signature": cms.cms_sign(content, key=key, certificate=certificate, chain=authority.chain, signing_time=now),
        "p12": pki.pkcs12_dump(bundle, password=PASSWORD, friendly_name="fuzz"),
    }


def _cms_parse_or_refuse(data: bytes) -> None:
    try:
        cms.cms_parse(data)
    except cms.CmsError as error:
        assert error.code in {messages.MALFORMED_CMS, messages.TRUNCATED}
        assert all(messages.message(error.code, language) for language in LANGUAGES)


@FUZZ
@given(st.binary(max_size=300))
@example(b"0")
@example(b"\x30\x84\xff\xff\xff\xff")
@example(b"-----BEGIN CMS-----\n!!!\n-----END CMS-----")
@example(b"-----BEGIN PKCS7-----\nMAA=\n")
def test_random_bytes_are_a_signature_or_refused(data: bytes) -> None:
    _cms_parse_or_refuse(data)


@FUZZ
@given(st.data())
def test_a_damaged_signature_is_refused_or_verified_never_a_crash(kit: dict[str, Any], data: st.DataObject) -> None:
    damaged = data.draw(mutated(kit["signature"]))
    _cms_parse_or_refuse(damaged)
    verdict = signature_verify(kit["content"], damaged, trust=kit["trust"], revocation_sources=(), now=kit["now"])
    assert isinstance(verdict, Verdict)
    assert verdict.is_valid or verdict.code in messages.MESSAGES


def test_an_embedded_certificate_whose_extensions_cannot_be_read_makes_the_signature_malformed(
        kit: dict[str, Any]) -> None:
    # the issuing CA's BasicConstraints (SEQUENCE {TRUE, 0}) re-tagged as a BIT STRING: same length, still DER
    basic_constraints = b"\x04\x08\x30\x06\x01\x01\xff\x02\x01\x00"
    assert basic_constraints in kit["signature"]
    damaged = kit["signature"].replace(basic_constraints, b"\x04\x08\x03" + basic_constraints[3:], 1)

    with pytest.raises(cms.CmsError) as refused:
        cms.cms_parse(damaged)
    verdict = signature_verify(kit["content"], damaged, trust=kit["trust"], revocation_sources=(), now=kit["now"])

    assert refused.value.code == messages.MALFORMED_CMS
    assert verdict.code == messages.MALFORMED_CMS


def test_the_undamaged_signature_verifies(kit: dict[str, Any]) -> None:
    verdict = signature_verify(kit["content"], kit["signature"], trust=kit["trust"], revocation_sources=(),
                               now=kit["now"])
    # no revocation source is given, so only the revocation check may be open
    assert verdict.codes == (messages.REVOCATION_UNKNOWN,), verdict.codes


@FUZZ_SLOW
@given(st.data())
def test_a_damaged_key_file_opens_or_is_refused(kit: dict[str, Any], data: st.DataObject) -> None:
    content = data.draw(st.one_of(mutated(kit["p12"]), st.binary(max_size=200)))
    password = data.draw(st.one_of(st.just(PASSWORD), HOSTILE_TEXT))
    try:
        bundle = pki.pkcs12_load(content, password=password)
    except KeyFileError as error:
        assert str(error) in {pki.KEY_FILE_UNREADABLE, pki.KEY_FILE_INCOMPLETE}
        return
    assert bundle.certificate is not None


# --- gateway envelopes ------------------------------------------------------------------------------------------


@FUZZ
@given(json_values())
def test_any_json_is_an_envelope_or_refused(value: Any) -> None:
    for parse in (envelope.request_parse, envelope.answer_parse):
        try:
            parse(value)
        except envelope.EnvelopeError as error:
            assert str(error)


def _envelope_like() -> st.SearchStrategy[Any]:
    """Envelopes with the right parts and hostile values in them: deeper than random JSON gets."""
    info = st.fixed_dictionaries({}, optional={
        "messageId": HOSTILE_TEXT, "correlationId": st.one_of(st.just(REQUEST_ID), json_values(3)),
        "responseDate": HOSTILE_TEXT,
        "senderId": HOSTILE_TEXT, "status": st.one_of(json_values(3), st.fixed_dictionaries(
            {"code": HOSTILE_TEXT}, optional={"message": json_values(3)})),
    })
    header = st.fixed_dictionaries({"requestId": st.one_of(st.just(REQUEST_ID), json_values(2))},
                                   optional={"messageResult": json_values(3)})
    data = st.one_of(json_values(), st.fixed_dictionaries({"header": header}, optional={"person": json_values()}))
    return st.fixed_dictionaries({"responseInfo": info, "responseData": st.fixed_dictionaries({"data": data})},
                                 optional={"signature": st.one_of(st.just("AAAA"), HOSTILE_TEXT, json_values(3))})


class _NeverValid:
    def verify(self, content: bytes | None, signature: bytes, **kwargs: Any) -> Any:
        raise AssertionError("a hostile answer must be refused before its signature is checked")


class _Refusing:
    """A verifier that refuses every signature (as the real one does for these random bytes)."""

    class Verdict:
        is_valid = False
        code = messages.SIGNATURE_INVALID

    def verify(self, content: bytes | None, signature: bytes, **kwargs: Any) -> Any:
        return self.Verdict()


def _client(status: int, body: bytes) -> GatewayClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    http = httpx.Client(transport=transport, base_url="http://registry.test")
    return GatewayClient(http, verifier=_Refusing(), policy=RetryPolicy(attempts=1, timeout=1.0),
                         sleep=lambda seconds: None)


REQUEST_ID = "fuzz-request-1"


def _request() -> dict[str, Any]:
    return envelope.request_build(service_id=GBD_FL.service_id, data={"iin": IIN}, sender_id="QYZMET",
                                  message_date=datetime.now(UTC), sign=lambda content, moment: b"signed",
                                  message_id=REQUEST_ID)


@FUZZ
@given(st.one_of(json_values(), _envelope_like()), st.sampled_from([200, 400, 404, 500, 503]))
@example({"responseInfo": {"messageId": "m", "correlationId": REQUEST_ID, "responseDate": "d", "senderId": "s",
                           "status": {"code": "OK"}},
          "responseData": {"data": {"header": {"requestId": REQUEST_ID}, "n": float("nan")}}, "signature": "AAAA"}, 200)
@example({"responseInfo": {"messageId": "m", "correlationId": REQUEST_ID, "responseDate": "d", "senderId": "s",
                           "status": {"code": "OK"}},
          "responseData": {"data": {"header": {"requestId": REQUEST_ID}, "name": "\ud800"}}, "signature": "AAAA"}, 200)
def test_a_hostile_registry_answer_is_a_gateway_error(answer: Any, status: int) -> None:
    try:
        body = json.dumps(answer, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        body = repr(answer).encode("utf-8", "surrogatepass")
    client = _client(status, body)
    request = _request()
    # the verifier refuses every signature, so no answer may be accepted
    with pytest.raises(GatewayError) as caught:
        client.sync_send(GBD_FL, request, now=datetime.now(UTC))
    _localized(caught.value)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from([200, 400, 500]))
def test_a_registry_answer_that_is_not_json_is_a_gateway_error(body: bytes, status: int) -> None:
    with pytest.raises(GatewayError):
        _client(status, body).sync_send(GBD_FL, _request(), now=datetime.now(UTC))


# --- the NCALayer stand-in ------------------------------------------------------------------------------------


def _standin_request() -> st.SearchStrategy[Any]:
    args = st.one_of(json_values(6), st.fixed_dictionaries({}, optional={
        "format": st.sampled_from(["cms", "xml", 1]), "data": json_values(4),
        "signingParams": json_values(4), "signerParams": json_values(4), "allowedStorages": json_values(3),
    }), st.lists(json_values(2), max_size=5))
    return st.one_of(json_values(), st.fixed_dictionaries({
        "module": st.one_of(st.sampled_from(["kz.gov.pki.knca.basics", "kz.gov.pki.knca.commonUtils"]), json_values(1)),
        "method": st.one_of(st.sampled_from(["sign", "getKeyInfo", "createCMSSignatureFromBase64", "changeLocale",
                                             "getActiveTokens"]), json_values(1)),
    }, optional={"args": args}))


@FUZZ
@given(_standin_request())
def test_the_standin_answers_any_request(kit: dict[str, Any], request: Any) -> None:
    stand_in = StandIn([StandInKey.from_bundle(kit["bundle"])], clock=lambda: kit["now"])
    answer = standin_answer(stand_in, json.dumps(request, ensure_ascii=False))
    assert isinstance(answer, dict)
    json.dumps(answer, ensure_ascii=False).encode("utf-8")  # what the server sends must be text


@FUZZ
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200)))
@example("[" * 100_000)
@example(b"\xff\xfe")
def test_the_standin_answers_any_frame(kit: dict[str, Any], frame: str | bytes) -> None:
    stand_in = StandIn([StandInKey.from_bundle(kit["bundle"])], clock=lambda: kit["now"])
    answer = standin_answer(stand_in, frame)
    assert isinstance(answer, dict)
