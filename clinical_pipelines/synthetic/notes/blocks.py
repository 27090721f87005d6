"""Clinical content blocks shared by the note templates: vocabularies (history, medications, complaints,
ICD-10 codes, devices), vitals, labs, ECG text, history sections, headers, signatures and registration blocks."""

from __future__ import annotations

import datetime as _dt

from clinical_pipelines.synthetic import identities as ids
from clinical_pipelines.synthetic.notes.annotation import SpanBuilder, ph
from clinical_pipelines.synthetic.notes.context import NoteContext

EMS_SERVICES = ("County EMS", "Eastport Fire Department", "Granite State Ambulance", "Tri-Town Rescue Squad",
        "Lakeshore Ambulance Service", "Hudson Valley EMS")
DEVICE_MAKERS = ("Medtronic", "Boston Scientific", "Abbott", "Biotronik")
DEVICES = ("dual-chamber pacemaker", "single-chamber ICD", "CRT-D", "dual-chamber ICD", "leadless pacemaker",
            "implantable loop recorder", "CRT-P")
EPONYM_PMH = ("Parkinson's disease", "Graves' disease", "Wolff-Parkinson-White s/p ablation",
               "Hashimoto's thyroiditis", "Raynaud's phenomenon", "Barrett's esophagus", "Crohn's disease",
               "Alzheimer's dementia, mild", "Takotsubo cardiomyopathy (resolved)", "Dressler syndrome",
               "Brugada pattern on prior ECG")
PMH = ("HTN", "hypertension", "HLD", "hyperlipidemia", "T2DM", "type 2 diabetes mellitus", "CKD stage 3a",
        "COPD", "OSA on CPAP", "GERD", "hypothyroidism", "BPH", "osteoarthritis", "depression", "anemia",
        "PAD", "prior CVA", "TIA", "obesity (BMI 34)", "gout", "HFrEF", "HFpEF", "paroxysmal AF")
MEDS = ("metoprolol succinate 25 mg PO daily", "metoprolol tartrate 25 mg PO BID", "atorvastatin 80 mg PO qHS",
         "aspirin 81 mg PO daily", "apixaban 5 mg PO BID", "lisinopril 10 mg daily", "furosemide 40 mg PO BID",
         "clopidogrel 75 mg daily", "ticagrelor 90 mg BID", "metformin 1000 mg BID", "insulin glargine 22 units qHS",
         "spironolactone 25 mg daily", "sacubitril/valsartan 49/51 mg BID", "amlodipine 5 mg daily",
         "levothyroxine 88 mcg daily", "pantoprazole 40 mg daily", "nitroglycerin 0.4 mg SL PRN chest pain",
         "heparin gtt per ACS nomogram", "potassium chloride 20 mEq PO daily", "empagliflozin 10 mg daily",
         "carbidopa/levodopa 25/100 mg TID", "warfarin 5 mg (goal INR 2-3)")
COMPLAINTS = ("chest pain", "chest pressure", "SOB", "shortness of breath", "palpitations", "syncope", "near-syncope",
       "DOE", "epigastric discomfort", "fatigue", "leg swelling", "dizziness")
ICD_CODES = ("I21.4", "I21.09", "I20.0", "I48.91", "I50.22", "I50.32", "I10", "E11.9", "N18.31", "R07.9", "I25.10",
        "R55", "I44.2", "Z95.0")


def vitals(c: NoteContext) -> str:
    """Vital signs (BP, HR, RR, temperature in C or F, SpO2) in one of three charting styles; values from the
    encounter row or drawn once per note.
    """
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


def labs(c: NoteContext, table: bool = False) -> str:
    """Cardiac lab results (troponin ng/L, BNP pg/mL, creatinine mg/dL, K and Na mmol/L, Hgb g/dL, WBC 10^9/L) on
    one line, or one per line with ``table``.
    """
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


def ecg_text(c: NoteContext) -> str:
    """ECG rhythm, rate and ST-segment finding (mm) as one phrase."""
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


def pmh_block(c: NoteContext, b: SpanBuilder, bullet: str) -> None:
    """Past medical history items, one per line after ``bullet``."""
    items = list(c.rng.sample(PMH, c.rng.randint(2, 5)))
    if c.flag("diabetes", 0.3):
        items.append(c.pick(("DM2", "diabetes mellitus type 2, on metformin")))
    if c.flag("prior_mi", 0.2):
        items.append(f"CAD s/p {c.pick(('NSTEMI', 'STEMI', 'MI'))} with PCI to {c.pick(('LAD', 'RCA', 'LCx'))} in {c.rng.randint(1995, c.admit.year - 1)}")
    if c.flag("atrial_fibrillation", 0.15):
        items.append(f"atrial fibrillation, CHA2DS2-VASc {c.rng.randint(2, 7)}, HAS-BLED {c.rng.randint(1, 4)}")
    if c.chance(0.35):
        items.append(c.pick(EPONYM_PMH))
    if c.chance(0.2):
        items.append(f"CABG x{c.rng.randint(2, 4)} ({c.rng.randint(1990, c.admit.year - 1)})")
    c.rng.shuffle(items)
    for it in items:
        b.t(f"{bullet}{it}\n")


def meds_block(c: NoteContext, b: SpanBuilder, bullet: str) -> None:
    """3-7 medication lines; ``bullet`` may contain ``{i}`` for the item number."""
    for i, m in enumerate(c.rng.sample(MEDS, c.rng.randint(3, 7)), 1):
        b.t(f"{bullet.format(i=i)}{m}\n")


def social_block(c: NoteContext, b: SpanBuilder) -> None:
    """Social history: household (relative's name, city), employer, tobacco (pack-years) and alcohol."""
    r = c.rng.random()
    rel = c.relative()
    if r < 0.5:
        b.f("Lives {with_} {rel} {name} in {city}. ", with_=c.pick(("with", "w/")), rel=str(rel["relation"]),
            name=c.rel_name(rel), city=ph(str(c.p["city"]), "LOCATION"))
    else:
        b.f("Lives {alone} in {city}, {state}; {rel} ({name}) nearby. ", alone=c.pick(("alone", "independently")),
            city=ph(str(c.p["city"]), "LOCATION"), state=str(c.p["state"]), rel=str(rel["relation"]),
            name=c.rel_name(rel))
    emp = str(c.p.get("employer") or c.pick(ids.EMPLOYERS))
    emp_seg = emp if emp in ids.GENERIC_EMPLOYERS else ph(emp, "ORGANIZATION")
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


def family_block(c: NoteContext, b: SpanBuilder) -> None:
    """Family history with relatives' ages (labelled AGE)."""
    r = c.rng.random()
    if r < 0.45:
        b.f("FHx: {rel} died of MI at age {age}; {rel2} with {dz}.\n", rel=c.pick(("Father", "Mother", "Brother")),
            age=ph(str(c.rng.randint(44, 88)), "AGE"), rel2=c.pick(("sister", "mother", "father")),
            dz=c.pick(("HTN", "DM", "breast ca", "Parkinson's disease", "Graves' disease")))
    elif r < 0.7:
        b.f("Family history: mother alive at {age}, {dz}.\n", age=ph(str(c.rng.randint(80, 104)), "AGE"),
            dz=c.pick(("Alzheimer's dementia", "HTN", "AF on warfarin")))
    else:
        b.t("FHx noncontributory.\n")


def followup_block(c: NoteContext, b: SpanBuilder) -> None:
    """Follow-up appointment with clinician, organisation, date and phone."""
    fu = c.disc + _dt.timedelta(days=c.rng.randint(5, 30))
    r = c.rng.random()
    if r < 0.4:
        b.f("F/u with {doc} at {org} on {d} at {hh}:{mm}. Clinic {ph}.\n", doc=c.clin(),
            org=ph(c.clinic, "ORGANIZATION"), d=c.date(fu), hh=f"{c.rng.randint(8, 16)}",
            mm=c.pick(("00", "15", "30", "45")), ph=c.other_phone())
    elif r < 0.7:
        b.f("Follow up: PCP {doc} ({org}) within 1-2 weeks; cardiology clinic {d}.\n", doc=c.clin(),
            org=ph(c.pick(ids.PRACTICES), "ORGANIZATION"), d=c.date(fu))
    else:
        b.f("Return to clinic in {n} weeks ({d}). Call {ph} with questions.\n", n=str(c.rng.randint(1, 6)),
            d=c.date(fu), ph=c.other_phone())


def signature(c: NoteContext, b: SpanBuilder, cred: str = "MD") -> None:
    """Author signature block (electronic, dictation with job number, plain or pager)."""
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
        b.f("\nSigned: {doc}, pager {pg}\n", doc=ph(f"{c.author[0][0]}{c.author[1][0]}", "NAME")
            if c.chance(0.3) else ph(f"{c.author[0]} {c.author[1]}", "NAME"), pg=c.num_id("", 4))


def header(c: NoteContext, b: SpanBuilder, title: str) -> None:
    """Note header with ``title``, patient name, MRN and one of DOB/age, account or encounter number."""
    r = c.rng.random()
    if r < 0.35:
        b.f("{org}\n{title}\n\nPatient: {name}    {ml}{mrn}\nDOB: {dob}    Age: {age}    Sex: {sex}\n",
            org=c.facility_seg(), title=title.upper(), name=c.pt_name(c.pick((1, 0, 5))), ml=c.mrn_label(),
            mrn=c.mrn(), dob=c.date(c.birth, c.pick((1, 7, 0))), age=ph(str(c.age), "AGE"), sex=c.sex)
    elif r < 0.6:
        b.f("{title} | {name} | DOB {dob} | {ml}{mrn} | Acct {acct}\n", title=title, name=c.pt_name(c.pick((1, 2))),
            dob=c.date(c.birth, c.pick((1, 0, 4))), ml=c.mrn_label(), mrn=c.mrn(),
            acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    elif r < 0.8:
        b.f("{title}\nName: {name}\n{ml}{mrn}\nEncounter #: {enc}\nLocation: {org}\n", title=title,
            name=c.pt_name(c.pick((0, 1, 5))), ml=c.mrn_label(), mrn=c.mrn(), enc=ph(c.encounter_id, "ID"),
            org=c.facility_seg())
    else:
        b.f("{title}  ({org})\nPt: {name}  {ml}{mrn}\n", title=title.title(), org=c.facility_seg(),
            name=c.pt_name(c.pick((4, 2, 0))), ml=c.mrn_label(), mrn=c.mrn())


def registration_block(c: NoteContext, b: SpanBuilder) -> None:
    """Demographic / registration block, as pasted into many notes (identifier rich)."""
    p = c.p
    b.t(c.pick(("\nDEMOGRAPHICS\n", "\nRegistration info:\n", "\n--- Patient information ---\n", "\n")))
    b.f("Address: {addr}\n", addr=c.location_line())
    if c.chance(0.3):
        b.f("County: {county}\n", county=ph(str(p["county"]), "LOCATION"))
    b.f("{lab}{ph}", lab=c.pick(("Home phone: ", "Ph: ", "Tel ", "Phone (H): ")), ph=c.phone())
    if p.get("fax") and c.chance(0.7):
        b.f("   Fax: {fx}", fx=c.phone(str(p["fax"]), "FAX"))
    b.t("\n")
    if p.get("email") and c.chance(0.8):
        b.f("Email: {em}\n", em=ph(str(p["email"]), "EMAIL"))
    if c.chance(0.6):
        b.f("SSN: {ssn}\n", ssn=ph(str(p["ssn"]) if c.chance(0.8) else str(p["ssn"]).replace("-", ""), "SSN"))
    ins = c.pick(ids.INSURERS)
    b.f("Insurance: {ins}  {lab}{hp}\n", ins=ins, lab=c.pick(("Member ID ", "ID# ", "Subscriber #: ", "MBI ")),
        hp=c.ident("health_plan_id", "HEALTH_PLAN", ids.health_plan_id))
    if c.chance(0.6):
        b.f("{lab}{acct}\n", lab=c.pick(("Account #: ", "Acct: ", "FIN: ", "Billing acct ")),
            acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    if p.get("drivers_license") and c.chance(0.35):
        b.f("Photo ID verified: driver's license {st} {dl}\n", st=str(p["state"]),
            dl=ph(str(p["drivers_license"]), "LICENSE"))
    if p.get("patient_portal_url") and c.chance(0.5):
        b.f("Portal: {url}\n", url=ph(str(p["patient_portal_url"]), "URL"))
    rel = c.relative()
    b.f("Emergency contact: {name} ({rel}) {ph}\n", name=c.rel_name(rel), rel=str(rel["relation"]),
        ph=c.phone(str(rel["phone"])))
