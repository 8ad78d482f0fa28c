"""The amount grammar: find candidates (one regex, Rust and Python) and parse them.

Numbers (digits, English number words, Hangul numerals and mixed forms), English scale
words and Korean units (만/억/조), currency signs, codes and words, ranges. See
:data:`MONEY_PATTERN` (the finder) and :func:`parse_amount` (the reader).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import yaml

from kpolicy import paths


# ---------------------------------------------------------------------------------------
# The grammar. Every piece below must compile identically in Rust's regex crate (Polars)
# and in Python's re: no look-around, no backreferences, bounded repetition only, and
# explicit character classes instead of \s/\d (whose Unicode tables differ a little).
# ---------------------------------------------------------------------------------------

# Word boundaries are ASCII (a Latin word ends where a non-ASCII-letter begins, so "won을"
# ends a word): Rust's fast DFA engines cannot evaluate Unicode \b on non-ASCII text and
# fall back to a slower engine, 30x slower on Korean text. Patterns are written with "\b";
# rust() turns it into (?-u:\b) for Polars, py() into (?a:\b) for Python.


def rust(pattern: str) -> str:
    """A pattern as given to Polars (Rust regex): ASCII word boundaries."""
    return pattern.replace("\\b", "(?-u:\\b)")


def py(pattern: str) -> re.Pattern[str]:
    """A pattern compiled for Python with the same meaning as :func:`rust` gives Polars.

    ASCII word boundaries (scoped, so that case folding stays Unicode as in Rust), and "$"
    as the very end (Python's "$" also matches before a final newline; Rust's does not).
    An escaped "\\$" (a dollar sign) is left alone.
    """
    pattern = re.sub(r"(?<!\\)\$", r"\\Z", pattern).replace("\\b", "(?a:\\b)")
    return re.compile(pattern)


def _ascii_ci(pattern: str) -> str:
    """Rewrite every ``(?i:...)`` group as ASCII letter classes: "(?i:won)" -> "(?:[Ww][Oo][Nn])".

    The same meaning on ASCII text in both engines, without Unicode case folding ('s' also
    matching 'ſ', 'k' the Kelvin sign), which multiplies the states of Rust's lazy DFA: the
    scan pattern with folding ran about 100x slower once its alternatives grew.
    Escapes and character classes are copied as they are.
    """
    out: list[str] = []
    depth_ci: list[int] = []  # group depths at which an (?i: group opened
    depth, i, n = 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append(pattern[i : j + 1])
            i = j + 1
            continue
        if pattern.startswith("(?i:", i):
            depth += 1
            depth_ci.append(depth)
            out.append("(?:")
            i += 4
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth_ci and depth_ci[-1] == depth:
                depth_ci.pop()
            depth -= 1
        elif depth_ci and ch.isascii() and ch.isalpha():
            ch = f"[{ch.upper()}{ch.lower()}]"
        out.append(ch)
        i += 1
    return "".join(out)


_SP = "[ \t\u00a0\u2009\u202f\u3000]"  # spaces allowed inside an amount (never a newline)
_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3}){1,6}|[0-9]{1,16})(?:\.[0-9]{1,8})?"

_UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
               "seventeen", "eighteen", "nineteen")
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_VALUE: dict[str, int] = {
    **{w: i for i, w in enumerate(_UNIT_WORDS)},
    **{w: 10 + i for i, w in enumerate(_TEEN_WORDS)},
    **{w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)},
}
# Longest first, so that "seventeen" is tried before "seven" (both engines are leftmost-first).
_WORDS_ALT = "|".join(sorted([*_WORD_VALUE, "hundred"], key=len, reverse=True))
_WNUM = f"(?i:(?:{_WORDS_ALT}|an|a)(?:(?:{_SP}|-){{1,2}}(?:{_WORDS_ALT}|point)){{0,6}})"

#: English scale words -> (canonical name, multiplier).
_SCALE_WORDS: dict[str, tuple[str, int]] = {
    "thousand": ("thousand", 10**3), "k": ("thousand", 10**3),
    "million": ("million", 10**6), "mln": ("million", 10**6), "mlns": ("million", 10**6),
    "mil": ("million", 10**6), "mn": ("million", 10**6), "m": ("million", 10**6),
    "billion": ("billion", 10**9), "bln": ("billion", 10**9), "bn": ("billion", 10**9),
    "b": ("billion", 10**9),
    "trillion": ("trillion", 10**12), "trln": ("trillion", 10**12), "trn": ("trillion", 10**12),
    "tril": ("trillion", 10**12), "tn": ("trillion", 10**12), "t": ("trillion", 10**12),
    "quadrillion": ("quadrillion", 10**15), "tln": ("trillion", 10**12),
    # South Asian scale words (Indian rupees): 1 lakh = 10^5, 1 crore = 10^7.
    "lakh": ("lakh", 10**5), "lakhs": ("lakh", 10**5), "crore": ("crore", 10**7), "crores": ("crore", 10**7),
}
_SCALE_WORD = "(?i:" + "|".join(sorted((w for w in _SCALE_WORDS if len(w) > 1), key=len, reverse=True)) + ")"
_SCALE_LETTER = "[kKmMbBtT]"  # only directly attached to a number: "$5m", "$1.2b"
_KOREAN_UNITS: dict[str, int] = {"만": 10**4, "억": 10**8, "조": 10**12}
_HANGUL_DIGITS: dict[str, int] = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6,
                                  "칠": 7, "팔": 8, "구": 9}
_HANGUL_PLACES: dict[str, int] = {"십": 10, "백": 100, "천": 1000}
_HNUM = "[일이삼사오육륙칠팔구십백천]{1,8}"
_HDIGIT = "[일이삼사오육륙칠팔구]"


# ---------------------------------------------------------------------------------------
# Currencies, from kpolicy/data/currencies.yaml: one line of data per sign, code or name.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CurrencyTable:
    major: dict[str, str]  # token (lower case, single spaces) -> ISO code
    minor: dict[str, tuple[str, int]]  # minor-unit token -> (ISO code, minor units per major)
    before: tuple[str, ...]
    after: tuple[str, ...]
    codes: tuple[str, ...]
    en: tuple[str, ...]
    ko: tuple[str, ...]
    minor_en: tuple[str, ...]
    minor_after: tuple[str, ...]
    minor_ko: tuple[str, ...]


def _load_currencies() -> _CurrencyTable:
    with open(paths.DATA_DIR / "currencies.yaml", encoding="utf-8") as fh:
        entries = yaml.safe_load(fh)
    major: dict[str, str] = {}
    minor: dict[str, tuple[str, int]] = {}
    lists: dict[str, list[str]] = {k: [] for k in ("before", "after", "codes", "en", "ko", "minor_en", "minor_after", "minor_ko")}
    for e in entries:
        code = e["code"]
        for field in ("before", "after", "codes", "en", "ko"):
            for token in e.get(field, ()):
                lists[field].append(token)
                major.setdefault(_token_key(token), code)
        m = e.get("minor") or {}
        for field in ("en", "after", "ko"):
            for token in m.get(field, ()):
                lists["minor_" + field].append(token)
                minor[_token_key(token)] = (code, int(m["per_major"]))
    return _CurrencyTable(major, minor, **{k: tuple(dict.fromkeys(v)) for k, v in lists.items()})


def _token_key(token: str) -> str:
    return re.sub(r"\s+", " ", token.strip()).lower()


def _alt(tokens: Any, words: bool = False) -> str:
    """An alternation of literal tokens, longest first (both engines are leftmost-first).

    Only regex metacharacters are escaped (Rust rejects escapes of other characters); a
    space inside a token matches one or two spaces, a dot is optional ("U.S." / "US").
    """
    out = []
    for t in sorted(set(tokens), key=lambda t: (-len(t), t)):
        s = "".join("\\" + ch if ch in "\\.^$|?*+()[]{}" else ch for ch in t)
        if words:
            s = s.replace("\\.", "\\.?").replace(" ", f"{_SP}{{1,2}}")
        out.append(s)
    return "(?:" + "|".join(out) + ")"


_CURRENCIES = _load_currencies()
_CODES = _alt(_CURRENCIES.codes)
# Signs before the number. "W" (an ASCII stand-in for ₩) must touch the digits: "W500 million".
_CUR_PRE = (
    f"(?:{_CODES}{_SP}{{0,2}}"
    f"|{_alt(t for t in _CURRENCIES.before if t != 'W')}{_SP}?|W)"
)
# English names and codes after the number (case-insensitive), then an optional scale word
# ("75 USD million"); "M" + a code is millions ("30 MUSD"); signs right after ("20€").
_CUR_SUF_EN = f"(?i:{_alt([*_CURRENCIES.en, *(c.lower() for c in _CURRENCIES.codes)], words=True)})\\b"
_MCODE = f"M{_CODES}\\b"
_CUR_POST = _alt(_CURRENCIES.after)
_CUR_SUF_KO = _alt(_CURRENCIES.ko)
# Minor-unit signs right after the number: letters need a word boundary ("43c"), signs not ("10¢").
_MINOR_AFTER = (
    f"(?:{_alt(t for t in _CURRENCIES.minor_after if t.isascii() and t.isalpha())}\\b"
    f"|{_alt(t for t in _CURRENCIES.minor_after if not (t.isascii() and t.isalpha()))})"
)
_MINOR_SUF = (
    f"(?:(?:{_SP}{{0,2}}|-)(?i:{_alt(_CURRENCIES.minor_en, words=True)})\\b"
    f"|{_MINOR_AFTER}|{_SP}?{_alt(_CURRENCIES.minor_ko)})"
)
# "$20 and 43c", "64달러 45센트": a minor amount after a major one.
_MINOR_TAIL = f"(?:{_SP}{{1,3}}(?i:and){_SP}{{1,3}}|,?{_SP}{{0,2}})[0-9]{{1,2}}{_MINOR_SUF}"

# English: number (or number words) x scale word(s); compounds in descending order.
_SCALES = f"{_SCALE_WORD}\\b(?:(?:{_SP}|-){{1,2}}{_SCALE_WORD}\\b){{0,2}}"  # "trillion trillion" is kept
_SUFFIX = (
    f"(?:(?:{_SP}|-){{0,2}}{_CUR_SUF_EN}(?:{_SP}{{1,2}}{_SCALES})?"
    f"|{_SP}?{_MCODE}|{_SP}?(?:여{_SP}?)?{_CUR_SUF_KO}|{_SP}?{_CUR_POST})"
)
# Currency names only (no codes or signs), after number words.
_NAME_SUFFIX = (
    f"(?:(?:{_SP}|-){{1,2}}(?i:{_alt(_CURRENCIES.en, words=True)})\\b|{_SP}?{_CUR_SUF_KO})"
)
# Fractions before a scale word: "half a million", "a quarter of a billion", "three-fifths of a".
_FRAC = (
    f"(?i:(?:(?:a|an|one|two|three|four){_SP}*-?{_SP}*)?"
    f"(?:half|halves|thirds?|quarters?|fifths?|tenths?)(?:{_SP}+of)?{_SP}+an?)"
)
# Digits or words, "point", digits or words: "172-point-seven", "one-point-28".
_UNIT_ALT = "|".join(sorted(_UNIT_WORDS, key=len, reverse=True))
_PNUM = (
    f"(?i:(?:[0-9]{{1,4}}|{_WORDS_ALT})(?:{_SP}|-)point(?:{_SP}|-)"
    f"(?:[0-9]{{1,8}}|(?:{_UNIT_ALT})(?:(?:{_SP}|-)(?:{_UNIT_ALT})){{0,3}}))"
)
_ENG_GROUP = (
    f"(?:{_PNUM}(?:{_SP}|-){{1,2}}{_SCALES}"
    f"|{_NUM}(?:(?:{_SP}|-){{0,2}}{_SCALES}|{_SCALE_LETTER}\\b)"
    f"|{_FRAC}(?:{_SP}|-){{1,2}}{_SCALES}"
    f"|{_WNUM}(?:{_SP}|-){{1,2}}{_SCALES})"
)
_ENG_COMPOUND = f"{_ENG_GROUP}(?:{_SP}{{1,3}}(?:(?i:and){_SP}{{1,3}})?{_ENG_GROUP}){{0,3}}"
_LOW_EN = f"(?:{_ENG_GROUP}|{_NUM}|{_WNUM})"
_RSEP_EN = f"(?:{_SP}{{0,2}}[-–—~∼〜～]{_SP}{{0,2}}|{_SP}{{1,3}}(?i:to){_SP}{{1,3}})"

# Korean: groups of (number x 조/억/만) in descending order, then trailing units. A number
# below 10^4 may be written with places: "7천 5백", "천 4백", "4천500", "이천오백".
_KPLACE = f"(?:[0-9]{{1,4}}|{_HDIGIT})?[천백십]"
_KPLACES = f"(?:{_SP}?{_KPLACE}){{0,2}}(?:{_SP}?(?:[0-9]{{1,3}}|{_HDIGIT}))?"
_KSUB_A = f"(?:[0-9]{{1,4}}[천백십]{_KPLACES}|{_NUM})"  # led by a digit
_KSUB_H = f"(?:{_HDIGIT}?[천백십]{_KPLACES}|{_HNUM})"  # led by a Hangul numeral
_KSUB = f"(?:{_KSUB_A}|{_KSUB_H})"
# Units after 만 written in Hangul need a place ("이만칠천"), so a particle is not a digit ("2천만이다").
_KUNITS = f"(?:{_KSUB_A}|{_HDIGIT}?[천백십]{_KPLACES})"
# Where a currency must follow (Hangul-led amounts), a lone Hangul digit may end the units:
# "백만일 원" = 1,000,001.
_KUNITS_H = f"(?:{_KUNITS}|{_HDIGIT})"


def _ktail_man(units: str) -> str:
    return f"(?:{_SP}?{_KSUB}{_SP}?만(?:{_SP}?{units})?)?"


def _kamt(first: str, units: str = _KUNITS, direct: bool = False) -> str:
    """Korean groups (조, 억, 만) in descending order. ``direct``: units may follow 억 or 조
    without 만 ("1억 1원"), only where a currency must follow (else "5억 2024년" would read
    the year as units)."""
    tail_man = _ktail_man(units)
    if direct:
        tail_man = f"(?:{tail_man[3:-2]}|{_SP}?{units})?"
    tail_eok = f"(?:{_SP}?{_KSUB}{_SP}?억)?{tail_man}"
    return f"{first}{_SP}?(?:조{tail_eok}|억{tail_man}|만(?:{_SP}?{units})?)"


_KAMT_A = _kamt(_KSUB_A)
_KAMT_H = _kamt(_KSUB_H, _KUNITS_H, direct=True)
_RSEP_KO = f"{_SP}?[-–~∼〜～]{_SP}?"

# Alternatives are tried in order at each start position (leftmost-first in both engines),
# so ranges come before the single forms they begin with, and a major amount with its
# minor tail before the major amount alone.
_CORE_SCALED = (
    f"(?:{_KAMT_A}|{_NUM}){_RSEP_KO}{_KAMT_A}"
    f"|{_KAMT_A}"
    f"|{_LOW_EN}{_RSEP_EN}(?:{_CUR_PRE})?{_ENG_COMPOUND}"
    f"|{_ENG_COMPOUND}"
)
_M_LATIN = (
    f"{_CUR_PRE}{_NUM}{_MINOR_TAIL}"  # "$20 and 43c"
    f"|{_NUM}{_SUFFIX}{_MINOR_TAIL}"  # "64달러 45센트"
    f"|{_kamt(_KSUB_A, direct=True)}{_SUFFIX}"  # "1억 1원", "3천억 5원": units right after 억/조
    # A scaled core with its currency, or with units in words and a name ("one thousand one
    # dollars"). One alternative, not two: two alternatives that both begin with the English
    # compound made Rust's lazy DFA thrash (the scan ran 300x slower).
    f"|(?:{_CUR_PRE})?(?:{_CORE_SCALED})(?:{_SUFFIX}|{_SP}{{1,3}}(?:(?i:and){_SP}{{1,3}})?{_WNUM}{_NAME_SUFFIX})?"
    f"|{_CUR_PRE}{_NUM}(?:{_RSEP_EN}(?:{_CUR_PRE})?{_NUM})?(?:{_SUFFIX})?"
    f"|{_KSUB_A}(?:(?:{_RSEP_KO}|{_RSEP_EN}){_KSUB_A})?{_SUFFIX}"  # "17,000 won", "5천원", "25,000–30,000원"
    f"|{_NUM}{_MINOR_SUF}"  # "50 cents", "10¢"
    f"|(?:{_PNUM}|{_WNUM}){_NAME_SUFFIX}"  # "ten dollars", "a dollar" (not "A KRW ...")
    f"|{_WNUM}{_MINOR_SUF}"  # "fifty cents"
)
_HIGH_EN = (
    f"(?:(?:{_CUR_PRE})?{_ENG_COMPOUND}(?:{_SUFFIX})?|{_CUR_PRE}(?:{_NUM}|{_WNUM})(?:{_SUFFIX})?"
    f"|{_NUM}{_SUFFIX}|{_WNUM}{_NAME_SUFFIX})"
)
_M_BETWEEN = f"(?:{_CUR_PRE})?{_LOW_EN}{_SP}{{1,3}}(?i:and){_SP}{{1,3}}{_HIGH_EN}"
# "15 dollars 50": a two-digit tail after a currency name, only at the end of a clause.
_M_TAIL = f"{_NUM}{_SP}{{1,2}}(?i:{_alt([*_CURRENCIES.en], words=True)}){_SP}[0-9]{{2}}"
_TAIL_END = "(?:$|[.,;:!?)])"
# Amounts led by Hangul numerals must carry a currency: "오백억 원", "삼천만 원", "만 오천 원",
# and below 만 they need a place (십/백/천): "오천원", "십 달러" ("사원", "일원" are words).
# A lone Hangul digit needs a space and a currency other than 원 ("오 달러"; "사원" is a word).
_M_HANGUL = (
    f"{_KAMT_H}{_SUFFIX}|{_HDIGIT}?[천백십]{_KPLACES}{_SUFFIX}|만(?:{_SP}?{_KUNITS})?{_SP}?원"
    f"|{_HDIGIT}{_SP}{_alt(t for t in _CURRENCIES.ko if t != '원')}"
)
# A match may not start inside a number or a Latin word (the guard character is consumed
# by the pre-group rather than looked behind, since Rust has no look-behind). Hangul-led
# amounts may not start inside a Hangul word either ("인천" contains 천).
_GUARD_LATIN = "(?:^|[^0-9.,A-Za-z])"
_GUARD_HANGUL = "(?:^|[^0-9.,A-Za-z가-힣])"

#: The candidate grammar (Rust and Python syntax). Group ``m1``..``m4`` is the amount;
#: ``p*`` is the guard character (and "between ") before it.
MONEY_PATTERN = _ascii_ci(
    f"(?P<p4>{_GUARD_LATIN})(?P<m4>{_M_TAIL}){_TAIL_END}"
    f"|(?P<p1>{_GUARD_LATIN})(?P<m1>{_M_LATIN})"
    f"|(?P<p3>{_GUARD_LATIN}(?i:between){_SP}{{1,3}})(?P<m3>{_M_BETWEEN})"
    f"|(?P<p2>{_GUARD_HANGUL})(?P<m2>{_M_HANGUL})"
)
#: Every amount that survives parsing carries a currency (sign, code, word or minor unit)
#: or a number right before 억/조, so a sentence without one of these anchors cannot yield
#: an amount. This small pattern is fast in Rust; the full grammar then runs on the
#: candidates only.
_SIGNS = [*_CURRENCIES.before, *_CURRENCIES.after]
ANCHOR_PATTERN = _ascii_ci(
    f"{_alt(t for t in _SIGNS if not (t[:1].isascii() and t[:1].isalpha()))}"  # "$", "€", "C$", "元"
    f"|{_alt(t for t in _SIGNS if t[:1].isascii() and t[:1].isalpha())}{_SP}?[0-9]"  # "W500", "Rs 5", "RM 5"
    f"|{_CODES}|{_CUR_SUF_EN}|(?i:{_alt(_CURRENCIES.minor_en, words=True)})\\b"
    f"|[0-9]{_MINOR_AFTER}"  # "43c", "10¢"
    f"|[0-9일이삼사오육륙칠팔구십백천만억조]{_SP}?(?:여{_SP}?)?(?:{_CUR_SUF_KO}|{_alt(_CURRENCIES.minor_ko)})"
    f"|[0-9일이삼사오육륙칠팔구십백천]{_SP}?[억조]"
)
_MONEY_RE = py(MONEY_PATTERN)
# Polars marks whole matches as \0match\0. Rust resolves capture groups with a much slower
# engine than it finds matches (8x here), so the scan patterns have none; Python re-matches
# each distinct marked piece with MONEY_PATTERN to find where the amount starts.
#
# The scan runs in passes, one per family of top-level alternatives, each skipping what an
# earlier pass marked: "between" ranges, then Latin-led amounts, then Hangul-led ones. One
# pattern with all of them overflowed the cache of Rust's lazy DFA, which then fell back to
# a slower engine (the scan ran about 300x slower than each pass alone).
SCAN_PASSES: tuple[str, ...] = tuple(_ascii_ci(p) for p in (
    f"{_GUARD_LATIN}(?i:between){_SP}{{1,3}}(?:{_M_BETWEEN})",
    # A Hangul place numeral that continues in digits ("천 4백만 원") starts before any
    # Latin-led match inside it; the single pattern found it leftmost, so this pass does.
    f"{_GUARD_HANGUL}(?:{_HDIGIT}?[천백십]{_SP}?(?:{_KAMT_A}|{_KSUB_A}){_SUFFIX})"
    f"|{_GUARD_LATIN}(?:{_M_TAIL}){_TAIL_END}|{_GUARD_LATIN}(?:{_M_LATIN})",
    f"{_GUARD_HANGUL}(?:{_M_HANGUL})",
))
_MARK = "\x00"
_MARK2 = "\x02"  # marks a later pass's matches until they are merged with the earlier ones
# A NUL (or \x02) already in the text stands in as \x01 while matching: the same byte
# length (windows are cut by byte offsets) and a character no pattern here names.
_NUL_STAND_IN = "\x01"
_SCAN_REPLACEMENT = _MARK + "${0}" + _MARK


# ---------------------------------------------------------------------------------------
# Parsing one candidate surface
# ---------------------------------------------------------------------------------------

class ParsedAmount(NamedTuple):
    """One amount read from a candidate surface (offsets relative to that surface)."""

    sub_start: int
    sub_end: int
    currency: str
    value: float  # literal value in currency units (low end for a range)
    low: float
    high: float
    is_range: bool
    has_currency: bool  # False for bare "281.5억" (KRW implied by 억/조)
    bare_won: bool  # a bare number + English "won" (the verb "won" is a risk)
    ko_suffix: str | None  # the Korean currency word at the end (원, 엔, 위안, ...)
    flags: tuple[str, ...]  # parse-level flag codes
    dup_value: float | None  # value with a repeated scale word read once
    dup_words: str | None  # the repeated scale words as written ("trillion trillion")
    mantissa: int | None  # leading written number when it is a whole number (5770 in "5770 billion")
    scale_word: str | None  # the single English scale word of a one-group amount ("billion")
    eok_int: bool  # KRW, one group, "N billion" with N a whole number
    eok4: bool  # eok_int and N >= 1000 (fluent English would write trillions)
    tril4: bool  # KRW, one group, "N trillion" with N a whole number >= 1000
    eok_value: float | None  # a compound whose "billion" part overflows ("1 trillion 2,000 billion"), read as 억


_CUR_TOKEN = (
    f"{_CODES}(?![A-Za-z])|{_alt(t for t in _CURRENCIES.before if t != 'W')}|W(?=[0-9])"
    f"|(?i:{_alt([*_CURRENCIES.en, *(c.lower() for c in _CURRENCIES.codes)], words=True)})\\b"
    f"|{_CUR_SUF_KO}|{_CUR_POST}"
).replace(_SP, "\\s")
_MINOR_TOKEN = (
    f"(?i:{_alt(_CURRENCIES.minor_en, words=True)})\\b|{_MINOR_AFTER}|{_alt(_CURRENCIES.minor_ko)}"
).replace(_SP, "\\s")
_FRACTIONS: dict[str, int] = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
                              "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_TOKEN_RE = re.compile(
    ("|".join(
        (
            f"(?P<minor>{_MINOR_TOKEN})",  # before currencies: "euro cents", "유로센트"
            f"(?P<mcur>M{_CODES}(?![A-Za-z]))",  # "30 MUSD": millions of a currency
            f"(?P<cur>{_CUR_TOKEN})",
            r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)",
            r"(?P<scale>" + _SCALE_WORD + r"\b|[kKmMbBtT]\b)",
            r"(?P<big>[만억조])",
            r"(?P<hnum>[일이삼사오육륙칠팔구십백천]+)",
            f"(?P<frac>{_FRAC.replace(_SP, chr(92) + 's')})",
            r"(?P<word>(?i:" + _WORDS_ALT + r"|point|and|to|an|a)\b)",
            r"(?P<dash>[-–—~∼〜～])",
            r"(?P<approx>여)",
            r"(?P<sp>\s+)",
        )
    )).replace("\\b", "(?a:\\b)")  # ASCII word boundaries, as in MONEY_PATTERN
)
_NUMBER_WORDS = frozenset([*_WORD_VALUE, "hundred", "point", "a", "an"])


def _currency_code(token: str) -> str:
    """ISO 4217 code for a currency token as it appears in text (kpolicy/data/currencies.yaml)."""
    key = _token_key(token)
    code = _CURRENCIES.major.get(key) or _CURRENCIES.major.get(key.replace(".", ""))
    if code is None and key.endswith("$"):
        code = "USD"  # an unlisted dollar sign: read as US dollars, like "$" alone
    if code is None:
        raise ValueError(f"unknown currency token {token!r}")
    return code


def _fraction_value(text: str) -> Decimal:
    """ "half a" -> 0.5, "a quarter of a" -> 0.25, "three-fifths of a" -> 0.6."""
    words = re.findall(r"[a-z]+", text.lower())
    num = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(words[0], 1) if words[0] not in _FRACTIONS else 1
    den = next(_FRACTIONS[w] for w in words if w in _FRACTIONS)
    return Decimal(num) / Decimal(den)


def _point_tail(toks: list[tuple[str, str, int, int]], j: int) -> tuple[str, int, int] | None:
    """Decimal digits after "-point-" at ``toks[j]`` ("-point-seven", " point 42"), as
    (digits, end offset, next token index); None when the tokens are not that."""
    if not (j + 3 < len(toks) + 0 and toks[j][0] in ("sp", "dash") and toks[j + 1][0] == "word"
            and toks[j + 1][1].lower() == "point" and toks[j + 2][0] in ("sp", "dash")):
        return None
    k = j + 3
    if toks[k][0] == "num" and toks[k][1].isdigit():
        return toks[k][1], toks[k][3], k + 1
    digits, end = "", None
    while k < len(toks) and toks[k][0] == "word" and toks[k][1].lower() in _UNIT_WORDS:
        digits += str(_WORD_VALUE[toks[k][1].lower()])
        end = toks[k][3]
        if k + 2 < len(toks) and toks[k + 1][0] in ("sp", "dash") and toks[k + 2][0] == "word" \
                and toks[k + 2][1].lower() in _UNIT_WORDS:
            k += 2
        else:
            k += 1
            break
    return (digits, end, k) if digits and end is not None else None


def _words_value(words: list[str]) -> Decimal | None:
    """Value of English number words ("two point four", "one hundred twenty"), or None."""
    if "point" in words:
        cut = words.index("point")
        whole, frac = words[:cut], words[cut + 1 :]
        if not whole or not frac or any(w not in _UNIT_WORDS for w in frac):
            return None
    else:
        whole, frac = words, []
    current, last = 0, None
    for w in whole:
        if w in ("a", "an"):
            if last is not None:
                return None
            current, last = 1, "a"
        elif w == "hundred":
            if last in ("hundred",):
                return None
            current, last = (current or 1) * 100, "hundred"
        elif w in _WORD_VALUE:
            v = _WORD_VALUE[w]
            kind = "unit" if v < 10 else ("teen" if v < 20 else "ten")
            if last in ("unit", "teen", "a") or (last == "ten" and kind != "unit"):
                return None
            current, last = current + v, kind
        else:
            return None
    value = Decimal(current)
    if frac:
        value += Decimal("0." + "".join(str(_WORD_VALUE[w]) for w in frac))
    return value


def _hangul_value(text: str) -> tuple[int, int] | None:
    """Value of a Hangul numeral below 10,000 and its smallest place ("오백" -> (500, 100),
    "천" -> (1000, 1000), "이십오" -> (25, 1)), or None."""
    total, digit, last_place = 0, None, 10**9
    for ch in text:
        if ch in _HANGUL_DIGITS:
            if digit is not None:
                return None
            digit = _HANGUL_DIGITS[ch]
        else:
            place = _HANGUL_PLACES[ch]
            if place >= last_place:
                return None
            total += (digit or 1) * place
            digit, last_place = None, place
    if digit is not None:
        total += digit
        last_place = 1
    return (total, last_place) if total else None


@dataclass
class _Group:
    """A number and the scale words after it: "5 trillion", "5천억", "10 trillion trillion"."""

    mant: Decimal
    mant_text: str
    src: str  # "arabic", "word", "hangul" or "mixed" (5천)
    start: int
    end: int
    scales: list[tuple[str, int, str]]  # (canonical name, multiplier, text)

    def multiplier(self, dedup: bool = False) -> int:
        mult, prev = 1, None
        for name, m, _ in self.scales:
            if not (dedup and name == prev):
                mult *= m
            prev = name
        return mult

    @property
    def is_dup(self) -> bool:
        names = [s[0] for s in self.scales]
        return any(a == b for a, b in zip(names, names[1:]))


@functools.lru_cache(maxsize=65536)
def parse_amount(surface: str, between: bool = False, tail: bool = False) -> tuple[ParsedAmount, ...]:
    """Read the amounts in one candidate surface found by :data:`MONEY_PATTERN`.

    Args:
        surface: the candidate text, e.g. ``"KRW 3-7 billion"`` or ``"1조 5천억 원"``.
        between: the surface followed the word "between", so "and" separates a range.
        tail: the surface ends with a two-digit number after a currency name, read as
            minor units ("15 dollars 50" is US$15.50).

    Returns:
        Zero or more :class:`ParsedAmount` (offsets relative to ``surface``). Zero when the
        candidate is not money (no currency and no 억/조, e.g. "3 billion people", "2만 명").
        More than one when a list was matched as a compound ("2 trillion and 3 trillion won").
        Values are in currency units.
    """
    try:
        simple = None if tail else _parse_simple(surface)
        return simple if simple is not None else _parse(surface, between, tail)
    except (InvalidOperation, KeyError, ValueError, OverflowError, ZeroDivisionError, StopIteration):
        return ()


# Most amounts are one number with at most one unit ("KRW 12.8 billion", "5,770억 원",
# "$300 million"); this shortcut reads them ~5x faster than the general grammar and
# must give identical results (tests/unit/test_money_properties.py checks it).
_SIMPLE_RE = re.compile(
    r"(?P<pre>US\$|\$|₩|￦|€|£|KRW|USD|EUR)?[ \t]{0,2}"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?:[ \t]?-?[ \t]?(?P<scale>(?i:thousand|million|billion|trillion)(?a:\b))|[ \t]?(?P<big>[억조]))?"
    r"(?:[ \t]?-?[ \t]?(?P<suf>(?i:won|krw|usd)(?a:\b))|[ \t]?(?P<ko>원|달러))?"
)


def _parse_simple(surface: str) -> tuple[ParsedAmount, ...] | None:
    """The shortcut for one number with at most one unit; None when the surface is not one."""
    m = _SIMPLE_RE.fullmatch(surface)
    if m is None:
        return None
    pre, num, scale, big, suf, ko = m.group("pre", "num", "scale", "big", "suf", "ko")
    codes = [_currency_code(t) for t in (pre, suf, ko) if t]
    if not codes and not big:
        return ()
    if not scale and not big and not codes:
        return ()
    mant = Decimal(num.replace(",", ""))
    if scale:
        scale_name, mult = _SCALE_WORDS[scale.lower()]
    elif big:
        scale_name, mult = big, _KOREAN_UNITS[big]
    else:
        scale_name, mult = None, 1
    value = mant * mult
    if value <= 0:
        return ()
    whole = "." not in num
    bare_won = not scale and not big and any(t.lower() == "won" for t in (pre, suf) if t)
    if bare_won and (value < 100 or whole and _YEAR_RE.fullmatch(num)):
        return ()
    currency = codes[0] if codes else "KRW"
    flags: list[str] = []
    if len(set(codes)) > 1:
        flags.append("currency_conflict")
    if scale and whole and _YEAR_RE.fullmatch(num):
        flags.append("year_as_amount")
    scale_word = scale_name if scale else None
    krw = currency == "KRW"
    eok_int = krw and scale_word == "billion" and whole
    v = float(value)
    return (ParsedAmount(
        sub_start=0, sub_end=len(surface), currency=currency, value=v, low=v, high=v, is_range=False,
        has_currency=bool(codes), bare_won=bare_won, ko_suffix=ko, flags=tuple(flags), dup_value=None,
        dup_words=None, mantissa=int(mant) if whole else None, scale_word=scale_word, eok_int=eok_int,
        eok4=eok_int and mant >= 1000, tril4=krw and scale_word == "trillion" and whole and mant >= 1000,
        eok_value=None,
    ),)


def _tokens(surface: str) -> list[tuple[str, str, int, int]] | None:
    """(kind, text, start, end) tokens covering ``surface``; None if something is not a token."""
    toks, pos = [], 0
    for m in _TOKEN_RE.finditer(surface):
        if m.start() != pos:
            return None
        kind = m.lastgroup
        assert kind is not None
        toks.append((kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return toks if pos == len(surface) else None


def _parse(surface: str, between: bool, tail: bool = False) -> tuple[ParsedAmount, ...]:
    """The general grammar behind :func:`parse_amount`: tokens -> items -> groups -> amounts."""
    toks = _tokens(surface)
    if not toks:
        return ()
    # 1. Items: numbers (arabic, words, Hangul, fractions), scales, currencies, minor units,
    #    separators. A number item carries (value, source, smallest Korean place).
    items: list[tuple[str, str, int, int, Any]] = []
    i = 0
    while i < len(toks):
        kind, text, s, e = toks[i]
        low = text.lower()
        if kind == "word" and low in _NUMBER_WORDS:
            words, j, end = [], i, e
            while j < len(toks):
                k2, t2, _, e2 = toks[j]
                if k2 == "word" and t2.lower() in _NUMBER_WORDS:
                    words.append(t2.lower())
                    end, j = e2, j + 1
                elif (k2 in ("sp", "dash") and j + 1 < len(toks) and toks[j + 1][0] == "word"
                      and toks[j + 1][1].lower() in _NUMBER_WORDS):
                    j += 1
                else:
                    break
            if (words[-1] == "point" and j + 1 < len(toks) and toks[j][0] in ("sp", "dash")
                    and toks[j + 1][0] == "num" and toks[j + 1][1].isdigit()):
                words.pop()  # "one-point-28": words, then digits after the point
                value = _words_value(words)
                if value is None:
                    return ()
                value += Decimal("0." + toks[j + 1][1])
                end, j = toks[j + 1][3], j + 2
            else:
                value = _words_value(words)
            if value is None:
                return ()
            items.append(("num", surface[s:end], s, end, (value, "word", 1)))
            i = j
            continue
        if kind == "num":
            value, src, place = Decimal(text.replace(",", "")), "arabic", 1
            if i + 1 < len(toks) and toks[i + 1][0] == "hnum" and toks[i + 1][2] == e:
                p = toks[i + 1][1]
                if p not in _HANGUL_PLACES:
                    return ()
                value, src, place, e = value * _HANGUL_PLACES[p], "mixed", _HANGUL_PLACES[p], toks[i + 1][3]
                i += 1
            elif text.isdigit() and (pt := _point_tail(toks, i + 1)) is not None:
                value, e, i = Decimal(text + "." + pt[0]), pt[1], pt[2] - 1  # "172-point-seven"
            items.append(("num", surface[s:e], s, e, (value, src, place)))
        elif kind == "hnum":
            hv = _hangul_value(text)
            if hv is None:
                return ()
            items.append(("num", text, s, e, (Decimal(hv[0]), "hangul", hv[1])))
        elif kind == "frac":
            items.append(("num", text, s, e, (_fraction_value(text), "word", 1)))
        elif kind == "mcur":  # "MUSD": millions of US dollars
            items.append(("scale", "M", s, s + 1, None))
            items.append(("cur", text[1:], s + 1, e, None))
        elif kind == "word":  # "and" / "to"
            items.append((low, text, s, e, None))
        elif kind in ("cur", "scale", "big", "dash", "minor"):
            items.append((kind, text, s, e, None))
        # spaces and 여 ("more than", in 5천억여 원) carry no value
        i += 1
    # Korean numbers written with places merge while the places descend: "7천 5백" = 7,500,
    # "천 4백" = 1,400, "4천500" = 4,500 (then 만/억/조 scale the whole).
    merged: list[tuple[str, str, int, int, Any]] = []
    for it in items:
        prev = merged[-1] if merged else None
        if (it[0] == "num" and prev is not None and prev[0] == "num" and prev[4][1] in ("mixed", "hangul")
                and prev[4][2] > 1 and it[4][1] in ("arabic", "mixed", "hangul") and it[4][0] < prev[4][2]
                and "." not in it[1]):
            place = it[4][2] if it[4][1] != "arabic" else 1
            merged[-1] = ("num", surface[prev[2]:it[3]], prev[2], it[3], (prev[4][0] + it[4][0], "mixed", place))
        else:
            merged.append(it)
    items = merged
    # Minor units: "50 cents", "$20 and 43c", "64달러 45센트", and "15 dollars 50" (``tail``).
    minor: tuple[str, Decimal] | None = None
    if tail and len(items) >= 3 and items[-1][0] == "num" and items[-2][0] == "cur":
        code = _currency_code(items[-2][1])
        per = next((v[1] for v in _CURRENCIES.minor.values() if v[0] == code), None)
        if per is None:
            return ()
        minor = (code, items[-1][4][0] / per)
        items = items[:-1]
    elif any(it[0] == "minor" for it in items):
        if items[-1][0] != "minor" or len(items) < 2 or items[-2][0] != "num" or items[-2][4][1] not in ("arabic", "word"):
            return ()
        code, per = _CURRENCIES.minor[_token_key(items[-1][1])]
        count = items[-2][4][0]
        items = items[:-2]
        while items and items[-1][0] == "and":
            items = items[:-1]
        if not items:  # minor units alone: "50 cents" is US$0.50
            if count <= 0:
                return ()
            items = [("num", surface[toks[0][2]:], 0, len(surface), (count / per, "arabic", 1)),
                     ("cur", code, len(surface), len(surface), None)]
        else:
            if count >= per:
                return ()  # "$20 and 143c" is not a price
            minor = (code, count / per)

    # 2. Separators: a dash between a number and a number is a range; elsewhere a joiner.
    seps: list[int] = []
    kept: list[tuple[str, str, int, int, Any]] = []
    for idx, it in enumerate(items):
        if it[0] == "dash":
            prev_kind = kept[-1][0] if kept else None
            nxt = items[idx + 1] if idx + 1 < len(items) else None
            nxt2 = items[idx + 2] if idx + 2 < len(items) else None
            starts_number = nxt is not None and (
                nxt[0] == "num" or (nxt[0] == "cur" and nxt2 is not None and nxt2[0] == "num")
            )
            if prev_kind in ("num", "scale", "big") and starts_number:
                seps.append(len(kept))
                kept.append(("sep", it[1], it[2], it[3], None))
            continue
        if it[0] == "to" or (it[0] == "and" and between):
            seps.append(len(kept))
            kept.append(("sep", it[1], it[2], it[3], None))
            continue
        kept.append(it)
    if len(seps) > 1:
        return ()

    curs = [it for it in kept if it[0] == "cur"]
    codes = [_currency_code(it[1]) for it in curs]
    has_english_scale = any(it[0] == "scale" for it in kept)
    has_big = any(it[0] == "big" and it[1] in "억조" for it in kept)
    has_hangul_number = any(it[0] == "num" and it[4][1] == "hangul" for it in kept)
    if codes:
        currency, has_currency = codes[0], True
    elif has_big and not has_english_scale and not has_hangul_number:
        currency, has_currency = "KRW", False  # bare "281.5억": 억/조 are money in this domain
    else:
        return ()
    flags: list[str] = []
    if len(set(codes)) > 1:
        flags.append("currency_conflict")

    # 3. Groups on each side of the range separator.
    sides = [kept[: seps[0]], kept[seps[0] + 1 :]] if seps else [kept]
    side_amounts: list[list[list[_Group]]] = []
    for side in sides:
        groups: list[_Group] = []
        for it in side:
            if it[0] == "num":
                groups.append(_Group(it[4][0], it[1], it[4][1], it[2], it[3], []))
            elif it[0] in ("scale", "big"):
                if it[0] == "scale":
                    name, mult = _SCALE_WORDS[it[1].lower()]
                else:
                    name, mult = it[1], _KOREAN_UNITS[it[1]]
                if not groups:  # bare "만 원"
                    groups.append(_Group(Decimal(1), "", "implicit", it[2], it[2], []))
                groups[-1].scales.append((name, mult, it[1]))
                groups[-1].end = it[3]
        if not groups:
            return ()
        # A list matched as one compound ("2 trillion and 3 trillion") splits where the
        # magnitude stops descending; a real compound ("1조 5천억") descends throughout.
        amounts: list[list[_Group]] = [[groups[0]]]
        for g in groups[1:]:
            if g.multiplier() < amounts[-1][-1].multiplier():
                amounts[-1].append(g)
            else:
                amounts.append([g])
        side_amounts.append(amounts)

    def total(gs: list[_Group], dedup: bool = False, mult_override: int | None = None) -> Decimal:
        if mult_override is not None:
            return gs[0].mant * mult_override
        return sum((g.mant * g.multiplier(dedup) for g in gs), Decimal(0))

    no_scale_anywhere = not any(it[0] in ("scale", "big") for it in kept)
    if no_scale_anywhere and not has_currency:
        return ()

    results: list[ParsedAmount] = []
    if minor is not None:
        if seps or len(side_amounts[0]) != 1:
            return ()
        if minor[0] != currency:
            flags.append("currency_conflict")
        gs = side_amounts[0][0]
        value = total(gs) + minor[1]
        made = _make(surface, 0, len(surface), currency, value, value, False, True, kept, flags, False, None, gs)
        return (made,) if made is not None else ()
    if seps:
        if any(len(a) != 1 for a in side_amounts):
            return ()
        low_gs, high_gs = side_amounts[0][0], side_amounts[1][0]
        inherit = None
        inherit_dedup = None
        if len(low_gs) == 1 and not low_gs[0].scales and high_gs[0].scales:
            inherit, inherit_dedup = high_gs[0].multiplier(), high_gs[0].multiplier(True)
            # "from 2.5 trillion won in 2022 to 3 trillion won": a year (or a bare number that
            # would exceed the high end) before "to" is not the low end of a range.
            if _YEAR_RE.fullmatch(low_gs[0].mant_text) or low_gs[0].mant * inherit > total(high_gs):
                start = sides[1][0][2]
                is_dup = any(g.is_dup for g in high_gs)
                single = _make(surface, start, len(surface), currency, total(high_gs), total(high_gs),
                               False, has_currency, sides[1], flags, is_dup,
                               total(high_gs, True) if is_dup else None, high_gs)
                return (single,) if single is not None else ()
        low = total(low_gs, mult_override=inherit)
        high = total(high_gs)
        low_d = total(low_gs, True, inherit_dedup)
        if low > high:
            flags.append("range_inverted")
        is_dup = any(g.is_dup for g in low_gs + high_gs)
        results.append(_make(surface, 0, len(surface), currency, low, high, True, has_currency,
                             kept, flags, is_dup, low_d if is_dup else None, high_gs))
    else:
        amounts = side_amounts[0]
        for n, gs in enumerate(amounts):
            start = 0 if n == 0 else gs[0].start
            end = len(surface) if n == len(amounts) - 1 else gs[-1].end
            value = total(gs)
            is_dup = any(g.is_dup for g in gs)
            results.append(_make(surface, start, end, currency, value, value, False, has_currency,
                                 kept, list(flags), is_dup, total(gs, True) if is_dup else None, gs))
    return tuple(r for r in results if r is not None)


_KO_CURRENCY_WORDS = frozenset(_CURRENCIES.ko)
_YEAR_RE = re.compile(r"(?:19[5-9][0-9]|20[0-4][0-9]|2050)")


def _make(surface: str, start: int, end: int, currency: str, low: Decimal, high: Decimal,
          is_range: bool, has_currency: bool, kept: list, flags: list[str], is_dup: bool,
          dup_low: Decimal | None, gs: list[_Group]) -> ParsedAmount | None:
    """Assemble a :class:`ParsedAmount`; None when it is not money after all."""
    if low <= 0 or high <= 0:
        return None
    cur_texts = [it[1] for it in kept if it[0] == "cur"]
    no_scale = all(not g.scales for g in gs)
    bare_won = no_scale and any(t.lower() == "won" for t in cur_texts)
    head = gs[0]
    whole = head.src == "arabic" and "." not in head.mant_text
    # Before English "won", a bare year ("In 2019 won the award") or a number under 100
    # ("COVID-19 won attention") is the verb: nothing in this domain costs under 100 won.
    if bare_won and len(gs) == 1 and (low < 100 or whole and _YEAR_RE.fullmatch(head.mant_text)):
        return None
    names = [s[0] for s in head.scales]
    single_scale = len(gs) == 1 and len(set(names)) == 1 and len(names) >= 1
    english_scale = any(s[2].lower() in _SCALE_WORDS for s in head.scales)
    scale_word = names[0] if single_scale and english_scale else None
    mantissa = int(head.mant) if whole else None
    krw = currency == "KRW"
    eok_int = krw and scale_word == "billion" and whole
    eok4 = eok_int and head.mant >= 1000
    tril4 = krw and scale_word == "trillion" and whole and head.mant >= 1000
    if english_scale and whole and len(gs) == 1 and _YEAR_RE.fullmatch(head.mant_text):
        flags = [*flags, "year_as_amount"]
    # In a real compound each lower part is smaller than the unit above it (5 trillion 737.3
    # billion). "1 trillion 2,000 billion" (1조 2,000억 translated) overflows: its "billion"
    # part can only be 억, and the text itself gives the reading 1.2 trillion.
    eok_value = None
    overflow = [n for n in range(1, len(gs)) if gs[n].mant * gs[n].multiplier() >= gs[n - 1].multiplier()]
    if overflow and currency == "KRW" and all(
        [s[0] for s in gs[n].scales] == ["billion"] and gs[n].scales[0][2].lower() in _SCALE_WORDS for n in overflow
    ):
        flags = [*flags, "eok_as_billion"]
        eok_value = float(sum(
            (g.mant * g.multiplier() / (10 if n in overflow else 1) for n, g in enumerate(gs)), Decimal(0)
        ))
    dup_words = None
    if is_dup:
        flags = [*flags, "dup_scale"]
        dup_words = next((" ".join(s[2] for s in g.scales) for g in gs if g.is_dup), None)
    last = kept[-1] if kept else None
    ko_suffix = last[1] if last is not None and last[0] == "cur" and last[1] in _KO_CURRENCY_WORDS else None
    return ParsedAmount(
        sub_start=start, sub_end=end, currency=currency,
        value=float(low), low=float(low), high=float(high), is_range=is_range,
        has_currency=has_currency, bare_won=bare_won, ko_suffix=ko_suffix,
        flags=tuple(dict.fromkeys(flags)),
        dup_value=float(dup_low) if dup_low is not None else None, dup_words=dup_words,
        mantissa=mantissa, scale_word=scale_word, eok_int=eok_int, eok4=eok4, tril4=tril4,
        eok_value=eok_value,
    )
