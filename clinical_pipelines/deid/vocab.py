"""Word lists used to keep clinical vocabulary from being mistaken for PHI (and vice versa).

Built for general clinical text (i2b2-style discharge summaries, progress notes), not for any one generator.
"""
from __future__ import annotations

from functools import lru_cache

US_STATES = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
    "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
    "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
    "nevada", "new hampshire", "new jersey", "new mexico", "new york", "north carolina", "north dakota", "ohio",
    "oklahoma", "oregon", "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
    "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming", "district of columbia",
    "puerto rico", "guam",
}
STATE_ABBR = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU"
).split()
COUNTRIES = {"us", "usa", "u.s.", "u.s.a.", "united states", "america", "united states of america", "canada",
             "mexico", "uk", "england", "india", "china"}

# Relation words (family, partner, friend): before a name they say who it is; alone they are not names.
RELATION_WORDS = frozenset("""
    wife husband spouse partner daughter son mother father mom dad sister brother niece nephew aunt uncle cousin
    friend girlfriend boyfriend fiance fiancee grandson granddaughter grandmother grandfather""".split())


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Lower-cased country names: ISO 3166-1 (the ``iso3166`` package; "Korea, Republic of" also as "korea") and the
    engine's own short forms (``vocab.COUNTRIES``: "usa", "uk", "england")."""
    import iso3166

    out = set(COUNTRIES)
    for c in iso3166.countries:
        for name in (c.name, c.apolitical_name):
            out.add(name.lower())
            out.add(name.split(",")[0].split(" (")[0].lower())
    return frozenset(out)


# Capitalised words that follow titles / relation words but are not names.
NOT_NAME_WORDS = {
    "the", "a", "an", "he", "she", "they", "his", "her", "their", "it", "is", "was", "who", "which", "and", "or",
    "patient", "pt", "at", "in", "on", "to", "of", "for", "with", "by", "from", "has", "had", "have", "not", "no",
    "will", "would", "also", "as", "this", "that", "today", "yesterday", "tomorrow", "bedside", "home", "present",
    "notified", "updated", "aware", "called", "visited", "here", "there", "mother", "father", "sister", "brother",
    "son", "daughter", "wife", "husband", "family", "all", "both", "none", "unknown", "denies", "reports", "states",
    "md", "do", "rn", "np", "pa", "phd", "mr", "mrs", "ms", "dr", "hospital", "clinic", "medical", "center", "unit",
}

# Colours of urine, stool, sputum, drainage and skin; many are also census names ("Brown", "Amber", "Rose").
COLOUR_WORDS = frozenset("""
    brown amber green yellow red pink tan white black gray grey orange purple rust golden straw maroon olive cherry
    rose ruby coral violet""".split())
# Body fluids, drains and what is said of their colour ("urine Amber", "Brown stool", "GREEN-tinged").
FLUID_WORDS = frozenset("""
    urine stool stools bm bms sputum secretions secretion drainage drng emesis vomitus bile output fluid aspirate
    aspirates residual residuals ngt ogt foley jp drain skin colour color colored coloured tinged tinge blood pus""".split())
# Body sites that a side letter is glued to in bedside shorthand ("Lheel", "Rwrist", "LtArm": left heel ...).
BODY_SITES = frozenset("""
    arm arms leg legs hand hands foot feet knee hip heel heels wrist ankle elbow shoulder groin chest neck eye ear
    flank thigh calf toe toes finger fingers forearm buttock gluteal breast lung base bases scalp face cheek jaw
    ac fa fem ij sc subclavian radial femoral brachial pedal dp pt upper lower lobe lll rll rul lul""".split())
# Where a dressing, cream or device is applied ("Allevyn to heel", "Mepilex to coccyx", "Duoderm to L hip").
APPLICATION_SITES = BODY_SITES | frozenset("""
    coccyx sacrum sacral buttocks abdomen abd wound wounds incision incisions site sites skin perineum peri
    groin gluteal ischium trochanter spine scalp feet heels elbows knees ears nares nare lips mouth""".split())

# Clinical vocabulary that the general-domain NER model tends to tag as PERSON / ORG / GPE.
CLINICAL_TERMS = {
    # drugs
    "aspirin", "asa", "heparin", "enoxaparin", "lovenox", "warfarin", "coumadin", "apixaban", "eliquis",
    "rivaroxaban", "xarelto", "dabigatran", "pradaxa", "clopidogrel", "plavix", "ticagrelor", "brilinta",
    "prasugrel", "effient", "metoprolol", "lopressor", "toprol", "carvedilol", "coreg", "atenolol", "bisoprolol",
    "propranolol", "labetalol", "lisinopril", "enalapril", "ramipril", "captopril", "losartan", "valsartan",
    "entresto", "sacubitril", "amlodipine", "norvasc", "diltiazem", "cardizem", "verapamil", "nifedipine",
    "hydralazine", "isosorbide", "nitroglycerin", "ntg", "furosemide", "lasix", "torsemide", "bumetanide",
    "bumex", "spironolactone", "aldactone", "eplerenone", "hydrochlorothiazide", "hctz", "chlorthalidone",
    "atorvastatin", "lipitor", "rosuvastatin", "crestor", "simvastatin", "zocor", "pravastatin", "ezetimibe",
    "zetia", "digoxin", "amiodarone", "sotalol", "dofetilide", "flecainide", "adenosine", "dobutamine",
    "dopamine", "milrinone", "norepinephrine", "levophed", "epinephrine", "vasopressin", "phenylephrine",
    "metformin", "glipizide", "glyburide", "insulin", "lantus", "humalog", "novolog", "glargine", "lispro",
    "empagliflozin", "jardiance", "dapagliflozin", "farxiga", "sitagliptin", "januvia", "liraglutide",
    "semaglutide", "ozempic", "levothyroxine", "synthroid", "prednisone", "solumedrol", "methylprednisolone",
    "dexamethasone", "hydrocortisone", "albuterol", "ipratropium", "duoneb", "tiotropium", "spiriva",
    "fluticasone", "advair", "montelukast", "omeprazole", "pantoprazole", "protonix", "famotidine", "pepcid",
    "ondansetron", "zofran", "metoclopramide", "reglan", "docusate", "colace", "senna", "miralax",
    "acetaminophen", "tylenol", "ibuprofen", "motrin", "naproxen", "ketorolac", "toradol", "morphine",
    "hydromorphone", "dilaudid", "oxycodone", "percocet", "fentanyl", "tramadol", "gabapentin", "neurontin",
    "pregabalin", "lyrica", "lorazepam", "ativan", "diazepam", "valium", "alprazolam", "xanax", "haloperidol",
    "haldol", "quetiapine", "seroquel", "olanzapine", "zyprexa", "sertraline", "zoloft", "fluoxetine", "prozac",
    "citalopram", "escitalopram", "lexapro", "trazodone", "mirtazapine", "remeron", "bupropion", "wellbutrin",
    "vancomycin", "vanco", "zosyn", "piperacillin", "tazobactam", "cefepime", "ceftriaxone", "rocephin",
    "cefazolin", "ancef", "ampicillin", "amoxicillin", "augmentin", "azithromycin", "zithromax",
    "levofloxacin", "levaquin", "ciprofloxacin", "cipro", "metronidazole", "flagyl", "doxycycline",
    "bactrim", "linezolid", "meropenem", "fluconazole", "acyclovir", "tamsulosin", "flomax", "finasteride",
    "allopurinol", "colchicine", "potassium", "kcl", "magnesium", "calcium", "sodium", "bicarbonate",
    "thiamine", "folate", "multivitamin", "ferrous", "sulfate", "tpa", "alteplase", "tenecteplase",
    "bivalirudin", "eptifibatide", "integrilin", "abciximab", "tirofiban", "ranolazine", "ivabradine",
    # eponyms and named conditions / signs / scores
    "parkinson", "parkinson's", "alzheimer", "alzheimer's", "crohn", "crohn's", "hodgkin", "hodgkin's",
    "addison", "addison's", "cushing", "cushing's", "graves", "graves'", "hashimoto", "hashimoto's",
    "wegener", "wegener's", "kawasaki", "raynaud", "raynaud's", "sjogren", "sjogren's", "tourette",
    "huntington", "huntington's", "guillain", "barre", "barré", "bell's", "bell", "babinski", "murphy",
    "murphy's", "homan", "homans", "kussmaul", "kussmaul's", "cheyne", "stokes", "trendelenburg", "valsalva",
    "wolff", "parkinson-white", "brugada", "takotsubo", "prinzmetal", "prinzmetal's", "dressler",
    "dressler's", "osler", "janeway", "roth", "libman", "sacks", "marfan", "marfan's", "ehlers", "danlos",
    "down", "down's", "turner", "klinefelter", "gilbert", "gilbert's", "wilson", "wilson's", "barrett",
    "barrett's", "whipple", "nissen", "roux", "billroth", "foley", "swan", "ganz", "swan-ganz", "holter",
    "doppler", "glasgow", "apgar", "killip", "timi", "grace", "heart", "nyha", "framingham", "chads", "hasbled",
    "wells", "wells'", "braden", "morse", "fick", "starling", "frank", "purkinje", "bundle", "his",
    "korotkoff", "levine", "mobitz", "wenckebach", "lown", "ganong", "tdp", "torsades", "pointes",
    "cabg", "pci", "ptca", "des", "bms", "lad", "lcx", "rca", "om", "pda", "lima", "svg", "lvef", "ef",
    # units, abbreviations, section names often tagged as ORG/GPE/PERSON
    "hpi", "pmh", "psh", "ros", "hx", "dx", "tx", "rx", "sx", "fx", "pe", "cp", "sob", "doe", "pnd", "jvd",
    "jvp", "ecg", "ekg", "echo", "tte", "tee", "cxr", "ct", "cta", "mri", "mra", "us", "icu", "ccu", "micu",
    "sicu", "cvicu", "ed", "er", "or", "pacu", "cath", "lab", "ir", "ot", "pt", "slp", "snf", "ltac", "rehab",
    "bid", "tid", "qid", "qd", "qhs", "prn", "po", "iv", "im", "sq", "sc", "sl", "ng", "npo", "od", "os", "ou",
    "bp", "hr", "rr", "spo2", "o2", "ra", "nc", "nrb", "bipap", "cpap", "hfnc", "ett", "vent", "abg", "vbg",
    "cbc", "bmp", "cmp", "lfts", "inr", "ptt", "bnp", "nt-probnp", "trop", "troponin", "ck", "ckmb", "ldh",
    "wbc", "rbc", "hgb", "hct", "plt", "bun", "cr", "gfr", "egfr", "na", "k", "cl", "co2", "mg", "phos", "ca",
    "a1c", "hba1c", "tsh", "ldl", "hdl", "tg", "crp", "esr", "ua", "ucx", "bcx", "afib", "af", "aflutter",
    "vt", "vf", "svt", "nstemi", "stemi", "acs", "mi", "cad", "chf", "hfref", "hfpef", "copd", "ckd", "aki",
    "esrd", "dm", "dm2", "t2dm", "htn", "hld", "osa", "gerd", "dvt", "pna", "uti", "cva", "tia", "pvd", "pad",
    "ms", "as", "ar", "mr", "tr", "pr", "ivc", "svc", "lv", "rv", "la", "ra", "av", "mv", "tv", "pv", "stat",
    "dnr", "dni", "full", "code", "md", "do", "rn", "np", "pa", "pa-c", "cna", "msw", "pharmd", "fellow",
    "attending", "resident", "intern", "nurse", "patient", "pt", "assessment", "plan", "impression",
    "subjective", "objective", "exam", "labs", "imaging", "medications", "meds", "allergies", "vitals",
    "history", "discharge", "admission", "summary", "diagnosis", "diagnoses", "disposition", "instructions",
    "follow-up", "followup", "consult", "consultation", "progress", "note", "procedure", "procedures",
    "cardiology", "medicine", "internal", "surgery", "neurology", "nephrology", "pulmonology", "oncology",
    "endocrinology", "gastroenterology", "radiology", "pathology", "psychiatry", "dermatology", "urology",
    "orthopedics", "emergency", "department", "telemetry", "floor", "service", "team", "clinic",
    "nkda", "nka", "sig", "tab", "tabs", "cap", "caps", "daily", "weekly", "monthly", "mg/dl", "mmhg", "bpm",
    "covid", "covid-19", "sars-cov-2", "influenza", "hiv", "hcv", "hbv", "mrsa", "vre", "c.", "diff",
    "normal", "sinus", "rhythm", "tachycardia", "bradycardia", "denies", "chest", "pain", "dyspnea", "edema",
    "simpson", "simpson's", "bazett", "fridericia", "color", "colour", "biplane", "coma", "scale", "cardiologist",
    "electronically", "dispo", "belongings", "loc", "dob", "med", "caller", "nsg", "gen", "neuro", "mode",
    "documentation", "physician", "interrogation", "remote", "course", "date", "device", "borderline", "report",
    "study", "result", "results", "findings", "indication", "technique", "comparison", "conclusion", "signed",
    "dictated", "transcribed", "reviewed", "confirmed", "referred", "unit", "hosp", "rec", "acct", "account",
    "ref", "re", "dear", "sincerely", "regards", "thank", "sonographer", "rdcs", "ccds", "rcs", "rvt", "cpht",
    "medtronic", "abbott", "boston", "scientific", "biotronik", "philips", "siemens", "zoll", "livanova",
    "st.", "jude", "pacemaker", "icd", "crt", "crt-d", "crt-p", "lead", "leads", "battery", "generator",
    "sinus", "arrival", "departure", "triage", "chief", "complaint", "hospital", "center", "general", "regional",
    "memorial", "university", "community", "county", "ecg", "echocardiography", "echocardiogram", "tte",
    "etoh", "pcp", "nsr", "rusb", "lusb", "llsb", "rlsb", "lsb", "apex", "pmi", "rrr", "irr", "ip", "iv", "sem",
    "hsm", "s1", "s2", "s3", "s4", "heent", "perrla", "eomi", "ctab", "nabs", "ntnd", "wwp", "aox3", "cn", "serial",
    "arrival", "monitor", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}

EPONYM_FOLLOWERS = {"disease", "syndrome", "sign", "signs", "law", "criteria", "score", "scale", "phenomenon",
                    "reflex", "test", "maneuver", "maneuvre", "lymphoma", "palsy", "triad", "classification",
                    "equation", "formula", "procedure", "operation", "catheter", "tube", "monitor", "block",
                    "node", "nodes", "ulcer", "esophagus", "fracture", "aneurysm", "angina", "cardiomyopathy",
                    "respirations", "breathing", "pattern", "murmur", "disorder", "thyroiditis", "dementia", "coma",
                    "formula", "correction", "method", "protocol", "treadmill", "stress", "biplane", "rule", "view", "views", "scale",
                    "tear", "malformation"}

GENERIC_FACILITY_WORDS = {w for w in CLINICAL_TERMS} | {"the", "our", "this", "outpatient", "inpatient", "heart",
                                                       "cardiac", "general", "primary", "care", "urgent", "family"}

# Eponyms that are also common surnames: only treated as non-PHI when followed by an eponym word.
AMBIGUOUS_SURNAMES = {
    "frank", "wilson", "murphy", "barrett", "gilbert", "graves", "wells", "morse", "grace", "down", "turner",
    "bell", "levine", "starling", "holter", "roth", "fick", "whipple", "nissen", "foley", "swan", "osler",
    "janeway", "libman", "sacks", "stokes", "cheyne", "marfan", "wolff", "addison", "cushing", "huntington",
    "parkinson", "crohn", "hodgkin", "kawasaki", "brugada", "dressler", "babinski", "homan", "homans", "braden",
    "glasgow", "his", "heart", "code", "full", "fellow", "grace", "mobitz",
}
NON_NAME_TERMS = CLINICAL_TERMS - AMBIGUOUS_SURNAMES

# Capitalised words that never belong to a name even right after "Dr." / "Signed:" / a relation word.
ANCHOR_STOP = {"The", "He", "She", "His", "Her", "They", "Their", "It", "At", "In", "On", "To", "Of", "For", "With",
               "By", "From", "Is", "Was", "And", "Or", "Patient", "Pt", "Also", "Not", "No", "Will", "Has", "Had",
               "Today", "Yesterday", "Here", "There", "MD", "DO", "RN", "NP", "PA", "PhD", "RDCS", "CCDS", "Dr", "Mr",
               "Mrs", "Ms", "Miss", "Pager", "Page", "Phone", "Tel", "Fax", "Cell", "Ext", "MRN", "DOB", "ID", "Unit",
               "THE", "HE", "SHE", "HIS", "HER", "AT", "IN", "ON", "TO", "OF", "FOR", "WITH", "BY", "FROM", "IS",
               "WAS", "AND", "OR", "PATIENT", "PT", "PAGER", "PHONE", "TEL", "FAX", "AWARE", "UPDATED", "PRESENT",
               "Aware", "Updated", "Present", "Notified", "Called", "Bedside", "Home", "Here"}
CREDENTIALS = {"md", "do", "rn", "np", "pa", "pa-c", "phd", "mbbs", "facc", "cnp", "aprn", "pharmd", "lcsw", "msw",
               "dnp", "crna", "fnp", "anp", "lpn", "cna", "rt", "rrt", "slp", "rd", "ccrn", "rdcs", "ccds", "rcs"}
ORG_KEYWORDS = ("Rehabilitation|Orthopedics|Orthopaedics|Apothecary|Rx|Drugs?|Elementary|School|High\\s+School|Academy|Co-op|Cooperative"
                "|Ambulance|EMS|Center|Centre|Skilled\\s+Nursing|Internal\\s+Medicine|Family\\s+Practice|Practice"
                "|Cardiology|Group|Partners|Services?|Rescue(?:\\s+Squad)?|Squad|Church|Bank|Market|Hardware|Foods|Farms?|Factory|Mills?|Motors"
                "|Construction|Logistics|Transit|Police\\s+Department|Fire\\s+Department|Dental|Dentistry|Imaging"
                "|Radiology|Dialysis|Home\\s+Health|Home\\s+Care|Residence|Lodge|Shelter|Ministries|Store|Diner"
                "|Restaurant|Hotel|Industries|Enterprises|Solutions|Systems|Technologies|Airlines|Railroad|Trucking"
                # business heads: "Brackenridge Freight", "Tolliver Iron Works" (not the verb: "Works as", "Works nights")
                "|Freight|Shipping|Lumber|Manufacturing|Works(?![ \\t]+(?:as|at|in|for|on|with|from|part|full|nights?"
                "|days?|weekends?|out|two|three|\\d))"
                # practices named by specialty: "Prairie Wind Pulmonology", "Canyon Kidney Care"
                "|Pulmonology|Pediatrics|Oncology|Hematology|Nephrology|Neurology|Urology|Gastroenterology"
                "|Dermatology|Endocrinology|Rheumatology|Psychiatry|Obstetrics|Gynecology|Women's\\s+Health"
                "|Kidney\\s+Care|Heart\\s+Care|Eye\\s+Care|Vein\\s+Care|Wound\\s+Care|Wellness|Specialists|Surgeons"
                "|Laboratories|Diagnostics|Physical\\s+Therapy|Pharmacy|Drugstore")

# Name-span completion (text.py ``_complete_names``): lower-case surname particles that may join a name span
# ("Anneliese van der Berg"), titles that never do ("Dr", "Nurse"), and calendar words that are also census
# first names ("May", "June", "August") and so never count as a first name next to a name span.
NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "la", "le",
                  "ter", "ten", "bin", "ibn", "al", "el", "y"}
TITLE_WORDS = {"dr", "drs", "mr", "mrs", "ms", "miss", "mx", "prof", "doctor", "nurse", "sister", "father", "rev",
               "judge", "officer", "attorney", "det", "sgt", "sir", "madam", "dear", "st", "saint", "mt", "mount"}
CALENDAR_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                  "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                  "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                  "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
