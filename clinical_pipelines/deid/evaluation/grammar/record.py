"""The identity behind one generated note (patient, household, staff, places, numbers) and the text builder.

``make_record`` draws a coherent record: the patient's age (about a third over 89), date of birth consistent
with the note date, identifiers, relatives and staff of mixed origins, facilities and an employer.
``known_identifiers`` gives the record's structured identifiers in the form a record system holds them (often
not the form the note uses). ``Builder`` assembles plain and identifier segments into text with exact gold spans.
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from . import pools
from . import surface_ids as sid
from .surface_dates import Phrase

RELATIONS = ("son", "daughter", "wife", "husband", "sister", "brother", "niece", "nephew", "grandson",
             "granddaughter", "neighbor", "partner", "friend", "caregiver", "mother", "father", "son-in-law")
_RELATION_SEX = {"son": "M", "daughter": "F", "wife": "F", "husband": "M", "sister": "F", "brother": "M", "niece": "F",
                 "nephew": "M", "grandson": "M", "granddaughter": "F", "mother": "F", "father": "M", "son-in-law": "M"}


@dataclass(frozen=True)
class Person:
    first: str
    middle: str
    last: str
    origin: str
    sex: str  # "F" / "M"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


def make_person(rng: random.Random, origin: str | None = None, sex: str | None = None, last: str | None = None) -> Person:
    origin = origin or rng.choice(tuple(pools.NAMES))
    fem, mal, sur = pools.NAMES[origin]
    sex = sex or rng.choice("FM")
    first = rng.choice(fem if sex == "F" else mal)
    if origin == "vietnamese":
        middle = rng.choice(pools.MIDDLE_VIETNAMESE) if sex == "M" or rng.random() < 0.5 else "Thị"
    else:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.5 else ""
    if last is None:
        # surnames of mixed households: mostly the origin's, sometimes another origin's
        last = rng.choice(sur if rng.random() < 0.8 else pools.NAMES[rng.choice(tuple(pools.NAMES))][2])
    return Person(first, middle, last, origin, sex)


def _maybe_nfd(s: str, rng: random.Random) -> str:
    """Some systems store decomposed Unicode (NFD); offsets must survive it."""
    if not s.isascii() and rng.random() < 0.1:
        return unicodedata.normalize("NFD", s)
    return s


def _initials(p: Person, rng: random.Random) -> str:
    f, la = p.first[0].upper(), p.last[0].upper()
    return rng.choice((f"{f}.{la}.", f"{f}{la}", f"{f}.{la}", f"{f}{la}".lower(), f"{f}. {la}."))


_TRANSLIT = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                           "æ": "ae", "Æ": "AE", "þ": "th", "ð": "d"})


def ascii_fold(s: str) -> str:
    """Letters of ``s`` folded to ASCII as user-name systems do (Yılmaz -> Yilmaz, Łukasz -> Lukasz)."""
    return "".join(c for c in unicodedata.normalize("NFKD", s.translate(_TRANSLIT)) if c.isascii() and c.isalpha())


def username(p: Person, rng: random.Random) -> str:
    fold, ffold = ascii_fold(p.last) or "user", ascii_fold(p.first) or "u"
    return rng.choice((fold.upper(), f"{ffold[0]}{fold}".lower() + str(rng.randint(1, 9)), f"{ffold[0]}.{fold}".lower(),
                       f"{fold.upper()}{ffold[0].upper()}", f"{fold.upper()}_{ffold[0].upper()}", f"{ffold.lower()}.{fold.lower()}"))


def name_phrase(p: Person, rng: random.Random, form: str) -> Phrase:
    """The person's name in ``form``: full, full_middle, last_first, initial_last, first, last, initials, lower_first,
    lower_last, username, viet_order. One NAME segment (titles and credentials are added by the caller)."""
    first, last = _maybe_nfd(p.first, rng), _maybe_nfd(p.last, rng)
    if form == "full":
        text = f"{first} {last}"
    elif form == "full_middle":
        mid = p.middle if len(p.middle) > 1 else (f"{p.middle}." if p.middle else "")
        text = f"{first} {mid} {last}" if mid else f"{first} {last}"
    elif form == "last_first":
        mid = f" {p.middle[0]}" if p.middle else ""
        text = rng.choice((f"{last.upper()}, {first.upper()}{mid.upper()}", f"{last}, {first}{mid}", f"{last},{first}",
                           f"{last.upper()},{first.upper()}"))
    elif form == "initial_last":
        text = f"{p.first[0]}. {last}"
    elif form == "first":
        text = first
    elif form == "last":
        text = last
    elif form == "initials":
        text = _initials(p, rng)
    elif form == "lower_first":
        text = first.lower()
    elif form == "lower_last":
        text = last.lower()
    elif form == "username":
        text = username(p, rng)
    elif form == "viet_order":
        text = f"{last} {p.middle} {first}" if p.origin == "vietnamese" and len(p.middle) > 1 else f"{first} {last}"
    else:
        raise ValueError(f"unknown name form {form!r}")
    return [(text, "NAME")]


@dataclass
class Record:
    patient: Person
    age: int
    dob: dt.date
    note_date: dt.date
    admit: dt.date
    discharge: dt.date
    place: tuple[str, str, str, str]
    county: str
    street: tuple[str, str]
    mrn: tuple[str, str]
    ssn: tuple[str, str]
    phone: tuple[str, str]
    cell: tuple[str, str]
    email: tuple[str, str]
    url: tuple[str, str]
    ip: tuple[str, str]
    plan: tuple[str, str]
    account: tuple[str, str]
    license: tuple[str, str]
    plate: tuple[str, str]
    vin: tuple[str, str]
    device: tuple[str, str]
    other_id: tuple[str, str, str]
    relatives: list[tuple[str, Person]]
    staff: dict[str, Person]
    facility: str
    facility_place: tuple[str, str, str, str]
    other_facility: str
    other_place: tuple[str, str, str, str]
    clinic: str
    pharmacy: str
    pharmacy_phone: tuple[str, str]
    fax: tuple[str, str]
    employer: str
    known: dict[str, list[str]] = field(default_factory=dict)

    def date_between(self, rng: random.Random, lo_days: int, hi_days: int) -> dt.date:
        return self.note_date + dt.timedelta(days=rng.randint(lo_days, hi_days))


def make_record(rng: random.Random) -> Record:
    note_date = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 8 * 365))
    age = rng.randint(90, 104) if rng.random() < 0.33 else rng.randint(19, 89)
    dob = note_date - dt.timedelta(days=age * 365 + rng.randint(6, 350))
    patient = make_person(rng)
    rels = []
    for _ in range(rng.randint(1, 3)):
        rel = rng.choice(RELATIONS)
        same = rel in ("son", "daughter", "wife", "husband", "sister", "brother", "grandson", "granddaughter")
        rels.append((rel, make_person(rng, origin=patient.origin if rng.random() < 0.6 else None,
                                      sex=_RELATION_SEX.get(rel), last=patient.last if same and rng.random() < 0.6 else None)))
    staff = {role: make_person(rng) for role in ("attending", "nurse", "np", "resident", "pharmacist", "sw", "tech",
                                                 "consultant", "pcp", "radiologist", "pathologist")}
    place, fplace, oplace = rng.choice(pools.PLACES), rng.choice(pools.PLACES), rng.choice(pools.PLACES)
    if rng.random() < 0.6:
        fplace = place
    admit = note_date - dt.timedelta(days=rng.randint(0, 9))
    rec = Record(
        patient=patient, age=age, dob=dob, note_date=note_date, admit=admit,
        discharge=note_date + dt.timedelta(days=rng.randint(0, 3)), place=place, county=rng.choice(pools.COUNTIES),
        street=sid.street_line(rng), mrn=sid.mrn(rng), ssn=sid.ssn(rng), phone=sid.phone(rng), cell=sid.phone(rng),
        email=sid.email(patient.first, patient.last, rng), url=sid.url(patient.first, patient.last, rng), ip=sid.ip(rng),
        plan=sid.health_plan(rng), account=sid.account(rng), license=sid.license_no(rng), plate=sid.plate(rng),
        vin=sid.vin(rng), device=sid.device_serial(rng), other_id=sid.other_id(rng), relatives=rels, staff=staff,
        facility=sid.facility_name(rng, fplace), facility_place=fplace, other_facility=sid.facility_name(rng, oplace),
        other_place=oplace, clinic=rng.choice(pools.CLINICS), pharmacy=rng.choice(pools.PHARMACIES),
        pharmacy_phone=sid.phone(rng, 0.0), fax=sid.phone(rng, 0.0), employer=rng.choice(pools.EMPLOYERS))
    rec.known = known_identifiers(rec, rng)
    return rec


def known_identifiers(rec: Record, rng: random.Random) -> dict[str, list[str]]:
    """The record's structured identifiers as a source system holds them (canonical forms), or {} for the
    quarter of notes that arrive without them."""
    if rng.random() < 0.25:
        return {}
    p = rec.patient
    cand = {
        "name": [f"{p.first} {p.last}"], "mrn": [rec.mrn[1]], "birth_date": [rec.dob.isoformat()],
        "ssn": [rec.ssn[1]], "phone": [rec.phone[1], rec.cell[1]], "email": [rec.email[1]],
        "street_address": [rec.street[1]], "city": [rec.place[0]], "zip": [rec.place[3]],
        "health_plan_id": [rec.plan[1]], "account_number": [rec.account[1]], "drivers_license": [rec.license[1]],
        "vehicle_plate": [rec.plate[1]], "device_serial": [rec.device[1]], "url": [rec.url[1]],
        "ip_address": [rec.ip[1]], "attending_clinician": [rec.staff["attending"].full],
        "facility_name": [rec.facility],
    }
    return {k: v for k, v in cand.items() if rng.random() < 0.85}


class Builder:
    """Accumulates text; identifier segments become gold spans (trimmed of surrounding whitespace)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self.spans: list[tuple[int, int, str]] = []

    def add(self, *items) -> "Builder":
        """Items: plain ``str``, ``(text, type_or_None)`` tuples, or lists (phrases) of them."""
        for item in items:
            if isinstance(item, str):
                self._emit(item, None)
            elif isinstance(item, tuple):
                self._emit(item[0], item[1])
            else:
                self.add(*item)
        return self

    def _emit(self, text: str, typ: str | None) -> None:
        if typ is not None:
            core = text.strip()
            if core:
                lead = len(text) - len(text.lstrip())
                start = self._pos + lead
                self.spans.append((start, start + len(core), typ))
        self._parts.append(text)
        self._pos += len(text)

    def text(self) -> str:
        return "".join(self._parts)
