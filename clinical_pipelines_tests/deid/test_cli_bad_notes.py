"""deid-text fails closed on notes files that break the JSON Lines format: a message naming the file, the line and
the field, never a note's text or an identifier value; exit 2; no output file (not even an empty one); the input is
never touched. All notes are invented."""
import json

import pytest

from clinical_pipelines.deid.cli import deid_text_main
from clinical_pipelines.deid.notes_jsonl import NotesFileError, iter_notes

SECRET = "Zorblat Quimby"  # must never appear in a message
GOOD = json.dumps({"id": "n1", "text": f"Seen by Dr. {SECRET} today."})


def _run(tmp_path, capsys, content: bytes, out_name="out.jsonl"):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(content)
    out = tmp_path / out_name
    code = deid_text_main([str(inp), str(out), "--quiet"])
    err = capsys.readouterr().err
    return code, err, out


@pytest.mark.parametrize("content,words", [
    (GOOD.encode() + b"\n{not json " + SECRET.encode() + b"}\n", ["line 2", "not valid JSON"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "' + SECRET.encode() + b' ok', ["line 2", "cut short"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "caf\xe9 ' + SECRET.encode() + b'"}\n', ["line 2", "not UTF-8"]),
    (GOOD.encode() + b'\n{"id": "n2", "body": "' + SECRET.encode() + b'"}\n', ["line 2", "no 'text'"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": null}\n', ["line 2", "'text' is null"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": 42}\n', ["line 2", "'text' is a number"]),
    (GOOD.encode() + b'\n{"text": "' + SECRET.encode() + b'"}\n', ["line 2", "no 'id'"]),
    (GOOD.encode() + b'\n{"id": ["n2"], "text": "x"}\n', ["line 2", "'id' is a list"]),
    (GOOD.encode() + b'\n' + GOOD.encode() + b"\n", ["line 2", "repeats the id of line 1"]),
    (GOOD.encode() + b'\n["' + SECRET.encode() + b'"]\n', ["line 2", "a list, not an object"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "x", "known_identifiers": ["' + SECRET.encode() + b'"]}\n',
     ["line 2", "'known_identifiers' is a list"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "x", "known_identifiers": {"patient_name": {"first": "'
     + SECRET.encode() + b'"}}}\n', ["line 2", "patient_name", "holds an object"]),
])
def test_bad_lines_stop_with_file_line_and_field(tmp_path, capsys, content, words):
    code, err, out = _run(tmp_path, capsys, content)
    assert code == 2
    assert "in.jsonl" in err and all(w in err for w in words)
    assert SECRET not in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_output_equal_to_input_is_refused_and_the_input_kept(tmp_path, capsys):
    inp = tmp_path / "in.jsonl"
    inp.write_text(GOOD + "\n")
    assert deid_text_main([str(inp), str(inp), "--quiet"]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert inp.read_text() == GOOD + "\n"


def test_missing_output_folder_is_named(tmp_path, capsys):
    code, err, out = _run(tmp_path, capsys, GOOD.encode() + b"\n", out_name="no/such/out.jsonl")
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_lenient_forms_are_read(tmp_path, capsys):
    """A byte-order mark, blank lines, integer ids, a single known value, integer and null known values."""
    lines = [b"\xef\xbb\xbf" + json.dumps({"id": 7, "text": "MRN 318406552 seen.",
                                           "known_identifiers": {"mrn": 318406552, "phone": None}}).encode(),
             b"", json.dumps({"id": "n2", "text": "", "known_identifiers": None}).encode(), b""]
    code, err, out = _run(tmp_path, capsys, b"\n".join(lines))
    assert code == 0, err
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in recs] == [7, "n2"] and "318406552" not in recs[0]["text"]


def test_reader_gives_typed_records(tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text(json.dumps({"id": "a", "text": "t", "known_identifiers": {"mrn": ["1", 2]}}) + "\n")
    (rec,) = list(iter_notes(p))
    assert (rec.id, rec.text, rec.known_identifiers, rec.line) == ("a", "t", {"mrn": ["1", "2"]}, 1)
    p.write_text("{}\n")
    with pytest.raises(NotesFileError, match="line 1 has no 'id'"):
        list(iter_notes(p))


@pytest.mark.parametrize("content,words", [
    (b"", ["holds no notes"]),
    (b"\n  \n\n", ["holds no notes"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "' + SECRET.encode() + b' \\ud800 x"}\n',
     ["line 2", "'text'", "lone UTF-16 surrogate", "character"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "x \\udfff", "known_identifiers": {"mrn": "1\\ud83d"}}\n',
     ["line 2", "'text'", "surrogate"]),
    (GOOD.encode() + b'\n{"id": "n2", "text": "x", "known_identifiers": {"mrn": "1\\ud83d2"}}\n',
     ["line 2", "known_identifiers[\"mrn\"]", "surrogate"]),
    ("\ufeff".encode("utf-16-le") + GOOD.encode("utf-16-le"), ["UTF-16", "save it as UTF-8"]),
    (b"\x1f\x8b\x08\x00" + SECRET.encode(), ["gzip"]),
])
def test_empty_encoded_and_surrogate_inputs_are_refused(tmp_path, capsys, content, words):
    code, err, out = _run(tmp_path, capsys, content)
    assert code == 2 and not out.exists() and "Traceback" not in err and SECRET not in err
    assert all(w in err for w in words), err


def test_a_pair_of_surrogate_escapes_is_one_character(tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text('{"id": 1, "text": "pain \\ud83d\\ude00 ok"}\n', encoding="utf-8")
    assert [r.text for r in iter_notes(inp)] == ["pain \U0001F600 ok"]


@pytest.mark.parametrize("as_input", [True, False])
def test_a_folder_given_as_a_file_is_named(tmp_path, capsys, as_input):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(GOOD.encode() + b"\n")
    folder = tmp_path / "adir"
    folder.mkdir()
    argv = [str(folder), str(tmp_path / "o.jsonl")] if as_input else [str(inp), str(folder)]
    assert deid_text_main(argv + ["--quiet"]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and ".part" not in err and "Traceback" not in err


@pytest.mark.parametrize("kind,warned", [
    ("favourite_colour", True), ("hobby", True), ("patient_name", False), ("other_id", False),
    ("case_number", False), ("MRN", False), ("pateint_name", False), ("ssn", False), ("ref_no", False),
])
def test_a_kind_that_names_no_type_is_warned_about(tmp_path, capsys, kind, warned):
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": 1, "text": f"Seen by Dr. {SECRET}.", "known_identifiers": {kind: SECRET}}) + "\n")
    assert deid_text_main([str(inp), str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert ("names no identifier type" in err) == warned and SECRET not in err
    if warned:
        assert kind in err and "line 1" in err
