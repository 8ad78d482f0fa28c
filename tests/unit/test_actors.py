"""Officials and organisations (kpolicy.extract.actors)."""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy import schema
from kpolicy.extract import actors

from helpers import sentences


COLS = ("surface", "actor_type", "name", "title", "org", "org_kind", "region")


def officials(lines: list[str], documents: pl.DataFrame | None = None) -> list[tuple]:
    out = actors.extract_actors(sentences(lines), documents).filter(pl.col("actor_type") == "official")
    return [tuple(r[c] for c in COLS) for r in out.iter_rows(named=True)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Daegu Mayor Hong Joon-pyo said the plan is ready.",
         ("Daegu Mayor Hong Joon-pyo", "official", "Hong Joonpyo", "Mayor", "Daegu Metropolitan Government", "local_government", "Daegu")),
        ("MOTIE First Vice Minister Jang Young-jin attended.",
         ("MOTIE First Vice Minister Jang Young-jin", "official", "Jang Youngjin", "First Vice Minister", "MOTIE", "ministry", "National")),
        ("Gyeonggi Province Governor Kim Dong-yeon spoke.",
         ("Gyeonggi Province Governor Kim Dong-yeon", "official", "Kim Dongyeon", "Governor", "Gyeonggi Provincial Government", "local_government", "Gyeonggi")),
        ("Kim Doo-gyeom, Mayor of Ulsan, said so.",
         ("Kim Doo-gyeom, Mayor of Ulsan", "official", "Kim Doogyeom", "Mayor", "Ulsan Metropolitan Government", "local_government", "Ulsan")),
        ("Suwon Mayor Lee Jae-jun opened the centre.",
         ("Suwon Mayor Lee Jae-jun", "official", "Lee Jaejun", "Mayor", "Suwon City Government", "local_government", "Gyeonggi")),
        ("Minister of Science and ICT Lee Jong-ho said",
         ("Minister of Science and ICT Lee Jong-ho", "official", "Lee Jongho", "Minister", "MSIT", "ministry", "National")),
        ("박형준 부산시장은 말했다.",
         ("박형준 부산시장", "official", "박형준", "Mayor", "Busan Metropolitan Government", "local_government", "Busan")),
        ("부산시장 박형준은 말했다.",
         ("부산시장 박형준", "official", "박형준", "Mayor", "Busan Metropolitan Government", "local_government", "Busan")),
        ("김동연 경기도지사가 참석했다.",
         ("김동연 경기도지사", "official", "김동연", "Governor", "Gyeonggi Provincial Government", "local_government", "Gyeonggi")),
        ("과기정통부 이종호 장관이 발표했다.",
         ("과기정통부 이종호 장관", "official", "이종호", "Minister", "MSIT", "ministry", "National")),
        ("명현관 해남군수는 밝혔다.",
         ("명현관 해남군수", "official", "명현관", "County Governor", "Haenam County Office", "local_government", "Jeonnam")),
    ],
)
def test_officials(line, expected):
    assert officials([line]) == [expected]


@pytest.mark.parametrize(
    "line",
    [
        "The AI market will grow.",
        "반도체 시장은 성장했다.",
        "글로벌 시장 진출을 지원한다.",
        "The Mayor said the plan is ready.",
        "Park said so.",
    ],
)
def test_no_officials(line):
    assert officials([line]) == []


def test_name_key_ignores_hyphens():
    assert actors.normalise_name("Park", "Nam-chun") == actors.normalise_name("Park", "Namchun") == "Park Namchun"


def test_local_title_without_org_takes_document_region():
    docs = pl.DataFrame({"doc_id": ["d"], "title": ["x"], "regions": [["Chungnam"]]},
                        schema_overrides={"regions": pl.List(schema.Region)})
    assert officials(["Deputy Governor Jeon Hyung-sik said"], docs) == [
        ("Deputy Governor Jeon Hyung-sik", "official", "Jeon Hyungsik", "Deputy Governor",
         "Chungnam Provincial Government", "local_government", "Chungnam"),
    ]


def test_national_title_without_org_takes_the_documents_ministry():
    lines = ["The Ministry of SMEs and Startups announced a fund.", "Minister Oh Young-ju said it will grow."]
    assert officials(lines) == [
        ("Minister Oh Young-ju", "official", "Oh Youngju", "Minister", "MSS", "ministry", "National"),
    ]


def test_organisations():
    lines = ["BISTEP and the World Economic Forum (WEF) met KISA and Daegu Techno Park.",
             "The Busan Metropolitan Government and 경기도청 joined."]
    out = actors.extract_actors(sentences(lines)).filter(pl.col("actor_type") == "organisation")
    assert out.select("surface", "org", "org_kind", pl.col("region").cast(pl.String)).rows() == [
        ("BISTEP", "BISTEP", "local_agency", "Busan"),
        ("World Economic Forum", "WEF", "international", None),
        ("WEF", "WEF", "international", None),
        ("KISA", "KISA", "agency", "National"),
        ("Daegu Techno Park", "Daegu Techno Park", "techno_park", "Daegu"),
        ("Busan Metropolitan Government", "Busan Metropolitan Government", "local_government", "Busan"),
        ("경기도청", "Gyeonggi Provincial Government", "local_government", "Gyeonggi"),
    ]


def test_offsets_and_schema():
    lines = ["Incheon Mayor Yoo Jeong-bok said", "과기정통부 박윤규 제2차관은"]
    out = actors.extract_actors(sentences(lines))
    text = "\n".join(lines)
    for r in out.iter_rows(named=True):
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
    schema.conform(out.with_columns(source_start=pl.col("char_start"), source_end=pl.col("char_end")), "actors")
    assert out.filter(pl.col("actor_type") == "official").select("name", "title").rows() == [
        ("Yoo Jeongbok", "Mayor"), ("박윤규", "Second Vice Minister"),
    ]


def test_same_rows_whether_the_places_mentions_are_at_hand_or_not():
    """The document context comes from the places extractor's mentions of the same
    sentences table when the loader already found them, else it finds them itself."""
    from kpolicy.extract import places

    lines = ["Deputy Governor Kim Hyun-gon said the Gyeonggi plan is ready.", "Gyeonggi Province will invest.",
             "The Minister Lee Jong-ho of MSIT and MSIT officials attended.", "부산시장 박형준은 말했다."]
    s = sentences(lines)
    cold = actors.extract_actors(s.clone())
    places.about_regions(s)  # what the loader runs on the batch's sentences table
    warm = actors.extract_actors(s)
    assert warm.equals(cold)
    assert ("Deputy Governor Kim Hyun-gon", "Kim Hyungon", "Gyeonggi") in [
        (r["surface"], r["name"], r["region"]) for r in warm.iter_rows(named=True)
    ]
