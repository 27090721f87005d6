"""Hospital services, specialties and clinic kinds read as organisations ("Pulm clinic", "Cards f/u", "GI service",
"Neuro ICU", "Renal consult", "ID clinic", "Heme/Onc", "Heart Failure Clinic"). They say which team sees the patient,
not where: no organisation that HIPAA Safe Harbor or the project's policy redacts, so they are kept. A clinic or
centre named by anything else ("Lahey Clinic", "Mayo Clinic", "Boston Medical Center", "Harbor Cardiology Clinic")
is still an organisation.

The words are the medical specialties and subspecialties (American Board of Medical Specialties member boards), their
usual abbreviations in notes, clinic kinds (anticoagulation, wound, device, memory, sleep ...), and the ward and
service words that complete them (clinic, service, team, consult, ICU). ``is_service_name(span) -> bool``;
``without_services(finder)`` wraps a family finder so that its organisation candidates made only of these words are
dropped.
"""
from __future__ import annotations

import functools
import re
from typing import Callable

from .spans import Candidate

SERVICE_WORDS = frozenset("""
    allergy immunology anesthesia anesthesiology anaesthesia anaesthetics cardiology cardiac cards cardio cv
    cardiothoracic ct cts ctsurg thoracic dermatology derm emergency em family fm general internal im medicine med
    meds medical genetics genetic geriatrics geriatric geri gerontology hematology heme hem oncology onc
    heme/onc hemeonc bmt infectious disease diseases id nephrology nephro renal neurology neuro neurosurgery
    neurosurg nsgy nsg nsurg neurocritical stroke obstetrics ob gyn gynecology obgyn ob/gyn ob-gyn mfm maternal fetal
    ophthalmology ophtho optho eye orthopedics orthopaedics orthopedic orthopaedic ortho otolaryngology ent
    pathology pediatrics pediatric peds paeds pediatric physiatry pm&r pmr rehab rehabilitation physical occupational
    speech therapy pt ot slp plastic plastics psychiatry psych behavioral radiology rads ir interventional radiation
    rad radonc rheumatology rheum surgery surgical surg gs acs trauma transplant tx urology uro vascular vasc
    gastroenterology gi hepatology liver endocrinology endo endocrine pulmonary pulm pulmonology critical care ccm
    palliative pall hospice hospitalist hospitalists colorectal crs bariatric breast hand spine sports foot ankle
    podiatry audiology dental oral omfs maxillofacial sleep pain wound ostomy anticoagulation anticoag coumadin
    warfarin inr lipid diabetes dm hiv tb std sti travel memory dementia movement epilepsy headache ms neuromuscular
    heart failure hf chf device devices pacer pacemaker icd ep electrophysiology arrhythmia valve structural
    congenital adult women's womens prenatal antenatal postpartum newborn nursery well-child well child adolescent
    fracture cast infusion dialysis hemodialysis pd vad ecmo lung kidney pancreas cancer tumor tumour breast
    continence incontinence pelvic floor voice swallow feeding nutrition lactation smoking cessation addiction
    substance opioid methadone suboxone buprenorphine urgent walk-in walkin primary resident residents teaching
    fellows intern interns outpatient inpatient ambulatory day same-day pre-op preop pre-admission preadmission
    post-op postop pre-operative preoperative perioperative pacu or icu ccu micu sicu nicu picu cvicu csru tsicu
    neuro-icu step-down stepdown telemetry tele floor ward unit clinic clinics service services svc team teams
    consult consults consultation consultations f/u fu follow-up followup follow up attending staff the a our
    & and / - of for at program center centre
""".split())
# words that name no team by themselves, only complete one ("clinic", "team", "the", "Medical Center"): a span of
# these alone is left to the generic-word and facility rules of the finders
_COMPLETING = frozenset("""clinic clinics service services svc team teams consult consults consultation consultations
    f/u fu follow-up followup follow up attending staff the a our & and / - of for at program center centre unit
    floor ward medical med general day adult""".split())
_SPLIT_RE = re.compile(r"[A-Za-z&'’]+(?:[/-][A-Za-z&'’]+)*|/|&")


def is_service_name(span: str) -> bool:
    """True when every word of ``span`` (split at spaces, slashes and hyphens too) is a service, specialty or clinic
    word (``SERVICE_WORDS``) and at least one of them names a team ("Pulm clinic", "Heme/Onc", "Neuro ICU")."""
    words = _SPLIT_RE.findall(span.lower())
    if not words:
        return False
    parts = [p for w in words for p in ([w] if w in SERVICE_WORDS else re.split(r"[/-]", w)) if p]
    return all(p in SERVICE_WORDS for p in parts) and any(p not in _COMPLETING for p in parts)


def without_services(finder: Callable[[str], list[Candidate]]) -> Callable[[str], list[Candidate]]:
    """``finder`` whose organisation candidates made only of service words (``is_service_name``) are dropped."""

    @functools.wraps(finder)
    def wrapped(text: str) -> list[Candidate]:
        return [c for c in finder(text) if c.type != "ORGANIZATION" or not is_service_name(text[c.start:c.end])]

    return wrapped
