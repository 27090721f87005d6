"""Anchors stored in lakeFS: ``anchors/<to_seq>.json`` in repository ``clinical-audit-anchors``,
one commit and one tag ``anchor-<to_seq>`` per anchor, merged into ``main``.

Writing: each anchor is committed on its own short-lived branch, tagged (the tag is the atomic
claim: two concurrent writers of the same range cannot both create it), merged into ``main``
(so ``main`` may be branch-protected) and the branch deleted. Reading goes through the tags
(each tag pins the immutable commit that first recorded the anchor) and compares with the copy
on ``main``; a rewritten or untagged anchor on ``main`` is reported in ``problems``. The signature
inside each anchor, not lakeFS access control, is what makes it trustworthy (``verify.py``).
Uses the maintained ``lakefs`` SDK; no Dagster import.
"""

from __future__ import annotations

import uuid
from typing import Any

from lakefs.exceptions import ConflictException

from clinical_pipelines.audit.anchor import (
    ANCHOR_REPOSITORY,
    Anchor,
    AnchorAlreadyWritten,
    anchor_object_path,
    anchor_tag,
    covers,
)

__all__ = ["LakeFSAnchorStore", "ANCHOR_REPOSITORY"]


def _read(ref: Any, path: str) -> bytes:
    with ref.object(path).reader(mode="rb") as fh:
        return fh.read()


def _tag_seq(name: str) -> int | None:
    try:
        return int(name.removeprefix("anchor-"))
    except ValueError:
        return None


class LakeFSAnchorStore:
    """``AnchorSource`` + ``AnchorSink`` over a ``lakefs.Repository``."""

    def __init__(self, repository: Any, branch: str = "main") -> None:
        self.repository = repository
        self.branch = branch
        self.problems: list[str] = []
        self.last_commit_id: str | None = None

    def _location(self, commit_id: str, path: str) -> str:
        return f"lakefs://{self.repository.id}/{commit_id}/{path}"

    def write_anchor(self, anchor: Anchor) -> str:
        path, tag = anchor_object_path(anchor), anchor_tag(anchor)
        repo = self.repository
        work = repo.branch(f"anchor-write-{anchor.to_seq}-{uuid.uuid4().hex[:8]}")
        work.create(source_reference=self.branch)
        try:
            work.object(path).upload(anchor.to_json_bytes(), mode="wb", content_type="application/json")
            commit_id = work.commit(
                f"audit anchor seq {anchor.from_seq}..{anchor.to_seq}",
                metadata={
                    "from_seq": str(anchor.from_seq),
                    "to_seq": str(anchor.to_seq),
                    "n_events": str(anchor.n_events),
                    "merkle_root": anchor.root,
                    "head_hash": anchor.head_hash,
                    "signing_key_id": str((anchor.signature or {}).get("key_id", "")),
                    "rfc3161_gen_time": str((anchor.tsa or {}).get("gen_time", "")),
                },
            ).get_commit().id
            try:
                repo.tag(tag).create(commit_id)
            except ConflictException:
                existing = Anchor.from_json_bytes(_read(repo.tag(tag), path))
                if covers(existing, anchor):
                    raise AnchorAlreadyWritten(f"tag {tag} already anchors this range",
                                               self._location(repo.tag(tag).get_commit().id, path)) from None
                raise FileExistsError(f"tag {tag} already exists in {repo.id} with a different anchor; "
                                      "anchors are never rewritten") from None
            work.merge_into(repo.branch(self.branch), message=f"audit anchor {tag}")
        finally:
            try:
                work.delete()
            except Exception:  # noqa: BLE001 - a left-over work branch holds no data of its own
                pass
        self.last_commit_id = commit_id
        return self._location(commit_id, path)

    def latest_anchor(self) -> Anchor | None:
        """The tagged anchor with the highest ``to_seq`` (reads one object, lists tags only)."""
        self.problems = []
        best: tuple[int, str] | None = None
        for tag in self.repository.tags(prefix="anchor-"):
            seq = _tag_seq(tag.id)
            if seq is None:
                self.problems.append(f"tag {tag.id} is not of the form anchor-<seq>")
            elif best is None or seq > best[0]:
                best = (seq, tag.id)
        if best is None:
            return None
        anchor = Anchor.from_json_bytes(_read(self.repository.tag(best[1]), f"anchors/{best[0]}.json"))
        if anchor.to_seq != best[0]:
            self.problems.append(f"tag {best[1]}: anchor records to_seq {anchor.to_seq}")
        return anchor

    def list_anchors(self) -> list[Anchor]:
        self.problems = []
        anchors: list[Anchor] = []
        tagged: set[str] = set()
        for tag in self.repository.tags(prefix="anchor-"):
            name = tag.id
            to_seq = _tag_seq(name)
            if to_seq is None:
                self.problems.append(f"tag {name} is not of the form anchor-<seq>")
                continue
            path = f"anchors/{to_seq}.json"
            tagged.add(path)
            try:
                data = _read(tag, path)
            except Exception as exc:  # noqa: BLE001 - reported as a problem, not raised
                self.problems.append(f"tag {name}: {path} unreadable ({type(exc).__name__})")
                continue
            a = Anchor.from_json_bytes(data)
            if a.to_seq != to_seq:
                self.problems.append(f"tag {name}: anchor records to_seq {a.to_seq}")
            anchors.append(a)
            try:
                on_main = _read(self.repository.ref(self.branch), path)
            except Exception:  # noqa: BLE001
                self.problems.append(f"{path} (tag {name}) is missing on {self.branch}")
                continue
            if on_main != data:
                self.problems.append(f"{path} on {self.branch} differs from the copy at tag {name}")
        for obj in self.repository.ref(self.branch).objects(prefix="anchors/"):
            p = getattr(obj, "path", None)
            if p and p.endswith(".json") and p not in tagged:
                self.problems.append(f"{p} on {self.branch} has no anchor tag")
        return anchors
