"""The record's known dates read by the precompiled scanners of deid.text.known_dates (no pattern per value).
All dates below are invented."""
import datetime as dt

import pytest

from clinical_pipelines.deid.text.known_dates import find_known_dates

DAY = dt.date(1931, 4, 5)


def found(text, days=(DAY,)):
    """The covered stretches of ``text`` (overlapping readings merged), in order."""
    out = []
    for s in sorted(find_known_dates(text, set(days)), key=lambda s: s.start):
        if out and s.start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], s.end)
        else:
            out.append([s.start, s.end])
    return [text[a:b] for a, b in out]


@pytest.mark.parametrize("written", [
    "4/5/1931", "04/05/1931", "5/4/1931", "05.04.1931", "1931-04-05", "1931/4/5", "1931 4 5", "4 5 1931",
    "4-5-31", "5.4.31", "19310405", "04051931", "4/1931", "1931-04", "04/05", "April 5", "April 5th, 1931",
    "Apr. the fifth of 1931", "the 5th of April", "5-Apr-1931", "05-APR-31", "5Apr1931", "April 1931",
    "April of 1931", "April '31", "apr 5", "APRIL FIFTH", "fifth of april", "April 05", "5 April, 1931",
])
def test_every_written_form_of_a_known_date(written):
    text = f"Pt seen ({written}) in clinic."
    assert any(written in f for f in found(text))


@pytest.mark.parametrize("text", [
    "4/6/1931", "4/5/1932", "14/5/1931", "4/5/19311", "v1.4.5.1931", "04/05 strength", "04/05 murmur",
    "April 15", "April 25th", "March 5", "may 5 be", "4 5 31", "1931 4 15", "4/5/3", "Apr 1932", "x4/5/1931",
])
def test_other_dates_and_clinical_numbers_are_not_the_known_date(text):
    assert found(f"noted {text} today") == []


@pytest.mark.parametrize("text,part", [
    ("Seen April 5, 2024 again", "April 5"),           # another year: month and day alone
    ("the fifth of April 1990", "the fifth of April"),
])
def test_a_different_year_leaves_month_and_day(text, part):
    assert found(text) == [part]


def test_may_is_a_month_only_in_capitals():
    may = dt.date(1931, 5, 5)
    assert found("May 5 visit; MAY 5TH", [may]) == ["May 5", "MAY 5TH"]
    assert found("may 5 be discharged", [may]) == []


@pytest.mark.parametrize("written", ["05-APR-31", "5-Apr-31", "05-apr-1931", "APR-05-1931"])
def test_day_month_year_with_hyphens_is_covered_whole(written):
    assert found(f"DOB {written}, MRN") == [written]


def test_a_hyphen_range_after_a_month_is_not_read_as_a_year():
    assert found("off work 5-Apr-12 to 20") == ["5-Apr"]


@pytest.mark.parametrize("day,written", [
    (dt.date(2001, 12, 21), "the twenty-first of December"), (dt.date(2001, 12, 21), "Dec twenty first, 2001"),
    (dt.date(2001, 9, 30), "Sept. thirtieth"), (dt.date(2001, 9, 30), "SEP 30 '01"), (dt.date(2001, 1, 31), "31JAN2001"),
    (dt.date(2001, 1, 31), "thirty-first of jan"), (dt.date(2001, 6, 2), "June 2nd of 2001"),
])
def test_spelled_and_abbreviated_forms(day, written):
    assert any(written in f for f in found(f"on {written}.", [day]))


def test_no_known_dates_no_spans():
    assert find_known_dates("4/5/1931", set()) == []
