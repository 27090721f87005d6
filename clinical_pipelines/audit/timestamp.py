"""RFC 3161 time-stamps for audit anchors, requested and verified with ``rfc3161-client``.

A time-stamping authority (TSA) signs ``(SHA-256 of the data, its own clock, our nonce)`` with a
certificate carrying the critical ``id-kp-timeStamping`` extended key usage (RFC 3161 section 2.3).
The token proves that the anchored data existed at that time to anyone who trusts the TSA's root
certificate, independently of every key the project holds.

Configuration: ``$CLINICAL_PIPELINES_TSA_URL`` (where to ask) and ``$CLINICAL_PIPELINES_TSA_CA_FILE``
(PEM root certificate(s) the token must chain to; used to check the reply at once and at verify).
"""

from __future__ import annotations

import base64
import hashlib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

__all__ = [
    "TSA_URL_ENV",
    "TSA_CA_ENV",
    "TimestampError",
    "TimestampCheck",
    "load_tsa_roots",
    "request_timestamp",
    "verify_timestamp",
]

TSA_URL_ENV = "CLINICAL_PIPELINES_TSA_URL"
TSA_CA_ENV = "CLINICAL_PIPELINES_TSA_CA_FILE"


class TimestampError(RuntimeError):
    """The TSA could not be reached or its reply is not a valid time-stamp for our request."""


@dataclass(frozen=True)
class TimestampCheck:
    ok: bool
    gen_time: str | None = None
    problem: str | None = None


def load_tsa_roots(path: str | Path) -> list[x509.Certificate]:
    """Root certificate(s) of the TSA, PEM. Raises ``ValueError`` naming the file."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"TSA root certificate file {p} does not exist")
    try:
        certs = x509.load_pem_x509_certificates(p.read_bytes())
    except ValueError:
        raise ValueError(f"TSA root certificate file {p} holds no PEM certificate") from None
    return list(certs)


def _iso(dt: Any) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _verify(response: Any, data: bytes, nonce: int | None, roots: Sequence[x509.Certificate]) -> None:
    builder = VerifierBuilder(roots=list(roots), nonce=nonce)
    builder.build().verify_message(response, data)


def request_timestamp(
    url: str, data: bytes, *, roots: Sequence[x509.Certificate] = (), timeout: float = 15.0
) -> dict[str, str]:
    """Ask the TSA at ``url`` to time-stamp SHA-256(``data``); return the token record.

    The reply must be granted, carry our nonce and our message imprint; with ``roots`` it is also
    verified (signature, chain, timeStamping EKU) before it is accepted. Raises ``TimestampError``.
    Record: ``{"url", "hash": "sha256", "nonce", "gen_time", "response_b64"}``.
    """
    request = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256).build()
    http = urllib.request.Request(url, data=request.as_bytes(), method="POST",
                                  headers={"Content-Type": "application/timestamp-query"})
    try:
        with urllib.request.urlopen(http, timeout=timeout) as resp:  # noqa: S310 - configured TSA URL
            body = resp.read()
            ctype = resp.headers.get("Content-Type", "")
    except (urllib.error.URLError, OSError) as exc:
        raise TimestampError(f"time-stamping authority {url} unreachable ({type(exc).__name__})") from None
    if "timestamp-reply" not in ctype:
        raise TimestampError(f"TSA at {url} answered with content type {ctype!r}, not a time-stamp reply")
    try:
        response = decode_timestamp_response(body)
    except ValueError:
        raise TimestampError(f"TSA at {url} sent a reply that is not a DER TimeStampResp") from None
    if response.status != PKIStatus.GRANTED:
        raise TimestampError(f"TSA at {url} refused the request (PKIStatus {response.status})")
    info = response.tst_info
    if info.nonce != request.nonce or info.message_imprint.message != hashlib.sha256(data).digest():
        raise TimestampError(f"TSA at {url} answered a different request (nonce or imprint differs)")
    if roots:
        try:
            _verify(response, data, request.nonce, roots)
        except VerificationError as exc:
            raise TimestampError(f"time-stamp from {url} does not verify: {exc}") from None
    return {
        "url": url,
        "hash": "sha256",
        "nonce": str(request.nonce),
        "gen_time": _iso(info.gen_time),
        "response_b64": base64.b64encode(body).decode("ascii"),
    }


def verify_timestamp(
    token: Mapping[str, Any], data: bytes, roots: Sequence[x509.Certificate]
) -> TimestampCheck:
    """Verify a stored token over ``data`` against the TSA ``roots`` (never raises)."""
    if not roots:
        return TimestampCheck(False, token.get("gen_time"),
                              "no trusted TSA root certificate given (--tsa-ca or $" + TSA_CA_ENV + ")")
    try:
        response = decode_timestamp_response(base64.b64decode(str(token["response_b64"]), validate=True))
        nonce = int(token["nonce"]) if token.get("nonce") is not None else None
    except (KeyError, ValueError, TypeError):
        return TimestampCheck(False, None, "time-stamp token is unreadable")
    gen_time = _iso(response.tst_info.gen_time)
    try:
        _verify(response, data, nonce, roots)
    except VerificationError as exc:
        return TimestampCheck(False, gen_time, f"time-stamp does not verify ({str(exc)[:160]})")
    except ValueError as exc:
        return TimestampCheck(False, gen_time, f"time-stamp cannot be checked ({str(exc)[:160]})")
    return TimestampCheck(True, gen_time)
