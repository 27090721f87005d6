"""``clinical-pipelines audit trace|verify`` (dispatched by ``clinical_pipelines.cli``).

    clinical-pipelines audit trace <model-name> <version> [--json] [--db-url URL]
    clinical-pipelines audit verify [--anchors] [--anchors-dir DIR] [--db-url URL]

The database URL comes from ``--db-url``, else ``$CLINICAL_PIPELINES_AUDIT_DB_URL``, else
``sqlite:///<CLINICAL_PIPELINES_HOME or ./var>/audit/audit.db``. ``verify --anchors`` reads the
anchors from lakeFS (``$LAKEFS_ENDPOINT``/``$LAKEFS_ACCESS_KEY_ID``/``$LAKEFS_SECRET_ACCESS_KEY``,
else the local services' endpoint and credentials) or from ``--anchors-dir``.

Exit codes: 0 verified / traced; 1 verification failed or model not in the log; 2 usage or
configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from clinical_pipelines.audit.anchor import ANCHOR_REPOSITORY, AnchorSource, DirectoryAnchorStore

__all__ = ["audit_main", "main", "default_db_url"]


def default_db_url() -> str:
    env = os.environ.get("CLINICAL_PIPELINES_AUDIT_DB_URL", "").strip()
    if env:
        return env
    try:
        from clinical_pipelines.settings import Settings

        return Settings.from_env().audit_db_url
    except Exception:  # noqa: BLE001 - settings unavailable: same default, computed here
        from pathlib import Path

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
    v.add_argument("--anchors", action="store_true", help="also verify the Merkle anchors")
    v.add_argument("--anchors-dir", default=None,
                   help="read anchors from this directory instead of lakeFS (implies --anchors)")
    v.add_argument("--anchors-repository", default=ANCHOR_REPOSITORY,
                   help=f"lakeFS repository of the anchors (default {ANCHOR_REPOSITORY})")
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
        a.add_argument("--db-url", default=None)
    return p


def _record_decision(log, args) -> int:
    from clinical_pipelines.audit import events

    event_type = events.APPROVAL_RECORDED if args.cmd == "approve" else events.OVERRIDE_RECORDED
    event = log.append(event_type, args.subject, actor=f"human:{args.by}",
                       payload={"role": args.role, "reference": args.reference, "decision": args.cmd})
    print(f"recorded {event_type} for {args.subject} as seq {event.seq} (hash {event.hash[:16]})")
    return 0


def _lakefs_source(repository: str = ANCHOR_REPOSITORY) -> AnchorSource:
    import lakefs

    from clinical_pipelines.audit.lakefs_anchors import LakeFSAnchorStore

    endpoint = os.environ.get("LAKEFS_ENDPOINT")
    key = os.environ.get("LAKEFS_ACCESS_KEY_ID")
    secret = os.environ.get("LAKEFS_SECRET_ACCESS_KEY")
    if not (endpoint and key and secret):
        from clinical_pipelines.settings import Settings

        settings = Settings.from_env()
        endpoint = endpoint or settings.lakefs_endpoint
        if not (key and secret):
            key, secret = settings.lakefs_credentials()
    client = lakefs.Client(username=key, password=secret, host=endpoint)
    return LakeFSAnchorStore(lakefs.Repository(repository, client=client))


def audit_main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from clinical_pipelines.audit.store import AuditLog

    url = args.db_url or default_db_url()
    try:
        log = AuditLog(url, create=False)
    except (FileNotFoundError, ValueError) as exc:
        print(f"audit: {exc}", file=sys.stderr)
        return 2
    try:
        if args.cmd == "trace":
            from clinical_pipelines.audit.trace import ModelNotInAuditLog, trace_model

            try:
                tr = trace_model(log, args.model_name, args.version)
            except ModelNotInAuditLog as exc:
                print(f"audit trace: {exc}", file=sys.stderr)
                return 1
            print(tr.to_json() if args.json else tr.to_text())
            return 0

        if args.cmd in ("approve", "override"):
            return _record_decision(log, args)
        if args.cmd == "events":
            found = log.query(event_type=args.event_type, subject=args.subject, limit=args.limit, descending=True)
            if args.json:
                print(json.dumps([ev.to_dict() for ev in found], indent=2, sort_keys=True))
            else:
                for ev in found:
                    print(f"{ev.seq:>7}  {ev.occurred_at}  {ev.event_type:<32} {ev.subject}  by {ev.actor}")
            return 0

        from clinical_pipelines.audit.verify import verify_anchors, verify_chain

        t0 = time.perf_counter()
        chain = verify_chain(log)
        ok = chain.ok
        report: dict = {"chain": chain.__dict__.copy()}
        lines = [chain.summary()]
        if args.anchors or args.anchors_dir:
            try:
                source = (DirectoryAnchorStore(args.anchors_dir) if args.anchors_dir
                          else _lakefs_source(args.anchors_repository))
                anchors = verify_anchors(log, source)
            except Exception as exc:  # noqa: BLE001 - report which store failed, fail closed
                print(f"audit verify: cannot read anchors ({type(exc).__name__}: {exc})",
                      file=sys.stderr)
                return 2
            ok = ok and anchors.ok
            report["anchors"] = {
                "ok": anchors.ok,
                "n_anchors": anchors.n_anchors,
                "covered_to_seq": anchors.covered_to_seq,
                "problems": anchors.problems,
                "first_bad_seq": anchors.first_bad_seq,
            }
            lines.append(anchors.summary())
        report["ok"] = ok
        report["elapsed_s"] = round(time.perf_counter() - t0, 3)
        if args.json:
            print(json.dumps(report, indent=2, sort_keys=True))
        else:
            print("\n".join(lines))
        return 0 if ok else 1
    finally:
        log.close()


main = audit_main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(audit_main(sys.argv[1:]))
