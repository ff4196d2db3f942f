"""Tests for skill.verify: Alexa request verification, against a private test CA, offline."""

from __future__ import annotations

import base64
import json
import urllib.error
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backcoach.skill.web import verify as verify_module
from backcoach.skill.web.verify import RequestVerifier, VerificationError

NOW = datetime(2026, 11, 24, 5, 30, tzinfo=UTC)
SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"
URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-99.pem"
DAY = timedelta(days=1)

CaKey = ec.EllipticCurvePrivateKey


# --- test PKI ------------------------------------------------------------------------------


def _name(cn: str) -> x509.Name:
    """Return a subject name with just a common name."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _builder(subject: str, issuer: x509.Name, public_key, start: datetime, end: datetime):
    """Return a certificate builder with the fields every certificate has."""
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(ca: bool) -> x509.KeyUsage:
    """The key usage of a certificate authority, or of Amazon's signing certificate."""
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_root(cn: str, key: CaKey) -> x509.Certificate:
    """Return a self-signed root CA certificate."""
    return (
        _builder(cn, _name(cn), key.public_key(), NOW - 3650 * DAY, NOW + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(key, hashes.SHA256())
    )


def make_intermediate(
    cn: str, key: CaKey, issuer: x509.Certificate, issuer_key: CaKey
) -> x509.Certificate:
    """Return an intermediate CA certificate signed by issuer."""
    return (
        _builder(cn, issuer.subject, key.public_key(), NOW - 365 * DAY, NOW + 1825 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def make_leaf(
    issuer: x509.Certificate,
    issuer_key: CaKey,
    public_key,
    *,
    start: datetime = NOW - 30 * DAY,
    end: datetime = NOW + 300 * DAY,
    dns_name: str = "echo-api.amazon.com",
) -> x509.Certificate:
    """Return a leaf certificate shaped like Amazon's echo-api.amazon.com certificate."""
    eku = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    return (
        _builder(dns_name, issuer.subject, public_key, start, end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def pem(*certs: x509.Certificate) -> bytes:
    """Return a PEM bundle of the certificates, in order."""
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@dataclass
class Pki:
    """A test CA hierarchy and the keys that go with it."""

    root: x509.Certificate
    inter: x509.Certificate
    inter_key: CaKey
    leaf_key: rsa.RSAPrivateKey
    other_key: rsa.RSAPrivateKey
    rogue_root: x509.Certificate
    rogue_key: CaKey

    def leaf(self, **kwargs) -> x509.Certificate:
        """Return a leaf for the signing key, issued by the trusted intermediate."""
        return make_leaf(self.inter, self.inter_key, self.leaf_key.public_key(), **kwargs)

    def bundle(self, **kwargs) -> bytes:
        """Return the PEM chain Amazon would serve: leaf, then intermediate."""
        return pem(self.leaf(**kwargs), self.inter)


@pytest.fixture(scope="module")
def pki() -> Pki:
    """Build the test PKI once: EC CAs, and RSA 2048 signing keys as Alexa uses."""
    root_key = ec.generate_private_key(ec.SECP256R1())
    inter_key = ec.generate_private_key(ec.SECP256R1())
    rogue_key = ec.generate_private_key(ec.SECP256R1())
    root = make_root("Test Root CA", root_key)
    return Pki(
        root=root,
        inter=make_intermediate("Test Intermediate CA", inter_key, root, root_key),
        inter_key=inter_key,
        leaf_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        other_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        rogue_root=make_root("Test Root CA", rogue_key),
        rogue_key=rogue_key,
    )


@pytest.fixture(scope="module")
def good_pem(pki: Pki) -> bytes:
    """The valid PEM chain served at URL."""
    return pki.bundle()


# --- requests ------------------------------------------------------------------------------


def envelope(
    timestamp: datetime = NOW, app_id: str = SKILL_ID, *, with_context: bool = True
) -> dict:
    """Return an Alexa request envelope."""
    application = {"applicationId": app_id}
    env: dict = {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.1",
            "application": application,
        },
        "request": {
            "type": "LaunchRequest",
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": "en-GB",
        },
    }
    if with_context:
        env["context"] = {"System": {"application": application}}
    return env


def body_of(env: dict) -> bytes:
    """Serialise an envelope as Alexa would."""
    return json.dumps(env).encode()


def sign(body: bytes, key: rsa.RSAPrivateKey) -> str:
    """Return the Signature-256 header value for body."""
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def headers_for(body: bytes, key: rsa.RSAPrivateKey, url: str = URL) -> dict[str, str]:
    """Return the headers Alexa sends with body."""
    return {"SignatureCertChainUrl": url, "Signature-256": sign(body, key)}


@dataclass
class Fetcher:
    """A fake download: serves PEM bundles in turn (the last one repeatedly) and records URLs."""

    bundles: list[bytes]
    calls: list[str] = field(default_factory=list)
    error: BaseException | None = None

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        if self.error is not None:
            raise self.error
        return self.bundles[min(len(self.calls), len(self.bundles)) - 1]


@dataclass
class Clock:
    """A settable clock."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def verifier_for(
    pki: Pki, *bundles: bytes, skill_id: str | None = SKILL_ID, **kwargs
) -> tuple[RequestVerifier, Fetcher]:
    """Return a verifier trusting the test root, and the fake download it uses."""
    fetch = Fetcher(list(bundles))
    kwargs.setdefault("now", Clock())
    verifier = RequestVerifier(skill_id=skill_id, trust_roots=[pki.root], fetch=fetch, **kwargs)
    return verifier, fetch


def refused(verifier: RequestVerifier, headers, body: bytes) -> str:
    """Run verify, expecting a refusal, and return the reason."""
    with pytest.raises(VerificationError) as info:
        verifier.verify(headers, body)
    return str(info.value)


# --- the happy path ------------------------------------------------------------------------


def test_valid_request_returns_envelope(pki: Pki, good_pem: bytes) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    env = envelope()
    body = body_of(env)
    assert verifier.verify(headers_for(body, pki.leaf_key), body) == env
    assert fetch.calls == [URL]


def test_header_names_are_case_insensitive(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = {k.lower(): v for k, v in headers_for(body, pki.leaf_key).items()}
    assert verifier.verify(headers, body)["version"] == "1.0"


def test_accepts_werkzeug_headers(pki: Pki, good_pem: bytes) -> None:
    from werkzeug.datastructures import Headers

    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = Headers([("Content-Type", "application/json")])
    for key, value in headers_for(body, pki.leaf_key).items():
        headers.add(key.upper(), value)
    assert verifier.verify(headers, body)["version"] == "1.0"


# --- headers and URL -----------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_header(pki: Pki, good_pem: bytes, missing: str) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = headers_for(body, pki.leaf_key)
    del headers[missing]
    assert refused(verifier, headers, body) == f"missing {missing} header"
    assert fetch.calls == []


def test_empty_header_counts_as_missing(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = headers_for(body, pki.leaf_key) | {"Signature-256": ""}
    assert refused(verifier, headers, body) == "missing Signature-256 header"


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://s3.AMAZONAWS.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    ],
)
def test_good_cert_urls_pass(pki: Pki, good_pem: bytes, url: str) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    body = body_of(envelope())
    verifier.verify(headers_for(body, pki.leaf_key, url), body)
    assert fetch.calls == ["https://s3.amazonaws.com/echo.api/echo-api-cert.pem"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "not https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "wrong host"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "wrong path"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "wrong path"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "wrong port"),
        ("https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem", "wrong path"),
        ("https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem", "wrong host"),
        ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "wrong host"),
        ("https://s3.amazonaws.com/echo.api", "wrong path"),
        ("https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem", "bad certificate URL"),
        # Dot segments and slashes hidden from normpath by percent-escapes: never fetched.
        ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert.pem", "encoded dot"),
        ("https://s3.amazonaws.com/echo.api/%2E./evil/echo-api-cert.pem", "encoded dot"),
        ("https://s3.amazonaws.com/echo.api/..%2Fevil/echo-api-cert.pem", "encoded dot"),
        ("https://s3.amazonaws.com/echo.api/..%5cevil/echo-api-cert.pem", "encoded dot"),
    ],
)
def test_bad_cert_urls_are_refused(pki: Pki, good_pem: bytes, url: str, reason: str) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    body = body_of(envelope())
    assert reason in refused(verifier, headers_for(body, pki.leaf_key, url), body)
    assert fetch.calls == []


# --- body and timestamp --------------------------------------------------------------------


def test_non_json_body(pki: Pki, good_pem: bytes) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    body = b"<xml>not json</xml>"
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == "body is not JSON"
    # The signature comes first, so the signing chain was fetched (once, from Amazon's path)
    # before the body was looked at: nobody gets their bytes parsed without signing them.
    assert fetch.calls == [URL]


def test_an_unsigned_body_is_never_parsed(pki: Pki, good_pem: bytes, monkeypatch) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    monkeypatch.setattr("backcoach.skill.web.verify._parse_body", lambda body: 1 / 0)
    body = b"[" * 5000
    assert refused(verifier, headers_for(body, pki.other_key), body) == "bad signature"


def test_json_that_is_not_an_object(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = b"[1, 2]"
    assert "not a JSON object" in refused(verifier, headers_for(body, pki.leaf_key), body)


@pytest.mark.parametrize(
    ("offset_s", "reason"),
    [(-151, "request timestamp too old"), (151, "request timestamp in the future")],
)
def test_timestamp_out_of_range(pki: Pki, good_pem: bytes, offset_s: int, reason: str) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    body = body_of(envelope(NOW + timedelta(seconds=offset_s)))
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == reason
    assert fetch.calls == [URL]  # the signature was checked first


@pytest.mark.parametrize("offset_s", [-150, 150])
def test_timestamp_at_the_limit_passes(pki: Pki, good_pem: bytes, offset_s: int) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope(NOW + timedelta(seconds=offset_s)))
    verifier.verify(headers_for(body, pki.leaf_key), body)


@pytest.mark.parametrize(
    ("timestamp", "reason"),
    [(None, "missing request timestamp"), ("yesterday", "bad request timestamp")],
)
def test_bad_timestamp(pki: Pki, good_pem: bytes, timestamp, reason: str) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    env = envelope()
    if timestamp is None:
        del env["request"]["timestamp"]
    else:
        env["request"]["timestamp"] = timestamp
    body = body_of(env)
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == reason


def test_fractional_timestamp_passes(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    env = envelope()
    env["request"]["timestamp"] = "2026-11-24T05:30:01.250Z"
    body = body_of(env)
    verifier.verify(headers_for(body, pki.leaf_key), body)


# --- certificate ---------------------------------------------------------------------------


def test_expired_leaf(pki: Pki) -> None:
    verifier, _ = verifier_for(pki, pki.bundle(start=NOW - 60 * DAY, end=NOW - DAY))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "signing certificate expired"
    )


def test_not_yet_valid_leaf(pki: Pki) -> None:
    verifier, _ = verifier_for(pki, pki.bundle(start=NOW + DAY, end=NOW + 60 * DAY))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "signing certificate not yet valid"
    )


def test_wrong_san(pki: Pki) -> None:
    verifier, _ = verifier_for(pki, pki.bundle(dns_name="echo-api.evil.example"))
    body = body_of(envelope())
    reason = refused(verifier, headers_for(body, pki.leaf_key), body)
    assert reason == "signing certificate is not for echo-api.amazon.com"


def test_chain_to_untrusted_root(pki: Pki) -> None:
    # Same names as the real hierarchy, but rooted in a key the verifier does not trust.
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = make_intermediate("Test Intermediate CA", inter_key, pki.rogue_root, pki.rogue_key)
    leaf = make_leaf(inter, inter_key, pki.leaf_key.public_key())
    verifier, _ = verifier_for(pki, pem(leaf, inter))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "untrusted certificate chain"
    )


def test_self_signed_leaf_is_untrusted(pki: Pki) -> None:
    name = "echo-api.amazon.com"
    leaf = (
        _builder(name, _name(name), pki.leaf_key.public_key(), NOW - DAY, NOW + DAY)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(pki.leaf_key, hashes.SHA256())
    )
    verifier, _ = verifier_for(pki, pem(leaf))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "untrusted certificate chain"
    )


def test_missing_intermediate(pki: Pki) -> None:
    verifier, _ = verifier_for(pki, pem(pki.leaf()))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "untrusted certificate chain"
    )


def test_non_rsa_leaf(pki: Pki) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    leaf = make_leaf(pki.inter, pki.inter_key, ec_key.public_key())
    verifier, _ = verifier_for(pki, pem(leaf, pki.inter))
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "signing certificate key is not RSA"
    )


@pytest.mark.parametrize("bundle", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\n"])
def test_garbage_certificate(pki: Pki, bundle: bytes) -> None:
    verifier, _ = verifier_for(pki, bundle)
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == "bad signing certificate"


@pytest.mark.parametrize(
    "error",
    [
        OSError("connection refused"),
        TimeoutError("timed out"),
        ConnectionResetError(),
        urllib.error.HTTPError(URL, 403, "Forbidden", {}, None),  # type: ignore[arg-type]
        urllib.error.URLError("no route"),
        RuntimeError("anything at all"),
    ],
)
def test_fetch_failure(pki: Pki, good_pem: bytes, error: BaseException) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    fetch.error = error
    body = body_of(envelope())
    reason = refused(verifier, headers_for(body, pki.leaf_key), body)
    assert reason == "cannot download signing certificate"


def test_default_fetch_failure_is_a_verification_error(pki: Pki, monkeypatch) -> None:
    def urlopen(url: str, timeout: float):
        assert timeout == 5
        raise TimeoutError("timed out")

    monkeypatch.setattr(verify_module.urllib.request, "urlopen", urlopen)
    verifier = RequestVerifier(skill_id=SKILL_ID, trust_roots=[pki.root], now=Clock())
    body = body_of(envelope())
    reason = refused(verifier, headers_for(body, pki.leaf_key), body)
    assert reason == "cannot download signing certificate"


# --- signature -----------------------------------------------------------------------------


def test_tampered_body(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = headers_for(body, pki.leaf_key)
    tampered = body.replace(b"LaunchRequest", b"IntentRequest")
    assert refused(verifier, headers, tampered) == "bad signature"


def test_signature_by_another_key(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.other_key), body) == "bad signature"


@pytest.mark.parametrize("signature", ["not base64!", "abc", "QUJD\x00"])
def test_bad_base64_signature(pki: Pki, good_pem: bytes, signature: str) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = {"SignatureCertChainUrl": URL, "Signature-256": signature}
    assert refused(verifier, headers, body) == "signature is not base64"


def test_valid_base64_of_garbage_signature(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope())
    headers = {"SignatureCertChainUrl": URL, "Signature-256": base64.b64encode(b"x" * 256).decode()}
    assert refused(verifier, headers, body) == "bad signature"


# --- application id ------------------------------------------------------------------------


def test_wrong_skill_id(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    body = body_of(envelope(app_id="amzn1.ask.skill.someone-else"))
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == "wrong application id"


def test_skill_id_none_skips_check(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem, skill_id=None)
    body = body_of(envelope(app_id="amzn1.ask.skill.someone-else"))
    verifier.verify(headers_for(body, pki.leaf_key), body)


def test_skill_id_from_session_without_context(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    good = body_of(envelope(with_context=False))
    verifier.verify(headers_for(good, pki.leaf_key), good)
    bad = body_of(envelope(app_id="amzn1.ask.skill.other", with_context=False))
    assert refused(verifier, headers_for(bad, pki.leaf_key), bad) == "wrong application id"


def test_missing_application_id(pki: Pki, good_pem: bytes) -> None:
    verifier, _ = verifier_for(pki, good_pem)
    env = envelope()
    del env["context"]["System"]["application"]
    body = body_of(env)
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == "missing application id"


# --- cache ---------------------------------------------------------------------------------


def test_cached_chain_is_not_fetched_again(pki: Pki, good_pem: bytes) -> None:
    verifier, fetch = verifier_for(pki, good_pem)
    for _ in range(3):
        body = body_of(envelope())
        verifier.verify(headers_for(body, pki.leaf_key), body)
    assert fetch.calls == [URL]


def test_expired_cached_chain_is_fetched_again(pki: Pki) -> None:
    short = pki.bundle(start=NOW - DAY, end=NOW + timedelta(hours=1))
    renewed = pki.bundle(start=NOW, end=NOW + 90 * DAY)
    clock = Clock()
    verifier, fetch = verifier_for(pki, short, renewed, now=clock)
    body = body_of(envelope())
    verifier.verify(headers_for(body, pki.leaf_key), body)

    clock.now = NOW + timedelta(minutes=30)
    body = body_of(envelope(clock.now))
    verifier.verify(headers_for(body, pki.leaf_key), body)
    assert len(fetch.calls) == 1

    clock.now = NOW + timedelta(hours=2)
    for _ in range(2):
        body = body_of(envelope(clock.now))
        verifier.verify(headers_for(body, pki.leaf_key), body)
    assert len(fetch.calls) == 2


def test_expired_cached_chain_refetched_even_if_still_expired(pki: Pki) -> None:
    short = pki.bundle(start=NOW - DAY, end=NOW + timedelta(hours=1))
    clock = Clock()
    verifier, fetch = verifier_for(pki, short, now=clock)
    body = body_of(envelope())
    verifier.verify(headers_for(body, pki.leaf_key), body)
    clock.now = NOW + timedelta(hours=2)
    body = body_of(envelope(clock.now))
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "signing certificate expired"
    )
    assert len(fetch.calls) == 2


def test_cache_is_lru(pki: Pki, good_pem: bytes) -> None:
    verifier, fetch = verifier_for(pki, good_pem, cache_size=2)
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in "abac"]
    for url in urls + ["https://s3.amazonaws.com/echo.api/cert-b.pem"]:
        body = body_of(envelope())
        verifier.verify(headers_for(body, pki.leaf_key, url), body)
    # a, b fetched; a hit; c evicts b (least recently used); b fetched again.
    assert [url.rsplit("-", 1)[1] for url in fetch.calls] == ["a.pem", "b.pem", "c.pem", "b.pem"]


def test_failed_chain_is_not_cached(pki: Pki) -> None:
    verifier, fetch = verifier_for(pki, pem(pki.leaf()), pki.bundle())
    body = body_of(envelope())
    assert refused(verifier, headers_for(body, pki.leaf_key), body) == (
        "untrusted certificate chain"
    )
    verifier.verify(headers_for(body, pki.leaf_key), body)
    assert len(fetch.calls) == 2


# --- Amazon's real certificate -------------------------------------------------------------

# The chain Amazon served as echo-api-cert-12.pem in 2023 (leaf and "Amazon RSA 2048 M01").
AMAZON_CHAIN_2023 = b"""\
-----BEGIN CERTIFICATE-----
MIIF1DCCBLygAwIBAgIQBN+8chNo1Sj7b0tM5snCVjANBgkqhkiG9w0BAQsFADA8
MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRwwGgYDVQQDExNBbWF6b24g
UlNBIDIwNDggTTAxMB4XDTIzMDMxNjAwMDAwMFoXDTIzMTIyMzIzNTk1OVowHjEc
MBoGA1UEAxMTZWNoby1hcGkuYW1hem9uLmNvbTCCASIwDQYJKoZIhvcNAQEBBQAD
ggEPADCCAQoCggEBAKIQEkLs9APyNk6eV9X1QXh+ca8XtooQy6BiSpzMY6HKtg13
G5cL/hCkXNUbsJYsO47BKsBcYKOhrI9Tlz3aMwFPX/Y2rK32WgeIs1jf0Et7UXQ5
hvUm9CQ5eCmpUWL69rkDoN8ig8pnaO/5CXWA/3hEJi/ChhI/u0VTLljClH7ZKTmu
uVLmFEthUc3Zk9kGa7hmBx3Dy/Pj7eqZUEq7KrRqzqvGXSSh22fp2IJ8QcOyTNt6
wNtOmepdYUUB1EWaoIcc2WiBlC/fsB8yJbGlC6r+JRoXEaJexW8BMN1/McIFsXx0
pg0hovlN68kyuz5hKPwVZ9aQHrEKyl3bf5VtF8kCAwEAAaOCAu4wggLqMB8GA1Ud
IwQYMBaAFIG4DmOKiRIY5fo7O1CVn+blkBOFMB0GA1UdDgQWBBQo1dfksXQFwRBS
gCVWr5gZCuM51jAeBgNVHREEFzAVghNlY2hvLWFwaS5hbWF6b24uY29tMA4GA1Ud
DwEB/wQEAwIFoDAdBgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwOwYDVR0f
BDQwMjAwoC6gLIYqaHR0cDovL2NybC5yMm0wMS5hbWF6b250cnVzdC5jb20vcjJt
MDEuY3JsMBMGA1UdIAQMMAowCAYGZ4EMAQIBMHUGCCsGAQUFBwEBBGkwZzAtBggr
BgEFBQcwAYYhaHR0cDovL29jc3AucjJtMDEuYW1hem9udHJ1c3QuY29tMDYGCCsG
AQUFBzAChipodHRwOi8vY3J0LnIybTAxLmFtYXpvbnRydXN0LmNvbS9yMm0wMS5j
ZXIwDAYDVR0TAQH/BAIwADCCAYAGCisGAQQB1nkCBAIEggFwBIIBbAFqAHYA6D7Q
2j71BjUy51covIlryQPTy9ERa+zraeF3fW0GvW4AAAGG7FRdNgAABAMARzBFAiEA
/YIL1U8CP30wrUhqg3ILfVSkVAfQ/Eo3SGNjvz8VEwMCIG38MeCoXQN3hvE77uPR
sTE59GxdeozFwZqPcGaZSYp+AHcAs3N3B+GEUPhjhtYFqdwRCUp5LbFnDAuH3PAD
Dnk2pZoAAAGG7FRdZgAABAMASDBGAiEAyubrDupeOQjRFs7oGz+he0X1S6k03xZ/
6x0w5b7xkmICIQDY6IkaeoEFrMMv3vl2PlE2c6MxEhJt+t54vXnWcwkPGgB3ALc+
+yTfnE26dfI5xbpY9Gxd/ELPep81xJ4dCYEl7bSZAAABhuxUXRgAAAQDAEgwRgIh
AO+JM3fQLGKncD8qGCiYCS73jWOvhRq94zsxiXjUdTNfAiEAxIryCWuVSLN+S1+K
21tTWBhWi4Q9ndjPVEltqxpnym8wDQYJKoZIhvcNAQELBQADggEBAIrd0C+BEmLX
iEPMjHByEYmT4Ho/WSZSjn7VYzzn5D2SqsRHYG6NkMTLbxcdjmMlsAk8ZD+jqJii
HTXmYcKOohH5My70l8YekFpiSP91eEziYSdFsCmXwzH5OmxOkVwvFwa5ZZI93aaQ
djoMI8RhG3TiQGsCFe7gXMpD4/Gh3N1CRDEepVadujEv4hBf0FfBjUFzxuxQVvGa
6epG1P55BMR3UPgVSJ1TLNBhxSN2CQKhYMdeA1ncfb6zc6cJ7h0WGEq3iwBr9WD4
fjGn8nMFXV9a5yVoIN2riHAgROjPa7SibLGouof8Ydyu8aOhdhBehcSTpjJ7EzOQ
QlES8QSw3UE=
-----END CERTIFICATE-----
-----BEGIN CERTIFICATE-----
MIIEXjCCA0agAwIBAgITB3MSOAudZoijOx7Zv5zNpo4ODzANBgkqhkiG9w0BAQsF
ADA5MQswCQYDVQQGEwJVUzEPMA0GA1UEChMGQW1hem9uMRkwFwYDVQQDExBBbWF6
b24gUm9vdCBDQSAxMB4XDTIyMDgyMzIyMjEyOFoXDTMwMDgyMzIyMjEyOFowPDEL
MAkGA1UEBhMCVVMxDzANBgNVBAoTBkFtYXpvbjEcMBoGA1UEAxMTQW1hem9uIFJT
QSAyMDQ4IE0wMTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAOtxLKnL
H4gokjIwr4pXD3i3NyWVVYesZ1yX0yLI2qIUZ2t88Gfa4gMqs1YSXca1R/lnCKeT
epWSGA+0+fkQNpp/L4C2T7oTTsddUx7g3ZYzByDTlrwS5HRQQqEFE3O1T5tEJP4t
f+28IoXsNiEzl3UGzicYgtzj2cWCB41eJgEmJmcf2T8TzzK6a614ZPyq/w4CPAff
nAV4coz96nW3AyiE2uhuB4zQUIXvgVSycW7sbWLvj5TDXunEpNCRwC4kkZjK7rol
jtT2cbb7W2s4Bkg3R42G3PLqBvt2N32e/0JOTViCk8/iccJ4sXqrS1uUN4iB5Nmv
JK74csVl+0u0UecCAwEAAaOCAVowggFWMBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYD
VR0PAQH/BAQDAgGGMB0GA1UdJQQWMBQGCCsGAQUFBwMBBggrBgEFBQcDAjAdBgNV
HQ4EFgQUgbgOY4qJEhjl+js7UJWf5uWQE4UwHwYDVR0jBBgwFoAUhBjMhTTsvAyU
lC4IWZzHshBOCggwewYIKwYBBQUHAQEEbzBtMC8GCCsGAQUFBzABhiNodHRwOi8v
b2NzcC5yb290Y2ExLmFtYXpvbnRydXN0LmNvbTA6BggrBgEFBQcwAoYuaHR0cDov
L2NydC5yb290Y2ExLmFtYXpvbnRydXN0LmNvbS9yb290Y2ExLmNlcjA/BgNVHR8E
ODA2MDSgMqAwhi5odHRwOi8vY3JsLnJvb3RjYTEuYW1hem9udHJ1c3QuY29tL3Jv
b3RjYTEuY3JsMBMGA1UdIAQMMAowCAYGZ4EMAQIBMA0GCSqGSIb3DQEBCwUAA4IB
AQCtAN4CBSMuBjJitGuxlBbkEUDeK/pZwTXv4KqPK0G50fOHOQAd8j21p0cMBgbG
kfMHVwLU7b0XwZCav0h1ogdPMN1KakK1DT0VwA/+hFvGPJnMV1Kx2G4S1ZaSk0uU
5QfoiYIIano01J5k4T2HapKQmmOhS/iPtuo00wW+IMLeBuKMn3OLn005hcrOGTad
hcmeyfhQP7Z+iKHvyoQGi1C0ClymHETx/chhQGDyYSWqB/THwnN15AwLQo0E5V9E
SJlbe4mBlqeInUsNYugExNf+tOiybcrswBy8OFsd34XOW3rjSUtsuafd9AWySa3h
xRRrwszrzX/WWGm6wyB+f7C4
-----END CERTIFICATE-----
"""


def test_amazon_real_chain_passes_certificate_checks() -> None:
    # No signed body exists for this certificate, so "bad signature" (checked after the chain)
    # proves that Amazon's real chain passes the policy checks against the certifi roots.
    when = datetime(2023, 6, 1, tzinfo=UTC)
    fetch = Fetcher([AMAZON_CHAIN_2023])
    verifier = RequestVerifier(skill_id=SKILL_ID, fetch=fetch, now=lambda: when)
    body = body_of(envelope(when))
    headers = {"SignatureCertChainUrl": URL, "Signature-256": base64.b64encode(b"x" * 256).decode()}
    assert refused(verifier, headers, body) == "bad signature"
    assert fetch.calls == [URL]


def test_amazon_real_chain_untrusted_without_certifi_roots(pki: Pki) -> None:
    when = datetime(2023, 6, 1, tzinfo=UTC)
    verifier, _ = verifier_for(pki, AMAZON_CHAIN_2023, now=lambda: when)
    body = body_of(envelope(when))
    headers = {"SignatureCertChainUrl": URL, "Signature-256": base64.b64encode(b"x" * 256).decode()}
    assert refused(verifier, headers, body) == "untrusted certificate chain"
