"""Person names in bedside nursing notes typed in capitals or in lower case: the name finders must keep finding
names after titles, relations, roles and credentials, and must leave ordinary clinical text alone (cues such as
"TO", "WITH", "PER", "PT", "NURSE", "FATHER" and "MS" are everyday words or abbreviations there). All names below
are invented or common census names, not PHI; the clinical sentences are written for these tests."""
import pytest

from clinical_pipelines.deid.text.names import find_names

from clinical_pipelines_tests.deid._name_helpers import covered, touched


def found(text):
    """Every text piece a name finder marks."""
    return {text[c.start:c.end] for c in find_names(text)}


# clinical text that no name finder may touch (phrase = the part that must stay)
ORDINARY = [
    # "LAST, FIRST" shapes made of clinical words, lists and abbreviations
    ("GI: OGT TO LWS, DRAINING BILIOUS FLUID.", "LWS, DRAINING"),
    ("GU: FOLEY TO GRAVITY, DRAINING AMBER URINE", "GRAVITY, DRAINING"),
    ("PLAN: WEAN TO EXTUBATE, PULM TOILET, PAIN CONTROL", "EXTUBATE, PULM"),
    ("ABD SOFT. ASPIRATES BILIOUS TO GREEN, PH 3 GUAIAC NEG", "GREEN, PH"),
    ("COUGH: STRONG, PRODUCTIVE, INEFFECTIVE\n", "STRONG, PRODUCTIVE"),
    ("ALLERGIES: SULFA, CODEINE\n", "SULFA, CODEINE"),
    ("SPUTUM THICK TAN.  ROBERT Q. OKONKWO-HALE, RRT\n", "RRT"),
    ("wound debrided by CNS, cleansed with saline", "CNS, cleansed"),
    ("HR 88 AND HOLDING AS PER ORDER, WILL CONTINUE TO MONITOR", "ORDER, WILL"),
    # census first name + surname pairs made of ordinary words in capitals
    ("US SHOWS FLUID IN DOUGLAS POUCH, OB CONSULT", "DOUGLAS POUCH"),
    ("SUCTIONED FOR THICK GOLDEN TAN SECRETIONS", "GOLDEN TAN"),
    ("MAX TEMP 101.2 AXILLARY", "MAX TEMP"),
    ("BILAT TED HOSE IN PLACE", "TED HOSE"),
    ("NEURO: PERL, MAE, FOLLOWS COMMANDS", "PERL, MAE"),
    # words after "with", "to", "per", "by" in capitals or lower case: abbreviations, colours, typos, compounds
    ("PMH: CAD WITH NQWMI 2019, HTN", "NQWMI"),
    ("oral secretions suctioned with yankaur tip", "yankaur"),
    ("FOLEY DRAINING AMBER TO BROWN URINE", "BROWN"),
    ("pt walks with walker, 1 assist", "walker"),
    ("k and mg replaced per protcol", "protcol"),
    ("pt transported to ctscan for head ct", "ctscan"),
    ("THICK WHITE TO BLOODTINGED SECRETIONS", "BLOODTINGED"),
    ("R/O MI BY CK'S, 2ND SET DUE AT 2200", "CK'S"),
    ("UPDATED BY MD'S THIS AM", "MD'S"),
    ("NO CHANGES PER H.O. THIS SHIFT", "H.O."),
    ("NEB TX GIVEN BY R.T. WITH RELIEF", "R.T."),
    ("COMPLICATED BY HYPOTENSION-RXED W FLUIDS", "HYPOTENSION-RXED"),
    ("*please refer to Careview for vitals", "Careview"),
    ("Seen by Speech and swallow today", "Speech"),
    # titles and relation words in running text typed in capitals
    ("IV NURSE UNABLE TO PLACE PICC", "UNABLE"),
    ("ASKED IF HER FATHER DRANK AT HOME", "DRANK"),
    ("SKIN: MS INCISION WITH DSD, CDI", "INCISION"),
    ("pain control, monitor MS. Restart lopressor when able", "Restart"),
    ("made power of attorney. Legal papers in chart", "Legal"),
    ("WIFE NAD NEICE IN AND UPDATED", "NAD NEICE"),
    ("DAUGHTER MET C DRS, FULL CODE", "MET C DRS"),
    ("SON NEWLY GRADUATED, WORKS AS AIDE", "NEWLY GRADUATED"),
    ("HUSBAND CALLED X2 FOR UPDATES", "CALLED"),
    ("SOCIAL: DISCUSSED WITH DTR RE: PEG, TRACH, DISPO", "PEG"),
    ("Pt's daughter visited; Mrs. Okafor's speech remains garbled", "'s speech"),
    # credentials that are everyday abbreviations in running text
    ("CONT WITH LYTE REPLETION, PT NEEDS PRBC", "LYTE REPLETION"),
    ("PT SCHEDULED FOR PEG PLACEMENT, PT HAS BEEN NPO", "PEG PLACEMENT"),
    ("SOME CREPITUS IN RT PECTORAL REGION", "CREPITUS"),
    ("PLAN TO PULL INTRODUCER AND CCO PA CATH", "CCO"),
    ("DC FEM ALINE SO PT CAN GET OOB", "FEM ALINE"),
    ("SAT 97% ON 4L NP. PALINE DISCUSSED W PT BY RESIDENT", "PALINE DISCUSSED"),
]


@pytest.mark.parametrize("text,phrase", ORDINARY)
def test_clinical_text_is_not_a_name(text, phrase):
    assert not touched(text, phrase)


# names the finders must still cover (phrase = the name)
NAMES = [
    # titles, also written without a space, and the run of name words after them
    ("METABOLIC ALK. DR.OKONJO AWARE, DIAMOX ORDERED", "OKONJO"),
    ("mr.castellano returned from OR at 1500", "castellano"),
    ("LR BOLUS GIVEN PER DR.HALVERSEN. LOPRESSOR 5MG", "HALVERSEN"),
    ("DR PRZYBYLA IN, SPOKE WITH WIFE", "PRZYBYLA"),
    ("Seen by Dr.Waddell this am", "Waddell"),
    ("F/u with Dr. WEST at the clinic", "WEST"),
    ("MR BRANNIGAN WORSENED OVERNIGHT", "BRANNIGAN"),
    ("IV NURSE GEORGIA TREMBLAY CALLED BACK", "GEORGIA TREMBLAY"),
    ("d/w Dr. Lindqvist-moore and family", "Lindqvist-moore"),
    # relation words and a first name in capitals, lower case or Title case
    ("SOCIAL: GIRLFRIEND EVE IN MOST OF DAY", "EVE"),
    ("LIVES ALONE. SON ROB 555-0142", "ROB"),
    ("SPOKE WITH DAUGHTER PHILOMENA BY PHONE", "PHILOMENA"),
    ("pharmacy history and brother Anil\nInsurance: none", "Anil"),
    ("BROTHER MICHAEL WHO LIVES IN TOWN CALLED", "MICHAEL"),
    ("son Rob-who states he will visit", "Rob"),
    # a role abbreviation before the name, a field label before LAST, FIRST
    ("SPOKE WITH HO SCHWARTZMAN REGARDING PLAN", "SCHWARTZMAN"),
    ("Patient: DE LA FUENTE,ARACELI   MRN 4411", "ARACELI"),
    ("Name: LE, THUY T   DOB: 1/2/1950", "LE, THUY T"),
    ("F/u with EDWARDS, VIRGINIA at 3 pm", "EDWARDS, VIRGINIA"),
    # a name before a credential where a report or sign-off ends
    ("R PUPIL SLUGGISH (B. KOSTAKIS PA AWARE).", "KOSTAKIS"),
    ("REVERSAL NOT GIVEN PER K. ABERNATHY PA.", "K. ABERNATHY"),
    ("PA PRESSURES UP -> B. CLIFTON MD AWARE", "B. CLIFTON"),
    ("wean held at this time per carol wolfe)", "carol wolfe"),
]


@pytest.mark.parametrize("text,name", NAMES)
def test_names_in_nursing_text(text, name):
    assert covered(text, name)


# bedside-note forms: sign-off lines, an initial and a surname with a person cue, names before "is a .. yr old",
# before a role or relation in brackets, before "aware"; relation abbreviations and lower-case coordination
NURSING_FORMS = [
    ("tolerating feeds.\n\nmarisol quintana, rn\n", "marisol quintana"),
    ("no acute events. t. oyelowo rrt\n", "t. oyelowo"),
    ("plan unchanged.\n  henrietta k. drozdowski bsn/rn\n", "henrietta k. drozdowski"),
    ("\nGRETCHEN ALVAREZ-TOLLE RN\n", "GRETCHEN ALVAREZ-TOLLE"),
    ("CXR DONE -AS PER B. KOSTOPOULOS-PT WET ON LEFT", "B. KOSTOPOULOS"),
    ("ILEUS REMAINS AS PER R. DUBROVSKY. NGT TO LIS", "R. DUBROVSKY"),
    ("LINE CHANGED OVER WIRE BY C. HAVERSTOCK. SITE OOZING", "C. HAVERSTOCK"),
    ("INR 5.2. E. WELSH AWARE. FFP GIVEN", "E. WELSH"),
    ("M. PFLUEGER PLACING STITCH AT CT SITE", "M. PFLUEGER"),
    ("PAPS UP, J SMITH ORDERED EPI INCREASED", "J SMITH"),
    ("pressors weaned per d ross.wires secured", "d ross"),
    ("renata szabo is a 71 yr old female admitted with", "renata szabo"),
    ("PLAN FOR TAP...GLENN OKORAFOR (RESIDENT) FOLLOWING", "GLENN OKORAFOR"),
    ("SUPPORTIVE FAMILY. NEDRA BOGDANOVIC (DAUGHTER)- SPOKESPERSON", "NEDRA BOGDANOVIC"),
    ("cap refill brisk. grace dudinski aware.", "grace dudinski"),
    ("temps overnight, md whitcomb aware, tylenol given", "whitcomb"),
    ("rate 40 in sinus. NP grace made aware", "grace"),
    ("ci < 2.0. mary o'hanlon np aware.", "mary o'hanlon"),
    ("1 dtr laverne speaks some english", "laverne"),
    ("social: daughters sarah and margie in to visit", "margie"),
    ("daughter \"sarah\" at bedside overnight", "sarah"),
    ("visited by significant other charlie, updated", "charlie"),
    ("pt admits to psych nurse leslie kowalczyk that she", "leslie kowalczyk"),
    ("his wife, Janet logan is here today", "Janet logan"),
    ("DISCUSSION WITH DTR PHILOMENA AND HER HUSBAND", "PHILOMENA"),
]


@pytest.mark.parametrize("text,name", NURSING_FORMS)
def test_bedside_note_name_forms(text, name):
    assert covered(text, name)


NURSING_ORDINARY = [
    ("pt tolerated well. will continue to monitor, rn\n", "monitor"),
    ("sputum thick tan. cont to monitor. rn\n", "monitor"),
    ("with C. DIFF TOXIN PENDING", "DIFF"),
    ("E. COLI IN URINE, ABX STARTED", "COLI"),
    ("R WRIST IV PLACED", "WRIST"),
    ("L ARM SWOLLEN, ELEVATED", "ARM"),
    ("84 yo male with a PMed hx of htn", "PMed"),
    ("\"my chest. i hasn't changed\"", "hasn't"),
    ("lasix given with good effect", "good"),
    ("replete with fiber at 40cc/hr", "fiber"),
    ("family aware of plan", "family"),
    ("team aware, no new orders", "team"),
    ("daughters sarah and will visit tomorrow", "will"),
    ("rn will follow up in am", "will"),
]


@pytest.mark.parametrize("text,phrase", NURSING_ORDINARY)
def test_bedside_note_forms_leave_clinical_text(text, phrase):
    assert not touched(text, phrase)


def safelist_found(text):
    from clinical_pipelines.deid.text.safelist import find_safelist_names

    return {text[c.start:c.end] for c in find_safelist_names(text)}


# Title-case typos, misspelt drugs, run-together words and shorthand at a line start are no one's name
@pytest.mark.parametrize("text,word", [
    ("RESP: Remians orally intubated.", "Remians"),
    ("Family: Neice called and was updated.", "Neice"),
    ("Plan to chesk PTT at 11. Chesk again at 17.", "Chesk"),
    ("given 50 mcg of Fetanyl for pain", "Fetanyl"),
    ("Heparin off. Loxenox started.", "Loxenox"),
    ("pedal pulses by Dopple bilat", "Dopple"),
    ("*Please refer to Careview for flowsheet data", "Careview"),
    ("Breathsounds are coarse bilat.", "Breathsounds"),
    ("RR 22. Sxnd pt x2 for thick secretions", "Sxnd"),
])
def test_safelist_skips_typos_and_shorthand(text, word):
    assert word not in safelist_found(text)


@pytest.mark.parametrize("text,word", [
    ("Family in attendance. Drs' Ballard and Oduya pronounced.", "Oduya"),
    ("At this time, Radomir wishes to stop pressors.", "Radomir"),
    ("Wife and lawyer (Wil Lanzafame) aware of plan.", "Lanzafame"),
    ("Pt seen by Okafor today", "Okafor"),
])
def test_safelist_keeps_names_in_running_text(text, word):
    assert word in safelist_found(text)


def test_safelist_keeps_short_names_near_clinical_words():
    assert "Sahin" in safelist_found("Received Anil Sahin from day RN.")


def engine_output(engine, text):
    return engine.deidentify([text])[0].text


# running text that the context finders, name completion and propagation must leave alone
@pytest.mark.parametrize("text,phrase", [
    ("RESP: PT WHEEZEING AT TIMES", "WHEEZEING"),
    ("comfortable on 4l np- o2 sats 99%", "o2"),
    ("4L NP SAT 97-99%", "SAT"),
    ("overbreathing by 2-3x per min. anesthesia aware", "min"),
    ("SBP 80S BY NBP, HR 60S", "NBP"),
    ("WIFE AGRESS THAT HE IS COMFORTABLE", "AGRESS"),
    ("SOCIAL=SON PRESNT TILL 2100", "PRESNT"),
    ("ekg completed x2 with no change", "x2"),
    ("meds and modified backrub with good effect", "backrub"),
    ("CONTINUE WITH FLORO TO PA", "FLORO"),
    ("ATTEMPTING TO ADVANCE WITH FLORO TO PA BY FELLOW", "FLORO"),
    ("right groin with ballon insertion site", "ballon"),
])
def test_context_finders_leave_running_text(text, phrase):
    assert not touched(text, phrase)


@pytest.mark.parametrize("text,name,stays", [
    ("social: son jonathan arrived with pt.", "jonathan", "arrived"),
    ("soc: daughter peggy staying overnight.", "peggy", "staying"),
    ("MR BRANNIGAN WORSENED OVERNIGHT", "BRANNIGAN", "WORSENED"),
])
def test_completion_does_not_grow_over_ordinary_words(engine, text, name, stays):
    out = engine_output(engine, text)
    assert name not in out and stays in out


@pytest.mark.parametrize("typo", ["Chesk", "Sideport", "Protcol"])
def test_a_typo_found_once_does_not_spread(typo):
    from clinical_pipelines.deid.text.completion import propagate_names
    from clinical_pipelines.deid.text.spans import Span

    text = f"{typo} noted. Again {typo.lower()} at 1800 and {typo.upper()} later."
    spans = propagate_names(text, [Span(0, len(typo), "NAME")])
    assert {sp.start for sp in spans} == {0}


def test_an_unknown_name_found_once_spreads():
    from clinical_pipelines.deid.text.completion import propagate_names
    from clinical_pipelines.deid.text.spans import Span

    text = "Okonkwo at bedside. Later okonkwo called."
    assert text.index("okonkwo") in {sp.start for sp in propagate_names(text, [Span(0, 7, "NAME")])}


@pytest.mark.parametrize("text,word", [
    ("TF Nutrimax HN at 20ml/hr, residuals low", "Nutrimax"),
    ("tube feeds via ogt Feedocal @ 40/hr.", "Feedocal"),
    ("2gm Magsulph x1 given", "Magsulph"),
    ("abx: Zosyn, Vankomix, Flagyl", "Vankomix"),
])
def test_safelist_skips_products_at_a_rate_or_in_a_drug_list(text, word):
    assert word not in safelist_found(text)


@pytest.mark.parametrize("text,word", [
    ("Visitors: Okafor, Brennan and Tully", "Okafor"),
    ("Seen by Okafor and Lasix given", "Okafor"),
    ("Spoke with Mbeki at 1400 about plan", "Mbeki"),
])
def test_safelist_keeps_names_near_numbers_and_lists(text, word):
    assert word in safelist_found(text)


@pytest.mark.parametrize("text", [
    "house officer aware", "micu resident notified", "night float paged", "\nwill cont to monitor rn\n",
    "\nsee carevue for details, rn\n", "\nvent settings unchanged rrt\n", "\ngood night rn\n", "pt is a 70 yr old male",
    "family meeting (resident) held", "lopressor held (md aware)", "per e. coli sensitivities", "c. diff pending",
    "wife and son aware", "sats dropped md made aware", "ho aware of k 3.2", "abg per rt", "\nresting comfortably. rn\n",
    "CHARGE NURSE AWARE", "CARDIOLOGY FELLOW AWARE", "S. AUREUS PRESENT", "V. TACH PRESENT ON MONITOR",
    "HR 120S. CCU FELLOW NOTIFIED", "\nNO ACUTE EVENTS OVERNIGHT RN\n", "BLOOD CULTURES (RESIDENT AWARE)",
    "R. IJ PLACED", "B. SIDE RAILS UP", "T. MAX 101 NOTED", "HOB ELEVATED MD AWARE",
])
def test_bedside_cues_without_a_name(text):
    assert not found(text)


def test_sign_off_with_an_initial_and_a_census_surname():
    assert covered("\nk. rowe, rn\n", "k. rowe")


@pytest.mark.parametrize("text,name", [
    ("spoke with lorna vukovic about plan of care", "lorna vukovic"),
    ("visit from tamsin oyelaran this afternoon", "tamsin oyelaran"),
])
def test_lower_case_first_name_and_unknown_surname_without_a_cue(text, name):
    assert covered(text, name)


@pytest.mark.parametrize("text", [
    "will smith come in today", "mark bleeding site", "bill sent to insurance", "rose slightly overnight",
    "pt jean jacket at bedside", "faith based support offered",
])
def test_lower_case_word_pairs_that_are_no_names(text):
    from clinical_pipelines.deid.text.name_signoffs import find_nursing_names

    assert not find_nursing_names(text)
