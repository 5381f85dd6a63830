"""RFC 3161 timestamps of signed tree heads, from a timestamp authority the organisation configures.

A signed tree head says *the organisation* claims a time; a timestamp token says an independent
authority saw exactly that tree head (hence every chain in it) no later than its time. ``rfc3161-client``
builds the request and checks the answer (CMS signature, certificate chain to the roots given, nonce,
message imprint); we add only the HTTP POST (``application/timestamp-query``, RFC 3161 §3.4) and the
choice of what is stamped: the exact bytes the tree head signature covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass

import rfc3161_client
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding


class TimestampError(Exception):
    """The authority could not be reached, refused, or its answer does not verify."""


@dataclass(frozen=True)
class Timestamp:
    """What a verified token proves."""

    time: dt.datetime
    authority: str
    authority_fingerprint: str


def request_timestamp(url: str, message: bytes, *, timeout: float = 15.0) -> bytes:
    """Ask the authority at `url` to stamp `message`; return the DER response after checking its nonce
    and message imprint (its certificate chain is checked by :func:`verify_timestamp` with the roots)."""
    request = (
        rfc3161_client.TimestampRequestBuilder().data(message)
        .hash_algorithm(rfc3161_client.HashAlgorithm.SHA256).nonce(nonce=True).build()
    )
    http = urllib.request.Request(  # noqa: S310 — the URL is the organisation's configured authority
        url, data=request.as_bytes(), method="POST",
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:  # noqa: S310
            body = reply.read(1024 * 1024)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TimestampError(f"timestamp authority {url} did not answer: {exc}") from exc
    try:
        response = rfc3161_client.decode_timestamp_response(body)
    except Exception as exc:  # noqa: BLE001 — the decoder raises several types for garbage
        raise TimestampError(f"timestamp authority {url} sent something that is not a timestamp") from exc
    if response.status != rfc3161_client.PKIStatus.GRANTED:
        raise TimestampError(f"timestamp authority {url} refused the request (status {response.status})")
    if response.tst_info.nonce != request.nonce:
        raise TimestampError("timestamp answer does not carry our nonce (replayed or for another request)")
    if response.tst_info.message_imprint.message != hashlib.sha256(message).digest():
        raise TimestampError("timestamp answer is for another message")
    return body


def verify_timestamp(token: bytes, message: bytes, *, roots_pem: bytes) -> Timestamp:
    """Check a stored response against `message` and the authority's root certificate(s)."""
    try:
        roots = x509.load_pem_x509_certificates(roots_pem)
    except ValueError as exc:
        raise TimestampError("the timestamp authority's root certificate is not PEM") from exc
    try:
        response = rfc3161_client.decode_timestamp_response(token)
    except Exception as exc:  # noqa: BLE001
        raise TimestampError("the timestamp token is damaged (not an RFC 3161 response)") from exc
    builder = rfc3161_client.VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify_message(response, message)
    except rfc3161_client.VerificationError as exc:
        raise TimestampError(f"the timestamp token does not verify: {exc}") from exc
    signer = _signer_certificate(response)
    name = signer.subject.rfc4514_string() if signer else "unknown authority"
    fingerprint = hashlib.sha256(signer.public_bytes(Encoding.DER)).hexdigest()[:32] if signer else ""
    return Timestamp(time=response.tst_info.gen_time.astimezone(dt.UTC), authority=name,
                     authority_fingerprint=fingerprint)


def _signer_certificate(response: rfc3161_client.TimeStampResponse) -> x509.Certificate | None:
    certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    for cert in certs:
        if not cert.extensions or _is_tsa(cert):
            return cert
    return certs[0] if certs else None


def _is_tsa(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return x509.oid.ExtendedKeyUsageOID.TIME_STAMPING in usage
