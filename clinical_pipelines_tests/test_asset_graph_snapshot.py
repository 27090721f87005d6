"""Change control for the lineage graph: every asset's deps, group, owners, kinds and checks.

Any change to what the graph is made of shows up as a reviewable diff of
`snapshots/asset_graph.json`. After an intended change, regenerate it with
`UPDATE_SNAPSHOTS=1 .venv/bin/pytest clinical_pipelines_tests/test_asset_graph_snapshot.py`
and commit the new snapshot with the change.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"


def current_graph() -> dict:
    from clinical_pipelines.definitions import defs

    d = defs()
    graph = d.resolve_asset_graph()
    checks: dict[str, list[str]] = {}
    for key in graph.asset_check_keys:
        checks.setdefault(key.asset_key.to_user_string(), []).append(key.name)
    out = {}
    for spec in sorted(d.resolve_all_asset_specs(), key=lambda s: s.key.to_user_string()):
        name = spec.key.to_user_string()
        out[name] = {
            "group": spec.group_name,
            "deps": sorted(dep.asset_key.to_user_string() for dep in spec.deps),
            "owners": sorted(spec.owners),
            "kinds": sorted(spec.kinds),
            "partitioned": spec.partitions_def is not None,
            "partitions": _partitions(spec.partitions_def),
            "checks": sorted(checks.get(name, [])),
        }
    return {
        "assets": out,
        "jobs": sorted(j.name for j in d.resolve_all_job_defs() if not j.name.startswith("__")),
        "schedules": sorted(s.name for s in d.schedules or []),
        "sensors": sorted(s.name for s in d.sensors or []),
    }


def _partitions(pdef) -> str | None:
    """``studies`` or ``batch=ingest_batch x study=studies``: the dynamic partition sets an asset is keyed by."""
    import dagster as dg

    if pdef is None:
        return None
    if isinstance(pdef, dg.MultiPartitionsDefinition):
        return " x ".join(f"{d.name}={getattr(d.partitions_def, 'name', type(d.partitions_def).__name__)}"
                          for d in pdef.partitions_defs)
    return getattr(pdef, "name", None) or type(pdef).__name__


def test_asset_graph_matches_the_reviewed_snapshot():
    graph = current_graph()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(graph, indent=2, sort_keys=True) + "\n")
    expected = json.loads(SNAPSHOT.read_text())
    assert graph == expected, "the asset graph changed: review the diff and regenerate the snapshot (see module doc)"


def test_dg_cli_checks_the_code_location():
    dg = Path(sys.executable).parent / "dg"
    proc = subprocess.run([str(dg), "check", "defs"], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
