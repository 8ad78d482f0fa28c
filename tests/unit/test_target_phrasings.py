"""Targets as a grammar of goals: goal cue + quantity + metric + deadline (or annual) + bound.

Every case is written for this file. Each positive line holds exactly one goal, checked as
(target, unit, target_year, bound, kind, is_annual); some also check the baseline. The
negatives are the exclusions: commitments to spend, forecasts, achieved results and
statistics.
"""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy.extract import targets

from helpers import sentences

COLS = ("target", "unit", "target_year", "bound", "kind", "is_annual")


def goals(line: str) -> list[tuple]:
    out = targets.extract_targets(sentences([line]))
    return [tuple(r[c] for c in COLS) for r in out.iter_rows(named=True)]


def G(value, unit="count", year=None, bound="exact", kind=None, annual=False):  # noqa: N802 - reads as a row
    kind = kind or {"pct": "percent", "pp": "percent", "count": "count", "rank": "rank", "multiple": "multiple"}.get(unit, "money")
    return (float(value), unit, year, bound, kind, annual)


COUNTS_EN = [
    ("The province will train 3,000 data engineers by 2028.", G(3000, year=2028)),
    ("Daegu plans to create at least 250-thousand jobs by 2031.", G(250000, year=2031, bound="at_least")),
    ("The ministry will nurture five hundred AI startups by 2029.", G(500, year=2029)),
    ("The city aims to foster twenty-five unicorn companies by 2030.", G(25, year=2030)),
    ("Ulsan will build three hydrogen hubs by 2027.", G(3, year=2027)),
    ("The plan is to open twelve regional AI centres by 2026.", G(12, year=2026)),
    ("The agency intends to attract more than 400 foreign firms by 2030.", G(400, year=2030, bound="at_least")),
    ("The government will hire at least 1,200 cyber security specialists by 2025.", G(1200, year=2025, bound="at_least")),
    ("Sejong plans to install 800 smart benches by 2026.", G(800, year=2026)),
    ("The scheme will educate 6,500 senior citizens in digital skills by 2027.", G(6500, year=2027)),
    ("The strategy calls for developing 40 new robot models by 2028.", G(40, year=2028)),
    ("The programme will upskill workers, with 12,000 trained by 2029.", G(12000, year=2029)),
    ("Chungbuk aims to secure up to 300 battery researchers by 2030.", G(300, year=2030, bound="at_most")),
    ("The city will launch 60 public AI services by 2026.", G(60, year=2026)),
    ("Jeonnam intends to recruit ten thousand young farmers by 2032.", G(10000, year=2032)),
]

COUNTS_KO = [
    ("시는 2030년까지 AI 인재 5천 명을 양성한다.", G(5000, year=2030)),
    ("도는 2027년까지 데이터 전문가 1만 2,000명을 육성할 계획이다.", G(12000, year=2027)),
    ("2028년까지 스마트공장 3,000개를 구축한다.", G(3000, year=2028)),
    ("정부는 2026년까지 AI 반도체 기업 50개사를 키운다는 목표다.", G(50, year=2026)),
    ("도는 2029년까지 로봇 솔루션 기업 80개 사를 발굴한다.", G(80, year=2029)),
    ("시는 2027년까지 공공 와이파이 거점 120곳을 설치할 계획이다.", G(120, year=2027)),
    ("2030년까지 규제 특례 40건을 발굴하겠다고 밝혔다.", G(40, year=2030)),
    ("공공 학습용 데이터를 2026년까지 90종을 구축할 계획이다.", G(90, year=2026)),
    ("정부는 2027년까지 GPU 2만 장을 확보할 계획이다.", G(20000, year=2027)),
    ("시는 2028년까지 자율주행 셔틀 25대를 보급한다.", G(25, year=2028)),
    ("도는 2026년까지 디지털 배움터 강사 400명을 배치할 계획이다.", G(400, year=2026)),
    ("2030년까지 스타트업 1,500개를 창업 단계부터 육성한다는 계획이다.", G(1500, year=2030)),
    ("정부는 2029년까지 AI 융합 대학원 생 3천 명을 배출할 계획이다.", G(3000, year=2029)),
    ("2027년까지 중소기업 2,500개에 AI 솔루션을 보급할 방침이다.", G(2500, year=2027)),
    ("정부는 2028년까지 양자 전문인력 1,000명을 양성하겠다고 밝혔다.", G(1000, year=2028)),
    ("시는 2030년까지 첨단 제조 기업 200개 사를 유치한다.", G(200, year=2030)),
    # building and opening verbs (짓다, 건립, 건설, 신설, 개소)
    ("울산시는 2028년까지 수소 충전소 30곳을 짓는 데 450억 원을 투입한다.", G(30, year=2028)),
    ("시는 2027년까지 공공 체육관 5개를 건립한다.", G(5, year=2027)),
    ("도는 2029년까지 AI 교육센터 12곳을 신설할 계획이다.", G(12, year=2029)),
    ("정부는 2026년까지 거점 병원 4곳을 건설한다.", G(4, year=2026)),
    ("시는 2030년까지 스마트 도서관 20곳을 개소한다.", G(20, year=2030)),
]

BOUNDS_KO = [
    ("2030년까지 5천개 이상 중소기업에 클라우드를 보급한다.", G(5000, year=2030, bound="at_least")),
    ("정부는 2027년까지 GPU 3만 2,000장 이상을 확보할 계획이다.", G(32000, year=2027, bound="at_least")),
    ("시는 2028년까지 청년 창업가 700명 이상을 육성한다.", G(700, year=2028, bound="at_least")),
    ("도는 탄소 배출량 비중을 2030년까지 20% 이하로 낮출 계획이다.", G(20, "pct", 2030, "at_most")),
    ("재생에너지 비중을 2030년까지 35%까지 확대한다.", G(35, "pct", 2030)),
    ("디지털 전환 기업 비율을 2028년까지 60%로 높인다는 목표다.", G(60, "pct", 2028)),
    ("도는 데이터센터 전력 효율 등급 달성률을 2027년까지 90%로 끌어올린다.", G(90, "pct", 2027)),
    ("2029년까지 공공 클라우드 전환율을 70% 이상으로 높일 방침이다.", G(70, "pct", 2029, "at_least")),
    ("시는 2026년까지 공공 와이파이 거점을 300곳까지 늘린다.", G(300, year=2026)),
    ("도는 2030년까지 AI 바우처 지원 기업을 1천개로 확대할 계획이다.", G(1000, year=2030)),
]

BOUNDS_EN = [
    ("The city aims to cut the share of coal power to no more than 15% by 2030.", G(15, "pct", 2030, "at_most")),
    ("The province will raise the share of electric buses to at least 50% by 2028.", G(50, "pct", 2028, "at_least")),
    ("Incheon plans to increase the proportion of smart logistics centres to 45% by 2029.", G(45, "pct", 2029)),
    ("The ministry will expand the digital literacy rate to over 90% by 2027.", G(90, "pct", 2027, "at_least")),
    ("The plan will grow the number of certified data firms to more than 2,000 by 2030.", G(2000, year=2030, bound="at_least")),
    ("The government aims to raise the cloud adoption rate of SMEs from 20% to 60% by 2030.", G(60, "pct", 2030)),
]

PERCENT = [
    ("The government aims for three-fifths of residents to use digital ID by 2028.", G(60, "pct", 2028)),
    ("Gyeonggi will power 100% of public data centres with renewable energy by 2030.", G(100, "pct", 2030)),
    ("The aim is for two-thirds of small shops to accept mobile payments by 2027.", G(66.6667, "pct", 2027)),
    ("The city plans to raise the recycling rate to 75% by 2029.", G(75, "pct", 2029)),
    ("디지털 정부 서비스 이용률을 2028년까지 80%로 높일 계획이다.", G(80, "pct", 2028)),
    ("Seoul will cut building emissions by 30% by 2030.", G(30, "pct", 2030)),
    ("The share of autonomous vessels will increase to 25% by 2032.", G(25, "pct", 2032)),
    ("R&D 투자 비중을 2030년까지 5%로 확대한다.", G(5, "pct", 2030)),
]

RANKS = [
    ("Korea aims to become one of the top three AI powerhouses by 2027.", G(3, "rank", 2027, "at_most")),
    ("The city wants to rank among the top 10 smart cities in the world by 2030.", G(10, "rank", 2030, "at_most")),
    ("The goal is to leap to 5th place in the global digital competitiveness ranking by 2028.", G(5, "rank", 2028)),
    ("정부는 2030년까지 AI 경쟁력 세계 3위 도약을 목표로 한다.", G(3, "rank", 2030)),
    ("도는 2027년까지 바이오 클러스터 세계 10위권 진입을 목표로 한다.", G(10, "rank", 2027, "at_most")),
    ("Busan aims to climb to 7th place in the global port ranking by 2029.", G(7, "rank", 2029)),
    ("The strategy's vision is to make Korea a top five nation in quantum technology by 2035.", G(5, "rank", 2035, "at_most")),
    ("시는 2030년 스마트시티 평가 세계 5위 달성을 목표로 한다.", G(5, "rank", 2030)),
]

MULTIPLES = [
    ("The city will expand the innovation hub to 10 times its current size by 2030.", G(10, "multiple", 2030)),
    ("The ministry plans to increase AI venture funding threefold by 2028.", G(3, "multiple", 2028)),
    ("The province aims to grow its bio exports five times by 2032.", G(5, "multiple", 2032)),
    ("도는 2030년까지 수소 생산량을 4배로 늘릴 계획이다.", G(4, "multiple", 2030)),
    ("시는 데이터 산업 규모를 2028년까지 3배 확대한다.", G(3, "multiple", 2028)),
    ("The plan will boost the cluster's output to twenty times the present level by 2035.", G(20, "multiple", 2035)),
    ("정부는 2027년까지 AI 활용 기업 수를 2배로 늘린다는 목표다.", G(2, "multiple", 2027)),
]

SERIES = [
    ("슈퍼컴퓨터 연산 능력: ’23년: 9.5PF → ‘26년: 95PF", (95.0, "other", 2026, "exact", "series", False), 9.5, 2023),
    ("공공 학습 데이터 20종 → ‘25년: 85종", (85.0, "count", 2025, "exact", "series", False), 20.0, None),
    ("AI 전문인력 ’22년: 3,000명 → ’27년: 10,000명", (10000.0, "count", 2027, "exact", "series", False), 3000.0, 2022),
    ("클라우드 전환율 ’23년 15% → ’28년 60%", (60.0, "pct", 2028, "exact", "series", False), 15.0, 2023),
    ("Cloud adoption: 2023: 18% → 2027: 55%", (55.0, "pct", 2027, "exact", "series", False), 18.0, 2023),
    ("Data centres 2024: 12 → 2030: 40", (40.0, "other", 2030, "exact", "series", False), 12.0, 2024),
    ("스마트 물류센터 8곳 → ‘28년: 30곳", (30.0, "count", 2028, "exact", "series", False), 8.0, None),
    ("수출액 ’23년: 2조 원 → ’30년: 10조 원", (10e12, "krw", 2030, "exact", "series", False), 2e12, 2023),
]

MONEY = [
    ("Busan will attract $12 billion in foreign investment by 2030.", G(12e9, "usd", 2030)),
    ("The aim is to achieve sales of KRW 3 trillion in the robot industry by 2030.", G(3e12, "krw", 2030)),
    ("The cluster targets annual sales of 5 trillion won by 2029.", G(5e12, "krw", 2029)),
    ("The province plans to lure 2 trillion won in private investment by 2028.", G(2e12, "krw", 2028)),
    ("The city aims to raise AI exports to $4 billion by 2027.", G(4e9, "usd", 2027)),
    ("도는 2030년까지 바이오 산업 매출 10조 원 달성을 목표로 한다.", G(10e12, "krw", 2030)),
    ("시는 2028년까지 외국인 투자 3조 원을 유치할 계획이다.", G(3e12, "krw", 2028)),
    ("정부는 2030년까지 콘텐츠 수출액을 250억 달러로 늘릴 계획이다.", G(25e9, "usd", 2030)),
    ("The strategy aims to grow the regional data market to 1.2 trillion won by 2030.", G(1.2e12, "krw", 2030)),
    ("The city plans to attract more than $2 billion in overseas investment by 2029.", G(2e9, "usd", 2029, "at_least")),
]

ANNUAL = [
    ("The academy will train 2,000 AI developers every year.", G(2000, annual=True)),
    ("The province aims to produce 500 data analysts annually until 2030.", G(500, year=2030, annual=True)),
    ("The plan is to attract 300 foreign students per year.", G(300, annual=True)),
    ("도는 교육 수강생을 연간 3만 명으로 늘릴 계획이다.", G(30000, annual=True)),
    ("매년 AI 인재 1,000명을 양성한다.", G(1000, annual=True)),
    ("시는 연간 500개 스타트업을 육성할 계획이다.", G(500, annual=True)),
    ("The city will create 5,000 jobs a year through 2028.", G(5000, year=2028, annual=True)),
    ("정부는 2027년까지 해마다 창업기업 200개를 발굴한다.", G(200, year=2027, annual=True)),
]

POSITIVE = COUNTS_EN + COUNTS_KO + BOUNDS_KO + BOUNDS_EN + PERCENT + RANKS + MULTIPLES + MONEY + ANNUAL


@pytest.mark.parametrize("line, expected", POSITIVE, ids=[f"{i:03d}" for i in range(len(POSITIVE))])
def test_goal_forms(line, expected):
    got = goals(line)
    assert len(got) == 1, got
    value, *rest = got[0]
    assert value == pytest.approx(expected[0], rel=1e-4)
    assert tuple(rest) == expected[1:]


@pytest.mark.parametrize("line, expected, baseline, baseline_year", SERIES)
def test_series_with_years(line, expected, baseline, baseline_year):
    out = targets.extract_targets(sentences([line]))
    assert out.height == 1, out
    r = out.row(0, named=True)
    assert (r["target"], r["unit"], r["target_year"], r["bound"], r["kind"], r["is_annual"]) == expected
    assert (r["baseline"], r["baseline_year"]) == (baseline, baseline_year)


COMMITMENTS = [
    "The city will invest 5.5 trillion won in AI infrastructure by 2030.",
    "정부는 2028년까지 5조 원을 투자한다.",
    "The ministry plans to spend 800 billion won on the data dam project.",
    "A total of 1.2 trillion won will be injected into the cluster by 2027.",
    "도는 2030년까지 국비 3천억 원을 투입할 계획이다.",
    "The province will allocate 45 billion won to smart farms next year.",
    "시는 2027년까지 총 2조 원을 투자해 AI 단지를 조성한다.",
    "The government will invest KRW 700 billion in quantum research by 2032.",
]
FORECASTS = [
    "The global AI market is expected to reach $400 billion by 2030.",
    "AI 반도체 시장은 2030년 120조 원 규모로 성장할 전망이다.",
    "Robot sales are projected to rise to 8 trillion won in 2028.",
    "The number of data jobs is expected to increase to 50,000 by 2027.",
    "업계는 2029년 수출이 300억 달러에 이를 것으로 예상했다.",
    "The smart farm market is forecast to grow to 20 trillion won by 2030.",
    "Analysts estimate that 30% of firms will use generative AI by 2026.",
    "The research firm predicts the market will hit $90 billion in 2028.",
]
ACHIEVED = [
    "시는 지난해 체육관 3곳을 건립했다.",
    "The city has achieved its goal of 1,000 AI companies.",
    "시는 AI 기업 500개 유치 목표를 달성했다.",
    "The province has already reached 80% smart factory adoption.",
    "The programme has trained 4,000 data specialists since 2020.",
    "도는 올해 수출 100억 달러를 돌파했다.",
    "The goal of 300 startups was achieved last year.",
    "매출 1조 원을 기록했다.",
    "The cluster has attracted 2 trillion won in investment so far.",
]
STATISTICS = [
    "Seoul ranked 40th in the global smart city index last year.",
    "Korea was among the top 40 in the innovation ranking published in May.",
    "Last year's exports amounted to $60 billion.",
    "지난해 수출액은 600억 달러였다.",
    "The survey found that 35% of firms use cloud services.",
    "About 1,500 people attended the AI expo.",
    "The city has 320 data companies, according to the statistics office.",
    "The number of AI startups rose from 200 in 2019 to 450 in 2023.",
    "현재 AI 기업은 300개로 집계됐다.",
    "Korea placed 3rd in the 2023 OECD digital government index.",
]
NEGATIVE = COMMITMENTS + FORECASTS + ACHIEVED + STATISTICS


@pytest.mark.parametrize("line", NEGATIVE, ids=[f"n{i:03d}" for i in range(len(NEGATIVE))])
def test_not_goals(line):
    assert goals(line) == []


def test_metric_never_ends_on_a_function_word():
    out = targets.extract_targets(sentences(["The city aims to achieve sales of KRW 2 trillion in the AI semiconductor industry by 2030."]))
    assert out["metric"].to_list() == ["sales in the AI semiconductor industry"]


def test_headline_and_body_repeats_point_to_the_first_mention():
    s = sentences([
        "Gangwon to train 5,000 AI talents by 2030",
        "The province will train 5,000 AI talents by 2030, the governor said.",
        "It will also open 12 AI labs by 2028.",
    ])
    out = targets.extract_targets(s)
    assert out.select("target", "duplicate_of").rows() == [(5000.0, None), (5000.0, out["char_start"][0]), (12.0, None)]


def test_region_and_actor_are_linked():
    s = sentences(["Gwangju Metropolitan City will foster 300 AI companies by 2028."])
    r = targets.extract_targets(s).row(0, named=True)
    assert r["region"] == "Gwangju"
    docs = pl.DataFrame({"doc_id": ["d"], "regions": [["Busan"]]})
    r = targets.extract_targets(sentences(["시는 2028년까지 AI 기업 300개를 육성한다."]), docs).row(0, named=True)
    assert r["region"] == "Busan"


# Forms read since the devset review (each rule with its own sentences) ------------------------

MORE_FORMS = [
    # hyphenated ranks
    ("The ministry aims to make Korea a top-five nation in robotics by 2032.", G(5, "rank", 2032, "at_most")),
    # a conversion in parentheses: the words after it (bound, verb) belong to the first amount
    ("위원회는 매년 50억 달러(약 6조 원) 이상의 민간 투자를 유치할 방침이다.", G(5e9, "usd", None, "at_least", annual=True)),
    ("The province aims to attract $3 billion (about 4 trillion won) in foreign investment by 2030.", G(3e9, "usd", 2030)),
    # a level of nought
    ("The city will cut net greenhouse gas emissions to zero by 2045.", G(0, year=2045)),
    # a facility's equipment as the counted goal
    ("The plan includes building a cloud centre equipped with 20,000 servers by 2028.", G(20000, year=2028)),
    # 여 (some, about) between a Korean count and its counter
    ("시는 2030년까지 AI 스타트업 300여개를 육성한다.", G(300, year=2030)),
    # no noun before the count: the clause's topic labels it
    ("연구 과제는 내년에 2,500개를 새로 지원한다.", G(2500)),
    # no noun and no topic, but a plainly stated plan: the counter labels it
    ("올해 확보한 물량에 더해 총 5만 장을 확보한다는 계획이다.", G(50000)),
    # an outline guard does not apply to thousands of projects
    ("정부는 2027년까지 신규 과제 4,000개를 지원할 계획이다.", G(4000, year=2027)),
]


@pytest.mark.parametrize("line, expected", MORE_FORMS, ids=[f"m{i:03d}" for i in range(len(MORE_FORMS))])
def test_more_goal_forms(line, expected):
    got = goals(line)
    assert len(got) == 1, got
    value, *rest = got[0]
    assert value == pytest.approx(expected[0], rel=1e-4)
    assert tuple(rest) == expected[1:]


MORE_NEGATIVE = [
    # budget changes: money from this year's to next year's, percentage growth of a budget
    "The defence R&D budget will rise from 12 billion won this year to 18 billion won next year.",
    "내년 정보보호 예산은 올해 300억원에서 450억원으로 늘어난다.",
    "The space research budget will increase by 25% next year.",
    "우주개발 사업은 5000억원으로 12.5% 늘어난다.",
    # winners of a selection
    "시는 내년 20개 기업을 선정해 실증을 지원한다.",
    "The agency will select 30 startups for the accelerator programme by 2026.",
    # investment already attracted
    "도는 올해 2조 원 규모의 외국인 투자를 유치했다고 밝혔다.",
    "시는 상반기에 1조 원의 투자 유치에 성공했다.",
    # a count that is the subject (the actors), not the goal
    "3개 통신사가 망 고도화를 위해 2030년까지 20조 원을 투자한다.",
]


def test_a_noun_after_the_first_count_makes_a_change_only_when_the_target_repeats_it():
    # "3개 거점에서 1,000명": three sites, a thousand people: no change from 3 to 1,000
    out = targets.extract_targets(sentences(["시는 2030년까지 3개 거점에서 1,000명을 양성한다."]))
    assert out.select("target", "baseline", "target_year").rows() == [(1000.0, None, 2030)]
    out = targets.extract_targets(sentences(["시는 2030년까지 협력 기관을 50개 기관에서 120개 기관으로 늘린다."]))
    assert out.select("target", "baseline", "target_year").rows() == [(120.0, 50.0, 2030)]


@pytest.mark.parametrize("line", MORE_NEGATIVE, ids=[f"mn{i:03d}" for i in range(len(MORE_NEGATIVE))])
def test_more_not_goals(line):
    assert goals(line) == []


def _dated(date):
    import datetime as dt

    return pl.DataFrame({"doc_id": ["d"], "published_date": [dt.date.fromisoformat(date)]})


REL_COLS = ("target", "target_year", "baseline", "baseline_year", "year_source")


@pytest.mark.parametrize("line, date, expected", [
    ("This year's budget will go to training 800 data engineers.", "2022-01-24", (800.0, 2022, None, None, "stated")),
    ("AI 바우처 지원 기업을 올해 150개 기업에서 내년에 400개 기업으로 늘린다.", "2023-10-01", (400.0, 2024, 150.0, 2023, "stated")),
    ("The city plans to expand free Wi-Fi zones from 300 this year to 500 next year.", "2021-05-03", (500.0, 2022, 300.0, 2021, "stated")),
    ("디지털 배움터를 올해 40곳에서 내년 75곳으로 확대한다.", "2025-09-01", (75.0, 2026, 40.0, 2025, "stated")),
    # a stated year wins over a relative one
    ("This year the ministry set out to train 900 AI engineers by 2027.", "2024-03-01", (900.0, 2027, None, None, "stated")),
])
def test_relative_years_resolve_against_the_document_date(line, date, expected):
    out = targets.extract_targets(sentences([line]), _dated(date))
    assert out.height == 1, out
    r = out.row(0, named=True)
    assert tuple(r[c] for c in REL_COLS) == expected


def test_relative_year_without_a_date_is_unknown_not_the_horizon():
    s = sentences(["Digital Strategy 2030 sets the course.", "디지털 배움터를 올해 40곳에서 내년 75곳으로 확대한다."])
    out = targets.extract_targets(s)
    assert out.select("target", "target_year", "year_source").rows() == [(75.0, None, "none")]


def test_table_of_years_is_a_dated_series():
    s = sentences(["수소 로드맵 주요 목표", "2020 2025 2030", "전기버스 500대 3,000대 1만대", "수소 생산량 연 2만t 연 10만t 연 30만t"])
    out = targets.extract_targets(s)
    assert out.select("target", "unit", "target_year", "baseline", "baseline_year", "kind", "is_annual").rows() == [
        (3000.0, "count", 2025, 500.0, 2020, "series", False),
        (10000.0, "count", 2030, 500.0, 2020, "series", False),
        (20000.0 * 5, "other", 2025, 20000.0, 2020, "series", True),
        (300000.0, "other", 2030, 20000.0, 2020, "series", True),
    ]
    # columns already past when the document was written are not targets
    out = targets.extract_targets(s, _dated("2026-02-01"))
    assert out.select("target", "target_year").rows() == [(10000.0, 2030), (300000.0, 2030)]
    # a row whose values do not fill the header's columns is not read as one
    assert targets.extract_targets(sentences(["2020 2025 2030", "전기버스 500대 3,000대"])).height == 0
