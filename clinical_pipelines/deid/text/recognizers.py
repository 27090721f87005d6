"""The clinical recogniser registry for Presidio: each identifier family's finder wrapped as a Presidio
``LocalRecognizer``, plus two context-boosted pattern recognisers (ZIP, 9-digit SSN) whose scores rise only when
their cue words are near (Presidio's lemma context enhancer). Licence plates are found right after their cue
(``identifiers.PLATE_RE``): a plate pattern boosted by any vehicle word nearby also took vitals ("RR 24", "BP 162").
"""
from __future__ import annotations

from typing import Callable, Sequence

from .addresses import find_locations
from .organizations import find_organizations
from .contact import find_contacts
from .ages import find_ages
from .dates import find_dates
from .delimited import find_delimited_identifiers
from .eponym_scores import without_score_eponyms as _ks
from .facilities import find_facilities
from .identifiers import find_identifiers, find_ssn_and_vin
from .names import find_names
from .numbers import find_numbers
from .places import find_places
from .services import without_services as _sv
from .postcodes import find_foreign_addresses
from .safelist import find_safelist_names
from .spans import Candidate
from .town_cues import find_town_cues

Finder = Callable[[str], list[Candidate]]

# (recogniser name, entity types it can report, finder): one row per identifier family. ``_ks``: the family's name,
# place and organisation candidates on the eponym of a score ("Aldrete 9", "Child-Pugh B") are dropped
# (``eponym_scores``); ``_sv``: organisation candidates made only of service words ("Pulm clinic", "Neuro ICU") are
# dropped (``services``).
FAMILIES: tuple[tuple[str, tuple[str, ...], Finder], ...] = (
    ("Dates", ("DATE",), find_dates),
    ("AgesOver89", ("AGE",), find_ages),
    ("Contact", ("PHONE", "FAX", "EMAIL", "URL", "IP"), find_contacts),
    ("SsnVin", ("SSN", "VEHICLE"), find_ssn_and_vin),
    ("Identifiers", ("MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "SSN", "ID"), find_identifiers),
    ("NumberPolicy", ("PHONE", "FAX", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT", "LICENSE", "VEHICLE", "DEVICE", "ID"),
     find_numbers),
    ("Locations", ("LOCATION",), _ks(find_locations)),
    ("Places", ("LOCATION",), _ks(find_places)),
    ("TownCues", ("LOCATION",), find_town_cues),
    ("ForeignAddresses", ("LOCATION",), find_foreign_addresses),
    ("Organizations", ("ORGANIZATION",), _ks(_sv(find_organizations))),
    ("FoldedFacilities", ("ORGANIZATION", "LOCATION"), _ks(_sv(find_facilities))),
    ("Names", ("NAME",), _ks(find_names)),
    ("SafeList", ("NAME",), _ks(find_safelist_names)),
    ("DelimitedRows", ("NAME", "LOCATION"), find_delimited_identifiers),
)


def build_recognizers() -> list:
    """Presidio recogniser instances: the family finders and the context recognisers (NER runs in the engine,
    after them, only where they left candidate words uncovered)."""
    from presidio_analyzer import LocalRecognizer, Pattern, PatternRecognizer, RecognizerResult

    class FinderRecognizer(LocalRecognizer):
        """A plain finder function ``text -> [Candidate]`` as a Presidio recogniser."""

        def __init__(self, name: str, entities: Sequence[str], finder: Finder):
            self._finder = finder
            super().__init__(supported_entities=list(entities), name=name)

        def load(self):
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            return [RecognizerResult(c.type, c.start, c.end, c.score) for c in self._finder(text)]

    ctx_recognizers = [
        PatternRecognizer(supported_entity="LOCATION", name="ZipWithContext",
                          patterns=[Pattern("zip5", r"(?<![\d-])\d{5}(?:-\d{4})?(?![\d-])", 0.1)],
                          context=["zip", "zipcode", "postal", "address", "lives", "resides", "city", "town"]),
        PatternRecognizer(supported_entity="SSN", name="SsnWithContext",
                          patterns=[Pattern("ssn9", r"(?<![\w-])\d{9}(?![\w-])", 0.1)],
                          context=["ssn", "social", "security"]),
    ]
    return [FinderRecognizer(name, ents, fn) for name, ents, fn in FAMILIES] + ctx_recognizers
