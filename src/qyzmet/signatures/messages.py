"""Verdict codes of signature verification and their messages in Kazakh, Russian and English.

These are the reasons the portal gives when it refuses an application because its ЭЦП
(ЭЦҚ) is not confirmed. Russian and Kazakh use the terms of the law on electronic documents:
регистрационное свидетельство / тіркеу куәлігі, удостоверяющий центр / куәландырушы орталық.
"""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _

from qyzmet.core.i18n import LANGUAGES, Message, in_language

MALFORMED_CMS: Final = "MALFORMED_CMS"
TRUNCATED: Final = "TRUNCATED"
MULTIPLE_SIGNERS: Final = "MULTIPLE_SIGNERS"
SIGNER_CERT_MISSING: Final = "SIGNER_CERT_MISSING"
UNSUPPORTED_ALGORITHM: Final = "UNSUPPORTED_ALGORITHM"
CONTENT_MISSING: Final = "CONTENT_MISSING"
CONTENT_TAMPERED: Final = "CONTENT_TAMPERED"
SIGNATURE_INVALID: Final = "SIGNATURE_INVALID"
UNKNOWN_ISSUER: Final = "UNKNOWN_ISSUER"
CHAIN_INVALID: Final = "CHAIN_INVALID"
CERT_INVALID: Final = "CERT_INVALID"
WEAK_ALGORITHM: Final = "WEAK_ALGORITHM"
TIMESTAMP_INVALID: Final = "TIMESTAMP_INVALID"
SIGNING_TIME_UNPROVEN: Final = "SIGNING_TIME_UNPROVEN"
SIGNING_TIME_IN_FUTURE: Final = "SIGNING_TIME_IN_FUTURE"
CERT_EXPIRED: Final = "CERT_EXPIRED"
CERT_NOT_YET_VALID: Final = "CERT_NOT_YET_VALID"
REVOKED_CRL: Final = "REVOKED_CRL"
REVOKED_OCSP: Final = "REVOKED_OCSP"
REVOCATION_UNKNOWN: Final = "REVOCATION_UNKNOWN"
REVOCATION_STALE: Final = "REVOCATION_STALE"
KEY_USAGE_AUTH_KEY: Final = "KEY_USAGE_AUTH_KEY"
KEY_USAGE_SIGN_KEY: Final = "KEY_USAGE_SIGN_KEY"
KEY_USAGE_INVALID: Final = "KEY_USAGE_INVALID"
IIN_MISMATCH: Final = "IIN_MISMATCH"
BIN_MISMATCH: Final = "BIN_MISMATCH"
BIN_PERSONAL_KEY: Final = "BIN_PERSONAL_KEY"


MESSAGES: Final[dict[str, Message]] = {
    MALFORMED_CMS: _("The signature file is not a valid CMS signature or is damaged."),
    TRUNCATED: _("The signature file is incomplete: it was cut off in transfer."),
    MULTIPLE_SIGNERS: _("The signature has several signers; exactly one is expected."),
    SIGNER_CERT_MISSING: _("The signature does not contain the signer's certificate."),
    UNSUPPORTED_ALGORITHM: _("This verification service does not support the signature's algorithm."),
    CONTENT_MISSING: _("The signature is detached and the signed document was not supplied."),
    CONTENT_TAMPERED: _("The document was changed after it was signed."),
    SIGNATURE_INVALID: _("The signature value does not match the signed data."),
    UNKNOWN_ISSUER: _("The certificate was not issued by a trusted certification authority."),
    CHAIN_INVALID: _("A certification authority's certificate in the chain is not valid."),
    CERT_INVALID: _(
        "The signer's certificate breaks the certificate rules (for example, it has an unknown critical extension)."
    ),
    WEAK_ALGORITHM: _("The signature or a certificate uses a weak algorithm (SHA-1), which is no longer accepted."),
    TIMESTAMP_INVALID: _("The signature's timestamp is not valid or was not issued by a trusted timestamp authority."),
    SIGNING_TIME_UNPROVEN: _(
        "The certificate has expired. The signature states an earlier signing time, but no trusted timestamp confirms "
        "it."
    ),
    SIGNING_TIME_IN_FUTURE: _("The signing time stated in the signature lies in the future."),
    CERT_EXPIRED: _("The certificate has expired."),
    CERT_NOT_YET_VALID: _("The certificate is not yet valid."),
    REVOKED_CRL: _("The certificate has been revoked (according to the certificate revocation list)."),
    REVOKED_OCSP: _("The certificate has been revoked (according to the OCSP responder)."),
    REVOCATION_UNKNOWN: _("Whether the certificate has been revoked could not be checked."),
    REVOCATION_STALE: _(
        "The revocation information for the certificate is out of date; no fresh answer could be obtained."
    ),
    KEY_USAGE_AUTH_KEY: _("The application was signed with an authentication (login) key; choose a signing key."),
    KEY_USAGE_SIGN_KEY: _("A signing key was used to log in; choose an authentication (AUTH) key."),
    KEY_USAGE_INVALID: _("The certificate is not meant for electronic digital signatures."),
    IIN_MISMATCH: _("The signer's IIN does not match the applicant's IIN."),
    BIN_MISMATCH: _(
        "Signed with another organization's key: the BIN in the certificate does not match the organization's BIN."
    ),
    BIN_PERSONAL_KEY: _(
        "Signed with a personal key, not the organization's key: the certificate carries no organization BIN."
    ),
}


def message(code: str, language: str) -> str:
    """The message for a verdict code in `language` ("kk", "ru" or "en"; anything else gives Russian)."""
    return in_language(MESSAGES[code], language if language in LANGUAGES else "ru")
