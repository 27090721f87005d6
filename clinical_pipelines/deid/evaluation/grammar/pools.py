"""Value pools for the format-grammar corpus: personal names of many origins, US places, streets, facilities.

Written for this corpus (not taken from the census name lists the engine uses, nor from the project's note
generator). Names carry their usual diacritics; several first names are also ordinary English words (Hank,
Rose, Will, Faith, Bill, Summer, Grant...), several surnames are common words or places, to measure
recall on names a dictionary would miss and precision on words a name list would over-match. Places are real
US cities with their state and a ZIP code of that city (public geography, used as surrogate values).
"""
from __future__ import annotations

# origin -> (female first names, male first names, surnames)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "spanish": (
        ("Lucía", "María José", "Ximena", "Guadalupe", "Itzel", "Marisol", "Rocío", "Inés", "Begoña", "Ángela",
         "Araceli", "Yesenia", "Maribel", "Nayeli", "Consuelo", "Dulce"),
        ("José", "Jesús", "Álvaro", "Joaquín", "Iñaki", "Rubén", "Héctor", "Ramón", "Sebastián", "Andrés",
         "Fermín", "Efraín", "Nicolás", "Julián"),
        ("Ibáñez", "Peña", "Muñoz", "Gutiérrez", "Hernández", "Ordóñez", "Cárdenas", "Velázquez",
         "Quiñones", "Báez", "Zúñiga", "Acuña", "Echeverría", "Montaño", "Jiménez", "de la Cruz", "Villaseñor"),
    ),
    "portuguese": (
        ("Conceição", "Graça", "Luísa", "Joana", "Inês", "Fernanda", "Thaís", "Lúcia", "Aparecida", "Rosário"),
        ("João", "Gonçalo", "Sebastião", "Tomé", "Caio", "Luís", "Vinícius", "Estêvão", "Anísio", "Otávio"),
        ("Gonçalves", "Magalhães", "Araújo", "Simões", "Brandão", "Falcão", "Guimarães", "Assunção", "Patrício",
         "Lourenço", "Conceição", "Damião"),
    ),
    "polish": (
        ("Małgorzata", "Agnieszka", "Grażyna", "Bożena", "Jadwiga", "Wiesława", "Żaneta", "Łucja", "Halina"),
        ("Łukasz", "Wojciech", "Grzegorz", "Przemysław", "Zbigniew", "Jędrzej", "Bartłomiej",
         "Mieczysław", "Ryszard"),
        ("Wiśniewski", "Wójcik", "Dąbrowski", "Zieliński", "Szymańska", "Woźniak", "Kamiński",
         "Lewandowski", "Grabowska", "Jabłoński", "Król", "Piątek", "Sobczak", "Chmielewski"),
    ),
    "vietnamese": (
        ("Thảo", "Phương", "Hương", "Quỳnh", "Ngọc", "Thúy", "Trâm", "Nhung", "Yến"),
        ("Dũng", "Tuấn", "Đức", "Huy", "Khoa", "Long", "Phúc", "Thắng", "Quang"),
        ("Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"),
    ),
    "turkish": (
        ("Ayşe", "Gülşen", "Şükran", "Özlem", "Çiğdem", "Müge", "Ebru", "Nurcan", "Dilek"),
        ("Oğuz", "Mehmet", "Şükrü", "İbrahim", "Çağrı", "Ümit", "Barış", "Görkem", "Emre"),
        ("Yılmaz", "Öztürk", "Şahin", "Çelik", "Doğan", "Aydın", "Kılıç", "Yıldız", "Güneş", "Çakır",
         "Bayraktar", "Özdemir"),
    ),
    "nordic": (
        ("Åsa", "Sigrún", "Ingrid", "Solveig", "Bodil", "Märta", "Ragnhild", "Kirsten", "Hjördis", "Liv"),
        ("Øystein", "Bjørn", "Håkon", "Søren", "Jörgen", "Halvard", "Einar", "Sindre", "Ólafur", "Tor"),
        ("Sørensen", "Bjørnstad", "Åberg", "Lindqvist", "Øvergaard", "Håkansson", "Ström",
         "Ekström", "Gunnarsdóttir", "Jóhannsson", "Nyström", "Thorsen"),
    ),
    "west_african": (
        ("Chiamaka", "Ngozi", "Folasade", "Temitope", "Oluwaseun", "Yewande", "Ifeoma", "Abena", "Ama"),
        ("Chinedu", "Oluwadamilare", "Emeka", "Babatunde", "Kwame", "Kofi", "Obinna", "Adebayo", "Tunde"),
        ("Adeyemi", "Nwosu", "Eze", "Olawale", "Mensah", "Asante", "Okoye",
         "Adebisi", "Ogunleye", "Boateng"),
    ),
    "south_asian": (
        ("Priya", "Lakshmi", "Ananya", "Deepika", "Sunita", "Kavya", "Nandini", "Farzana", "Harpreet"),
        ("Rohan", "Arjun", "Venkatesh", "Suresh", "Imran", "Vikram", "Sanjay", "Gurpreet", "Anil"),
        ("Ramachandran", "Venkataraman", "Chaudhary", "Iyer", "Banerjee", "Krishnamurthy", "Siddiqui", "Gill",
         "Bhattacharya", "Patel", "Reddy", "Nair"),
    ),
    "east_asian": (
        ("Mei", "Xiaoling", "Yuki", "Haruka", "Ji-woo", "Seo-yeon", "Ying", "Hana", "Aiko"),
        ("Wei", "Jian", "Haruto", "Takeshi", "Min-jun", "Jae-hyun", "Zhiwei", "Kenji", "Hiroshi"),
        ("Zhang", "Xu", "Liang", "Takahashi", "Watanabe", "Park", "Choi", "Kim", "Nakamura", "Huang", "Zhou",
         "Yoon", "Ito"),
    ),
    "arabic_persian": (
        ("Fatima", "Layla", "Maryam", "Noor", "Yasmin", "Shirin", "Farah", "Rania"),
        ("Mohammed", "Omar", "Khalid", "Youssef", "Reza", "Karim", "Tariq", "Hamid"),
        ("Al-Masri", "Haddad", "Nasser", "El-Sayed", "Rahimi", "Hosseini", "Abdullah", "Khoury", "Mansour",
         "Farouk"),
    ),
    "european": (
        ("Dagmar", "Jitka", "Zsófia", "Ioana", "Siobhán", "Aoife", "Gretchen", "Eleni", "Anneliese", "Mireille"),
        ("Jürgen", "Dušan", "Miloš", "Zoltán", "Ciarán", "Pádraig", "Dimitrios", "Matthias", "Aurélien"),
        ("Müller", "Schäfer", "Großmann", "Weiß", "Dvořák", "Novák", "Horváth", "Petrović", "Đorđević",
         "O'Brien", "O'Sullivan", "MacLeod", "D'Angelo", "van der Berg", "Papadopoulos", "Jean-Baptiste",
         "Fils-Aimé", "Dieudonné"),
    ),
    "word_names": (
        ("Faith", "Summer", "Hope", "Joy", "Grace", "Iris", "June", "Dawn", "Holly", "April", "May",
         "Ivy", "Olive", "Pearl", "Ruby", "Amber", "Crystal", "Charity", "Autumn"),
        ("Will", "Bill", "Grant", "Rusty", "Buck", "Chase", "Lance", "Wade", "Clay", "Rich", "Frank",
         "Mark", "Jack", "Dean", "Drew", "Miles", "Pat", "Sonny", "Guy"),
        ("Walker", "Baker", "Fisher", "Hunter", "Little", "Young", "White", "Brown", "Moody", "Strong", "Best",
         "Wise", "Hale", "Cook", "Rivers", "Banks", "Hill", "Marsh", "Gray", "Price", "Long", "Bell", "Frost",
         "Stone", "Wood", "Church", "Sharp", "Sweet"),
    ),
}

MIDDLE_VIETNAMESE = ("Thị", "Văn", "Đình", "Ngọc", "Quốc", "Hữu")

# (city, state abbreviation, state name, a ZIP code of that city)
PLACES: tuple[tuple[str, str, str, str], ...] = (
    ("Montpelier", "VT", "Vermont", "05602"), ("Great Falls", "MT", "Montana", "59401"),
    ("Poughkeepsie", "NY", "New York", "12601"), ("Ames", "IA", "Iowa", "50010"),
    ("Duluth", "MN", "Minnesota", "55802"), ("Lafayette", "LA", "Louisiana", "70501"),
    ("Bend", "OR", "Oregon", "97701"), ("Flagstaff", "AZ", "Arizona", "86001"),
    ("Missoula", "MT", "Montana", "59801"), ("Bangor", "ME", "Maine", "04401"),
    ("Roanoke", "VA", "Virginia", "24011"), ("Macon", "GA", "Georgia", "31201"),
    ("Joplin", "MO", "Missouri", "64801"), ("Pueblo", "CO", "Colorado", "81003"),
    ("Yakima", "WA", "Washington", "98901"), ("Laredo", "TX", "Texas", "78040"),
    ("Las Cruces", "NM", "New Mexico", "88001"), ("Kalamazoo", "MI", "Michigan", "49007"),
    ("Sioux Falls", "SD", "South Dakota", "57104"), ("Fargo", "ND", "North Dakota", "58102"),
    ("Casper", "WY", "Wyoming", "82601"), ("Pocatello", "ID", "Idaho", "83201"),
    ("Elko", "NV", "Nevada", "89801"), ("Hilo", "HI", "Hawaii", "96720"),
    ("Kearney", "NE", "Nebraska", "68847"), ("Muncie", "IN", "Indiana", "47302"),
    ("Dayton", "OH", "Ohio", "45402"), ("Erie", "PA", "Pennsylvania", "16501"),
    ("Ithaca", "NY", "New York", "14850"), ("Asheville", "NC", "North Carolina", "28801"),
    ("Florence", "SC", "South Carolina", "29501"), ("Tupelo", "MS", "Mississippi", "38801"),
    ("Dothan", "AL", "Alabama", "36301"), ("Gainesville", "FL", "Florida", "32601"),
    ("Paducah", "KY", "Kentucky", "42001"), ("Jackson", "TN", "Tennessee", "38301"),
    ("Hot Springs", "AR", "Arkansas", "71901"), ("Lawton", "OK", "Oklahoma", "73501"),
    ("Topeka", "KS", "Kansas", "66603"), ("Rapid City", "SD", "South Dakota", "57701"),
    ("Provo", "UT", "Utah", "84601"), ("Eureka", "CA", "California", "95501"),
    ("Salinas", "CA", "California", "93901"), ("Medford", "OR", "Oregon", "97501"),
    ("Wenatchee", "WA", "Washington", "98801"), ("Keene", "NH", "New Hampshire", "03431"),
    ("Pittsfield", "MA", "Massachusetts", "01201"), ("New London", "CT", "Connecticut", "06320"),
    ("Newport", "RI", "Rhode Island", "02840"), ("Dover", "DE", "Delaware", "19901"),
    ("Hagerstown", "MD", "Maryland", "21740"), ("Morgantown", "WV", "West Virginia", "26501"),
    ("Champaign", "IL", "Illinois", "61820"), ("Eau Claire", "WI", "Wisconsin", "54701"),
    ("Marquette", "MI", "Michigan", "49855"), ("Bismarck", "ND", "North Dakota", "58501"),
    ("Santa Fe", "NM", "New Mexico", "87501"), ("Cheyenne", "WY", "Wyoming", "82001"),
    ("Juneau", "AK", "Alaska", "99801"),
    ("Opelousas", "LA", "Louisiana", "70570"), ("Chillicothe", "OH", "Ohio", "45601"),
    ("Walla Walla", "WA", "Washington", "99362"), ("Winnemucca", "NV", "Nevada", "89445"),
)

COUNTIES = ("Lamoille", "Yellowstone", "Ulster", "Dubuque", "St. Louis", "Lafayette", "Deschutes", "Coconino",
            "Penobscot", "Bibb", "Jasper", "Yakima", "Webb", "Cass", "Natrona", "Elko", "Buffalo", "Delaware",
            "Tompkins", "Buncombe", "Lee", "Madison", "Garland", "Comanche", "Shawnee", "Pennington", "Utah")

STREETS = ("Tupelo", "Wexford", "Maple", "Juniper", "Lincoln", "Mill", "Ridge", "Lakeview", "Prospect", "Orchard",
           "Sycamore", "Hawthorne", "Chestnut", "Magnolia", "Aspen", "Cottonwood", "Harbor", "Meadow", "Quarry",
           "Tamarack", "Dogwood", "Kensington", "Canal", "Summit", "Pleasant", "Bluff", "Garfield", "Rosewood",
           "Martin Luther King Jr", "Calle del Sol", "Old Post", "Saint Anne", "Fairview", "Cherry Hill",
           "Ocotillo", "Kamehameha", "Pershing", "Wabash", "Hollis", "Tecumseh")
STREET_SUFFIXES = ("St", "St.", "Street", "Ave", "Ave.", "Avenue", "Rd", "Road", "Ln", "Lane", "Dr", "Drive",
                   "Pl.", "Place", "Ct", "Court", "Blvd", "Way", "Ter", "Terrace", "Pkwy", "Cir", "Trl")

FACILITY_PATTERNS = ("{place} Memorial Hospital", "St. {saint} Medical Center", "{word} Valley Hospital",
                     "{place} Regional Medical Center", "Good Samaritan {place}", "{word} Community Hospital",
                     "Sacred Heart {place}", "{place} General", "{word} Health Center")
SAINTS = ("Agnes", "Bernadine", "Casimir", "Dymphna", "Eligius", "Florian", "Gemma", "Hedwig", "Isidore",
          "Jude", "Kateri", "Luke", "Vincent")
FACILITY_WORDS = ("Riverbend", "Pinecrest", "Cedar Ridge", "Bluewater", "Granite Falls", "Prairie View",
                  "Silver Lake", "Stonebridge", "Willow Creek", "High Desert", "North Shore", "Elm Grove")
CLINICS = ("Northside Family Medicine", "Lakeshore Cardiology Associates", "Prairie Wind Pulmonology",
           "Canyon Kidney Care", "Harborview Internal Medicine", "Tri-Valley Orthopedics",
           "Sunrise Pediatrics", "Blue Heron Hospice", "Maplewood Dialysis Center", "Ridgeline Wound Clinic")
PHARMACIES = ("Main Street Pharmacy", "Corner Drug", "Hilltop Apothecary", "Valley Rx", "Bayside Pharmacy",
              "Keller Drug & Gift")
EMPLOYERS = ("Tri-County Sanitation", "Holloway Dairy", "Great Plains Rail", "Keystone Tool & Die",
             "Redwood Unified School District", "Lakeside Elementary", "Bluegrass Poultry", "Ozark Timber Co.",
             "Harmon & Veit LLP", "Sierra Pacific Packing", "Quillen Roofing", "Northern Star Casino")
EMAIL_DOMAINS = ("mailbox.org", "example.com", "example.net", "proton.me", "fastmail.com", "outlook.com",
                 "yahoo.com", "gmail.com", "aol.com", "icloud.com")
PORTAL_HOSTS = ("portal", "mychart", "patients", "myhealth", "connect")
ORG_DOMAIN_WORDS = ("riverbendhealth", "pinecrestmed", "bluewater-health", "prairieviewhospital",
                    "stagneshealth", "graniteclinic")
