"""Free-text de-identification of clinical notes (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)).

One module per identifier family, each a set of plain finder functions ``text -> [Candidate]``:
``dates`` (dates and ages over 89), ``names``, ``identifiers`` (SSN, MRN and other numbers), ``addresses``
(addresses, places, organisations), ``contact`` (phone, fax, e-mail, URL, IP); ``deny`` (the record's own known
identifiers), ``ner`` (spaCy NER windows), ``completion`` (name-span completion); ``recognizers`` wraps the families
for Presidio and ``engine`` runs them.
"""
from .engine import ClinicalTextDeidentifier
from .model import load_verified_model, model_data_dir, model_files_sha256
from .spans import PHI_TYPES, Candidate, Span, TextResult, merge_spans

__all__ = ["ClinicalTextDeidentifier", "load_verified_model", "model_data_dir", "model_files_sha256", "PHI_TYPES",
           "Candidate", "Span", "TextResult", "merge_spans"]
