"""Independent residual PHI detection for the de-identified snapshot gate (``residual_phi_scan``).

A second detector built by a different method than the redaction engine (no NER model, no shared code):
format grammars, a deny-by-default number policy, a safe-list name scan and a normalised search for the
record's own identifiers. See :class:`ResidualScanner` and :mod:`.gate`.
"""
from .findings import ResidualFinding
from .gate import ResidualSummary, scan_frame_known, scan_frame_text, scan_notes
from .known import KnownIdentifiers
from .scanner import ResidualPolicy, ResidualScanner, scan_text

__all__ = ["KnownIdentifiers", "ResidualFinding", "ResidualPolicy", "ResidualScanner", "ResidualSummary",
           "scan_frame_known", "scan_frame_text", "scan_notes", "scan_text"]
