"""``clinical-pipelines audit ...`` (dispatched by ``clinical_pipelines.cli``).

    clinical-pipelines audit trace <model-name> <version> [--json] [--db-url URL]
    clinical-pipelines audit verify [--anchors] [--anchors-dir DIR] [--anchor-public-key PEM ...]
                                    [--tsa-ca PEM] [--require-timestamp] [--grace-seconds S] [--db-url URL]
    clinical-pipelines audit events [--type T] [--subject S] [--json]
    clinical-pipelines audit approve|override SUBJECT --by ID --role R --reference CR [--anchors-dir DIR]
    clinical-pipelines audit anchor [--anchors-dir DIR]      write a signed anchor now
    clinical-pipelines audit keygen [--dir DIR]              create the local signing key pairs (or every
                                                             production secret in DIR)

The database URL comes from ``--db-url``, else ``$CLINICAL_PIPELINES_AUDIT_DB_URL``, else
``sqlite:///<CLINICAL_PIPELINES_HOME or ./var>/audit/audit.db``. Anchors are read from and written
to lakeFS (``$LAKEFS_ENDPOINT``/``$LAKEFS_ACCESS_KEY_ID``/``$LAKEFS_SECRET_ACCESS_KEY``, else the
local services' endpoint and credentials) or ``--anchors-dir``. ``verify --anchors`` trusts only
anchors signed by ``--anchor-public-key`` (default: the project's published anchor key,
``<anchor signing key>.pub``) and checks RFC 3161 time-stamps against ``--tsa-ca`` (default
``$CLINICAL_PIPELINES_TSA_CA_FILE``). See docs/EVIDENCE_TRUST.md.

Exit codes: 0 verified / traced / recorded; 1 verification failed or model not in the log;
2 usage or configuration error (no database, no trusted key, unreadable key or certificate, anchor
store unreachable); 3 a decision was recorded but could not be anchored (fix the cause, then run
``audit anchor``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from clinical_pipelines.audit.anchor import ANCHOR_REPOSITORY, DirectoryAnchorStore

__all__ = ["audit_main", "main", "default_db_url"]


def default_db_url() -> str:
    env = os.environ.get("CLINICAL_PIPELINES_AUDIT_DB_URL", "").strip()
    if env:
        return env
    try:
        from clinical_pipelines.settings import Settings

        return Settings.from_env().audit_db_url
    except Exception:  # noqa: BLE001 - settings unavailable: same default, computed here
        home = Path(os.environ.get("CLINICAL_PIPELINES_HOME", "./var")).resolve()
        return f"sqlite:///{home / 'audit' / 'audit.db'}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinical-pipelines audit",
                                description="Trace models and verify the audit trail.")
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("trace", help="what made this model version")
    t.add_argument("model_name")
    t.add_argument("version")
    t.add_argument("--json", action="store_true", help="machine-readable output")
    t.add_argument("--db-url", default=None)
    v = sub.add_parser("verify", help="verify the hash chain (and the external anchors)")
    v.add_argument("--anchors", action="store_true", help="also verify the signed Merkle anchors")
    v.add_argument("--anchors-dir", default=None,
                   help="read anchors from this directory instead of lakeFS (implies --anchors)")
    v.add_argument("--anchors-repository", default=None,
                   help=f"lakeFS repository of the anchors (default {ANCHOR_REPOSITORY})")
    v.add_argument("--anchor-public-key", action="append", default=[], metavar="PEM",
                   help="trusted Ed25519 anchor public key; repeat for several (default: the project's "
                        "published anchor key)")
    v.add_argument("--tsa-ca", default=None, metavar="PEM",
                   help="root certificate(s) of the RFC 3161 time-stamping authority")
    v.add_argument("--require-timestamp", action="store_true", help="fail anchors without an RFC 3161 time-stamp")
    v.add_argument("--grace-seconds", type=float, default=600.0,
                   help="how long a publish/promotion/gate event may stay unanchored (default 600)")
    v.add_argument("--json", action="store_true", help="machine-readable output")
    v.add_argument("--db-url", default=None)
    e = sub.add_parser("events", help="list events (filter by type and subject)")
    e.add_argument("--type", dest="event_type", default=None, help="e.g. lakefs.merge, mlflow.alias.set")
    e.add_argument("--subject", default=None, help="e.g. model:clinical-mace-risk/3")
    e.add_argument("--limit", type=int, default=50)
    e.add_argument("--json", action="store_true")
    e.add_argument("--db-url", default=None)
    for name, help_text in (("approve", "record a human approval of a subject (e.g. a model version)"),
                            ("override", "record a human override of a gate decision, with its change reference")):
        a = sub.add_parser(name, help=help_text)
        a.add_argument("subject", help="what is approved, e.g. model:clinical-mace-risk/3")
        a.add_argument("--by", required=True, help="staff id of the approver (never a patient identifier)")
        a.add_argument("--role", required=True, help="e.g. clinical-lead, privacy-officer")
        a.add_argument("--reference", required=True, help="change-request or ticket id that holds the rationale")
        a.add_argument("--anchors-dir", default=None, help="write the anchor to this directory instead of lakeFS")
        a.add_argument("--db-url", default=None)
    n = sub.add_parser("anchor", help="write a signed anchor over the events not yet anchored, now")
    n.add_argument("--anchors-dir", default=None, help="write the anchor to this directory instead of lakeFS")
    n.add_argument("--db-url", default=None)
    keygen = sub.add_parser("keygen", help="create the evidence and anchor signing key pairs of this data "
                                           "directory (never overwrites)")
    keygen.add_argument("--dir", dest="secrets_dir", type=Path, default=None,
                        help="write every secret a production deployment needs into DIR instead (the file "
                             "names docker-compose.yml mounts: pseudonym.key, linkage-vault.key, "
                             "gate-attestation.key, evidence-signing.key(.pub), anchor-signing.key(.pub))")
    return p


def _anchoring_config(args: argparse.Namespace):
    from clinical_pipelines.audit.anchoring import AnchoringConfig

    cfg = AnchoringConfig.from_env()
    if getattr(args, "anchors_dir", None):
        cfg = replace(cfg, directory=Path(args.anchors_dir))
    if getattr(args, "anchors_repository", None):
        cfg = replace(cfg, repository=args.anchors_repository, directory=None)
    return cfg


def _record_decision(log, args: argparse.Namespace) -> int:
    from clinical_pipelines.audit import events
    from clinical_pipelines.audit.anchoring import anchor_after

    event_type = events.APPROVAL_RECORDED if args.cmd == "approve" else events.OVERRIDE_RECORDED
    event = log.append(event_type, args.subject, actor=f"human:{args.by}",
                       payload={"role": args.role, "reference": args.reference, "decision": args.cmd})
    print(f"recorded {event_type} for {args.subject} as seq {event.seq} (hash {event.hash[:16]})")
    try:
        outcome = anchor_after(log, [event], config=_anchoring_config(args))
    except Exception as exc:  # noqa: BLE001 - recorded but not anchored: say so, exit 3
        print(f"audit {args.cmd}: recorded, but could not anchor it ({type(exc).__name__}: {exc}); fix the "
              "cause and run `clinical-pipelines audit anchor`", file=sys.stderr)
        return 3
    if outcome is not None:
        print(f"anchored seq {outcome.anchor.from_seq}..{outcome.anchor.to_seq} at {outcome.location}")
    return 0


def _anchor(log, args: argparse.Namespace) -> int:
    from clinical_pipelines.audit.anchoring import anchor_now

    cfg = _anchoring_config(args)
    try:
        outcome = anchor_now(log, cfg.store(), cfg.signing_key(), repository=cfg.repository,
                             tsa_url=cfg.tsa_url, tsa_roots=cfg.tsa_roots())
    except Exception as exc:  # noqa: BLE001 - report which part failed, fail closed
        print(f"audit anchor: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if outcome is None:
        print("nothing to anchor: every event is covered by an anchor")
        return 0
    a = outcome.anchor
    print(f"anchored seq {a.from_seq}..{a.to_seq} ({a.n_events} events, root {a.root}) at {outcome.location}"
          + (f", RFC 3161 time {a.tsa['gen_time']}" if a.tsa else ""))
    return 0


def _keygen(secrets_dir: Path | None = None) -> int:
    from clinical_pipelines.audit.signing import generate_key_pair, load_signing_key, public_key_path
    from clinical_pipelines.settings import Settings, production_secret_files

    try:
        if secrets_dir is not None:
            for what, path in production_secret_files(secrets_dir).items():
                print(f"{what}: {path} ({'kept' if path.exists() else 'created'})")
            Settings.create_production_secrets(secrets_dir)
            return 0
        settings = Settings.from_env()
        for what, path in (("evidence", settings.evidence_signing_key_file),
                           ("anchor", settings.anchor_signing_key_file)):
            if path.exists():
                print(f"{what} signing key exists: {path} (key id {load_signing_key(path).public_key.key_id})")
            else:
                pub = generate_key_pair(path)
                print(f"{what} signing key created: {path} (key id {pub.key_id}); publish {public_key_path(path)}")
    except (ValueError, OSError) as exc:
        print(f"audit keygen: {exc}", file=sys.stderr)
        return 2
    return 0


def _trust(args: argparse.Namespace):
    """Trusted anchor keys and TSA roots; raises ``ValueError`` (incl. ``KeyFileError``)."""
    from clinical_pipelines.audit.signing import load_public_key, public_key_path
    from clinical_pipelines.audit.timestamp import TSA_CA_ENV, load_tsa_roots
    from clinical_pipelines.audit.verify import AnchorTrust
    from clinical_pipelines.settings import Settings

    if args.anchor_public_key:
        keys = [load_public_key(p) for p in args.anchor_public_key]
    else:
        published = public_key_path(Settings.from_env().anchor_signing_key_file)
        if not published.is_file():
            raise ValueError(f"no trusted anchor public key: none published at {published}; pass "
                             "--anchor-public-key FILE")
        keys = [load_public_key(published)]
    ca = args.tsa_ca or os.environ.get(TSA_CA_ENV, "").strip()
    return AnchorTrust(trusted_keys=keys, tsa_roots=load_tsa_roots(ca) if ca else [],
                       require_timestamp=args.require_timestamp, decision_grace_seconds=args.grace_seconds)


def _verify(log, args: argparse.Namespace) -> int:
    from clinical_pipelines.audit.verify import verify_anchors, verify_chain

    t0 = time.perf_counter()
    chain = verify_chain(log)
    ok = chain.ok
    report: dict = {"chain": chain.__dict__.copy()}
    lines = [chain.summary()]
    if args.anchors or args.anchors_dir:
        try:
            trust = _trust(args)
        except ValueError as exc:
            print(f"audit verify: {exc}", file=sys.stderr)
            return 2
        try:
            source = (DirectoryAnchorStore(args.anchors_dir) if args.anchors_dir
                      else _anchoring_config(args).store())
            anchors = verify_anchors(log, source, trust)
        except Exception as exc:  # noqa: BLE001 - report which store failed, fail closed
            print(f"audit verify: cannot read anchors ({type(exc).__name__}: {exc})", file=sys.stderr)
            return 2
        ok = ok and anchors.ok
        report["anchors"] = {
            "ok": anchors.ok, "n_anchors": anchors.n_anchors, "covered_to_seq": anchors.covered_to_seq,
            "problems": anchors.problems, "first_bad_seq": anchors.first_bad_seq,
            "n_timestamped": anchors.n_timestamped, "key_ids": anchors.key_ids,
        }
        lines.append(anchors.summary())
    report["ok"] = ok
    report["elapsed_s"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else "\n".join(lines))
    return 0 if ok else 1


def _events(log, args: argparse.Namespace) -> int:
    found = log.query(event_type=args.event_type, subject=args.subject, limit=args.limit, descending=True)
    if args.json:
        print(json.dumps([ev.to_dict() for ev in found], indent=2, sort_keys=True))
    else:
        for ev in found:
            print(f"{ev.seq:>7}  {ev.occurred_at}  {ev.event_type:<32} {ev.subject}  by {ev.actor}")
    return 0


def _trace(log, args: argparse.Namespace) -> int:
    from clinical_pipelines.audit.trace import ModelNotInAuditLog, trace_model

    try:
        tr = trace_model(log, args.model_name, args.version)
    except ModelNotInAuditLog as exc:
        print(f"audit trace: {exc}", file=sys.stderr)
        return 1
    print(tr.to_json() if args.json else tr.to_text())
    return 0


def audit_main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.cmd == "keygen":
        return _keygen(args.secrets_dir)
    from clinical_pipelines.audit.store import AuditLog

    url = args.db_url or default_db_url()
    try:
        # A decision (approve/override) may be the first event of a new deployment: a policy is approved
        # before the first run. Reading commands never create a database.
        log = AuditLog(url, create=args.cmd in ("approve", "override"))
    except (FileNotFoundError, ValueError) as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    commands = {"trace": _trace, "approve": _record_decision, "override": _record_decision,
                "anchor": _anchor, "events": _events, "verify": _verify}
    try:
        return commands[args.cmd](log, args)
    finally:
        log.close()


main = audit_main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(audit_main(sys.argv[1:]))
