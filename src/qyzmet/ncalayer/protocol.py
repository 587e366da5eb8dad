"""What the NCALayer stand-in answers: the JSON messages of NCALayer's WebSocket protocol.

The messages are those `ncalayer-js-client` 1.5.6 sends and expects:

- on connect NCALayer greets with `{"result": {"version": "…"}}`; the client then asks the
  KAZTOKEN module `kz.digiflow.mobile.extensions` for its version, which NCALayer does not have,
  so it answers with an error and the client carries on as with plain NCALayer;
- `kz.gov.pki.knca.basics` / `sign` (args: allowedStorages, format, data, signingParams,
  signerParams, locale) answers `{"status": true, "body": {"result": …}}`, a PEM CMS per document
  (a list when `data` was a list), `{"status": true, "body": {}}` when the person cancels, and
  `{"status": false, "code": …, "message": …, "details": …}` on an error;
- `kz.gov.pki.knca.commonUtils` methods (`getActiveTokens`, `getKeyInfo`,
  `createCMSSignatureFromBase64`, `createCAdESFromBase64`, `changeLocale`) answer
  `{"code": "200", "responseObject": …}` or `{"code": "500", "message": …}` (`action.canceled`
  when the person cancels).

The stand-in holds the keys it was started with (PKCS#12 files of the test CA) and plays the
person at the NCALayer dialog: it picks the first key the request allows (extended key usage
OIDs and IIN/BIN in basics' signerParams; SIGNATURE or AUTHENTICATION in commonUtils' keyType),
as NCALayer lists only the matching keys, and refuses when none matches. In `cancel` mode it
presses "Cancel" instead. Signatures are made with `qyzmet.signatures.cms`. When basics'
signingParams carry a `tsaProfile` and the stand-in was given a `timestamper` (a TSA), the
signature gets an RFC 3161 token as NCALayer adds it (unsigned attribute
signatureTimeStampToken); without a timestamper tsaProfile is ignored. No signing of a ready
digest (`digested: true` is refused). Pure; no Django (the timestamper is injected).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from qyzmet.signatures import cms, profile
from qyzmet.signatures.pki import KeyBundle
from qyzmet.signatures.profile import Purpose

VERSION: Final = "1.4"
BASICS: Final = "kz.gov.pki.knca.basics"
COMMON_UTILS: Final = "kz.gov.pki.knca.commonUtils"
FILE_STORAGE: Final = "PKCS12"
KEY_TYPES: Final = {"SIGNATURE": Purpose.SIGN, "AUTHENTICATION": Purpose.AUTH}

# Defaults of the basics module when signingParams leaves them out.
DEFAULT_DECODE: Final = True
DEFAULT_ENCAPSULATE: Final = True

CANCELLED: Final = "action.canceled"
NO_MODULE: Final = "module {module} is not available"
NO_METHOD: Final = "method {method} is not available in {module}"
ARGUMENT_MISMATCH: Final = "java.lang.IllegalArgumentException: argument type mismatch. Method: {method}"
NO_MATCHING_KEY: Final = "no key in the storage matches the request"
NO_STORAGE: Final = "none of the allowed storages {storages} is available (the stand-in has PKCS12 files)"
DIGEST_NOT_SUPPORTED: Final = "the stand-in cannot sign a ready digest (digested: true)"
FORMAT_NOT_SUPPORTED: Final = "format {format} is not supported by the stand-in (cms only)"
NOT_BASE64: Final = "data is not valid base64"
TSA_FAILED: Final = "the time-stamp could not be obtained: {error}"
BAD_REQUEST: Final = "the request is not a JSON object with module and method"


class TimestampUnavailable(Exception):
    """The timestamper could not get a time-stamp (TSA unreachable or refusing)."""


@dataclass(frozen=True)
class StandInKey:
    """One key the stand-in holds: the PKCS#12 content and what it is for."""

    bundle: KeyBundle
    purpose: Purpose | None

    @classmethod
    def from_bundle(cls, bundle: KeyBundle) -> StandInKey:
        return cls(bundle=bundle, purpose=profile.key_purpose(bundle.certificate))

    @property
    def certificate(self) -> x509.Certificate:
        return self.bundle.certificate

    def extended_key_usages(self) -> set[str]:
        try:
            usages = self.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return set()
        return {oid.dotted_string for oid in usages}


class Refused(Exception):
    """The request cannot be carried out; `message` goes back to the page."""


class Cancelled(Exception):
    """The person pressed "Cancel" in the NCALayer dialog."""


Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StandIn:
    """The NCALayer stand-in's answers, one request at a time (no I/O)."""

    def __init__(
        self, keys: Sequence[StandInKey], *, cancel: bool = False, clock: Clock = _utc_now,
        timestamper: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.keys = tuple(keys)
        self.cancel = cancel
        self.clock = clock
        self.timestamper = timestamper
        self.locale = "ru"

    @staticmethod
    def greeting() -> dict[str, Any]:
        """The first message on a new connection."""
        return {"result": {"version": VERSION}}

    def answer(self, request: Any) -> dict[str, Any]:
        """The response to one request, already parsed from JSON."""
        if not isinstance(request, dict) or not isinstance(request.get("module"), str):
            return {"status": False, "code": "BAD_REQUEST", "message": BAD_REQUEST, "details": ""}
        module, method = request["module"], request.get("method")
        if module == BASICS:
            return self._basics(method, request.get("args"))
        if module == COMMON_UTILS:
            return self._common_utils(method, request.get("args"))
        return {"status": False, "code": "MODULE_NOT_FOUND", "message": NO_MODULE.format(module=module),
                "details": ""}

    # --- kz.gov.pki.knca.basics ------------------------------------------------------------------

    def _basics(self, method: Any, args: Any) -> dict[str, Any]:
        if method != "sign":
            return _basics_error("METHOD_NOT_FOUND", NO_METHOD.format(method=method, module=BASICS))
        try:
            result = self._basics_sign(args)
        except Cancelled:
            return {"status": True, "body": {}}
        except Refused as error:
            return _basics_error("INVOCATION_ERROR", "An invoked method threw an exception.", str(error))
        return {"status": True, "body": {"result": result}}

    def _basics_sign(self, args: Any) -> str | list[str]:
        if not isinstance(args, dict):
            raise Refused('JSONObject["args"] is not a JSONObject.')
        signing, signer = args.get("signingParams", {}), args.get("signerParams", {})
        if not isinstance(signing, dict):
            raise Refused('org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.')
        if not isinstance(signer, dict):
            raise Refused('org.json.JSONException: JSONObject["signerParams"] is not a JSONObject.')
        if args.get("format") != "cms":
            raise Refused(FORMAT_NOT_SUPPORTED.format(format=args.get("format")))
        if signing.get("digested"):
            raise Refused(DIGEST_NOT_SUPPORTED)
        _check_storages(args.get("allowedStorages"))
        data = args.get("data")
        documents = data if isinstance(data, list) else [data]
        decode = bool(signing.get("decode", DEFAULT_DECODE))
        contents = [_content(document, decode=decode) for document in documents]
        key = self._choose(lambda key: _matches_signer(key, signer))
        attached = bool(signing.get("encapsulate", DEFAULT_ENCAPSULATE))
        stamp = signing.get("tsaProfile") is not None
        signatures = [
            cms.cms_pem(self._sign(key, content, attached=attached, stamp=stamp)).decode("ascii")
            for content in contents
        ]
        return signatures if isinstance(data, list) else signatures[0]

    # --- kz.gov.pki.knca.commonUtils -------------------------------------------------------------

    def _common_utils(self, method: Any, args: Any) -> dict[str, Any]:
        handlers: dict[str, Callable[[list[Any]], Any]] = {
            "getActiveTokens": lambda _: [],
            "getKeyInfo": self._key_info,
            "createCMSSignatureFromBase64": self._create_cms,
            "createCAdESFromBase64": self._create_cms,
            "changeLocale": self._change_locale,
        }
        handler = handlers.get(method) if isinstance(method, str) else None
        if handler is None:
            return {"code": "500", "message": NO_METHOD.format(method=method, module=COMMON_UTILS)}
        arguments = args if isinstance(args, list) else []
        try:
            result = handler(arguments)
        except Cancelled:
            return {"code": "500", "message": CANCELLED}
        except Refused as error:
            return {"code": "500", "message": str(error)}
        except (TypeError, IndexError):
            return {"code": "500", "message": ARGUMENT_MISMATCH.format(method=method)}
        return {"code": "200"} if result is None else {"code": "200", "responseObject": result}

    def _key_info(self, args: list[Any]) -> dict[str, Any]:
        if len(args) != 1 or not isinstance(args[0], str):
            raise TypeError
        key = self._choose(lambda key: True)
        return key_info(key)

    def _create_cms(self, args: list[Any]) -> str:
        storage, key_type, data, attach = args[0], args[1], args[2], args[3]
        if not all(isinstance(value, str) for value in (storage, key_type, data)) or not isinstance(attach, bool):
            raise TypeError
        purpose = KEY_TYPES.get(key_type)
        key = self._choose(lambda key: purpose is None or key.purpose is purpose)
        content = _content(data, decode=True)
        # commonUtils answers bare base64, without PEM armour.
        return base64.b64encode(self._sign(key, content, attached=attach)).decode("ascii")

    def _change_locale(self, args: list[Any]) -> None:
        if len(args) != 1 or not isinstance(args[0], str):
            raise TypeError
        self.locale = args[0]

    # --- the person at the dialog ----------------------------------------------------------------

    def _choose(self, allowed: Callable[[StandInKey], bool]) -> StandInKey:
        if self.cancel:
            raise Cancelled
        for key in self.keys:
            if allowed(key):
                return key
        raise Refused(NO_MATCHING_KEY)

    def _sign(self, key: StandInKey, content: bytes, *, attached: bool, stamp: bool = False) -> bytes:
        bundle = key.bundle
        signature = cms.cms_sign(content, key=bundle.key, certificate=bundle.certificate, chain=bundle.chain,
                                 signing_time=self.clock(), attached=attached)
        if stamp and self.timestamper is not None:
            try:
                return self.timestamper(signature)
            except TimestampUnavailable as error:  # NCALayer reports a TSA failure as a failed signing
                raise Refused(TSA_FAILED.format(error=error)) from error
        return signature


def key_info(key: StandInKey) -> dict[str, Any]:
    """What commonUtils' getKeyInfo tells about a key, in NCALayer's field names."""
    certificate = key.certificate
    identity = profile.subject_identity(certificate.subject)
    return {
        "alias": profile.key_identifier(certificate),
        "keyId": profile.key_identifier(certificate),
        "algorithm": "RSA",
        "subjectCn": identity.common_name,
        "subjectDn": profile.name_text(certificate.subject),
        "issuerCn": _common_name(certificate.issuer),
        "issuerDn": profile.name_text(certificate.issuer),
        "serialNumber": format(certificate.serial_number, "x"),
        "certNotBefore": str(int(certificate.not_valid_before_utc.timestamp() * 1000)),
        "certNotAfter": str(int(certificate.not_valid_after_utc.timestamp() * 1000)),
        "pem": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    }


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _basics_error(code: str, message: str, details: str = "") -> dict[str, Any]:
    return {"status": False, "code": code, "message": message, "details": details}


def _check_storages(storages: Any) -> None:
    """`null` means any storage; otherwise the stand-in's file storage must be allowed."""
    if storages is None:
        return
    if not isinstance(storages, list) or FILE_STORAGE not in storages:
        raise Refused(NO_STORAGE.format(storages=storages))


def _content(document: Any, *, decode: bool) -> bytes:
    if not isinstance(document, str):
        raise Refused(NOT_BASE64)
    if not decode:
        return document.encode("utf-8")
    try:
        return base64.b64decode(document, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(NOT_BASE64) from None


def _matches_signer(key: StandInKey, signer: dict[str, Any]) -> bool:
    """NCALayer's certificate filter: every asked extended key usage OID, and the IIN/BIN when given."""
    wanted = signer.get("extKeyUsageOids") or []
    if not isinstance(wanted, list) or not set(map(str, wanted)) <= key.extended_key_usages():
        return False
    identity = profile.subject_identity(key.certificate.subject)
    iin, bin = signer.get("iin"), signer.get("bin")
    if iin and identity.iin != iin:
        return False
    return not (bin and identity.bin != bin)

