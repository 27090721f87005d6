"""Re-derive the ZIP3 population table of the de-identification policy from census ZCTA populations.

HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(B): the initial three digits of a ZIP code may be kept only when
the geographic unit formed by combining all ZIP codes with those three digits holds more than 20,000 people.
The Census Bureau publishes population by ZIP Code Tabulation Area (ZCTA5), not by ZIP code; a ZCTA carries
the 5-digit code of the ZIP codes it approximates, so the ZIP3 population is the sum over the ZCTAs whose
code starts with those three digits. Prefixes without any ZCTA (no residential population: unassigned,
PO-box-only, unique-organisation or military prefixes) get no row; the policy loader treats them as restricted.

    .venv/bin/python tools/zip3/derive_zip3_population.py ZCTA_TABLE --year 2020 \
        [--out clinical_pipelines/policies/data/zip3_population_2020.csv]

ZCTA_TABLE, any of:
  * the Census API answer for ``get=P1_001N&for=zip code tabulation area:*`` (JSON array of arrays),
  * a data.census.gov CSV export with ``GEO_ID`` (``860Z200US00601``) or ``NAME`` (``ZCTA5 00601``)
    and ``P1_001N`` columns,
  * a two-column CSV ``zcta,population`` (header optional, ``#`` comment lines skipped).

Prints the ZIP3 count, the total population and the prefixes at or below the limit. Then update the
``sha256`` of ``zip3.population_table`` in ``clinical_pipelines/policies/deid_policy.yaml`` (printed here)
and bump the policy ``version``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

LIMIT = 20_000
ZCTA_RE = re.compile(r"(\d{5})$")
DEFAULT_OUT_DIR = Path(__file__).resolve().parents[2] / "clinical_pipelines" / "policies" / "data"


class TableError(ValueError):
    """The ZCTA table cannot be read (message names the line, never a value)."""


def _zcta(cell: str) -> str | None:
    m = ZCTA_RE.search(cell.strip().strip('"'))
    return m.group(1) if m else None


def _rows_from_json(text: str) -> list[tuple[str, str]]:
    data = json.loads(text)
    if not (isinstance(data, list) and data and isinstance(data[0], list)):
        raise TableError("JSON input must be the Census API array of arrays with a header row")
    head = [str(h) for h in data[0]]
    try:
        ip, iz = head.index("P1_001N"), head.index("zip code tabulation area")
    except ValueError:
        raise TableError("JSON header needs the columns 'P1_001N' and 'zip code tabulation area'") from None
    return [(str(r[iz]), str(r[ip])) for r in data[1:]]


def _rows_from_csv(text: str) -> list[tuple[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    if not rows:
        raise TableError("the table has no rows")
    head = [h.strip() for h in rows[0]]
    if "P1_001N" in head:
        ip = head.index("P1_001N")
        iz = head.index("GEO_ID") if "GEO_ID" in head else head.index("NAME") if "NAME" in head else -1
        if iz < 0:
            raise TableError("a CSV with P1_001N needs a GEO_ID or NAME column")
        body = rows[1:]
        # data.census.gov exports carry a second header row of labels
        body = [r for r in body if len(r) > max(ip, iz) and _zcta(r[iz]) is not None]
        return [(r[iz], r[ip]) for r in body]
    start = 0 if _zcta(rows[0][0]) is not None else 1
    return [(r[0], r[1]) for r in rows[start:] if len(r) >= 2]


def read_zcta_population(path: Path) -> dict[str, int]:
    """ZCTA5 code -> total population. Raises TableError on duplicates, bad codes or bad counts."""
    text = path.read_text(encoding="utf-8-sig")
    raw = _rows_from_json(text) if text.lstrip().startswith("[") else _rows_from_csv(text)
    out: dict[str, int] = {}
    for i, (code, pop) in enumerate(raw, start=1):
        z = _zcta(code)
        if z is None:
            raise TableError(f"data row {i}: the ZCTA column is not a 5-digit code")
        try:
            n = int(str(pop).strip().replace(",", ""))
        except ValueError:
            raise TableError(f"data row {i}: the population column is not an integer") from None
        if n < 0:
            raise TableError(f"data row {i}: negative population")
        if z in out:
            raise TableError(f"data row {i}: ZCTA listed twice")
        out[z] = n
    if not out:
        raise TableError("no ZCTA rows found")
    return out


def zip3_population(zcta: dict[str, int]) -> tuple[dict[str, int], Counter]:
    """ZIP3 -> summed population and ZIP3 -> number of ZCTAs, for every prefix that has a ZCTA."""
    pop: Counter = Counter()
    count: Counter = Counter()
    for z, n in zcta.items():
        pop[z[:3]] += n
        count[z[:3]] += 1
    return dict(sorted(pop.items())), count


def write_table(path: Path, pop: dict[str, int], count: Counter) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["zip3", "zcta_count", "population"])
    for z3, n in pop.items():
        w.writerow([z3, count[z3], n])
    data = buf.getvalue().encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("zcta_table", type=Path)
    ap.add_argument("--year", type=int, required=True, help="census year of the ZCTA table (e.g. 2020)")
    ap.add_argument("--out", type=Path, help="output CSV (default: policies/data/zip3_population_<year>.csv)")
    args = ap.parse_args(argv)
    out = args.out or DEFAULT_OUT_DIR / f"zip3_population_{args.year}.csv"
    try:
        zcta = read_zcta_population(args.zcta_table)
    except (OSError, TableError, json.JSONDecodeError) as exc:
        print(f"derive_zip3_population: {args.zcta_table}: {exc}", file=sys.stderr)
        return 2
    pop, count = zip3_population(zcta)
    sha = write_table(out, pop, count)
    small = [z for z, n in pop.items() if n <= LIMIT]
    print(f"source sha256        {hashlib.sha256(args.zcta_table.read_bytes()).hexdigest()}")
    print(f"ZCTAs                {len(zcta)}")
    print(f"ZIP3 with a ZCTA     {len(pop)}")
    print(f"total population     {sum(pop.values())}")
    print(f"ZIP3 <= {LIMIT}      {len(small)}: {' '.join(small)}")
    print(f"wrote                {out}")
    print(f"table sha256         {sha}  (set zip3.population_table.sha256 in the policy)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
