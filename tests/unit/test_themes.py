"""Dictionary coding against the themes codebook (kpolicy.extract.themes)."""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy import schema
from kpolicy.extract import themes

from helpers import sentences


def coded(line: str) -> list[tuple[str, str, str]]:
    out = themes.extract_themes(sentences([line]))
    return [(r["surface"], r["theme_major"], r["theme_minor"]) for r in out.iter_rows(named=True)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("AI", [("AI", "ai", "ai_general")]),
        ("Send MAIL, he said; the Thai gain.", []),
        ("generative AI and AI semiconductors", [("generative AI", "ai", "generative_ai"),
                                               ("AI semiconductors", "semiconductors", "ai_semiconductors"),
                                               ("AI semiconductors", "ai", "ai_general")]),
        # An AI semiconductor is both an AI and a semiconductor topic; a system one is not AI.
        ("AI 반도체", [("AI 반도체", "semiconductors", "ai_semiconductors"), ("AI 반도체", "ai", "ai_general")]),
        ("시스템 반도체", [("시스템 반도체", "semiconductors", "ai_semiconductors")]),
        ("Smart Factories", [("Smart Factories", "manufacturing", "smart_factory")]),
        ("big data", [("big data", "data", "big_data")]),
        # Generic words count only inside a longer term.
        ("data", []),
        ("The data show more care.", []),
        ("데이터를 모은다", []),
        ("public data and a data center", [("public data", "data", "open_data"), ("data center", "data", "cloud_computing")]),
        ("elderly care", [("elderly care", "care_welfare", "care")]),
        # Korean terms start and end on morpheme boundaries: 수산 is not in 수산물.
        ("수산물을 판다", []),
        ("metadata", []),
        ("5G communication", [("5G communication", "networks_5g", "mobile_networks")]),
        ("R&D", [("R&D", "rnd", "research")]),
        ("start-ups and startups", [("start-ups", "startups_venture", "startups"), ("startups", "startups_venture", "startups")]),
        ("drones", [("drones", "drones_mobility", "drones")]),
        ("hydrogen economy", [("hydrogen economy", "energy_hydrogen", "hydrogen")]),
        ("smart farms", [("smart farms", "agriculture", "smart_farm")]),
        ("fintech", [("fintech", "fintech", "fintech")]),
        ("elderly care", [("elderly care", "care_welfare", "care")]),
        ("digital innovation district", [("digital innovation district", "clusters_districts", "special_districts")]),
        ("인공지능과 빅데이터, 드론", [("인공지능", "ai", "ai_general"), ("빅데이터", "data", "big_data"), ("드론", "drones_mobility", "drones")]),
        ("스마트공장 보급", [("스마트공장", "manufacturing", "smart_factory")]),
        ("정보통신", [("정보통신", "digital_software", "ict")]),
        ("그린다", []),
        ("교육부와 환경부", []),
        ("교육과 환경", [("교육", "talent_education", "education")]),
        ("교육과 친환경", [("교육", "talent_education", "education"), ("친환경", "climate_environment", "environment")]),
        ("디지털헬스케어", [("디지털헬스케어", "bio_health", "digital_health")]),
    ],
)
def test_coding(line, expected):
    assert coded(line) == expected


def test_table_schema_and_offsets():
    lines = ["Busan will foster AI talents.", "스마트시티와 로봇"]
    out = themes.extract_themes(sentences(lines))
    text = "\n".join(lines)
    assert out.select("surface", "term").rows() == [
        ("AI talents", "AI talent"), ("스마트시티", "스마트 시티"), ("로봇", "로봇"),
    ]
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
    schema.conform(out.with_columns(source_start=pl.col("char_start"), source_end=pl.col("char_end")), "themes")


def test_codebook_covers_the_required_majors():
    majors = set(themes.major_names())
    required = {"ai", "data", "bio_health", "robotics", "drones_mobility", "smart_city", "manufacturing",
                "agriculture", "energy_hydrogen", "semiconductors", "fintech", "networks_5g",
                "talent_education", "startups_venture", "care_welfare", "safety", "rnd", "governance",
                "clusters_districts"}
    assert required <= majors
    book = themes.codebook()
    assert set(book["language"].unique().to_list()) == {"en", "ko"}
    # Every major has English and Korean terms.
    langs = book.group_by("theme_major").agg(pl.col("language").n_unique())
    assert langs["language"].min() == 2


def _docs() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "doc_id": ["a", "b"],
            "text": ["robots drones harbours ports", "ships " * 10],
            "n_tokens": [4, 10],
            "regions": [["Busan"], ["Busan", "Seoul"]],
        },
        schema_overrides={"regions": pl.List(schema.Region)},
    )


def _themes() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b"],
            "theme_major": ["ai", "ai", "data", "ai"],
            "theme_minor": ["ai_general", "generative_ai", "big_data", "ai_general"],
        },
        schema_overrides={"theme_major": themes.ThemeMajor},
    )


def test_theme_shares_by_document():
    out = themes.theme_shares(_themes(), _docs(), by="doc_id")
    assert out.columns == ["doc_id", "theme_major", "n_mentions", "n_tokens", "per_1000_tokens", "share_pct"]
    assert out.select(pl.col("theme_major").cast(pl.String), "n_mentions", "n_tokens", "per_1000_tokens").rows() == [
        ("ai", 2, 4, 500.0), ("data", 1, 4, 250.0), ("ai", 1, 10, 100.0),
    ]
    assert out["share_pct"].round(4).to_list() == [66.6667, 33.3333, 100.0]


def test_theme_shares_by_region_counts_each_about_region():
    out = themes.theme_shares(_themes(), _docs(), by="region")
    rows = out.select(pl.col("region").cast(pl.String), pl.col("theme_major").cast(pl.String), "n_mentions", "n_tokens").rows()
    # Regions sort in the Region enum's order (National, Seoul, Busan, ...).
    assert rows == [("Seoul", "ai", 1, 10), ("Busan", "ai", 3, 14), ("Busan", "data", 1, 14)]


def test_theme_shares_minor_level_and_word_count_fallback():
    docs = _docs().drop("n_tokens")
    out = themes.theme_shares(_themes(), docs, by="doc_id", level="minor")
    assert out.columns == ["doc_id", "theme_major", "theme_minor", "n_mentions", "n_tokens", "per_1000_tokens", "share_pct"]
    assert out["n_tokens"].to_list() == [4, 4, 4, 10]


def test_theme_shares_rejects_bad_arguments():
    from kpolicy.errors import KpolicyError

    with pytest.raises(KpolicyError):
        themes.theme_shares(_themes(), _docs(), by="publisher")
    with pytest.raises(KpolicyError):
        themes.theme_shares(_themes(), _docs(), level="sub")


def test_docs_themes_md_is_current():
    from kpolicy.paths import ROOT

    assert (ROOT / "docs" / "themes.md").read_text(encoding="utf-8") == themes.codebook_markdown(), (
        "docs/themes.md is out of date: run `python -m kpolicy.extract.themes`")
