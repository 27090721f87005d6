"""Facilities, wards, places and employers as nursing notes write them, in any case: hospital names made of generic
words ("taken to Memorial Hospital", "went to holy cross"), university hospitals ("U of Vermont ER"), hospital
acronyms after movement or orientation words (misspelt verbs too) and again elsewhere in the note, ward names with a
floor number, places after family-travel and residence words, a home owner's name, employers. Variants written for
these tests."""
import pytest

from clinical_pipelines.deid.text.facilities import find_facilities


def _covered(text, secret):
    spans = find_facilities(text)
    lo = text.rindex(secret)  # the last occurrence: a repeated name is found again
    return all(any(s.start <= i < s.end for s in spans) for i in range(lo, lo + len(secret)) if text[i].isalnum())


@pytest.mark.parametrize("text, secret", [
    # generic-word and prefix hospital names
    ("PT WAS CONFUSED AND TAKEN TO MEMORIAL HOSPITAL. THERE HE WAS FEBRILE", "MEMORIAL"),
    ("Pt was taken to Regional Hospital where a CT was done", "Regional"),
    ("admitted from county hosp yesterday", "county"),
    ("WENT TO HOLY CROSS WITH FEVER OF 102", "HOLY CROSS"),
    ("plan transfer back to sacred heart in am", "sacred heart"),
    ("69 yo male transferred from good sam s/p MI", "good sam"),
    ("went to U of Vermont Hosp with chest pain", "U of Vermont"),
    ("Pt admitted to U Vermont ER w/ ST elevations", "U Vermont"),
    ("RECEIVED FROM UNIV OF IOWA MEDICAL CENTER", "UNIV OF IOWA"),
    ("pt recieved from university of nebraska hospital, intubated", "university of nebraska"),
    # acronyms after movement / place / orientation words, then everywhere in the note
    ("He was intubated and tranfered to KH for further care. At KH EW he remained intubated.", "KH"),
    ("TX TO BMH FOR FOLLOW UP CARE.", "BMH"),
    ("WOULD NEED TO LEAVE KH, HAVE SURGERY AND RETURN", "KH"),
    ("knows he is in KH, that it is Tuesday", "KH"),
    ("S: 'I know I'm in KH and it is 2021.'", "KH"),
    ("ntg given enroute to kh er, intubated on arrival", "kh"),
    ("FAMILY ASKED FOR A CONSULT FROM THE DWMC. HO AWARE.", "DWMC"),
    ("transferred to KH from OSH. KH cx pending x 3, so far at KH no growth.", "KH"),
    ("SCREENED BY TOWSON REHAB AND KIMBALL. MAY GO MONDAY", "KIMBALL"),
    ("Report shows blasts on diff at BMH.. Concern for lymphoma", "BMH"),
    ("So far at BMH, blood cx pending x 5", "BMH"),
    # wards with a floor number
    ("stable, c/o to ellison if continues stable", "ellison"),
    ("FOUND UNRESPONSIVE ON FARRINGDALE 6. CODE CALLED", "FARRINGDALE"),
    ("PLAN: FARRINGDALE 2 WHEN BED AVAILABLE", "FARRINGDALE"),
    ("TRANSFERRED BACK TO FARRINGDALE 3 POST CATH. FARRINGDALE3 CALLED A CODE", "FARRINGDALE"),
    ("transfer to okonjo 4. ? increase lopressor, okonjo 4 aware", "okonjo"),
    ("called out to tele bed on wexlerr campus, remains in micu", "wexlerr"),
    # places after family-travel and residence words
    ("ADDENDUM- DAUGHER FROM TUCSON CALLED FOR UPDATE", "TUCSON"),
    ("DAUGHTER TO ARRIVE 9/9 @ APPROX 1900 FROM TUCSON.", "TUCSON"),
    ("dau from dubuque called twice", "dubuque"),
    ("social: lives alone in white marsh, son lives close by", "white marsh"),
    ("son lives in Zorbaville with his wife", "Zorbaville"),
    ("DAUGHTER FROM KRAKOW ARRIVING TONIGHT", "KRAKOW"),
    ("wife is from Oaxaca, speaks Spanish", "Oaxaca"),
    ('asked where he was, stated "at haldor quist\'s house."', "haldor quist"),
    # employers
    ("anxious to get home, concerned about his business Zentrova", "Zentrova"),
    ("he works for pinecrest health, wife at bedside", "pinecrest health"),
    ("EMPLOYED AT DUNMORE FOODS UNTIL LAST YEAR", "DUNMORE"),
])
def test_facilities_wards_places_and_employers_are_found(text, secret):
    assert _covered(text, secret)


@pytest.mark.parametrize("text", [
    "VANCO LEVEL PEAK 31.1, TROUGH PENDING", "REHAB SCREENING DONE TODAY", "ICU team aware of plan",
    "taken to the hospital by ambulance", "went to outside hospital first", "pt came from rehab",
    "CT TO LWS, NG TO LCW SUCTION", "SET TO VVI 50", "converts back to NSB rate 50s", "SPEC SENT TO BB ON HOLD",
    "RETURNED TO SIMV. TOLERATING", "titrate to levophed 5 mcg", "changed to Apaced 88 no ectopy",
    "Stoolsx2 today, guaiac neg", "works at home", "works for the city", "works as a nurse",
    "his business is doing well", "went to her daughter's house", "lives in a group home", "lives alone in town",
    "daughter from home called", "OOB TO CHAIR X 2", "TRANSFERRED TO THE ICU FROM OR", "pt in NAD on cool mist",
    "PT IS IN SR, RATE 70S", "knows he is in the hospital", "ON DOBUTAMINE 5 MCG/KG", "TO CCU 6 AT 0400",
    "Pt remains in SR. No AF noted.", "Pt has spasm in LE.", "breathing comfortably at RA.",
    "returned to simv.discussed w dr", "son visiting from ICU", "lives in MA", "returned to baseline",
    "daughter from out of town called", "AWAITING REHAB OR HOME.", "pt transported to ctscan for chest", "c/o to floor if stable",
])
def test_clinical_text_is_left(text):
    assert [text[c.start:c.end] for c in find_facilities(text)] == []


@pytest.mark.parametrize("text", ["BUT UNDERSTANDS & CAN CONVERSE IN ENGLISH.", "MAY GO HOME OR REHAB.",
                                  "DISCUSSED WITH HO. AGREES WITH PLAN OK"])
def test_state_codes_that_are_words_need_a_comma_or_zip(text):
    from clinical_pipelines.deid.text.places import find_places
    assert find_places(text) == []


@pytest.mark.parametrize("text, city", [("lives in Gary IN 46402", "Gary"), ("from Dover, DE", "Dover"),
                                        ("moved from Salem, OR last year", "Salem")])
def test_city_and_state_are_still_found(text, city):
    from clinical_pipelines.deid.text.places import find_places
    assert city in [text[c.start:c.end] for c in find_places(text)]
