"""Anchors stored in lakeFS: ``anchors/<to_seq>.json`` on ``main`` of ``clinical-audit-anchors``,
one commit and one tag ``anchor-<to_seq>`` per anchor.

Reading goes through the tags (each tag pins the immutable commit that first recorded the anchor)
and compares with the copy on ``main``; a rewritten or untagged anchor on ``main`` is reported in
``problems``. Uses the maintained ``lakefs`` SDK; no Dagster import.
"""

from __future__ import annotations

from typing import Any

from clinical_pipelines.audit.anchor import (
    ANCHOR_REPOSITORY,
    Anchor,
    anchor_object_path,
    anchor_tag,
)

__all__ = ["LakeFSAnchorStore", "ANCHOR_REPOSITORY"]


def _read(ref: Any, path: str) -> bytes:
    with ref.object(path).reader(mode="rb") as fh:
        return fh.read()


class LakeFSAnchorStore:
    """``AnchorSource`` + ``AnchorSink`` over a ``lakefs.Repository``."""

    def __init__(self, repository: Any, branch: str = "main") -> None:
        self.repository = repository
        self.branch = branch
        self.problems: list[str] = []
        self.last_commit_id: str | None = None

    def write_anchor(self, anchor: Anchor) -> str:
        path = anchor_object_path(anchor)
        tag = anchor_tag(anchor)
        branch = self.repository.branch(self.branch)
        if branch.object(path).exists():
            raise FileExistsError(
                f"anchor {path} already exists on {self.repository.id}/{self.branch}; "
                "anchors are never rewritten"
            )
        branch.object(path).upload(anchor.to_json_bytes(), mode="wb",
                                   content_type="application/json")
        ref = branch.commit(
            f"audit anchor seq {anchor.from_seq}..{anchor.to_seq}",
            metadata={
                "from_seq": str(anchor.from_seq),
                "to_seq": str(anchor.to_seq),
                "n_events": str(anchor.n_events),
                "merkle_root": anchor.root,
                "head_hash": anchor.head_hash,
            },
        )
        commit_id = ref.get_commit().id
        self.repository.tag(tag).create(commit_id)
        self.last_commit_id = commit_id
        return f"lakefs://{self.repository.id}/{commit_id}/{path}"

    def list_anchors(self) -> list[Anchor]:
        self.problems = []
        anchors: list[Anchor] = []
        tagged: set[str] = set()
        for tag in self.repository.tags(prefix="anchor-"):
            name = tag.id
            try:
                to_seq = int(name.removeprefix("anchor-"))
            except ValueError:
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
