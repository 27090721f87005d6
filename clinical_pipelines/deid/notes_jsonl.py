"""The JSON Lines note format of ``clinical-pipelines deid-text``, read and checked before any note is processed.

One JSON object a line (UTF-8; a byte-order mark at the start is allowed; blank lines are skipped):

    {"id": "n1", "text": "Seen by Dr. ...", "known_identifiers": {"patient_name": ["..."], "mrn": "..."}}

- ``id``: a string or an integer naming the note, unique in the file; it is copied to the output line.
- ``text``: the note, a string ("" for an empty note).
- ``known_identifiers`` (optional, or null): the record's own identifiers, ``{kind: value or [values]}``; values
  are strings or integers (null values are skipped). The kind is read by its words (``deid.text.deny.kind_to_type``: "patient_name",
  "mrn", "phone", "birth_date", "street_address", "zip", "email", "attending_clinician", ...); a kind none of
  whose words names a type (a typo) is still searched for, as an identifier number or text, and deid-text warns.
- The file must hold at least one note; UTF-16, gzip and lone surrogate escapes are refused with their reason.

Every problem stops the run with a ``NotesFileError`` naming the file, the line and the field, never a value.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .errors import DeidError


class NotesFileError(DeidError):
    """A notes file that cannot be read as the deid-text JSON Lines format (file, line and field named)."""


@dataclass(frozen=True)
class NoteRecord:
    """One input line: ``id`` (str or int), ``text``, ``known_identifiers`` ({kind: [values as strings]})."""

    id: str | int
    text: str
    known_identifiers: dict[str, list[str]] = field(default_factory=dict)
    line: int = 0


def _kind(value) -> str:
    return {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def iter_notes(path: Path) -> Iterator[NoteRecord]:
    """The notes of ``path`` in order; raises ``NotesFileError`` at the first line that breaks the format
    (module docstring) or repeats an id."""
    seen: dict = {}
    with path.open("rb") as fh:
        raw_lines = fh.read().split(b"\n")
    last = len(raw_lines)
    if raw_lines[0][:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise NotesFileError(f"{path}: the file is UTF-16 text (byte-order mark); save it as UTF-8")
    if raw_lines[0][:2] == b"\x1f\x8b":
        raise NotesFileError(f"{path}: the file is gzip-compressed; decompress it first (gunzip)")
    for n, raw in enumerate(raw_lines, 1):
        if n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NotesFileError(f"{path}: line {n} is not UTF-8 text (byte {exc.start + 1} of the line); save the "
                                 "file as UTF-8") from None
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            cut = "; the file may be cut short (its last line has no line end)" if n == last else ""
            raise NotesFileError(f"{path}: line {n} is not valid JSON ({exc.msg} at column {exc.colno}){cut}; each "
                                 "line must be one JSON object {\"id\", \"text\"}") from None
        yield _record(path, n, obj, seen)
    if not seen:
        raise NotesFileError(f"{path}: the file holds no notes (it is empty or has only blank lines); give a file with "
                             "one JSON object a line")


def _record(path: Path, n: int, obj, seen: dict) -> NoteRecord:
    where = f"{path}: line {n}"
    if not isinstance(obj, dict):
        raise NotesFileError(f"{where} is {_kind(obj)}, not an object {{\"id\", \"text\", \"known_identifiers\"?}}")
    if "id" not in obj:
        raise NotesFileError(f"{where} has no 'id' field (a string or integer that names the note)")
    note_id = obj["id"]
    if isinstance(note_id, bool) or not isinstance(note_id, (str, int)):
        raise NotesFileError(f"{where}: 'id' is {_kind(note_id)}, not a string or integer")
    if note_id in seen:
        raise NotesFileError(f"{where} repeats the id of line {seen[note_id]}; ids must be unique")
    seen[note_id] = n
    if "text" not in obj:
        raise NotesFileError(f"{where} has no 'text' field")
    if not isinstance(obj["text"], str):
        raise NotesFileError(f"{where}: 'text' is {_kind(obj['text'])}, not a string (use \"\" for an empty note)")
    _no_surrogates(f"{where}: 'text'", obj["text"])
    return NoteRecord(note_id, obj["text"], _known(where, obj.get("known_identifiers")), n)


def _known(where: str, known) -> dict[str, list[str]]:
    if known is None:
        return {}
    if not isinstance(known, dict):
        raise NotesFileError(f"{where}: 'known_identifiers' is {_kind(known)}, not an object {{kind: [values]}}")
    out: dict[str, list[str]] = {}
    for kind, values in known.items():
        values = [v for v in (values if isinstance(values, list) else [values]) if v is not None]
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (str, int)):
                raise NotesFileError(f"{where}: known_identifiers[{json.dumps(kind)}] holds {_kind(v)}; give strings "
                                     "or a list of strings")
        out[kind] = [str(v) for v in values]
        for v in out[kind]:
            _no_surrogates(f"{where}: known_identifiers[{json.dumps(kind)}]", v)
    return out


def _no_surrogates(where: str, value: str) -> None:
    """A JSON escape such as ``\\ud800`` without its pair gives a lone UTF-16 surrogate, which no UTF-8 text holds."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NotesFileError(f"{where} holds a lone UTF-16 surrogate escape (\\ud800-\\udfff) at character "
                             f"{exc.start + 1}; write the character itself or a complete surrogate pair") from None


def unread_kinds(records) -> dict[str, int]:
    """Known-identifier kinds whose words name no identifier type (a typo such as "pateint_name"), with the first
    line that uses each: their values are still searched, but only as identifier numbers or text."""
    from .text.deny import kind_is_read

    out: dict[str, int] = {}
    for r in records:
        for kind in r.known_identifiers:
            if kind not in out and not kind_is_read(kind):
                out[kind] = r.line
    return out
