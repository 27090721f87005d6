"""Foreign postal addresses with invented streets and real national postcode shapes: UK (Royal Mail), Canada,
continental Europe (postcode before the town), Ireland (Eircode), Australia, India (PIN), with and without the
country, on one line or several; the house number, the street, the town and the postcode are found, the country
stays. And the clinical text whose numbers or codes look like a postcode (labs, doses, vitals, "LS6" alone, TNM
stages, ECG leads, a US "City, ST ZIP" line followed by a phone label) is left alone."""
import pytest

from clinical_pipelines.deid.text.postcodes import find_foreign_addresses

from ._finder_helpers import covered, touched

F = find_foreign_addresses


@pytest.mark.parametrize("text, parts", [
    # United Kingdom
    ("Address: Flat 3, 14 Elm Road, Leeds LS6 2AB, UK", ["Flat 3", "14 Elm Road", "Leeds", "LS6 2AB"]),
    ("Daughter lives at 10 Downing Street, London SW1A 1AA.", ["10 Downing Street", "London", "SW1A 1AA"]),
    ("Clinic: 5 Oxford St, Manchester M1 1AE", ["5 Oxford St", "Manchester", "M1 1AE"]),
    ("Lives at 221B Baker Street, London NW1 6XE", ["221B Baker Street", "London", "NW1 6XE"]),
    ("FLAT 3, 14 ELM ROAD, LEEDS LS6 2AB", ["FLAT 3", "14 ELM ROAD", "LEEDS", "LS6 2AB"]),
    ("Flat 2, 5 Princes St, Edinburgh EH2 2AN, Scotland", ["Flat 2", "5 Princes St", "Edinburgh", "EH2 2AN"]),
    ("NOK: 7 Mill Lane, Bristol BS1 4DJ, England", ["7 Mill Lane", "Bristol", "BS1 4DJ"]),
    ("Address:\n14 Elm Road\nLeeds\nLS6 2AB", ["14 Elm Road", "Leeds", "LS6 2AB"]),
    ("32 Quarry Rise, Birmingham B33 8TH", ["32 Quarry Rise", "Birmingham", "B33 8TH"]),
    ("home address 9 Hill View, Croydon CR2 6XH", ["9 Hill View", "Croydon", "CR2 6XH"]),
    ("Post code: W1A 0AX", ["W1A 0AX"]),
    ("Flat 3, 14 Elm Road, Leeds, West Yorkshire, LS6 2AB", ["Flat 3", "14 Elm Road", "Leeds", "LS6 2AB"]),
    ("London, SW1A 1AA", ["London", "SW1A 1AA"]),
    ("LONDON SW1A1AA", ["LONDON", "SW1A1AA"]),
    # Canada
    ("123 Rue Principale, Montréal QC H2X 1Y4", ["123 Rue Principale", "Montr", "H2X 1Y4"]),
    ("Apt 4B, 300 King St W, Toronto, ON M5V 1J5, Canada", ["Apt 4B", "300 King St W", "Toronto", "M5V 1J5"]),
    ("Son: 88 Maple Cres, Calgary AB T2N 1N4", ["88 Maple Cres", "Calgary", "T2N 1N4"]),
    ("45 Water St, Halifax, Nova Scotia B3J 1S9", ["45 Water St", "Halifax", "B3J 1S9"]),
    ("Vancouver BC V6B-1A1, Canada", ["Vancouver", "V6B-1A1"]),
    ("Montréal (Québec) H2X 1Y4", ["Montr", "H2X 1Y4"]),
    ("Ottawa, Ontario K1A 0B1", ["Ottawa", "K1A 0B1"]),
    # continental Europe: postcode before the town
    ("Sister at Hauptstraße 12, 10115 Berlin, Germany", ["Hauptstra", "10115", "Berlin"]),
    ("12 rue de la Paix, 75002 Paris", ["12 rue de la Paix", "75002", "Paris"]),
    ("Calle Mayor 5, 28013 Madrid", ["Calle Mayor 5", "28013", "Madrid"]),
    ("Via Roma 10, 00184 Roma, Italia", ["Via Roma 10", "00184", "Roma"]),
    ("Prinsengracht 263, 1016 GV Amsterdam", ["Prinsengracht 263", "1016 GV", "Amsterdam"]),
    ("Address: 7 Rua Augusta, 1100-048 Lisboa, Portugal", ["7 Rua Augusta", "1100-048", "Lisboa"]),
    ("ul. Marszalkowska 10, 00-950 Warszawa", ["Marszalkowska 10", "00-950", "Warszawa"]),
    ("Drottninggatan 5, 111 51 Stockholm", ["Drottninggatan 5", "111 51", "Stockholm"]),
    ("Bahnhofstrasse 1, 8001 Zürich", ["Bahnhofstrasse 1", "8001", "Z"]),
    ("Next of kin:\nHauptstraße 12\n10115 Berlin\nGermany", ["Hauptstra", "10115", "Berlin"]),
    ("wife at Lindenweg 4, D-80331 München", ["Lindenweg 4", "D-80331", "M"]),
    ("12 RUE DE LA PAIX, 75002 PARIS, FRANCE", ["12 RUE DE LA PAIX", "75002", "PARIS"]),
    ("Sender: 3 Avenue Foch, 69006 Lyon", ["3 Avenue Foch", "69006", "Lyon"]),
    ("Hauptstr. 12, 10115 Berlin", ["Hauptstr. 12", "10115", "Berlin"]),
    ("C/ Mayor 5, 28013 Madrid", ["C/ Mayor 5", "28013", "Madrid"]),
    ("Kurfürstendamm 21, 10719 Berlin", ["Kurf", "10719", "Berlin"]),
    ("F-75002 Paris", ["F-75002", "Paris"]),
    ("A-1010 Wien, Österreich", ["A-1010", "Wien"]),
    ("CH-8001 Zürich", ["CH-8001", "Z"]),
    # Ireland (Eircode)
    ("Home: 14 Main Street, Dublin D02 X285, Ireland", ["14 Main Street", "Dublin", "D02 X285"]),
    ("Eircode A65 F4E2", ["A65 F4E2"]),
    ("Lives at 3 Shop St, Galway H91 FX2T", ["3 Shop St", "Galway", "H91 FX2T"]),
    ("12 Main Street, Dublin 4", ["12 Main Street", "Dublin 4"]),
    ("Flat 2, 7 Baggot St, Dublin 2, Ireland", ["Flat 2", "7 Baggot St", "Dublin 2"]),
    ("12 MAIN STREET, DUBLIN 6W", ["12 MAIN STREET", "DUBLIN 6W"]),
    # Australia
    ("12 George St, Sydney NSW 2000, Australia", ["12 George St", "Sydney", "2000"]),
    ("12 Collins St, Melbourne VIC 3000", ["12 Collins St", "Melbourne", "3000"]),
    ("Daughter in Brisbane QLD 4000", ["Brisbane", "4000"]),
    # India
    ("Son lives at 45 MG Road, Bangalore 560001, India", ["45 MG Road", "Bangalore", "560001"]),
    ("45 MG Road, Bangalore 560001", ["45 MG Road", "Bangalore", "560001"]),
    ("Kalyani Nagar, Pune 411006, India", ["Kalyani Nagar", "Pune", "411006"]),
    ("Mumbai - 400001, Maharashtra", ["Mumbai", "400001"]),
    ("PIN: 110001", ["110001"]),
    ("Chennai 600 028, Tamil Nadu, India", ["Chennai", "600 028"]),
    ("Bengaluru, Karnataka 560001", ["Bengaluru", "560001"]),
    # notes typed all in lower case
    ("address: flat 3, 14 elm road, leeds ls6 2ab, uk", ["flat 3", "14 elm road", "leeds", "ls6 2ab"]),
    ("sister at hauptstrase 12, 10115 berlin, germany", ["hauptstrase 12", "10115", "berlin"]),
    ("123 rue principale, montreal qc h2x 1y4", ["123 rue principale", "montreal", "h2x 1y4"]),
    ("son: 12 george st, sydney nsw 2000", ["12 george st", "sydney", "2000"]),
    # other countries: a postcode before the country
    ("22 Queen St, Auckland 1010, New Zealand", ["22 Queen St", "Auckland", "1010"]),
])
def test_foreign_address_found(text, parts):
    for part in parts:
        assert covered(F, text, part), part


def test_country_and_province_stay():
    text = "123 Rue Principale, Montréal QC H2X 1Y4, Canada; 12 George St, Sydney NSW 2000, Australia"
    for word in ("Canada", "QC", "NSW", "Australia"):
        assert not touched(F, text, word)


@pytest.mark.parametrize("text, word", [
    ("Lipase 560001? K 4.1, Na 138, WBC 12.3", "560001"),
    ("BP 120/80, HR 88, QTc 450 ms", "450"),
    ("LS6 level on MRI", "LS6"),
    ("T2 N0 M0 adenocarcinoma", "T2"),
    ("ST elevation V1 V2, 2 mm", "V1"),
    ("Plt 150000, Plt 250 000", "150000"),
    ("glucose 10000 Units", "10000"),
    ("Na 138, 14000 Cells", "14000"),
    ("VIC 2000 mL", "2000"),
    ("sodium 135, 10 mg, 2000 mL", "2000"),
    ("heparin 25000 units in 250 mL", "25000"),
    ("Macon, GA 31201  Ph 1-484-994-7462", "Ph"),
    ("Medford, Oregon 97501-1238\nFax 637 545 3402", "Fax"),
    ("MRN H085989   DOB: 1953-03-13", "MRN"),
    ("Troponin 12345 ng/L, CK 10115 U/L", "10115"),
    ("WBC 10.2, Hgb 9.8, Plt 150, INR 1.2", "150"),
    ("Creatinine clearance 75002 Paris? no", "Paris"),
    ("Room 2000 Bed A, Unit 5 West", "2000"),
    ("A1C 6.5, LDL 130", "A1C"),
    ("C5 6AB is not a dermatome", "C5"),
    ("patient from Leeds", "Leeds"),
    ("PT-2000 Machine.", "2000"),
    ("visited Dublin 2 years ago", "2"),
    ("Dublin 4 weeks ago", "4"),
    ("Vitamin D 1 cap 50000 IU.", "50000"),
    ("CP 150000 since noon", "150000"),
    ("k 4.1, na 138, ls6 level, t2 n0 m0, plt 150000, vic 2000 ml", "2000"),
    ("bp 120/80, hr 88, spo2 98% on 2l, na 138, k 4.1", "138"),
    ("West 5, 2000 Units.", "2000"),
    ("moved to 5 West, 2000 mL out", "2000"),
    ("Creat 1.2, 1000 Normal saline", "1000"),
    ("EF 55%, LVEDD 5.2, E/A 0.8, 12345 Main", "12345"),
])
def test_clinical_text_stays(text, word):
    assert not touched(F, text, word)
