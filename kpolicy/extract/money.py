"""Money amounts: find every amount of money in the sentences, with its value and provenance.

One row per amount mention, in English (``KRW 12.8 billion``, ``1.5 trillion-won``,
``US$1.2 billion``, ``two-point-four trillion won``, ``between 2 and 3 trillion won``) and in
Korean (``5,770억 원``, ``1조 5천억 원``, ``240억 6000만 원``, ``281.5억``, ``3~7억``,
``오백억 원``, ``10억 달러``). Values are kept exactly as written (``amount_krw``) and are
never rewritten: machine translation of Korean units produces figures such as
"10 trillion trillion won" or "KRW 1408 billion" (1,408억 read as billions), and these are
*flagged and explained*, with a best reading in ``amount_krw_adjusted`` only where the text
supports a single one.

How it works (one grammar, three stages):

1. **Find** (vectorised, Rust regex through Polars). One grammar, :data:`MONEY_PATTERN`, is
   built from token patterns (numbers, number words, Hangul numerals, English scale words,
   Korean units 만/억/조, currency signs, codes and words, range separators). A small anchor
   pattern (:data:`ANCHOR_PATTERN`) first keeps the sentences that can hold an amount; one
   ``replace_all`` then marks every match in the whole column, and a split turns the marked
   pieces into character offsets. The grammar has no look-around or backreferences and only
   bounded repetition, so it is linear-time in Rust and cannot backtrack catastrophically in
   Python either (the same pattern drives the per-sentence path).
2. **Parse** (Python, once per distinct piece). :func:`parse_amount` tokenises a candidate
   and evaluates it with a small number grammar: groups of *number × scale words*, added up
   in descending order (``1조 5천억``, ``5 trillion 737.3 billion``), an optional range, the
   currency from a sign, code or word. Values are exact decimals rounded once to float.
   Parses are cached, so a corpus pays once for each distinct surface.
3. **Check**. Vectorised context rules drop counts (``1억 명``), article numbers (``제3조``)
   and the verb "won", and give each amount a ``role`` from cue words around it. A
   per-document pass, run only for documents where some check can fire, raises the garble
   flags in :data:`FLAGS`, reconciles stated totals with the sum of their parts
   (:func:`reconcile_amounts`) and writes the one-sentence explanations.

:func:`extract_amounts_from_text` applies the same grammar and rules to one string in plain
Python: the per-sentence baseline, and what the unit tests use (they check that both paths
agree).

Units: ``value_*_native`` are in units of ``currency`` (e.g. US dollars); ``amount_krw*`` are in
Korean won. Offsets count Unicode code points.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

import polars as pl
import yaml

from kpolicy import paths, schema
from kpolicy.schema import Column

# ---------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------

#: What an amount is, from cue words around it (closed vocabulary, first matching cue wins).
ROLES: tuple[str, ...] = (
    "budget",  # a budget or programme/project cost (예산, 사업비, "budget of")
    "investment",  # money invested or put in (투자, 투입, "invest")
    "increase",  # a change relative to an earlier figure ("an increase of", 증가)
    "sales",  # sales, revenue, exports (매출)
    "fund",  # a named fund (펀드, 기금)
    "national_funds",  # central-government money in a project (국비, "national funds")
    "local_funds",  # local-government money in a project (시비, 도비, "city funds")
    "private",  # private-sector money (민자, "private contributions")
    "total",  # a stated total ("a total of", "worth", 총, 규모)
    "market",  # a market size ("the AI market")
    "conversion",  # a currency conversion in brackets after another amount: "5 billion won ($4 million)"
    "other",
)
Role = pl.Enum(list(ROLES))

#: Garble flags: short code -> what it means. ``is_suspect`` is true when any flag is raised,
#: and ``explanation`` then says, in one sentence, why.
FLAGS: dict[str, str] = {
    "dup_scale": "A scale word is repeated ('10 trillion trillion won'); the literal value multiplies both.",
    "eok_as_billion": "억 (10^8) was probably translated as 'billion' (10^9): a whole number of "
    "billions with 4+ digits ('KRW 1408 billion'), any whole-number 'billion' figure in a "
    "document that has one, or a compound whose 'billion' part overflows ('1 trillion 2,000 billion').",
    "eok_as_trillion": "A whole number of trillions with 4+ digits that is also implausibly large: "
    "억 (10^8) probably translated as 'trillion'.",
    "implausible_magnitude": "Larger than the whole annual budget (or economy) of the actor it is "
    "attributed to, per kpolicy/data/money_scales.yaml.",
    "parts_mismatch": "A stated total disagrees with the amounts listed as its parts, or agrees only "
    "at another power of ten.",
    "increase_exceeds_total": "An increase is larger than the amount it increased, in the same sentence.",
    "inconsistent_repeat": "The document gives the same quantity with two different values (the same "
    "digits at another scale, or one figure as both a level and an increase).",
    "date_slot_echo": "The same number sits in an impossible date slot elsewhere in the document "
    "('on the 5770th'), a sign that figures were shuffled in translation.",
    "year_as_amount": "The written number looks like a year ('2023 billion won').",
    "currency_conflict": "Two different currencies are attached to one amount.",
    "range_inverted": "The low end of a range is larger than its high end.",
}

# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------

AMOUNTS = schema.register(
    schema.Table(
        "amounts",
        "One row per amount of money mentioned in a sentence. Values are literal (as written); "
        "suspected machine-translation garbles are flagged and explained, and a best reading is "
        "given in `amount_krw_adjusted` only where the text supports one.",
        (
            *schema.PROVENANCE,
            Column("currency", pl.String, "ISO 4217 code of the amount's currency (KRW, USD, EUR, JPY, CNY, ...).", "ISO 4217"),
            Column("value_native", pl.Float64, "Value in its own currency as written (US$1.2 billion -> 1.2e9); for a range, the low end.", "currency units"),
            Column("amount_krw", pl.Float64, "Literal value in won as written; null when the currency is not KRW. Never adjusted.", "KRW"),
            Column("is_range", pl.Boolean, "The mention is a range ('3~7억', '1.2 to 1.5 trillion won')."),
            Column("value_low_native", pl.Float64, "Low end of a range (equals value_native for a single amount).", "currency units"),
            Column("value_high_native", pl.Float64, "High end of a range (equals value_native for a single amount).", "currency units"),
            Column("amount_krw_low", pl.Float64, "Low end in won; null when not KRW.", "KRW"),
            Column("amount_krw_high", pl.Float64, "High end in won; null when not KRW.", "KRW"),
            Column("is_suspect", pl.Boolean, "At least one garble flag is raised."),
            Column("flags", pl.List(pl.String), "Garble flags, short codes (see kpolicy.extract.money.FLAGS); empty when clean."),
            Column("explanation", pl.String, "One sentence saying why the amount is suspect; null when not suspect."),
            Column("amount_krw_adjusted", pl.Float64, "Best reading in won where the text supports a single one (for a range, the low end); null otherwise. amount_krw is kept as written.", "KRW"),
            Column("adjustment_reason", pl.String, "How amount_krw_adjusted was derived from amount_krw; null when not adjusted."),
            Column("role", Role, "What the amount is, from cue words around it: " + ", ".join(ROLES) + "."),
        ),
        key=("doc_id", "char_start", "char_end"),
        module=__name__,
    )
)

RECONCILIATIONS = schema.register(
    schema.Table(
        "reconciliations",
        "Stated totals checked against the sum of the amounts listed as their parts (consecutive "
        "amounts in the same or adjacent sentences, e.g. bullet items), one row per total and "
        "group of parts; the provenance columns locate the total. Built from the amounts table "
        "by `reconcile_amounts`.",
        (
            *schema.PROVENANCE,  # of the stated total
            Column("total_krw", pl.Float64, "The stated total, literal.", "KRW"),
            Column("parts_sum_krw", pl.Float64, "Sum of the parts, literal.", "KRW"),
            Column("n_parts", pl.Int64, "Number of parts.", "amounts"),
            Column("parts_char_start", pl.Int64, "Start of the first part.", "code points"),
            Column("parts_char_end", pl.Int64, "End (exclusive) of the last part.", "code points"),
            Column("parts_surfaces", pl.List(pl.String), "The parts as written, in order."),
            Column("scale_factor", pl.Float64, "Power of ten f with parts_sum_krw * f == total_krw (1.0 when they agree as written; 0.1 when the parts are ten times too large); null when no power of ten reconciles them.", "ratio"),
            Column("is_consistent", pl.Boolean, "The total equals the sum of its parts as written (within 1%)."),
            Column("explanation", pl.String, "One sentence describing the check."),
        ),
        key=("doc_id", "char_start", "parts_char_start"),
        module=__name__,
    )
)

#: Columns returned by :func:`extract_amounts` (the lead's ``facts.build`` adds source spans).
OUTPUT_COLUMNS: tuple[str, ...] = tuple(
    c for c in AMOUNTS.names if c not in ("source_start", "source_end")
)

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
    "quadrillion": ("quadrillion", 10**15),
}
_SCALE_WORD = "(?i:" + "|".join(sorted((w for w in _SCALE_WORDS if len(w) > 1), key=len, reverse=True)) + ")"
_SCALE_LETTER = "[kKmMbBtT]"  # only directly attached to a number: "$5m", "$1.2b"
_KOREAN_UNITS: dict[str, int] = {"만": 10**4, "억": 10**8, "조": 10**12}
_HANGUL_DIGITS: dict[str, int] = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "륙": 6,
                                  "칠": 7, "팔": 8, "구": 9}
_HANGUL_PLACES: dict[str, int] = {"십": 10, "백": 100, "천": 1000}
_HNUM = "[일이삼사오육륙칠팔구십백천]{1,8}"

# Currency signs and codes written before the number. "W" (a common ASCII stand-in for ₩)
# must touch the digits: "W500 million".
_CUR_PRE = (
    f"(?:(?:KRW|USD|EUR|JPY|CNY|RMB|GBP){_SP}{{0,2}}"
    f"|(?:US|U\\.S\\.|HK|NT|S|A|C)?\\${_SP}?"
    f"|CN¥{_SP}?|[₩￦€£¥]{_SP}?|W)"
)
_CUR_SUF_EN = (
    f"(?i:(?:south{_SP}{{1,2}})?korean{_SP}{{1,2}}won|won|krw|(?:u\\.?s\\.?{_SP}?)?dollars?|usd"
    "|euros?|eur|yen|jpy|yuan|renminbi|rmb|cny|gbp)\\b"
)
_CUR_SUF_KO = "(?:원|달러|엔|위안|유로|파운드)"
_SUFFIX = f"(?:(?:{_SP}|-){{0,2}}{_CUR_SUF_EN}|{_SP}?(?:여{_SP}?)?{_CUR_SUF_KO})"

# English: number (or number words) x scale word(s); compounds in descending order.
_SCALES = f"{_SCALE_WORD}\\b(?:(?:{_SP}|-){{1,2}}{_SCALE_WORD}\\b){{0,2}}"  # "trillion trillion" is kept
_ENG_GROUP = (
    f"(?:{_NUM}(?:(?:{_SP}|-){{0,2}}{_SCALES}|{_SCALE_LETTER}\\b)"
    f"|{_WNUM}(?:{_SP}|-){{1,2}}{_SCALES})"
)
_ENG_COMPOUND = f"{_ENG_GROUP}(?:{_SP}{{1,3}}(?:(?i:and){_SP}{{1,3}})?{_ENG_GROUP}){{0,3}}"
_LOW_EN = f"(?:{_ENG_GROUP}|{_NUM}|{_WNUM})"
_RSEP_EN = f"(?:{_SP}{{0,2}}[-–—~∼〜～]{_SP}{{0,2}}|{_SP}{{1,3}}(?i:to){_SP}{{1,3}})"

# Korean: groups of (number x 조/억/만) in descending order, then trailing units.
_KNUM_A = f"{_NUM}[십백천]?"  # "5천" = 5,000
_KNUM = f"(?:{_KNUM_A}|{_HNUM})"
_KTAIL_MAN = f"(?:{_SP}?{_KNUM}{_SP}?만(?:{_SP}?{_KNUM_A})?)?"
_KTAIL_EOK = f"(?:{_SP}?{_KNUM}{_SP}?억)?{_KTAIL_MAN}"


def _kamt(first: str) -> str:
    return f"{first}{_SP}?(?:조{_KTAIL_EOK}|억{_KTAIL_MAN}|만(?:{_SP}?{_KNUM_A})?)"


_KAMT_A = _kamt(_KNUM_A)
_KAMT_H = _kamt(_HNUM)
_RSEP_KO = f"{_SP}?[-–~∼〜～]{_SP}?"

# Alternatives are tried in order at each start position (leftmost-first in both engines),
# so ranges come before the single forms they begin with.
_CORE_SCALED = (
    f"(?:{_KAMT_A}|{_NUM}){_RSEP_KO}{_KAMT_A}"
    f"|{_KAMT_A}"
    f"|{_LOW_EN}{_RSEP_EN}(?:{_CUR_PRE})?{_ENG_COMPOUND}"
    f"|{_ENG_COMPOUND}"
)
_CORE_ANY = f"{_CORE_SCALED}|{_NUM}(?:{_RSEP_EN}{_NUM})?"
_M_LATIN = (
    f"{_CUR_PRE}(?:{_CORE_ANY})(?:{_SUFFIX})?"
    f"|(?:{_CORE_SCALED})(?:{_SUFFIX})?"
    f"|{_KNUM_A}{_SUFFIX}"  # "17,000 won", "5천원"
)
_M_BETWEEN = (
    f"(?:{_CUR_PRE})?{_LOW_EN}{_SP}{{1,3}}(?i:and){_SP}{{1,3}}(?:{_CUR_PRE})?{_ENG_COMPOUND}(?:{_SUFFIX})?"
)
# Amounts led by Hangul numerals must carry a currency: "오백억 원", "삼천만 원", "만 원".
_M_HANGUL = f"{_KAMT_H}{_SUFFIX}|만{_SP}?원"
# A match may not start inside a number or a Latin word (the guard character is consumed
# by the pre-group rather than looked behind, since Rust has no look-behind). Hangul-led
# amounts may not start inside a Hangul word either ("인천" contains 천).
_GUARD_LATIN = "(?:^|[^0-9.,A-Za-z])"
_GUARD_HANGUL = "(?:^|[^0-9.,A-Za-z가-힣])"

#: The candidate grammar (Rust and Python syntax). Group ``m1``/``m3``/``m2`` is the amount;
#: ``p*`` is the guard character (and "between ") before it.
MONEY_PATTERN = (
    f"(?P<p1>{_GUARD_LATIN})(?P<m1>{_M_LATIN})"
    f"|(?P<p3>{_GUARD_LATIN}(?i:between){_SP}{{1,3}})(?P<m3>{_M_BETWEEN})"
    f"|(?P<p2>{_GUARD_HANGUL})(?P<m2>{_M_HANGUL})"
)
#: Every amount that survives parsing carries a currency (sign, code or word) or a number
#: right before 억/조, so a sentence without one of these anchors cannot yield an amount.
#: This small pattern is fast in Rust; the full grammar then runs on the candidates only.
ANCHOR_PATTERN = (
    "[$₩￦€£¥]|KRW|USD|EUR|JPY|CNY|RMB|GBP|W[0-9]"
    "|(?i:won|krw|dollars?|usd|euros?|eur|yen|jpy|yuan|renminbi|rmb|cny|gbp)\\b"
    f"|[0-9십백천만억조]{_SP}?(?:여{_SP}?)?{_CUR_SUF_KO}"
    f"|[0-9일이삼사오육륙칠팔구십백천]{_SP}?[억조]"
)
_MONEY_RE = py(MONEY_PATTERN)
# Polars marks whole matches as \0match\0. Rust resolves capture groups with a much slower
# engine than it finds matches (8x here), so the scan pattern has none; Python re-matches
# each distinct marked piece with MONEY_PATTERN to find where the amount starts.
_SCAN_PATTERN = re.sub(r"\(\?P<\w+>", "(?:", MONEY_PATTERN)
_MARK = "\x00"
# A NUL already in the text stands in as \x01 while matching: the same byte length (windows
# are cut by byte offsets) and, like NUL, a character no pattern here names.
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
    r"US\$|U\.S\.\$|HK\$|NT\$|S\$|A\$|C\$|CN¥|\$|₩|￦|€|£|¥"
    r"|(?:KRW|USD|EUR|JPY|CNY|RMB|GBP)(?![A-Za-z])|W(?=[0-9])"
    r"|(?i:(?:south\s+)?korean\s+won|won|krw|(?:u\.?s\.?\s?)?dollars?|usd|euros?|eur|yen|jpy"
    r"|yuan|renminbi|rmb|cny|gbp)\b"
    r"|원|달러|엔|위안|유로|파운드"
)
_TOKEN_RE = re.compile(
    ("|".join(
        (
            f"(?P<cur>{_CUR_TOKEN})",
            r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)",
            r"(?P<scale>" + _SCALE_WORD + r"\b|[kKmMbBtT]\b)",
            r"(?P<big>[만억조])",
            r"(?P<hnum>[일이삼사오육륙칠팔구십백천]+)",
            r"(?P<word>(?i:" + _WORDS_ALT + r"|point|and|to|an|a)\b)",
            r"(?P<dash>[-–—~∼〜～])",
            r"(?P<approx>여)",
            r"(?P<sp>\s+)",
        )
    )).replace("\\b", "(?a:\\b)")  # ASCII word boundaries, as in MONEY_PATTERN
)
_NUMBER_WORDS = frozenset([*_WORD_VALUE, "hundred", "point", "a", "an"])


def _currency_code(token: str) -> str:
    """ISO 4217 code for a currency token as it appears in text."""
    t = re.sub(r"\s+", " ", token.strip()).lower()
    if t in ("krw", "₩", "￦", "w", "won", "원") or t.endswith("korean won"):
        return "KRW"
    if t in ("hk$",):
        return "HKD"
    if t in ("nt$",):
        return "TWD"
    if t in ("s$",):
        return "SGD"
    if t in ("a$",):
        return "AUD"
    if t in ("c$",):
        return "CAD"
    if t.endswith("$") or "dollar" in t or t in ("usd", "달러"):
        return "USD"
    if t in ("€", "eur", "euro", "euros", "유로"):
        return "EUR"
    if t in ("¥", "yen", "jpy", "엔"):
        return "JPY"
    if t in ("cn¥", "yuan", "renminbi", "rmb", "cny", "위안"):
        return "CNY"
    if t in ("£", "gbp", "파운드"):
        return "GBP"
    raise ValueError(f"unknown currency token {token!r}")


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


def _hangul_value(text: str) -> int | None:
    """Value of a Hangul numeral below 10,000 ("오백" -> 500, "천" -> 1000), or None."""
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
    return total or None


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
def parse_amount(surface: str, between: bool = False) -> tuple[ParsedAmount, ...]:
    """Read the amounts in one candidate surface found by :data:`MONEY_PATTERN`.

    Args:
        surface: the candidate text, e.g. ``"KRW 3-7 billion"`` or ``"1조 5천억 원"``.
        between: the surface followed the word "between", so "and" separates a range.

    Returns:
        Zero or more :class:`ParsedAmount` (offsets relative to ``surface``). Zero when the
        candidate is not money (no currency and no 억/조, e.g. "3 billion people", "2만 명").
        More than one when a list was matched as a compound ("2 trillion and 3 trillion won").
        Values are in currency units.
    """
    try:
        simple = _parse_simple(surface)
        return simple if simple is not None else _parse(surface, between)
    except (InvalidOperation, KeyError, ValueError, OverflowError):
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


def _parse(surface: str, between: bool) -> tuple[ParsedAmount, ...]:
    """The general grammar behind :func:`parse_amount`: tokens -> items -> groups -> amounts."""
    toks = _tokens(surface)
    if not toks:
        return ()
    # 1. Items: numbers (arabic, words, Hangul), scales, currencies, separators.
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
            value = _words_value(words)
            if value is None:
                return ()
            items.append(("num", surface[s:end], s, end, (value, "word")))
            i = j
            continue
        if kind == "num":
            value, src = Decimal(text.replace(",", "")), "arabic"
            if i + 1 < len(toks) and toks[i + 1][0] == "hnum" and toks[i + 1][2] == e:
                place = toks[i + 1][1]
                if place not in _HANGUL_PLACES:
                    return ()
                value, src, e = value * _HANGUL_PLACES[place], "mixed", toks[i + 1][3]
                i += 1
            items.append(("num", surface[s:e], s, e, (value, src)))
        elif kind == "hnum":
            hv = _hangul_value(text)
            if hv is None:
                return ()
            items.append(("num", text, s, e, (Decimal(hv), "hangul")))
        elif kind == "word":  # "and" / "to"
            items.append((low, text, s, e, None))
        elif kind in ("cur", "scale", "big", "dash"):
            items.append((kind, text, s, e, None))
        # spaces and 여 ("more than", in 5천억여 원) carry no value
        i += 1

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


_KO_CURRENCY_WORDS = ("원", "달러", "엔", "위안", "유로", "파운드")
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


# ---------------------------------------------------------------------------------------
# Context rules, shared by the vectorised and the per-sentence paths (see rust()/py()).
# ---------------------------------------------------------------------------------------


_LEFT_CHARS = 60  # the cue window before an amount (stops at the previous amount)
_WIDE_CHARS = 160
_RIGHT_CHARS = 40

# A counter noun after a bare Korean number makes it a count, not money: "1억 명", "2만여 개".
# The counter must end the word (a particle or a non-Hangul character follows), so that
# "5억 개발비" or "5억 배정" are not mistaken for counts.
_COUNTERS = sorted(
    "명 개 건 장 곳 대 가구 세대 톤 평 배 회 번 편 권 종 마리 그루 석 척 시간 개월 년 일 주 세 살 층 "
    "호 위 차 점 쪽 줄 통 벌 채 필지 헥타르 미터 킬로미터 리터 개사 개소 개국 개교 가지 단계 포인트 배럴 "
    "가입자 인 팀 km ㎞ kg ㎏ ㎡ m² ha %".split(),
    key=len, reverse=True,
)
_PARTICLES = "이|가|을|를|의|에|은|는|과|와|도|씩|만|까지|으로|로|당|이상|이하|가량|정도|규모|여|에서|이며|이다|입니다"
COUNTER_PATTERN = (
    f"^{_SP}?(?:여{_SP}?)?(?:{'|'.join(map(re.escape, _COUNTERS))})(?:$|[^가-힣]|{_PARTICLES})"
)
# "17,000 won the award" / "3 won the first prize": the verb, not the currency.
VERB_WON_PATTERN = (
    f"(?i)^{_SP}+(?:the|a|an|its|their|his|her|our|first|second|third|gold|silver|bronze"
    "|awards?|prizes?|medals?|titles?|games?|matches?|seats?|votes?)\\b"
)
# "제3조" is Article 3 of a law, not 3 trillion won: a bare 조/억 amount right after 제.
ARTICLE_PATTERN = f"제{_SP}?$"
# A Korean currency word glued to a longer word is not a currency: 원칙 (principle),
# 원전 (nuclear plant), 엔진 (engine), 위안부.
KO_CONTINUATION: dict[str, str] = {
    "원": "^(?:칙|전|자|장|료|리|형|래|본|격|단|유|소|고|서|작|탁|조)",
    "엔": "^(?:진|터|지)",
    "위안": "^부",
}
CONVERSION_PATTERN = (
    f"^{_SP}*[(（]{_SP}*(?:(?i:about|approximately|approx\\.|around|roughly|some|nearly|or){_SP}+|약{_SP}*)?$"
)
NATIONAL_CONTEXT_PATTERN = (
    "(?i)\\b(?:national|government|state|central|country|nationwide|korea)\\b|정부|국가|전국|중앙|국비"
)

#: Role cues, in priority order: (role, window, pattern). Windows: ``left`` = up to 60
#: characters before the amount (from the previous amount), ``right`` = up to 40 after (to
#: the next amount), ``clause`` = the part of ``left`` after its last , ; : ( ) [ ],
#: ``wide`` = up to 160 characters before. The first rule that matches decides.
_ADJ = f"(?:[a-z-]+{_SP}+){{0,2}}"  # up to two words before a category noun: "in digital sales"
ROLE_RULES: tuple[tuple[str, str, str], ...] = (
    # Increases are decided by the words right next to the amount.
    ("increase", "left",
     f"(?i)(?:\\bincreases?{_SP}+(?:of|by)|\\bincreased(?:{_SP}+by)?|\\brose{_SP}+by|\\bgrew{_SP}+by"
     f"|\\bup{_SP}+by|\\bjumped{_SP}+by|\\bexpanded{_SP}+by|\\bgrowth{_SP}+of){_SP}+"
     f"(?:(?:about|around|approximately|some|nearly|over|more{_SP}+than){_SP}+)?$"),
    ("increase", "right", f"^{_SP}*(?:\\([^)]{{0,30}}\\){_SP}*)?(?:이|가)?{_SP}*(?:증가|늘|증액|상승|확대|많)"),
    ("increase", "right", f"(?i)^{_SP}+(?:more|higher){_SP}+than\\b"),
    # Categories named right after the amount: "12.8 billion KRW in national funds".
    ("national_funds", "right",
     f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?(?:national|government|state|central{_SP}+government)"
     f"{_SP}+(?:funds?|funding|treasury|subsid|money|support)"),
    ("local_funds", "right",
     f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?(?:local|city|provincial|municipal|county|district)"
     f"{_SP}+(?:government{_SP}+)?(?:funds?|funding|money|subsid)"),
    ("private", "right", f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?private\\b"),
    ("sales", "right", f"(?i)^[ ,]*(?:(?:in|of){_SP}+{_ADJ})?(?:sales|revenues?|turnover|exports?)\\b"),
    ("sales", "right", f"^{_SP}*(?:의{_SP}*)?매출"),
    ("market", "right", f"(?i)^[ ,-]*(?:(?:in|of){_SP}+)?{_ADJ}market\\b"),
    ("fund", "right", f"(?i)^[ ,-]*{_ADJ}funds?\\b"),
    ("budget", "right", f"(?i)^[ ,-]*(?:(?:in|of|for){_SP}+)?{_ADJ}budgets?\\b"),
    ("budget", "right", f"^{_SP}*(?:의{_SP}*)?(?:예산|사업비)"),
    ("investment", "right", f"(?i)^[ ,-]*(?:(?:in|of){_SP}+)?{_ADJ}investments?\\b"),
    ("investment", "right", f"^{_SP}*(?:을|를|이|가)?{_SP}*(?:투자|투입|들여)"),
    ("total", "right", f"^{_SP}*(?:의{_SP}*)?규모"),
    # Otherwise the cue words of the clause before the amount (an opening bracket right
    # before the amount is skipped: "national (25 billion won)").
    ("national_funds", "clause",
     f"(?i)\\b(?:national|government|state)(?:{_SP}+government)?{_SP}+(?:funds?|funding|treasury|subsid)"
     f"|\\b(?:national|government|state){_SP}*$|국비|국고|정부{_SP}*지원금"),
    ("local_funds", "clause",
     f"(?i)\\b(?:city|provincial|local|municipal)(?:{_SP}+government)?{_SP}+(?:funds?|funding)"
     f"|\\b(?:city|provincial|local|municipal){_SP}*$|시비|도비|군비|구비|지방비"),
    ("private", "clause",
     f"(?i)\\bprivate(?:{_SP}+sector)?{_SP}+(?:funds?|funding|capital|investments?|contributions?|money)"
     f"|\\bprivate(?:{_SP}+sector)?{_SP}*$|민자|민간{_SP}*(?:투자|자본|자금|부담)"),
    ("sales", "clause", "(?i)\\b(?:sales|revenues?|turnover)\\b|매출"),
    ("market", "clause", f"(?i)\\bmarkets?\\b|시장{_SP}*규모"),
    ("fund", "clause", "(?i)\\bfunds?\\b|펀드|기금"),
    ("budget", "clause", "(?i)\\bbudget|\\b(?:spend|spends|spent|spending|allocat\\w*|earmark\\w*)\\b"
     f"|\\bset{_SP}+aside\\b|예산|사업비|편성"),
    ("investment", "clause", "(?i)\\binvest|\\b(?:inject\\w*|pour\\w*)\\b|투자|투입"),
    ("total", "clause",
     f"(?i)\\b(?:total|totaling|totalling|altogether|combined|amounting|worth)\\b|\\bin{_SP}+all\\b|총{_SP}*$|총액|합계|모두"),
    # Then the wider window before the amount.
    ("budget", "wide", "(?i)\\bbudget|예산|사업비"),
    ("investment", "wide", "(?i)\\binvest|투자|투입"),
)
_ROLE_RULES_PY = tuple((role, window, py(p)) for role, window, p in ROLE_RULES)
_COUNTER_RE = py(COUNTER_PATTERN)
_VERB_WON_RE = py(VERB_WON_PATTERN)
_KO_CONTINUATION_RE = {k: py(v) for k, v in KO_CONTINUATION.items()}
_ARTICLE_RE = py(ARTICLE_PATTERN)
_CONVERSION_RE = py(CONVERSION_PATTERN)
_NATIONAL_CONTEXT_RE = py(NATIONAL_CONTEXT_PATTERN)
#: The clause before an amount: what follows the last , ; : ( ) [ ] of the left window,
#: not counting an opening bracket right before the amount.
CLAUSE_PATTERN = f"([^,;:()\\[\\]]*)(?:[(（]{_SP}*)?$"
_CLAUSE_RE = py(CLAUSE_PATTERN)
_CLAUSE_MATCH = CLAUSE_PATTERN.replace("([^", "(?:[^", 1)  # the same, without the (slow) capture

# Impossible slots: a date "on the 5770th", a malformed ordinal "the 402th", "5월 402일".
# Only candidates that can be impossible are matched (a day of 2+ digits, an ordinal of 3+
# digits); impossible_slot() decides.
SLOT_PATTERN = (
    f"(?i)\\bon{_SP}+the{_SP}+[0-9][0-9,]{{1,9}}(?:st|nd|rd|th)\\b|\\b[0-9]{{3,7}}(?:st|nd|rd|th)\\b"
    f"|[0-9]{{1,2}}월{_SP}?[0-9]{{2,7}}일"
)
_SLOT_RE = py(SLOT_PATTERN)


def _ordinal_suffix(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def impossible_slot(slot: str) -> int | None:
    """The number in a date or ordinal slot that cannot hold it, else None.

    "on the 5770th" -> 5770 (no month has 5770 days); "the 402th" -> 402 (malformed
    ordinal); "5월 40일" -> 40. "on the 6th" or "the 100th anniversary" -> None.
    """
    m = re.search(r"([0-9][0-9,]*)(st|nd|rd|th|일)", slot, re.I)
    if m is None:
        return None
    n = int(m.group(1).replace(",", "") or 0)
    suffix = m.group(2).lower()
    if suffix == "일":
        return n if n > 31 or n == 0 else None
    if suffix != _ordinal_suffix(n):
        return n
    if slot.lower().startswith("on") and (n > 31 or n == 0):
        return n
    return None


# ---------------------------------------------------------------------------------------
# Reference magnitudes
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MoneyScales:
    """Ceilings (won) from ``kpolicy/data/money_scales.yaml``; see that file for sources."""

    national_budget_krw: float
    national_budget_year: int
    gdp_krw: float
    world_gdp_krw: float
    regional_budget_krw: dict[str, float]
    municipal_budget_krw: float
    single_local_project_krw: float

    @property
    def regional_budget_max_krw(self) -> float:
        return max(self.regional_budget_krw.values())


@functools.lru_cache(maxsize=1)
def load_scales() -> MoneyScales:
    """Load the reference magnitudes (cached): budget figures verified, the rest recalled.

    See ``kpolicy/data/money_scales.yaml``: the national budgets carry
    ``confidence: verified`` with the page they were read in; GDP and the regional and
    municipal ranges are ``approximate`` (recalled, unverified) ceilings.
    """
    with open(paths.DATA_DIR / "money_scales.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    latest = max(data["national_budget"]["entries"], key=lambda e: e["year"])
    return MoneyScales(
        national_budget_krw=float(max(e["value_krw"] for e in data["national_budget"]["entries"])),
        national_budget_year=int(latest["year"]),
        gdp_krw=float(data["economy"]["korea_gdp"]["value_krw"]),
        world_gdp_krw=float(data["economy"]["world_gdp"]["value_krw"]),
        regional_budget_krw={k: float(v["high_krw"]) for k, v in data["regional_budget"]["entries"].items()},
        municipal_budget_krw=float(data["municipal_budget"]["high_krw"]),
        single_local_project_krw=float(data["single_local_project"]["high_krw"]),
    )


# ---------------------------------------------------------------------------------------
# Formatting for explanations
# ---------------------------------------------------------------------------------------


def _trim(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def format_money(value: float, currency: str = "KRW") -> str:
    """Human form of an amount: 1.2e13 -> "12 trillion won", 1e25 -> "1×10^25 won"."""
    unit = "won" if currency == "KRW" else currency
    a = abs(value)
    if a >= 1e16:
        mant, exp = f"{value:.3e}".split("e")
        return f"{_trim(float(mant))}×10^{int(exp)} {unit}"
    for div, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= div:
            return f"{_trim(value / div)} {name} {unit}"
    return f"{_trim(value)} {unit}"


def _sig_digits(value: float) -> tuple[str, int]:
    """Significant digits (up to 15) and exponent of the last one: 5.77e12 -> ("577", 10)."""
    mantissa, exp = f"{abs(value):.14e}".split("e")
    digits = mantissa.replace(".", "").rstrip("0") or "0"
    return digits, int(exp) - len(digits) + 1


def _mantissa_key(value: float) -> str:
    """The value's digits without its scale: 5.77e11 and 5.77e12 share "5.770000000000"."""
    return f"{value:.12e}".split("e")[0]


def _power_of_ten(total: float, parts: float, tol: float = 0.01) -> int | None:
    """k with total ≈ parts × 10^k (|k| <= 4, relative tolerance ``tol``), else None."""
    if total <= 0 or parts <= 0:
        return None
    k = round(math.log10(total / parts))
    if abs(k) > 4:
        return None
    return k if abs(total - parts * 10**k) <= tol * total else None


# ---------------------------------------------------------------------------------------
# Document pass: garble flags, reconciliation, adjustments
# ---------------------------------------------------------------------------------------

_LOCAL_LEVELS = ("metropolitan", "provincial", "municipal")
_INCONSISTENCY_FLAGS = ("parts_mismatch", "increase_exceeds_total", "inconsistent_repeat")


@dataclass
class _Recon:
    total: int  # row index of the total
    parts: list[int]
    parts_sum: float
    scale_factor: float | None
    is_consistent: bool
    explanation: str


class _ValueIndex:
    """Row indices sorted by value, for "which amounts equal x × 10^k (within 1%)?" lookups."""

    def __init__(self, items: list[tuple[float, int]]):
        items = sorted(items)
        self.values = [v for v, _ in items]
        self.rows = [i for _, i in items]

    def near(self, x: float, tol: float = 0.01) -> list[int]:
        lo = bisect.bisect_left(self.values, x * (1 - tol))
        hi = bisect.bisect_right(self.values, x * (1 + tol))
        return self.rows[lo:hi]

    def near_powers_of_ten(self, x: float) -> list[int]:
        if not self.values:
            return []
        lo, hi = self.values[0] / 1.01, self.values[-1] * 1.01
        found: list[int] = []
        for k in range(-4, 5):
            y = x * 10.0**k
            if lo <= y <= hi:
                found += self.near(y)
        return sorted(set(found))


_LOG_TOL = math.log10(1.01)


#: Roles that are never parts (nor totals) of a sum: changes, restatements, and outcomes
#: such as sales and market sizes, which are not money put into a programme.
_NOT_PARTS = ("increase", "conversion", "sales", "market")


def _reconcile_rows(rows: list[dict[str, Any]], explain: bool = True) -> list[_Recon]:
    """Totals vs the sum of their parts, within one document (rows sorted by char_start).

    Parts are runs of consecutive KRW amounts in the same or adjacent sentences (bullet
    items, in-sentence lists), excluding increases, conversions, sales and market sizes,
    and amounts whose role is ``total`` (which end a run). A run is checked against (a) every other KRW amount whose
    value equals the run's sum at some power of ten, (b) its own first or last member, and
    (c) the nearest stated total up to two sentences before it, reported when the parts
    exceed it (a larger total may just be partly itemised).
    """
    krw = [
        i for i, r in enumerate(rows)
        if r["currency"] == "KRW" and not r["is_range"] and (r["amount_krw"] or 0) > 0
    ]
    if len(krw) < 2:
        return []
    amount = {i: float(rows[i]["amount_krw"]) for i in krw}
    sentence = {i: rows[i]["sentence_idx"] for i in krw}
    role = {i: rows[i]["role"] for i in krw}
    runs: list[list[int]] = []
    cur: list[int] = []
    for i in krw:
        if role[i] in _NOT_PARTS:
            continue
        if role[i] == "total" or (cur and sentence[i] - sentence[cur[-1]] > 1):
            if len(cur) >= 2:
                runs.append(cur)
            cur = []
        if role[i] != "total":
            cur.append(i)
    if len(cur) >= 2:
        runs.append(cur)
    if not runs:
        return []

    def near(t: int, parts: list[int]) -> bool:
        return sentence[parts[0]] - 2 <= sentence[t] <= sentence[parts[-1]] + 2

    candidates = [t for t in krw if role[t] not in _NOT_PARTS]
    # Large documents look sums up in a sorted index; small ones just compare.
    index = _ValueIndex([(amount[t], t) for t in candidates]) if len(candidates) > 32 else None
    totals = [t for t in krw if role[t] == "total"]
    total_starts = [rows[t]["char_start"] for t in totals]
    out: list[_Recon] = []
    for run in runs:
        s_run = sum(amount[p] for p in run)
        in_run = set(run)
        if index is not None:
            external = [t for t in index.near_powers_of_ten(s_run) if t not in in_run]
        else:
            external = []
            for t in candidates:
                r = math.log10(amount[t] / s_run)
                if abs(r - round(r)) <= _LOG_TOL and abs(r) < 4.5 and t not in in_run:
                    external.append(t)
        checks = [(t, run, s_run) for t in external]
        if len(run) >= 3:
            checks += [(run[-1], run[:-1], s_run - amount[run[-1]]), (run[0], run[1:], s_run - amount[run[0]])]
        matched: set[int] = set()
        for t, parts, s in checks:
            k = _power_of_ten(amount[t], s)
            if k is None:
                continue
            if k != 0:
                # A power-of-ten coincidence between round numbers is cheap; demand a
                # distinctive sum (3+ significant digits) and a total that is one or sits near.
                if len(_sig_digits(s)[0]) < 3 or not (role[t] in ("total", "budget") or near(t, parts)):
                    continue
            matched.add(t)
            out.append(_Recon(t, parts, s, float(10.0**k), k == 0, ""))
        # The nearest stated total just before the run.
        pos = bisect.bisect_left(total_starts, rows[run[0]]["char_start"]) - 1
        if pos >= 0:
            t = totals[pos]
            if sentence[run[0]] - sentence[t] <= 2 and t not in matched and amount[t] < s_run * 0.99:
                out.append(_Recon(t, run, s_run, None, False, ""))
    if explain:
        for rec in out:
            rec.explanation = _recon_explanation(rows, rec)
    return out


def _recon_explanation(rows: list[dict[str, Any]], rec: _Recon) -> str:
    t = rows[rec.total]
    n = len(rec.parts)
    listed = ", ".join(f"'{rows[p]['surface']}'" for p in rec.parts)
    if rec.is_consistent:
        return (f"The {n} amounts {listed} add up to {format_money(rec.parts_sum)}, matching the "
                f"stated total '{t['surface']}' as written.")
    if rec.scale_factor is not None:
        return (f"The {n} amounts {listed} add up to {format_money(rec.parts_sum)}, which matches the "
                f"stated total '{t['surface']}' only when multiplied by {rec.scale_factor:g}, so one side "
                "was probably mis-scaled in translation.")
    return (f"The stated total '{t['surface']}' ({format_money(float(t['amount_krw']))}) is smaller than "
            f"the {n} amounts listed after it ({listed}), which add up to {format_money(rec.parts_sum)}; "
            "no power of ten reconciles them.")


def _entity_ceiling(level: str | None, regions: tuple[str, ...], scales: MoneyScales) -> tuple[float, str] | None:
    """Annual budget of the actor a document speaks for (won), with a label."""
    if level == "national":
        return scales.national_budget_krw, (
            f"Korea's whole annual government budget ({format_money(scales.national_budget_krw)} "
            f"in {scales.national_budget_year})")
    if level in ("metropolitan", "provincial"):
        known = [(scales.regional_budget_krw[r], r) for r in regions if r in scales.regional_budget_krw]
        if known:
            value, name = max(known)
            return value, f"{name}'s whole annual budget (at most about {format_money(value)})"
        return scales.regional_budget_max_krw, (
            f"the largest regional government's annual budget (about {format_money(scales.regional_budget_max_krw)})")
    if level == "municipal":
        return scales.municipal_budget_krw, (
            f"the largest city or county annual budget (about {format_money(scales.municipal_budget_krw)})")
    return None


@functools.lru_cache(maxsize=64)
def _hard_ceiling(role: str, scales: MoneyScales) -> tuple[float, str]:
    """The most any amount with this role can be, whoever the actor (won, label)."""
    if role == "market":
        return scales.world_gdp_krw, f"world GDP (about {format_money(scales.world_gdp_krw)})"
    if role in ("budget", "national_funds", "local_funds"):
        return scales.national_budget_krw, (
            f"Korea's whole annual government budget ({format_money(scales.national_budget_krw)} "
            f"in {scales.national_budget_year})")
    return scales.gdp_krw, f"Korea's GDP (about {format_money(scales.gdp_krw)})"


class Annotation(NamedTuple):
    """The document pass's verdict on one suspect amount."""

    flags: list[str]
    explanation: str
    amount_krw_adjusted: float | None
    adjustment_reason: str | None


def _annotate_document(
    rows: list[dict[str, Any]],
    level: str | None = None,
    regions: tuple[str, ...] = (),
    slots: list[tuple[int, str]] | None = None,
    scales: MoneyScales | None = None,
) -> dict[int, Annotation]:
    """Raise document-level garble flags on one document's amounts (sorted by char_start).

    Args:
        rows: the document's amounts, each a dict with the output columns plus ``_p`` (its
            :class:`ParsedAmount`) and ``_national_ctx``.
        level: the document's government level, if known.
        regions: the document's canonical regions.
        slots: impossible date/ordinal slots in the document, as (number, text).
        scales: reference magnitudes (default: :func:`load_scales`).

    Returns:
        row index -> :class:`Annotation`, for the suspect rows only (the rest are clean).
    """
    scales = scales or load_scales()
    notes: dict[int, dict[str, str]] = {}
    adjusted: dict[int, tuple[float, str]] = {}

    def add(i: int, code: str, clause: str) -> None:
        notes.setdefault(i, {}).setdefault(code, clause)

    ps: list[ParsedAmount] = [r["_p"] for r in rows]
    krw = [i for i, r in enumerate(rows) if r["currency"] == "KRW" and r["amount_krw"] is not None]

    # 1. Flags from the surface alone.
    for i, p in enumerate(ps):
        if not p.flags:
            continue
        r = rows[i]
        if "dup_scale" in p.flags:
            add(i, "dup_scale", f"the scale word is repeated ('{p.dup_words}'), so the literal value is "
                f"{format_money(r['value_native'], r['currency'])}; read once it is "
                f"{format_money(p.dup_value or 0.0, r['currency'])}")
        if "year_as_amount" in p.flags:
            add(i, "year_as_amount", f"the written number {p.mantissa} looks like a year")
        if "currency_conflict" in p.flags:
            add(i, "currency_conflict", "two different currencies are attached to it")
        if "range_inverted" in p.flags:
            add(i, "range_inverted", "the low end of the range is larger than its high end")
        if "eok_as_billion" in p.flags:
            add(i, "eok_as_billion", "its 'billion' part is as large as the unit before it, which only makes "
                f"sense as 억 (10^8): read so, it is {format_money(p.eok_value or 0.0)}")

    # 2. 억 read as billion: a 4-digit whole number of billions is the signature; once a
    #    document shows it, its other whole-number "billion" figures are read the same way.
    strong = [i for i in krw if ps[i].eok4 or ps[i].eok_value is not None]
    if strong:
        example = rows[strong[0]]["surface"]
        for i in krw:
            p = ps[i]
            if p.eok_value is not None:
                continue  # flagged with its own reading in step 1
            if p.eok4:
                add(i, "eok_as_billion", f"{p.mantissa:,} is a whole number of billions that fluent English "
                    f"would write as {_trim((p.mantissa or 0) / 1000)} trillion, the mark of 억 (10^8) "
                    "translated as 'billion' (10^9)")
            elif p.eok_int:
                add(i, "eok_as_billion", f"the document renders 억 (10^8) as 'billion' elsewhere ('{example}'), "
                    "so this whole-number 'billion' figure is probably 억 too")

    # 3. Totals vs parts.
    support_eok = False
    for rec in _reconcile_rows(rows, explain=False):
        members = [rec.total, *rec.parts]
        if rec.is_consistent:
            if any(ps[m].eok4 for m in members):
                support_eok = True  # parts and total agree in the same (garbled) unit
            continue
        t = rows[rec.total]
        if rec.scale_factor is None:
            clause = (f"the amounts listed after it add up to {format_money(rec.parts_sum)}, more than this "
                      "stated total, and no power of ten reconciles them")
            parts_digits = _parts_mantissa_sum(ps, rec.parts)
            echo = [text for n, text in slots or () if parts_digits is not None and n == parts_digits]
            if echo:
                clause += (f"; the document's impossible date '{echo[0]}' carries the parts' sum "
                           f"({parts_digits:,})")
                if ps[rec.total].mantissa is not None and (ps[rec.total].mantissa or 0) <= 31:
                    clause += ", so this total and the day of the month look swapped in translation"
            add(rec.total, "parts_mismatch", clause)
            continue
        f = rec.scale_factor
        for m in members:
            add(m, "parts_mismatch", f"the stated total '{t['surface']}' and the {len(rec.parts)} amounts listed "
                f"with it agree only when the parts are multiplied by {f:g}")
        if f < 1 and all(ps[p].eok_int for p in rec.parts):
            for p in rec.parts:
                adjusted[p] = (rows[p]["amount_krw"] * f, f"×{f:g}: the parts then add up to the stated total "
                               f"'{t['surface']}'")
            support_eok = True
        elif f > 1:
            adjusted[rec.total] = (rec.parts_sum, f"×{1 / f:g}: the stated total then equals the sum of its "
                                   f"{len(rec.parts)} parts")

    # 4. Increases larger than what they increased (same sentence).
    increases = [i for i in krw if rows[i]["role"] == "increase" and not rows[i]["is_range"]]
    if increases:
        by_sentence: dict[int, list[int]] = {}
        for j in krw:
            q = rows[j]
            if not q["is_range"] and q["role"] not in ("increase", "conversion"):
                by_sentence.setdefault(q["sentence_idx"], []).append(j)
        levels_index = _ValueIndex([(float(rows[j]["amount_krw"]), j) for js in by_sentence.values() for j in js])
        for i in increases:
            r = rows[i]
            same = by_sentence.get(r["sentence_idx"], [])
            if not same:
                continue
            j = min(same, key=lambda j: abs(rows[j]["char_start"] - r["char_start"]))
            if r["amount_krw"] <= rows[j]["amount_krw"]:
                continue
            add(i, "increase_exceeds_total", f"this increase is larger than the amount it is an increase of "
                f"('{rows[j]['surface']}') in the same sentence, so the two figures look swapped")
            add(j, "increase_exceeds_total", f"it is smaller than its own increase ('{r['surface']}') in the "
                "same sentence, so the two figures look swapped")
            levels = [k for k in levels_index.near(float(r["amount_krw"]), 0.005)
                      if rows[k]["sentence_idx"] != r["sentence_idx"]]
            if levels:
                add(i, "inconsistent_repeat", f"the same figure appears elsewhere as a level, not an increase "
                    f"('{rows[levels[0]]['surface']}')")
                # The text supports one reading: the two figures were swapped. The increase's
                # figure is the level (it recurs as one), the level's figure is the increase.
                if i not in adjusted and j not in adjusted:
                    eok = (support_eok or any(ps[k].eok4 for k in krw)) and ps[i].eok_int and ps[j].eok_int
                    f = 0.1 if eok else 1.0
                    unit = "; ×10^-1, since the document renders 억 (10^8) as 'billion'" if eok else ""
                    adjusted[j] = (rows[i]["amount_krw"] * f, f"swapped with its increase '{r['surface']}': that figure "
                                   f"is larger than this one and recurs elsewhere as a level ('{rows[levels[0]]['surface']}'), "
                                   f"so it is the level{unit}")
                    adjusted[i] = (rows[j]["amount_krw"] * f, f"swapped with the level '{rows[j]['surface']}': an increase "
                                   f"cannot exceed what it increased, and this figure recurs elsewhere as a level{unit}")

    # 5. The same digits at another power of ten ("577 billion" and "5770 billion"). The
    #    key is the value's normalised mantissa, so 5.77e11 and 5.77e12 share one.
    if len(krw) >= 2:
        by_mantissa: dict[str, list[int]] = {}
        for i in krw:
            if not rows[i]["is_range"]:
                by_mantissa.setdefault(_mantissa_key(rows[i]["amount_krw"]), []).append(i)
        for members in by_mantissa.values():
            if len(members) < 2:
                continue
            exps = {i: _sig_digits(float(rows[i]["amount_krw"])) for i in members}
            if len({e for _, e in exps.values()}) < 2 or len(next(iter(exps.values()))[0]) < 3:
                continue
            # The first member at another scale than i: the first member overall, or the
            # first whose scale differs from the first member's.
            first = members[0]
            second = next(j for j in members if exps[j][1] != exps[first][1])
            for i in members:
                other = first if exps[first][1] != exps[i][1] else second
                add(i, "inconsistent_repeat", f"the document also gives '{rows[other]['surface']}', the same "
                    f"digits at a scale 10^{abs(exps[i][1] - exps[other][1])} apart")

    # 6. Numbers echoed in impossible date slots.
    if slots:
        first_slot: dict[int, str] = {}
        for n, text in slots:
            first_slot.setdefault(n, text)
        for i, p in enumerate(ps):
            hit = first_slot.get(p.mantissa) if p.mantissa is not None and p.mantissa >= 32 else None
            if hit is not None:
                add(i, "date_slot_echo", f"the same number sits in an impossible date slot ('{hit}'), a "
                    "sign that figures were shuffled in translation")

    # 7. Magnitude for the actor.
    entity = _entity_ceiling(level, regions, scales) if level else None
    for i in krw:
        r = rows[i]
        value = float(r["amount_krw_high"])
        if value <= 2e12:  # below every ceiling in money_scales.yaml; skip the lookups
            continue
        ceiling, label = _hard_ceiling(r["role"], scales)
        if (entity is not None and r["role"] in ("budget", "local_funds") and not r["_national_ctx"]
                and entity[0] < ceiling):
            ceiling, label = entity
        if value > ceiling:
            add(i, "implausible_magnitude", f"{format_money(value)} is more than {label}")
            if ps[i].tril4 and value / 1e4 <= ceiling:
                add(i, "eok_as_trillion", f"{ps[i].mantissa:,} is a whole number of trillions, the mark of "
                    "억 (10^8) translated as 'trillion' (10^12)")

    # 8. Adjustments: one reading, only where the text supports it.
    out: dict[int, Annotation] = {}
    for i in sorted(notes):
        codes = notes[i]
        r, p = rows[i], ps[i]
        if i not in adjusted and r["currency"] == "KRW" and r["amount_krw"] is not None:
            if "dup_scale" in codes and p.dup_value is not None:
                adjusted[i] = (p.dup_value, f"read the repeated scale word in '{p.dup_words}' once "
                               f"(×10^-{round(math.log10(r['amount_krw'] / p.dup_value))})")
            elif any(code in codes for code in _INCONSISTENCY_FLAGS):
                pass  # the text tells two stories; do not pick one
            elif p.eok_value is not None:
                adjusted[i] = (p.eok_value, "read the 'billion' part of the compound as 억 (10^8), since it is "
                               "as large as the unit before it")
            elif "eok_as_billion" in codes and (support_eok or "implausible_magnitude" in codes or (
                    level in _LOCAL_LEVELS and r["amount_krw"] > scales.single_local_project_krw)):
                if support_eok:
                    why = "the document's parts and totals agree in this unit"
                elif "implausible_magnitude" in codes:
                    why = "the literal value is implausible"
                else:
                    why = (f"as written it would exceed what a single local project costs (about "
                           f"{format_money(scales.single_local_project_krw)})")
                adjusted[i] = (r["amount_krw"] / 10, f"×10^-1: read 'billion' as 억 (10^8), since {why}")
            elif "eok_as_billion" in codes and p.eok4:
                adjusted[i] = (r["amount_krw"] / 10, "×10^-1: read 'billion' as 억 (10^8), since a whole number of "
                               "billions with 4+ digits is how 억 reads when translated as 'billion' (fluent English "
                               "would write trillions)")
            elif "eok_as_trillion" in codes:
                adjusted[i] = (r["amount_krw"] / 1e4, "×10^-4: read 'trillion' as 억 (10^8), since the literal "
                               "value is implausible")
        adj = adjusted.get(i)
        out[i] = Annotation(list(codes), _sentence(list(codes.values())), adj[0] if adj else None,
                            adj[1] if adj else None)
    return out


def _parts_mantissa_sum(ps: list[ParsedAmount], parts: list[int]) -> int | None:
    """Sum of the parts as written ("531 + 1408 + ... billion" -> 5770) when they share a unit."""
    sel = [ps[p] for p in parts]
    if any(p.mantissa is None or p.scale_word is None for p in sel) or len({p.scale_word for p in sel}) != 1:
        return None
    return sum(p.mantissa or 0 for p in sel)


def _sentence(clauses: list[str]) -> str:
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:] + "."


# ---------------------------------------------------------------------------------------
# Sentence level: find, parse, filter, role. Two implementations of the same rules: the
# vectorised one (Polars, used by extract_amounts) and a plain per-sentence one (used by
# extract_amounts_from_text, tests, and as the naive baseline for benchmarks).
# ---------------------------------------------------------------------------------------


def _dropped_py(p: ParsedAmount, left: str, right: str) -> bool:
    """The context says this is not money (a count, an article number, the verb "won")."""
    if not p.has_currency and (_COUNTER_RE.search(right) or _ARTICLE_RE.search(left)):
        return True
    if p.bare_won and _VERB_WON_RE.search(right):
        return True
    cont = _KO_CONTINUATION_RE.get(p.ko_suffix or "")
    return bool(cont is not None and cont.search(right))


def _role_py(windows: dict[str, str], conversion: bool) -> str:
    if conversion:
        return "conversion"
    for role, window, pattern in _ROLE_RULES_PY:
        if pattern.search(windows[window]):
            return role
    return "other"


def _sentence_rows(text: str) -> list[dict[str, Any]]:
    """Amounts of one sentence (plain Python); offsets are local to ``text``."""
    safe = text.replace(_MARK, _NUL_STAND_IN)
    found: list[tuple[int, int, ParsedAmount]] = []
    for m in _MONEY_RE.finditer(safe):
        group = "m1" if m.group("m1") is not None else ("m3" if m.group("m3") is not None else "m2")
        s, e = m.span(group)
        for p in parse_amount(safe[s:e], group == "m3"):
            found.append((s + p.sub_start, s + p.sub_end, p))
    rows = []
    for n, (s, e, p) in enumerate(found):
        prev_end = found[n - 1][1] if n else 0
        next_start = found[n + 1][0] if n + 1 < len(found) else e + _RIGHT_CHARS
        right = text[e : min(next_start, e + _RIGHT_CHARS)]
        left = text[max(prev_end, s - _LEFT_CHARS) : s]
        if _dropped_py(p, left, right):
            continue
        wide = text[max(prev_end, s - _WIDE_CHARS) : s]
        clause_match = _CLAUSE_RE.search(left)
        windows = {"left": left, "right": right, "wide": wide,
                   "clause": clause_match.group(1) if clause_match else ""}
        prev_cur = found[n - 1][2].currency if n else None
        conversion = prev_cur is not None and prev_cur != p.currency and bool(_CONVERSION_RE.search(left))
        rows.append(_row_dict(s, e, text[s:e], p, _role_py(windows, conversion),
                              bool(_NATIONAL_CONTEXT_RE.search(wide))))
    return rows


def _row_dict(start: int, end: int, surface: str, p: ParsedAmount, role: str, national_ctx: bool) -> dict[str, Any]:
    krw = p.currency == "KRW"
    return {
        "char_start": start, "char_end": end, "surface": surface, "currency": p.currency,
        "value_native": p.value, "amount_krw": p.value if krw else None, "is_range": p.is_range,
        "value_low_native": p.low, "value_high_native": p.high,
        "amount_krw_low": p.low if krw else None, "amount_krw_high": p.high if krw else None,
        "role": role, "_p": p, "_national_ctx": national_ctx,
    }


def extract_amounts_from_text(text: str) -> list[dict[str, Any]]:
    """Amounts in one piece of text, treated as a one-sentence document (plain Python).

    The same grammar and rules as :func:`extract_amounts`, without Polars: the per-sentence
    baseline for benchmarks, and a convenient entry point for tests and notebooks.

    Args:
        text: any text.

    Returns:
        One dict per amount, sorted by position, with ``char_start``/``char_end`` (code
        points into ``text``), ``surface`` and the amounts columns (``currency``,
        ``value_native`` in currency units, ``amount_krw`` in won, ``flags``, ``role``, ...).
    """
    rows = _sentence_rows(text)
    for r in rows:
        r["sentence_idx"] = 0
    slots = [(n, s) for s in _SLOT_RE.findall(text) if (n := impossible_slot(s)) is not None]
    notes = _annotate_document(rows, slots=slots)
    keep = [c for c in OUTPUT_COLUMNS if c not in ("doc_id", "sentence_idx")]
    for i, r in enumerate(rows):
        note = notes.get(i)
        r["is_suspect"] = note is not None
        r["flags"] = note.flags if note else []
        r["explanation"] = note.explanation if note else None
        r["amount_krw_adjusted"] = note.amount_krw_adjusted if note else None
        r["adjustment_reason"] = note.adjustment_reason if note else None
    return [{c: r[c] for c in keep} for r in rows]


def _role_expr() -> pl.Expr:
    expr = pl.when(pl.col("_conversion")).then(pl.lit("conversion"))
    for role, window, pattern in ROLE_RULES:
        expr = expr.when(pl.col(f"_{window}").str.contains(rust(pattern))).then(pl.lit(role))
    return expr.otherwise(pl.lit("other"))


_PARSED_SCHEMA: dict[str, pl.DataType] = {
    "_piece": pl.String(), "_at_start": pl.Boolean(), "_pid": pl.Int64(), "_sub_start": pl.Int64(),
    "_sub_end": pl.Int64(), "_sub_start_b": pl.Int64(), "_sub_end_b": pl.Int64(), "surface": pl.String(),
    "currency": pl.String(), "_value": pl.Float64(), "_low": pl.Float64(), "_high": pl.Float64(),
    "is_range": pl.Boolean(), "_has_currency": pl.Boolean(), "_bare_won": pl.Boolean(), "_ko_suffix": pl.String(),
}


@functools.lru_cache(maxsize=65536)
def _read_piece(piece: str, at_start: bool) -> tuple[tuple[Any, ...], ...]:
    """Amounts in one marked match, as rows of :data:`_PARSED_SCHEMA` after ``_pid``.

    ``piece`` is a whole match of the scan pattern, guard character included; ``at_start``
    says whether it began its sentence (only then may the guard be the empty ``^``). Each
    row ends with the :class:`ParsedAmount`; offsets are relative to the piece, in code
    points and in UTF-8 bytes.
    """
    m = _MONEY_RE.match(piece) if at_start else _MONEY_RE.match("\x01" + piece, 1)
    if m is None:  # cannot happen for a piece Polars matched; be safe
        return ()
    shift = 0 if at_start else 1
    group = "m1" if m.group("m1") is not None else ("m3" if m.group("m3") is not None else "m2")
    s, e = m.span(group)
    rows = []
    for p in parse_amount(m.string[s:e], group == "m3"):
        a, b = s - shift + p.sub_start, s - shift + p.sub_end
        rows.append((a, b, len(piece[:a].encode()), len(piece[:b].encode()), piece[a:b], p.currency, p.value,
                     p.low, p.high, p.is_range, p.has_currency, p.bare_won, p.ko_suffix, p))
    return tuple(rows)


def _parse_table(pieces: pl.DataFrame) -> tuple[pl.DataFrame, list[ParsedAmount]]:
    """Read each distinct (piece, at_start) once; one row per amount found in it."""
    parsed: list[ParsedAmount] = []
    rows: list[tuple[Any, ...]] = []
    for piece, at_start in pieces.iter_rows():
        for row in _read_piece(piece, at_start):
            rows.append((piece, at_start, len(parsed), *row[:-1]))
            parsed.append(row[-1])
    return pl.DataFrame(rows, schema=_PARSED_SCHEMA, orient="row"), parsed


def _is_continuation(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    """The byte at ``at`` continues a UTF-8 character (10xxxxxx); false out of bounds."""
    return ((binary.bin.get(at, null_on_oob=True) & 0xC0) == 0x80).fill_null(False)


def _char_boundary_at_or_after(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    c0 = _is_continuation(binary, at)
    c1 = c0 & _is_continuation(binary, at + 1)
    c2 = c1 & _is_continuation(binary, at + 2)
    return at + c0.cast(pl.Int64) + c1.cast(pl.Int64) + c2.cast(pl.Int64)


def _char_boundary_at_or_before(binary: pl.Expr, at: pl.Expr) -> pl.Expr:
    c0 = _is_continuation(binary, at)
    c1 = c0 & _is_continuation(binary, at - 1)
    c2 = c1 & _is_continuation(binary, at - 2)
    return at - c0.cast(pl.Int64) - c1.cast(pl.Int64) - c2.cast(pl.Int64)


def _same_row(shift: int) -> pl.Expr:
    return pl.col("_row").shift(shift) == pl.col("_row")


def _candidate_amounts(sentences: pl.DataFrame) -> tuple[pl.DataFrame, list[ParsedAmount]]:
    """Vectorised find, parse and context rules: one row per amount, before the document pass.

    Two queries: the first finds the matches (Polars), then each distinct match is read
    once in Python (:func:`parse_amount`, cached), and the second joins the readings back
    and applies the context rules. Returns the amounts (``doc_id, sentence_idx,
    char_start, char_end, surface, currency``, values, ``role``, ``_pid`` = index into the
    returned list of parses, ``_national_ctx``), sorted by ``doc_id, char_start``.
    """
    # Mark every match as \0match\0 in one Rust pass, split, and turn piece lengths (in
    # characters and in bytes) into offsets: the odd pieces are the matches. Pieces of a
    # sentence are contiguous after the explode, so a running sum reset at each sentence's
    # first piece (k == 0) gives offsets without a group-by.
    def offsets(length: str) -> pl.Expr:
        before = pl.col(length).cum_sum() - pl.col(length)
        return before - pl.when(pl.col("_k") == 0).then(before).forward_fill()

    pieces = (
        sentences.lazy()
        .select(
            pl.col("doc_id").cast(pl.String),
            pl.col("sentence_idx").cast(pl.UInt32),
            pl.col("char_start").cast(pl.Int64).alias("_sent_start"),
            pl.col("text").cast(pl.String).fill_null("").str.replace_all(_MARK, _NUL_STAND_IN, literal=True)
            .alias("_text"),
        )
        .filter(pl.col("_text").str.contains(rust(ANCHOR_PATTERN)))
        .with_row_index("_row")
        .with_columns(
            pl.col("_text").str.replace_all(rust(_SCAN_PATTERN), _SCAN_REPLACEMENT).str.split(_MARK).alias("_piece"),
            pl.col("_text").cast(pl.Binary).alias("_bytes"),
        )
        .drop("_text")
        .with_columns(pl.int_ranges(pl.col("_piece").list.len()).alias("_k"))
        .explode("_piece", "_k")
        .with_columns(
            pl.col("_piece").str.len_chars().cast(pl.Int64).alias("_len"),
            pl.col("_piece").str.len_bytes().cast(pl.Int64).alias("_len_b"),
        )
        .with_columns(offsets("_len").alias("_mstart"), offsets("_len_b").alias("_mstart_b"))
        .filter(pl.col("_k") % 2 == 1)
        .with_columns((pl.col("_mstart") == 0).alias("_at_start"))
        .drop("_len", "_len_b")
        .collect(engine="in-memory")
    )
    table, parsed = _parse_table(pieces.select("_piece", "_at_start").unique().sort("_piece", "_at_start"))
    # Context windows are cut from the bytes around each amount, never by counting
    # characters from the start of the sentence (which costs O(offset) per amount and is
    # quadratic on a long line). 644 bytes hold at least the 160 characters before it;
    # 163 at least the 40 after; both ends move to character boundaries.
    ls, le, data = pl.col("_ls"), pl.col("_le"), pl.col("_bytes")
    start_b = _char_boundary_at_or_after(data, (pl.col("_lb") - 4 * _WIDE_CHARS - 4).clip(0))
    end_b = _char_boundary_at_or_before(data, pl.min_horizontal(pl.col("_leb") + 4 * _RIGHT_CHARS + 3, data.bin.size()))
    before = data.bin.slice(start_b, pl.col("_lb") - start_b).cast(pl.String)
    after = data.bin.slice(pl.col("_leb"), end_b - pl.col("_leb")).cast(pl.String)
    left_from = pl.max_horizontal(pl.col("_prev_end"), ls - _LEFT_CHARS)
    wide_from = pl.max_horizontal(pl.col("_prev_end"), ls - _WIDE_CHARS)
    right_to = pl.min_horizontal(pl.col("_next_start").fill_null(le + _RIGHT_CHARS), le + _RIGHT_CHARS)
    dropped = (
        (~pl.col("_has_currency") & (pl.col("_right").str.contains(rust(COUNTER_PATTERN))
                                     | pl.col("_left").str.contains(rust(ARTICLE_PATTERN))))
        | (pl.col("_bare_won") & pl.col("_right").str.contains(rust(VERB_WON_PATTERN)))
    )
    for suffix, pattern in KO_CONTINUATION.items():
        dropped = dropped | ((pl.col("_ko_suffix") == suffix).fill_null(False)
                             & pl.col("_right").str.contains(rust(pattern)))
    # The clause window (CLAUSE_PATTERN's group): its whole match, less the opening bracket
    # and spaces it may end with (the clause itself holds no ASCII bracket).
    clause = pl.col("_left").str.extract(rust(_CLAUSE_MATCH), 0).str.split("(").list.first()
    krw = pl.col("currency") == "KRW"
    amounts = (
        pieces.lazy()
        .join(table.lazy(), on=["_piece", "_at_start"], how="inner", maintain_order="left_right")
        .with_columns(
            (pl.col("_mstart") + pl.col("_sub_start")).alias("_ls"),
            (pl.col("_mstart") + pl.col("_sub_end")).alias("_le"),
            (pl.col("_mstart_b") + pl.col("_sub_start_b")).alias("_lb"),
            (pl.col("_mstart_b") + pl.col("_sub_end_b")).alias("_leb"),
        )
        .sort("_row", "_ls")
        .with_columns(
            pl.when(_same_row(1)).then(le.shift(1)).otherwise(0).alias("_prev_end"),
            pl.when(_same_row(-1)).then(ls.shift(-1)).alias("_next_start"),
            pl.when(_same_row(1)).then(pl.col("currency").shift(1)).alias("_prev_currency"),
        )
        .with_columns(before.alias("_before"), after.alias("_after"))
        .with_columns(
            pl.col("_after").str.head(right_to - le).alias("_right"),
            pl.col("_before").str.tail(ls - left_from).alias("_left"),
            pl.col("_before").str.tail(ls - wide_from).alias("_wide"),
        )
        .filter(~dropped)
        .with_columns(
            clause.alias("_clause"),
            (pl.col("_prev_currency").is_not_null() & (pl.col("_prev_currency") != pl.col("currency"))
             & pl.col("_left").str.contains(rust(CONVERSION_PATTERN))).alias("_conversion"),
            pl.col("_wide").str.contains(rust(NATIONAL_CONTEXT_PATTERN)).alias("_national_ctx"),
        )
        .select(
            "doc_id",
            "sentence_idx",
            (pl.col("_sent_start") + ls).alias("char_start"),
            (pl.col("_sent_start") + le).alias("char_end"),
            "surface",
            "currency",
            pl.col("_value").alias("value_native"),
            pl.when(krw).then(pl.col("_value")).alias("amount_krw"),
            "is_range",
            pl.col("_low").alias("value_low_native"),
            pl.col("_high").alias("value_high_native"),
            pl.when(krw).then(pl.col("_low")).alias("amount_krw_low"),
            pl.when(krw).then(pl.col("_high")).alias("amount_krw_high"),
            _role_expr().alias("role"),
            "_pid",
            "_national_ctx",
        )
        .sort("doc_id", "char_start")
        .collect(engine="in-memory")
    )
    return amounts, parsed


def _document_context(documents: pl.DataFrame | None) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """doc_id -> (level, regions), from whatever the documents table carries."""
    if documents is None or documents.height == 0 or "doc_id" not in documents.columns:
        return {}
    cols = [pl.col("doc_id").cast(pl.String)]
    cols.append(pl.col("level").cast(pl.String) if "level" in documents.columns
                else pl.lit(None, pl.String).alias("level"))
    cols.append(pl.col("regions").cast(pl.List(pl.String)) if "regions" in documents.columns
                else pl.lit(None, pl.List(pl.String)).alias("regions"))
    return {d: (lvl, tuple(regs or ())) for d, lvl, regs in documents.select(cols).iter_rows()}


def _document_slots(sentences: pl.DataFrame, doc_ids: list[str]) -> dict[str, list[tuple[int, str]]]:
    """Impossible date/ordinal slots per document ("on the 5770th"), in text order."""
    hits = (
        sentences.filter(pl.col("doc_id").is_in(doc_ids))
        .sort("doc_id", "sentence_idx")
        .select("doc_id", pl.col("text").str.extract_all(rust(SLOT_PATTERN)).alias("_slot"))
        .explode("_slot")
        .drop_nulls("_slot")
    )
    slots: dict[str, list[tuple[int, str]]] = {}
    for doc_id, slot in hits.iter_rows():
        n = impossible_slot(slot)
        if n is not None:
            slots.setdefault(doc_id, []).append((n, slot))
    return slots


def _may_need_pass(cols: dict[str, list[Any]], parsed: list[ParsedAmount], start: int, stop: int) -> bool:
    """Whether any check of :func:`_annotate_document` can fire on rows ``start:stop``.

    Each condition is the precondition of one check there (impossible date slots are tested
    by the caller); a document that meets none of them is clean without running the pass.
    """
    singles: list[float] = []
    for k in range(start, stop):
        p = parsed[cols["_pid"][k]]
        if p.flags:
            return True  # surface flags
        if cols["currency"][k] != "KRW" or cols["amount_krw"][k] is None:
            continue
        if p.eok4 or cols["role"][k] in ("increase", "total") or cols["amount_krw_high"][k] > 2e12:
            return True  # 억 as billion, increases, stated totals, magnitude
        if not cols["is_range"][k]:
            singles.append(cols["amount_krw"][k])
    if len(singles) >= 3:
        return True  # a total with at least two parts
    if len(singles) == 2:  # the same digits at another scale (same key as the check)
        return _mantissa_key(singles[0]) == _mantissa_key(singles[1])
    return False


_ROW_FIELDS = ("doc_id", "sentence_idx", "char_start", "char_end", "surface", "currency", "value_native",
               "amount_krw", "is_range", "amount_krw_high", "role", "_pid", "_national_ctx")


def extract_amounts(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """Extract every amount of money from a sentences table.

    Args:
        sentences: the ``sentences`` table (``doc_id``, ``sentence_idx``, ``text``,
            ``char_start`` = the sentence's start in its document's normalised text, in code
            points; other columns are ignored).
        documents: optional ``documents`` table; its ``level`` and ``regions`` set the
            magnitude that counts as implausible for the actor.

    Returns:
        One row per amount, sorted by ``doc_id, char_start``, with the ``amounts`` columns
        except ``source_start``/``source_end`` (see :data:`AMOUNTS`; ``char_*`` are document
        offsets in code points, ``value_*_native`` in currency units, ``amount_krw*`` in won).
    """
    out_schema = {c: AMOUNTS.polars_schema[c] for c in OUTPUT_COLUMNS}
    amounts, parsed = _candidate_amounts(sentences)
    if amounts.height == 0:
        return pl.DataFrame(schema=out_schema)
    # The document pass is plain Python over each document's amounts, and only for the
    # documents where some check can fire (_may_need_pass mirrors each check's precondition).
    cols = {c: amounts.get_column(c).to_list() for c in _ROW_FIELDS}
    doc_ids = cols["doc_id"]
    n = len(doc_ids)
    bounds = [0, *(i for i in range(1, n) if doc_ids[i] != doc_ids[i - 1]), n]
    context = _document_context(documents)
    # Only a whole number of 32 or more can echo an impossible date slot.
    echo_docs = sorted({doc_ids[i] for i in range(n) if (parsed[cols["_pid"][i]].mantissa or 0) >= 32})
    slots = _document_slots(sentences, echo_docs) if echo_docs else {}
    suspect = [False] * n
    flags: list[str | None] = [None] * n
    explanation: list[str | None] = [None] * n
    adjusted: list[float | None] = [None] * n
    reason: list[str | None] = [None] * n
    for start, stop in zip(bounds, bounds[1:]):
        doc_id = doc_ids[start]
        if not (doc_id in slots or _may_need_pass(cols, parsed, start, stop)):
            continue
        doc_rows = []
        for k in range(start, stop):
            row = {c: cols[c][k] for c in _ROW_FIELDS}
            row["_p"] = parsed[row["_pid"]]
            doc_rows.append(row)
        level, regions = context.get(doc_id, (None, ()))
        for i, note in _annotate_document(doc_rows, level, regions, slots.get(doc_id)).items():
            k = start + i
            suspect[k], flags[k], explanation[k] = True, ",".join(note.flags), note.explanation
            adjusted[k], reason[k] = note.amount_krw_adjusted, note.adjustment_reason
    flag_text = pl.Series(flags, dtype=pl.String)
    return amounts.with_columns(
        pl.Series(suspect, dtype=pl.Boolean).alias("is_suspect"),
        pl.when(flag_text.is_null()).then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(flag_text.str.split(",")).alias("flags"),
        pl.Series(explanation, dtype=pl.String).alias("explanation"),
        pl.Series(adjusted, dtype=pl.Float64).alias("amount_krw_adjusted"),
        pl.Series(reason, dtype=pl.String).alias("adjustment_reason"),
        pl.col("role").cast(Role),
    ).select(OUTPUT_COLUMNS).cast(out_schema)


def reconcile_amounts(amounts: pl.DataFrame) -> pl.DataFrame:
    """Check stated totals against the sum of their parts, per document.

    Args:
        amounts: the ``amounts`` table, or :func:`extract_amounts` output (then the
            ``source_*`` columns of the result are null).

    Returns:
        The ``reconciliations`` table: one row per (total, group of parts) checked, with the
        total's provenance, ``total_krw`` and ``parts_sum_krw`` in won, ``scale_factor`` (the
        power of ten that makes the parts' sum equal the total; null when none does) and
        ``is_consistent``. Sorted by ``doc_id, char_start, parts_char_start``.
    """
    need = ["doc_id", "sentence_idx", "char_start", "char_end", "surface", "currency", "amount_krw", "is_range", "role"]
    sources = [c for c in ("source_start", "source_end") if c in amounts.columns]
    rows = (
        amounts.select(*need, *sources).with_columns(pl.col("role").cast(pl.String))
        .sort("doc_id", "char_start").to_dicts()
    )
    out: list[dict[str, Any]] = []
    for doc_id, group in itertools.groupby(rows, key=lambda r: r["doc_id"]):
        g = list(group)
        for rec in _reconcile_rows(g):
            t = g[rec.total]
            out.append({
                "doc_id": doc_id, "sentence_idx": t["sentence_idx"], "char_start": t["char_start"],
                "char_end": t["char_end"], "source_start": t.get("source_start"),
                "source_end": t.get("source_end"), "surface": t["surface"], "total_krw": t["amount_krw"],
                "parts_sum_krw": rec.parts_sum, "n_parts": len(rec.parts),
                "parts_char_start": g[rec.parts[0]]["char_start"], "parts_char_end": g[rec.parts[-1]]["char_end"],
                "parts_surfaces": [g[p]["surface"] for p in rec.parts], "scale_factor": rec.scale_factor,
                "is_consistent": rec.is_consistent, "explanation": rec.explanation,
            })
    df = pl.DataFrame(out, schema=RECONCILIATIONS.polars_schema)
    return schema.validate(df.sort("doc_id", "char_start", "parts_char_start", maintain_order=True), RECONCILIATIONS)
