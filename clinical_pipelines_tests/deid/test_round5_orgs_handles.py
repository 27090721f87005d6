"""Round-5 kinds, user names and account handles in messaging, printing and signing lines are redacted (HIPAA Safe
Harbor (A) and (R); i2b2 2014 USERNAME); ordinary words after the same cues stay."""
import pytest

from clinical_pipelines.deid.text.user_handles import find_user_handles

from .test_round5_orgs import covered, touched

HANDLES = [
    ("message from jsmith2 re: refill", "jsmith2"),
    ("sent by: KLEE", "KLEE"),
    ("Printed by: mgarcia on 03/04/2021", "mgarcia"),
    ("e-signed by rpatel", "rpatel"),
    ("Entered by user ab12345", "ab12345"),
    ("Last edited by JDOE1", "JDOE1"),
    ("Message sent by jdoe on 2/2/20", "jdoe"),
    ("Electronically signed by: tlee 04/05/2022 10:31", "tlee"),
    ("cc: mkim, sjones3", "mkim"),
    ("cc: mkim, sjones3", "sjones3"),
    ("Staff message from bsmith: pt called re meds", "bsmith"),
    ("Routed to: dlewis7", "dlewis7"),
    ("User: kpatel01 logged in", "kpatel01"),
    ("Username: awong", "awong"),
    ("Reviewed by jm4521", "jm4521"),
    ("Last modified by: NGUYENT", "NGUYENT"),
    ("Result note by hchen4: normal", "hchen4"),
    ("Order entered by user RJONES on 5/6", "RJONES"),
    ("Transcribed by: lm22 Dictated by: pokafor", "lm22"),
    ("Transcribed by: lm22 Dictated by: pokafor", "pokafor"),
    ("Acknowledged by: e.kowalski", "e.kowalski"),
    ("Cosigned by omartinez3 at 14:02", "omartinez3"),
    ("Author: vnguyen2 Service: Medicine", "vnguyen2"),
    ("printed by swu at 1730 from workstation", "swu"),
    ("Last updated by: ADIAZ 06/01/2023", "ADIAZ"),
    ("Logged in as jbrennan_rn", "jbrennan_rn"),
    ("Forwarded to: @tkaur", "tkaur"),
    ("Signed: John Smith, MD (jsmith2)", "jsmith2"),
    ("Electronically signed by Ana Ruiz, RN (aruiz4) 06/01/2023", "aruiz4"),
    ("Printed on 3/4/21 14:02 by KLEE", "KLEE"),
    ("Last edited 02/03/2021 by ab12345", "ab12345"),
    ("Routed by nkim", "nkim"),
    ("Sender: jsmith2", "jsmith2"),
    ("From: KLEE To: rpatel", "rpatel"),
    ("sent via secure chat by kwong3", "kwong3"),
]


@pytest.mark.parametrize("text,value", HANDLES)
def test_user_handles_are_redacted(text, value):
    assert covered(text, value)


WORDS_AFTER_CUES = [
    ("Sent by fax to PCP.", "fax"),
    ("Printed by: system", "system"),
    ("Message from patient re: refill.", "patient"),
    ("Entered by pharmacy.", "pharmacy"),
    ("Signed by provider.", "provider"),
    ("Reviewed by RN.", "RN"),
    ("Message from daughter asking about discharge.", "daughter"),
    ("Sent by mail on Friday.", "mail"),
    ("Edited by: ICU staff", "ICU"),
    ("Note to PCP: please follow up.", "PCP"),
    ("Called by family at 0800.", "family"),
    ("Order entered by MD at 2pm.", "2pm"),
    ("Reviewed by pharmacist, no interactions.", "pharmacist"),
    ("Message from lab: K 5.9, repeat ordered.", "lab"),
    ("Signed by: attending", "attending"),
    ("cc: chart", "chart"),
    ("Sent to: inbox", "inbox"),
    ("Sent to: lab", "lab"),
    ("Printed by: HIM", "HIM"),
]


@pytest.mark.parametrize("text,value", WORDS_AFTER_CUES)
def test_words_after_messaging_cues_stay(text, value):
    assert not find_user_handles(text) or not any(
        text[c.start:c.end] == value for c in find_user_handles(text))
    assert not touched(text, value, ("NAME",))
