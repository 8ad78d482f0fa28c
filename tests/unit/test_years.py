"""Years and their roles (kpolicy.extract.years)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpolicy import schema
from kpolicy.extract import years


def roles(text: str) -> list[tuple[int, str]]:
    return [(h.year, h.role) for h in years.find_years(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The city will train 5,000 experts by 2030.", [(2030, "target")]),
        ("It announced the Digital Strategy 2030 today.", [(2030, "horizon")]),
        ("Vision 2035 sets the course.", [(2035, "horizon")]),
        ("The 2030 plan was adopted.", [(2030, "horizon")]),
        ("The programme runs from 2024 to 2028.", [(2024, "period_start"), (2028, "period_end")]),
        ("It covers 2024-2028.", [(2024, "period_start"), (2028, "period_end")]),
        ("between 2025 and 2027", [(2025, "period_start"), (2027, "period_end")]),
        ("The system will be completed by the end of 2026.", [(2026, "deadline")]),
        ("no later than 2027", [(2027, "deadline")]),
        ("The service will start in 2025.", [(2025, "start")]),
        ("The city plans to build a chatbot in 2025.", [(2025, "target")]),
        ("Starting in 2026, the fund opens.", [(2026, "start")]),
        ("The centre opened in 2019.", [(2019, "past")]),
        ("Since 2018, exports grew.", [(2018, "past")]),
        ("On March 3, 2023, the ministry announced the plan.", [(2023, "announced")]),
        ("Compared with 2020, sales doubled.", [(2020, "reference")]),
        ("The 2023 budget", [(2023, "reference")]),
        ("2030년까지 AI 인재 1만 명 양성", [(2030, "target")]),
        ("2024년부터 2028년까지 5년간 추진", [(2024, "period_start"), (2028, "period_end")]),
        ("2024~2028년 계획", [(2024, "period_start"), (2028, "period_end")]),
        ("2026년부터 시행한다", [(2026, "start")]),
        ("2025년 말까지 완료한다", [(2025, "deadline")]),
        ("지난 2019년 출범했다", [(2019, "past")]),
        ("부산 디지털 전략 2030을 발표했다", [(2030, "horizon")]),
        ("2030 비전 선포", [(2030, "horizon")]),
        # Not years.
        ("support a total of 2019 tasks", []),
        ("KRW 2030 billion", []),
        ("2,030 people", []),
        ("the 5770th day", []),
        ("2025명 참여", []),
        ("2024 won", []),
        ("version v2024", []),
    ],
)
def test_roles(text, expected):
    assert roles(text) == expected


def test_horizon_years_most_frequent_first():
    assert years.horizon_years(["Strategy 2030", "the 2030 plan", "Vision 2040", "by 2025"]) == [2030, 2040]


def test_extract_years_table():
    lines = ["The Strategy 2030 aims high.", "2030년까지 달성"]
    rows, pos = [], 0
    for i, line in enumerate(lines):
        rows.append({"doc_id": "d", "sentence_idx": i, "text": line, "char_start": pos, "char_end": pos + len(line), "is_bullet": False})
        pos += len(line) + 1
    s = pl.DataFrame(rows, schema_overrides={"sentence_idx": pl.UInt32})
    out = years.extract_years(s)
    assert out.select("surface", "year", pl.col("year_role").cast(pl.String), "char_start", "char_end").rows() == [
        ("2030", 2030, "horizon", 13, 17),
        ("2030", 2030, "target", 29, 33),
    ]
    schema.conform(out.with_columns(source_start=pl.col("char_start"), source_end=pl.col("char_end")), "years")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.-~년까지부터 by from to Strategy")), max_size=60))
def test_never_crashes_and_years_are_in_range(text):
    for h in years.find_years(text):
        assert years.MIN_YEAR <= h.year <= years.MAX_YEAR
        assert text[h.start : h.end] == str(h.year)
        assert h.role in years.YEAR_ROLES


def _table(lines: list[str], idx: list[int] | None = None) -> pl.DataFrame:
    rows, pos = [], 0
    for i, line in zip(idx or range(len(lines)), lines):
        rows.append({"doc_id": "d", "sentence_idx": i, "text": line, "char_start": pos, "char_end": pos + len(line), "is_bullet": False})
        pos += len(line) + 1
    return pl.DataFrame(rows, schema_overrides={"sentence_idx": pl.UInt32})


def test_sentence_years_are_found_once_per_table():
    s = _table(["The Strategy 2030 aims high.", "No year here.", "2030년까지 달성"])
    found = years.sentence_years(s, "targets")
    assert set(found) == {("d", 0), ("d", 2)}
    assert found[("d", 2)] == years.find_years("2030년까지 달성")
    assert years.sentence_years(s, "years") is found  # the years table reuses the targets' years
    again = years.sentence_years(s, "targets")  # a stage asked again finds them again
    assert again is not found and again == found
    other = s.clone()
    assert years.sentence_years(other, "years") is not again and years.sentence_years(other, "years") == found


def test_extract_years_reads_repeated_keys_one_by_one():
    # A malformed table whose (doc_id, sentence_idx) repeats still gets each sentence's years.
    s = _table(["by 2030", "since 2019"], idx=[0, 0])
    out = years.extract_years(s)
    assert out.select("year", pl.col("year_role").cast(pl.String)).rows() == [(2030, "target"), (2019, "past")]
