"""Property tests (hypothesis) for the money extractor.

Random text never crashes the extractor, every span satisfies
``text[char_start:char_end] == surface``, the vectorised and per-sentence paths agree, the
parser's shortcut agrees with the general grammar, and pathological long lines finish.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpolicy.extract import money
from kpolicy.extract.money import grammar
from kpolicy.extract.money import extract_amounts, extract_amounts_from_text

# Pieces that exercise the grammar: numbers, unit words, currencies, Hangul numerals and
# units, separators, counters, and the words around them.
PIECES = [
    "0", "1", "5", "12", "17", "100", "531", "1408", "2023", "5770", "12.8", "0.5", "1,000", "5,770",
    "17,000", "1,234,567", ".", ",", " ", " ", "  ", "-", "–", "~", "∼", "(", ")", "%", "$", "US$",
    "₩", "￦", "€", "£", "¥", "W", "KRW", "USD", "EUR", "won", "Won", "dollars", "yen", "yuan",
    "thousand", "million", "billion", "trillion", "bn", "tn", "m", "k", "b", "t", "to", "and",
    "between", "one", "two", "ten", "twenty", "hundred", "point", "four", "a", "an", "the", "on the",
    "th", "st", "nd", "increase of", "total", "budget", "invest", "national funds", "private",
    "억", "조", "만", "천", "백", "십", "원", "달러", "엔", "위안", "여", "명", "개", "장", "제", "년", "일",
    "월", "오", "삼", "이", "일", "구", "국비", "시비", "총", "증가", "규모", "예산", "투자", "을", "이다",
    "044-202-6333", "\n", "\t", "\u00a0", "\u3000", "▲", "• ",
]
token_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
any_text = st.text(max_size=200)


def _check_rows(text: str, rows: list[dict]) -> None:
    last_end = -1
    for r in rows:
        assert 0 <= r["char_start"] < r["char_end"] <= len(text)
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
        assert r["char_start"] >= last_end  # no overlaps, sorted
        last_end = r["char_end"]
        assert math.isfinite(r["value_native"]) and r["value_native"] > 0
        assert r["value_low_native"] <= r["value_high_native"] or "range_inverted" in r["flags"]
        assert set(r["flags"]) <= set(money.FLAGS)
        assert r["is_suspect"] == bool(r["flags"]) == (r["explanation"] is not None)
        assert (r["amount_krw"] is None) == (r["currency"] != "KRW")
        assert r["role"] in money.ROLES


@settings(max_examples=400, deadline=None)
@given(token_text)
def test_grammar_text_never_crashes_and_spans_hold(text: str) -> None:
    _check_rows(text, extract_amounts_from_text(text))


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_any_unicode_never_crashes_and_spans_hold(text: str) -> None:
    _check_rows(text, extract_amounts_from_text(text))


def _vectorised(texts: list[str]) -> pl.DataFrame:
    n = len(texts)
    return extract_amounts(
        pl.DataFrame(
            {
                "doc_id": [f"d{i:03d}" for i in range(n)],
                "sentence_idx": pl.Series([0] * n, dtype=pl.UInt32),
                "text": texts,
                "char_start": pl.Series([0] * n, dtype=pl.Int64),
            },
            schema={"doc_id": pl.String, "sentence_idx": pl.UInt32, "text": pl.String, "char_start": pl.Int64},
        )
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(token_text, any_text), min_size=1, max_size=8))
def test_vectorised_path_equals_per_sentence_path(texts: list[str]) -> None:
    got = _vectorised(texts)
    for i, text in enumerate(texts):
        want = extract_amounts_from_text(text)
        rows = got.filter(pl.col("doc_id") == f"d{i:03d}").drop("doc_id", "sentence_idx").to_dicts()
        assert rows == want, text


# --- the parser's shortcut and the general grammar agree --------------------------------

prefix = st.sampled_from(["", "$", "US$", "₩", "￦", "€", "£", "KRW", "KRW ", "USD ", "EUR "])
number = st.one_of(
    st.integers(min_value=0, max_value=10**9).map(str),
    st.integers(min_value=0, max_value=10**9).map(lambda n: f"{n:,}"),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str),
)
scale = st.sampled_from(["", " thousand", " million", " billion", "billion", " trillion", "-billion",
                         " Billion", "억", " 억", "조", " 조"])
suffix = st.sampled_from(["", " won", " Won", "-won", " KRW", " USD", "원", " 원", "달러", " 달러"])


@settings(max_examples=500, deadline=None)
@given(prefix, number, scale, suffix)
def test_shortcut_equals_general_grammar(pre: str, num: str, sc: str, suf: str) -> None:
    surface = pre + num + sc + suf
    fast = grammar._parse_simple(surface)
    if fast is not None:
        assert fast == grammar._parse(surface, False), surface


# --- values round-trip exactly ----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(99999), places=2, allow_nan=False),
    st.sampled_from([("million", 6), ("billion", 9), ("trillion", 12)]),
)
def test_english_value_round_trips(mantissa: Decimal, unit: tuple[str, int]) -> None:
    word, exp = unit
    text = f"The ministry set aside KRW {mantissa} {word} this year."
    (row,) = extract_amounts_from_text(text)
    assert row["surface"] == f"KRW {mantissa} {word}"
    assert row["amount_krw"] == float(mantissa.scaleb(exp))


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_korean_value_round_trips(jo: int, eok: int) -> None:
    text = f"정부는 {jo}조 {eok:,}억 원을 투입한다." if eok else f"정부는 {jo}조 원을 투입한다."
    (row,) = extract_amounts_from_text(text)
    assert row["amount_krw"] == float(jo * 10**12 + eok * 10**8)


# --- pathological lines finish (no catastrophic backtracking) ---------------------------

SANITY_SECONDS = 120  # generous: the point is that these finish at all


def test_one_megabyte_of_digits_and_commas() -> None:
    line = ",".join(["123"] * 270_000)[: 1 << 20]
    assert len(line) == 1 << 20
    t0 = time.perf_counter()
    assert extract_amounts_from_text(line) == []
    assert _vectorised([line]).height == 0
    assert time.perf_counter() - t0 < SANITY_SECONDS


def test_one_megabyte_of_digits() -> None:
    line = "7" * (1 << 20)
    t0 = time.perf_counter()
    assert extract_amounts_from_text(line + " won") == []  # too long to be a number
    assert _vectorised([line + "억 원"]).height == 0
    assert time.perf_counter() - t0 < SANITY_SECONDS


def test_long_line_of_amounts_and_near_misses() -> None:
    line = "KRW 1.5 billion, 3억~7억 원, one two three four five six seven billion, 1,234,567,890,123 " * 2000
    t0 = time.perf_counter()
    rows = extract_amounts_from_text(line)
    assert [r["surface"] for r in rows[:2]] == ["KRW 1.5 billion", "3억~7억 원"]
    assert len(rows) == 4000
    assert _vectorised([line]).height == 4000
    assert time.perf_counter() - t0 < SANITY_SECONDS
