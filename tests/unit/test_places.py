"""Region mentions, their roles, and what a document is about (kpolicy.extract.places)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpolicy import schema
from kpolicy.extract import places

from helpers import sentences


def corpus(docs: dict[str, list[str]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(sentences, titles) for several documents; each document's first line is its title."""
    s = pl.concat([sentences(lines, d) for d, lines in docs.items()])
    titles = pl.DataFrame({"doc_id": list(docs), "title": [lines[0] for lines in docs.values()]})
    return s, titles


def mentions(line: str) -> list[tuple[str, str, str]]:
    out = places.extract_regions(sentences([line]))
    return [(r["surface"], r["region"], r["mention_role"]) for r in out.iter_rows(named=True)]


# Mentions and roles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Suwon City announced a plan.", [("Suwon City", "Gyeonggi", "subject")]),
        ("The Daegu Metropolitan Government will open a hub.", [("Daegu Metropolitan Government", "Daegu", "subject")]),
        ("On the 3rd, Jeonnam Province unveiled its plan.", [("Jeonnam Province", "Jeonnam", "subject")]),
        ("Chungbuk Governor Kim said so.", [("Chungbuk", "Chungbuk", "subject")]),
        ("The Mayor of Ulsan attended.", [("Ulsan", "Ulsan", "subject")]),
        ("According to Sejong City, demand rose.", [("Sejong City", "Sejong", "subject")]),
        ("A hub comparable to Pangyo Techno Valley will be built.", [("Pangyo Techno Valley", "Gyeonggi", "comparison")]),
        ("It will be a valley like Pangyo and Magok.", [("Pangyo", "Gyeonggi", "comparison"), ("Magok", "Seoul", "comparison")]),
        ("Growth was faster than in Seoul.", [("Seoul", "Seoul", "comparison")]),
        ("판교테크노밸리처럼 키운다.", [("판교테크노밸리", "Gyeonggi", "comparison")]),
        ("서울보다 빠르다.", [("서울", "Seoul", "comparison")]),
        ("A center opened in Songdo.", [("Songdo", "Incheon", "location")]),
        ("Pilot sites are Busan, Daegu and Gwangju.",
         [("Busan", "Busan", "list"), ("Daegu", "Daegu", "list"), ("Gwangju", "Gwangju", "list")]),
        ("The Honam region grows.", [("Honam region", r, "macro") for r in ("Gwangju", "Jeonbuk", "Jeonnam")]),
        ("수원시는 5일 밝혔다.", [("수원시", "Gyeonggi", "subject")]),
        ("부산시장 박형준", [("부산시", "Busan", "subject")]),
        ("디지털 대전환과 부산물 재활용", []),
        ("비수도권 지역", []),
        ("The government will help.", [("The government", "National", "subject")]),
        ("과학기술정보통신부는 밝혔다.", [("과학기술정보통신부", "National", "subject")]),
    ],
)
def test_mentions_and_roles(line, expected):
    assert mentions(line) == expected


def test_weak_national_alias_makes_no_mention_rows():
    assert mentions("Korea will invest.") == []
    assert mentions("South Korea will invest.") == [("South Korea", "National", "subject")]


def test_macro_region_gives_one_row_per_member():
    out = places.extract_regions(sentences(["Yeongnam and the capital area"]))
    assert out["region"].cast(pl.String).to_list() == [
        "Busan", "Daegu", "Ulsan", "Gyeongbuk", "Gyeongnam", "Seoul", "Incheon", "Gyeonggi",
    ]
    assert out["macro_region"].to_list() == ["Yeongnam"] * 5 + ["Capital area"] * 3
    assert out["match_kind"].cast(pl.String).unique().to_list() == ["macro"]


def test_place_row_carries_place_and_kind():
    out = places.extract_regions(sentences(["Daedeok Innopolis and Jeonju"])).select(
        "surface", "region", "matched", "place", "place_kind", "alias"
    )
    assert out.rows() == [
        ("Daedeok Innopolis", "Daejeon", "Daedeok Innopolis", "Daedeok Innopolis", "complex", "Daedeok Innopolis"),
        ("Jeonju", "Jeonbuk", "Jeonju", "Jeonju", "city", "Jeonju"),
    ]


def test_qualified_place_claims_bare_aliases_in_its_document():
    s = sentences(["경기 광주시는 계획을 밝혔다.", "광주시는 2030년까지 마친다."])
    out = places.extract_regions(s)
    assert out.select("surface", "region", "place").rows() == [
        ("경기 광주시", "Gyeonggi", "Gwangju (Gyeonggi)"),
        ("광주시", "Gyeonggi", "Gwangju (Gyeonggi)"),
    ]
    # Without the qualifier, 광주시 is Gwangju Metropolitan City.
    assert places.extract_regions(sentences(["광주시는 밝혔다."]))["region"].cast(pl.String).to_list() == ["Gwangju"]


def test_offsets_round_trip_and_schema():
    lines = ["Busan Mayor Park said", "Centum City in 부산, like Pangyo"]
    s = sentences(lines)
    text = "\n".join(lines)
    out = places.extract_regions(s)
    assert out.height == 4
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
    full = out.with_columns(pl.col("char_start").alias("source_start"), pl.col("char_end").alias("source_end"))
    schema.conform(full, "regions")


def test_empty_input():
    empty = schema.get("sentences").empty()
    assert places.extract_regions(empty).height == 0
    assert places.about_regions(empty, None).height == 0


# About -----------------------------------------------------------------------------------

ABOUT_DOCS = {
    "national_pilots": [
        "Ministry selects three pilot cities for AI services",
        "The Ministry of Science and ICT announced on the 3rd that it selected Busan, Daegu and Gwangju as pilot cities.",
        "Busan will test AI traffic lights, Daegu will run AI care, and Gwangju will build a data hub.",
        "The ministry will expand the programme nationwide next year.",
    ],
    "municipal": [
        "Suwon to open AI center",
        "Suwon City announced on the 5th that it will open an AI center in Gwanggyo.",
        "Suwon Mayor Lee Jae-jun said the city would train 1,000 developers.",
        "Gyeonggi Province will also support the project.",
    ],
    "comparison": [
        "Changwon unveils digital valley plan",
        "Changwon City plans to build a digital valley comparable to Pangyo Techno Valley.",
        "The city said it would attract companies, like Seoul's Gangnam district did.",
    ],
    "joint": [
        "Busan and Ulsan join hands on hydrogen",
        "Busan Metropolitan City and Ulsan Metropolitan City signed an agreement on the 2nd.",
        "Busan Mayor Park Hyung-joon and Ulsan Mayor Kim Doo-gyeom attended the ceremony.",
        "Gyeongnam was invited as an observer.",
    ],
    "province_state": [
        "Jeonbuk State launches AI agriculture plan",
        "Jeonbuk State announced that it will invest in smart farms in Gimje and Iksan.",
    ],
    "anaphora": [
        "Smart city plan unveiled",
        "Gangwon-do has prepared a smart city plan for Chuncheon and Wonju.",
        "The province said it will spend the budget this year.",
        "The province plans to add Gangneung next year.",
    ],
    "ko_national": [
        "과기정통부, 지역 디지털 혁신 본격 추진",
        "과학기술정보통신부는 올해 부산, 대구, 광주, 대전 등에서 지역 디지털 혁신 사업을 추진한다고 밝혔다.",
        "과기정통부 관계자는 \"전국으로 확산하겠다\"고 말했다.",
    ],
    "ko_municipal": [
        "수원시, AI 센터 개소",
        "수원시는 광교에 AI 센터를 열었다고 5일 밝혔다.",
        "이재준 수원시장은 \"AI 인재를 키우겠다\"고 말했다.",
        "경기도도 사업을 지원한다.",
    ],
    "ko_province": [
        "경남도, 제조 AI 확산",
        "경상남도는 창원국가산단에 제조 AI를 보급한다고 밝혔다.",
        "박완수 경남도지사는 \"제조혁신을 이끌겠다\"고 말했다.",
    ],
    "ko_metro": [
        "인천시, 송도에 바이오 허브 조성",
        "인천시는 송도국제도시에 바이오 허브를 만든다고 밝혔다.",
        "판교처럼 기업을 모으겠다는 구상이다.",
    ],
    "nothing": ["A note on algorithms", "Machine learning models are trained on data."],
    "weak_national": [
        "Korea to invest in AI chips",
        "Korea will invest in AI chips over five years.",
        "Officials said the plan would help firms in Seoul and Pangyo.",
    ],
    "festival": ["Gyeonggi hosts Korea AI Film Festival", "The Korea AI International Film Festival opens at KINTEX."],
}

ABOUT_EXPECTED = {
    "national_pilots": (["National"], "national"),
    "municipal": (["Gyeonggi"], "municipal"),
    "comparison": (["Gyeongnam"], "municipal"),
    "joint": (["Busan", "Ulsan"], "metropolitan"),
    "province_state": (["Jeonbuk"], "provincial"),
    "anaphora": (["Gangwon"], "provincial"),
    "ko_national": (["National"], "national"),
    "ko_municipal": (["Gyeonggi"], "municipal"),
    "ko_province": (["Gyeongnam"], "provincial"),
    "ko_metro": (["Incheon"], "metropolitan"),
    "nothing": ([], None),
    "weak_national": (["National"], "national"),
    "festival": (["Gyeonggi"], "provincial"),
}


def test_about_regions():
    s, titles = corpus(ABOUT_DOCS)
    out = places.about_regions(s, titles)
    assert out.schema == pl.Schema({"doc_id": pl.String, "regions": pl.List(schema.Region), "level": schema.Level})
    got = {d: (regs, lvl) for d, regs, lvl in out.iter_rows()}
    assert got == ABOUT_EXPECTED
    assert out["doc_id"].to_list() == list(ABOUT_DOCS)


def test_about_regions_without_titles_uses_sentences():
    s, _ = corpus({"m": ABOUT_DOCS["municipal"]})
    assert places.about_regions(s, None).row(0) == ("m", ["Gyeonggi"], "municipal")


def test_is_about_follows_documents_regions():
    s, titles = corpus({"d": ABOUT_DOCS["national_pilots"]})
    inferred = places.extract_regions(s, titles)
    assert inferred.filter(pl.col("is_about"))["region"].cast(pl.String).unique().to_list() == ["National"]
    curated = titles.with_columns(pl.Series("regions", [["Busan"]], dtype=pl.List(schema.Region)))
    out = places.extract_regions(s, curated)
    assert out.filter(pl.col("is_about"))["region"].cast(pl.String).unique().to_list() == ["Busan"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Busan 부산시는 Pangyo, like 경기도 광주 and the Honam region .-'s")), max_size=80))
def test_never_crashes_and_offsets_hold(text):
    out = places.extract_regions(sentences([text]))
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
    places.about_regions(sentences([text]), None)


def test_regions_table_reuses_the_loaders_mentions():
    """The loader's about_regions and the regions table read the same sentences table:
    the mentions are found once, and the table is the same as from a fresh start."""
    s, titles = corpus(ABOUT_DOCS)
    docs = titles.join(places.about_regions(s, titles), on="doc_id", maintain_order="left")
    found = places._shared(s, "extract_regions")
    assert found is not None  # the loader's mentions, at hand for the regions table
    assert places._shared(s, "about_regions") is None  # a stage asked again finds them again
    assert places._shared(s.clone(), "extract_regions") is None  # another table: found again
    warm = places.extract_regions(s, docs)
    cold = places.extract_regions(s.clone(), docs)
    assert warm.equals(cold)


def test_document_verdicts_are_those_of_about_regions():
    s, titles = corpus(ABOUT_DOCS)
    expected = {d: (regs, lvl) for d, regs, lvl in places.about_regions(s, titles).iter_rows()}
    some = ["national_pilots", "municipal"]
    for table in (s, s.clone()):  # mentions reused, then found for those documents alone
        got = places.document_verdicts(table, titles, some)
        assert got == {d: expected[d] for d in some}
    assert places.document_verdicts(s, titles, []) == {}
