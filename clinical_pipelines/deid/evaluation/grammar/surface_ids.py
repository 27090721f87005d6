"""Surface forms of identifying numbers, contact details and addresses (Safe Harbor (B), (D)-(O), (R)).

Each generator draws a value and returns ``(surface text, canonical value)``: the canonical value is what a
record system would hold (digits only, or the issuer's own format) and goes to ``known_identifiers``; the
surface text is how it appears in a note: any grouping (3-3-3, 3-2-3, 3-2-4, 4-4), separators (space, hyphen,
dot, slash, spaced hyphen, en dash, non-breaking hyphen), leading zeros, national and international phone forms
(NANP, E.164 "+44 20 ..."), zero-padded dotted IPv4, e-mails spelled out ("name at example dot com"), URLs with
and without a scheme. Addresses follow USPS Publication 28 forms: hyphenated (Queens-style) house numbers,
numbered routes and county roads, unit / suite / floor designators, PO boxes, rural routes, ZIP and ZIP+4 after
state abbreviations or spelled state names, all-caps lines.
"""
from __future__ import annotations

import random
import string

from . import pools
from .surface_dates import DASHES, Phrase

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def digits(rng: random.Random, n: int, lead_nonzero: bool = True) -> str:
    first = str(rng.randint(1, 9)) if lead_nonzero else str(rng.randint(0, 9))
    return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


def group(value: str, sizes: tuple[int, ...], sep: str) -> str:
    out, pos = [], 0
    for s in sizes:
        out.append(value[pos:pos + s])
        pos += s
    if pos < len(value):
        out.append(value[pos:])
    return sep.join(x for x in out if x)


def _sep(rng: random.Random) -> str:
    return rng.choice((" ", "-", ".", "-", " ", "\u2013", "\u2011", " - "))


def _groupings(n: int) -> list[tuple[int, ...]]:
    return {6: [(3, 3), (2, 2, 2)], 7: [(3, 4), (2, 3, 2)], 8: [(4, 4), (3, 2, 3), (2, 3, 3)],
            9: [(3, 3, 3), (3, 2, 4), (4, 5)], 10: [(3, 3, 4), (4, 3, 3), (2, 4, 4)],
            11: [(3, 4, 4), (4, 4, 3)], 12: [(4, 4, 4), (3, 3, 3, 3)]}.get(n, [(n,)])


def grouped_number(value: str, rng: random.Random, plain_p: float = 0.35) -> str:
    """``value`` plain or in a grouping with one separator."""
    if rng.random() < plain_p:
        return value
    return group(value, rng.choice(_groupings(len(value))), _sep(rng))


def mrn(rng: random.Random) -> tuple[str, str]:
    v = digits(rng, rng.choice((7, 8, 8, 9, 9, 10)), lead_nonzero=rng.random() < 0.8)
    r = rng.random()
    if r < 0.1:
        return "00" + v, v
    if r < 0.18:
        pre = rng.choice(("E", "M", "MR"))
        return pre + v, pre + v
    return grouped_number(v, rng), v


def ssn(rng: random.Random) -> tuple[str, str]:
    v = f"{rng.randint(100, 665)}{rng.randint(10, 99)}{rng.randint(1000, 9999)}"
    canon = f"{v[:3]}-{v[3:5]}-{v[5:]}"
    r = rng.random()
    if r < 0.12:
        return v, canon
    if r < 0.2:
        return v[5:], canon  # "last 4" written alone
    sep = rng.choice(("-", "-", ".", " ", "\u2013", "\u2011", "/"))
    return f"{v[:3]}{sep}{v[3:5]}{sep}{v[5:]}", canon


def phone(rng: random.Random, international_p: float = 0.08) -> tuple[str, str]:
    if rng.random() < international_p:
        cc, body = rng.choice((("44", (2, 4, 4)), ("49", (2, 4, 4)), ("52", (2, 4, 4)), ("63", (1, 3, 4)),
                               ("234", (3, 3, 4)), ("351", (3, 3, 3))))
        parts = [digits(rng, n) for n in body]
        return f"+{cc} " + " ".join(parts), f"+{cc}{''.join(parts)}"
    area, exch, line = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}", \
        f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}", f"{rng.randint(0, 9999):04d}"
    canon = f"({area}) {exch}-{line}"
    d = rng.choice(DASHES)
    text = rng.choice((
        f"({area}) {exch}-{line}", f"({area}) {exch} - {line}", f"({area}){exch}-{line}", f"{area}/{exch}-{line}",
        f"{area}.{exch}.{line}", f"{area}-{exch}-{line}", f"{area}{d}{exch}{d}{line}", f"{area} {exch} {line}",
        f"{area}{exch}{line}", f"+1 {area} {exch} {line}", f"1-{area}-{exch}-{line}", f"+1 ({area}) {exch}-{line}",
        f"{area} - {exch} - {line}", f"{exch}-{line}"))
    if rng.random() < 0.05:
        canon = area + exch + line
    return text, canon


def pager(rng: random.Random) -> tuple[str, str]:
    v = digits(rng, rng.choice((4, 5, 5)))
    return v, v


def email(first: str, last: str, rng: random.Random) -> tuple[str, str]:
    from .record import ascii_fold
    f, la = ascii_fold(first).lower() or "pt", ascii_fold(last).lower() or "x"
    local = rng.choice((f"{f}.{la}", f"{f[0]}{la}", f"{f}{la[:2]}{rng.randint(1, 99)}", f"{f}_{la}",
                        f"{la}.{f[0]}{rng.randint(50, 99)}", f"{f}{rng.randint(1950, 2005)}"))
    domain = rng.choice(pools.EMAIL_DOMAINS)
    canon = f"{local}@{domain}"
    host, tld = domain.rsplit(".", 1)
    text = rng.choice((canon, canon, canon.upper(), f"{local} at {host} dot {tld}", f"{local} [at] {host} [dot] {tld}",
                       f"{local}(at){domain}", f"{local} @ {domain}", f"{local} AT {host} DOT {tld}"))
    return text, canon


def url(first: str, last: str, rng: random.Random) -> tuple[str, str]:
    org = rng.choice(pools.ORG_DOMAIN_WORDS)
    pid = digits(rng, rng.choice((6, 7, 8)))
    base = rng.choice((f"{rng.choice(pools.PORTAL_HOSTS)}.{org}.org/patient/{pid}", f"{org}.org/pt?id={pid}",
                       f"{org}.com/u/{pid}", f"telehealth.{org}.org/join/{letters(rng, 3).lower()}-{pid[:4]}",
                       f"www.caringbridge.org/visit/{last.lower().replace(' ', '')}{pid[:3]}"))
    canon = "https://" + base
    text = rng.choice((canon, "http://" + base, base, "www." + base if not base.startswith("www.") else base))
    return text, canon


def ip(rng: random.Random) -> tuple[str, str]:
    octets = rng.choice(([10, rng.randint(0, 255)], [192, 168], [172, rng.randint(16, 31)],
                         [rng.randint(23, 223), rng.randint(0, 255)]))
    octets = octets + [rng.randint(0, 255), rng.randint(1, 254)]
    canon = ".".join(str(o) for o in octets)
    r = rng.random()
    if r < 0.25:
        return ".".join(f"{o:03d}" for o in octets), canon
    if r < 0.32:
        v6 = f"fe80::{rng.randint(0, 0xffff):x}:{rng.randint(0, 0xffff):x}:{rng.randint(0, 0xffff):x}"
        return v6, v6
    return canon, canon


def health_plan(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.3:  # Medicare Beneficiary Identifier layout (CMS): C A AN N A AN N A A N N
        a = "ACDEFGHJKMNPQRTUVWXY"
        an = a + "0123456789"
        v = (str(rng.randint(1, 9)) + rng.choice(a) + rng.choice(an) + str(rng.randint(0, 9)) + rng.choice(a)
             + rng.choice(an) + str(rng.randint(0, 9)) + rng.choice(a) + rng.choice(a) + digits(rng, 2, False))
        return rng.choice((v, f"{v[:4]}-{v[4:7]}-{v[7:]}")), v
    if r < 0.6:
        v = letters(rng, 3) + digits(rng, 9)
        return rng.choice((v, f"{v[:3]} {v[3:]}", f"{v[:3]}-{v[3:7]}-{v[7:]}")), v
    v = digits(rng, rng.choice((9, 10, 11)))
    return grouped_number(v, rng), v


def account(rng: random.Random) -> tuple[str, str]:
    v = digits(rng, rng.choice((8, 9, 10, 12)), lead_nonzero=rng.random() < 0.7)
    if rng.random() < 0.2:
        return f"{rng.randint(2019, 2025)}-{v}", v
    return grouped_number(v, rng), v


def license_no(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.4:
        v = letters(rng, 1) + digits(rng, 12, False)
        return rng.choice((v, f"{v[:4]}-{v[4:8]}-{v[8:]}")), v
    if r < 0.7:
        v = letters(rng, 1) + digits(rng, 7, False)
        return v, v
    v = digits(rng, 9)
    return grouped_number(v, rng), v


def plate(rng: random.Random) -> tuple[str, str]:
    v = rng.choice((f"{rng.randint(1, 9)}{letters(rng, 3)}{digits(rng, 3, False)}", f"{letters(rng, 3)}{digits(rng, 4)}",
                    f"{digits(rng, 3)}{letters(rng, 3)}"))
    return rng.choice((v, f"{v[:3]}-{v[3:]}", f"{v[:3]} {v[3:]}")), v


def vin(rng: random.Random) -> tuple[str, str]:
    v = "".join(rng.choice(_VIN_CHARS) for _ in range(17))
    return v, v


def device_serial(rng: random.Random) -> tuple[str, str]:
    v = rng.choice((f"{letters(rng, 3)}{digits(rng, 6)}{letters(rng, 1)}", f"{digits(rng, 4)}{letters(rng, 2)}{digits(rng, 4)}",
                    f"{letters(rng, 2)}{digits(rng, 8)}", digits(rng, 10)))
    text = v if rng.random() < 0.6 else f"{v[:4]}-{v[4:]}"
    return text, v


def other_id(rng: random.Random) -> tuple[str, str, str]:
    """(label, surface, canonical) of another unique number: accession, CSN, study id, Rx number, badge."""
    kind = rng.randrange(6)
    if kind == 0:
        v = f"{rng.choice('SCFN')}{rng.randint(19, 25)}-{digits(rng, 5, False)}"
        return rng.choice(("Accession #:", "Accession:", "Case:")), v, v
    if kind == 1:
        v = digits(rng, 10)
        return rng.choice(("CSN:", "Encounter #", "Visit ID")), grouped_number(v, rng, 0.7), v
    if kind == 2:
        v = f"{letters(rng, 3)}-{rng.randint(2019, 2025)}-{digits(rng, 4, False)}"
        return rng.choice(("Study ID", "Research subject ID:", "Trial participant no.")), v, v
    if kind == 3:
        v = digits(rng, 7)
        return rng.choice(("Rx #", "Rx#", "Prescription no.")), v, v
    if kind == 4:
        v = digits(rng, 5)
        return rng.choice(("employee badge", "Badge #", "Employee ID")), v, v
    v = f"{letters(rng, 2)}{digits(rng, 6)}"
    return rng.choice(("Requisition", "Order #", "Specimen ID")), v, v


# ---------------------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------------------

def street_line(rng: random.Random) -> tuple[str, str]:
    """A street address line (house number, street, designators); (surface, canonical)."""
    name = rng.choice(pools.STREETS)
    suffix = rng.choice(pools.STREET_SUFFIXES)
    house = str(rng.choice((rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 9999), rng.randint(10000, 29999))))
    kind = rng.randrange(10)
    if kind == 0:
        house = f"{rng.randint(10, 99)}-{rng.randint(1, 99):02d}"
    if kind == 1:
        line = f"{house} {rng.choice(('Route', 'Rte', 'State Route', 'US Hwy', 'State Hwy', 'County Road', 'Co Rd'))} {rng.randint(1, 399)}"
    elif kind == 2:
        line = f"RR {rng.randint(1, 9)} Box {rng.randint(1, 999)}"
    else:
        d = rng.choice(("", "", "", "N ", "S. ", "E ", "West ", "NW "))
        line = f"{house} {d}{name} {suffix}"
    unit = rng.random()
    if unit < 0.12:
        line += f" {rng.choice(('Fl', 'Floor', 'Fl.'))} {rng.randint(2, 12)}"
    elif unit < 0.25:
        unit_no = rng.choice((str(rng.randint(1, 40)), str(rng.randint(1, 9)) + rng.choice("ABCDEF")))
        line += f"{rng.choice((', ', ' '))}{rng.choice(('Apt', 'Apt.', 'Unit', 'Suite', 'Ste', '#'))} {unit_no}"
    canon = line
    if rng.random() < 0.15:
        line = line.upper()
    return line, canon


def po_box(rng: random.Random) -> Phrase:
    return [(rng.choice(("PO Box ", "P.O. Box ", "PO BOX ", "POB ", "P O Box ")), None), (str(rng.randint(10, 99999)), "LOCATION")]


def zip_text(zip5: str, rng: random.Random) -> tuple[str, str]:
    z = zip5[:3] + f"{rng.randint(0, 99):02d}" if rng.random() < 0.5 else zip5
    if rng.random() < 0.3:
        return f"{z}-{rng.randint(0, 9999):04d}", z
    return z, z


def city_line(place: tuple[str, str, str, str], rng: random.Random, caps: bool = False) -> tuple[Phrase, str]:
    """"City, ST 12345", "City, State, 12345-6789", "CITY STATE 12345", "City ST" ...; (phrase, canonical zip)."""
    city, st, state, zip5 = place
    z, zcanon = zip_text(zip5, rng)
    state_txt = rng.choice((st, st, state))
    if caps or rng.random() < 0.12:
        city, state_txt = city.upper(), state_txt.upper()
    form = rng.randrange(6)
    if form == 0:
        return [(city, "LOCATION"), (f" {state_txt} ", None), (z, "LOCATION")], zcanon
    if form == 1:
        return [(city, "LOCATION"), (f", {state_txt}, ", None), (z, "LOCATION")], zcanon
    if form == 2:
        return [(city, "LOCATION"), (f", {state_txt}", None)], zcanon
    return [(city, "LOCATION"), (f", {state_txt} ", None), (z, "LOCATION")], zcanon


def facility_name(rng: random.Random, place: tuple[str, str, str, str]) -> str:
    pat = rng.choice(pools.FACILITY_PATTERNS)
    return pat.format(place=place[0], saint=rng.choice(pools.SAINTS), word=rng.choice(pools.FACILITY_WORDS))
