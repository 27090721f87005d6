"""Annotated synthetic clinical notes (cohort notes and de-identification benchmark corpus).

Every note is built segment by segment, so each PHI mention gets an exact character span
(gold annotation in the style of the i2b2/UTHealth 2014 de-identification task).  Output is a
pure function of the inputs and the ``random.Random`` passed in: no Faker, no global state.

Annotation guidelines used by the generator (the benchmark judges against these):

* NAME: patients, relatives, household members, clinicians, staff. Titles and credentials are
  outside the span ("Mr. [Smith]", "[Priya Raman], MD", "Dr. [Raman]"); "[J. Smith]",
  "[SMITH, JOHN A]", "[Smith, John]" and first names alone are one span each.
* DATE: any date element more specific than a year: 2021-03-04, 03/04/2021, 3/4/21,
  March 4, 2021, 4-Mar-2021, Mar 4, 03/2021, March 2021, "the [4th]".  Times of day are outside
  the span.  A year alone ("CABG in 2015", "2015 Honda Civic") is NOT labelled: HIPAA Safe Harbor
  allows years (the generator never writes a bare birth year).
* AGE: every age (patient and relatives) is labelled AGE on the digits only ("[67]-year-old",
  "[92] y/o", "age [71]"). Only ages over 89 are PHI under Safe Harbor, so a benchmark should
  judge AGE recall on spans whose value is > 89 and must not penalise leaving younger ages.
  Durations ("40 pack-years", "for 3 days", "hospital day 2") are not ages.
* PHONE / FAX (by context), EMAIL, SSN, MRN, HEALTH_PLAN (member/beneficiary ids), ACCOUNT
  (account / billing / FIN numbers), LICENSE (driver's licence, medical licence, DEA numbers),
  VEHICLE (plates, VINs), DEVICE (implant/pump serial numbers), URL, IP: the value only, not the
  label before it ("MRN: [NG0482913]").
* LOCATION: street addresses, cities/towns, counties, ZIP codes (each its own span); a state is
  not labelled (Safe Harbor keeps states).
* ORGANIZATION: hospitals, clinics, practices, nursing facilities, agencies and employers.  Payer
  names (Medicare, BCBS) and device/drug manufacturers (Medtronic) are not labelled.
* ID: other unique numbers: encounter numbers, accession/order/specimen/job numbers, NPI,
  staff ids.
* Not PHI (hard negatives, see ``HARD_NEGATIVE_TERMS``): eponyms (Parkinson's disease,
  Wolff-Parkinson-White, Foley catheter, Swan-Ganz, Glasgow Coma Scale, Apgar, ...), drugs and
  doses, lab values, vitals (BP 142/88), murmur grades (2/6), scores (NYHA III, CHA2DS2-VASc 4),
  ICD-10 / CPT codes, bare years, durations and times of day.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clinical_pipelines.synthetic import identities as ids

PHI_TYPES = ("NAME", "DATE", "AGE", "PHONE", "FAX", "EMAIL", "SSN", "MRN", "HEALTH_PLAN", "ACCOUNT",
             "LICENSE", "VEHICLE", "DEVICE", "URL", "IP", "LOCATION", "ORGANIZATION", "ID")

NOTE_TYPES = ("discharge_summary", "progress_note", "ed_note", "ecg_report", "echo_report",
              "referral_letter", "nursing_note", "device_clinic_note", "telephone_note")

# Literal strings the generator emits that are never PHI (tests check none is inside a span).
HARD_NEGATIVE_TERMS = (
    "Parkinson's disease", "Graves' disease", "Wolff-Parkinson-White", "Foley catheter", "Swan-Ganz",
    "Glasgow Coma Scale", "Apgar", "Hashimoto's thyroiditis", "Raynaud's phenomenon", "Barrett's esophagus",
    "Crohn's disease", "Alzheimer's dementia", "Holter monitor", "Bruce protocol", "Mobitz I", "Valsalva",
    "Babinski", "Levine sign", "Killip class", "Wells score", "Duke criteria", "Cheyne-Stokes",
    "Kussmaul", "Doppler", "Brugada", "Wenckebach", "Takotsubo", "Dressler", "Bazett", "Osler",
    "Medtronic", "Boston Scientific", "Biotronik", "Abbott", "Medicare", "NYHA", "CHA2DS2-VASc",
    "HAS-BLED", "TIMI", "GRACE", "HEART score", "metoprolol", "atorvastatin", "apixaban",
)
# Regexes of non-PHI patterns the generator emits (vitals, doses, codes, scores, murmur grades).
HARD_NEGATIVE_PATTERNS = (
    r"\bBP:? ?\d{2,3}/\d{2,3}\b",
    r"\b\d+(?:\.\d+)? ?(?:mg|mcg|units|mEq)\b",
    r"\b[IEJNRZ]\d{2}\.\d{1,2}\b",
    r"\bNYHA (?:class )?I{1,3}V?\b",
    r"\bCHA2DS2-VASc(?: score)?:? \d\b",
    r"\b[1-6]/6 (?:SEM|holosystolic|ejection|systolic)",
    r"\b\d+ pack-years?\b",
    r"\bCPT \d{5}\b",
)


@dataclass(frozen=True)
class PhiSpan:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class AnnotatedNote:
    note_id: str
    text: str
    spans: tuple[PhiSpan, ...]
    known_identifiers: dict[str, list[str]]


# --------------------------------------------------------------------------------------------
# builder: plain text and PHI segments with exact offsets
# --------------------------------------------------------------------------------------------
Seg = list  # list[tuple[str, str | None]]
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_TEMPLATE_CACHE: dict[str, list[str]] = {}


def _ph(text: str, typ: str) -> Seg:
    return [(text, typ)]


class _Builder:
    __slots__ = ("parts", "spans", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[PhiSpan] = []
        self.pos = 0

    def t(self, text: str) -> None:
        self.parts.append(text)
        self.pos += len(text)

    def add(self, seg: str | Seg) -> None:
        if isinstance(seg, str):
            self.t(seg)
            return
        for text, typ in seg:
            if typ is not None and text:
                self.spans.append(PhiSpan(self.pos, self.pos + len(text), typ))
            self.t(text)

    def f(self, template: str, **kw: str | Seg) -> None:
        pieces = _TEMPLATE_CACHE.get(template)
        if pieces is None:
            pieces = _PLACEHOLDER.split(template)
            _TEMPLATE_CACHE[template] = pieces
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                if piece:
                    self.t(piece)
            else:
                self.add(kw[piece])

    def text(self) -> str:
        return "".join(self.parts)


# --------------------------------------------------------------------------------------------
# formatting helpers
# --------------------------------------------------------------------------------------------
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_date(d: _dt.date, style: int) -> str:
    """Clinical date formats; styles 0-8 carry the year, 9-12 do not."""
    m, dd, y = d.month, d.day, d.year
    mon = _MONTHS[m - 1]
    return (
        f"{y:04d}-{m:02d}-{dd:02d}",
        f"{m:02d}/{dd:02d}/{y:04d}",
        f"{m}/{dd}/{y % 100:02d}",
        f"{mon} {dd}, {y}",
        f"{dd}-{mon[:3]}-{y}",
        f"{mon[:3]} {dd}, {y}",
        f"{dd} {mon} {y}",
        f"{m}/{dd}/{y}",
        f"{m:02d}-{dd:02d}-{y:04d}",
        f"{mon[:3]} {dd}",
        f"{m}/{dd}",
        f"{mon} {_ordinal(dd)}",
        f"{dd}-{mon[:3].upper()}-{y}",
    )[style]


def _parse_date(value: Any) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if v != v else v  # NaN -> missing


def _fmt_phone(number: str, style: int) -> str:
    digits = "".join(c for c in number if c.isdigit())[-10:]
    if len(digits) != 10:
        return number
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}-{b}-{c}",
            f"({a}){b}-{c}", f"1-{a}-{b}-{c}")[style % 7]


# --------------------------------------------------------------------------------------------
# note context: normalized patient/encounter plus PHI renderers
# --------------------------------------------------------------------------------------------
_FEMALE_RELATIONS = frozenset({"wife", "daughter", "sister", "niece", "granddaughter", "mother"})
_MALE_RELATIONS = frozenset({"husband", "son", "brother", "grandson", "father"})
_EMS = ("County EMS", "Eastport Fire Department", "Granite State Ambulance", "Tri-Town Rescue Squad",
        "Lakeshore Ambulance Service", "Hudson Valley EMS")


class _Ctx:
    def __init__(self, patient: Mapping[str, Any], encounter: Mapping[str, Any], rng: random.Random):
        self.rng = rng
        self.b = _Builder()
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
        admit = _parse_date(encounter.get("admit_date"))
        if admit is None:
            admit = _dt.date(2019, 1, 1) + _dt.timedelta(days=r.randint(0, 5 * 365))
        disc = _parse_date(encounter.get("discharge_date")) or admit + _dt.timedelta(days=r.randint(0, 6))
        self.admit, self.disc = admit, disc
        self.note_date = _parse_date(encounter.get("note_date")) or admit
        birth = _parse_date(p.get("birth_date"))
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
            return _ph(f"{f} {l}", "NAME")
        if s == 1:
            return _ph(f"{l.upper()}, {f.upper()}" + (f" {mi}" if mi else ""), "NAME")
        if s == 2:
            return _ph(f"{l}, {f}", "NAME")
        if s == 3:
            return [(f"{self.title} ", None), (l, "NAME")]
        if s == 4:
            return _ph(f"{f[0]}. {l}", "NAME")
        if s == 5:
            return _ph(f"{f} {mi}. {l}" if mi else f"{f} {l}", "NAME")
        if s == 6:
            return _ph(f, "NAME")
        if s == 7:
            return _ph(f"{f.upper()} {l.upper()}", "NAME")
        return [(f"{self.title} ", None), (f"{f} {l}", "NAME")]

    def pt_ref(self, initial: bool = False) -> Seg:
        """A later reference to the patient (PHI or a neutral phrase); ``initial`` = sentence start."""
        r = self.rng.random()
        if r < 0.35:
            return [(f"{self.title} ", None), (self.last, "NAME")]
        if r < 0.5:
            return _ph(self.first, "NAME")
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
            return [("the ", None), (_ordinal(d.day), "DATE")]
        return _ph(format_date(d, style), "DATE")

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
        return _ph(_fmt_phone(str(number), self.rng.randrange(7)), typ)

    def other_phone(self, typ: str = "PHONE") -> Seg:
        return _ph(_fmt_phone(ids.phone_number(self.rng), self.rng.randrange(7)), typ)

    def mrn(self) -> Seg:
        m = str(self.p["mrn"])
        r = self.rng.random()
        if r < 0.2 and m[:2].isalpha() and m[2:].isdigit():
            m = f"{m[:2]}-{m[2:]}"
        elif r < 0.3 and m[:2].isalpha() and m[2:].isdigit():
            m = m[2:]
        return _ph(m, "MRN")

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
        return _ph(self.pick(ids.OTHER_ORGANIZATIONS), "ORGANIZATION")

    def facility_seg(self) -> Seg:
        r = self.rng.random()
        if r < 0.7:
            return _ph(self.facility, "ORGANIZATION")
        if r < 0.85:
            return _ph(self.fac_abbrev, "ORGANIZATION")
        return _ph(self.facility.upper(), "ORGANIZATION")

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
            return _ph(f"{rel['first']} {rel['last']}", "NAME")
        if r < 0.8:
            return _ph(str(rel["first"]), "NAME")
        relation = str(rel.get("relation", ""))
        if relation in _FEMALE_RELATIONS:
            return [(self.pick(("Mrs. ", "Ms. ")), None), (str(rel["last"]), "NAME")]
        if relation in _MALE_RELATIONS:
            return [("Mr. ", None), (str(rel["last"]), "NAME")]
        return _ph(f"{rel['first']} {rel['last']}", "NAME")

    def ident(self, key: str, typ: str, gen) -> Seg:
        value = self.p.get(key) or gen(self.rng)
        return _ph(str(value), typ)

    def num_id(self, prefix: str = "", n: int = 7) -> Seg:
        return _ph(f"{prefix}{''.join(self.rng.choice(string.digits) for _ in range(n))}", "ID")

    # ---- clinical values (from the encounter row when present, else plausible draws)
    def v(self, key: str, mu: float, sd: float, lo: float, hi: float) -> float | None:
        if key in self.e:
            return _num(self.e.get(key))
        if key not in self._drawn:  # draw once so repeated mentions agree
            self._drawn[key] = min(hi, max(lo, self.rng.gauss(mu, sd)))
        return self._drawn[key]

    def flag(self, key: str, p: float) -> bool:
        if key in self.e:
            val = _num(self.e.get(key))
            return bool(val) if val is not None else False
        if key not in self._drawn:
            self._drawn[key] = float(self.rng.random() < p)
        return bool(self._drawn[key])


# --------------------------------------------------------------------------------------------
# clinical content blocks
# --------------------------------------------------------------------------------------------
_ECG_MFR = ("Medtronic", "Boston Scientific", "Abbott", "Biotronik")
_DEVICES = ("dual-chamber pacemaker", "single-chamber ICD", "CRT-D", "dual-chamber ICD", "leadless pacemaker",
            "implantable loop recorder", "CRT-P")
_EPONYM_PMH = ("Parkinson's disease", "Graves' disease", "Wolff-Parkinson-White s/p ablation",
               "Hashimoto's thyroiditis", "Raynaud's phenomenon", "Barrett's esophagus", "Crohn's disease",
               "Alzheimer's dementia, mild", "Takotsubo cardiomyopathy (resolved)", "Dressler syndrome",
               "Brugada pattern on prior ECG")
_PMH = ("HTN", "hypertension", "HLD", "hyperlipidemia", "T2DM", "type 2 diabetes mellitus", "CKD stage 3a",
        "COPD", "OSA on CPAP", "GERD", "hypothyroidism", "BPH", "osteoarthritis", "depression", "anemia",
        "PAD", "prior CVA", "TIA", "obesity (BMI 34)", "gout", "HFrEF", "HFpEF", "paroxysmal AF")
_MEDS = ("metoprolol succinate 25 mg PO daily", "metoprolol tartrate 25 mg PO BID", "atorvastatin 80 mg PO qHS",
         "aspirin 81 mg PO daily", "apixaban 5 mg PO BID", "lisinopril 10 mg daily", "furosemide 40 mg PO BID",
         "clopidogrel 75 mg daily", "ticagrelor 90 mg BID", "metformin 1000 mg BID", "insulin glargine 22 units qHS",
         "spironolactone 25 mg daily", "sacubitril/valsartan 49/51 mg BID", "amlodipine 5 mg daily",
         "levothyroxine 88 mcg daily", "pantoprazole 40 mg daily", "nitroglycerin 0.4 mg SL PRN chest pain",
         "heparin gtt per ACS nomogram", "potassium chloride 20 mEq PO daily", "empagliflozin 10 mg daily",
         "carbidopa/levodopa 25/100 mg TID", "warfarin 5 mg (goal INR 2-3)")
_CC = ("chest pain", "chest pressure", "SOB", "shortness of breath", "palpitations", "syncope", "near-syncope",
       "DOE", "epigastric discomfort", "fatigue", "leg swelling", "dizziness")
_ICD = ("I21.4", "I21.09", "I20.0", "I48.91", "I50.22", "I50.32", "I10", "E11.9", "N18.31", "R07.9", "I25.10",
        "R55", "I44.2", "Z95.0")


def _vitals(c: _Ctx) -> str:
    hr = c.v("heart_rate", 84, 16, 38, 170)
    sbp = c.v("systolic_bp", 136, 22, 70, 230)
    dbp = c.v("diastolic_bp", 80, 12, 40, 130)
    rr = c.v("resp_rate", 18, 3, 10, 36)
    t = c.v("temperature_c", 36.9, 0.4, 35.0, 40.0)
    sp = c.v("spo2", 96, 2.5, 80, 100)
    parts = []
    style = c.rng.randrange(3)
    if sbp is not None and dbp is not None:
        parts.append(("BP {}/{}", "BP: {}/{}", "BP {}/{} mmHg")[style].format(int(sbp), int(dbp)))
    if hr is not None:
        parts.append(("HR {}", "HR: {}", "P {}")[style].format(int(hr)))
    if rr is not None:
        parts.append(("RR {}", "RR: {}", "R {}")[style].format(int(rr)))
    if t is not None:
        parts.append(f"T {t:.1f}C" if style != 2 else f"T {t * 9 / 5 + 32:.1f}F")
    if sp is not None:
        parts.append(f"SpO2 {int(sp)}% {c.pick(('RA', 'on RA', 'on 2L NC', 'room air', ''))}".rstrip())
    return (", " if style == 0 else "  ").join(parts) if parts else "vitals not recorded"


def _labs(c: _Ctx, table: bool = False) -> str:
    vals = [
        ("Trop-hs" if c.chance(0.5) else "hs-TnT", c.v("troponin_ng_l", 30, 40, 2, 5000), "{:.0f} ng/L"),
        ("BNP", c.v("bnp_pg_ml", 250, 300, 5, 5000), "{:.0f}"),
        ("Cr", c.v("creatinine_mg_dl", 1.1, 0.4, 0.4, 8), "{:.2f}"),
        ("K", c.v("potassium_mmol_l", 4.2, 0.4, 2.5, 6.8), "{:.1f}"),
        ("Na", c.v("sodium_mmol_l", 139, 3, 118, 158), "{:.0f}"),
        ("Hgb", c.v("hemoglobin_g_dl", 13, 1.8, 6, 19), "{:.1f}"),
        ("WBC", c.v("wbc_10e9_l", 8, 2.5, 1.5, 30), "{:.1f}"),
    ]
    items = []
    for name, val, fmt in vals:
        if val is None:
            if c.chance(0.3):
                items.append(f"{name} pending")
            continue
        items.append(f"{name} {fmt.format(val)}")
    if not items:
        return "labs pending"
    if table:
        return "\n".join(f"  {it}" for it in items)
    return c.pick((", ", "; ", " | ")).join(items)


def _ecg_text(c: _Ctx) -> str:
    af = c.flag("atrial_fibrillation", 0.15)
    st = c.v("st_deviation_mm", 0.5, 0.8, 0, 6)
    hr = c.v("heart_rate", 84, 16, 38, 170)
    rhythm = "atrial fibrillation" if af else c.pick(("sinus rhythm", "NSR", "sinus tachycardia" if (hr or 0) > 100 else "sinus rhythm"))
    rate = f"{rhythm}{' with RVR' if af and (hr or 0) > 110 else ''}, rate {int(hr) if hr else 'n/a'}"
    if st is not None and st >= 1:
        rate += f", {st:.1f} mm ST elevation in {c.pick(('II, III, aVF', 'V1-V4', 'V2-V5', 'I, aVL'))}"
    elif st is not None and st > 0:
        rate += f", {st:.1f} mm ST depression {c.pick(('V4-V6', 'inferolateral leads', 'II, aVF'))}"
    else:
        rate += ", no acute ST changes"
    return rate


def _pmh(c: _Ctx, b: _Builder, bullet: str) -> None:
    items = list(c.rng.sample(_PMH, c.rng.randint(2, 5)))
    if c.flag("diabetes", 0.3):
        items.append(c.pick(("DM2", "diabetes mellitus type 2, on metformin")))
    if c.flag("prior_mi", 0.2):
        items.append(f"CAD s/p {c.pick(('NSTEMI', 'STEMI', 'MI'))} with PCI to {c.pick(('LAD', 'RCA', 'LCx'))} in {c.rng.randint(1995, c.admit.year - 1)}")
    if c.flag("atrial_fibrillation", 0.15):
        items.append(f"atrial fibrillation, CHA2DS2-VASc {c.rng.randint(2, 7)}, HAS-BLED {c.rng.randint(1, 4)}")
    if c.chance(0.35):
        items.append(c.pick(_EPONYM_PMH))
    if c.chance(0.2):
        items.append(f"CABG x{c.rng.randint(2, 4)} ({c.rng.randint(1990, c.admit.year - 1)})")
    c.rng.shuffle(items)
    for it in items:
        b.t(f"{bullet}{it}\n")


def _meds(c: _Ctx, b: _Builder, bullet: str) -> None:
    for i, m in enumerate(c.rng.sample(_MEDS, c.rng.randint(3, 7)), 1):
        b.t(f"{bullet.format(i=i)}{m}\n")


def _social(c: _Ctx, b: _Builder) -> None:
    r = c.rng.random()
    rel = c.relative()
    if r < 0.5:
        b.f("Lives {with_} {rel} {name} in {city}. ", with_=c.pick(("with", "w/")), rel=str(rel["relation"]),
            name=c.rel_name(rel), city=_ph(str(c.p["city"]), "LOCATION"))
    else:
        b.f("Lives {alone} in {city}, {state}; {rel} ({name}) nearby. ", alone=c.pick(("alone", "independently")),
            city=_ph(str(c.p["city"]), "LOCATION"), state=str(c.p["state"]), rel=str(rel["relation"]),
            name=c.rel_name(rel))
    emp = str(c.p.get("employer") or c.pick(ids.EMPLOYERS))
    emp_seg = emp if emp in ids.GENERIC_EMPLOYERS else _ph(emp, "ORGANIZATION")
    if c.age >= 67:
        b.f("Retired from {emp}. ", emp=emp_seg)
    else:
        b.f("Works {as_} at {emp}. ", as_=c.pick(("full time", "as a driver", "as a teacher", "in maintenance", "part-time")),
            emp=emp_seg)
    py = c.rng.randint(5, 60)
    if c.flag("current_smoker", 0.2):
        b.t(f"Current smoker, {py} pack-years. ")
    else:
        b.t(c.pick((f"Former smoker ({py} pack-years), quit {c.rng.randint(1980, c.admit.year - 1)}. ",
                    "Never smoker. ", "Denies tobacco. ")))
    b.t(c.pick(("EtOH: social. ", "Drinks 1-2 beers/wk. ", "No illicit drugs. ", "Denies EtOH/drug use. ")) + "\n")


def _family(c: _Ctx, b: _Builder) -> None:
    r = c.rng.random()
    if r < 0.45:
        b.f("FHx: {rel} died of MI at age {age}; {rel2} with {dz}.\n", rel=c.pick(("Father", "Mother", "Brother")),
            age=_ph(str(c.rng.randint(44, 88)), "AGE"), rel2=c.pick(("sister", "mother", "father")),
            dz=c.pick(("HTN", "DM", "breast ca", "Parkinson's disease", "Graves' disease")))
    elif r < 0.7:
        b.f("Family history: mother alive at {age}, {dz}.\n", age=_ph(str(c.rng.randint(80, 104)), "AGE"),
            dz=c.pick(("Alzheimer's dementia", "HTN", "AF on warfarin")))
    else:
        b.t("FHx noncontributory.\n")


def _followup(c: _Ctx, b: _Builder) -> None:
    fu = c.disc + _dt.timedelta(days=c.rng.randint(5, 30))
    r = c.rng.random()
    if r < 0.4:
        b.f("F/u with {doc} at {org} on {d} at {hh}:{mm}. Clinic {ph}.\n", doc=c.clin(),
            org=_ph(c.clinic, "ORGANIZATION"), d=c.date(fu), hh=f"{c.rng.randint(8, 16)}",
            mm=c.pick(("00", "15", "30", "45")), ph=c.other_phone())
    elif r < 0.7:
        b.f("Follow up: PCP {doc} ({org}) within 1-2 weeks; cardiology clinic {d}.\n", doc=c.clin(),
            org=_ph(c.pick(ids.PRACTICES), "ORGANIZATION"), d=c.date(fu))
    else:
        b.f("Return to clinic in {n} weeks ({d}). Call {ph} with questions.\n", n=str(c.rng.randint(1, 6)),
            d=c.date(fu), ph=c.other_phone())


def _signature(c: _Ctx, b: _Builder, cred: str = "MD") -> None:
    r = c.rng.random()
    if r < 0.35:
        b.f("\nElectronically signed by: {doc} on {dt}\n", doc=c.clin(c.author, c.pick((1, 7)), cred),
            dt=c.datetime(c.note_date))
    elif r < 0.6:
        b.f("\nDictated by: {doc}\nDictated: {d1}  Transcribed: {d2}\nJob #: {job}\n",
            doc=c.clin(c.author, c.pick((1, 2, 4)), cred), d1=c.date(c.note_date, 1),
            d2=c.date(c.note_date + _dt.timedelta(days=c.rng.randint(0, 2)), 1), job=c.num_id("", 6))
    elif r < 0.8:
        b.f("\n-- {doc}\n{org}\n", doc=c.clin(c.author, c.pick((1, 2, 7)), cred), org=c.facility_seg())
    else:
        b.f("\nSigned: {doc}, pager {pg}\n", doc=_ph(f"{c.author[0][0]}{c.author[1][0]}", "NAME")
            if c.chance(0.3) else _ph(f"{c.author[0]} {c.author[1]}", "NAME"), pg=c.num_id("", 4))


def _header(c: _Ctx, b: _Builder, title: str) -> None:
    r = c.rng.random()
    if r < 0.35:
        b.f("{org}\n{title}\n\nPatient: {name}    {ml}{mrn}\nDOB: {dob}    Age: {age}    Sex: {sex}\n",
            org=c.facility_seg(), title=title.upper(), name=c.pt_name(c.pick((1, 0, 5))), ml=c.mrn_label(),
            mrn=c.mrn(), dob=c.date(c.birth, c.pick((1, 7, 0))), age=_ph(str(c.age), "AGE"), sex=c.sex)
    elif r < 0.6:
        b.f("{title} | {name} | DOB {dob} | {ml}{mrn} | Acct {acct}\n", title=title, name=c.pt_name(c.pick((1, 2))),
            dob=c.date(c.birth, c.pick((1, 0, 4))), ml=c.mrn_label(), mrn=c.mrn(),
            acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    elif r < 0.8:
        b.f("{title}\nName: {name}\n{ml}{mrn}\nEncounter #: {enc}\nLocation: {org}\n", title=title,
            name=c.pt_name(c.pick((0, 1, 5))), ml=c.mrn_label(), mrn=c.mrn(), enc=_ph(c.encounter_id, "ID"),
            org=c.facility_seg())
    else:
        b.f("{title}  ({org})\nPt: {name}  {ml}{mrn}\n", title=title.title(), org=c.facility_seg(),
            name=c.pt_name(c.pick((4, 2, 0))), ml=c.mrn_label(), mrn=c.mrn())


def _registration(c: _Ctx, b: _Builder) -> None:
    """Demographic / registration block, as pasted into many notes (identifier rich)."""
    p = c.p
    b.t(c.pick(("\nDEMOGRAPHICS\n", "\nRegistration info:\n", "\n--- Patient information ---\n", "\n")))
    b.f("Address: {addr}\n", addr=c.location_line())
    if c.chance(0.3):
        b.f("County: {county}\n", county=_ph(str(p["county"]), "LOCATION"))
    b.f("{lab}{ph}", lab=c.pick(("Home phone: ", "Ph: ", "Tel ", "Phone (H): ")), ph=c.phone())
    if p.get("fax") and c.chance(0.7):
        b.f("   Fax: {fx}", fx=c.phone(str(p["fax"]), "FAX"))
    b.t("\n")
    if p.get("email") and c.chance(0.8):
        b.f("Email: {em}\n", em=_ph(str(p["email"]), "EMAIL"))
    if c.chance(0.6):
        b.f("SSN: {ssn}\n", ssn=_ph(str(p["ssn"]) if c.chance(0.8) else str(p["ssn"]).replace("-", ""), "SSN"))
    ins = c.pick(ids.INSURERS)
    b.f("Insurance: {ins}  {lab}{hp}\n", ins=ins, lab=c.pick(("Member ID ", "ID# ", "Subscriber #: ", "MBI ")),
        hp=c.ident("health_plan_id", "HEALTH_PLAN", ids.health_plan_id))
    if c.chance(0.6):
        b.f("{lab}{acct}\n", lab=c.pick(("Account #: ", "Acct: ", "FIN: ", "Billing acct ")),
            acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    if p.get("drivers_license") and c.chance(0.35):
        b.f("Photo ID verified: driver's license {st} {dl}\n", st=str(p["state"]),
            dl=_ph(str(p["drivers_license"]), "LICENSE"))
    if p.get("patient_portal_url") and c.chance(0.5):
        b.f("Portal: {url}\n", url=_ph(str(p["patient_portal_url"]), "URL"))
    rel = c.relative()
    b.f("Emergency contact: {name} ({rel}) {ph}\n", name=c.rel_name(rel), rel=str(rel["relation"]),
        ph=c.phone(str(rel["phone"])))


# --------------------------------------------------------------------------------------------
# note types
# --------------------------------------------------------------------------------------------
def _discharge_summary(c: _Ctx) -> None:
    b = c.b
    _header(c, b, c.pick(("Discharge Summary", "DISCHARGE SUMMARY", "Hospital Course / Discharge Summary")))
    b.f("Admission Date: {a}\nDischarge Date: {d}\nAttending: {att}\n", a=c.date(c.admit, with_year=True),
        d=c.date(c.disc, with_year=True), att=c.clin(c.att, c.pick((1, 4, 7))))
    if c.chance(0.4):
        b.f("PCP: {pcp}, {org} (fax {fx})\n", pcp=c.clin(), org=_ph(c.pick(ids.PRACTICES), "ORGANIZATION"),
            fx=c.other_phone("FAX"))
    if c.chance(0.35):
        _registration(c, b)
    dx = c.pick(("NSTEMI", "STEMI", "unstable angina", "acute on chronic HFrEF", "AF with RVR", "chest pain, ACS ruled out",
                 "symptomatic bradycardia", "syncope"))
    b.f("\nDIAGNOSES:\n1. {dx} ({icd})\n2. {dx2}\n", dx=dx, icd=c.pick(_ICD), dx2=c.pick(_PMH))
    b.f("\nHISTORY OF PRESENT ILLNESS:\n{name} is a {age} {sex} with ", name=c.pt_name(c.pick((0, 3, 8, 5))),
        age=c.age_seg(style=c.pick((0, 4, 1))), sex=c.pick(("woman", "female")) if c.sex == "F" else c.pick(("man", "male")))
    b.t(f"{c.pick(('a history of', 'PMH significant for', 'hx of'))} {c.pick(_PMH)} and {c.pick(_PMH)} who presented "
        f"{c.pick(('to the ED', 'by EMS', 'from home', 'as a transfer'))} with {c.rng.randint(2, 7)} days of {c.pick(_CC)}. ")
    if c.chance(0.5):
        b.f("Transferred from {org} on {d}. ", org=c.org(), d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(0, 1))))
    if c.chance(0.4):
        b.f("Last seen well {d}. ", d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(1, 5)), c.pick((9, 10, 11))))
    b.t(f"Initial vitals: {_vitals(c)}. ECG: {_ecg_text(c)}.\n")
    b.t(c.pick(("\nPAST MEDICAL HISTORY:\n", "\nPMH:\n", "\nPast Medical History\n")))
    _pmh(c, b, c.pick(("- ", "* ", "  ")))
    b.t("\nSOCIAL HISTORY: ")
    _social(c, b)
    _family(c, b)
    b.t("\nHOSPITAL COURSE:\n")
    b.t(f"Admitted to {c.pick(('CCU', 'telemetry', 'the cardiology service', '4 West'))}. Labs: {_labs(c)}. ")
    if c.chance(0.5):
        b.f("Underwent cardiac cath on {d}: {f}. ", d=c.date(c.admit + _dt.timedelta(days=1), c.pick((9, 10, 1, 2))),
            f=c.pick(("80% mid-LAD stenosis, DES x1", "non-obstructive CAD", "100% RCA occlusion, thrombectomy + DES x2",
                      "severe 3VD, CT surgery consulted")))
    if c.chance(0.4):
        b.t(c.pick(("Foley catheter placed for strict I/O, removed HD 2. ", "Swan-Ganz catheter placed for tailored therapy. ",
                    "Glasgow Coma Scale 15 throughout. ", "Echo showed EF 35-40% with LV apical ballooning (Takotsubo?). ",
                    "Holter monitor arranged as outpatient. ", "TIMI risk score 4; GRACE 142. ")))
    b.t(f"Discharged in stable condition on hospital day {(c.disc - c.admit).days + 1}.\n")
    b.t("\nDISCHARGE MEDICATIONS:\n")
    _meds(c, b, c.pick(("{i}. ", "- ", "  ")))
    b.t("\nFOLLOW-UP:\n")
    _followup(c, b)
    if c.p.get("patient_portal_url") and c.chance(0.3):
        b.f("Discharge instructions released to portal ({url}).\n", url=_ph(str(c.p["patient_portal_url"]), "URL"))
    _signature(c, b)


def _progress_note(c: _Ctx) -> None:
    b = c.b
    day = c.note_date if c.e.get("note_date") else c.admit + _dt.timedelta(days=c.rng.randint(0, max(0, (c.disc - c.admit).days)))
    if c.chance(0.5):
        _header(c, b, c.pick(("Cardiology Progress Note", "PROGRESS NOTE", "Hospitalist Progress Note")))
        b.f("Date of service: {d}\n", d=c.date(day, with_year=True))
    else:
        b.f("{title} {d} HD#{n}\n", title=c.pick(("CARDS PN", "Progress note", "Daily progress note -")),
            d=c.date(day, c.pick((1, 2, 10))), n=str((day - c.admit).days + 1))
    b.f("\nS: {name} reports {sym}. ", name=c.pt_ref(initial=True), sym=c.pick(("CP resolved", "mild SOB overnight", "no CP/SOB",
                                                                    "slept poorly", "palpitations x1 overnight")))
    if c.chance(0.4):
        rel = c.relative()
        b.f("{rel} {name} at bedside, updated. ", rel=str(rel["relation"]).capitalize(), name=c.rel_name(rel))
    b.t(f"\nO: {_vitals(c)}\n")
    b.t(c.pick(("Gen: NAD, A&Ox3\n", "Gen: comfortable\n", "GEN: elderly, frail appearing\n")))
    b.t(f"CV: {c.pick(('RRR', 'irreg irreg', 'RRR, 2/6 SEM at RUSB', 'tachy, 3/6 holosystolic murmur at apex'))}; "
        f"JVP {c.rng.randint(6, 14)} cm\n")
    b.t(f"Lungs: {c.pick(('CTAB', 'bibasilar crackles', 'diminished bases'))}  Ext: {c.pick(('no edema', '1+ pitting edema', 'trace edema'))}\n")
    b.t(f"Labs: {_labs(c)}\n")
    if c.chance(0.3):
        b.t(c.pick(("Neuro: Babinski negative, GCS 15.\n", "Positive Levine sign on exam yesterday.\n",
                    "Cheyne-Stokes respirations noted overnight.\n", "Valsalva terminated SVT on tele.\n")))
    b.f("\nA/P: {age} with {dx}, {cls}.\n", age=c.age_seg(style=c.pick((6, 5, 2))),
        dx=c.pick(("NSTEMI", "ADHF", "AF RVR", "CP")), cls=c.pick(("NYHA III", "NYHA class II", "Killip class I")))
    for i in range(c.rng.randint(2, 4)):
        b.t(f"{i + 1}) {c.pick(_MEDS)}; {c.pick(('cont tele', 'trend trop', 'diurese to net -1L', 'PT/OT eval', 'monitor K/Mg'))}\n")
    if c.chance(0.4):
        b.f("Dispo: anticipate d/c to {org} {d}.\n", org=c.org(), d=c.date(c.disc, c.pick((9, 10, 11))))
    _signature(c, b)


def _ed_note(c: _Ctx) -> None:
    b = c.b
    _header(c, b, c.pick(("ED Provider Note", "EMERGENCY DEPARTMENT NOTE", "ED Physician Documentation")))
    b.f("Arrival: {dt}  Mode: {mode}\n", dt=c.datetime(c.admit), mode=c.pick(("EMS", "walk-in", "private vehicle", "ambulance")))
    age_style = c.rng.randrange(8)
    b.f("\nCC: {cc}\nHPI: {age} ", cc=c.pick(_CC), age=c.age_seg(style=age_style))
    if age_style not in (5, 6):
        b.t(c.pick(("F ", "female ", "woman ")) if c.sex == "F" else c.pick(("M ", "male ", "man ")))
    b.t(f"w/ {c.pick(_PMH)}, {c.pick(_PMH)} p/w {c.pick(_CC)} x {c.rng.randint(1, 48)}h. ")
    mva = c.chance(0.25)
    if mva:
        b.t(f"Pt was the {c.pick(('restrained driver', 'driver', 'passenger'))} of a {c.rng.randint(1998, c.admit.year)} "
            f"{c.pick(('Honda Civic', 'Ford F-150', 'Toyota Camry', 'Subaru Outback', 'Chevy Malibu'))} "
            f"involved in a low-speed MVC, possible syncope at the wheel. ")
        if c.p.get("vehicle_plate") or c.chance(0.5):
            b.f("Police report lists plate {pl}", pl=c.ident("vehicle_plate", "VEHICLE", ids.vehicle_plate))
            if c.chance(0.4):
                b.f(", VIN {vin}", vin=_ph(ids.vin(c.rng), "VEHICLE"))
            b.t(". ")
        b.f("Officer {off} (badge {badge}) at bedside. ", off=_ph(" ".join(ids.person_name(c.rng)), "NAME"),
            badge=c.num_id("", 4))
    elif c.chance(0.3):
        rel = c.relative()
        b.f("Brought in by {org} after {rel} {name} called 911. ", org=_ph(c.pick(_EMS), "ORGANIZATION"),
            rel=str(rel["relation"]), name=c.rel_name(rel))
    b.t(f"\n\nROS: {c.pick(('+CP, +diaphoresis, -fever', 'neg except per HPI', '+DOE, +orthopnea, +PND'))}\n")
    b.t(f"PMH: {', '.join(c.rng.sample(_PMH, 3))}{', ' + c.pick(_EPONYM_PMH) if c.chance(0.3) else ''}\n")
    b.t(f"Meds: {'; '.join(c.rng.sample(_MEDS, 3))}\n")
    b.t(f"Allergies: {c.pick(('NKDA', 'PCN (rash)', 'sulfa', 'iodinated contrast - hives'))}\n")
    b.t(f"\nPE: {_vitals(c)}\n{c.pick(('GCS 15', 'Glasgow Coma Scale 15', 'GCS 14 (E4V4M6)'))}. "
        f"{c.pick(('Diaphoretic.', 'NAD.', 'Anxious.'))} Heart {c.pick(('RRR', 'irreg', 'RRR no m/r/g'))}.\n")
    b.t(f"\nECG: {_ecg_text(c)}\nLabs: {_labs(c)}\n")
    b.t(f"HEART score {c.rng.randint(2, 9)}. {c.pick(('Wells score 1.5', 'PERC neg', 'TIMI 3', ''))}\n")
    if c.chance(0.3):
        b.t(c.pick(("Daughter recently delivered; infant Apgar 8/9, pt stressed.\n", "Hx of WPW (Wolff-Parkinson-White) ablated.\n")))
    b.f("\nMDM/Dispo: {plan}. Discussed with {doc} ({svc}).", plan=c.pick(("Admit to cardiology", "Cath lab activated",
                                                                           "Obs for serial trops", "Admit tele")),
        doc=c.clin(c.att), svc=c.pick(("cardiology", "IM", "hospitalist")))
    if c.chance(0.4):
        b.f(" Bed request {dt}.", dt=c.datetime(c.admit))
    b.t("\n")
    if c.chance(0.35):
        b.f("Belongings: wallet w/ driver's license {dl}, phone; given to {rel}.\n",
            dl=c.ident("drivers_license", "LICENSE", ids.drivers_license), rel=c.rel_name(c.relative()))
    _signature(c, b)


def _ecg_report(c: _Ctx) -> None:
    b = c.b
    hr = c.v("heart_rate", 80, 15, 38, 170)
    pr, qrs, qtc = c.v("pr_ms", 165, 25, 100, 320), c.v("qrs_ms", 96, 15, 60, 200), c.v("qtc_ms", 445, 30, 340, 600)
    b.f("{org}  12-LEAD ECG\n{name}   ID:{mrn}   {dt}\n", org=c.facility_seg(), name=c.pt_name(c.pick((1, 7, 2))),
        mrn=c.mrn(), dt=c.datetime(c.note_date))
    b.f("{age} yr  {sex}   Loc:{loc}  Acct:{acct}\n", age=_ph(str(c.age), "AGE"), sex="Female" if c.sex == "F" else "Male",
        loc=c.pick(("ED", "4W", "CCU", "OPC")), acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    b.t(f"Vent. rate {int(hr) if hr else '--'} BPM\n")
    b.t(f"PR interval {int(pr) if pr else '*'} ms\nQRS duration {int(qrs) if qrs else '*'} ms\n")
    b.t(f"QT/QTc {int((qtc or 440) * 0.9)}/{int(qtc) if qtc else '*'} ms (Bazett)\nP-R-T axes {c.rng.randint(-30, 80)} "
        f"{c.rng.randint(-60, 100)} {c.rng.randint(-40, 90)}\n")
    b.t(_ecg_text(c).replace(", rate", "\nRate") + "\n")
    b.t(c.pick(("Abnormal ECG\n", "Borderline ECG\n", "Mobitz I (Wenckebach) second degree AV block\n",
                "Left bundle branch block\n", "Possible Brugada pattern, recommend V1-V2 high leads\n")))
    if c.p.get("device_serial") and c.chance(0.5):
        b.f("A-V paced rhythm; {mfr} device SN {sn}\n", mfr=c.pick(_ECG_MFR), sn=_ph(str(c.p["device_serial"]), "DEVICE"))
    prior = c.note_date - _dt.timedelta(days=c.rng.randint(30, 900))
    b.f("When compared with ECG of {d}\n{chg}\n", d=c.datetime(prior), chg=c.pick(("No significant change",
                                                                                   "ST changes are new", "Rate faster")))
    b.f("Referred by: {ref}   Confirmed by {conf} ({pid}) on {dt}\n", ref=c.clin(c.att, c.pick((3, 6))),
        conf=c.clin(c.author, 3), pid=c.num_id("", c.pick((3, 4, 5))), dt=c.datetime(c.note_date))


def _echo_report(c: _Ctx) -> None:
    b = c.b
    _header(c, b, c.pick(("Transthoracic Echocardiogram Report", "TTE REPORT", "Echocardiography Report")))
    b.f("Study date: {d}   Accession: {acc}\n", d=c.date(c.note_date, with_year=True),
        acc=c.num_id(c.pick(("E", "ECH", "US-", "")), c.pick((7, 8))))
    b.f("Indication: {ind} ({icd})   CPT 93306\nHt {ht} cm  Wt {wt} kg  BP {sbp}/{dbp}\n", ind=c.pick(_CC), icd=c.pick(_ICD),
        ht=str(c.rng.randint(150, 195)), wt=str(c.rng.randint(48, 140)), sbp=str(c.rng.randint(95, 180)),
        dbp=str(c.rng.randint(50, 100)))
    b.f("Sonographer: {son}, RDCS   Referring: {ref}\n", son=_ph(" ".join(ids.person_name(c.rng)), "NAME"),
        ref=c.clin(c.att, c.pick((0, 4, 1))))
    ef = c.rng.choice((20, 25, 30, 35, 40, 45, 50, 55, 60, 65))
    b.t(f"\nFINDINGS:\nLV: {c.pick(('normal size', 'mildly dilated', 'severely dilated'))}; LVEF {ef}-{ef + 5}% by biplane Simpson's.\n")
    b.t(f"Diastolic fx: E/A {c.rng.uniform(0.6, 2.2):.1f}, E/e' {c.rng.randint(6, 22)}, grade {c.pick(('I', 'II', 'III'))}.\n")
    b.t(f"RV: TAPSE {c.rng.uniform(1.0, 2.6):.1f} cm. RVSP {c.rng.randint(22, 65)} mmHg.\n")
    b.t(f"Valves: {c.pick(('mild MR', 'moderate AS, AVA 1.1 cm2, mean gradient 28 mmHg', 'trace TR', 'no significant valvular disease'))}. "
        f"Color Doppler {c.pick(('shows mild MR', 'unremarkable'))}.\n")
    if c.chance(0.3):
        b.t("Agitated saline with Valsalva: no shunt.\n")
    if c.chance(0.4):
        prior = c.note_date - _dt.timedelta(days=c.rng.randint(60, 1500))
        b.f("Compared to prior study {d}: {chg}.\n", d=c.date(prior, c.pick((1, 0, 5, 3))), chg=c.pick(("EF decreased",
                                                                                                      "no change", "improved")))
    b.t(f"\nIMPRESSION:\n1. LVEF {ef}-{ef + 5}%.\n2. {c.pick(('No pericardial effusion.', 'Small effusion.', 'Apical ballooning c/w Takotsubo.'))}\n")
    b.f("\nInterpreting physician: {doc}\nRead {dt}\n", doc=c.clin(c.author, c.pick((1, 4))), dt=c.datetime(c.note_date))
    if c.chance(0.35):
        b.f("Images: {url}\n", url=_ph(f"https://pacs.{c.fac_site}health.org/viewer?study={c.rng.randint(10**6, 10**7)}",
                                       "URL"))


def _referral_letter(c: _Ctx) -> None:
    b = c.b
    b.f("{org}\n{addr}\nTel {ph}  Fax {fx}\n\n{d}\n\n", org=_ph(c.clinic, "ORGANIZATION"),
        addr=[(f"{c.rng.randint(10, 2400)} {c.pick(ids.STREET_NAMES)} {c.pick(ids.STREET_SUFFIXES)}", "LOCATION"),
              (", ", None), (c.pick(ids.SITE_GEOGRAPHY[c.fac_site]["towns"]), "LOCATION")],
        ph=c.other_phone(), fx=c.other_phone("FAX"), d=c.date(c.note_date, c.pick((3, 6, 5))))
    ref_doc = ids.clinician_name(c.rng)
    b.f("{doc}\n{org}\n\nRe: {name}  DOB {dob}\n{ml}{mrn}\n", doc=c.clin(ref_doc, c.pick((1, 5))), org=c.org(),
        name=c.pt_name(c.pick((0, 5, 8))), dob=c.date(c.birth, c.pick((1, 7, 3))), ml=c.mrn_label(), mrn=c.mrn())
    if c.chance(0.5):
        b.f("Address: {addr}\n", addr=c.location_line())
    b.f("\nDear {doc},\n\nThank you for referring {name}, a pleasant {age} {sex} whom I saw in clinic on {d}. ",
        doc=[("Dr. ", None), (ref_doc[1], "NAME")], name=c.pt_name(c.pick((3, 8, 0))), age=c.age_seg(style=c.pick((0, 4))),
        sex="woman" if c.sex == "F" else "gentleman", d=c.date(c.note_date, c.pick((3, 5, 9, 11))))
    b.t(f"As you know, {c.pronoun.lower()} has {c.pick(_PMH)} and {c.pick(_EPONYM_PMH) if c.chance(0.4) else c.pick(_PMH)}. "
        f"{c.pronoun} reports {c.pick(_CC)} on exertion, {c.pick(('NYHA II', 'NYHA class III', 'NYHA I-II'))}. ")
    if c.chance(0.5):
        b.f("{pr} had a stress test ({proto}) at {org} in {y}. ", pr=c.pronoun, proto=c.pick(("Bruce protocol", "Lexiscan")),
            org=c.org(), y=str(c.rng.randint(2010, c.admit.year)))
    b.t(f"\n\nOn examination {_vitals(c)}. {c.pick(('There is a 2/6 ejection systolic murmur.', 'Heart sounds normal.', 'Irregularly irregular pulse.'))}\n")
    b.t(f"Recent results: {_labs(c)}.\n\n")
    b.t(f"Plan:\n- {c.pick(_MEDS)}\n- {c.pick(('Holter monitor for 48 h', 'TTE', 'coronary CTA', 'stress echo', 'event monitor'))}\n")
    if c.chance(0.5):
        fu = c.note_date + _dt.timedelta(days=c.rng.randint(14, 120))
        b.f("- review in clinic {d}\n", d=c.date(fu, c.pick((3, 6, 1))))
    if c.p.get("email") and c.chance(0.35):
        b.f("{pr} prefers contact by email ({em}) or phone {ph}.\n", pr=c.pronoun, em=_ph(str(c.p["email"]), "EMAIL"),
            ph=c.phone())
    if c.chance(0.4):
        b.f("Referral tracking: {url}\n", url=_ph(f"https://referrals.{c.fac_site}health.org/r/{c.rng.randint(10**5, 10**6)}", "URL"))
    b.f("\nYours sincerely,\n\n{doc}\nConsultant Cardiologist\nMedical License #: {lic}  NPI {npi}\n",
        doc=c.clin(c.author, c.pick((1, 7))), lic=_ph(ids.medical_license(c.rng), "LICENSE"), npi=_ph(ids.npi(c.rng), "ID"))
    b.f("cc: {pcp}; patient\n", pcp=c.clin(None, 0))


def _nursing_note(c: _Ctx) -> None:
    b = c.b
    when = c.note_date if c.e.get("note_date") else c.admit + _dt.timedelta(days=c.rng.randint(0, max(0, (c.disc - c.admit).days)))
    b.f("{title} {dt}\n", title=c.pick(("NURSING NOTE", "RN Shift Assessment", "Nursing Progress Note -", "Nsg note")),
        dt=c.datetime(when))
    b.f("Pt: {name}  {ml}{mrn}  Rm {rm}\n", name=c.pt_name(c.pick((1, 2, 4))), ml=c.mrn_label(), mrn=c.mrn(),
        rm=f"{c.rng.randint(2, 9)}{c.pick('ABCDEFW')}-{c.rng.randint(1, 30)}")
    b.t(f"Neuro: A&Ox{c.pick(('3', '4', '2'))}, {c.pick(('GCS 15', 'Glasgow Coma Scale 14', 'follows commands'))}.\n")
    b.t(f"CV: {c.pick(('SR 70s', 'AF 90-110s', 'ST 100s', 'paced'))} on tele. {_vitals(c)}.\n")
    b.t(f"GU: {c.pick(('Foley catheter draining clear yellow urine', 'voiding in urinal', 'Foley d/c at 0600, DTV'))}.\n")
    b.t(f"Meds: {c.pick(_MEDS)} given as ordered. {c.pick(('Heparin gtt at 12 units/kg/h', 'K 20 mEq PO given', 'Held metoprolol for HR 52'))}.\n")
    rel = c.relative()
    b.f("Psychosocial: {rel} {name} visited, phone {ph}; {extra}.\n", rel=str(rel["relation"]), name=c.rel_name(rel),
        ph=c.phone(str(rel["phone"])), extra=c.pick(("updated on POC", "questions answered", "requests call from MD")))
    if c.chance(0.4):
        b.f("Pt's car ({make}, plate {pl}) moved from ED lot to {lot} by security.\n",
            make=c.pick(("grey sedan", "red pickup", "blue SUV", "white minivan")),
            pl=c.ident("vehicle_plate", "VEHICLE", ids.vehicle_plate), lot=c.pick(("garage B", "visitor lot", "Lot C")))
    if c.chance(0.25):
        b.f("Valuables: {n} items, license # {dl}, sent to security envelope {env}.\n", n=str(c.rng.randint(1, 5)),
            dl=c.ident("drivers_license", "LICENSE", ids.drivers_license), env=c.num_id("", 6))
    if c.age > 85 and c.chance(0.5):
        b.t("Fall risk high (Morse 55); bed alarm on. Hx Parkinson's disease per daughter.\n")
    if c.chance(0.2):
        b.t("Pt asked about grandchild's Apgar scores; reassured.\n")
    b.f("{nurse}, RN\n", nurse=_ph(f"{c.author[0]} {c.author[1]}" if c.chance(0.6) else f"{c.author[0][0]}. {c.author[1]}", "NAME"))


def _device_clinic_note(c: _Ctx) -> None:
    b = c.b
    _header(c, b, c.pick(("Device Clinic - Remote Interrogation", "PACEMAKER/ICD CHECK", "Device Interrogation Report")))
    serial = str(c.p.get("device_serial") or ids.device_serial(c.rng))
    dev = c.pick(_DEVICES)
    b.f("Device: {mfr} {dev}, implanted {d} at {org}\nSerial #: {sn}\n", mfr=c.pick(_ECG_MFR), dev=dev,
        d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(200, 3000)), c.pick((1, 0, 3, 4))), org=c.facility_seg(), sn=_ph(serial, "DEVICE"))
    if c.chance(0.5):
        b.f("RA lead SN {s1}; RV lead SN {s2}\n", s1=_ph(ids.device_serial(c.rng), "DEVICE"), s2=_ph(ids.device_serial(c.rng), "DEVICE"))
    b.f("Transmission received {dt} from home monitor (IP {ip}).\n", dt=c.datetime(c.note_date),
        ip=c.ident("ip_address", "IP", ids.ip_address))
    b.t(f"Battery {c.rng.uniform(2.6, 3.1):.2f} V ({c.rng.randint(2, 12)} yrs). Pacing: A {c.rng.randint(1, 99)}% V {c.rng.randint(1, 99)}%.\n")
    b.t(f"Events: {c.pick(('none', '3 AHRE episodes, longest 4 min', '1 VT episode treated with ATP', 'NSVT x2'))}. "
        f"AF burden {c.rng.randint(0, 40)}%.\n")
    if c.chance(0.4):
        b.t(f"Holter monitor correlation pending. {c.pick(('CHA2DS2-VASc 3', 'CHA2DS2-VASc score: 5'))} - on apixaban 5 mg BID.\n")
    b.f("Plan: next remote {d}. Pt {name} notified via {chan}.\n", d=c.date(c.note_date + _dt.timedelta(days=91), c.pick((1, 0, 5))),
        name=c.pt_name(c.pick((3, 0, 6))), chan=c.pick(("phone", "portal", "letter")))
    if c.p.get("patient_portal_url") and c.chance(0.5):
        b.f("Report available at {url}\n", url=_ph(str(c.p["patient_portal_url"]), "URL"))
    _signature(c, b, c.pick(("MD", "NP", "CCDS")))


def _telephone_note(c: _Ctx) -> None:
    b = c.b
    if c.chance(0.5):
        caller = c.pt_name(c.pick((0, 2))) + [(" (self)", None)]
    else:
        rel = c.relative()
        caller = c.rel_name(rel) + [(f" ({rel['relation']})", None)]
    b.f("{title}\nDate/time: {dt}\nCaller: {caller}   Call back #: {ph}\n",
        title=c.pick(("TELEPHONE ENCOUNTER", "Telehealth Visit", "Phone note", "Virtual visit (video)")),
        dt=c.datetime(c.note_date), caller=caller, ph=c.phone())
    b.f("{ml}{mrn}   DOB: {dob}\n", ml=c.mrn_label(), mrn=c.mrn(), dob=c.date(c.birth, c.pick((1, 7, 0, 2))))
    if c.chance(0.5):
        b.f("Video visit; patient connected from IP {ip} at home ({city}).\n", ip=c.ident("ip_address", "IP", ids.ip_address),
            city=_ph(str(c.p["city"]), "LOCATION"))
    b.f("\n{name} called re: {iss}. ", name=c.pt_ref(initial=True), iss=c.pick(("BP readings at home 150s/90s", "missed dose of apixaban",
                                                                      "ankle swelling", "refill of metoprolol 25 mg",
                                                                      "insurance prior auth for sacubitril/valsartan")))
    b.t(f"Home vitals: {_vitals(c)}. {c.pick(('Denies CP/SOB.', 'Reports mild DOE.', 'Weight up 3 lb.'))}\n")
    if c.chance(0.4):
        b.f("Prior auth submitted to {ins}, member {hp}, ref #{ref}.\n", ins=c.pick(ids.INSURERS),
            hp=c.ident("health_plan_id", "HEALTH_PLAN", ids.health_plan_id), ref=c.num_id("PA", 8))
    if c.chance(0.3):
        b.f("Pharmacy: {org}, fax {fx}.\n", org=_ph(c.pick(ids.PHARMACIES), "ORGANIZATION"), fx=c.other_phone("FAX"))
    if c.p.get("email") and c.chance(0.4):
        b.f("Education materials emailed to {em}.\n", em=_ph(str(c.p["email"]), "EMAIL"))
    if c.chance(0.3):
        b.f("SSN verified for billing (last 4 {l4}).\n", l4=_ph(str(c.p["ssn"])[-4:], "SSN"))
    b.f("Plan: {plan}. Next appt {d}.\n", plan=c.pick(("increase furosemide to 40 mg BID x3 days", "continue current meds",
                                                       "labs (BMP) this week", "ED if CP")),
        d=c.date(c.note_date + _dt.timedelta(days=c.rng.randint(3, 40)), c.pick((9, 10, 11, 1))))
    b.f("{who}\n", who=c.clin(c.author, c.pick((1, 2)), c.pick(("RN", "MD", "NP", "PA-C"))))


_BUILDERS = {
    "discharge_summary": _discharge_summary,
    "progress_note": _progress_note,
    "ed_note": _ed_note,
    "ecg_report": _ecg_report,
    "echo_report": _echo_report,
    "referral_letter": _referral_letter,
    "nursing_note": _nursing_note,
    "device_clinic_note": _device_clinic_note,
    "telephone_note": _telephone_note,
}


def _surface(c: _Ctx, text: str, note_type: str) -> str:
    """Length-preserving surface variation: all caps (old ECG carts/dictation) or hard wrapping."""
    r = c.rng.random()
    if (note_type == "ecg_report" and r < 0.5) or r < 0.04:
        up = text.upper()
        if len(up) == len(text):
            text = up
    elif note_type in ("referral_letter", "nursing_note", "discharge_summary") and r < 0.3:
        width = c.rng.randint(60, 90)
        chars = list(text)
        col = 0
        for i, ch in enumerate(chars):
            if ch == "\n":
                col = 0
                continue
            col += 1
            if col > width and ch == " ":
                chars[i] = "\n"
                col = 0
        text = "".join(chars)
    return text


def _known_identifiers(c: _Ctx) -> dict[str, list[str]]:
    p = c.p
    out: dict[str, list[str]] = {"name": [f"{c.first} {c.last}", c.first, c.last]}
    for kind, key in (("birth_date", "birth_date"), ("mrn", "mrn"), ("ssn", "ssn"), ("phone", "phone"), ("fax", "fax"),
                      ("email", "email"), ("health_plan_id", "health_plan_id"), ("account_number", "account_number"),
                      ("drivers_license", "drivers_license"), ("vehicle_plate", "vehicle_plate"),
                      ("device_serial", "device_serial"), ("url", "patient_portal_url"), ("ip_address", "ip_address"),
                      ("street_address", "street_address"), ("city", "city"), ("county", "county"), ("zip", "zip")):
        val = p.get(key)
        if val:
            out[kind] = [str(val)]
    return out


def generate_note(patient: Mapping[str, Any], encounter: Mapping[str, Any], rng: random.Random, note_id: str,
                  note_type: str | None = None) -> AnnotatedNote:
    """One annotated note about ``patient`` during ``encounter``.

    ``patient`` uses the encounters.csv identifier keys (``patient_name`` or ``first_name``/``last_name``,
    ``mrn``, ``birth_date``, ``phone``, ...; optional ``relatives``, ``employer``); ``encounter`` uses
    ``encounter_id``, ``admit_date``, ``discharge_date``, ``attending_clinician``, ``facility_name``,
    ``site_id``, the clinical feature columns and optionally ``note_date`` and ``author``.  Missing
    identifiers are drawn from ``rng``; clinical values present in ``encounter`` are used verbatim
    (an empty value means missing).
    """
    if note_type is None:
        note_type = rng.choice(NOTE_TYPES)
    if note_type not in _BUILDERS:
        raise ValueError(f"unknown note_type {note_type!r}; expected one of {NOTE_TYPES}")
    c = _Ctx(patient, encounter, rng)
    _BUILDERS[note_type](c)
    text = _surface(c, c.b.text(), note_type)
    spans = tuple(sorted(c.b.spans, key=lambda s: (s.start, s.end)))
    return AnnotatedNote(note_id=note_id, text=text, spans=spans, known_identifiers=_known_identifiers(c))


def generate_benchmark_corpus(n_notes: int = 1000, seed: int = 11) -> list[AnnotatedNote]:
    """A balanced corpus over all note types (note ``i`` has type ``NOTE_TYPES[i % 9]``)."""
    rng = random.Random(seed)
    notes = []
    for i in range(n_notes):
        site = rng.choice(tuple(ids.SITE_GEOGRAPHY) + (None,))
        admit = _dt.date(2019, 1, 1) + _dt.timedelta(days=rng.randint(0, 5 * 365 - 1))
        patient = ids.make_patient(rng, site, ref_date=admit, restricted_zip=rng.random() < 0.05)
        encounter = {
            "encounter_id": f"{rng.randint(10**7, 10**8 - 1)}",
            "site_id": site,
            "admit_date": admit.isoformat(),
            "discharge_date": (admit + _dt.timedelta(days=rng.randint(0, 8))).isoformat(),
            "attending_clinician": " ".join(ids.clinician_name(rng)),
        }
        note_type = NOTE_TYPES[i % len(NOTE_TYPES)]
        if note_type == "nursing_note":
            encounter["author"] = " ".join(ids.clinician_name(rng))
        notes.append(generate_note(patient, encounter, rng, f"bench-{i:05d}", note_type))
    return notes


def write_benchmark_files(notes: Iterable[AnnotatedNote], input_path: str | Path, gold_path: str | Path) -> None:
    """input: {"id","text","known_identifiers"} per line; gold: {"id","spans":[{"start","end","type"}]} per line."""
    input_path, gold_path = Path(input_path), Path(gold_path)
    input_path.parent.mkdir(parents=True, exist_ok=True)
    gold_path.parent.mkdir(parents=True, exist_ok=True)
    with input_path.open("w", encoding="utf-8") as fin, gold_path.open("w", encoding="utf-8") as fgold:
        for n in notes:
            fin.write(json.dumps({"id": n.note_id, "text": n.text, "known_identifiers": n.known_identifiers},
                                 ensure_ascii=False, sort_keys=True) + "\n")
            fgold.write(json.dumps({"id": n.note_id, "spans": [{"start": s.start, "end": s.end, "type": s.type}
                                                               for s in n.spans]}, sort_keys=True) + "\n")
