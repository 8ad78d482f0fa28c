"""KPI targets: forward-looking quantitative goals (kpolicy.extract.targets)."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpolicy import schema
from kpolicy.extract import targets

from helpers import sentences


COLS = ("metric", "metric_family", "baseline", "target", "unit", "target_year", "is_annual", "year_source")


def found(line: str) -> list[tuple]:
    out = targets.extract_targets(sentences([line]))
    return [tuple(r[c] for c in COLS) for r in out.iter_rows(named=True)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("The city aims to raise the share of renewable energy from 12% to 30% by 2030.",
         [("share of renewable energy", "share", 12.0, 30.0, "pct", 2030, False, "stated")]),
        ("Gwangju plans to attract 1,000 AI companies and create 5,000 jobs by 2025.",
         [("AI companies", "companies", None, 1000.0, "count", 2025, False, "stated"),
          ("jobs", "jobs", None, 5000.0, "count", 2025, False, "stated")]),
        ("The government will train 100,000 software talents by 2027.",
         [("software talents", "talent", None, 100000.0, "count", 2027, False, "stated")]),
        ("The city will foster 30 unicorn companies by 2030.",
         [("unicorn companies", "startups", None, 30.0, "count", 2030, False, "stated")]),
        ("The proportion of digital transactions will increase to 70% by 2026.",
         [("share of digital transactions", "share", None, 70.0, "pct", 2026, False, "stated")]),
        ("It will double the number of AI experts to 2,000 by 2028.",
         [("number of AI experts", "talent", None, 2000.0, "count", 2028, False, "stated")]),
        ("The plan targets 20,000 new jobs annually.",
         [("new jobs", "jobs", None, 20000.0, "count", None, True, "none")]),
        ("The province will cultivate 500 data experts every year until 2028.",
         [("data experts", "talent", None, 500.0, "count", 2028, True, "stated")]),
        ("It plans to raise the localization rate of AI semiconductors to 80% by 2030.",
         [("localization rate of AI semiconductors", "share", None, 80.0, "pct", 2030, False, "stated")]),
        ("The city will gradually expand the ratio of robot-based production lines from 10% to 45%.",
         [("share of robot-based production lines", "share", 10.0, 45.0, "pct", None, False, "none")]),
        ("The share of automated processes will be increased from 15% to 60%.",
         [("share of automated processes", "automation", 15.0, 60.0, "pct", None, False, "none")]),
        ("Daejeon aims to become one of the world's top 5 science cities.",
         [("top science cities", "ranking", None, 5.0, "rank", None, False, "none")]),
        ("The goal is to leap to 10th place in the global innovation index by 2027.",
         [("innovation index", "ranking", None, 10.0, "rank", 2027, False, "stated")]),
        ("Incheon will cut greenhouse gas emissions by 40% by 2035.",
         [("greenhouse gas emissions reduction", "share", None, 40.0, "pct", 2035, False, "stated")]),
        # Korean.
        ("2030년까지 AI 인재 1만 명을 양성한다.",
         [("AI 인재", "talent", None, 10000.0, "count", 2030, False, "stated")]),
        ("R&D 투자 비중을 20%에서 40%로 확대할 계획이다.",
         [("R&D 투자 비중", "rd_share", 20.0, 40.0, "pct", None, False, "none")]),
        ("스마트공장 보급률을 2027년까지 30%까지 끌어올릴 계획이다.",
         [("스마트공장 보급률", "automation", None, 30.0, "pct", 2027, False, "stated")]),
        ("창업기업 500개를 육성할 방침이다.",
         [("창업기업", "startups", None, 500.0, "count", None, False, "none")]),
        ("매년 디지털 인재 2000명을 양성하겠다고 밝혔다.",
         [("디지털 인재", "talent", None, 2000.0, "count", None, True, "none")]),
        ("도는 데이터 기업을 현재 300개에서 2027년 1000개로 늘린다는 계획이다.",
         [("데이터 기업", "companies", 300.0, 1000.0, "count", 2027, False, "stated")]),
        ("연간 500명의 AI 전문인력을 양성한다.",
         [("AI 전문인력", "talent", None, 500.0, "count", None, True, "none")]),
        ("2030년 디지털 산업 매출 20조 원 목표",
         [("디지털 산업 매출", "sales", None, 20e12, "krw", 2030, False, "stated")]),
        # A commitment to spend is not a goal (the money ledger has it): see test_target_phrasings.
        ("경기도는 2030년까지 5조 원을 투자해 AI 클러스터를 조성한다.", []),
        ("도는 세계 스마트시티 순위 10위 진입을 목표로 한다.",
         [("세계 스마트시티 순위", "ranking", None, 10.0, "rank", None, False, "none")]),
    ],
)
def test_targets(line, expected):
    assert found(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Last year, the share of smart factories was reduced from 35 percent to 20 percent.",
        "The province reduced unemployment from 5% to 3% last year.",
        "The number of start-ups increased from 200 in 2019 to 350 in 2022.",
        "Seoul ranked 8th in the global smart city index last year.",
        "Exports rose 10% to 50 trillion won last year.",
        "The global AI market is expected to grow to 190 trillion won by 2025, according to a market research firm.",
        "The region's output is forecast to reach 100 trillion won in 2030.",
        "Four projects were selected in the government public contest this year.",
        "The ministry will select 10 regions through a public contest this year.",
        "The ministry supported 78 projects for 99 local governments.",
        "About 40 experts attended the meeting.",
        "The budget for this year is 17 billion won.",
        "The city will invest 1.5 trillion won in start-ups.",
        "지난해 스타트업 투자액은 1조 원에서 1조5000억 원으로 늘었다.",
        "AI 반도체 시장은 2030년 100조 원 규모로 성장할 전망이다.",
        "공모에 선정된 사업 4개에 국비를 지원한다.",
        "시는 지난해 AI 기업 120개를 유치했다.",
        "올해 예산은 1200억 원이다.",
        "이번 사업에는 국비 50억 원이 투입된다.",
        "The event drew 3,000 visitors on March 5.",
    ],
)
def test_not_targets(line):
    assert found(line) == []


def test_money_targets_with_baseline():
    out = found("Sales will be raised from the current 11.8 trillion won to 20 trillion won.")
    assert out == [("sales", "sales", 11.8e12, 20e12, "krw", None, False, "none")]
    # "is expected to" with no goal cue is a forecast, and "invest 300 billion won" a
    # commitment to spend (the money ledger's): neither is a goal.
    assert found("The R&D budget exceeded 20 trillion won this year and is expected to increase to 24 trillion won by 2022.") == []
    assert found("The city plans to invest 300 billion won in data centres by 2026.") == []
    out = found("The R&D budget exceeded 20 trillion won this year and will increase to 24 trillion won by 2022.")
    assert out == [("R&D budget", "rd_investment", 20e12, 24e12, "krw", 2022, False, "stated")]
    out = found("The strategy sets a goal of 50 trillion won in sales by 2030.")
    assert out == [("sales", "sales", None, 50e12, "krw", 2030, False, "stated")]


def test_horizon_year_applies_to_targets_without_their_own_year():
    s = sentences([
        "Gumi Smart Industry Vision 2030 unveiled",
        "The vision includes",
        "nurturing 3,000 engineers",
        "raising the share of smart factories from 20% to 50%",
        "The city will also open 10 labs by 2027.",
    ], bullets={2, 3})
    out = targets.extract_targets(s)
    assert out.select("surface", "target", "target_year", pl.col("year_source").cast(pl.String)).rows() == [
        ("3,000 engineers", 3000.0, 2030, "horizon"),
        ("from 20% to 50%", 50.0, 2030, "horizon"),
        ("10 labs", 10.0, 2027, "stated"),
    ]


def test_horizon_from_documents_title_and_baseline_year_from_date():
    s = sentences(["Sales will rise from the current 5 trillion won to 9 trillion won."])
    docs = pl.DataFrame({"doc_id": ["d"], "title": ["Daegu Robot Plan 2035"], "published_date": [dt.date(2024, 5, 2)]})
    out = targets.extract_targets(s, docs).row(0, named=True)
    assert (out["target_year"], out["year_source"], out["baseline_year"]) == (2035, "horizon", 2024)


def test_offsets_round_trip_and_schema():
    lines = ["Busan will train 2,000 talents every year.", "비중을 10%에서 20%로 높인다."]
    out = targets.extract_targets(sentences(lines))
    text = "\n".join(lines)
    assert out.height == 2
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
    schema.conform(out.with_columns(source_start=pl.col("char_start"), source_end=pl.col("char_end")), "targets")


def test_empty_inputs():
    assert targets.extract_targets(schema.get("sentences").empty()).height == 0
    assert targets.extract_targets(sentences(["No numbers here."])).height == 0


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 ,.%명개조억원 from to by will raise 2030 trillion won talents")), max_size=80))
def test_never_crashes_and_offsets_hold(text):
    out = targets.extract_targets(sentences([text]))
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]


# Patterns rewritten for speed find what the originals found ----------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_START = r"(?<!\d)(?:(?<!\d,)\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
ORIGINALS = {
    "_PCT": re.compile(rf"(?P<n>{_NUM_START})\s?(?P<u>%p|%\s?포인트|퍼센트\s?포인트|percentage\s+points?|%|％|percent|per\s+cent|퍼센트|프로)(?![A-Za-z])", re.I),
    "_EN_COUNT": re.compile(rf"(?<![\d.,])(?P<n>{_NUM})(?:\s?(?P<m>thousand|million|billion))?(?=\s+[A-Za-z])", re.I),
    # with 여 ("7000여개", added with the goal grammar) as the rewritten pattern has it
    "_KO_COUNT": re.compile(rf"(?<![\d.,])(?P<n>{_NUM})\s?(?P<m>만|천|백|억)?\s?여?\s?(?P<c>명|개사|개소|개|곳|건|가구|대|종|편|팀)(?![가-힣])?"),
    "_CLAUSE_CUT": re.compile(
        r";|\.\s|,\s+(?:and|while|but|whereas)\s|(?<!\s)\s++but\s|(?<!\s)\s++and\s++(?=(?:it\s+|they\s+|the\s+\w+\s+)?"
        r"(?:will|is|are|was|were|has|have|had|plans?|aims?|intends?|also)\b)|(?:고|며|으며|지만),?\s",
        re.I,
    ),
}
_pattern_text = st.lists(
    st.sampled_from(
        list("0123456789,. %p명만억개위 aTtNnGg;\t\n고며으지만") + ["percent", "포인트", " thousand ", " people", "１２", "٣", "3rd place",
         "top 5", "No. 1 in", "number one city", "G7", "G5", " but ", " and will", ", and ", "으며 ", "지만, ", " AND THEY ARE",
         "1ſt", "세계 5위", "1,234,567", "12.5%", "20%p"]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=800, deadline=None)
@given(_pattern_text)
def test_rewritten_patterns_match_as_the_originals(text: str) -> None:
    for name, original in ORIGINALS.items():
        rewritten = getattr(targets, name)
        assert [(m.span(), m.groupdict()) for m in rewritten.finditer(text)] == [
            (m.span(), m.groupdict()) for m in original.finditer(text)
        ], name
    if targets._EN_RANK.search(text):
        assert targets._EN_RANK_GATE.search(text)


@pytest.mark.parametrize(
    "line",
    ["ranked 3rd place in the world", "the TOP 10 cities", "No. 1 in the world", "number one city", "a G5 nation", "1ſt place"],
)
def test_rank_gate_lets_ranks_through(line: str) -> None:
    assert targets._EN_RANK.search(line) and targets._EN_RANK_GATE.search(line)
