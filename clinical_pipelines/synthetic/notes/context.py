"""Note context: one patient and encounter normalised from encounter-row keys, plus renderers that write
identities (patient, relatives, clinicians, facilities) and identifiers in their varied surface forms as
annotated segments.  All randomness comes from the ``random.Random`` passed in."""

from __future__ import annotations

import datetime as _dt
import random
import string
from collections.abc import Mapping, Sequence
from typing import Any

from clinical_pipelines.synthetic import identities as ids
from clinical_pipelines.synthetic.notes.annotation import Seg, SpanBuilder, ph
from clinical_pipelines.synthetic.notes.formats import format_date, format_phone, ordinal, parse_date, to_number

_FEMALE_RELATIONS = frozenset({"wife", "daughter", "sister", "niece", "granddaughter", "mother"})
_MALE_RELATIONS = frozenset({"husband", "son", "brother", "grandson", "father"})


class NoteContext:
    """Patient, encounter, dates, clinicians and facility of one note, normalised from encounter-row keys (missing
    values drawn from ``rng``), with the note's ``SpanBuilder`` in ``b`` and renderers that return annotated
    segments.
    """

    def __init__(self, patient: Mapping[str, Any], encounter: Mapping[str, Any], rng: random.Random):
        self.rng = rng
        self.b = SpanBuilder()
        self._drawn: dict[str, float] = {}
        r = rng
        site = encounter.get("site_id") or patient.get("site_id")
        self.site = site if site in ids.SITE_GEOGRAPHY else None
        base = ids.make_patient(random.Random(r.random()), self.site)
        p = dict(base)
        p.update({k: v for k, v in patient.items() if v is not None})
        if "first_name" not in patient and patient.get("patient_name"):
            parts = str(patient["patient_name"]).split()
            p["first_name"], p["last_name"] = parts[0], parts[-1]
        self.p = p
        self.first, self.last = str(p["first_name"]), str(p["last_name"])
        self.mi = str(p.get("middle_initial") or "")
        self.sex = p.get("sex") if p.get("sex") in ("F", "M") else r.choice("FM")
        self.e = encounter
        admit = parse_date(encounter.get("admit_date"))
        if admit is None:
            admit = _dt.date(2019, 1, 1) + _dt.timedelta(days=r.randint(0, 5 * 365))
        disc = parse_date(encounter.get("discharge_date")) or admit + _dt.timedelta(days=r.randint(0, 6))
        self.admit, self.disc = admit, disc
        self.note_date = parse_date(encounter.get("note_date")) or admit
        birth = parse_date(p.get("birth_date"))
        if birth is None:
            birth = admit - _dt.timedelta(days=int(66 * 365.25))
        self.birth = birth
        age = patient.get("age")
        if age is None:
            age = admit.year - birth.year - ((admit.month, admit.day) < (birth.month, birth.day))
        self.age = int(age)
        att = encounter.get("attending_clinician")
        if att:
            parts = str(att).replace("Dr. ", "").split()
            self.att = (parts[0], parts[-1])
        else:
            self.att = ids.clinician_name(r)
        auth = encounter.get("author")
        if auth:
            parts = str(auth).split()
            self.author = (parts[0], parts[-1])
        else:
            self.author = self.att
        site_key = self.site or r.choice(tuple(ids.SITE_FACILITIES))
        fac = ids.SITE_FACILITIES[site_key]
        self.facility = str(encounter.get("facility_name") or fac[0])
        self.clinic, self.fac_abbrev = fac[1], fac[2]
        self.fac_site = site_key
        self.relatives = list(p.get("relatives") or [])
        self.pronoun = "She" if self.sex == "F" else "He"
        self.title = r.choice(("Mrs.", "Ms.", "Ms")) if self.sex == "F" else r.choice(("Mr.", "Mr"))
        self.encounter_id = str(encounter.get("encounter_id") or f"{r.randint(10**7, 10**8 - 1)}")

    # ---- random helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq: Sequence[Any]) -> Any:
        return self.rng.choice(seq)

    # ---- PHI renderers (return segments)
    def pt_name(self, style: int | None = None) -> Seg:
        f, l, mi = self.first, self.last, self.mi
        s = self.rng.randrange(9) if style is None else style
        if s == 0:
            return ph(f"{f} {l}", "NAME")
        if s == 1:
            return ph(f"{l.upper()}, {f.upper()}" + (f" {mi}" if mi else ""), "NAME")
        if s == 2:
            return ph(f"{l}, {f}", "NAME")
        if s == 3:
            return [(f"{self.title} ", None), (l, "NAME")]
        if s == 4:
            return ph(f"{f[0]}. {l}", "NAME")
        if s == 5:
            return ph(f"{f} {mi}. {l}" if mi else f"{f} {l}", "NAME")
        if s == 6:
            return ph(f, "NAME")
        if s == 7:
            return ph(f"{f.upper()} {l.upper()}", "NAME")
        return [(f"{self.title} ", None), (f"{f} {l}", "NAME")]

    def pt_ref(self, initial: bool = False) -> Seg:
        """A later reference to the patient (PHI or a neutral phrase); ``initial`` = sentence start."""
        r = self.rng.random()
        if r < 0.35:
            return [(f"{self.title} ", None), (self.last, "NAME")]
        if r < 0.5:
            return ph(self.first, "NAME")
        phrase = self.pick(("the patient", "pt", "the pt", "patient"))
        return [(phrase[0].upper() + phrase[1:] if initial else phrase, None)]

    def clin(self, who: tuple[str, str] | None = None, style: int | None = None, cred: str = "MD") -> Seg:
        f, l = who or ids.clinician_name(self.rng)
        s = self.rng.randrange(8) if style is None else style
        if s == 0:
            return [("Dr. ", None), (l, "NAME")]
        if s == 1:
            return [(f"{f} {l}", "NAME"), (f", {cred}", None)]
        if s == 2:
            return [(f"{f[0]}. {l}", "NAME"), (f", {cred}", None)]
        if s == 3:
            return [(f"{l.upper()}, {f.upper()}", "NAME")]
        if s == 4:
            return [(f"{l}, {f}", "NAME"), (f" {cred}", None)]
        if s == 5:
            return [("Dr ", None), (f"{f} {l}", "NAME")]
        if s == 6:
            return [("Dr. ", None), (l.upper(), "NAME")]
        return [(f"{f} {l}", "NAME"), (f" {cred}", None)]

    def date(self, d: _dt.date, style: int | None = None, with_year: bool = False) -> Seg:
        if style is None:
            style = self.rng.randrange(9) if (with_year or self.rng.random() < 0.85) else self.rng.randrange(9, 13)
        if style == 11:
            return [("the ", None), (ordinal(d.day), "DATE")]
        return ph(format_date(d, style), "DATE")

    def datetime(self, d: _dt.date) -> Seg:
        seg = self.date(d, self.pick((0, 1, 7, 2)))
        hh, mm = self.rng.randint(0, 23), self.rng.randint(0, 59)
        t = self.pick((f" {hh:02d}:{mm:02d}", f" {hh:02d}{mm:02d}",
                       f" {(hh % 12) or 12}:{mm:02d} {'AM' if hh < 12 else 'PM'}"))
        return seg + [(t, None)]

    def age_seg(self, age: int | None = None, style: int | None = None) -> Seg:
        a = str(self.age if age is None else age)
        s = self.rng.randrange(8) if style is None else style
        sx = "F" if self.sex == "F" else "M"
        return (
            [(a, "AGE"), ("-year-old", None)],
            [(a, "AGE"), (" y/o", None)],
            [(a, "AGE"), (" yo", None)],
            [(a, "AGE"), ("yo", None)],
            [(a, "AGE"), (" year old", None)],
            [(a, "AGE"), (f" y.o. {sx}", None)],
            [(a, "AGE"), (sx, None)],
            [(a, "AGE"), (" YO", None)],
        )[s]

    def phone(self, number: str | None = None, typ: str = "PHONE") -> Seg:
        number = number or self.p.get("phone") or ids.phone_number(self.rng)
        return ph(format_phone(str(number), self.rng.randrange(7)), typ)

    def other_phone(self, typ: str = "PHONE") -> Seg:
        return ph(format_phone(ids.phone_number(self.rng), self.rng.randrange(7)), typ)

    def mrn(self) -> Seg:
        m = str(self.p["mrn"])
        r = self.rng.random()
        if r < 0.2 and m[:2].isalpha() and m[2:].isdigit():
            m = f"{m[:2]}-{m[2:]}"
        elif r < 0.3 and m[:2].isalpha() and m[2:].isdigit():
            m = m[2:]
        return ph(m, "MRN")

    def mrn_label(self) -> str:
        return self.pick(("MRN: ", "MRN ", "MR#: ", "MR# ", "Med Rec #: ", "Medical Record No. ", "Unit No: ",
                          "MRN#", "Hosp #: "))

    def location_line(self) -> Seg:
        p = self.p
        zip_sep = self.pick((" ", "  "))
        seg: Seg = [(str(p["street_address"]), "LOCATION"), (", ", None), (str(p["city"]), "LOCATION"),
                    (f", {p['state']}{zip_sep}", None), (str(p["zip"]), "LOCATION")]
        if self.chance(0.5) and p.get("street_address"):
            seg = [(str(p["street_address"]), "LOCATION"), ("\n", None), (str(p["city"]), "LOCATION"),
                   (f" {p['state']} ", None), (str(p["zip"]), "LOCATION")]
        return seg

    def org(self) -> Seg:
        return ph(self.pick(ids.OTHER_ORGANIZATIONS), "ORGANIZATION")

    def facility_seg(self) -> Seg:
        r = self.rng.random()
        if r < 0.7:
            return ph(self.facility, "ORGANIZATION")
        if r < 0.85:
            return ph(self.fac_abbrev, "ORGANIZATION")
        return ph(self.facility.upper(), "ORGANIZATION")

    def relative(self) -> dict[str, Any]:
        if self.relatives:
            return self.pick(self.relatives)
        first, last = ids.person_name(self.rng)
        rel = {"relation": self.pick(("daughter", "son", "wife", "husband", "sister")), "first": first,
               "last": last, "phone": ids.phone_number(self.rng)}
        self.relatives.append(rel)
        return rel

    def rel_name(self, rel: Mapping[str, Any]) -> Seg:
        r = self.rng.random()
        if r < 0.5:
            return ph(f"{rel['first']} {rel['last']}", "NAME")
        if r < 0.8:
            return ph(str(rel["first"]), "NAME")
        relation = str(rel.get("relation", ""))
        if relation in _FEMALE_RELATIONS:
            return [(self.pick(("Mrs. ", "Ms. ")), None), (str(rel["last"]), "NAME")]
        if relation in _MALE_RELATIONS:
            return [("Mr. ", None), (str(rel["last"]), "NAME")]
        return ph(f"{rel['first']} {rel['last']}", "NAME")

    def ident(self, key: str, typ: str, gen) -> Seg:
        value = self.p.get(key) or gen(self.rng)
        return ph(str(value), typ)

    def num_id(self, prefix: str = "", n: int = 7) -> Seg:
        return ph(f"{prefix}{''.join(self.rng.choice(string.digits) for _ in range(n))}", "ID")

    # ---- clinical values (from the encounter row when present, else plausible draws)
    def v(self, key: str, mu: float, sd: float, lo: float, hi: float) -> float | None:
        if key in self.e:
            return to_number(self.e.get(key))
        if key not in self._drawn:  # draw once so repeated mentions agree
            self._drawn[key] = min(hi, max(lo, self.rng.gauss(mu, sd)))
        return self._drawn[key]

    def flag(self, key: str, p: float) -> bool:
        if key in self.e:
            val = to_number(self.e.get(key))
            return bool(val) if val is not None else False
        if key not in self._drawn:
            self._drawn[key] = float(self.rng.random() < p)
        return bool(self._drawn[key])
