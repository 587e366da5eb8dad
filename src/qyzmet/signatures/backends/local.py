"""The local verifier: RSA (and ECDSA) CMS signatures checked in-process with `cryptography`.

It cannot check GOST signatures (OpenSSL and `cryptography` cannot load GOST keys); those get
UNSUPPORTED_ALGORITHM, and a GOST-capable back-end is to be plugged in by setting.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Final

import httpx
from django.conf import settings

from qyzmet.signatures.profile import Purpose
from qyzmet.signatures.sources import PROCESS_CACHE, CrlSource, OcspSource, RevocationCache, RevocationSource
from qyzmet.signatures.transport import PlatformTransport, platform_mount_key
from qyzmet.signatures.trust import TrustStore, trust_store_load
from qyzmet.signatures.verify import Verdict, signature_verify

HTTP_TIMEOUT: Final = 10.0
UNKNOWN_SOURCE: Final = "unknown revocation source {name!r}; use 'ocsp' and/or 'crl'"


def trust_store_from_settings() -> TrustStore:
    """settings.QYZMET_TRUSTED_ROOTS, and outside production the test CA's root and its `trust/` folder."""
    return trust_store_load(
        pki_directory=settings.QYZMET_PKI_DIR if settings.QYZMET_TRUST_TEST_CA else None,
        extra_files=[Path(p) for p in settings.QYZMET_TRUSTED_ROOTS],
    )


def platform_client() -> httpx.Client:
    """An httpx client that answers the platform's own /pki/ addresses in-process and the rest over the network.

    It keeps no cookies, so one verification never leaves anything behind for the next.
    """
    mounts = {platform_mount_key(settings.QYZMET_PKI_BASE_URL): PlatformTransport()}
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.Client(mounts=mounts, timeout=HTTP_TIMEOUT, cookies=no_cookies)


_SHARED_CLIENTS: dict[tuple[int, str], httpx.Client] = {}
_SHARED_LOCK = threading.Lock()


def platform_client_shared() -> httpx.Client:
    """The process's `platform_client()` for the current settings.QYZMET_PKI_BASE_URL, made on first use.

    Making a client builds an SSL context (30–50 ms), too much for every verification; an httpx
    client may be shared between threads. Keyed by the process id too, so a forked worker makes its
    own instead of sharing its parent's connections. Side effects: the first call per process and
    base URL makes the client (kept open for the life of the process).
    """
    key = (os.getpid(), platform_mount_key(settings.QYZMET_PKI_BASE_URL))
    client = _SHARED_CLIENTS.get(key)
    if client is None:
        with _SHARED_LOCK:
            client = _SHARED_CLIENTS.get(key)
            if client is None:
                client = _SHARED_CLIENTS[key] = platform_client()
    return client


class LocalVerifier:
    """Verify with the trust store and revocation sources from settings, unless given others.

    Without a `client`, revocation questions go through the process's shared platform client and
    their answers are kept in the process's cache until their nextUpdate (`sources.PROCESS_CACHE`);
    with one (a test's fake network), nothing is kept between verifications.
    """

    def __init__(
        self,
        *,
        trust: TrustStore | None = None,
        client: httpx.Client | None = None,
        revocation_sources: Sequence[str] | None = None,
    ) -> None:
        self._trust = trust
        self._client = client
        self._source_names = tuple(
            settings.QYZMET_SIGNATURE_REVOCATION_SOURCES if revocation_sources is None else revocation_sources
        )
        for name in self._source_names:
            if name not in {"ocsp", "crl"}:
                raise ValueError(UNKNOWN_SOURCE.format(name=name))

    def verify(
        self,
        content: bytes | None,
        signature: bytes,
        *,
        expected_iin: str | None = None,
        expected_bin: str | None = None,
        purpose: Purpose = Purpose.SIGN,
        now: datetime | None = None,
    ) -> Verdict:
        """Verify a CMS `signature` over `content` (None: the content attached to the signature)."""
        trust = self._trust if self._trust is not None else trust_store_from_settings()
        client = self._client if self._client is not None else platform_client_shared()
        cache = PROCESS_CACHE if self._client is None else RevocationCache()
        return signature_verify(
            content, signature, trust=trust, revocation_sources=self._sources(client, cache),
            now=now or datetime.now(UTC), expected_iin=expected_iin, expected_bin=expected_bin, purpose=purpose,
        )

    def _sources(self, client: httpx.Client, cache: RevocationCache) -> list[RevocationSource]:
        ocsp_age, crl_age = (timedelta(seconds=settings.QYZMET_OCSP_MAX_AGE),
                             timedelta(seconds=settings.QYZMET_CRL_MAX_AGE))
        return [
            OcspSource(client, cache=cache, max_age=ocsp_age) if name == "ocsp"
            else CrlSource(client, cache=cache, max_age=crl_age)
            for name in self._source_names
        ]
