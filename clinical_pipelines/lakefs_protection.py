"""Protected published state in lakeFS: branch protection on ``main`` and a pre-merge gate hook.

Two layers, both enforced by the lakeFS server (v1.84):

1. **Branch protection** (``PUT /repositories/{repo}/settings/branch_protection``): ``main`` refuses
   uploads, deletes, commits and resets; only merges reach it.
2. **Gate attestation hook**: a lakeFS Action (``_lakefs_actions/clinical_pipelines_gate_attestation.yaml``,
   a Lua ``pre-merge`` hook on ``main``) refuses a merge unless the merge commit's metadata carries
   ``gate_attestation = HMAC-SHA256(key, message)`` for exactly this repository, target branch and
   source commit (``action.source_ref``), listing the gates the pipeline verified and the run that
   evaluated them. The key exists twice only: in the pipeline's key file
   (``Settings.gate_attestation_key_file``) and in the lakeFS server's environment
   (``LAKEFSACTION_GATE_ATTESTATION_KEY``, templated into the hook's args by lakeFS; it is never
   stored in a repository). So only the pipeline's identity (the key holder) can merge into
   ``main``, and only the commit it checked: a branch that moved after its gates ran is refused.

Limits (why ``published_state`` also watches): lakeFS loads action files from the *source* commit
of a merge, so someone who deletes the action file on their branch merges without the hook; and an
admin can lift branch protection. Both leave a ``main`` head that no gated step recorded, which the
published-state check reports. Uses the ``lakefs`` / ``lakefs-sdk`` SDK; no Dagster import.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

PROTECTED_BRANCH = "main"
ACTION_PATH = "_lakefs_actions/clinical_pipelines_gate_attestation.yaml"
SERVER_KEY_ENV = "LAKEFSACTION_GATE_ATTESTATION_KEY"  # lakeFS only templates variables starting "LAKEFS"
ATTESTATION_VERSION = "clinical-pipelines/gate-attestation/v1"
SETUP_METADATA_KEY = "clinical_pipelines_setup"
MIN_KEY_CHARS = 32
# lakeFS caches repository settings (branch protection rules) for 3 s plus up to 3 s of jitter after
# they were last read (pkg/graveler/settings): a changed rule takes effect within this many seconds.
SETTINGS_CACHE_SECONDS = 7.0
# Metadata keys of an attested merge commit.
GATED_COMMIT, GATES, GATES_RUN_ID, ATTESTATION = "gated_commit", "gates", "gates_run_id", "gate_attestation"

_LUA = r"""
local hook = require("hook")
local hmac = require("crypto/hmac")
local hex = require("encoding/hex")
local key = args.key
if key == nil or #key < __MIN_KEY__ then
  hook.fail("merge refused: the gate-attestation key is not configured on this lakeFS server (__ENV__); restart lakeFS (`clinical-pipelines services down` then `services up`) or set it in the server's environment")
end
local md = action.commit.metadata or {}
local claimed = md["__ATTESTATION__"]
if claimed == nil or claimed == "" then
  hook.fail("merge into " .. action.branch_id .. " refused: the merge carries no gate attestation. Only the pipeline publishes to " .. action.branch_id .. ", after verifying the gates of the exact commit it merges (docs/PUBLISHED_STATE.md)")
end
if md["__GATED_COMMIT__"] ~= action.source_ref then
  hook.fail("merge refused: source commit " .. action.source_ref .. " is not the commit whose gates were verified; the branch moved after its gates ran")
end
local message = "__VERSION__\n" .. action.repository_id .. "\n" .. action.branch_id .. "\n" .. action.source_ref .. "\n" .. (md["__GATES__"] or "") .. "\n" .. (md["__GATES_RUN_ID__"] or "")
if hex.encode(hmac.sign_sha256(message, key)) ~= claimed then
  hook.fail("merge refused: the gate attestation does not verify for this repository, branch, source commit and gates")
end
"""


def action_yaml() -> str:
    """The lakeFS Action file installed on ``main`` (a Lua pre-merge hook; its key comes from the server's env)."""
    lua = (_LUA.replace("__MIN_KEY__", str(MIN_KEY_CHARS)).replace("__ENV__", SERVER_KEY_ENV)
           .replace("__ATTESTATION__", ATTESTATION).replace("__GATED_COMMIT__", GATED_COMMIT)
           .replace("__VERSION__", ATTESTATION_VERSION).replace("__GATES__", GATES)
           .replace("__GATES_RUN_ID__", GATES_RUN_ID))
    body = "\n".join("        " + line if line else "" for line in lua.strip("\n").splitlines())
    return (
        "# Installed by clinical-pipelines (clinical_pipelines/lakefs_protection.py). Do not edit: the\n"
        "# published-state check compares this file with the expected one.\n"
        "name: clinical-pipelines gate attestation\n"
        "description: main accepts only merges attested by the pipeline for the exact commit whose gates passed\n"
        "on:\n"
        "  pre-merge:\n"
        f"    branches: [{PROTECTED_BRANCH}]\n"
        "hooks:\n"
        "  - id: require_gate_attestation\n"
        "    type: lua\n"
        "    properties:\n"
        "      args:\n"
        f"        key: \"{{{{ ENV.{SERVER_KEY_ENV} }}}}\"\n"
        "      script: |\n"
        f"{body}\n"
    )


def action_sha256() -> str:
    return hashlib.sha256(action_yaml().encode()).hexdigest()


# ------------------------------------------------------------------------------ attestations
class GateKeyError(RuntimeError):
    """The gate-attestation key is missing or too short."""


def load_gate_key(path: str | Path) -> str:
    """The attestation key (hex text) from its file; fails closed with how to create it."""
    p = Path(path)
    if not p.is_file():
        raise GateKeyError(f"gate-attestation key not found at {p}; create it with `clinical-pipelines services up` "
                           "(local) or provide the deployment's key file (the lakeFS server needs the same key in "
                           f"{SERVER_KEY_ENV})")
    key = p.read_text().strip()
    if len(key) < MIN_KEY_CHARS:
        raise GateKeyError(f"gate-attestation key at {p} is shorter than {MIN_KEY_CHARS} characters")
    return key


def attestation_message(repository: str, branch: str, source_commit: str, gates: str, gates_run_id: str) -> str:
    return "\n".join([ATTESTATION_VERSION, repository, branch, source_commit, gates, gates_run_id])


def attest(key: str, *, repository: str, branch: str, source_commit: str, gates: Iterable[str],
           gates_run_id: str) -> dict[str, str]:
    """Merge-commit metadata attesting that ``source_commit`` may be merged into ``branch``.

    ``gates``: names of the gates the caller verified for that commit (comma-joined, may be empty
    for records that carry no data, e.g. a model back-link); ``gates_run_id``: the run that
    evaluated them. Returns the four metadata keys the pre-merge hook checks.
    """
    gate_list = ",".join(gates)
    message = attestation_message(repository, branch, source_commit, gate_list, gates_run_id)
    mac = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return {GATED_COMMIT: source_commit, GATES: gate_list, GATES_RUN_ID: gates_run_id, ATTESTATION: mac}


def verify_attestation(key: str, *, repository: str, branch: str, source_commit: str,
                       metadata: Mapping[str, str]) -> bool:
    """The same check as the hook, in Python (for the published-state check and tests)."""
    message = attestation_message(repository, branch, source_commit, metadata.get(GATES, ""),
                                  metadata.get(GATES_RUN_ID, ""))
    expected = hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return metadata.get(GATED_COMMIT) == source_commit and hmac.compare_digest(expected, metadata.get(ATTESTATION, ""))


# ------------------------------------------------------------------------------ protection
@dataclass(frozen=True)
class ProtectionStatus:
    """What lakeFS reports for one repository (ids and hashes only)."""

    repository: str
    main_protected: bool
    hook_sha256: str | None  # SHA-256 of the action file on main, None when absent

    @property
    def hook_intact(self) -> bool:
        return self.hook_sha256 == action_sha256()


def _rules_api(repo: Any):
    return repo._client.sdk_client.repositories_api  # noqa: SLF001 - the high-level SDK has no wrapper


def protected_patterns(repo: Any) -> list[str]:
    return [r.pattern for r in _rules_api(repo).get_branch_protection_rules(repo.id)]


def _read(ref: Any, path: str) -> bytes | None:
    from lakefs.exceptions import NotFoundException

    try:
        with ref.object(path).reader(mode="rb") as fh:
            return fh.read()
    except NotFoundException:
        return None


def status(repo: Any) -> ProtectionStatus:
    data = _read(repo.ref(PROTECTED_BRANCH), ACTION_PATH)
    return ProtectionStatus(repo.id, PROTECTED_BRANCH in protected_patterns(repo),
                            hashlib.sha256(data).hexdigest() if data is not None else None)


def _install_hook(repo: Any, *, protected: bool, gate_key: str | None) -> str:
    """Put the action file on main: a direct commit while main is unprotected, else an attested merge."""
    metadata = {SETUP_METADATA_KEY: "gate-attestation-hook", "hook_sha256": action_sha256()}
    data = action_yaml().encode()
    if not protected:
        branch = repo.branch(PROTECTED_BRANCH)
        branch.object(ACTION_PATH).upload(data, mode="wb")
        return branch.commit("Install the gate-attestation pre-merge hook", metadata=metadata).get_commit().id
    if gate_key is None:
        raise GateKeyError(f"{repo.id}: main is protected and its gate hook differs; installing it needs the "
                           "gate-attestation key")
    import uuid

    work = repo.branch(f"setup-gate-hook-{uuid.uuid4().hex[:8]}")
    work.create(source_reference=PROTECTED_BRANCH)
    try:
        work.object(ACTION_PATH).upload(data, mode="wb")
        source = work.commit("Install the gate-attestation pre-merge hook", metadata=metadata).get_commit().id
        attested = attest(gate_key, repository=repo.id, branch=PROTECTED_BRANCH, source_commit=source,
                          gates=("setup",), gates_run_id="setup")
        repo.ref(source).merge_into(repo.branch(PROTECTED_BRANCH), message="Install the gate-attestation hook",
                                    metadata={**metadata, **attested})
    finally:
        work.delete()
    return repo.ref(PROTECTED_BRANCH).get_commit().id


def protect_repository(repo: Any, *, install_hook: bool, gate_key: str | None = None) -> str | None:
    """Make ``main`` of ``repo`` protected (and gate-hooked); idempotent.

    Returns the id of the commit that installed or repaired the hook on main (to be recorded in the
    audit log), or None when nothing had to be committed.
    """
    from lakefs_sdk import BranchProtectionRule

    api = _rules_api(repo)
    rules = list(api.get_branch_protection_rules(repo.id))
    protected = any(r.pattern == PROTECTED_BRANCH for r in rules)
    current = _read(repo.ref(PROTECTED_BRANCH), ACTION_PATH) if install_hook else None
    needs_hook = install_hook and (current is None or hashlib.sha256(current).hexdigest() != action_sha256())
    if not protected and not (needs_hook and gate_key is None):
        # Protect first, so no write to main has cached "unprotected" on the server; the hook then
        # arrives by an attested merge.
        api.set_branch_protection_rules(repo.id, [*rules, BranchProtectionRule(pattern=PROTECTED_BRANCH)])
        protected = True
    setup_commit = _install_hook(repo, protected=protected, gate_key=gate_key) if needs_hook else None
    if not protected:
        api.set_branch_protection_rules(repo.id, [*rules, BranchProtectionRule(pattern=PROTECTED_BRANCH)])
    return setup_commit


def protection_for(repository: str) -> str:
    """``"hook"`` (protected main + gate hook), ``"protect"`` (protected main) or ``"none"``.

    The published repositories (de-identified snapshots, evidence) get both. The landing zone stays
    writable: source systems deliver extracts to its ``main`` and ingest commits there (raw zone, not
    published state). Any other repository (anchors, whose signatures authenticate them) gets a
    protected ``main`` without the hook.
    """
    from clinical_pipelines.settings import DEID_REPOSITORY, EVIDENCE_REPOSITORY, LANDING_REPOSITORY

    if repository == LANDING_REPOSITORY:
        return "none"
    return "hook" if repository in (DEID_REPOSITORY, EVIDENCE_REPOSITORY) else "protect"
