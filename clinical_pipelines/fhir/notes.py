"""DocumentReference resources -> note rows: base64 ``content[].attachment.data`` decoded to text.

Per FHIR R4, ``Attachment.contentType`` is a media type with parameters (``text/plain;
charset=ISO-8859-1``) and ``Attachment.data`` is base64 (``fhir.resources`` already decodes it to
bytes and refuses invalid base64). Each attachment whose media type is in the map's
``notes.content_types`` and that carries ``data`` becomes one note: decoded with its ``charset``
parameter, else the map's ``default_charset`` (counted), a leading byte-order mark removed.
Attachments given by ``url`` only are not fetched (counted). Unknown charsets and bytes that do not
decode with the declared charset are errors of the resource (it is quarantined whole).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

from clinical_pipelines.fhir.resources import date_text


@dataclass(frozen=True)
class NoteText:
    index: int  # position of the attachment in content[]
    content_type: str
    charset: str
    text: str


@dataclass(frozen=True)
class NoteError:
    reason: str
    element: str


def split_content_type(value: str | None) -> tuple[str, str | None]:
    """``"text/plain; charset=UTF-8"`` -> ``("text/plain", "utf-8")`` (lower-cased, quotes removed)."""
    if not value:
        return "", None
    media, *params = [p.strip() for p in value.split(";")]
    charset = None
    for param in params:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip('"').lower()
    return media.lower(), charset


def decode_texts(doc: Any, content_types: list[str], default_charset: str) -> tuple[list[NoteText], list[str], NoteError | None]:
    """Texts of one DocumentReference, notices, and the first decoding error (then no texts)."""
    texts, notices = [], []
    for index, content in enumerate(doc.content or []):
        att = content.attachment
        media, charset = split_content_type(att.contentType if att is not None else None)
        if att is None or media not in content_types:
            notices.append("DocumentReference attachment of a content type not imported")
            continue
        if att.data is None:
            notices.append("DocumentReference attachment without data (url only): not fetched")
            continue
        if charset is None:
            charset = default_charset
            notices.append(f"DocumentReference attachment without charset: decoded as {default_charset}")
        element = f"DocumentReference.content[{index}].attachment"
        try:
            codecs.lookup(charset)
        except LookupError:
            return [], notices, NoteError("attachment charset is not a known encoding", f"{element}.contentType")
        try:
            text = bytes(att.data).decode(charset)
        except LookupError:  # a codec that is not a text encoding (e.g. base64, zlib)
            return [], notices, NoteError("attachment charset is not a text encoding", f"{element}.contentType")
        except UnicodeDecodeError:
            return [], notices, NoteError("attachment data does not decode with its charset", f"{element}.data")
        texts.append(NoteText(index, media, charset, text.removeprefix("\ufeff")))
    return texts, notices, None


def note_rows(doc: Any, texts: list[NoteText], encounter_id: str, patient_id: str) -> list[dict[str, str]]:
    """One notes.jsonl object per text (every field a string; ``""`` when unknown)."""
    when = note_time(doc)
    author = next((a.display for a in doc.author or [] if a.display), "") or ""
    codings = (doc.type.coding or []) if doc.type is not None else []
    note_type = next((c.code for c in codings if c.code), "")
    rows = []
    for text in texts:
        note_id = doc.id if len(texts) == 1 else f"{doc.id}-{text.index}"
        rows.append({"note_id": note_id, "encounter_id": encounter_id, "patient_id": patient_id,
                     "note_date": date_text(when), "author": author.strip(), "note_type": note_type,
                     "content_type": text.content_type, "charset": text.charset, "text": text.text})
    return rows


def note_time(doc: Any) -> Any:
    """DocumentReference.date, else context.period.start (None when neither)."""
    return doc.date or (doc.context.period.start if doc.context and doc.context.period else None)
