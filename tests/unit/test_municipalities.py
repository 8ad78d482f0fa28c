"""The municipal gazetteer: the official si/gun/gu list, innovation sites, and how their
names resolve (kpolicy/data/municipalities.yaml, places.yaml, kpolicy.gazetteer)."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest

from kpolicy import gazetteer
from kpolicy.extract import places

from helpers import sentences

# Autonomous units per region on the reference date 2025-12-31 (municipalities.yaml
# as_of), written out from the source, not computed: (si, gun, gu).
EXPECTED_2025 = {
    "Seoul": (0, 0, 25),
    "Busan": (0, 1, 15),
    "Daegu": (0, 2, 7),
    "Incheon": (0, 2, 8),
    "Gwangju": (0, 0, 5),
    "Daejeon": (0, 0, 5),
    "Ulsan": (0, 1, 4),
    "Gyeonggi": (28, 3, 0),
    "Gangwon": (7, 11, 0),
    "Chungbuk": (3, 8, 0),
    "Chungnam": (8, 7, 0),
    "Jeonbuk": (6, 8, 0),
    "Jeonnam": (5, 17, 0),
    "Gyeongbuk": (10, 12, 0),
    "Gyeongnam": (8, 10, 0),
}


def _counts(records) -> dict[str, tuple[int, int, int]]:
    c = Counter((r["region"], r["unit"]) for r in records)
    regions = {r["region"] for r in records}
    return {reg: (c[(reg, "si")], c[(reg, "gun")], c[(reg, "gu")]) for reg in regions}


def test_counts_per_region_match_the_source():
    recs = gazetteer.municipalities_in_force()
    assert str(gazetteer.load("municipalities")["as_of"]) == "2025-12-31"
    assert _counts(recs) == EXPECTED_2025
    by_unit = Counter(r["unit"] for r in recs)
    assert (by_unit["si"], by_unit["gun"], by_unit["gu"], len(recs)) == (75, 82, 69, 226)
    ref = gazetteer.load("municipalities")["reference_counts"]
    assert ref == {"si": 75, "gun": 82, "gu": 69, "total": 226}
    # No unit in Sejong or Jeju (their cities are not autonomous).
    assert not {"Sejong", "Jeju"} & {r["region"] for r in recs}


def test_incheon_reorganisation_of_2026_07_01():
    before = _counts(gazetteer.municipalities_in_force("2026-06-30"))["Incheon"]
    after_recs = gazetteer.municipalities_in_force("2026-07-01")
    assert before == (0, 2, 8)
    assert _counts(after_recs)["Incheon"] == (0, 2, 9)
    incheon = {r["name_ko"] for r in after_recs if r["region"] == "Incheon"}
    assert {"제물포구", "영종구", "검단구", "서구"} <= incheon and not {"중구", "동구"} & incheon
    assert len(after_recs) == 227


def test_gunwi_is_in_daegu():
    (gunwi,) = [r for r in gazetteer.municipality_records() if r["name_ko"] == "군위군"]
    assert gunwi["region"] == "Daegu"


def test_records_are_well_formed():
    recs = gazetteer.municipality_records()
    codes = [r["code"] for r in recs if r.get("code")]
    assert len(codes) == len(set(codes))
    for r in recs:
        assert r["name_ko"][-1] == {"si": "시", "gun": "군", "gu": "구"}[r["unit"]], r["name"]
        assert r["aliases_en"] and r["aliases_ko"], r["name"]
        if r.get("code"):
            # The code's region prefix agrees with the region (Gangwon 51, Jeonbuk 52).
            prefix = {"Seoul": "11", "Busan": "26", "Daegu": "27", "Incheon": "28", "Gwangju": "29",
                      "Daejeon": "30", "Ulsan": "31", "Gyeonggi": "41", "Gangwon": "51", "Chungbuk": "43",
                      "Chungnam": "44", "Jeonbuk": "52", "Jeonnam": "46", "Gyeongbuk": "47", "Gyeongnam": "48"}
            assert r["code"][:2] == prefix[r["region"]], r["name"]


# Every entry matches in both scripts ---------------------------------------------------------


def _alias_text(a) -> str:
    return a["term"] if isinstance(a, dict) else str(a)


def _place_entries():
    """(entry name, region, English aliases, Korean aliases) of every municipality and place."""
    out = [(r["name"], r["region"], r["aliases_en"], r["aliases_ko"]) for r in gazetteer.municipality_records()]
    for p in gazetteer.load("places")["places"]:
        out.append((p["name"], p["region"], p.get("aliases_en") or [], p.get("aliases_ko") or []))
    return out


ENTRIES = _place_entries()


def _en(alias: str) -> str:
    return f"On Monday, {alias} announced a plan to expand AI services."


def _ko(alias: str) -> str:
    return f"지난 5일 {alias}에서 인공지능 계획을 발표했다."


@pytest.mark.parametrize("name, region, en, ko", ENTRIES, ids=[e[0] for e in ENTRIES])
def test_every_alias_matches_in_a_sentence(name, region, en, ko):
    assert en and ko, "an entry needs an English and a Korean name"
    m = gazetteer.geo_matcher()
    bad = []
    for alias, text in [(_alias_text(a), _en(_alias_text(a))) for a in en] + [(_alias_text(a), _ko(_alias_text(a))) for a in ko]:
        hits = m.find(text)
        if [(h.surface, h.term.entry.name, h.term.entry.regions) for h in hits] != [(alias, name, (region,))]:
            bad.append((alias, [(h.surface, h.term.entry.name) for h in hits]))
    assert bad == []


def test_every_entry_resolves_to_its_region_through_the_extractor():
    lines, want = [], []
    for name, region, en, ko in ENTRIES:
        for alias in (_alias_text(en[0]), _alias_text(ko[0])):
            lines.append(_ko(alias) if gazetteer.is_korean(alias) else _en(alias))
            want.append((name, region))
    out = places.extract_regions(sentences(lines))
    got = list(zip(out["place"].to_list(), out["region"].cast(pl.String).to_list()))
    assert got == want


# Surface form -> entity ---------------------------------------------------------------------


def test_gwangju_forms_are_one_entity():
    entities = {gazetteer.resolve(s) for s in ["광주", "광주시", "광주광역시", "광주에서", "광주시는", "광주광역시의",
                                              "Gwangju", "Gwangju's", "Gwangju Metropolitan City", "광주시청"]}
    assert len(entities) == 1
    (e,) = entities
    assert (e.kind, e.name, e.regions) == ("region", "Gwangju", ("Gwangju",))
    assert gazetteer.canonical_place("광주광역시") == gazetteer.canonical_place("광주시") == "Gwangju"


def test_gyeonggi_gwangju_is_another_entity():
    g = gazetteer.resolve("경기 광주시")
    assert (g.name, g.regions) == ("Gwangju (Gyeonggi)", ("Gyeonggi",))
    assert gazetteer.resolve("경기도 광주시는") == g == gazetteer.resolve("Gwangju, Gyeonggi")
    doc = "경기 광주시는 데이터센터를 유치했다. 광주시는 내년에 착공한다."
    assert gazetteer.resolve("광주시는", context=doc) == g
    assert gazetteer.resolve("광주", context=doc) == g
    # The metropolitan city's full name is never reassigned.
    assert gazetteer.resolve("광주광역시", context=doc).name == "Gwangju"
    assert gazetteer.resolve("광주시", context="광주시는 AI 집적단지를 키운다.").name == "Gwangju"


def test_gumi_is_gyeongbuk():
    for s in ["구미", "구미시", "구미시는", "구미에서", "Gumi", "Gumi City", "Gumi-si"]:
        e = gazetteer.resolve(s)
        assert (e.name, e.regions) == ("Gumi", ("Gyeongbuk",)), s
    out = places.extract_regions(sentences(["구미에서 스마트공장 실증을 한다."]))
    assert out.select("surface", "region").rows() == [("구미", "Gyeongbuk")]
    site = gazetteer.resolve("구미국가산단")
    assert (site.name, site.regions) == ("Gumi National Industrial Complex", ("Gyeongbuk",))


@pytest.mark.parametrize(
    "surface, expected",
    [
        ("부산 중구", "Jung-gu (Busan)"),
        ("대구 중구청은", "Jung-gu (Daegu)"),
        ("Busan Jung-gu", "Jung-gu (Busan)"),
        ("Jung-gu, Seoul", "Jung-gu (Seoul)"),
        ("서울 강서구", "Gangseo-gu (Seoul)"),
        ("부산시 강서구", "Gangseo-gu (Busan)"),
        ("강원 고성", "Goseong-gun (Gangwon)"),
        ("경남 고성군", "Goseong-gun (Gyeongnam)"),
        ("Donghae City", "Donghae"),
        ("판교테크노밸리", "Pangyo Techno Valley"),
        ("Eco Delta City", "Eco Delta City"),
        ("광주 AI 집적단지", "Cheomdan"),
        ("세종 5-1 생활권", "Sejong National Pilot Smart City"),
        ("영종구", "Yeongjong-gu"),
        ("영종도", "Yeongjong"),
    ],
)
def test_resolve(surface, expected):
    assert gazetteer.canonical_place(surface) == expected


@pytest.mark.parametrize(
    "surface",
    ["중구", "동구청", "고성군", "Jung-gu", "부산물", "구미 각국", "구미가", "세종대왕", "Korea Herald", "데이터", ""],
)
def test_resolve_refuses_non_places_and_shared_names(surface):
    e = gazetteer.resolve(surface)
    assert e is None or e.kind == "national_weak" or surface == "구미가", surface
    if surface == "구미가":  # "appetite" reading: 구미가 당기다 is refused in context (below)
        assert e is None or e.name == "Gumi"


# Negatives: common words that contain a place name ------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "구미 각국의 사례를 참고했다.",
        "구미가 당기는 조건이다.",
        "소비자의 구미에 맞는 서비스",
        "부산물 재활용 기술",
        "디지털 대전환 시대",
        "수원지 보호구역을 지정했다.",
        "천안함 사건 이후",
        "순천향대학교 연구팀",
        "서면으로 제출해야 한다.",
        "평창동 미술관",
        "금산분리 규제를 완화한다.",
        "예산을 늘리고 양산 체제를 갖춘다.",
        "화성 탐사선과 고령 인구",
        "강진이 발생했다.",
        "영광을 안았다.",
        "신안을 발의했다.",
        "중구 구청장과 동구 주민",
        "고성능 반도체",
        "The East Sea and Jinan in China",
        "Jung-gu and Seo-gu officials",
    ],
)
def test_common_words_are_not_places(line):
    assert places.extract_regions(sentences([line])).height == 0, line


def test_qualified_goseong_refuses_high_performance():
    out = places.extract_regions(sentences(["경남 고성능 반도체 공장"]))
    assert out.select("surface", "region").rows() == [("경남", "Gyeongnam")]


# Gwangju by list context ------------------------------------------------------------------


def test_gwangju_listed_with_gyeonggi_cities_is_gyeonggi():
    out = places.extract_regions(sentences(["하남시·광주시·이천시가 공동으로 추진한다."]))
    assert out.select("surface", "region", "place").rows() == [
        ("하남시", "Gyeonggi", "Hanam"),
        ("광주시", "Gyeonggi", "Gwangju (Gyeonggi)"),
        ("이천시", "Gyeonggi", "Icheon"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "광주시와 전남도가 협약을 맺었다.",
        "광주시와 하남시, 나주시가 참여한다.",  # a list reaching outside Gyeonggi
        "경기도와 광주시가 협약을 맺었다.",  # the province itself is no Gyeonggi city
        "광주광역시·하남시 공동 포럼",  # the full name never moves
    ],
)
def test_gwangju_stays_metropolitan_outside_a_gyeonggi_list(line):
    out = places.extract_regions(sentences([line]))
    gw = out.filter(pl.col("surface").str.starts_with("광주"))
    assert gw["region"].cast(pl.String).to_list() == ["Gwangju"], line


def test_comparison_mentions_of_places_still_count_nothing():
    s = sentences(["구미시, 판교테크노밸리 같은 AI 단지 조성", "구미시는 판교처럼 기업을 모은다고 밝혔다."])
    titles = pl.DataFrame({"doc_id": ["d"], "title": ["구미시, 판교테크노밸리 같은 AI 단지 조성"]})
    out = places.extract_regions(s, titles)
    assert out.filter(pl.col("region") == "Gyeonggi")["mention_role"].cast(pl.String).unique().to_list() == ["comparison"]
    assert places.about_regions(s, titles)["regions"].to_list() == [["Gyeongbuk"]]
