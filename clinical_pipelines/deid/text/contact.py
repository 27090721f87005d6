"""Contact details: telephone and fax numbers, e-mail addresses, URLs and IP addresses (HIPAA Safe Harbor
identifiers (D), (E), (F), (N), (O); 45 CFR 164.514(b)(2)(i)).

- Telephone / fax: the North American Numbering Plan as written in practice ("(555) 201-7788", "(555) 201 - 7788",
  "555/201-7788", "555.201.7788", "555 201 7788", "1-555-201-7788", "+1 (555) 201-7788", extensions "x204",
  "ext. 204") and ITU-T E.123 / E.164 international numbers ("+44 20 7946 0958", "+44 (0)20 7946 0958",
  "0044 20 7946 0958", "+442079460958"); FAX when a fax cue precedes the number. Any other grouping of an
  identifier-length digit run is caught by the number policy (``numbers``).
- E-mail: RFC 5322 addr-spec as written (``local@domain``) and the spelled-out forms used to dodge harvesting
  ("name at example dot com", "name [at] example [dot] org", "name(at)example.com", "name AT example DOT com",
  "name @ example.com").
- URL: RFC 3986 URLs with a scheme or "www.", and host names without a scheme ending in a generic or common
  country-code top-level domain ("portal.example-health.org/u/123", "mychart.example.com").
- IP: dotted-quad IPv4 (also zero-padded, "010.001.002.033", with a port or prefix length) and IPv6 (RFC 5952).
"""
from __future__ import annotations

import functools
import ipaddress
import re

from .fast_scan import cue_words
from .spans import Candidate

_PSEP = r"(?:[ \t]*[-./][ \t]*|[ \t])"
PHONE_RE = re.compile(
    r"(?<![\w.+/-])(?:(?:\+|\b00)?1[ \t.-]*)?"
    r"(?:\([ \t]*\d{3}[ \t]*\)[ \t]*(?:[-./][ \t]*)?|\d{3}" + _PSEP + r")"
    r"\d{3}(?:[ \t]*[-.][ \t]*|[ \t])\d{4}"
    r"(?:[ \t]*,?[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?(?!\w|[-./]\d)", re.I)
INTL_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+|\b00)[1-9]\d{0,2}(?:[ \t.-]*\(0\))?(?:[ \t.-]*\(\d{1,5}\)|[ \t.-]+\d{1,5}|(?<=\))\d{1,5}){1,6}"
    r"(?!\w|[-.]\d)|(?<![\w+])\+[1-9]\d{7,14}(?!\d)")
# national numbers with a trunk prefix "0" (ITU-T E.123 national notation: Australia "(02) 9977 5544", "0412 345 678",
# United Kingdom "020 7946 0958", "(01632) 960123", "07700 900123", Ireland, New Zealand ...): a "0" and an area code
# of 1-4 digits, optionally bracketed, then two groups; 9-11 digits in all, not a list of 24-hour times
NATIONAL_PHONE_RE = re.compile(r"(?<![\w+/.-])(?:\(0\d{1,4}\)|0\d{1,4})(?:[ \t]*[.-][ \t]*|[ \t]?)(?:\d{3,4}"
                               r"(?:[ \t]*[.-][ \t]*|[ \t])\d{3,4}|\d{5,6})(?![\w]|[ \t]?[-.]?\d|[.,]\d)")
PHONE_NOSEP_RE = re.compile(r"(?<![\w.])(?:tel|phone|ph|cell|mobile|call|pager|fax|contact)\D{0,12}(\d{10})(?!\d)", re.I)
# short internal numbers after a pager / extension cue ("pager 4-5678", "PG 23456", "beeper #41234", "x4567"); a
# bare "x" only glued to the number ("X 2000" is a count or a multiplication)
PHONE_SHORT_RE = re.compile("(?:" + cue_words("pager|beeper|bpr|pgr|pg|page|ext|tel|phone|ph|cell|fax|call")
                            + r"\b\.?\s*[#:]?\s*|(?<![\w.])x(?=\d))"
                            r"(\d{3}[-.]\d{4}|\d[-.]\d{4}|\d{4,6})\b", re.I)
# a seven-digit local number grouped 3 + 4 by a space (NANP without its area code: "home 867 5309", "ph: 555 0142
# ext 12"): only after a telephone cue, since "120 1500" alone may be two values
PHONE_LOCAL_RE = re.compile("(?:" + cue_words("telephone|tel|phone|ph|cell|cel|mobile|home|work|wk|hm|pager|fax|call"
                                              "|contact|reached|number")
                            + r"\b\.?[ \t]*(?:#|:|no\.?|number)?[ \t]*(?:[#:][ \t]*)?)"
                            r"(\d{3}[ \t]\d{4})(?![\d/:]|[ \t]?[-.]?\d|\.\d)", re.I)
FAX_CUE_RE = re.compile(r"\bfax\w*\b|\bf:\s*$|\bfacsimile\b", re.I)

# RFC 5322 dot-atom domain (labels joined by single dots); not the orientation notation "A@Ox3" ("alert and
# oriented x3", written with "@" for "and")
EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@(?!(?i:ox\d)\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_GTLD = r"com|org|net|edu|gov|mil|int|io|health|care|clinic|info|biz|app|online|ly|gl"
_CCTLD = r"us|uk|ca|au|de|fr|nl|ie|nz|eu|ch"
_TLD = _GTLD + "|" + _CCTLD
_KNOWN_TLD_RE = re.compile(rf"(?i:{_TLD}|me|co)")
_AT_WORD = r"[ \t]*[\[({<][ \t]*at[ \t]*[\])}>][ \t]*|[ \t]+(?:at|AT|At)[ \t]+"
_DOT_WORD = r"[ \t]*[\[({<][ \t]*dot[ \t]*[\])}>][ \t]*|[ \t]+(?:dot|DOT|Dot)[ \t]+"
EMAIL_SPELLED_RE = re.compile(
    rf"(?<![\w.@'-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)(?P<at>{_AT_WORD}|[ \t]*@[ \t]*)(?!\d+\.|(?i:ox\d)\b)"
    rf"[A-Za-z0-9-]+(?:(?:{_DOT_WORD}|\.)[A-Za-z0-9-]+)*?(?P<dot>{_DOT_WORD}|\.)(?P<tld>[A-Za-z]{{2,6}})(?![\w.-]\w)")
_PATH = r"(?:[/?#][^\s<>\"')\]]*)"
# without a scheme: a generic TLD after one label of 2+ characters, a country-code TLD after two labels or with a
# path ("approx.ca" is not a host name, "sickkids.on.ca" and "clinic.ca/book" are)
URL_RE = re.compile(rf"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"')\]]+"
                    rf"|\b(?:[a-z0-9-]+\.)*[a-z0-9-]*[a-z0-9]{{2}}\.(?:{_GTLD})\b{_PATH}?(?![\w@])"
                    rf"|\b(?:[a-z0-9-]+\.)+[a-z0-9-]*[a-z0-9]{{2}}\.(?:{_CCTLD})\b{_PATH}?(?![\w@])"
                    rf"|\b[a-z0-9-]*[a-z0-9]{{2}}\.(?:{_CCTLD})\b{_PATH}(?![\w@])", re.I)
# cheap prefilters: a URL needs a scheme, "www." or a dot before a known top-level domain; an IPv4 address two dots
# between digits
_URL_HINT_RE = re.compile(rf"://|www\.|\.(?:{_TLD})\b", re.I)
_IPV4_HINT_RE = re.compile(r"\d\.\d{1,3}\.\d")
_OCTET = r"(?:25[0-5]|2[0-4]\d|[01]?\d?\d)"
IPV4_RE = re.compile(rf"(?<![\d.])(?:{_OCTET}\.){{3}}{_OCTET}(?::\d{{1,5}}|/\d{{1,2}})?(?!\d|\.\d)")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:%\w+)?(?![\w:])")


@functools.lru_cache(maxsize=4096)
def _common_word(word: str) -> bool:
    """A common English word (wordfreq Zipf >= 3.5): "works at example.com" is not an e-mail address."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= 3.5


# widely used mailbox providers: "maria at gmail.com" is an address although "maria" is a common word
_MAIL_PROVIDER_RE = re.compile(r"(?:[ \t]+at[ \t]+)(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud"
                               r"|me|mac|proton|protonmail|pm|gmx|mail|comcast|att|verizon|sbcglobal|charter|cox|zoho)\b",
                               re.I)
_EMAIL_CUE_RE = re.compile(r"\be-?mail(?:ed)?\b|\bemail\s+address\b|\bcontact\b", re.I)


def _spelled_email(m: re.Match, text: str) -> bool:
    at, dot, local = m.group("at"), m.group("dot"), m.group("local")
    if "@" in at and "@" in m.group() and EMAIL_RE.fullmatch(m.group()):
        return False  # the plain form, already found
    if "[" in at or "(" in at or "{" in at or "<" in at or "@" in at or at.strip() == "AT":
        return True  # an obfuscated form is always an address
    if dot.strip() == "." and not _KNOWN_TLD_RE.fullmatch(m.group("tld")):
        return False  # "at ease.Then": a plain "at" needs a real top-level domain
    if re.search(r"[\d._%+-]", local) or _MAIL_PROVIDER_RE.match(m.group(), len(local)):
        return True
    return bool(_EMAIL_CUE_RE.search(text, max(0, m.start() - 24), m.start())) or not _common_word(local.lower())


def _international(number: str) -> bool:
    """8-15 digits (E.164); with the "00" access prefix at least 10 and not a list of 24-hour times."""
    n = sum(c.isdigit() for c in number)
    if number.startswith("00"):
        return 10 <= n <= 15 and not all(len(g) == 4 for g in re.findall(r"\d+", number))
    return 8 <= n <= 15


def _national(number: str) -> bool:
    """9-11 digits with a trunk "0", not all of its groups 24-hour times ("0800 1200 1600")."""
    groups = re.findall(r"\d+", number)
    n = sum(map(len, groups))
    times = [len(g) == 4 and int(g[:2]) <= 23 and int(g[2:]) <= 59 for g in groups]
    return 9 <= n <= 11 and not all(times) and not (len(groups) == 2 and times[0])  # not "0900 10000 units"


def _ipv6(value: str) -> bool:
    """A valid IPv6 address (RFC 4291 text forms) with 3+ colons (not a clock time "12:30:45")."""
    if value.count(":") < 3:
        return False
    try:
        ipaddress.IPv6Address(value.split("%")[0])
    except ValueError:
        return False
    return True


def _phone_kind(text: str, start: int, end: int) -> str:
    return "FAX" if FAX_CUE_RE.search(text[max(0, start - 25):end]) else "PHONE"


def find_contacts(text: str) -> list[Candidate]:
    """Phone / fax, e-mail (plain and spelled out), URL, IPv4 and IPv6 addresses (see the module docstring)."""
    out = []
    has_digit = any(c.isdigit() for c in text)
    if has_digit:
        for rx in (PHONE_RE, INTL_PHONE_RE):
            for m in rx.finditer(text):
                if rx is INTL_PHONE_RE and not _international(m.group()):
                    continue
                out.append(Candidate(m.start(), m.end(), _phone_kind(text, m.start(), m.start())))
        for m in NATIONAL_PHONE_RE.finditer(text):
            if _national(m.group()):
                out.append(Candidate(m.start(), m.end(), _phone_kind(text, m.start(), m.start()), 0.8))
        for rx in (PHONE_NOSEP_RE, PHONE_SHORT_RE, PHONE_LOCAL_RE):
            for m in rx.finditer(text):
                out.append(Candidate(m.start(1), m.end(1), _phone_kind(text, m.start(), m.end(1)), 0.8))
        if _IPV4_HINT_RE.search(text):
            out += [Candidate(m.start(), m.end(), "IP", 0.9) for m in IPV4_RE.finditer(text)]
    if "@" in text:
        out += [Candidate(m.start(), m.end(), "EMAIL", 0.95) for m in EMAIL_RE.finditer(text)]
    out += [Candidate(m.start(), m.end(), "EMAIL", 0.9) for m in EMAIL_SPELLED_RE.finditer(text)
            if _spelled_email(m, text)]
    if _URL_HINT_RE.search(text):
        out += [Candidate(m.start(), m.end(), "URL", 0.85) for m in URL_RE.finditer(text)
                if "@" not in text[max(0, m.start() - 1):m.start()]]
    if ":" in text:
        out += [Candidate(m.start(), m.end(), "IP", 0.8) for m in IPV6_RE.finditer(text) if _ipv6(m.group())]
    return out
