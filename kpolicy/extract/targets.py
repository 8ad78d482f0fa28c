"""KPI targets: forward-looking quantitative goals, with baseline, target, unit and year.

A target is a quantity a plan commits to reach. The forms recognised, in English and
Korean:

- **change**: "from 20% to 40%", "raised from the current 11.8 trillion won to 20 trillion
  won", "20%에서 40%로 확대";
- **level**: "increase to 24 trillion won by 2022", "will exceed KRW 20 trillion in 2022",
  "achieving annual sales of 20 trillion won", "매출 20조 원 달성", "30%까지 확대";
- **count**: "nurturing 20,000 digital creative talents", "2,000 ... every year",
  "AI 인재 1만 명 양성", "일자리 1만 개 창출";
- **ranking**: "the leap to 20th place in the world's smart city ranking", "top 3",
  "세계 5위 도약";
- **investment**: "invest 10 trillion won ... by 2023", "2030년까지 5조 원 투자" (an
  investment counts only with a stated target year: budgets for this year are plans,
  not goals).

Not targets: past results ("reduced from 35 percent to 20 percent last year",
"지난해 ... 늘었다"), statistics and forecasts ("is forecast to", "according to a
report", "the market is expected to reach ..."), and counts of projects or regions
selected in a contest.

Target years: a year in the sentence with a target/deadline/period-end role
(``year_source = "stated"``); else a relative year ("next year", 내년, "this year", 올해)
resolved against the document's ``published_date`` (``"stated"``; unknown without a date,
and then no horizon either); else the horizon year of the document's strategy
("Strategy 2030", "Vision 2030", "2030 plan" in the title or text: ``"horizon"``);
else none. Money amounts come from :func:`kpolicy.extract.money.extract_amounts`
(imported lazily); in KRW the values are won.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from kpolicy import gazetteer, schema
from kpolicy.extract import years as years_mod
from kpolicy.schema import Column

#: ``re.compile``, memoised: the helpers compile their patterns once instead of looking
#: them up in ``re``'s own cache on every call (a cost that showed in profiles).
_rx = functools.lru_cache(maxsize=None)(re.compile)

UNITS: tuple[str, ...] = ("pct", "pp", "count", "krw", "usd", "eur", "cny", "jpy", "rank", "multiple", "other")
Unit = pl.Enum(list(UNITS))
METRIC_FAMILIES: tuple[str, ...] = (
    "talent", "startups", "companies", "jobs", "rd_share", "rd_investment", "investment", "budget",
    "sales", "exports", "market_size", "ranking", "automation", "adoption", "share", "services",
    "infrastructure", "other",
)
MetricFamily = pl.Enum(list(METRIC_FAMILIES))
YEAR_SOURCES: tuple[str, ...] = ("stated", "horizon", "none")
YearSource = pl.Enum(list(YEAR_SOURCES))
#: What form the goal takes: a count, a percentage (or share), a rank, a multiple of the
#: current size, an amount of money, or a series of dated values ("’22년: 8.85PF → ‘24년: 88.5PF").
KINDS: tuple[str, ...] = ("count", "percent", "rank", "multiple", "money", "series")
Kind = pl.Enum(list(KINDS))
#: How the goal bounds the value: exactly, at least ("at least", "more than", 이상) or at
#: most ("up to", 이하, "top 3": a rank within the top three).
BOUNDS: tuple[str, ...] = ("exact", "at_least", "at_most")
Bound = pl.Enum(list(BOUNDS))

TARGETS = schema.register(
    schema.Table(
        "targets",
        "One row per forward-looking quantitative goal (KPI target): metric, baseline, "
        "target, unit, bound and target year (or annual). Commitments to spend, past results, "
        "forecasts, statistics and contest counts are excluded. Money values are in won when "
        "`unit` is krw. Repeats within a document are kept and point to their first mention "
        "(`duplicate_of`).",
        (
            *schema.PROVENANCE,
            Column("metric", pl.String, "Short normalised label of what is measured (e.g. 'share of R&D investment')."),
            Column("metric_family", MetricFamily, "Family of the metric (talent, startups, rd_share, sales, ranking, ...)."),
            Column("baseline", pl.Float64, "Starting value where stated (same unit as target), else null."),
            Column("baseline_year", pl.Int32, "Year of the baseline where stated or implied by 'current'/'this year' and a dated document.", "year"),
            Column("target", pl.Float64, "The value to reach.", "see unit"),
            Column("unit", Unit, "pct (percent), pp (percentage points), count, krw (won), usd/eur/..., rank (place), multiple, other."),
            Column("target_year", pl.Int32, "Year by which the target is to be reached, else null.", "year"),
            Column("is_annual", pl.Boolean, "The target recurs every year ('2,000 every year', '매년')."),
            Column("year_source", YearSource, "stated (in the sentence), horizon (the document's strategy year) or none."),
            Column("kind", Kind, "Form of the goal: " + ", ".join(KINDS) + " (series: dated values joined by arrows)."),
            Column("bound", Bound, "exact, at_least ('at least', 'more than', 이상) or at_most ('up to', 이하, 'top 3')."),
            Column("region", schema.Region, "Region the target belongs to: named in the sentence, else the speaking actor's, else the document's only region; null when unknown."),
            Column("actor", pl.String, "Organisation or official named in the sentence who sets the target (nearest before it); null when none is named."),
            Column("duplicate_of", pl.Int64, "For a repeat of a target already stated earlier in the same document (headline and body), the char_start of its first mention; null for a first mention.", "code points"),
        ),
        key=("doc_id", "char_start", "char_end"),
        module=__name__,
    )
)

# Quantities ----------------------------------------------------------------------------------


@dataclass
class Qty:
    """A quantity inside one sentence (local code-point offsets)."""

    start: int
    end: int
    value: float
    unit: str
    claimed: bool = field(default=False, compare=False)
    #: Where the words after the quantity start: past a conversion in parentheses
    #: ("200억 유로(약 27조 원) 이상 ... 유치"), else ``end``.
    after: int | None = field(default=None, compare=False)

    @property
    def right(self) -> int:
        return self.end if self.after is None else self.after


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# _NUM for patterns without a guard of their own: it may not start inside a digit run,
# nor a thousands group right after "digit,". Unguarded, a long run of digits and commas
# ("1,234,567,...") was rescanned from every position in it (quadratic); a match from
# inside a number was never a reading of the whole number anyway.
_NUM_START = r"(?<!\d)(?:(?<!\d,)\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
# The same numbers written digit first, so that the regex engine jumps from digit to
# digit instead of trying the pattern at every character: "(?<!\d)\d" is "\d(?<!\d\d)",
# and a guard on the character before the number moves behind its first digit.
_NUM_START_D = r"\d(?<!\d\d)(?:(?<!\d,\d)\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"  # _NUM_START
_NUM_FREE_D = r"\d(?<![\d.,]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"  # (?<![\d.,]) + _NUM
_PCT = re.compile(rf"(?P<n>{_NUM_START_D})\s?(?P<u>%p|%\s?포인트|퍼센트\s?포인트|percentage\s+points?|%|％|percent|per\s+cent|퍼센트|프로)(?![A-Za-z])", re.I)
_EN_COUNT = re.compile(rf"(?P<n>{_NUM_FREE_D})(?:\s?(?P<m>thousand|million|billion))?(?=\s+[A-Za-z])", re.I)
_KO_COUNT = re.compile(rf"(?P<n>{_NUM_FREE_D})\s?(?P<m>만|천|백|억)?\s?여?\s?(?P<c>명|개사|개소|개|곳|건|가구|대|종|편|팀)(?![가-힣])?")
_EN_RANK = re.compile(
    r"(?:(?P<n>\d{1,3})(?:st|nd|rd|th)\s+(?:place|position|rank|spot|largest|biggest|strongest|in\s+the\s+world|globally|worldwide)"
    r"|\btop[\s-]+(?P<t>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred)\b"
    r"|\b(?:No\.|number)\s?(?P<o>1|one)\b(?=\s+(?:in|globally|worldwide|city|country|position))"
    r"|\bG(?P<g>[235])\b)",
    re.I,
)
# Where _EN_RANK can match: the first character of one of its forms (a digit, t, n, g)
# followed by the rest of a cue (st/nd/rd/th after a digit, "op", "o." or "umber", 2/3/5
# after G). Written character first, so that the engine jumps between candidates.
_EN_RANK_GATE = re.compile(r"[\dTtNnGg](?:(?<=\d)(?i:st|nd|rd|th)|(?<=[Tt])(?i:op)|(?<=[Nn])(?i:o\.|umber)|(?<=[Gg])[235])")
_KO_RANK = re.compile(r"(?:세계\s?|글로벌\s?|국내\s?|전국\s?)?(?P<n>\d{1,3})\s?위(?:권)?(?![가-힣]{0,1}원)")
_WORD_NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "twenty": 20, "fifty": 50, "hundred": 100}
_MULT = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "만": 1e4, "천": 1e3, "백": 1e2, "억": 1e8}

# Forms the patterns above do not read, tried first (their spans are then taken):
# Korean compound counts and the counters 장 and 개 사 ("GPU 1만 5,000장", "100개 사"),
# English scaled counts with a hyphen ("250-thousand jobs"), number words ("three
# hubs", "twenty-five labs"), fractions ("three-fifths of the public": a percentage) and
# multiples ("10 times its current size", "5배").
_SA = r"(?=[를가에의로와과는도,.\s)]|$)"  # 개 사 (companies), not 개 사업
_JANG = r"(?=[을이의에까으,.\s)]|$)"  # 장 (sheets, cards), not 장관
_KO_COUNT_MORE = re.compile(
    rf"(?P<n>{_NUM_FREE_D})\s?(?:(?P<m>만|천|억)\s?(?P<n2>\d{{1,3}}(?:,\d{{3}})+|\d{{1,4}})\s?(?P<c>명|개\s?사{_SA}|개소|개|곳|건|가구|대|종|장{_JANG}|편|팀)"
    rf"|(?P<m1>만|천|백|억)?\s?(?P<c1>개\s사{_SA}|장{_JANG}))"
)
_EN_SCALED_COUNT = re.compile(rf"(?P<n>{_NUM_FREE_D})-(?P<m>thousand|million|billion)(?=\s+[A-Za-z])", re.I)
_UNITS_EN = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS_EN = {w: 10 + i for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS_EN = {w: 20 + 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_NUMBER_WORDS = {**_UNITS_EN, **_TEENS_EN, **_TENS_EN}
_WORDS_RX = "|".join(sorted(set(_NUMBER_WORDS) - {"zero", "one"}, key=len, reverse=True))
_UNITS_RX = "|".join(sorted(set(_UNITS_EN) - {"zero"}, key=len, reverse=True))
_EN_WORD_COUNT = re.compile(
    rf"\b(?P<w>(?:{'|'.join(_TENS_EN)})[-\s](?:{_UNITS_RX})|{_WORDS_RX}|a|one)"
    rf"(?:[-\s](?P<h>hundred))?(?:[-\s](?P<m>thousand|million))?\b(?=\s+[A-Za-z])",
    re.I,
)
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
              "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10}
_EN_FRACTION = re.compile(rf"\b(?P<a>{_UNITS_RX})[-\s](?P<b>{'|'.join(_FRACTIONS)})\b(?=\s+of\b)", re.I)
_MULTIPLE = re.compile(
    rf"(?:(?P<n>{_NUM_FREE_D})|\b(?P<w>{_WORDS_RX}))[\s-]?(?:times\b(?!\s+(?:a|per|each|every)\s)|-?fold\b)"
    rf"|(?P<k>{_NUM_FREE_D})\s?배(?=\s|로|으로|이상|수준|가량|까지|[,.]|$)",
    re.I,
)


def _word_value(m: re.Match[str]) -> float | None:
    """Value of a number-word count ("three", "twenty-five", "two hundred", "ten thousand")."""
    words = re.split(r"[-\s]+", m.group("w").lower())
    if words[0] in ("a", "one") and not (m.group("h") or m.group("m")):
        return None  # "a plan", "one of the": not counts
    v = sum(1 if w in ("a", "one") else _NUMBER_WORDS[w] for w in words)
    if m.group("h"):
        v *= 100
    if m.group("m"):
        v *= _MULT[m.group("m").lower()]
    return float(v)


# Fallback money pattern, used only while kpolicy.extract.money is not installed.
# Numbers start only at the start of a digit run (see _NUM_START), for linear time.
_FALLBACK_MONEY = re.compile(
    rf"(?:(?:KRW|₩)\s?(?P<a>{_NUM})\s?(?P<am>trillion|billion|million)?"
    rf"|(?P<b>{_NUM_START})\s?(?P<bm>trillion|billion|million)?(?:\s+trillion)?[\s-]?(?:won|KRW)\b"
    rf"|(?P<k>(?:(?<!\d)\d+(?:\.\d+)?\s?조\s?)?(?:(?<![\d,])\d[\d,]*(?:\.\d+)?\s?(?:천|백)?\s?억\s?)?(?:(?<![\d,])\d[\d,]*\s?(?:천|백)?\s?만\s?)?)\s?원)",
    re.I,
)


# Context cues are read from at most this many characters on either side of a quantity.
# Every cue pattern is far shorter; slicing ``text[:start]`` / ``text[end:]`` per
# quantity instead made long lines quadratic (each slice copies the rest of the line).
_CONTEXT = gazetteer.CONTEXT_CHARS
_WS = re.compile(r"\s")
_WORD = re.compile(r"\S+")


_right_of = gazetteer.right_context


def _left_words(text: str, pos: int) -> str:
    """Up to :data:`_CONTEXT` characters before ``pos``; when cut, the window starts at
    white space, so that no word is cut in half (word boundaries and word runs see whole words)."""
    if pos <= _CONTEXT:
        return text[:pos]
    ws = _WS.search(text, pos - _CONTEXT, pos)
    return text[ws.start() : pos] if ws else ""


class _Occupied:
    """Which characters of a sentence quantities already cover.

    Overlap tests against the list of taken spans were quadratic on long lines full of
    numbers; a quantity's characters are looked up instead.
    """

    def __init__(self, n: int) -> None:
        self.map = bytearray(n)

    def overlaps(self, start: int, end: int) -> bool:
        return self.map.find(1, start, end) != -1

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.map[start:end] = b"\x01" * (end - start)


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _fallback_money(text: str) -> list[Qty]:
    out = []
    for m in _FALLBACK_MONEY.finditer(text):
        if m.group("a") or m.group("b"):
            n = _num(m.group("a") or m.group("b"))
            mult = {"trillion": 1e12, "billion": 1e9, "million": 1e6}.get((m.group("am") or m.group("bm") or "").lower(), 1.0)
            out.append(Qty(m.start(), m.end(), n * mult, "krw"))
        elif m.group("k") and re.search(r"\d", m.group("k")):
            total = 0.0
            k = m.group("k").replace(" ", "")
            for val, mult, unit in re.findall(r"(\d[\d,]*(?:\.\d+)?)(천|백)?(조|억|만)", k):
                total += _num(val) * {"천": 1e3, "백": 1e2}.get(mult, 1.0) * {"조": 1e12, "억": 1e8, "만": 1e4}[unit]
            if total:
                start = m.start("k") + (len(m.group("k")) - len(m.group("k").lstrip()))
                out.append(Qty(start, m.end(), total, "krw"))
    return out


def _money_by_sentence(sentences: pl.DataFrame, documents: pl.DataFrame | None) -> dict[tuple[str, int], list[Qty]] | None:
    """Money quantities per (doc_id, sentence_idx) from the money extractor, or None if absent."""
    try:
        money = importlib.import_module("kpolicy.extract.money")
    except ModuleNotFoundError as exc:
        if exc.name != "kpolicy.extract.money":
            raise
        return None
    if not hasattr(money, "extract_amounts"):  # the module is still being written
        return None
    amounts = money.extract_amounts(sentences, documents)
    out: dict[tuple[str, int], list[Qty]] = {}
    if amounts.height == 0:
        return out
    starts = {(d, int(i)): int(s) for d, i, s in sentences.select("doc_id", "sentence_idx", "char_start").iter_rows()}
    for row in amounts.iter_rows(named=True):
        key = (row["doc_id"], int(row["sentence_idx"]))
        if key not in starts:
            continue
        cur = (row.get("currency") or "KRW").upper()
        if cur == "KRW":
            # The money extractor keeps literal values and gives a best reading of
            # translation garbles ("10 trillion trillion won") where the text supports one.
            value, unit = row.get("amount_krw_adjusted"), "krw"
            if value is None:
                value = row.get("amount_krw")
            if value is None:
                value = row.get("value_native")
        else:
            value, unit = row.get("value_native"), cur.lower() if cur.lower() in UNITS else "other"
        if value is None:
            continue
        s0 = starts[key]
        out.setdefault(key, []).append(Qty(int(row["char_start"]) - s0, int(row["char_end"]) - s0, float(value), unit))
    return out


_PP_UNIT = re.compile(r"p|포인트|point", re.I)
_NOT_COUNT_AFTER = re.compile(r"\s+(?:years?|months?|weeks?|days?|hours?|times|am|pm|a\.m|p\.m|o'clock)\b", re.I)
_MONTH_BEFORE = re.compile(rf"(?:{years_mod._MONTH})\s*$", re.I)


def _more_quantities(text: str, qs: list[Qty], taken: _Occupied, late: bool = False) -> None:
    """The forms of :data:`_KO_COUNT_MORE`, :data:`_EN_SCALED_COUNT`, :data:`_EN_WORD_COUNT`,
    :data:`_EN_FRACTION` and :data:`_MULTIPLE`, added to ``qs`` (spans taken)."""

    def add(start: int, end: int, value: float, unit: str) -> None:
        if not taken.overlaps(start, end):
            qs.append(Qty(start, end, value, unit))
            taken.add(start, end)

    if late:  # after the ranks, so that "top three" is a rank
        if _rx(r"zero", re.I).search(text):
            # "reduce net emissions to zero by 2050": a level of nought.
            for m in _rx(r"(?<=\bto\s)(?:net[\s-]+)?zero\b", re.I).finditer(text):
                add(m.start(), m.end(), 0.0, "count")
        if _rx(r"[a-z]", re.I).search(text):
            for m in _EN_WORD_COUNT.finditer(text):
                value = _word_value(m)
                if value is not None and not _NOT_COUNT_AFTER.match(_right_of(text, m.end())):
                    add(m.start(), m.end(), value, "count")
        return
    if "배" in text or _rx(r"times|fold", re.I).search(text):
        for m in _MULTIPLE.finditer(text):
            raw = m.group("n") or m.group("k")
            value = _num(raw) if raw else float(_NUMBER_WORDS[m.group("w").lower()])
            add(m.start(), m.end(), value, "multiple")
    if _rx(r"\d\s?(?:만|천|억)\s?\d|\d\s?(?:만|천|백|억)?\s?(?:개\s사|장)").search(text):
        for m in _KO_COUNT_MORE.finditer(text):
            if m.group("c"):
                value = _num(m.group("n")) * _MULT[m.group("m")] + _num(m.group("n2"))
            else:
                value = _num(m.group("n")) * _MULT.get(m.group("m1") or "", 1.0)
            add(m.start(), m.end(), value, "count")
    if "-" in text:
        for m in _EN_SCALED_COUNT.finditer(text):
            add(m.start(), m.end(), _num(m.group("n")) * _MULT[m.group("m").lower()], "count")
    if _rx(r"[a-z]", re.I).search(text):
        for m in _EN_FRACTION.finditer(text):
            add(m.start(), m.end(), round(100.0 * _UNITS_EN[m.group("a").lower()] / _FRACTIONS[m.group("b").lower()], 4), "pct")


def find_quantities(text: str, money: list[Qty] | None = None,
                    years: list[years_mod.YearHit] | None = None) -> list[Qty]:
    """Percentages, money, counts and ranks in one sentence, by position (no overlaps).

    Args:
        text: the sentence.
        money: money quantities of this sentence from the money extractor; None means
            "use the fallback pattern".
        years: :func:`kpolicy.extract.years.find_years` of ``text`` when already known.
    """
    qs: list[Qty] = list(money) if money is not None else _fallback_money(text)
    taken = _Occupied(len(text))
    for q in qs:
        taken.add(q.start, q.end)
    _more_quantities(text, qs, taken)
    for m in _PCT.finditer(text):
        if taken.overlaps(m.start(), m.end()):
            continue
        unit = "pp" if _PP_UNIT.search(m.group("u")) else "pct"
        qs.append(Qty(m.start(), m.end(), _num(m.group("n")), unit))
        taken.add(m.start(), m.end())
    # Each rank pattern runs only where it can match: an English one needs one of its
    # first characters followed by the rest of a cue, a Korean one its 위 (both tests
    # are far cheaper than the patterns, and most sentences have no rank).
    ranks = (_EN_RANK,) if _EN_RANK_GATE.search(text) else ()
    if "위" in text:
        ranks += (_KO_RANK,)
    for rx in ranks:
        for m in rx.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            g = m.groupdict()
            raw = g.get("n") or g.get("t") or g.get("o") or g.get("g")
            val = _WORD_NUM.get(raw.lower(), None) if raw and not raw.isdigit() else float(raw)
            if val is None:
                continue
            qs.append(Qty(m.start(), m.end(), float(val), "rank"))
            taken.add(m.start(), m.end())
    _more_quantities(text, qs, taken, late=True)
    year_spans = _Occupied(len(text))
    for h in years if years is not None else years_mod.find_years(text):
        year_spans.add(h.start, h.end)
    for m in _KO_COUNT.finditer(text):
        if taken.overlaps(m.start(), m.end()) or year_spans.overlaps(m.start(), m.end()):
            continue
        val = _num(m.group("n")) * _MULT.get(m.group("m") or "", 1.0)
        qs.append(Qty(m.start(), m.end(), val, "count"))
        taken.add(m.start(), m.end())
    for m in _EN_COUNT.finditer(text):
        if taken.overlaps(m.start(), m.end()) or year_spans.overlaps(m.start(), m.end()):
            continue
        # Not counts: "5 years", "3 times", dates, ordinals.
        if _NOT_COUNT_AFTER.match(_right_of(text, m.end())):
            continue
        if _MONTH_BEFORE.search(text, max(0, m.start() - _CONTEXT), m.start()):
            continue
        val = _num(m.group("n")) * _MULT.get((m.group("m") or "").lower(), 1.0)
        qs.append(Qty(m.start(), m.end(), val, "count"))
        taken.add(m.start(), m.end())
    return sorted(qs, key=lambda q: q.start)


# Context cues ----------------------------------------------------------------------------------

_FUTURE = gazetteer.CaseFolded(
    r"\b(?:will|shall|plans?|planning|aims?|aiming|intends?|goals?|targets?|vision|strategy|strategies|"
    r"blueprint|roadmap|include|includes|including|seeks?|to\s+be|is\s+to|are\s+to|set\s+to|"
    r"expected\s+to|pledge[sd]?|commit(?:ted|s)?\s+to|promise[sd]?|by\s+(?:19|20)\d\d)\b"
    r"|목표|계획|전략|비전|예정|방침|추진한다|추진할|하겠다|겠다|기로|키로|할\s?것|될\s?것|까지|나선다|한다고|하고자|로드맵"
    # Korean plain-form verbs announce plans ("양성한다", "늘린다"); results are past ("했다").
    r"|(?:한|린|인|킨|운|된|낸|든)다(?![가-힣])",
    re.I,
)
_PAST = gazetteer.CaseFolded(
    r"\b(?:last\s+year|the\s+previous\s+year|in\s+(?:19|20)\d\d\s+(?:it|the)|was|were|had\s+been|has\s+been|"
    r"have\s+been|did|achieved|recorded|reached|reduced|increased|decreased|rose|fell|grew|doubled|"
    r"selected|signed|posted|exceeded|amounted|stood|surpassed|jumped|climbed|dropped)\b"
    r"|지난해|작년|지난\s?\d|(?<!기로\s)(?<!키로\s)(?:었|았|였|했|됐)다(?!고)",
    re.I,
)
_SPEECH_PAST = re.compile(r"(?:밝혔|말했|전했|설명했|강조했|덧붙였|발표했|알렸)다|\b(?:said|announced|stated|explained|added|noted)\b", re.I)
_FORECAST = gazetteer.CaseFolded(
    r"\b(?:forecast\w*|projected|projection|estimated|estimates?|predict\w*|according\s+to\s+(?:a|the|data|statistics|market)|"
    r"market\s+research|analysts?|research\s+firm|survey)\b|전망|추산|예측|조사에\s?따르면|집계",
    re.I,
)
_GOAL_PLAN = gazetteer.CaseFolded(r"\b(?:goal|target|aims?\s+to|plans?\s+to|strategy|vision)\b|목표|계획|전략|비전|방침", re.I)
_GOAL_STRONG = gazetteer.CaseFolded(r"\b(?:goal|target|aims?\s+to|plans?\s+to|will|strategy|vision)\b|목표|계획|전략|비전|방침", re.I)
_CONTEST = gazetteer.CaseFolded(r"\b(?:selected|chosen|contest|competition|competitive\s+bidding|public\s+offering|applied|applications?)\b|공모|선정|선발|응모|신청", re.I)
# The count is what a selection picks: "14개 기업을 선정해", "select up to 20 firms".
_KO_SELECTED_OBJECT = re.compile(r"^\s?(?:[가-힣A-Za-z&]+\s){0,2}?[가-힣A-Za-z&]*(?:을|를)\s?(?:최종\s?|추가로?\s?|새로\s?)?(?:선정|선발|뽑)")
_EN_SELECT_BEFORE = re.compile(r"\b(?:select(?:s|ed|ing)?|choos(?:e|es|ing)|chose|pick(?:s|ed|ing)?)\s+(?:up\s+to\s+|a\s+total\s+of\s+|another\s+|about\s+)?$", re.I)
_CONTEST_NOUNS = re.compile(r"^\s*(?:[\w-]+\s+){0,4}?(?:projects?|tasks?|regions?|areas?|sites?|local\s+governments?|teams?|proposals?|applicants?|cases?)\b|^\s?(?:개\s?)?(?:사업|과제|지역|곳|팀|지자체|건)", re.I)
_ANNUAL = gazetteer.CaseFolded(r"\b(?:every\s+year|each\s+year|annually|per\s+year|a\s+year|yearly|per\s+annum|every\s+single\s+year)\b|매년|해마다|연간|(?<![가-힣])연\s?\d", re.I)
_CURRENT = gazetteer.CaseFolded(r"\b(?:current(?:ly)?|present|this\s+year|now|today|existing)\b|현재|올해|금년", re.I)

_EN_CHANGE_LEFT = re.compile(r"\bfrom\s+(?:the\s+)?(?:current\s+|present\s+|existing\s+|today's\s+|about\s+|around\s+|approximately\s+|some\s+|level\s+of\s+)*$", re.I)
_EN_CHANGE_MID = re.compile(r"^\s*(?:(?:in|as\s+of)\s+(?:19|20)\d\d\s*|this\s+year\s*|last\s+year\s*|now\s*|currently\s*|,\s*)?(?:to|into|up\s+to|→|->)\s+(?:about\s+|around\s+|approximately\s+|over\s+|more\s+than\s+|at\s+least\s+|nearly\s+)?$", re.I)
_KO_CHANGE_MID = re.compile(
    r"^\s?(?:(?P<noun>[가-힣A-Za-z]{1,6})\s?)?(?:수준)?\s?(?:에서|→|->|⇒)\s?"
    r"(?:(?:(?:19|20)\d\d년|내년도?|올해|금년도?|향후)\s?(?:까지|에는|에|엔|에도)?\s?)?(?:약\s?)?$"
)
_ARROW_MID = re.compile(r"^\s?(?:→|->|⇒|▶)\s?$")
_EN_LEVEL_VERB = gazetteer.CaseFolded(
    r"\b(?:increas\w*|rais\w*|expand\w*|grow\w*|boost\w*|ris\w*|reach\w*|achiev\w*|attain\w*|exceed\w*|"
    r"hit(?:ting)?|doubl\w*|tripl\w*|lift\w*|improv\w*|reduc\w*|cut(?:ting)?|lower\w*|decreas\w*|bring\w*|"
    r"push\w*|surpass\w*|top(?:ping)?|generat\w*|record\w*|secur\w*|enhanc\w*|extend\w*|elevat\w*|"
    r"goals?|targets?|targeting|targeted|aim\w*|objective)\b",
    re.I,
)
_EN_LEVEL_LEFT = gazetteer.CaseFolded(
    r"(?:\bto|\bup\s+to|\breach(?:es|ing)?|\bexceed(?:s|ing)?|\bachiev(?:e|es|ing)|\battain(?:s|ing)?|\bsurpass(?:es|ing)?|"
    r"\bof|\bover|\bmore\s+than|\bat\s+least|\btop(?:ping)?|\bhit(?:ting)?|\bgenerat(?:e|es|ing)|\bsecur(?:e|es|ing))"
    r"\s+(?:about\s+|around\s+|approximately\s+|nearly\s+|over\s+|more\s+than\s+|the\s+|a\s+|an\s+)?$",
    re.I,
)
_EN_DELTA_LEFT = re.compile(
    r"\b(?P<verb>reduc\w*|cut(?:ting|s)?|lower\w*|decreas\w*|increas\w*|rais\w*|boost\w*|improv\w*|"
    r"expand\w*|grow\w*|enhanc\w*)\s+(?:the\s+|its\s+|their\s+)?(?P<obj>(?:[\w&\-]+\s+){0,5}?)by\s+"
    r"(?:about\s+|around\s+|more\s+than\s+|at\s+least\s+|up\s+to\s+)?$",
    re.I,
)
_KO_LEVEL_RIGHT = re.compile(r"^\s?(?:수준)?\s?(?:까지|로|으로|을|를|이상으로|이하로|미만으로|이상|이하)?\s?(?:확대|증가|늘|높|끌어올|향상|상향|성장|달성|감축|줄|낮|돌파|확보|증액|제고|도약|진입|목표)")
_VERBISH = re.compile(
    r"(?:nurtur|foster|train|cultivat|creat|attract|produc|secur|develop|build|establish|discover|recruit|"
    r"hir|employ|generat|suppl|deploy|install|open|educat|grow|incubat|launch|bring|reach|achiev|help|support|"
    r"provid|invest|expand|increas|rais|promot|strengthen|make|will|plan)(?:e|es|s|ing|ed|d)?$",
    re.I,
)
_EN_GOAL_VERB_BEFORE_COUNT = re.compile(
    r"\b(?:target\w*|aim\w*\s+(?:for|at)|goal\s+of|nurtur\w*|foster\w*|train\w*|cultivat\w*|creat\w*|attract\w*|produc\w*|secur\w*|develop\w*|"
    r"build\w*|establish\w*|discover\w*|recruit\w*|hir\w*|employ\w*|generat\w*|suppl\w*|deploy\w*|install\w*|"
    r"open\w*|educat\w*|grow\w*|incubat\w*|launch\w*|bring\w*|reach\w*|achiev\w*|help\w*|spin\w*|"
    r"turn\w*\s+out|add\w*|support\w*|provid\w*|invit\w*|lur\w*|scal\w*|equipped\s+with)\b"
    r"(?:\s+(?:a\s+total\s+of|more\s+than|over|at\s+least|about|around|up\s+to|some|an\s+additional|additional|another))?\s+$",
    re.I,
)
# Korean goal verbs of a count: right after it and its particle ("1만 명을 양성", "2만 명으로
# 확대", "300명을 배치"), or within its clause after the counted noun ("1만개 이상 제조기업에
# ... 보급한다").
# The verbs that make or gain the counted thing: the only ones "N명의 X를 VERB" (the count
# of a noun that follows) accepts.
_KO_MAKE_VERBS = r"(?:양성|육성|배출|창출|유치|발굴|확보|구축|조성|보급|설치|고용|채용|교육)"
_KO_COUNT_VERBS = (
    r"(?:양성|육성|배출|창출|유치|발굴|확보|구축|조성|보급|설치|달성|키우|키운|지원|교육|고용|채용|만들|배치|확대|늘|증가|"
    r"확충|도입|개발|지정|설립|돌파|목표|공급|참여|수강|졸업|전환|입주|"
    # building and opening: 짓다 (짓는/짓고/지어), 건립, 건설, 신설, 개소, 개설
    r"짓|지어|건립|건설|신설|개소|개설)"
)
_KO_GOAL_VERB_AFTER_COUNT = re.compile(
    rf"^\s?(?:이상|이하|규모|수준|가량)?\s?(?:의|을|를|으로|로|까지로|까지|이|가|에)?\s?"
    rf"(?:[가-힣A-Za-z]+\s){{0,3}}?(?:추가\s?|더\s?)?{_KO_COUNT_VERBS}"
)
_KO_NOUN_AFTER_COUNT = re.compile(
    rf"^\s?(?:이상|이하|규모)?\s?의?\s(?P<noun>[가-힣A-Za-z&]+?(?:\s[가-힣A-Za-z&]+?){{0,2}}?)(?:에게|에|을|를)\s"
    rf"(?:[가-힣A-Za-z&]+\s){{0,3}}?[가-힣A-Za-z&]*?{_KO_COUNT_VERBS}"
)
# English: a count followed by its goal participle and a deadline ("15,000 trained by 2027").
_EN_PARTICIPLE_AFTER_COUNT = re.compile(
    r"^\s+(?:(?:more|new|additional|people|workers|students|experts)\s+)?(?P<verb>trained|hired|created|nurtured|fostered|"
    r"employed|educated|attracted|built|installed|deployed|established|certified|reskilled|upskilled)\b",
    re.I,
)
_KO_SUBJECT_AFTER_COUNT = re.compile(r"^\s[가-힣A-Za-z&]+(?:이|가|은|는)\s(?P<next>\S+)")
_KO_COUNT_OF = re.compile(
    r"^\s?의\s(?P<noun>[가-힣A-Za-z&]+(?:\s[가-힣A-Za-z&]+){0,2}?)(?:을|를)\s?(?:추가\s?)?" + _KO_MAKE_VERBS
)
_EN_RANK_GOAL = gazetteer.CaseFolded(
    r"\b(?:leap\w*|jump\w*|ris\w*|climb\w*|advanc\w*|enter\w*|becom\w*|rank\w*|reach\w*|achiev\w*|aim\w*|"
    r"join\w*|mov\w*|propel\w*|elevat\w*|goal|target|vision|among|into|one\s+of)\b",
    re.I,
)
_KO_RANK_GOAL = re.compile(r"도약|진입|달성|목표|올라|올리|상승|등극|진출|발돋움|만들")
_EN_INVEST_LEFT = gazetteer.CaseFolded(r"\b(?:invest\w*|attract\w*|inject\w*|pour\w*|spend\w*|allocat\w*|put\w*|mobiliz\w*|mobilis\w*|rais\w*\s+(?:a\s+)?fund\w*)\s+(?:a\s+total\s+of\s+|about\s+|around\s+|over\s+|more\s+than\s+|some\s+|up\s+to\s+|an\s+additional\s+)?$", re.I)
_KO_INVEST_RIGHT = re.compile(r"^\s?(?:을|를|이|가|의)?\s?(?:규모의?\s?)?(?:예산을?\s?)?(?:투자|투입|지원|조성|확보)")

# Metric vocabulary: head words that name what is measured.
_EN_SHARE_HEAD = re.compile(
    r"\b(?:proportion|share|ratio|rate|percentage|portion|penetration|adoption|utili[sz]ation|usage|coverage|"
    r"self-sufficiency|localization|localisation)\b",
    re.I,
)
_EN_AMOUNT_HEAD = re.compile(
    r"\b(?:sales|revenue|revenues|turnover|exports?|budget|investment|spending|market|output|production|"
    r"value|size|funds?|funding|amount|capacity|productivity|emissions|level|number)\b",
    re.I,
)
_MOD_STOP = re.compile(
    r"^(?:the|a|an|its|their|of|to|from|will|be|is|are|it|in|by|for|with|has|have|had|gradually|also|"
    r"further|plans?|which|that|this|these|who|as|at|on)$|(?:’s|'s)$|^(?:increas|rais|expand|grow|boost|"
    r"achiev|reach|attain|nurtur|foster|cultivat|creat|improv|reduc|lower|decreas|doubl|lift|push|enhanc|"
    r"secur|generat|aim|seek|strengthen|promot)\w*$",
    re.I,
)
_STOP_EN = re.compile(
    r"\b(?:will|would|shall|from|to|by|is|are|was|were|has|have|had|be|been|being|which|that|who|through|via|"
    r"and\s+(?:is|will|to)|exceeded|exceeds|reached|reaches|rose|rises|increased|grew|amounted|stood|totaled|"
    r"totalled|hit|hits|surpassed|recorded|could|can|should|must|may|might)\b|[,;:(\"“”]|\d",
    re.I,
)
_COUNT_STOP = {"to", "by", "in", "for", "every", "each", "per", "annually", "that", "which", "who", "with",
               "through", "from", "at", "over", "across", "of", "into", "a", "and", "or", "while", "until",
               "within", "under", "on", "as", "is", "are", "will", "was", "were", "this", "next", "last", "the"}
_KO_PARTICLE_END = re.compile(r"(?:을|를|이|가|은|는|에|의|로|으로|까지|에서|와|과|도|만|년|및)$")
_KO_PARTICLE_END_NEAR = re.compile(r"(?:을|를|은|는|에|의|으로|까지|에서|와|과|도|년|및)$")
_KO_DEADLINE_TOKEN = re.compile(r"(?:19|20)\d\d년(?:까지|에는|에|도|말|말까지)?")
# Adverbs and discourse words that open a clause rather than modify a noun.
_KO_STOPWORDS = frozenset("또 또한 특히 아울러 그리고 이에 이를 한편 이밖에 이와 함께 나아가 더불어 우선 먼저 이번 올해 내년 현재 향후 오는 총 약 연간 매년".split())
# Verb and connective endings: a token ending so is not part of a noun phrase.
_KO_VERB_END = re.compile(r"(?:고|며|서|면|다|해|하여|하고|하며|하는|되는|한|된|할|될|위해|통해|수준인|규모인|중인)$")


# Targets --------------------------------------------------------------------------------------


@dataclass
class Found:
    """A target found in one sentence (internal; local offsets)."""

    start: int
    end: int
    metric: str
    target: float
    unit: str
    baseline: float | None = None
    baseline_pos: int | None = None
    kind: str = "level"
    target_year: int | None = None  # stated by the form itself (a dated series)
    base_year: int | None = None
    bound: str = "exact"
    tpos: int | None = None  # where the target quantity starts (a change or a level with its baseline)


# " but" / " and will" cut only from the start of a blank run ((?<!\s), possessive): tried
# from every blank of a long run, "\s+but" read the rest of the run each time
# (quadratic). A cut found from inside the run was also found from its start.
# Written first character first ([;.,\s고며으지], then the rest of the form that
# character opens, in the same order), so that the engine jumps from candidate to
# candidate; the cuts are those of
#   ;|\.\s|,\s+(?:and|while|but|whereas)\s|(?<!\s)\s++but\s|(?<!\s)\s++and\s++(?=...)|(?:고|며|으며|지만),?\s
_CLAUSE_CUT = re.compile(
    r"[;.,\s고며으지](?:(?<=;)|(?<=\.)\s|(?<=,)\s+(?:and|while|but|whereas)\s"
    r"|(?<=\s)(?<!\s\s)\s*+but\s"
    r"|(?<=\s)(?<!\s\s)\s*+and\s++(?=(?:it\s+|they\s+|the\s+\w+\s+)?"
    r"(?:will|is|are|was|were|has|have|had|plans?|aims?|intends?|also)\b)"
    r"|(?<=[고며]),?\s|(?<=으)며,?\s|(?<=지)만,?\s)",
    re.I,
)


class _ClauseCues:
    """What the acceptance rules ask of one clause, each cue searched when first asked
    (most targets need only two of them)."""

    def __init__(self, clause: str) -> None:
        self.clause = clause

    @functools.cached_property
    def past_only(self) -> bool:
        return _is_past_only(self.clause)

    @functools.cached_property
    def past(self) -> bool:
        return _PAST.search(self.clause) is not None

    @functools.cached_property
    def forecast_only(self) -> bool:
        """A forecast cue and no goal cue besides it."""
        # "will" inside a forecast is the forecaster's ("analysts estimate 30% will ..."):
        # only a plan word makes it a goal.
        return bool(_FORECAST.search(self.clause) and not _GOAL_PLAN.search(_FORECAST.sub(" ", self.clause)))

    @functools.cached_property
    def expected(self) -> bool:
        return _EXPECTED.search(self.clause) is not None

    @functools.cached_property
    def expected_only(self) -> bool:
        """'is expected to', 전망, 예상: a forecast, unless a goal cue stands beside it."""
        return self.expected and not _GOAL_CUE.search(_EXPECTED.sub(" ", self.clause))

    @functools.cached_property
    def achieved(self) -> bool:
        """A result already reached: 'has achieved', 'was achieved', 달성했다."""
        return _ACHIEVED.search(self.clause) is not None

    @functools.cached_property
    def contest(self) -> bool:
        return _CONTEST.search(self.clause) is not None

    @functools.cached_property
    def annual(self) -> bool:
        return _ANNUAL.search(self.clause) is not None


_EXPECTED = gazetteer.CaseFolded(r"\b(?:expected|anticipated|likely|projected)\b|전망|예상", re.I)
# Goal cues that make an expectation a goal ("the city aims ..., which is expected to").
_GOAL_CUE = gazetteer.CaseFolded(
    r"\b(?:goals?|targets?|targeting|aims?|aiming|plans?\s+to|planning\s+to|intends?|vision|will|shall|seeks?|pledge[sd]?|commit\w*\s+to)\b"
    r"|목표|계획|방침|비전|하겠다|겠다|기로|키로",
    re.I,
)
_ACHIEVED = gazetteer.CaseFolded(
    r"\b(?:ha(?:s|ve|d)\s+(?:already\s+|now\s+|successfully\s+)?(?:achieved|reached|attained|surpassed|exceeded|met|hit|created|trained|attracted)"
    r"|(?:was|were)\s+(?:achieved|reached|attained|met))\b"
    r"|달성했|달성한\s?(?:바|것)|달성하였|돌파했|넘어섰|기록했|초과\s?달성|유치했|유치하였|유치에\s?성공",
    re.I,
)


class _Clauses:
    """The clauses of one sentence and their cues.

    The clause cuts are found once per sentence and the cues once per clause: finding
    them again for every quantity was quadratic on long lines with many quantities in
    one clause (each search read the whole clause).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _CLAUSE_CUT.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())
        self._cues: dict[tuple[int, int], _ClauseCues] = {}

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """[left, right) of the clause around [start, end): from the end of the last cut
        ending at or before ``start`` to the start of the first cut at or after ``end``
        (cuts inside the span are ignored)."""
        k = bisect.bisect_right(self.ends, start) - 1
        left = self.ends[k] if k >= 0 else 0
        j = bisect.bisect_left(self.starts, end)
        right = self.starts[j] if j < len(self.starts) else len(self.text)
        return left, right

    def clause(self, start: int, end: int) -> str:
        left, right = self.bounds(start, end)
        return self.text[left:right]

    def cues(self, start: int, end: int) -> _ClauseCues:
        key = self.bounds(start, end)
        cues = self._cues.get(key)
        if cues is None:
            cues = self._cues[key] = _ClauseCues(self.text[key[0] : key[1]])
        return cues


def _clause(text: str, start: int, end: int) -> str:
    """The clause around [start, end): cut at sentence punctuation and coordinated clauses."""
    return _Clauses(text).clause(start, end)


@functools.lru_cache(maxsize=8)
def _has_future(text: str) -> bool:
    """A future/goal cue in ``text``; cached because every bullet of a list asks it of
    the same lead-in sentence (one search per bullet was quadratic in the lead-in)."""
    return _FUTURE.search(text) is not None


_MARKET_METRIC = re.compile(r"market|global|world|시장", re.I)


_STRUCTURE_NOUN = re.compile(
    r"(?:\b(?:strateg\w*|tasks?|pillars?|goals?|objectives?|initiatives?|measures?|polic\w*|agendas?|areas?|"
    r"sectors?|steps?|phases?|plans?|priorit\w*|directions?|axes|axis|principles?|themes?)|전략|과제|분야|방향|추진\s?과제|핵심\s?과제)$",
    re.I,
)


def _acceptable(text: str, f: "Found", lead_in: str | None, clauses: _Clauses | None = None) -> bool:
    """Reject past results, forecasts and contest counts (clause-level cues)."""
    cues = (clauses or _Clauses(text)).cues(f.start, f.end)
    if cues.past_only and not (lead_in and _has_future(lead_in) and not cues.past):
        return False
    if cues.forecast_only or cues.expected_only or cues.achieved:
        return False
    if _MARKET_METRIC.search(f.metric) and cues.expected:
        return False
    if f.unit == "count" and f.target < 1000 and _STRUCTURE_NOUN.search(f.metric):
        # "five major strategies", "3대 전략", "100대 과제": the plan's outline, not a KPI
        # (no outline has thousands of parts: "신규 과제 7000여개" are research projects).
        return False
    if f.unit == "count" and (
        _KO_SELECTED_OBJECT.match(_right_of(text, _first_digit_end(text, f.start)))
        or _EN_SELECT_BEFORE.search(text, max(0, f.start - 40), f.start)
    ):
        return False  # "14개 기업을 선정해", "select 20 companies": winners of a selection
    if f.unit == "count" and cues.contest and (
        _CONTEST_NOUNS.match(_right_of(text, _first_digit_end(text, f.start))) or _CONTEST_NOUNS.match(" " + f.metric.split(" ")[-1])
    ):
        return False
    return True


_TRAILING_FUNCTION = re.compile(
    r"^(?:by|to|of|in|for|and|or|the|a|an|with|at|from|on|into|through|until|than|as|its|their|which|that|over|per|will)$", re.I
)


@functools.lru_cache(maxsize=4096)
def _tidy(phrase: str) -> str:
    """A metric phrase tidied into a label (cached: the same phrases recur)."""
    phrase = _rx(r"\s+").sub(" ", phrase).strip(" ,.;:-\"'“”‘’()")
    phrase = _rx(r"^(?:the|a|an|its|their|our|this|these|that|such)\s+", re.I).sub("", phrase)
    phrase = _rx(r"\s+(?:in\s+the\s+overall|overall)$", re.I).sub("", phrase)
    words = phrase.split(" ")[:9]
    # A label never ends on a function word ("... industry by" when the words ran out).
    while len(words) > 1 and _TRAILING_FUNCTION.match(words[-1]):
        words.pop()
    out = " ".join(w if (len(w) > 1 and (w.isupper() or "&" in w)) else w.lower() for w in words)
    out = _rx(r"^(?:proportion|ratio|percentage|portion)\s+of\b").sub("share of", out)
    return out


def _metric_before(text: str, pos: int, unit: str = "pct") -> str | None:
    """Metric phrase headed by a metric word before ``pos`` (English).

    For percentages the head is a share word (proportion, ratio, ...); for amounts an
    amount word (sales, budget, ...); the phrase runs from the head's modifiers to the
    next verb or punctuation: "proportion of automation using smart robots".
    """
    left = _left_words(text, pos)
    rx = _EN_SHARE_HEAD if unit in ("pct", "pp") else _EN_AMOUNT_HEAD
    heads = list(rx.finditer(left)) or list((_EN_AMOUNT_HEAD if rx is _EN_SHARE_HEAD else _EN_SHARE_HEAD).finditer(left))
    if not heads:
        return None
    h = heads[-1]
    # A head word used as a preposition-like "to the level of" is still a fine label.
    # Extend left over modifiers (up to 4 words, stopping at determiners/punctuation/possessives).
    pre = left[: h.start()]
    mods = _rx(r"((?:[\w&\-’']+\s+){0,4})$").search(pre)
    mod_words = mods.group(1).split() if mods else []
    keep: list[str] = []
    for w in reversed(mod_words):
        if _MOD_STOP.search(w):
            break
        keep.insert(0, w)
    while keep and keep[0].lower() in ("and", "or"):
        keep.pop(0)
    tail = left[h.start():]
    stop = _STOP_EN.search(tail, len(h.group(0)))
    phrase = tail[: stop.start()] if stop else tail
    return _tidy(" ".join(keep + [phrase]))


def _metric_after_count(text: str, q: Qty) -> tuple[str | None, int]:
    """Noun phrase counted by an English count: '20,000 digital creative talents'."""
    # Nine words at most are read (eight, and one to look ahead); finding every word of
    # the rest of the line per count was quadratic on long lines.
    words = [m.group(0) for m in itertools.islice(_WORD.finditer(text, q.end), 9)]
    out: list[str] = []
    consumed = 0
    pos = q.end
    for k, w in enumerate(words[:8]):
        bare = w.strip(",.;:()\"“”'’")
        low = bare.lower()
        if not bare or (low in _COUNT_STOP and low != "and"):
            break
        if low == "and":
            nxt = words[k + 1] if k + 1 < len(words) else ""
            # "innovative and creative talents" continues; "companies and create 5,000 jobs" does not.
            if not out or len(out) >= 4 or _rx(r"\d").search(nxt) or nxt.lower() in _COUNT_STOP or _VERBISH.match(nxt):
                break
        out.append(bare)
        idx = text.find(w, pos)
        pos = idx + len(bare)
        consumed += 1
        if w != bare and not w.endswith(("-",)):  # punctuation ends the phrase
            break
    while out and out[-1].lower() in {"and", "or"}:
        out.pop()
    if not out:
        return None, q.end
    return _tidy(" ".join(out)), pos


def _metric_before_ko(text: str, pos: int) -> str | None:
    """Korean noun phrase just before ``pos``: 'AI 인재' in '2030년까지 AI 인재 1만 명'."""
    left = _left_words(text, pos).rstrip()
    tokens = left.split(" ")
    keep: list[str] = []
    # "기업을 현재 300개": skip 현재; "데이터를 2026년까지 90종": skip the deadline.
    while tokens and (tokens[-1] in _KO_STOPWORDS or _KO_DEADLINE_TOKEN.fullmatch(tokens[-1])):
        tokens = tokens[:-1]
    # The object right before the number may carry its particle: "AI 기업을 200개에서".
    if tokens and _rx(r"[가-힣A-Za-z](?:을|를)$").search(tokens[-1]) and not _rx(r"\d").search(tokens[-1]):
        keep.insert(0, tokens[-1][:-1])
        tokens = tokens[:-1]
    for k, tok in enumerate(reversed(tokens[-4:])):
        if len(keep) >= 3:
            break
        # The word right against the count is its noun even when it ends like a particle
        # (전문가, 창업가, 기업이 are read as nouns there: "데이터 전문가 1만 명").
        particle = _KO_PARTICLE_END_NEAR if k == 0 and not keep else _KO_PARTICLE_END
        if not tok or tok in _KO_STOPWORDS or _rx(r"\d{4}년|[,.;:·()\"“”]$").search(tok) or particle.search(tok) or _KO_VERB_END.search(tok):
            break
        keep.insert(0, tok)
        if len(keep) >= 3:
            break
    return " ".join(keep) or None


_KO_HEAD = re.compile(
    r"[가-힣A-Za-z&]*(?:비율|비중|점유율|[가-힣]{1,4}[률율]|매출액?|수출액?|예산|투자액?|규모|일자리|인재|순위|평가|지수|경쟁력|생산액?|시장)"
)


def _metric_ko(text: str, pos: int) -> str | None:
    """Korean metric before ``pos``: the nearest head noun (비중, 보급률, 매출, ...) and
    up to two modifiers before it ('R&D 투자 비중', '스마트공장 보급률', '디지털 신산업 매출')."""
    window_start = max(0, pos - 40)
    heads = [m for m in _KO_HEAD.finditer(text, window_start, pos)]
    if not heads:
        return _metric_before_ko(text, pos)
    h = heads[-1]
    words = [_KO_PARTICLE_END.sub("", h.group(0)) or h.group(0)]
    for tok in reversed(text[window_start : h.start()].split()[-3:]):
        if not tok or tok in _KO_STOPWORDS or _rx(r"\d{4}년|[,.;:·()\"“”]$").search(tok) or _KO_PARTICLE_END.search(tok) or _KO_VERB_END.search(tok):
            break
        words.insert(0, tok)
        if len(words) >= 3:
            break
    return " ".join(words)


def _has(pattern: str) -> Callable[[str], bool]:
    rx = re.compile(pattern, re.I)
    return lambda text: rx.search(text) is not None


# The metric families' vocabularies, compiled once (_family runs for every target).
_F_RD = _has(r"r&d|research and development|연구개발|research")
_F_AUTOMATION = _has(r"automat|자동화|smart factor|스마트공장")
_F_STARTUPS = _has(r"start-?up|venture|unicorn|창업|스타트업|벤처|유니콘")
_F_TALENT = _has(
    r"talent|expert|professional|workforce|manpower|human resource|developer|engineer|researcher|student|"
    r"trainee|graduate|specialist|인재|인력|전문가|교육생"
)
_F_JOBS = _has(r"\bjobs?\b|employment|일자리|고용")
_F_COMPANIES = _has(r"compan|firm|enterprise|business|기업|업체")
_F_SALES = _has(r"sales|revenue|turnover|매출")
_F_EXPORTS = _has(r"export|수출")
_F_MARKET = _has(r"market|시장")
_F_BUDGET = _has(r"budget|예산|국비")
_F_INVESTMENT = _has(r"invest|fund|투자|펀드")
_F_ADOPTION = _has(r"adoption|penetration|utili[sz]ation|usage|보급|도입|활용")
_F_SERVICES = _has(r"service|서비스")
_F_INFRASTRUCTURE = _has(
    r"infrastructure|base station|charging|station|data cent|network|facilit|\blabs?\b|laborator|인프라|충전|센터|거점"
)


@functools.lru_cache(maxsize=4096)
def _family(metric: str, unit: str, kind: str) -> str:
    """Metric family of a target (cached: the same labels recur across documents)."""
    m = metric.lower()
    if unit == "rank":
        return "ranking"
    rd = _F_RD(m)
    if unit in ("pct", "pp") and rd:
        return "rd_share"
    if _F_AUTOMATION(m):
        return "automation"
    if _F_STARTUPS(m):
        return "startups"
    if _F_TALENT(m):
        return "talent"
    if _F_JOBS(m):
        return "jobs"
    if _F_COMPANIES(m):
        return "companies"
    if unit in ("krw", "usd", "eur", "cny", "jpy", "other") and rd:
        return "rd_investment"
    if _F_SALES(m):
        return "sales"
    if _F_EXPORTS(m):
        return "exports"
    if _F_MARKET(m):
        return "market_size"
    if _F_BUDGET(m):
        return "budget"
    if kind == "investment" or _F_INVESTMENT(m):
        return "investment"
    if _F_ADOPTION(m):
        return "adoption"
    if _F_SERVICES(m):
        return "services"
    if _F_INFRASTRUCTURE(m):
        return "infrastructure"
    if unit in ("pct", "pp"):
        return "share"
    return "other"


def _goal_context(text: str, lead_in: str | None) -> bool:
    if _FUTURE.search(text):
        return True
    return bool(lead_in and _has_future(lead_in))


def _is_past_only(clause: str) -> bool:
    stripped = _SPEECH_PAST.sub(" ", clause)
    return _PAST.search(stripped) is not None and _FUTURE.search(stripped) is None


# A dated series: values joined by arrows, the last (at least) labelled with its year, as
# in tables of plans: "’22년: 8.85PF → ‘24년: 88.5PF", "14종 → ‘24년: 77종", "(2023) 30% → (2027) 60%".
_SERIES_YEAR = r"(?:[(\[]?\s?(?:[’‘'`](?P<{0}s>\d{{2}})|(?P<{0}l>(?:19|20)\d{{2}}))\s?(?:년|yr)?\s?[)\]]?\s?[:：]?\s?)"
_SERIES_VALUE = (
    r"(?P<{0}v>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<{0}m>만|천|억|조|thousand|million|billion|trillion)?\s?"
    r"(?P<{0}u>%|％|명|개사|개소|개|곳|건|종|장|대|원|달러|won|[A-Za-z]{{1,4}}(?![A-Za-z]))?"
)
_SERIES = re.compile(
    "(?<![\\d.,])" + f"{_SERIES_YEAR.format('a')}?{_SERIES_VALUE.format('a')}"
    + r"\s*(?:→|->|⇒|▶|➜|➡|～>)\s*" + f"{_SERIES_YEAR.format('b')}{_SERIES_VALUE.format('b')}",
    re.I,
)
_SERIES_UNITS = {"%": "pct", "％": "pct", "원": "krw", "won": "krw", "달러": "usd"}


def _series_year(m: re.Match[str], side: str) -> int | None:
    short, full = m.group(side + "s"), m.group(side + "l")
    return 2000 + int(short) if short else (int(full) if full else None)


def _find_series(text: str, qs: list[Qty]) -> list[Found]:
    """Dated series in one sentence (quantities inside them are claimed)."""
    out = []
    if not _rx("→|->|⇒|▶|➜|➡").search(text):
        return out
    for m in _SERIES.finditer(text):
        vals = []
        for side in "ab":
            v = _num(m.group(side + "v")) * {**_MULT, "조": 1e12, "trillion": 1e12}.get((m.group(side + "m") or "").lower(), 1.0)
            vals.append(v)
        unit_raw = m.group("bu") or m.group("au") or ""
        unit = _SERIES_UNITS.get(unit_raw.lower(), "count" if _rx("^[가-힣]+$").match(unit_raw) else "other")
        by, ty = _series_year(m, "a"), _series_year(m, "b")
        if by is not None and ty is not None and ty <= by:
            continue
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        metric = _series_metric(text, start)
        out.append(Found(start, m.end(), metric, vals[1], unit, vals[0], m.start(), "series", ty, by))
        for q in qs:
            if q.start < m.end() and q.end > m.start():
                q.claimed = True
    return out


def _series_metric(text: str, pos: int) -> str:
    """The label before a series: 'AI 학습용 데이터' in 'AI 학습용 데이터 14종 → ...'."""
    left = _left_words(text, pos).rstrip(" :：-–·(")
    tokens = [t for t in _rx(r"[\s,;]+").split(left) if t][-4:]
    keep: list[str] = []
    for tok in reversed(tokens):
        if _rx(r"[.)\]:：]$|\d{4}|^[-•·▲○◦□■*]$").search(tok) or tok.lower() in _COUNT_STOP or tok in _KO_STOPWORDS:
            break
        keep.insert(0, _KO_PARTICLE_END.sub("", tok) if _rx("[가-힣]").search(tok) and len(tok) > 2 else tok)
        if len(keep) >= 3:
            break
    return _tidy(" ".join(keep)) or "other"


def _find_in_sentence(text: str, qs: list[Qty], lead_in: str | None, has_target_year: bool,
                      clauses: _Clauses | None = None) -> list[Found]:
    clauses = clauses or _Clauses(text)
    found: list[Found] = [f for f in _find_series(text, qs) if _acceptable(text, f, lead_in, clauses)]
    goal = _goal_context(text, lead_in)
    # Quantities by end, to find a level target's baseline among those ending shortly
    # before it without scanning every quantity of the sentence (quadratic).
    by_end = sorted(range(len(qs)), key=lambda k: qs[k].end)
    end_vals = [qs[k].end for k in by_end]
    _skip_conversions(text, qs)
    # 1. Change: "from X to Y", "X에서 Y로", "X → Y".
    for a, b in zip(qs, qs[1:]):
        if a.claimed or b.claimed or not _compatible(a.unit, b.unit):
            continue
        mid = text[a.end : b.start]
        en = _EN_CHANGE_MID.match(mid) and _EN_CHANGE_LEFT.search(text[max(0, a.start - 40) : a.start])
        ko = _KO_CHANGE_MID.match(mid) or _ARROW_MID.match(mid)
        if ko and ko.groupdict().get("noun") and not _rx(r"\s?" + re.escape(ko.group("noun"))).match(text, b.end):
            ko = None  # "200개 기관에서 800개 기관으로": the noun after the baseline is the target's too
        if not (en or ko):
            continue
        from_pos = a.start
        if en:
            m = _EN_CHANGE_LEFT.search(text[max(0, a.start - 40) : a.start])
            from_pos = max(0, a.start - 40) + m.start()
        metric = _metric_for(text, from_pos, b)
        end = max(b.end, _count_metric(text, b)[1]) if b.unit == "count" else b.end
        unit = "pct" if a.unit in ("pct", "pp") and b.unit in ("pct", "pp") else b.unit
        f = Found(from_pos, end, metric, b.value, unit, a.value, a.start, "change", tpos=b.start)
        if unit not in ("pct", "pp", "count", "rank", "multiple") and _is_budget(text, f, clauses):
            # "the R&D budget will increase from 19.8 billion won this year to 29.7 billion
            # won": a budget decided, a commitment to spend, not a goal.
            a.claimed = b.claimed = True
            continue
        if _acceptable(text, f, lead_in, clauses):
            f.bound = _bound(text, b)
            found.append(f)
            a.claimed = b.claimed = True
    for k, q in enumerate(qs):
        if q.claimed:
            continue
        left = text[max(0, q.start - 60) : q.start]
        prev_f = found[-1] if found else None
        if (
            q.unit == "count" and prev_f is not None and prev_f.kind == "count"
            # The joint is short; a long gap is not copied just to be rejected.
            and q.start - prev_f.end <= _CONTEXT
            and _rx(r"\s*(?:,\s*(?:and\s+)?|and\s+|및\s|와\s|과\s)").fullmatch(text[prev_f.end : q.start])
        ):
            # Coordinated counts share the goal verb: "build 5 data centres and 20 smart factories".
            metric, noun_end = _count_metric(text, q)
            if metric:
                f = Found(q.start, max(noun_end, q.end), metric, q.value, "count", kind="count")
                if _acceptable(text, f, lead_in, clauses):
                    q.claimed = True
                    f.bound = _bound(text, q)
                    found.append(f)
                    continue
        right = text[q.right : q.right + 30]
        f: Found | None = None
        if q.unit == "rank":
            around = text[max(0, q.start - 80) : q.end + 20]
            if goal and (_EN_RANK_GOAL.search(around) or _KO_RANK_GOAL.search(text[q.end : q.end + 15])):
                f = Found(q.start, q.end, _rank_metric(text, q), q.value, "rank", kind="ranking")
        elif q.unit == "count":
            metric, noun_end = _count_metric(text, q)
            ko_of = _KO_COUNT_OF.match(_right_of(text, q.end))
            if ko_of:
                # "500명의 AI 전문인력을 양성": the counted noun follows the count.
                metric, noun_end = ko_of.group("noun").strip(), q.end + ko_of.end("noun")
            if metric is None and _EN_LEVEL_LEFT.search(left):
                # "double the number of AI experts to 2,000": the metric precedes.
                metric, noun_end = _metric_before(text, q.start, "count"), q.end
            ko_goal = _KO_GOAL_VERB_AFTER_COUNT.match(text[q.end : q.end + 20]) or ko_of
            if ko_goal and not ko_of and (subj := _KO_SUBJECT_AFTER_COUNT.match(_right_of(text, q.end))) and not _rx(_KO_COUNT_VERBS).match(subj.group("next")):
                # "5개 그룹사가 수소경제 육성을 위해 ... 투자한다": the count is the subject, not the goal.
                ko_goal = None
            if (not ko_goal or not metric) and (ko_after := _KO_NOUN_AFTER_COUNT.match(_right_of(text, q.end))):
                # "1만개 이상 제조기업에 AI를 보급": the counted noun follows, the verb ends the clause.
                ko_goal = ko_after
                if not metric:
                    metric, noun_end = ko_after.group("noun"), q.end + ko_after.end("noun")
            if metric is None and ko_goal:
                # The noun was named earlier: the clause's topic labels the count ("신규 과제는
                # 올해의 두 배 수준인 7000여개를 지원한다"); else, when the goal is plainly
                # stated ("... 추가해 총 3만7000장을 확보한다는 계획이다"), its counter does.
                metric = _topic_ko(clauses, q)
                if metric is None and _GOAL_PLAN.search(clauses.clause(q.start, q.end)):
                    metric = _counter(text, q)
            en_goal = _EN_GOAL_VERB_BEFORE_COUNT.search(left)
            if not en_goal and has_target_year and (part := _EN_PARTICIPLE_AFTER_COUNT.match(_right_of(text, q.end))):
                # "15,000 trained by 2027": the goal participle follows the count.
                en_goal, noun_end = part, q.end + part.end()
                metric = _tidy(part.group(0)) if not metric or metric.lower() == part.group("verb").lower() else metric
            level = _EN_LEVEL_LEFT.search(left) and _EN_LEVEL_VERB.search(text[max(0, q.start - 80) : q.start])
            if metric and (ko_goal or en_goal or level) and (goal or has_target_year):
                f = Found(q.start, max(noun_end, q.end), metric, q.value, "count", kind="count")
                if en_goal and _rx(r"support|provid|help|add", re.I).search(en_goal.group(0)) and not has_target_year:
                    f = None  # "supporting 78 projects" is an activity, not a goal, unless dated
        elif q.unit == "multiple":
            # "expand the hub to 10 times its current size", "매출을 5배로 늘린다".
            verb = _EN_MULTIPLE_VERB.search(text[max(0, q.start - 80) : q.start]) or _KO_LEVEL_RIGHT.match(right)
            if verb and (goal or has_target_year):
                f = Found(q.start, q.end, _multiple_metric(text, q), q.value, "multiple", kind="multiple")
        elif q.unit in ("pct", "pp") and (dm := _EN_DELTA_LEFT.search(left)) and (goal or has_target_year):
            # "cut greenhouse gas emissions by 40%": a relative change is the target.
            obj = _tidy(dm.group("obj")) if dm.group("obj").strip() else ""
            direction = "reduction" if _rx(r"reduc|cut|lower|decreas|halv", re.I).match(dm.group("verb")) else "increase"
            f = Found(q.start, q.end, f"{obj} {direction}".strip(), q.value, q.unit, kind="delta")
            if _budget_delta(text, q, qs, clauses):
                f = None  # "the R&D budget will increase by 50.5%": a budget decided
        else:  # pct, pp, money
            en_level = _EN_LEVEL_LEFT.search(left) and _EN_LEVEL_VERB.search(text[max(0, q.start - 80) : q.start + 1])
            ko_level = _KO_LEVEL_RIGHT.match(right)
            if ko_level and q.unit in ("pct", "pp") and _KO_DELTA_RIGHT.match(right) and _budget_delta(text, q, qs, clauses):
                ko_level = None  # "기초연구사업은 2조7400억원으로 17.2% 늘어나며": a budget's growth
            invest = _EN_INVEST_LEFT.search(left) or (q.unit not in ("pct", "pp") and _KO_INVEST_RIGHT.match(right))
            share_of = q.unit in ("pct", "pp") and _EN_SHARE_OF.match(_right_of(text, q.end))
            if q.unit not in ("pct", "pp") and _is_attraction(text, q):
                # "attract $35 billion in foreign investment", "투자 3조 원 유치": a goal, not a commitment.
                if goal or has_target_year:
                    f = Found(q.start, q.end, _investment_metric(text, q), q.value, q.unit, kind="attraction")
            elif (en_level or ko_level) and (goal or has_target_year):
                kind = "level"
                if invest and not _rx(r"sales|revenue|매출|export|수출|market|시장", re.I).search(text[max(0, q.start - 60) : q.end + 20]):
                    kind = "investment"
                f = Found(q.start, q.end, _metric_for(text, q.start, q), q.value, q.unit, kind=kind)
            elif share_of and _FUTURE.search(clauses.clause(q.start, q.end)):
                # "three-fifths of the public will use it", "100% of public data centres on
                # renewable energy by 2030": a share of a population is the goal.
                f = Found(q.start, q.end, _tidy("share of " + share_of.group("noun")), q.value, q.unit, kind="level")
        if f is None or f.kind == "investment":
            # Commitments to spend ("invest 5.5 trillion won") belong to the money ledger.
            continue
        if not _acceptable(text, f, lead_in, clauses):
            continue
        # Baseline for a level target: the nearest earlier unclaimed quantity of the same unit
        # (the last such in sentence order among those ending less than 150 characters before).
        if f.kind == "level":
            lo, hi = bisect.bisect_right(end_vals, q.start - 150), bisect.bisect_right(end_vals, q.start)
            near = [by_end[j] for j in range(lo, hi)]
            prev = [qs[k] for k in sorted(near) if not qs[k].claimed and qs[k].unit == q.unit]
            if prev and _baseline_cue(text[max(0, prev[-1].start - 30) : prev[-1].start], text[prev[-1].end : q.start]):
                f.baseline, f.baseline_pos = prev[-1].value, prev[-1].start
                f.start = prev[-1].start
                prev[-1].claimed = True
        q.claimed = True
        f.bound = _bound(text, q)
        if f.tpos is None:
            f.tpos = q.start
        found.append(f)
    return found


# A conversion in parentheses right after an amount: "200억 유로(약 27조 원)",
# "107.6 billion won (US$90.1 million)".
_CONVERSION_OPEN = re.compile(r"\s?[(（]\s?(?:약|about|approximately|approx\.|around|roughly|some|or|equivalent\s+to)?\s?", re.I)
_CONVERSION_CLOSE = re.compile(r"\s?[)）]")
_CURRENCY_UNITS = frozenset(("krw", "usd", "eur", "cny", "jpy", "other"))


def _skip_conversions(text: str, qs: list[Qty]) -> None:
    """Claim an amount that converts the one before it into another currency (in
    parentheses), and read the words after the first amount from behind the parenthesis
    (its verb and bound stand there: "200억 유로(약 27조 원) 이상 ... 유치할 방침")."""
    for a, b in zip(qs, qs[1:]):
        if a.unit not in _CURRENCY_UNITS or b.unit not in _CURRENCY_UNITS or a.unit == b.unit:
            continue
        op = _CONVERSION_OPEN.match(text, a.end)
        if op is None or op.end() != b.start:
            continue
        cl = _CONVERSION_CLOSE.match(text, b.end)
        if cl is None:
            continue
        b.claimed = True
        a.after = cl.end()


_BUDGET = gazetteer.CaseFolded(
    r"\b(?:budgets?|budgetary|spending|appropriations?|allocations?|outlays?|expenditures?)\b|예산|국비|사업비|출연금",
    re.I,
)
_NOT_BUDGET_AMOUNT = re.compile(r"\b(?:sales|revenues?|turnover|exports?|market)\b|매출|수출|시장", re.I)
_KO_DELTA_RIGHT = re.compile(r"^\s?(?:가량|정도|이상|씩)?\s?(?:확대|증가|늘|증액|감소|줄|감축|상승|인상|성장)")


def _is_budget(text: str, f: Found, clauses: _Clauses) -> bool:
    """A change of a budget (its metric, or the clause before the target, names a budget)."""
    if _NOT_BUDGET_AMOUNT.search(f.metric or ""):
        return False
    left, _ = clauses.bounds(f.start, f.end)
    return bool(_BUDGET.search(f.metric or "") or _BUDGET.search(text[left : f.tpos if f.tpos is not None else f.end]))


def _budget_delta(text: str, q: Qty, qs: list[Qty], clauses: _Clauses) -> bool:
    """A percentage change of a budget: the clause names a budget before it, or its
    subject is an amount of money ("기초연구사업은 2조7400억원으로 17.2% 늘어나며")."""
    left, right = clauses.bounds(q.start, q.end)
    before = text[left : q.start]
    if _NOT_BUDGET_AMOUNT.search(before):
        return False
    if _BUDGET.search(before):
        return True
    return any(o.unit in _CURRENCY_UNITS and left <= o.start and o.end <= q.start for o in qs)


_KO_TOPIC = re.compile(r"\s*(?P<t>[가-힣A-Za-z&]+(?:\s[가-힣A-Za-z&]+){0,2}?)(?:은|는)\s")


def _topic_ko(clauses: _Clauses, q: Qty) -> str | None:
    """The topic opening a Korean clause ('신규 과제' in '신규 과제는 ... 7000여개를 지원한다')."""
    left, _ = clauses.bounds(q.start, q.end)
    m = _KO_TOPIC.match(clauses.text, left, q.start)
    if m is None or m.group("t").split(" ")[0] in _KO_STOPWORDS:
        return None
    return m.group("t")


def _counter(text: str, q: Qty) -> str | None:
    """The Korean counter of a count ('장' in '3만7000장'), as a last-resort label."""
    m = _rx(r"(?:개\s?사|개소|[가-힣])$").search(text, q.start, q.end)
    return m.group(0) if m else None


_AT_LEAST_LEFT = re.compile(r"(?:\bat\s+least|\bmore\s+than|\bover|\bno\s+(?:fewer|less)\s+than|\bupwards\s+of|\bexceed(?:s|ing)?|\bsurpass(?:es|ing)?|\btop(?:ping)?|최소|최소한)\s*(?:the\s+|a\s+total\s+of\s+)?$", re.I)
_AT_LEAST_RIGHT = re.compile(r"^\s?(?:이상|초과|넘게|넘는|이\s?넘|을\s?넘|를\s?넘|\+|or\s+more|and\s+(?:more|above|over)|plus\b)", re.I)
_AT_MOST_LEFT = re.compile(r"(?:\bup\s+to|\bno\s+more\s+than|\bless\s+than|\bfewer\s+than|\bunder|\bbelow|\bwithin(?:\s+the)?|\bat\s+most|\bmaximum\s+of|최대)\s*$", re.I)
_AT_MOST_RIGHT = re.compile(r"^\s?(?:이하|미만|이내|or\s+(?:less|fewer|below)|at\s+most)", re.I)


def _bound(text: str, q: Qty) -> str:
    """How the goal bounds its value, from the words around the target quantity."""
    left, right = text[max(0, q.start - 30) : q.start], text[q.right : q.right + 14]
    surface = text[q.start : q.end]
    if q.unit == "rank":
        # "top three", "3위권", "within the top 10": a place within; "세계 3위", "20th place": exact.
        return "at_most" if _rx(r"top|권", re.I).search(surface) or _rx(r"권", re.I).match(right) else "exact"
    if q.unit in ("pct", "pp", "count", "multiple") and _AT_MOST_RIGHT.match(right) or _AT_MOST_LEFT.search(left):
        return "at_most"
    if _AT_LEAST_RIGHT.match(right) or _AT_LEAST_LEFT.search(left):
        return "at_least"
    return "exact"


_EN_MULTIPLE_VERB = re.compile(
    r"\b(?:expand\w*|increas\w*|grow\w*|rais\w*|boost\w*|enlarg\w*|multipl\w*|scal\w*\s+up|lift\w*|"
    r"bring\w*|reach\w*|aim\w*|target\w*|goal)\b(?:\s+[\w’'-]+){0,6}?\s+(?:to|by|up\s+to|about|some|nearly)?\s*$",
    re.I,
)
_EN_SHARE_OF = re.compile(
    r"^\s+of\s+(?:the\s+|all\s+|our\s+|its\s+)?(?P<noun>[A-Za-z][\w&-]*(?:\s+(?!will\b|would\b|by\b|to\b|are\b|is\b|be\b|on\b|in\b|with\b|using\b|use\b)[A-Za-z][\w&-]*){0,3})",
    re.I,
)
_ATTRACT_LEFT = re.compile(r"\b(?:attract\w*|lur(?:e|es|ing)|draw(?:s|ing)?|bring(?:s|ing)?\s+in|secur\w*)\s+(?:\w+\s+){0,3}$", re.I)
_ATTRACT_RIGHT = re.compile(r"^\s?(?:\w+\s+){0,3}?(?:in|of)\s+(?:new\s+)?(?:foreign\s+|overseas\s+|private\s+|domestic\s+)?(?:direct\s+)?investments?\b|^\s?(?:의|을|를)?\s?(?:[가-힣]+\s)?(?:투자\s?)?유치", re.I)


def _is_attraction(text: str, q: Qty) -> bool:
    """An amount of investment to be attracted (a goal), not one to be spent."""
    left = text[max(0, q.start - 40) : q.start]
    if _rx(r"유치").search(text[q.right : q.right + 15]) or (_rx(r"투자").search(left[-15:]) and _rx(r"유치").search(text[q.right : q.right + 25])):
        return True
    if _ATTRACT_LEFT.search(left):
        return _rx(r"attract|lur|draw|bring", re.I).search(left) is not None or bool(_ATTRACT_RIGHT.match(text[q.right : q.right + 60]))
    return False


def _multiple_metric(text: str, q: Qty) -> str:
    """'hub size' for 'expand the hub to 10 times its current size'; Korean: the noun before."""
    if _rx(r"[가-힣]").search(text[q.start : q.end]):
        return _metric_ko(text, q.start) or "other"
    m = _rx(r"\b(?:expand\w*|increas\w*|grow\w*|rais\w*|boost\w*|enlarg\w*|multipl\w*|scal\w*\s+up|lift\w*)\s+((?:[\w’'-]+\s+){0,5}?)(?:to|by|up\s+to)?\s*$", re.I).search(text[max(0, q.start - 80) : q.start])
    obj = _tidy(m.group(1)) if m and m.group(1).strip() else ""
    size = _rx(r"^\s+(?:its|their|the)\s+(?:current\s+|present\s+)?([a-z]+)", re.I).match(text[q.end : q.end + 40])
    if size and obj:
        return _tidy(f"{obj} {size.group(1)}")
    return obj or (_metric_before(text, q.start, "krw") or "other")


def _baseline_cue(before: str, between: str) -> bool:
    return bool(
        _rx(r"\b(?:from|current(?:ly)?|exceeded|reached|stood\s+at|was|were|increased\s+to|rose\s+to|of|at)\s+(?:the\s+)?(?:current\s+)?(?:about\s+|around\s+)?$", re.I).search(before)
        or _rx(r"(?:현재|올해|지난해|기존)\s?").search(before)
        or _rx(r"\b(?:and|but)\b.*\b(?:will|to)\b|에서", re.I).search(between)
    )


def _compatible(a: str, b: str) -> bool:
    if a in ("pct", "pp") and b in ("pct", "pp"):
        return True
    return a == b


def _metric_for(text: str, pos: int, q: Qty) -> str:
    """Metric label for a quantity whose expression starts at ``pos``."""
    if q.unit == "count":
        metric, _ = _count_metric(text, q)
        if metric:
            return metric
    if q.unit == "rank":
        return _rank_metric(text, q)
    ko = _rx(r"[가-힣]").search(text[max(0, pos - 20) : q.end + 10]) is not None
    if ko:
        return _metric_ko(text, pos) or "other"
    phrase = _metric_before(text, pos, q.unit)
    if phrase:
        phrase = _rx(r"\s+(?:of|in|for|to|at)$").sub("", phrase)
    after = _rx(r"\s+(?:in|for|into)\s+([\w&\-]+(?:\s+[\w&\-]+){0,4})").match(_right_of(text, q.end))
    if after:
        tail = _rx(r"\s+(?:by|and|to|through|from|over|until|with|which|that)\s+").split(after.group(1).strip())[0]
        if _rx(r"\d").search(tail):
            tail = ""
    else:
        tail = ""
    if tail and not phrase:
        phrase = _tidy(tail)
    elif tail and _rx(r"^(?:annual\s+)?(?:sales|revenue|exports?|investment|budget|funds?|funding)$").match(phrase):
        phrase = _tidy(f"{phrase} in {tail}")
    return phrase or "other"


def _investment_metric(text: str, q: Qty) -> str:
    """'investment in big data' for 'invest 10 trillion won in big data, AI ...'."""
    if _rx(r"attract\w*\s+(?:\w+\s+){0,3}$", re.I).search(text[max(0, q.start - 40) : q.start]):
        return "attracted investment"
    after = _rx(r"\s+(?:each\s+|in\s+total\s+)?(?:in|into|for|on)\s+([\w&\-]+(?:\s+[\w&\-]+){0,3})").match(_right_of(text, q.end))
    if after:
        tail = _rx(r"\s+(?:by|and|to|through|from|over|until|with|which|that|in)\s+").split(after.group(1).strip())[0]
        return _tidy(f"investment in {tail}")
    ko = _metric_before_ko(text, q.start)
    return f"{ko} 투자" if ko and _rx(r"[가-힣]").search(ko) else "investment"


def _count_metric(text: str, q: Qty) -> tuple[str | None, int]:
    if _rx(r"[가-힣]").search(text[q.start : q.end]):
        return _metric_before_ko(text, q.start), q.end
    return _metric_after_count(text, q)


def _rank_metric(text: str, q: Qty) -> str:
    after = text[q.end : q.end + 80]
    if _rx(r"top", re.I).match(text[q.start : q.end]):
        noun = _rx(r"\s+((?:[A-Za-z&\-]+\s+){0,3}?(?:[A-Za-z&\-]+(?:ies|s|powers|nations|countries|cities)))\b").match(after)
        if noun:
            return _tidy(f"top {noun.group(1)}")
    m = _rx(r"\s*(?:place\s+|position\s+)?(?:in|on|of)\s+(?:the\s+)?(?:world['’]s\s+|global\s+|international\s+)?((?:[\w&\-]+\s+){0,4}?(?:ranking|rankings|index|evaluation|assessment|competitiveness))", re.I).match(after)
    if m:
        return _tidy(m.group(1))
    before = text[max(0, q.start - 60) : q.start]
    if _rx(r"(?:순위|평가|지수|경쟁력)(?:에서|는|은|가|이)?\s?(?:세계\s?|글로벌\s?)?$").search(before):
        return _metric_ko(text, q.start) or "ranking"
    return "ranking"


# Extractor -------------------------------------------------------------------------------------


def _doc_horizons(sentences: pl.DataFrame, documents: pl.DataFrame | None,
                  year_hits: dict[tuple[str, int], list[years_mod.YearHit]] | None = None) -> dict[str, int]:
    """Per document, its most named plan horizon year (title and sentences).

    ``year_hits`` (:func:`_sentence_years`) saves finding the sentences' years again.
    """
    if year_hits is None:
        year_hits = _sentence_years(sentences)
    counts: dict[str, dict[int, int]] = {}
    hits: list[tuple[str, list[years_mod.YearHit]]] = []
    if documents is not None and "title" in documents.columns:
        hits += [(d, years_mod.find_years(t)) for d, t in documents.select("doc_id", "title").iter_rows() if t]
    hits += [(d, hs) for (d, _), hs in year_hits.items()]
    for d, hs in hits:
        for h in hs:
            if h.role == "horizon":
                c = counts.setdefault(d, {})
                c[h.year] = c.get(h.year, 0) + 1
    # As years.horizon_years: the most frequent, the earliest of a tie.
    return {d: min(c, key=lambda y: (-c[y], y)) for d, c in counts.items()}


def _sentence_years(sentences: pl.DataFrame) -> dict[tuple[str, int], list[years_mod.YearHit]]:
    """:func:`kpolicy.extract.years.find_years` of every sentence that may hold a year,
    by (doc_id, sentence_idx): found once, used for horizons, quantities and target years
    (and, for the same sentences table, by the years extractor)."""
    return years_mod.sentence_years(sentences, "targets")


def _doc_years(documents: pl.DataFrame | None) -> dict[str, int]:
    if documents is None or "published_date" not in documents.columns:
        return {}
    return {d: v.year for d, v in documents.select("doc_id", "published_date").iter_rows() if v is not None}


class _YearIndex:
    """A sentence's year hits by role, searchable by position.

    Hits are sorted and do not overlap (4-digit spans), so starts and ends are both
    sorted: bisection replaces a scan of every hit per target (quadratic on long lines).
    """

    TARGET = ("target", "deadline", "period_end")
    INSIDE = ("target", "deadline", "period_end", "start")
    BASE = ("past", "reference", "period_start")

    def __init__(self, hits: list[years_mod.YearHit]) -> None:
        self.hits = hits
        self.by_role = {}
        for roles in (self.TARGET, self.INSIDE, self.BASE):
            sel = [h for h in hits if h.role in roles]
            self.by_role[roles] = (sel, [h.start for h in sel], [h.end for h in sel])

    def first_from(self, roles: tuple[str, ...], lo: int, hi: int | None = None) -> years_mod.YearHit | None:
        """The first hit with a role in ``roles`` starting in [lo, hi)."""
        sel, starts, _ = self.by_role[roles]
        k = bisect.bisect_left(starts, lo)
        return sel[k] if k < len(sel) and (hi is None or sel[k].start < hi) else None

    def last_before(self, roles: tuple[str, ...], hi: int, lo: int | None = None, by_end: bool = False) -> years_mod.YearHit | None:
        """The last hit with a role in ``roles`` starting (ending, with ``by_end``) at
        ``hi`` or before, and starting at ``lo`` or after."""
        sel, starts, ends = self.by_role[roles]
        k = (bisect.bisect_right(ends, hi) if by_end else bisect.bisect_left(starts, hi)) - 1
        return sel[k] if k >= 0 and (lo is None or sel[k].start >= lo) else None


def _stated_year(text: str, f: Found, years: _YearIndex | None = None) -> tuple[int | None, int | None]:
    """(target year, baseline year) stated in the sentence for a target."""
    idx = years or _YearIndex(years_mod.find_years(text))
    after = idx.first_from(_YearIndex.TARGET, f.end)
    before = idx.last_before(_YearIndex.TARGET, f.start, by_end=True)
    ty = after.year if after else (before.year if before else None)
    if ty is None:
        inside = idx.last_before(_YearIndex.INSIDE, f.end, lo=f.start)
        ty = inside.year if inside else None
    by = None
    if f.baseline_pos is not None:
        mid = idx.first_from(_YearIndex.BASE, f.baseline_pos, f.end)
        by = mid.year if mid else None
    return ty, by


# A table laid out in lines: a header of years ("2018 2022 2040"), then rows of a label
# and one value per year ("수소충전소 14개소 310개소 1200개소"): the dated series of a plan
# in columns. The first column is the baseline; each later one a target for its year.
_TABLE_HEADER = re.compile(r"^\s*(?:(?:19|20)\d\d\s?(?:년|yr)?\s*){2,8}$")
_TABLE_LABEL = re.compile(r"^\s*(?P<label>\S(?:.*?\S)?)\s+(?=(?:연\s?|annual\s+)?\d)", re.I)
_TABLE_VALUE = re.compile(
    r"(?P<a>연\s?|annual\s+)?(?P<v>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<m>만|천|억|조)?\s?"
    r"(?P<u>%|％|개소|개사|[가-힣]|[A-Za-z]{1,4})?(?=\s|$)",
    re.I,
)


def _table_header(text: str) -> list[int] | None:
    """The years of a table's header line, when they rise."""
    if not _TABLE_HEADER.match(text):
        return None
    ys = [int(y) for y in _rx(r"(?:19|20)\d\d").findall(text)]
    return ys if all(a < b for a, b in zip(ys, ys[1:])) else None


def _table_row(text: str, cols: list[int], pub_year: int | None) -> list[Found] | None:
    """The targets of a table row under a header of years (None: not such a row)."""
    lab = _TABLE_LABEL.match(text)
    if lab is None or _rx(r"\d").search(lab.group("label")):
        return None
    vals, pos = [], lab.end()
    for m in _TABLE_VALUE.finditer(text, lab.end()):
        if text[pos : m.start()].strip():
            return None
        vals.append(m)
        pos = m.end()
    if text[pos:].strip() or len(vals) != len(cols):
        return None
    def value(m: re.Match[str]) -> float:
        return _num(m.group("v")) * {**_MULT, "조": 1e12}.get(m.group("m") or "", 1.0)
    unit_raw = vals[-1].group("u") or ""
    unit = _SERIES_UNITS.get(unit_raw.lower(), "count" if _rx("^[가-힣]+$").match(unit_raw) else ("other" if unit_raw else "count"))
    label = _tidy(lab.group("label"))
    out = []
    for year, m in zip(cols[1:], vals[1:]):
        if pub_year is not None and year <= pub_year:
            continue  # a column already past when the document was written
        out.append(Found(m.start(), m.end(), label, value(m), unit, value(vals[0]), vals[0].start(), "series", year, cols[0], tpos=m.start("v")))
    return out


# Years named relative to the document's date, with their offsets (a target is never
# set for a past year, so only this year and the next ones are read).
_RELATIVE_YEAR = re.compile(
    r"\b(?P<next>next\s+year|the\s+coming\s+year|the\s+following\s+year)(?:['’]s)?\b|\b(?P<this>this\s+year)(?:['’]s)?\b"
    r"|(?P<next_ko>내년|명년)(?:도)?|(?P<this_ko>올해|금년)(?:도)?",
    re.I,
)
# "from 300 this year to 500": this year dates the baseline written just before it.
_BASELINE_THIS_YEAR = re.compile(r"\s?(?:[A-Za-z-]+\s){0,2}?(?:this\s+year|in\s+the\s+current\s+year)\b|\s?(?:올해|금년)", re.I)
_RELATIVE_RIGHT_AFTER = re.compile(r"\s?(?:in\s+|for\s+|by\s+the\s+end\s+of\s+)?$", re.I)


def _relative_offset(m: re.Match[str]) -> int:
    return 1 if (m.group("next") or m.group("next_ko")) else 0


def _relative_year(text: str, f: Found, clauses: _Clauses) -> int | None:
    """Offset (0 this year, 1 next year) of the relative year that dates a target: one
    right after the target ("to 29.7 billion won next year"), else the last one in its
    clause before the target quantity that does not date the baseline ("올해 200개 기관에서
    내년에 800개 기관으로": 내년)."""
    left, right = clauses.bounds(f.start, f.end)
    tpos = f.tpos if f.tpos is not None else f.start
    hits = list(_RELATIVE_YEAR.finditer(text, left, right))
    if not hits:
        return None
    for m in hits:
        if m.start() >= f.end and m.start() - f.end <= 20 and _RELATIVE_RIGHT_AFTER.match(text[f.end : m.start()]):
            return _relative_offset(m)
    base_end = None
    if f.baseline_pos is not None:
        bm = _FIRST_NUMBER.match(text, f.baseline_pos)
        base_end = bm.end() if bm else f.baseline_pos
    before = [m for m in hits if m.end() <= tpos and not (base_end is not None and 0 <= m.start() - base_end <= 3)]
    return _relative_offset(before[-1]) if before else None


def extract_targets(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``targets`` fact table (without ``source_*``).

    Args:
        sentences: the sentences table.
        documents: the documents table (optional): its titles supply strategy horizon
            years, its ``published_date`` the year of "current" baselines.

    Returns:
        One row per target, ordered by document and position.
    """
    cols = [c for c in TARGETS.columns if c.name not in ("source_start", "source_end")]
    empty = pl.DataFrame(schema={c.name: c.dtype for c in cols})
    if sentences.height == 0:
        return empty
    ordered = sentences.sort("doc_id", "sentence_idx")
    # Sentences that can hold a quantity: a digit, or a number word ("top three",
    # "three-fifths of", "ten times").
    has_digit = pl.col("text").str.contains(r"\d|(?i)\b(?:zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred)\b")
    cand = ordered.filter(has_digit)
    money = _money_by_sentence(cand, documents)
    # The sentences that may hold a year all hold a digit: the same keys as for ``cand``.
    year_hits = _sentence_years(sentences)
    horizons = _doc_horizons(ordered, documents, year_hits)
    pub_years = _doc_years(documents)
    # Lead-in of a bullet: the last non-bullet sentence before it ("The strategy includes").
    lead_in: dict[tuple[str, int], str] = {}
    last: dict[str, str] = {}
    bullet_col = "is_bullet" in ordered.columns
    for row in ordered.select("doc_id", "sentence_idx", "text", *(["is_bullet"] if bullet_col else [])).iter_rows():
        d, i, t = row[0], int(row[1]), row[2]
        is_b = bool(row[3]) if bullet_col else False
        if is_b:
            lead_in[(d, i)] = last.get(d, "")
        else:
            last[d] = t
    rows = []
    header: dict[str, tuple[int, list[int]]] = {}  # a table's header of years, by document
    for d, i, s0, text in cand.select("doc_id", "sentence_idx", "char_start", "text").iter_rows():
        key = (d, int(i))
        if (head_years := _table_header(text)) is not None:
            header[d] = (int(i), head_years)
            continue
        table_row = None
        if d in header and header[d][0] == int(i) - 1:
            table_row = _table_row(text, header[d][1], pub_years.get(d))
            if table_row is not None:
                header[d] = (int(i), header[d][1])
            else:
                del header[d]
        hits = year_hits.get(key, [])
        qs = [] if table_row is not None else find_quantities(text, None if money is None else money.get(key, []), hits)
        if table_row is None and not qs and not _rx("→|->|⇒|▶|➜|➡").search(text):
            continue
        years = _YearIndex(hits)
        clauses = _Clauses(text)
        has_year = any(h.role in ("target", "deadline", "period_end") for h in hits)
        found = table_row if table_row is not None else _find_in_sentence(text, qs, lead_in.get(key), has_year, clauses)
        for f in found:
            ty, by = _stated_year(text, f, years)
            if f.kind == "series":
                ty, by = f.target_year if f.target_year is not None else ty, f.base_year
            source = "stated" if ty is not None else "none"
            relative = None if ty is not None else _relative_year(text, f, clauses)
            if relative is not None:
                # "next year", 내년, "this year", 올해: the document's year plus the offset
                # (unknown without a dated document; a strategy horizon is not that year).
                ty = pub_years[d] + relative if d in pub_years else None
                source = "stated" if ty is not None else "none"
            elif ty is None and d in horizons:
                ty, source = horizons[d], "horizon"
            if by is None and f.baseline_pos is not None and (
                _CURRENT.search(text[max(0, f.baseline_pos - 25) : f.baseline_pos + 5])
                or _BASELINE_THIS_YEAR.match(text, _FIRST_NUMBER.match(text, f.baseline_pos).end() if _FIRST_NUMBER.match(text, f.baseline_pos) else f.baseline_pos)
            ):
                by = pub_years.get(d)
            window = text[f.start : min(len(text), f.end + 25)]
            rows.append(
                {
                    "doc_id": d,
                    "sentence_idx": i,
                    "char_start": s0 + f.start,
                    "char_end": s0 + f.end,
                    "surface": text[f.start : f.end],
                    "metric": f.metric or "other",
                    "metric_family": _family(f.metric or "", f.unit, f.kind),
                    "baseline": f.baseline,
                    "baseline_year": by,
                    "target": f.target,
                    "unit": f.unit if f.unit in UNITS else "other",
                    "target_year": ty,
                    "is_annual": bool(_ANNUAL.search(window) or clauses.cues(f.start, f.end).annual) and not _rx(r"\bannual\s+(?:sales|revenue|exports|budget|output)", re.I).search(text[max(0, f.start - 20) : f.end]),
                    "year_source": source,
                    "kind": _KIND_OF.get(f.kind) or _KIND_OF_UNIT.get(f.unit, "money"),
                    "bound": f.bound,
                    "region": None,
                    "actor": None,
                    "duplicate_of": None,
                }
            )
    if not rows:
        return empty
    rows.sort(key=lambda r: (r["doc_id"], r["char_start"]))
    _link(rows, sentences, documents)
    _mark_duplicates(rows)
    return pl.DataFrame(rows, schema={c.name: c.dtype for c in cols})


_KIND_OF = {"series": "series", "multiple": "multiple"}
_KIND_OF_UNIT = {"pct": "percent", "pp": "percent", "count": "count", "rank": "rank", "multiple": "multiple"}


def _mark_duplicates(rows: list[dict]) -> None:
    """A target stated again in its document (headline and body, summary and detail)
    points to its first mention: same unit, value, metric family, and target years
    that agree (equal, or one of them unknown)."""
    first: dict[tuple, list[dict]] = {}
    for r in rows:
        key = (r["doc_id"], r["unit"], r["target"], r["metric_family"], r["is_annual"])
        for earlier in first.get(key, []):
            if earlier["target_year"] is None or r["target_year"] is None or earlier["target_year"] == r["target_year"]:
                r["duplicate_of"] = earlier["char_start"]
                break
        else:
            first.setdefault(key, []).append(r)


@functools.lru_cache(maxsize=1)
def _region_matcher() -> gazetteer.Matcher:
    return gazetteer.Matcher(gazetteer.region_terms())


def _link(rows: list[dict], sentences: pl.DataFrame, documents: pl.DataFrame | None) -> None:
    """Each target's actor (named in its sentence, nearest before it) and region (named in
    the sentence, nearest before the target; else the actor's; else the document's only
    region)."""
    keys = {(r["doc_id"], r["sentence_idx"]) for r in rows}
    wanted = pl.DataFrame({"doc_id": [d for d, _ in keys], "sentence_idx": [i for _, i in keys]},
                          schema={"doc_id": pl.String, "sentence_idx": sentences.schema["sentence_idx"]})
    sub = sentences.join(wanted, on=["doc_id", "sentence_idx"], how="semi").sort("doc_id", "sentence_idx")
    texts = {(d, int(i)): (int(s0), t) for d, i, s0, t in sub.select("doc_id", "sentence_idx", "char_start", "text").iter_rows()}
    actors: dict[tuple[str, int], list[tuple[int, str, str | None]]] = {}
    try:
        from kpolicy.extract.actors import extract_actors

        found = extract_actors(sub, documents)
        for r in found.iter_rows(named=True):
            label = r.get("org") or r.get("name") or r.get("surface")
            reg = r.get("region")
            actors.setdefault((r["doc_id"], int(r["sentence_idx"])), []).append((int(r["char_start"]), label, None if reg is None else str(reg)))
    except Exception:  # noqa: BLE001 - the link is a convenience; targets stand without it
        actors = {}
    doc_region: dict[str, str] = {}
    if documents is not None and "regions" in documents.columns:
        for d, regs in documents.select("doc_id", "regions").iter_rows():
            if regs is not None and len(regs) == 1:
                doc_region[d] = regs[0]
    matcher = _region_matcher()
    hits_cache: dict[tuple[str, int], list] = {}
    for r in rows:
        key = (r["doc_id"], int(r["sentence_idx"]))
        s0, text = texts.get(key, (0, ""))
        before = [a for a in actors.get(key, []) if a[0] <= r["char_start"]] or actors.get(key, [])
        actor = before[-1] if before else None
        if key not in hits_cache:
            hits_cache[key] = [h for h in matcher.find(text) if h.term.entry.name in schema.REGION_NAMES]
        hits = hits_cache[key]
        near = [h for h in hits if s0 + h.start <= r["char_start"]] or hits
        region = near[-1].term.entry.name if near else (actor[2] if actor and actor[2] else doc_region.get(r["doc_id"]))
        r["actor"] = actor[1] if actor else None
        r["region"] = region


_FIRST_NUMBER = re.compile(rf"(?:{_NUM})(?:\s?(?:thousand|million|만|천|명|개))?")


def _first_digit_end(text: str, start: int) -> int:
    m = _FIRST_NUMBER.search(text, start)
    return m.end() if m else start
