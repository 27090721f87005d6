"""Note templates, one builder per note type (``NOTE_TYPES``): each writes one note into the context's
span builder."""

from __future__ import annotations

import datetime as _dt

from clinical_pipelines.synthetic import identities as ids
from clinical_pipelines.synthetic.notes.annotation import ph
from clinical_pipelines.synthetic.notes.blocks import (COMPLAINTS, DEVICE_MAKERS, DEVICES, EMS_SERVICES, EPONYM_PMH,
                                                       ICD_CODES, MEDS, PMH, ecg_text, family_block, followup_block,
                                                       header, labs, meds_block, pmh_block, registration_block,
                                                       signature, social_block, vitals)
from clinical_pipelines.synthetic.notes.context import NoteContext


def discharge_summary(c: NoteContext) -> None:
    """Discharge summary: diagnoses, HPI, history sections, hospital course, medications, follow-up."""
    b = c.b
    header(c, b, c.pick(("Discharge Summary", "DISCHARGE SUMMARY", "Hospital Course / Discharge Summary")))
    b.f("Admission Date: {a}\nDischarge Date: {d}\nAttending: {att}\n", a=c.date(c.admit, with_year=True),
        d=c.date(c.disc, with_year=True), att=c.clin(c.att, c.pick((1, 4, 7))))
    if c.chance(0.4):
        b.f("PCP: {pcp}, {org} (fax {fx})\n", pcp=c.clin(), org=ph(c.pick(ids.PRACTICES), "ORGANIZATION"),
            fx=c.other_phone("FAX"))
    if c.chance(0.35):
        registration_block(c, b)
    dx = c.pick(("NSTEMI", "STEMI", "unstable angina", "acute on chronic HFrEF", "AF with RVR", "chest pain, ACS ruled out",
                 "symptomatic bradycardia", "syncope"))
    b.f("\nDIAGNOSES:\n1. {dx} ({icd})\n2. {dx2}\n", dx=dx, icd=c.pick(ICD_CODES), dx2=c.pick(PMH))
    b.f("\nHISTORY OF PRESENT ILLNESS:\n{name} is a {age} {sex} with ", name=c.pt_name(c.pick((0, 3, 8, 5))),
        age=c.age_seg(style=c.pick((0, 4, 1))), sex=c.pick(("woman", "female")) if c.sex == "F" else c.pick(("man", "male")))
    b.t(f"{c.pick(('a history of', 'PMH significant for', 'hx of'))} {c.pick(PMH)} and {c.pick(PMH)} who presented "
        f"{c.pick(('to the ED', 'by EMS', 'from home', 'as a transfer'))} with {c.rng.randint(2, 7)} days of {c.pick(COMPLAINTS)}. ")
    if c.chance(0.5):
        b.f("Transferred from {org} on {d}. ", org=c.org(), d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(0, 1))))
    if c.chance(0.4):
        b.f("Last seen well {d}. ", d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(1, 5)), c.pick((9, 10, 11))))
    b.t(f"Initial vitals: {vitals(c)}. ECG: {ecg_text(c)}.\n")
    b.t(c.pick(("\nPAST MEDICAL HISTORY:\n", "\nPMH:\n", "\nPast Medical History\n")))
    pmh_block(c, b, c.pick(("- ", "* ", "  ")))
    b.t("\nSOCIAL HISTORY: ")
    social_block(c, b)
    family_block(c, b)
    b.t("\nHOSPITAL COURSE:\n")
    b.t(f"Admitted to {c.pick(('CCU', 'telemetry', 'the cardiology service', '4 West'))}. Labs: {labs(c)}. ")
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
    meds_block(c, b, c.pick(("{i}. ", "- ", "  ")))
    b.t("\nFOLLOW-UP:\n")
    followup_block(c, b)
    if c.p.get("patient_portal_url") and c.chance(0.3):
        b.f("Discharge instructions released to portal ({url}).\n", url=ph(str(c.p["patient_portal_url"]), "URL"))
    signature(c, b)


def progress_note(c: NoteContext) -> None:
    """Inpatient SOAP progress note for one hospital day."""
    b = c.b
    day = c.note_date if c.e.get("note_date") else c.admit + _dt.timedelta(days=c.rng.randint(0, max(0, (c.disc - c.admit).days)))
    if c.chance(0.5):
        header(c, b, c.pick(("Cardiology Progress Note", "PROGRESS NOTE", "Hospitalist Progress Note")))
        b.f("Date of service: {d}\n", d=c.date(day, with_year=True))
    else:
        b.f("{title} {d} HD#{n}\n", title=c.pick(("CARDS PN", "Progress note", "Daily progress note -")),
            d=c.date(day, c.pick((1, 2, 10))), n=str((day - c.admit).days + 1))
    b.f("\nS: {name} reports {sym}. ", name=c.pt_ref(initial=True), sym=c.pick(("CP resolved", "mild SOB overnight", "no CP/SOB",
                                                                    "slept poorly", "palpitations x1 overnight")))
    if c.chance(0.4):
        rel = c.relative()
        b.f("{rel} {name} at bedside, updated. ", rel=str(rel["relation"]).capitalize(), name=c.rel_name(rel))
    b.t(f"\nO: {vitals(c)}\n")
    b.t(c.pick(("Gen: NAD, A&Ox3\n", "Gen: comfortable\n", "GEN: elderly, frail appearing\n")))
    b.t(f"CV: {c.pick(('RRR', 'irreg irreg', 'RRR, 2/6 SEM at RUSB', 'tachy, 3/6 holosystolic murmur at apex'))}; "
        f"JVP {c.rng.randint(6, 14)} cm\n")
    b.t(f"Lungs: {c.pick(('CTAB', 'bibasilar crackles', 'diminished bases'))}  Ext: {c.pick(('no edema', '1+ pitting edema', 'trace edema'))}\n")
    b.t(f"Labs: {labs(c)}\n")
    if c.chance(0.3):
        b.t(c.pick(("Neuro: Babinski negative, GCS 15.\n", "Positive Levine sign on exam yesterday.\n",
                    "Cheyne-Stokes respirations noted overnight.\n", "Valsalva terminated SVT on tele.\n")))
    b.f("\nA/P: {age} with {dx}, {cls}.\n", age=c.age_seg(style=c.pick((6, 5, 2))),
        dx=c.pick(("NSTEMI", "ADHF", "AF RVR", "CP")), cls=c.pick(("NYHA III", "NYHA class II", "Killip class I")))
    for i in range(c.rng.randint(2, 4)):
        b.t(f"{i + 1}) {c.pick(MEDS)}; {c.pick(('cont tele', 'trend trop', 'diurese to net -1L', 'PT/OT eval', 'monitor K/Mg'))}\n")
    if c.chance(0.4):
        b.f("Dispo: anticipate d/c to {org} {d}.\n", org=c.org(), d=c.date(c.disc, c.pick((9, 10, 11))))
    signature(c, b)


def ed_note(c: NoteContext) -> None:
    """Emergency department provider note (optionally a motor-vehicle collision with plate/VIN)."""
    b = c.b
    header(c, b, c.pick(("ED Provider Note", "EMERGENCY DEPARTMENT NOTE", "ED Physician Documentation")))
    b.f("Arrival: {dt}  Mode: {mode}\n", dt=c.datetime(c.admit), mode=c.pick(("EMS", "walk-in", "private vehicle", "ambulance")))
    age_style = c.rng.randrange(8)
    b.f("\nCC: {cc}\nHPI: {age} ", cc=c.pick(COMPLAINTS), age=c.age_seg(style=age_style))
    if age_style not in (5, 6):
        b.t(c.pick(("F ", "female ", "woman ")) if c.sex == "F" else c.pick(("M ", "male ", "man ")))
    b.t(f"w/ {c.pick(PMH)}, {c.pick(PMH)} p/w {c.pick(COMPLAINTS)} x {c.rng.randint(1, 48)}h. ")
    mva = c.chance(0.25)
    if mva:
        b.t(f"Pt was the {c.pick(('restrained driver', 'driver', 'passenger'))} of a {c.rng.randint(1998, c.admit.year)} "
            f"{c.pick(('Honda Civic', 'Ford F-150', 'Toyota Camry', 'Subaru Outback', 'Chevy Malibu'))} "
            f"involved in a low-speed MVC, possible syncope at the wheel. ")
        if c.p.get("vehicle_plate") or c.chance(0.5):
            b.f("Police report lists plate {pl}", pl=c.ident("vehicle_plate", "VEHICLE", ids.vehicle_plate))
            if c.chance(0.4):
                b.f(", VIN {vin}", vin=ph(ids.vin(c.rng), "VEHICLE"))
            b.t(". ")
        b.f("Officer {off} (badge {badge}) at bedside. ", off=ph(" ".join(ids.person_name(c.rng)), "NAME"),
            badge=c.num_id("", 4))
    elif c.chance(0.3):
        rel = c.relative()
        b.f("Brought in by {org} after {rel} {name} called 911. ", org=ph(c.pick(EMS_SERVICES), "ORGANIZATION"),
            rel=str(rel["relation"]), name=c.rel_name(rel))
    b.t(f"\n\nROS: {c.pick(('+CP, +diaphoresis, -fever', 'neg except per HPI', '+DOE, +orthopnea, +PND'))}\n")
    b.t(f"PMH: {', '.join(c.rng.sample(PMH, 3))}{', ' + c.pick(EPONYM_PMH) if c.chance(0.3) else ''}\n")
    b.t(f"Meds: {'; '.join(c.rng.sample(MEDS, 3))}\n")
    b.t(f"Allergies: {c.pick(('NKDA', 'PCN (rash)', 'sulfa', 'iodinated contrast - hives'))}\n")
    b.t(f"\nPE: {vitals(c)}\n{c.pick(('GCS 15', 'Glasgow Coma Scale 15', 'GCS 14 (E4V4M6)'))}. "
        f"{c.pick(('Diaphoretic.', 'NAD.', 'Anxious.'))} Heart {c.pick(('RRR', 'irreg', 'RRR no m/r/g'))}.\n")
    b.t(f"\nECG: {ecg_text(c)}\nLabs: {labs(c)}\n")
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
    signature(c, b)


def ecg_report(c: NoteContext) -> None:
    """12-lead ECG report as printed by an ECG cart (intervals in ms, axes, interpretation)."""
    b = c.b
    hr = c.v("heart_rate", 80, 15, 38, 170)
    pr, qrs, qtc = c.v("pr_ms", 165, 25, 100, 320), c.v("qrs_ms", 96, 15, 60, 200), c.v("qtc_ms", 445, 30, 340, 600)
    b.f("{org}  12-LEAD ECG\n{name}   ID:{mrn}   {dt}\n", org=c.facility_seg(), name=c.pt_name(c.pick((1, 7, 2))),
        mrn=c.mrn(), dt=c.datetime(c.note_date))
    b.f("{age} yr  {sex}   Loc:{loc}  Acct:{acct}\n", age=ph(str(c.age), "AGE"), sex="Female" if c.sex == "F" else "Male",
        loc=c.pick(("ED", "4W", "CCU", "OPC")), acct=c.ident("account_number", "ACCOUNT", ids.account_number))
    b.t(f"Vent. rate {int(hr) if hr else '--'} BPM\n")
    b.t(f"PR interval {int(pr) if pr else '*'} ms\nQRS duration {int(qrs) if qrs else '*'} ms\n")
    b.t(f"QT/QTc {int((qtc or 440) * 0.9)}/{int(qtc) if qtc else '*'} ms (Bazett)\nP-R-T axes {c.rng.randint(-30, 80)} "
        f"{c.rng.randint(-60, 100)} {c.rng.randint(-40, 90)}\n")
    b.t(ecg_text(c).replace(", rate", "\nRate") + "\n")
    b.t(c.pick(("Abnormal ECG\n", "Borderline ECG\n", "Mobitz I (Wenckebach) second degree AV block\n",
                "Left bundle branch block\n", "Possible Brugada pattern, recommend V1-V2 high leads\n")))
    if c.p.get("device_serial") and c.chance(0.5):
        b.f("A-V paced rhythm; {mfr} device SN {sn}\n", mfr=c.pick(DEVICE_MAKERS), sn=ph(str(c.p["device_serial"]), "DEVICE"))
    prior = c.note_date - _dt.timedelta(days=c.rng.randint(30, 900))
    b.f("When compared with ECG of {d}\n{chg}\n", d=c.datetime(prior), chg=c.pick(("No significant change",
                                                                                   "ST changes are new", "Rate faster")))
    b.f("Referred by: {ref}   Confirmed by {conf} ({pid}) on {dt}\n", ref=c.clin(c.att, c.pick((3, 6))),
        conf=c.clin(c.author, 3), pid=c.num_id("", c.pick((3, 4, 5))), dt=c.datetime(c.note_date))


def echo_report(c: NoteContext) -> None:
    """Transthoracic echocardiogram report (LVEF %, diastolic and valve findings)."""
    b = c.b
    header(c, b, c.pick(("Transthoracic Echocardiogram Report", "TTE REPORT", "Echocardiography Report")))
    b.f("Study date: {d}   Accession: {acc}\n", d=c.date(c.note_date, with_year=True),
        acc=c.num_id(c.pick(("E", "ECH", "US-", "")), c.pick((7, 8))))
    b.f("Indication: {ind} ({icd})   CPT 93306\nHt {ht} cm  Wt {wt} kg  BP {sbp}/{dbp}\n", ind=c.pick(COMPLAINTS), icd=c.pick(ICD_CODES),
        ht=str(c.rng.randint(150, 195)), wt=str(c.rng.randint(48, 140)), sbp=str(c.rng.randint(95, 180)),
        dbp=str(c.rng.randint(50, 100)))
    b.f("Sonographer: {son}, RDCS   Referring: {ref}\n", son=ph(" ".join(ids.person_name(c.rng)), "NAME"),
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
        b.f("Images: {url}\n", url=ph(f"https://pacs.{c.fac_site}health.org/viewer?study={c.rng.randint(10**6, 10**7)}",
                                       "URL"))


def referral_letter(c: NoteContext) -> None:
    """Clinic letter to a referring physician with letterhead, plan and signature."""
    b = c.b
    b.f("{org}\n{addr}\nTel {ph}  Fax {fx}\n\n{d}\n\n", org=ph(c.clinic, "ORGANIZATION"),
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
    b.t(f"As you know, {c.pronoun.lower()} has {c.pick(PMH)} and {c.pick(EPONYM_PMH) if c.chance(0.4) else c.pick(PMH)}. "
        f"{c.pronoun} reports {c.pick(COMPLAINTS)} on exertion, {c.pick(('NYHA II', 'NYHA class III', 'NYHA I-II'))}. ")
    if c.chance(0.5):
        b.f("{pr} had a stress test ({proto}) at {org} in {y}. ", pr=c.pronoun, proto=c.pick(("Bruce protocol", "Lexiscan")),
            org=c.org(), y=str(c.rng.randint(2010, c.admit.year)))
    b.t(f"\n\nOn examination {vitals(c)}. {c.pick(('There is a 2/6 ejection systolic murmur.', 'Heart sounds normal.', 'Irregularly irregular pulse.'))}\n")
    b.t(f"Recent results: {labs(c)}.\n\n")
    b.t(f"Plan:\n- {c.pick(MEDS)}\n- {c.pick(('Holter monitor for 48 h', 'TTE', 'coronary CTA', 'stress echo', 'event monitor'))}\n")
    if c.chance(0.5):
        fu = c.note_date + _dt.timedelta(days=c.rng.randint(14, 120))
        b.f("- review in clinic {d}\n", d=c.date(fu, c.pick((3, 6, 1))))
    if c.p.get("email") and c.chance(0.35):
        b.f("{pr} prefers contact by email ({em}) or phone {ph}.\n", pr=c.pronoun, em=ph(str(c.p["email"]), "EMAIL"),
            ph=c.phone())
    if c.chance(0.4):
        b.f("Referral tracking: {url}\n", url=ph(f"https://referrals.{c.fac_site}health.org/r/{c.rng.randint(10**5, 10**6)}", "URL"))
    b.f("\nYours sincerely,\n\n{doc}\nConsultant Cardiologist\nMedical License #: {lic}  NPI {npi}\n",
        doc=c.clin(c.author, c.pick((1, 7))), lic=ph(ids.medical_license(c.rng), "LICENSE"), npi=ph(ids.npi(c.rng), "ID"))
    b.f("cc: {pcp}; patient\n", pcp=c.clin(None, 0))


def nursing_note(c: NoteContext) -> None:
    """Nursing shift assessment by system, with visitor and belongings entries."""
    b = c.b
    when = c.note_date if c.e.get("note_date") else c.admit + _dt.timedelta(days=c.rng.randint(0, max(0, (c.disc - c.admit).days)))
    b.f("{title} {dt}\n", title=c.pick(("NURSING NOTE", "RN Shift Assessment", "Nursing Progress Note -", "Nsg note")),
        dt=c.datetime(when))
    b.f("Pt: {name}  {ml}{mrn}  Rm {rm}\n", name=c.pt_name(c.pick((1, 2, 4))), ml=c.mrn_label(), mrn=c.mrn(),
        rm=f"{c.rng.randint(2, 9)}{c.pick('ABCDEFW')}-{c.rng.randint(1, 30)}")
    b.t(f"Neuro: A&Ox{c.pick(('3', '4', '2'))}, {c.pick(('GCS 15', 'Glasgow Coma Scale 14', 'follows commands'))}.\n")
    b.t(f"CV: {c.pick(('SR 70s', 'AF 90-110s', 'ST 100s', 'paced'))} on tele. {vitals(c)}.\n")
    b.t(f"GU: {c.pick(('Foley catheter draining clear yellow urine', 'voiding in urinal', 'Foley d/c at 0600, DTV'))}.\n")
    b.t(f"Meds: {c.pick(MEDS)} given as ordered. {c.pick(('Heparin gtt at 12 units/kg/h', 'K 20 mEq PO given', 'Held metoprolol for HR 52'))}.\n")
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
    b.f("{nurse}, RN\n", nurse=ph(f"{c.author[0]} {c.author[1]}" if c.chance(0.6) else f"{c.author[0][0]}. {c.author[1]}", "NAME"))


def device_clinic_note(c: NoteContext) -> None:
    """Pacemaker/ICD remote interrogation note (serial numbers, home monitor IP)."""
    b = c.b
    header(c, b, c.pick(("Device Clinic - Remote Interrogation", "PACEMAKER/ICD CHECK", "Device Interrogation Report")))
    serial = str(c.p.get("device_serial") or ids.device_serial(c.rng))
    dev = c.pick(DEVICES)
    b.f("Device: {mfr} {dev}, implanted {d} at {org}\nSerial #: {sn}\n", mfr=c.pick(DEVICE_MAKERS), dev=dev,
        d=c.date(c.admit - _dt.timedelta(days=c.rng.randint(200, 3000)), c.pick((1, 0, 3, 4))), org=c.facility_seg(), sn=ph(serial, "DEVICE"))
    if c.chance(0.5):
        b.f("RA lead SN {s1}; RV lead SN {s2}\n", s1=ph(ids.device_serial(c.rng), "DEVICE"), s2=ph(ids.device_serial(c.rng), "DEVICE"))
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
        b.f("Report available at {url}\n", url=ph(str(c.p["patient_portal_url"]), "URL"))
    signature(c, b, c.pick(("MD", "NP", "CCDS")))


def telephone_note(c: NoteContext) -> None:
    """Telephone or video encounter note."""
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
            city=ph(str(c.p["city"]), "LOCATION"))
    b.f("\n{name} called re: {iss}. ", name=c.pt_ref(initial=True), iss=c.pick(("BP readings at home 150s/90s", "missed dose of apixaban",
                                                                      "ankle swelling", "refill of metoprolol 25 mg",
                                                                      "insurance prior auth for sacubitril/valsartan")))
    b.t(f"Home vitals: {vitals(c)}. {c.pick(('Denies CP/SOB.', 'Reports mild DOE.', 'Weight up 3 lb.'))}\n")
    if c.chance(0.4):
        b.f("Prior auth submitted to {ins}, member {hp}, ref #{ref}.\n", ins=c.pick(ids.INSURERS),
            hp=c.ident("health_plan_id", "HEALTH_PLAN", ids.health_plan_id), ref=c.num_id("PA", 8))
    if c.chance(0.3):
        b.f("Pharmacy: {org}, fax {fx}.\n", org=ph(c.pick(ids.PHARMACIES), "ORGANIZATION"), fx=c.other_phone("FAX"))
    if c.p.get("email") and c.chance(0.4):
        b.f("Education materials emailed to {em}.\n", em=ph(str(c.p["email"]), "EMAIL"))
    if c.chance(0.3):
        b.f("SSN verified for billing (last 4 {l4}).\n", l4=ph(str(c.p["ssn"])[-4:], "SSN"))
    b.f("Plan: {plan}. Next appt {d}.\n", plan=c.pick(("increase furosemide to 40 mg BID x3 days", "continue current meds",
                                                       "labs (BMP) this week", "ED if CP")),
        d=c.date(c.note_date + _dt.timedelta(days=c.rng.randint(3, 40)), c.pick((9, 10, 11, 1))))
    b.f("{who}\n", who=c.clin(c.author, c.pick((1, 2)), c.pick(("RN", "MD", "NP", "PA-C"))))


# note type -> builder that writes one note of that type into the context's span builder
BUILDERS = {
    "discharge_summary": discharge_summary,
    "progress_note": progress_note,
    "ed_note": ed_note,
    "ecg_report": ecg_report,
    "echo_report": echo_report,
    "referral_letter": referral_letter,
    "nursing_note": nursing_note,
    "device_clinic_note": device_clinic_note,
    "telephone_note": telephone_note,
}
