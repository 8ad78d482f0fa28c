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
