"""Approved policies only: which de-identification and gate policies a run may use.

Policies are change-controlled (FDA PCCP final guidance, Dec 2024: version control and
maintenance; GMLP principle 2; EU AI Act Annex IV point 6). A policy file is identified by the
SHA-256 of its bytes and is *approved* when

- that hash is listed in the approved-policy record shipped in the package
  (``policies/approved_policies.yaml``, reviewed like code), or
- the audit log holds an ``approval.recorded`` event for the subject ``policy:<kind>/<sha256>``
  made by a person (actor ``human:<staff id>``) in one of the record's ``approver_roles`` for that
  kind (``clinical-pipelines audit approve policy:gate/<sha256> --by ID --role ROLE --reference CR``).

Anything else raises :class:`PolicyNotApproved`, whose message says what is wrong and how to get
the policy approved. :class:`PolicyIdentity` (kind, name, version, hash, default or not, how it
was approved) is what the model card, the audit trace and the evidence bundle show; a policy that
is not the packaged default carries a warning. No Dagster import here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from clinical_pipelines.audit import events as audit_events
from clinical_pipelines.provenance import sha256_bytes

POLICIES_DIR = Path(__file__).resolve().parent / "policies"
RECORD_PATH = POLICIES_DIR / "approved_policies.yaml"
KINDS: Mapping[str, str] = {"deid": "de-identification policy", "gate": "validation gate policy"}
RUN_CONFIG_FIELD: Mapping[str, str] = {"deid": "policy_path", "gate": "gate_policy_path"}
HUMAN_ACTOR_PREFIX = "human:"
_ENTRY_KEYS = ("kind", "name", "file", "version", "sha256", "default", "reference")


class PolicyNotApproved(ValueError):
    """The policy a run selected is not in the approved set (message: what is wrong, how to fix)."""


class ApprovedRecordError(ValueError):
    """The approved-policy record is missing or malformed."""


@dataclass(frozen=True)
class ApprovedEntry:
    kind: str
    name: str
    file: str
    version: str
    sha256: str
    default: bool
    reference: str


@dataclass(frozen=True)
class ApprovedRecord:
    """The parsed record: approver roles per kind and the approved entries."""

    path: str
    sha256: str
    approver_roles: Mapping[str, tuple[str, ...]]
    entries: tuple[ApprovedEntry, ...]

    def entry_for(self, kind: str, sha256: str) -> ApprovedEntry | None:
        return next((e for e in self.entries if e.kind == kind and e.sha256 == sha256.lower()), None)

    def default_entry(self, kind: str) -> ApprovedEntry | None:
        return next((e for e in self.entries if e.kind == kind and e.default), None)


@dataclass(frozen=True)
class PolicyIdentity:
    """Who a policy is: shown in the model card, the audit trace and the evidence bundle.

    ``approval`` is ``"approved-policy record"``, ``"audit approval seq N by role R (reference C)"``
    or ``"not approved"``; ``warning`` is set whenever the policy is not the packaged default.
    """

    kind: str
    name: str
    version: str
    sha256: str
    is_default: bool
    approved: bool
    approval: str
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def policy_subject(kind: str, sha256: str) -> str:
    """Audit subject of a policy approval: ``policy:<kind>/<sha256>``."""
    _check_kind(kind)
    return f"policy:{kind}/{sha256.lower()}"


def file_sha256(path: str | Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind '{kind}'; expected one of {sorted(KINDS)}")


def _entry(raw: Any, index: int, where: str) -> ApprovedEntry:
    if not isinstance(raw, Mapping):
        raise ApprovedRecordError(f"{where}: policies[{index}] must be a mapping with keys {list(_ENTRY_KEYS)}")
    missing = [k for k in _ENTRY_KEYS if k not in raw or raw[k] is None]
    if missing:
        raise ApprovedRecordError(f"{where}: policies[{index}] is missing {missing}")
    kind, sha = str(raw["kind"]), str(raw["sha256"]).lower()
    if kind not in KINDS:
        raise ApprovedRecordError(f"{where}: policies[{index}].kind must be one of {sorted(KINDS)}")
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise ApprovedRecordError(f"{where}: policies[{index}].sha256 must be 64 hex digits")
    if not isinstance(raw["default"], bool):
        raise ApprovedRecordError(f"{where}: policies[{index}].default must be true or false")
    return ApprovedEntry(kind, str(raw["name"]), str(raw["file"]), str(raw["version"]), sha, raw["default"],
                         str(raw["reference"]))


def load_approved_record(path: str | Path | None = None) -> ApprovedRecord:
    """Parse the approved-policy record (default: the packaged one). Fails closed on any defect."""
    p = Path(path) if path is not None else RECORD_PATH
    if not p.is_file():
        raise ApprovedRecordError(f"approved-policy record not found at {p}; restore "
                                  "clinical_pipelines/policies/approved_policies.yaml")
    raw = p.read_bytes()
    where = f"approved-policy record {p.name}"
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ApprovedRecordError(f"{where}: not valid YAML ({type(exc).__name__})") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("policies"), list):
        raise ApprovedRecordError(f"{where}: expected a mapping with 'approver_roles' and a 'policies' list")
    roles_raw = data.get("approver_roles")
    if not isinstance(roles_raw, Mapping) or set(roles_raw) != set(KINDS):
        raise ApprovedRecordError(f"{where}: 'approver_roles' must name the roles for each of {sorted(KINDS)}")
    roles = {}
    for kind, names in roles_raw.items():
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise ApprovedRecordError(f"{where}: approver_roles.{kind} must be a non-empty list of role names")
        roles[kind] = tuple(names)
    entries = tuple(_entry(e, i, where) for i, e in enumerate(data["policies"]))
    for kind in KINDS:
        if sum(e.default for e in entries if e.kind == kind) > 1:
            raise ApprovedRecordError(f"{where}: more than one default entry for kind '{kind}'")
    return ApprovedRecord(str(p), sha256_bytes(raw), roles, entries)


def audit_approval(log: Any, kind: str, sha256: str, roles: tuple[str, ...]) -> tuple[Any | None, list[str]]:
    """The latest approval of ``policy:<kind>/<sha256>`` by a person in ``roles``, and the roles of
    approvals that do not count (not a person, or a role not allowed for this kind)."""
    found = log.query(event_type=audit_events.APPROVAL_RECORDED, subject=policy_subject(kind, sha256),
                      descending=True)
    rejected: list[str] = []
    for event in found:
        role = str(event.payload.get("role", ""))
        if event.actor.startswith(HUMAN_ACTOR_PREFIX) and role in roles:
            return event, rejected
        rejected.append(role or "?")
    return None, rejected


def _warning(kind: str, name: str, version: str, sha256: str, default: ApprovedEntry | None, approval: str) -> str:
    base = (f"{KINDS[kind]} '{name}' version {version} (sha256 {sha256[:12]}) is not the default "
            + (f"('{default.name}' version {default.version})" if default else "(no default is recorded)"))
    return f"{base}; {approval}"


def identify(kind: str, *, sha256: str, version: str, path: str | Path = "", log: Any | None = None,
             record: ApprovedRecord | None = None) -> PolicyIdentity:
    """Identify a policy by hash: its name, whether it is the default, and how (whether) it is approved.

    ``log`` (an ``AuditLog``) is consulted only for hashes not in the record; without it such a
    policy is reported as not approved.
    """
    _check_kind(kind)
    record = record or load_approved_record()
    sha = sha256.lower()
    default = record.default_entry(kind)
    entry = record.entry_for(kind, sha)
    if entry is not None:
        approval = f"approved-policy record ({entry.reference})"
        warning = None if entry.default else _warning(kind, entry.name, version, sha, default, approval)
        return PolicyIdentity(kind, entry.name, version, sha, entry.default, True, approval, warning)
    name = Path(path).stem if path else "unlisted"
    event = None
    if log is not None:
        event, _ = audit_approval(log, kind, sha, record.approver_roles[kind])
    if event is None:
        approval = "not approved"
        return PolicyIdentity(kind, name, version, sha, False, False, approval,
                              _warning(kind, name, version, sha, default, approval))
    approval = (f"audit approval seq {event.seq} by {event.actor} as {event.payload.get('role')} "
                f"(reference {event.payload.get('reference')})")
    return PolicyIdentity(kind, name, version, sha, False, True, approval,
                          _warning(kind, name, version, sha, default, approval))


def require_approved(kind: str, *, sha256: str, version: str, path: str | Path = "", log: Any | None = None,
                     record: ApprovedRecord | None = None) -> PolicyIdentity:
    """The policy's identity if it is approved; else :class:`PolicyNotApproved` saying how to approve it."""
    record = record or load_approved_record()
    identity = identify(kind, sha256=sha256, version=version, path=path, log=log, record=record)
    if identity.approved:
        return identity
    roles = record.approver_roles[kind]
    rejected: list[str] = []
    if log is not None:
        _, rejected = audit_approval(log, kind, sha256, roles)
    where = f" at {path}" if path else ""
    extra = (f" The audit log holds approval(s) of this hash by role(s) {sorted(set(rejected))}, which may not "
             f"approve a {KINDS[kind]}." if rejected else "")
    raise PolicyNotApproved(
        f"{KINDS[kind]}{where} (version {version}, sha256 {sha256.lower()}) is not approved: its hash is not "
        f"in {Path(record.path).name} and no approval by a role in {list(roles)} is recorded in the audit "
        f"log.{extra} Use an approved policy (leave {RUN_CONFIG_FIELD[kind]} unset for the packaged default), "
        f"or have this file approved: `clinical-pipelines audit approve {policy_subject(kind, sha256)} --by "
        f"STAFF_ID --role {roles[0]} --reference CR-ID`, or list it in "
        "clinical_pipelines/policies/approved_policies.yaml in a reviewed change."
    )
