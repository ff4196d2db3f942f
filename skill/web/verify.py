"""Verification of incoming Alexa requests for a skill hosted as a web service."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import posixpath
import re
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import verification as xv
from werkzeug.datastructures import Headers

from backcoach.skill.config import SETTINGS, ConfigError
from backcoach.skill.domain.alexa_limits import MAX_TIMESTAMP_SKEW_S
from backcoach.skill.web.envelope_shape import application_id

logger = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
SIGNER_NAME = "echo-api.amazon.com"
FETCH_TIMEOUT_S = 5.0
MAX_CERT_BYTES = 256 * 1024
"""Upper bound on a downloaded certificate chain (Amazon's is about 7 KB)."""


class VerificationError(Exception):
    """Why a request was refused (str(exc) is a short reason, sent back with HTTP 400)."""


@dataclass(frozen=True)
class _CachedCert:
    """A signing certificate whose chain was verified, and when that stops being true."""

    leaf: x509.Certificate
    expires: datetime


ENCODED_SEPARATOR = re.compile(r"%(?:2e|2f|5c)", re.IGNORECASE)
"""Percent-escapes of `.`, `/` and `\\`: normpath cannot see the segments they hide."""


def _header(headers: Headers | Mapping[str, str], name: str) -> str:
    """Return a header's value, looked up case-insensitively, or raise if missing or empty."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted and value:
            return value
    raise VerificationError(f"missing {name} header")


def normalise_cert_url(url: str) -> str:
    """Return the canonical form of a SignatureCertChainUrl, or raise if Amazon would not use it."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise VerificationError("bad certificate URL") from exc
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL is not https")
    if (parts.hostname or "") != CERT_HOST or parts.username is not None:
        raise VerificationError("certificate URL has the wrong host")
    if port is not None and port != 443:
        raise VerificationError("certificate URL has the wrong port")
    if ENCODED_SEPARATOR.search(parts.path):  # a server may decode them into `..` or `/`
        raise VerificationError("certificate URL has an encoded dot, slash or backslash")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationError("certificate URL has the wrong path")
    return f"https://{CERT_HOST}{path}"


def _default_fetch(url: str) -> bytes:
    """Download a URL with a short timeout."""
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT_S) as response:
        return response.read(MAX_CERT_BYTES + 1)


@lru_cache(maxsize=1)
def _certifi_roots() -> tuple[x509.Certificate, ...]:
    """Load certifi's trust roots once, skipping any that cryptography refuses to parse."""
    with open(certifi.where(), "rb") as f:
        bundle = f.read()
    end = b"-----END CERTIFICATE-----"
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for block in bundle.split(end)[:-1]:
            try:
                roots.append(x509.load_pem_x509_certificate(block + end))
            except ValueError:
                logger.debug("skipping an unparseable certifi root")
    return tuple(roots)


def load_trust_roots(path: Path) -> list[x509.Certificate]:
    """The certificates of a PEM file given as BACKCOACH_TRUST_ROOTS (tests' own Alexa CA)."""
    try:
        roots = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{SETTINGS['trust_roots']}: {path} is not a PEM certificate file"
        ) from exc
    logger.warning("%s: trusting only %s for Alexa's signatures", SETTINGS["trust_roots"], path)
    return roots


def _as_utc(when: datetime) -> datetime:
    """Treat a naive datetime as UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _parse_timestamp(envelope: dict) -> datetime:
    """Return request.timestamp as an aware datetime, or raise."""
    request = envelope.get("request")
    stamp = request.get("timestamp") if isinstance(request, dict) else None
    if not isinstance(stamp, str) or not stamp:
        raise VerificationError("missing request timestamp")
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise VerificationError("bad request timestamp") from exc
    return _as_utc(when)


def _parse_body(body: bytes) -> dict:
    """Parse the request body as a JSON object."""
    try:
        envelope = json.loads(body)
    except ValueError as exc:
        raise VerificationError("body is not JSON") from exc
    if not isinstance(envelope, dict):
        raise VerificationError("body is not a JSON object")
    return envelope


def _signer_names(leaf: x509.Certificate) -> list[str]:
    """Return the DNS names in a certificate's subjectAltName."""
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.get_values_for_type(x509.DNSName)]


def _check_leaf(leaf: x509.Certificate, now: datetime) -> None:
    """Check the signing certificate's validity period, name and key type."""
    if now < leaf.not_valid_before_utc:
        raise VerificationError("signing certificate not yet valid")
    if now > leaf.not_valid_after_utc:
        raise VerificationError("signing certificate expired")
    if SIGNER_NAME not in _signer_names(leaf):
        raise VerificationError(f"signing certificate is not for {SIGNER_NAME}")
    if not isinstance(leaf.public_key(), rsa.RSAPublicKey):
        raise VerificationError("signing certificate key is not RSA")


def _check_signature(leaf: x509.Certificate, signature_b64: str, body: bytes) -> None:
    """Check the base64 RSA PKCS#1 v1.5 SHA-256 signature of the body."""
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError("signature is not base64") from exc
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("signing certificate key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise VerificationError("bad signature") from exc


class RequestVerifier:
    """Checks that a request really comes from Alexa, as Amazon requires of web-service skills."""

    def __init__(
        self,
        *,
        skill_id: str | None = None,
        trust_roots: list[x509.Certificate] | None = None,
        fetch: Callable[[str], bytes] | None = None,
        now: Callable[[], datetime] | None = None,
        max_skew_s: float = MAX_TIMESTAMP_SKEW_S,
        cache_size: int = 8,
    ) -> None:
        self.skill_id = skill_id
        roots = list(trust_roots) if trust_roots is not None else list(_certifi_roots())
        self._store = xv.Store(roots)
        self._fetch = fetch or _default_fetch
        self._now = now or (lambda: datetime.now(UTC))
        self.max_skew_s = max_skew_s
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _CachedCert] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, headers: Headers | Mapping[str, str], body: bytes) -> dict:
        """Check everything; return the parsed JSON envelope, or raise VerificationError."""
        self.check_signature(headers, body)
        envelope = _parse_body(body)
        self.check_envelope(envelope)
        return envelope

    def check_signature(self, headers: Headers | Mapping[str, str], body: bytes) -> None:
        """Check that Amazon signed these bytes (before anything parses them), or raise."""
        raw_url = _header(headers, CERT_URL_HEADER)
        signature = _header(headers, SIGNATURE_HEADER)
        url = normalise_cert_url(raw_url)
        leaf = self._signing_cert(url, _as_utc(self._now()))
        _check_signature(leaf, signature, body)

    def check_envelope(self, envelope: dict) -> None:
        """Check the signed envelope's timestamp and application id, or raise."""
        self._check_timestamp(envelope, _as_utc(self._now()))
        self._check_application(envelope)

    def _check_timestamp(self, envelope: dict, now: datetime) -> None:
        """Check that request.timestamp is within max_skew_s of now."""
        skew = (now - _parse_timestamp(envelope)).total_seconds()
        if skew > self.max_skew_s:
            raise VerificationError("request timestamp too old")
        if skew < -self.max_skew_s:
            raise VerificationError("request timestamp in the future")

    def _check_application(self, envelope: dict) -> None:
        """Check the application id, if a skill id was configured."""
        if self.skill_id is None:
            return
        app_id = application_id(envelope)
        if app_id is None:
            raise VerificationError("missing application id")
        if app_id != self.skill_id:
            raise VerificationError("wrong application id")

    def _signing_cert(self, url: str, now: datetime) -> x509.Certificate:
        """Return the verified signing certificate at url, from the cache when still valid."""
        cached = self._cached(url, now)
        if cached is not None:
            return cached
        leaf, chain = self._load_chain(self._download(url))
        _check_leaf(leaf, now)
        verified = self._verify_chain(leaf, chain, now)
        expires = min(cert.not_valid_after_utc for cert in verified)
        self._remember(url, _CachedCert(leaf, expires))
        return leaf

    def _cached(self, url: str, now: datetime) -> x509.Certificate | None:
        """Return a cached certificate for url, dropping it if it has expired."""
        with self._lock:
            entry = self._cache.get(url)
            if entry is None:
                return None
            if now > entry.expires or now < entry.leaf.not_valid_before_utc:
                logger.debug("cached signing certificate for %s expired", url)
                del self._cache[url]
                return None
            self._cache.move_to_end(url)
            return entry.leaf

    def _remember(self, url: str, entry: _CachedCert) -> None:
        """Cache a verified certificate, evicting the least recently used."""
        if self.cache_size <= 0:
            return
        with self._lock:
            self._cache[url] = entry
            self._cache.move_to_end(url)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _download(self, url: str) -> bytes:
        """Fetch the PEM chain; any failure becomes a VerificationError."""
        try:
            data = self._fetch(url)
        except Exception as exc:
            logger.debug("fetching %s failed: %r", url, exc)
            raise VerificationError("cannot download signing certificate") from exc
        if not isinstance(data, bytes | bytearray) or len(data) > MAX_CERT_BYTES:
            raise VerificationError("cannot download signing certificate")
        return bytes(data)

    @staticmethod
    def _load_chain(pem: bytes) -> tuple[x509.Certificate, list[x509.Certificate]]:
        """Split a PEM bundle into the leaf and its intermediates."""
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationError("bad signing certificate") from exc
        return certs[0], certs[1:]

    def _verify_chain(
        self, leaf: x509.Certificate, chain: list[x509.Certificate], now: datetime
    ) -> list[x509.Certificate]:
        """Build a path from the leaf to a trusted root, as a TLS server for echo-api.amazon.com."""
        builder = xv.PolicyBuilder().store(self._store).time(now)
        verifier = builder.build_server_verifier(xv.DNSName(SIGNER_NAME))
        try:
            return verifier.verify(leaf, chain)
        except (xv.VerificationError, ValueError) as exc:
            logger.debug("certificate chain rejected: %s", exc)
            raise VerificationError("untrusted certificate chain") from exc
