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
  ICD-10 / CPT codes, bare years, durations and times of d

Layout: :mod:`.annotation` (types, spans, span builder), :mod:`.formats` (date/phone formats),
:mod:`.context` (identities and their surface forms), :mod:`.blocks` (clinical content blocks),
:mod:`.templates` (one builder per note type), :mod:`.generator` (entry points).
"""

from clinical_pipelines.synthetic.notes.annotation import (HARD_NEGATIVE_PATTERNS, HARD_NEGATIVE_TERMS, NOTE_TYPES,
                                                           PHI_TYPES, AnnotatedNote, PhiSpan)
from clinical_pipelines.synthetic.notes.formats import format_date
from clinical_pipelines.synthetic.notes.generator import (generate_benchmark_corpus, generate_note,
                                                          write_benchmark_files)

__all__ = ["HARD_NEGATIVE_PATTERNS", "HARD_NEGATIVE_TERMS", "NOTE_TYPES", "PHI_TYPES", "AnnotatedNote", "PhiSpan",
           "format_date", "generate_benchmark_corpus", "generate_note", "write_benchmark_files"]
