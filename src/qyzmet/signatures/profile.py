"""The certificate profile of the national CA (НУЦ РК), as our test CA reproduces it.

Subject names follow kz-egov.md 2.1: `SERIALNUMBER=IIN…`, `CN=SURNAME NAME`, `SURNAME`,
`G` (which in NCA certificates holds the patronymic), `C=KZ`, and for staff of an
organization `O` and `OU=BIN…`. Key usages and policies follow 2.2: a signing key has
digitalSignature + nonRepudiation, an authentication key digitalSignature + keyEncipherment
with extendedKeyUsage clientAuth. Pure functions, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

IIN_PREFIX: Final = "IIN"
BIN_PREFIX: Final = "BIN"
COUNTRY: Final = "KZ"

# Role OIDs carried in extendedKeyUsage (kz-egov.md 2.2).
ROLE_INDIVIDUAL: Final = x509.ObjectIdentifier("1.2.398.3.3.4.1.1")
ROLE_LEGAL_ENTITY: Final = x509.ObjectIdentifier("1.2.398.3.3.4.1.2")
ROLE_EMPLOYEE: Final = x509.ObjectIdentifier("1.2.398.3.3.4.1.2.5")
# Certificate policies: legal entity sign / auth, individual sign / auth.
POLICY_LEGAL_ENTITY_SIGN: Final = x509.ObjectIdentifier("1.2.398.3.3.2.1")
POLICY_LEGAL_ENTITY_AUTH: Final = x509.ObjectIdentifier("1.2.398.3.3.2.2")
POLICY_INDIVIDUAL_SIGN: Final = x509.ObjectIdentifier("1.2.398.3.3.2.3")
POLICY_INDIVIDUAL_AUTH: Final = x509.ObjectIdentifier("1.2.398.3.3.2.4")

NAME_LABELS: Final = {
    NameOID.COMMON_NAME: "CN", NameOID.SURNAME: "SURNAME", NameOID.SERIAL_NUMBER: "SERIALNUMBER",
    NameOID.GIVEN_NAME: "G", NameOID.COUNTRY_NAME: "C", NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU", NameOID.LOCALITY_NAME: "L", NameOID.STATE_OR_PROVINCE_NAME: "S",
    NameOID.EMAIL_ADDRESS: "E",
}

CRL_PATH: Final = "/pki/crl/{name}.crl"
OCSP_PATH: Final = "/pki/ocsp"
TSP_PATH: Final = "/pki/tsp"
CA_CERTIFICATE_PATH: Final = "/pki/ca/{name}.crt"

NAME_TOO_SHORT: Final = "a holder's name needs at least a surname and a first name, e.g. 'ТЕСТОВ ТЕСТ ТЕСТОВИЧ'"
ORGANIZATION_INCOMPLETE: Final = "an organization needs both its BIN and its name"


class Purpose(StrEnum):
    """What a key is for: signing documents, or logging in (authentication)."""

    SIGN = "sign"
    AUTH = "auth"


@dataclass(frozen=True)
class Holder:
    """The person a certificate is issued to; `bin`/`organization` only for staff of an organization."""

    iin: str
    surname: str
    first_name: str
    patronymic: str = ""
    bin: str = ""
    organization: str = ""

    @property
    def is_staff(self) -> bool:
        return bool(self.bin)


@dataclass(frozen=True)
class SubjectIdentity:
    """What a certificate says about its holder, read back from the subject name."""

    iin: str | None
    bin: str | None
    common_name: str
    surname: str
    patronymic: str
    organization: str


def holder_from_full_name(full_name: str, *, iin: str, bin: str = "", organization: str = "") -> Holder:
    """Split "SURNAME NAME [PATRONYMIC]" into a Holder; names are upper-cased as in NCA certificates."""
    parts = full_name.upper().split()
    if len(parts) < 2:
        raise ValueError(NAME_TOO_SHORT)
    if bool(bin) != bool(organization):
        raise ValueError(ORGANIZATION_INCOMPLETE)
    return Holder(
        iin=iin, surname=parts[0], first_name=parts[1], patronymic=" ".join(parts[2:]),
        bin=bin, organization=organization,
    )


def holder_subject(holder: Holder) -> x509.Name:
    """The subject DN of a holder's certificate, in the national CA's attribute order."""
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, f"{holder.surname} {holder.first_name}"),
        x509.NameAttribute(NameOID.SURNAME, holder.surname),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, f"{IIN_PREFIX}{holder.iin}"),
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
    ]
    if holder.patronymic:
        attributes.append(x509.NameAttribute(NameOID.GIVEN_NAME, holder.patronymic))
    if holder.is_staff:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, holder.organization))
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"{BIN_PREFIX}{holder.bin}"))
    return x509.Name(attributes)


def name_text(name: x509.Name) -> str:
    """A DN as the national CA's tools show it, in encoded order: "CN=…, SURNAME=…, SERIALNUMBER=IIN…"."""
    return ", ".join(f"{NAME_LABELS.get(item.oid, item.oid.dotted_string)}={item.value!s}" for item in name)


def subject_identity(name: x509.Name) -> SubjectIdentity:
    """Read IIN (SERIALNUMBER=IIN…), BIN (OU=BIN… or SERIALNUMBER=BIN…) and names from a subject DN."""
    serials = _values(name, NameOID.SERIAL_NUMBER)
    units = _values(name, NameOID.ORGANIZATIONAL_UNIT_NAME)
    iin = next((value[len(IIN_PREFIX):] for value in serials if value.startswith(IIN_PREFIX)), None)
    bin = next((value[len(BIN_PREFIX):] for value in (*units, *serials) if value.startswith(BIN_PREFIX)), None)
    return SubjectIdentity(
        iin=iin,
        bin=bin,
        common_name=_first(name, NameOID.COMMON_NAME),
        surname=_first(name, NameOID.SURNAME),
        patronymic=_first(name, NameOID.GIVEN_NAME),
        organization=_first(name, NameOID.ORGANIZATION_NAME),
    )


def key_purpose(certificate: x509.Certificate) -> Purpose | None:
    """Classify a key as NCANode does: digitalSignature with nonRepudiation signs, with keyEncipherment logs in."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if usage.digital_signature and usage.content_commitment:
        return Purpose.SIGN
    if usage.digital_signature and usage.key_encipherment:
        return Purpose.AUTH
    return None


def end_entity_extensions(
    holder: Holder,
    purpose: Purpose,
    *,
    public_key: CertificateIssuerPublicKeyTypes,
    issuer: x509.Certificate,
    base_url: str,
    issuer_name: str,
) -> list[tuple[x509.ExtensionType, bool]]:
    """Extensions of a holder's signing or authentication certificate, each with its critical flag."""
    is_sign = purpose is Purpose.SIGN
    roles = [ROLE_LEGAL_ENTITY, ROLE_EMPLOYEE] if holder.is_staff else [ROLE_INDIVIDUAL]
    purpose_usage = ExtendedKeyUsageOID.EMAIL_PROTECTION if is_sign else ExtendedKeyUsageOID.CLIENT_AUTH
    policies = {
        (True, False): POLICY_INDIVIDUAL_SIGN, (False, False): POLICY_INDIVIDUAL_AUTH,
        (True, True): POLICY_LEGAL_ENTITY_SIGN, (False, True): POLICY_LEGAL_ENTITY_AUTH,
    }
    return [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, content_commitment=is_sign, key_encipherment=not is_sign), True),
        (x509.ExtendedKeyUsage([purpose_usage, *roles]), False),
        (x509.CertificatePolicies([x509.PolicyInformation(policies[(is_sign, holder.is_staff)], None)]), False),
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
        (_authority_key_identifier(issuer), False),
        *revocation_pointers(base_url, issuer_name=issuer_name, with_ocsp=True),
    ]


def ca_extensions(
    *,
    public_key: CertificateIssuerPublicKeyTypes,
    path_length: int,
    issuer: x509.Certificate | None,
    base_url: str,
    issuer_name: str,
) -> list[tuple[x509.ExtensionType, bool]]:
    """Extensions of a CA certificate; a root (`issuer` None) carries no revocation pointers."""
    extensions: list[tuple[x509.ExtensionType, bool]] = [
        (x509.BasicConstraints(ca=True, path_length=path_length), True),
        (_key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True), True),
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
    ]
    if issuer is not None:
        extensions.append((_authority_key_identifier(issuer), False))
        extensions.extend(revocation_pointers(base_url, issuer_name=issuer_name, with_ocsp=False))
    return extensions


def ocsp_responder_extensions(
    *, public_key: CertificateIssuerPublicKeyTypes, issuer: x509.Certificate
) -> list[tuple[x509.ExtensionType, bool]]:
    """Extensions of a delegated OCSP responder certificate (RFC 6960 4.2.2.2)."""
    return [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), False),
        (x509.OCSPNoCheck(), False),
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
        (_authority_key_identifier(issuer), False),
    ]


def tsa_extensions(
    *, public_key: CertificateIssuerPublicKeyTypes, issuer: x509.Certificate, base_url: str, issuer_name: str
) -> list[tuple[x509.ExtensionType, bool]]:
    """Extensions of a time-stamping authority's certificate (RFC 3161 2.3: the only EKU, critical)."""
    return [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (_key_usage(digital_signature=True, content_commitment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
        (_authority_key_identifier(issuer), False),
        *revocation_pointers(base_url, issuer_name=issuer_name, with_ocsp=True),
    ]


def revocation_pointers(
    base_url: str, *, issuer_name: str, with_ocsp: bool
) -> list[tuple[x509.ExtensionType, bool]]:
    """CRL distribution point and authority information access, pointing at the platform itself."""
    access = [x509.AccessDescription(
        x509.AuthorityInformationAccessOID.CA_ISSUERS,
        x509.UniformResourceIdentifier(base_url + CA_CERTIFICATE_PATH.format(name=issuer_name)),
    )]
    if with_ocsp:
        access.insert(0, x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(base_url + OCSP_PATH),
        ))
    crl = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(base_url + CRL_PATH.format(name=issuer_name))],
        relative_name=None, reasons=None, crl_issuer=None,
    )
    return [(x509.CRLDistributionPoints([crl]), False), (x509.AuthorityInformationAccess(access), False)]


def key_identifier(certificate: x509.Certificate) -> str:
    """The hex subjectKeyIdentifier of a certificate (computed from its key when the extension is absent)."""
    try:
        return certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest.hex()
    except x509.ExtensionNotFound:
        return x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest.hex()


def _authority_key_identifier(issuer: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_encipherment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature, content_commitment=content_commitment,
        key_encipherment=key_encipherment, data_encipherment=False, key_agreement=False,
        key_cert_sign=key_cert_sign, crl_sign=crl_sign, encipher_only=False, decipher_only=False,
    )


def _values(name: x509.Name, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(attribute.value) for attribute in name.get_attributes_for_oid(oid)]


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = _values(name, oid)
    return values[0] if values else ""
