"""`clinical-pipelines`: one command line for services, the demo run, de-identification, audit and evidence.

Subcommands are dispatched to the ``main(argv)`` functions of their domain modules, imported lazily
so that `clinical-pipelines services status` does not load spaCy or MLflow.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

USAGE = """usage: clinical-pipelines <command> [args]

Local stack
  services up|down|status [NAME ...]   start/stop/inspect lakeFS, MLflow and Dagster (127.0.0.1)
  services env                          print the environment the code location needs (for dg dev)
  demo [--study STUDY.yaml|ID] [--data DIR] [--patients N]
                                        set up everything and run the whole graph on a study (default: mace, synthetic)

Data
  ingest check DIR [--study STUDY.yaml] [--json]   check raw extract batch folders against a study (no services)
  study check STUDY.yaml [--data DIR]   validate a study spec, and the data against it (no services)
  study init DATA [--out study.yaml]    draft a study spec from a data file or folder (guesses flagged REVIEW)
  study register STUDY.yaml [--replace] record a study spec in the project data dir, so the deployment runs it
  study list                            the studies this deployment runs (built-in and registered), spec SHA-256
  generate-cohort --out DIR [...]       write a synthetic cohort as raw extract files
  generate-notes --out-input X --out-gold Y [...]   annotated synthetic notes (benchmark corpus)
  deid-text INPUT.jsonl OUTPUT.jsonl    de-identify clinical notes (one JSON object per line)
  deid-train-tagger [--force]           train the text engine's token tagger once per machine (~1 min CPU)
  deid-risk INPUT --quasi-identifiers A B ... [--sensitive S]   re-identification risk metrics
  fhir import EXPORT_DIR --out DIR [--map MAP.yaml]   flatten a FHIR R4 Bulk Data export into study tables
  fhir synthesize --out DIR [--patients N]   write a synthetic Bulk Data export (fake PHI)

Audit
  audit trace MODEL VERSION [--json]    which data, transforms, labels, code made this model
  audit verify [--anchors]              check the hash chain (and anchors) of the audit log
  audit events [--type T] [--subject S] list recorded lifecycle events
  audit approve|override SUBJECT --by ID --role R --reference CR   record a human decision
  audit anchor | keygen                 write a signed anchor now | create the local signing key pairs
  evidence verify DIR [--public-key PEM]   verify an evidence bundle offline (intact and authentic)
  evidence public-key                   print the published evidence signing key
"""

# subcommand -> "module:function" taking the remaining argv and returning an exit code
COMMANDS = {
    "demo": "clinical_pipelines.demo:main",
    "ingest": "clinical_pipelines.ingest.cli:ingest_main",
    "study": "clinical_pipelines.study.cli:study_main",
    "generate-cohort": "clinical_pipelines.synthetic.cli:generate_cohort_main",
    "generate-notes": "clinical_pipelines.synthetic.cli:generate_notes_main",
    "deid-text": "clinical_pipelines.deid.cli:deid_text_main",
    "deid-risk": "clinical_pipelines.deid.cli:deid_risk_main",
    "deid-train-tagger": "clinical_pipelines.deid.cli:deid_train_tagger_main",
    "fhir": "clinical_pipelines.fhir.cli:fhir_main",
    "audit": "clinical_pipelines.audit.cli:audit_main",
    "evidence": "clinical_pipelines.evidence.cli:evidence_main",
}


def services_main(argv: list[str]) -> int:
    from clinical_pipelines import services
    from clinical_pipelines.settings import Settings

    if not argv or argv[0] not in {"up", "down", "status", "env"}:
        print("usage: clinical-pipelines services up|down|status|env [lakefs|mlflow|dagster ...]", file=sys.stderr)
        return 2
    if argv[0] == "env":  # for `eval "$(clinical-pipelines services env)"` before `dg dev`
        import shlex

        from clinical_pipelines.settings import Settings

        try:
            env = Settings.from_env().service_env()
        except FileNotFoundError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items()))
        return 0
    action, names = argv[0], tuple(argv[1:]) or services.SERVICES
    unknown = [n for n in names if n not in services.SERVICES]
    if unknown:
        print(f"unknown service(s): {', '.join(unknown)}; choose from {', '.join(services.SERVICES)}", file=sys.stderr)
        return 2
    settings = Settings.from_env()
    try:
        if action == "up":
            services.up(settings, names)
        elif action == "down":
            services.down(settings, names)
        print(json.dumps(services.status(settings), indent=2))
    except services.ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand. Output cut short by a closed pipe (``... | head``) ends quietly with exit code 1."""
    try:
        status = _dispatch(argv)
        sys.stdout.flush()  # a closed pipe shows up here when the output fit into the buffer
    except BrokenPipeError:
        _silence_stdout()
        return 1
    return status


def _silence_stdout() -> None:
    """Point stdout at devnull so that the flush at interpreter exit cannot fail again (Python docs,
    "Note on SIGPIPE" in the signal module)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _dispatch(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "services":
        return services_main(rest)
    target = COMMANDS.get(command)
    if target is None:
        print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    return int(func(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
