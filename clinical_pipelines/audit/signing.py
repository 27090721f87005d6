"""Ed25519 signing keys for evidence manifests and audit anchors (RFC 8032, via ``cryptography``).

Key files:

- private key: PKCS#8 PEM, unencrypted, mode 0600, in its own file (``Settings.
  evidence_signing_key_file`` / ``anchor_signing_key_file``), never beside the audit database or
  the lakeFS admin key, so that whoever holds those cannot sign;
- public key: SubjectPublicKeyInfo PEM (``<key>.pub``), published to auditors. OpenSSL reads both
  (``openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in DATA -sigfile SIG``).

The key id is the first 32 hex digits of SHA-256 over the 32 raw public-key bytes. It only names
a key; trust is decided by comparing the full public key with a trusted one.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "ALGORITHM",
    "KeyFileError",
    "PublicKey",
    "SigningKey",
    "SignatureCheck",
    "generate_key_pair",
    "load_signing_key",
    "load_public_key",
    "check_signature",
]

ALGORITHM = "Ed25519"


class KeyFileError(ValueError):
    """A key file is missing, unreadable or not an Ed25519 key (the message says which file)."""


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key (32 raw bytes)."""

    raw: bytes

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()[:32]

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @classmethod
    def from_b64(cls, text: str) -> PublicKey:
        try:
            raw = base64.b64decode(text, validate=True)
        except (ValueError, TypeError):
            raise KeyFileError("public key is not valid base64") from None
        if len(raw) != 32:
            raise KeyFileError(f"an Ed25519 public key has 32 bytes, this one has {len(raw)}")
        return cls(raw)

    def pem(self) -> bytes:
        return Ed25519PublicKey.from_public_bytes(self.raw).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 private key and the file it came from."""

    private: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> PublicKey:
        return PublicKey(
            self.private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        return self.private.sign(data)


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of checking one signature against the trusted keys."""

    valid: bool  # the signature verifies under the key named by the signer
    trusted: bool  # ... and that key is one of the trusted keys
    key_id: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.valid and self.trusted


def _write_private(path: Path, data: bytes) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def public_key_path(private_path: Path) -> Path:
    """Where the public key of ``private_path`` is published (``<name>.pub`` beside it)."""
    return private_path.with_suffix(".pub")


def generate_key_pair(private_path: str | os.PathLike[str]) -> PublicKey:
    """Create a new key pair at ``private_path`` (0600) and ``<name>.pub``; never overwrites.

    Raises ``FileExistsError`` when the private key exists already.
    """
    path = Path(private_path)
    key = Ed25519PrivateKey.generate()
    _write_private(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    pub = SigningKey(key, path).public_key
    public_key_path(path).write_bytes(pub.pem())
    return pub


def load_signing_key(path: str | os.PathLike[str], *, purpose: str = "signing") -> SigningKey:
    """Load an Ed25519 private key (PKCS#8 PEM). Raises ``KeyFileError`` naming the file."""
    p = Path(path)
    if not p.is_file():
        raise KeyFileError(
            f"{purpose} key not found at {p}; create the local key pairs with `clinical-pipelines "
            "audit keygen` or mount the deployment's key there (see docs/EVIDENCE_TRUST.md)"
        )
    try:
        key = serialization.load_pem_private_key(p.read_bytes(), password=None)
    except (ValueError, TypeError, OSError):
        raise KeyFileError(f"{purpose} key at {p} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{purpose} key at {p} is not an Ed25519 key")
    return SigningKey(key, p)


def load_public_key(path: str | os.PathLike[str]) -> PublicKey:
    """Load an Ed25519 public key (SubjectPublicKeyInfo PEM). Raises ``KeyFileError``."""
    p = Path(path)
    if not p.is_file():
        raise KeyFileError(f"public key file {p} does not exist")
    try:
        key = serialization.load_pem_public_key(p.read_bytes())
    except (ValueError, TypeError, OSError):
        raise KeyFileError(f"public key file {p} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"public key file {p} is not an Ed25519 key")
    return PublicKey(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def check_signature(
    signature: bytes, data: bytes, claimed: PublicKey | None, trusted: Sequence[PublicKey]
) -> SignatureCheck:
    """Check ``signature`` over ``data`` against the trusted keys.

    ``claimed`` is the key the signer says it used (from the signed document); it is only used to
    say *which* untrusted key signed. ``valid`` is true if some trusted key (or, failing that,
    the claimed key) verifies the signature; ``trusted`` only if a trusted key does.
    """
    if len(signature) != 64:
        return SignatureCheck(False, False, claimed.key_id if claimed else None,
                              f"signature has {len(signature)} bytes, an Ed25519 signature has 64")
    for key in trusted:
        if key.verify(signature, data):
            return SignatureCheck(True, True, key.key_id)
    if claimed is not None and claimed.verify(signature, data):
        return SignatureCheck(
            True, False, claimed.key_id,
            f"signed by key {claimed.key_id}, which is not a trusted key "
            f"(trusted: {', '.join(k.key_id for k in trusted) or 'none given'})",
        )
    return SignatureCheck(
        False, False, claimed.key_id if claimed else None,
        "signature does not verify: the signed content changed after signing, or it was signed "
        "by another key",
    )
