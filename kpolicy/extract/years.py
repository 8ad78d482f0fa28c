"""Years: calendar years and plan horizons mentioned in sentences, each with its role.

Roles (``year_role``):

- ``horizon``: the year that names a plan ("Strategy 2030", "Vision 2030", "2030 plan",
  "2030 비전", "비전 2030");
- ``target``: a goal's year ("by 2030", "2030년까지", "target for 2030", or "in 2025" in a
  sentence about the future);
- ``deadline``: a hard end ("by the end of 2025", "no later than 2026", "until 2027",
  "2025년 말까지", "2025년 내");
- ``start``: when something begins ("from 2025", "starting in 2025", "2025년부터", or
  "in 2025" with a launch verb in a future sentence);
- ``period_start`` / ``period_end``: the two ends of a span ("from 2024 to 2028",
  "2024-2028", "2024~2028년", "2024년부터 2028년까지", "between 2024 and 2028");
- ``announced``: the date of the announcement (a full date in a sentence that announces);
- ``past``: a year in the past ("last year", "in 2019 ... launched", "since 2019",
  "지난 2019년", "2016년에 ... 했다");
- ``reference``: any other year ("2023 budget", "as of 2022", "compared to 2020").

Not years: numbers outside 1950-2100, numbers with thousands separators, ordinals
("the 2030th"), amounts and counts ("2019 tasks", "2024 won", "2030명", "KRW 2025").

:func:`find_years` works on one string and is reused by :mod:`kpolicy.extract.targets`.
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass

import polars as pl

from kpolicy import gazetteer, schema
from kpolicy.schema import Column

YEAR_ROLES: tuple[str, ...] = (
    "horizon", "target", "deadline", "start", "period_start", "period_end", "announced", "past", "reference",
)
YearRole = pl.Enum(list(YEAR_ROLES))
MIN_YEAR, MAX_YEAR = 1950, 2100

YEARS = schema.register(
    schema.Table(
        "years",
        "One row per calendar year mentioned in a sentence, with its role (plan horizon, "
        "target, deadline, start, period ends, announcement date, past, reference).",
        (
            *schema.PROVENANCE,
            Column("year", pl.Int32, "The calendar year.", "year"),
            Column("year_role", YearRole, "What the year is to the sentence (see kpolicy.extract.years)."),
            Column("cue", pl.String, "The words that decided the role (e.g. 'by', '까지', 'Strategy'), or null."),
        ),
        key=("doc_id", "char_start", "char_end"),
        module=__name__,
    )
)

# A year: 4 digits, not inside a longer number or word, not with a thousands separator.
_YEAR = re.compile(r"(?<![\d,.\-–~/])(?<![A-Za-z])((?:19[5-9]|20\d)\d|2100)(?!\d|,\d)")
_KO_YEAR_SUFFIX = re.compile(r"^\s?년")
# What may follow a number that is a count or amount rather than a year.
_EN_UNIT_AFTER = re.compile(
    r"^(?:\s*(?:%|percent|per\s?cent|th\b|st\b|nd\b|rd\b|billion|million|trillion|thousand|won|KRW|"
    r"USD|dollars?|people|persons|tasks?|projects?|companies|firms|businesses|units|cases|items|"
    r"jobs|talents?|students|workers|experts|participants|households|sites|facilities|schools|"
    r"members|institutions|organizations|organisations|vehicles|robots|drones|beds|hectares?|ha\b|"
    r"km|m\b|kg|tons?|tonnes?|MW|GW|kW|sq|square|pieces|times|hours|minutes|days|seats|stores|"
    r"villages|local\s+governments|cities|startups|start-ups|smes|patents|papers|cases))",
    re.I,
)
_KO_UNIT_AFTER = re.compile(r"^\s?(?:명|개|억|만|조|원|건|곳|대|호|%|퍼센트|회|번째|차|위|가구|톤|㎡|평|개소|개사|종|편|석)")
_UNIT_BEFORE = re.compile(r"(?:KRW|USD|US\$|\$|₩|€|No\.|#|total\s+of|a\s+total\s+of|number\s+of|제)\s*$", re.I)

_PLAN_WORDS_EN = r"(?:strategy|strategies|vision|plan|plans|roadmap|road\s+map|agenda|blueprint|master\s?plan|initiative|program|programme|project|goals?|targets?|policy|declaration|framework|mission)"
_PLAN_WORDS_KO = r"(?:비전|전략|계획|로드맵|마스터플랜|플랜|프로젝트|청사진|과제|구상|선언)"
_HORIZON_AFTER_EN = re.compile(rf"^[\s\-]*{_PLAN_WORDS_EN}\b", re.I)
_HORIZON_BEFORE_EN = re.compile(rf"\b{_PLAN_WORDS_EN}[\s\-:]*$", re.I)
_HORIZON_AFTER_KO = re.compile(rf"^\s?(?:년\s?)?{_PLAN_WORDS_KO}")
_HORIZON_BEFORE_KO = re.compile(rf"{_PLAN_WORDS_KO}\s?$")

_EN_DEADLINE_BEFORE = re.compile(r"\b(?:by\s+the\s+end\s+of|no\s+later\s+than|until|till|through|by\s+end[\s-]|before\s+the\s+end\s+of|within)\s+(?:the\s+year\s+)?(?:(?:the\s+)?(?:first|second|latter|1st|2nd)\s+half\s+of\s+)?$", re.I)
_EN_TARGET_BEFORE = re.compile(r"\b(?:by|by\s+the\s+year|to\s+be\s+achieved\s+by|target(?:ed)?\s+(?:year\s+)?(?:for|of)?|goal\s+(?:for|of)|aim(?:ing)?\s+for|in\s+time\s+for)\s+(?:the\s+year\s+)?$", re.I)
_EN_START_BEFORE = re.compile(r"\b(?:from|starting(?:\s+(?:in|from))?|beginning(?:\s+(?:in|from))?|as\s+of\s+(?:next\s+year|)|commencing(?:\s+in)?|effective)\s+(?:the\s+year\s+)?$", re.I)
_EN_PAST_BEFORE = re.compile(r"\b(?:since|last\s+year|in\s+the\s+past|back\s+in|as\s+early\s+as|ago)\s+(?:the\s+(?:beginning|start|end)\s+of\s+)?$", re.I)
_EN_REFERENCE_BEFORE = re.compile(r"\b(?:as\s+of|compared\s+(?:with|to)|than\s+in|than|versus|vs\.?|from\s+the\s+previous|over)\s+(?:the\s+year\s+)?$", re.I)
_EN_SPAN = re.compile(
    r"(?:from\s+|between\s+)?(?P<a>(?:19[5-9]|20\d)\d)\s*(?:(?:to|through|until|and|-|–|~)\s*)(?P<b>(?:19[5-9]|20\d)\d|\d\d)(?![\d,])",
    re.I,
)
# What every _EN_SPAN match holds: its two years and what joins them.
_AND = re.compile(r"\band\b")
_EN_SPAN_CORE = re.compile(r"(?:19[5-9]|20\d)\d\s*(?:to|through|until|and|-|–|~)\s*\d\d", re.I)
_KO_SPAN = re.compile(
    r"(?P<a>(?:19[5-9]|20\d)\d)\s?(?:년\s?)?(?:부터|~|-|–|∼|〜)\s?(?:오는\s)?(?P<b>(?:19[5-9]|20\d)\d|\d\d)\s?(?:년)?(?:\s?까지)?"
)
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_FULL_DATE_BEFORE = re.compile(rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s*|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s*)$", re.I)
_FULL_DATE_AFTER = re.compile(r"^(?:\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,2}|\s?년\s?\d{1,2}\s?월\s?\d{1,2}\s?일)")
_ANNOUNCE = gazetteer.CaseFolded(r"\b(?:announc\w*|said|says|stated|revealed|unveiled|released|held|reported)\b|밝혔|발표|전했|말했|공개했", re.I)

_FUTURE = gazetteer.CaseFolded(
    r"\b(?:will|shall|plans?\s+to|planning\s+to|aims?\s+to|aiming\s+to|intends?\s+to|is\s+to|are\s+to|"
    r"to\s+be\s+(?:completed|built|launched|established|opened|held|introduced|created)|"
    r"scheduled|expected\s+to|set\s+to|going\s+to|target(?:s|ing)?|goal|vision)\b|"
    r"(?:할|될|갈|낼|킬|울)\s?(?:계획|예정|방침|목표)|예정이다|계획이다|방침이다|목표|추진한다|추진할|할\s?것|될\s?것|나선다|예정",
    re.I,
)
_PAST = gazetteer.CaseFolded(
    r"\b(?:last\s+year|was|were|had|did|launched|achieved|recorded|reached|exceeded|increased|decreased|"
    r"reduced|began|started|completed|selected|signed|opened|ranked|grew|rose|fell|amounted|"
    r"since|previous\s+year|ago)\b|했다|됐다|었다|였다|지난해|지난\s",
    re.I,
)
_START_VERB = gazetteer.CaseFolded(r"\b(?:launch\w*|begin\w*|start\w*|open\w*|introduc\w*|commenc\w*|pilot\w*|kick\w*\s+off)\b|착수|시작|개시|도입|착공|출범|시행|개소|오픈", re.I)


# Context cues are read from windows around a number: the role patterns read at most
# 60 characters before it and, bounded here, 300 after it (every cue is far shorter).
# Slicing ``text[:start]`` / ``text[end:]`` per number instead made long lines quadratic
# (each slice copies the rest of the line).
_BEFORE = 60
_AFTER = 300


def _before(text: str, pos: int) -> str:
    """The :data:`_BEFORE` characters before ``pos`` (all that :func:`_role` reads)."""
    return text[max(0, pos - _BEFORE) : pos]


def _after(text: str, pos: int) -> str:
    """Up to :data:`_AFTER` characters after ``pos``."""
    return text[pos : pos + _AFTER]


@dataclass(frozen=True)
class YearHit:
    """A year in a string: ``text[start:end]`` is the year's digits (code points)."""

    start: int
    end: int
    year: int
    role: str
    cue: str | None


def _is_year_number(text: str, m: re.Match[str]) -> bool:
    after = _after(text, m.end())
    before = text[max(0, m.start() - 20) : m.start()]
    if _KO_YEAR_SUFFIX.match(after):
        return True
    if _EN_UNIT_AFTER.match(after) or _KO_UNIT_AFTER.match(after):
        return False
    if _UNIT_BEFORE.search(before[-20:]):
        return False
    # "the 5770th" is excluded by range; "the 2019th" by the unit list; an ordinal
    # written "2019-th" or a version "v2024" by the character guards of _YEAR.
    return True


def _expand_short(a: int, b: str) -> int:
    """'2024-28' -> 2028."""
    if len(b) == 2:
        return a // 100 * 100 + int(b)
    return int(b)


def find_years(text: str, future_default: bool | None = None) -> list[YearHit]:
    """Years in one string with their roles.

    Args:
        text: a sentence (or title).
        future_default: whether the sentence speaks about the future when its own
            tense cues are silent (None: decide from the sentence alone).

    Returns:
        Year hits in order of position.
    """
    hits: dict[int, YearHit] = {}
    # Spans first: both ends get their period roles.
    # The English span pattern is tried at every position; it runs only where the two
    # years of a span stand (a pattern with a literal start, found far faster).
    for rx in (_KO_SPAN, _EN_SPAN) if _EN_SPAN_CORE.search(text) else (_KO_SPAN,):
        for m in rx.finditer(text):
            a = int(m.group("a"))
            try:
                b = _expand_short(a, m.group("b"))
            except ValueError:
                continue
            if not (MIN_YEAR <= a < b <= MAX_YEAR) or b - a > 50:
                continue
            if m.start("a") in hits:
                continue
            # A bare "2,000-3,000"-like count pair is excluded by _YEAR's guards below.
            ya = _YEAR.match(text, m.start("a"))
            if ya is None or not _is_year_number(text, ya):
                continue
            if rx is _EN_SPAN and not m.group(0).lower().startswith(("from", "between")) and _AND.search(m.group(0)):
                continue  # "in 2019 and 2020" lists two years, not a span
            hits[m.start("a")] = YearHit(m.start("a"), m.end("a"), a, "period_start", m.group(0).strip())
            if len(m.group("b")) == 4:
                hits[m.start("b")] = YearHit(m.start("b"), m.end("b"), b, "period_end", m.group(0).strip())
    whole = _Sentence(text, future_default)
    for m in _YEAR.finditer(text):
        if m.start() in hits or not _is_year_number(text, m):
            continue
        year = int(m.group(1))
        before, after = _before(text, m.start()), _after(text, m.end())
        role, cue = _role(whole, before, after)
        hits[m.start()] = YearHit(m.start(), m.end(), year, role, cue)
    return [hits[k] for k in sorted(hits)]


class _Sentence:
    """Whole-sentence cues, each searched once per sentence and only when a year's role
    asks for it: a search per year was quadratic on long lines full of years."""

    def __init__(self, text: str, future_default: bool | None = None) -> None:
        self.text = text
        self.future_default = future_default

    @functools.cached_property
    def future(self) -> bool:
        """The sentence speaks about the future: a future cue, else ``future_default``."""
        return _FUTURE.search(self.text) is not None or bool(self.future_default)

    @functools.cached_property
    def past(self) -> bool:
        return _PAST.search(self.text) is not None

    @functools.cached_property
    def announces(self) -> bool:
        return _ANNOUNCE.search(self.text) is not None

    @functools.cached_property
    def starts(self) -> bool:
        return _START_VERB.search(self.text) is not None


_KO_NYEON_END = re.compile(r"^\s?년\s?(?:까지|말|내|부터)")
_KO_UNTIL = re.compile(r"^\s?년\s?(?:말|연말|하반기|상반기)?\s?까지")
_KO_END_WORDS = re.compile(r"말|하반기|상반기")
_KO_WITHIN = re.compile(r"^\s?년\s?(?:말|내|안)(?:에|으로)?(?!\S*까지)")
_KO_FROM = re.compile(r"^\s?년\s?(?:부터|이후|이래)")
_KO_GOAL = re.compile(r"^\s?년\s?(?:목표|달성|완료|완공|준공)")
_KO_LAST_BEFORE = re.compile(r"(?:지난|작년|지난해)\s?$")


def _role(whole: _Sentence, before: str, after: str) -> tuple[str, str | None]:
    b60 = before[-60:]
    if m := _HORIZON_BEFORE_EN.search(b60):
        return "horizon", m.group(0).strip(" -:")
    if m := _HORIZON_AFTER_EN.match(after):
        return "horizon", m.group(0).strip(" -")
    if m := _HORIZON_AFTER_KO.match(after):
        if not _KO_NYEON_END.match(after):
            return "horizon", m.group(0).strip()
    if not b60.isascii() and (m := _HORIZON_BEFORE_KO.search(b60)):
        return "horizon", m.group(0).strip()
    # Korean postpositions after 년 (only when 년 follows: the patterns all open with it).
    if after[:1] == "년" or (after[1:2] == "년" and after[:1].isspace()):
        if m := _KO_UNTIL.match(after):
            return ("deadline" if _KO_END_WORDS.search(m.group(0)) else "target"), m.group(0).strip()
        if m := _KO_WITHIN.match(after):
            return "deadline", m.group(0).strip()
        if m := _KO_FROM.match(after):
            return ("past" if "이래" in m.group(0) else "start"), m.group(0).strip()
        if m := _KO_GOAL.match(after):
            return "target", m.group(0).strip()
    if ("지난" in b60 or "작년" in b60) and _KO_LAST_BEFORE.search(b60):
        return "past", "지난"
    if _FULL_DATE_BEFORE.search(before[-25:]) or _FULL_DATE_AFTER.match(after):
        return ("announced" if whole.announces else "reference"), "date"
    if m := _EN_DEADLINE_BEFORE.search(b60):
        return "deadline", m.group(0).strip()
    if m := _EN_TARGET_BEFORE.search(b60):
        return "target", m.group(0).strip()
    if m := _EN_PAST_BEFORE.search(b60):
        return "past", m.group(0).strip()
    if m := _EN_START_BEFORE.search(b60):
        return ("past" if whole.past and not whole.future else "start"), m.group(0).strip()
    if m := _EN_REFERENCE_BEFORE.search(b60):
        return "reference", m.group(0).strip()
    # "in 2025", "2025년에", "2025년" with only tense to go on.
    if whole.future:
        return ("start" if whole.starts else "target"), "future tense"
    if whole.past:
        return "past", "past tense"
    return "reference", None


def horizon_years(texts: list[str]) -> list[int]:
    """Plan horizon years named in ``texts`` (title first), most frequent first."""
    counts: dict[int, int] = {}
    for t in texts:
        for h in find_years(t):
            if h.role == "horizon":
                counts[h.year] = counts.get(h.year, 0) + 1
    return sorted(counts, key=lambda y: (-counts[y], y))


#: Sentences that may hold a year (a superset of those where _YEAR matches).
_MAY_HOLD_YEAR = r"(?:19[5-9]|20\d)\d|2100"

# The targets extractor reads every sentence's years too: the years one of the two
# found in a sentences table are reused by the other (the table held weakly, and asked
# again as the very same object). An extractor asked again for the same table finds
# them again (its own run stays a full run).
_shared_years: tuple[weakref.ref[pl.DataFrame], int, dict[tuple[str, int], list[YearHit]], str] | None = None


def sentence_years(sentences: pl.DataFrame, stage: str = "years") -> dict[tuple[str, int], list[YearHit]]:
    """:func:`find_years` of every sentence that may hold a year, by ``(doc_id, sentence_idx)``,
    in table order; what another ``stage`` found in this very table is reused (do not
    modify the result)."""
    global _shared_years
    if _shared_years is not None:
        ref, height, found, found_by = _shared_years
        if found_by != stage and ref() is sentences and height == sentences.height:
            return found
    found = {}
    if sentences.height:
        cand = sentences.filter(pl.col("text").str.contains(_MAY_HOLD_YEAR))
        found = {(d, int(i)): find_years(t) for d, i, t in cand.select("doc_id", "sentence_idx", "text").iter_rows()}
    _shared_years = (weakref.ref(sentences), sentences.height, found, stage)
    return found


def extract_years(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``years`` fact table (without ``source_*``).

    Args:
        sentences: the sentences table.
        documents: unused; accepted for the common extractor signature.

    Returns:
        One row per year mention, ordered by document and position.
    """
    rows = []
    if sentences.height:
        found = sentence_years(sentences, "years")
        cand = sentences.filter(pl.col("text").str.contains(_MAY_HOLD_YEAR)).select(
            "doc_id", "sentence_idx", "char_start", "text"
        )
        # (A table whose (doc_id, sentence_idx) repeats has its sentences read one by one.)
        unique = len(found) == cand.height
        for doc_id, idx, start, text in cand.iter_rows():
            for h in found[(doc_id, int(idx))] if unique else find_years(text):
                rows.append(
                    {
                        "doc_id": doc_id,
                        "sentence_idx": idx,
                        "char_start": start + h.start,
                        "char_end": start + h.end,
                        "surface": text[h.start : h.end],
                        "year": h.year,
                        "year_role": h.role,
                        "cue": h.cue,
                    }
                )
    cols = [c for c in YEARS.columns if c.name not in ("source_start", "source_end")]
    return pl.DataFrame(rows, schema={c.name: c.dtype for c in cols}).sort("doc_id", "char_start", maintain_order=True)
