"""Round-5 kinds through the whole engine (rule families, NER, learned tagger, completion): employers and account
handles are redacted, eponymous scores, services and generic workplaces stay, named clinics and people named like
an eponym are redacted. The variants are those of the family tests."""
import pytest

from .test_round5_orgs import EMPLOYERS, GENERIC_WORK, NAMED_CLINICS, SERVICES
from .test_round5_orgs_handles import HANDLES, WORDS_AFTER_CUES
from .test_round5_orgs_scores import PEOPLE, SCORES


def _failures(engine, cases, redacted: bool) -> int:
    """How many ``(text, value)`` cases the engine gets wrong: ``value`` not fully covered (``redacted``) or touched
    by a span (not ``redacted``). A count only: no text in the assertion message."""
    spans = engine.analyze([t for t, _ in cases])
    wrong = 0
    for (text, value), sp in zip(cases, spans):
        lo, hi = text.index(value), text.index(value) + len(value)
        if redacted:
            ok = all(any(s.start <= i < s.end for s in sp) for i in range(lo, hi) if text[i].isalnum())
        else:
            ok = not any(s.start < hi and s.end > lo for s in sp)
        wrong += not ok
    return wrong


@pytest.mark.parametrize("cases,redacted", [
    (EMPLOYERS, True), (HANDLES, True), (NAMED_CLINICS, True), (PEOPLE, True),
    (GENERIC_WORK, False), (SERVICES, False), (SCORES, False), (WORDS_AFTER_CUES, False),
], ids=["employers", "handles", "named-clinics", "eponym-people", "generic-work", "specialty-clinics", "scores",
        "words-after-cues"])
def test_round5_kinds_through_the_engine(engine, cases, redacted):
    assert _failures(engine, cases, redacted) == 0
