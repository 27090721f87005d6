"""Keyed pseudonyms (HMAC-SHA256) and per-patient date shifts derived from the same secret key.

The key is read from a file or the environment, never from the repository, and is never printed.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

from .errors import KeyMaterialError

ENV_KEY = "CLINICAL_PIPELINES_PSEUDONYM_KEY"
ENV_KEY_FILE = "CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 32

_HOW_TO = (
    "Create one with `python -c \"import secrets; print(secrets.token_hex(32))\" > /path/outside/repo/pseudonym.key` "
    f"(chmod 600) and set {ENV_KEY_FILE} to its path (or pass --key-file)."
)


def _decode(raw: bytes, source: str) -> bytes:
    text = raw.strip()
    try:
        s = text.decode("ascii")
        if len(s) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in s):
            key = bytes.fromhex(s)
        else:
            key = text
    except UnicodeDecodeError:
        key = text
    if len(key) < MIN_KEY_BYTES:
        raise KeyMaterialError(
            f"pseudonymisation key from {source} is too short ({len(key)} bytes, need >= {MIN_KEY_BYTES}). {_HOW_TO}"
        )
    return key


def load_pseudonym_key(key_file: str | None = None) -> bytes:
    """Return the pseudonymisation key: ``key_file`` > $CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE > $..._KEY.

    Hex strings are decoded; anything else is used as raw bytes. Fails closed with instructions.
    """
    path = key_file or os.environ.get(ENV_KEY_FILE)
    if path:
        p = Path(path)
        if not p.is_file():
            raise KeyMaterialError(f"pseudonymisation key file not found: {p}. {_HOW_TO}")
        return _decode(p.read_bytes(), "key file")
    env = os.environ.get(ENV_KEY)
    if env:
        return _decode(env.encode(), f"${ENV_KEY}")
    raise KeyMaterialError(f"no pseudonymisation key: neither {ENV_KEY_FILE} nor {ENV_KEY} is set. {_HOW_TO}")


def normalize_identifier(value: object) -> str:
    """Canonical form so the same identifier pseudonymises the same way across batches."""
    s = unicodedata.normalize("NFKC", str(value)).strip()
    return " ".join(s.split()).upper()


def pseudonymize(value: object, key: bytes, namespace: str, length: int = 20) -> str:
    """HMAC-SHA256(key, namespace || 0x00 || normalised value), hex, truncated to ``length`` chars (80 bits)."""
    if not key or len(key) < MIN_KEY_BYTES:
        raise KeyMaterialError(f"pseudonymisation key must be >= {MIN_KEY_BYTES} bytes. {_HOW_TO}")
    msg = namespace.encode() + b"\x00" + normalize_identifier(value).encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:length]


def date_shift_days(patient_key: object, key: bytes, max_days: int = 365) -> int:
    """Per-patient shift in [-max_days, -1] (never 0), identical for every date of the patient (keeps intervals)."""
    if max_days < 1:
        raise ValueError("max_days must be >= 1")
    digest = hmac.new(key, b"date-shift\x00" + normalize_identifier(patient_key).encode(), hashlib.sha256).digest()
    return -(int.from_bytes(digest[:8], "big") % max_days + 1)
