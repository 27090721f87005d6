"""Where the project keeps its local data, and how its services are reached.

Everything the project writes at run time lives under one project data directory
(``CLINICAL_PIPELINES_HOME``, default ``<repo>/var``): the lakeFS database and blockstore, the
MLflow store, ``DAGSTER_HOME``, secrets, the linkage vault, the audit database and service logs.
No Dagster imports here: the CLI, the services module and the Dagster resources all read this.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

# Names of the lakeFS repositories (buckets in the S3 gateway). One per zone.
LANDING_REPOSITORY = "clinical-landing"  # raw zone: source extracts exactly as received
DEID_REPOSITORY = "clinical-deid"  # de-identified snapshots
EVIDENCE_REPOSITORY = "clinical-evidence"  # evidence bundles for auditors
ANCHOR_REPOSITORY = "clinical-audit-anchors"  # Merkle roots of the audit log

# The registered model of the default (built-in mace) study; every study's is
# ``study.layout.registered_model_name(study_id)`` = ``clinical-<study_id>-risk`` (a test checks they agree).
REGISTERED_MODEL_NAME = "clinical-mace-risk"
CHAMPION_ALIAS = "champion"


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a port number, got a non-integer value") from exc


@dataclass(frozen=True)
class Settings:
    home: Path
    lakefs_port: int = 18000
    mlflow_port: int = 15000
    dagster_port: int = 13000

    @classmethod
    def from_env(cls) -> "Settings":
        home = Path(os.environ.get("CLINICAL_PIPELINES_HOME", REPO_ROOT / "var")).resolve()
        return cls(
            home=home,
            lakefs_port=_int_env("CLINICAL_PIPELINES_LAKEFS_PORT", 18000),
            mlflow_port=_int_env("CLINICAL_PIPELINES_MLFLOW_PORT", 15000),
            dagster_port=_int_env("CLINICAL_PIPELINES_DAGSTER_PORT", 13000),
        )

    # --- folders -------------------------------------------------------------------------
    @property
    def lakefs_dir(self) -> Path:
        return self.home / "lakefs"

    @property
    def mlflow_dir(self) -> Path:
        return self.home / "mlflow"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster_home"

    @property
    def secrets_dir(self) -> Path:
        return self.home / "secrets"

    @property
    def linkage_dir(self) -> Path:
        return self.home / "linkage-vault"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"

    # --- endpoints -----------------------------------------------------------------------
    @property
    def lakefs_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.lakefs_port}"

    @property
    def mlflow_uri(self) -> str:
        return f"http://127.0.0.1:{self.mlflow_port}"

    @property
    def dagster_url(self) -> str:
        return f"http://127.0.0.1:{self.dagster_port}"

    @property
    def audit_db_url(self) -> str:
        return os.environ.get(
            "CLINICAL_PIPELINES_AUDIT_DB_URL", f"sqlite:///{self.home / 'audit' / 'audit.db'}"
        )

    @property
    def pseudonym_key_file(self) -> Path:
        return self.secrets_dir / "pseudonym.key"

    @property
    def linkage_key_file(self) -> Path:
        return self.secrets_dir / "linkage-vault.key"

    @property
    def signing_dir(self) -> Path:
        """Ed25519 signing keys: apart from ``secrets/`` (lakeFS admin key) and ``audit/`` (audit DB)."""
        return self.home / "signing"

    @property
    def evidence_signing_key_file(self) -> Path:
        """Signs evidence-bundle manifests; the public key is ``<name>.pub`` beside it."""
        env = os.environ.get("CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE", "").strip()
        return Path(env) if env else self.signing_dir / "evidence-signing.key"

    @property
    def anchor_signing_key_file(self) -> Path:
        """Signs audit anchors; the public key is ``<name>.pub`` beside it."""
        env = os.environ.get("CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE", "").strip()
        return Path(env) if env else self.signing_dir / "anchor-signing.key"

    @property
    def gate_attestation_key_file(self) -> Path:
        """HMAC key with which the pipeline attests gated merges into lakeFS main; the lakeFS server
        holds the same key for its pre-merge hook (``lakefs_protection``). Kept apart from the lakeFS
        admin key and the audit database."""
        env = os.environ.get("CLINICAL_PIPELINES_GATE_KEY_FILE", "").strip()
        return Path(env) if env else self.signing_dir / "gate-attestation.key"

    # --- secrets -------------------------------------------------------------------------
    def lakefs_credentials(self, *, create: bool = False) -> tuple[str, str]:
        """The lakeFS admin key pair of this data directory (created once by ``services up``)."""
        path = self.secrets_dir / "lakefs-admin.json"
        if path.exists():
            data = json.loads(path.read_text())
            return data["access_key_id"], data["secret_access_key"]
        if not create:
            raise FileNotFoundError(
                f"No lakeFS credentials at {path}. Start the services first: "
                "`clinical-pipelines services up`."
            )
        alphabet = string.ascii_uppercase + string.digits
        key_id = "AKIACP" + "".join(secrets.choice(alphabet) for _ in range(14))
        secret = secrets.token_urlsafe(30)
        write_secret(path, json.dumps({"access_key_id": key_id, "secret_access_key": secret}))
        return key_id, secret

    def ensure_secret_file(self, path: Path, nbytes: int = 32) -> Path:
        """Create a random secret file (mode 0600) if it does not exist yet."""
        if not path.exists():
            write_secret(path, secrets.token_hex(nbytes))
        return path

    def ensure_local_secrets(self) -> None:
        """First-run secrets of a local installation: pseudonym key, gate attestation key, linkage-vault
        key and the Ed25519 evidence and anchor signing keys (mode 0600).

        Production deployments provide their own (``clinical-pipelines audit keygen --dir secrets``,
        mounted by docker-compose.yml); nothing here overwrites an existing key, because that would
        break pseudonym stability across batches.
        """
        create_secret_files(pseudonym=self.pseudonym_key_file, linkage=self.linkage_key_file,
                            gate=self.gate_attestation_key_file, evidence=self.evidence_signing_key_file,
                            anchor=self.anchor_signing_key_file)

    @staticmethod
    def create_production_secrets(directory: Path) -> dict[str, Path]:
        """Every secret file docker-compose.yml mounts, created in ``directory`` (kept when present)."""
        files = production_secret_files(directory)
        create_secret_files(pseudonym=files["pseudonym key"], linkage=files["linkage-vault key"],
                            gate=files["gate attestation key"], evidence=files["evidence signing key"],
                            anchor=files["anchor signing key"])
        return files

    def service_env(self) -> dict[str, str]:
        """Environment the Dagster code location reads its resources from."""
        key_id, secret = self.lakefs_credentials()
        return {
            "CLINICAL_PIPELINES_HOME": str(self.home),
            "DAGSTER_HOME": str(self.dagster_home),
            "LAKEFS_ENDPOINT": self.lakefs_endpoint,
            "LAKEFS_ACCESS_KEY_ID": key_id,
            "LAKEFS_SECRET_ACCESS_KEY": secret,
            "MLFLOW_TRACKING_URI": self.mlflow_uri,
            "DAGSTER_UI_URL": self.dagster_url,
            "CLINICAL_PIPELINES_AUDIT_DB_URL": self.audit_db_url,
            "CLINICAL_PIPELINES_PSEUDONYM_KEY_FILE": str(self.pseudonym_key_file),
            "CLINICAL_PIPELINES_LINKAGE_DIR": str(self.linkage_dir),
            "CLINICAL_PIPELINES_LINKAGE_KEY_FILE": str(self.linkage_key_file),
            "CLINICAL_PIPELINES_EVIDENCE_SIGNING_KEY_FILE": str(self.evidence_signing_key_file),
            "CLINICAL_PIPELINES_ANCHOR_SIGNING_KEY_FILE": str(self.anchor_signing_key_file),
            "CLINICAL_PIPELINES_GATE_KEY_FILE": str(self.gate_attestation_key_file),
            "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "DAGSTER_DISABLE_TELEMETRY": "true",
        }


# The secret files of a production deployment (docker-compose.yml mounts them from ./secrets/).
PRODUCTION_SECRET_FILES = {
    "pseudonym key": "pseudonym.key",
    "linkage-vault key": "linkage-vault.key",
    "gate attestation key": "gate-attestation.key",
    "evidence signing key": "evidence-signing.key",
    "anchor signing key": "anchor-signing.key",
}


def production_secret_files(directory: Path) -> dict[str, Path]:
    return {what: Path(directory) / name for what, name in PRODUCTION_SECRET_FILES.items()}


def create_secret_files(*, pseudonym: Path, linkage: Path, gate: Path, evidence: Path, anchor: Path) -> None:
    """Create whichever of the five secrets is missing (mode 0600); existing files are never touched.

    pseudonym and gate: 32 random bytes, hex; linkage: a Fernet key; evidence and anchor: Ed25519
    key pairs (PKCS#8 PEM, public key ``<name>.pub`` beside it).
    """
    from clinical_pipelines.audit.signing import generate_key_pair
    from clinical_pipelines.deid.linkage import create_vault_key

    for path in (pseudonym, gate):
        if not path.exists():
            write_secret(path, secrets.token_hex(32))
    if not linkage.exists():
        create_vault_key(linkage)
    for key_file in (evidence, anchor):
        if not key_file.exists():
            generate_key_pair(key_file)


def write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
