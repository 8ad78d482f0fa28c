"""Reference data stays honest: every alias resolves, none is shared, every place has a region."""

from __future__ import annotations

import re

import polars as pl
import pytest

from kpolicy import gazetteer, schema


def test_reference_data_has_no_problems():
    assert gazetteer.problems() == []


@pytest.mark.parametrize("name", sorted(gazetteer.FILES))
def test_every_file_states_source_and_date(name):
    data = gazetteer.load(name)
    assert data["source"].strip()
    assert str(data["as_of"])[:2] == "20"


def test_regions_are_exactly_the_schema_regions():
    names = [r["name"] for r in gazetteer.load("regions")["regions"]]
    assert names == list(schema.REGION_NAMES)


def test_regions_frame():
    df = gazetteer.regions_frame()
    assert df.height == 18
    assert df.schema["region"] == schema.Region
    row = df.filter(pl.col("region") == "Seoul").row(0, named=True)
    assert (row["code"], row["region_type"], row["level"], row["is_capital_area"]) == (
        "KR-11", "special city", "metropolitan", True,
    )
    assert df.filter(pl.col("region") == "Busan")["code"].item() == "KR-26"
    assert df.filter(pl.col("region") == "Gangwon")["code"].item() == "KR-51"
    assert df.filter(pl.col("region") == "Jeonbuk")["code"].item() == "KR-52"
    assert sorted(df.filter(pl.col("is_capital_area"))["region"].cast(pl.String).to_list()) == [
        "Gyeonggi", "Incheon", "Seoul",
    ]
    # Every division has a population and a GRDP with a year.
    divisions = df.filter(pl.col("region") != "National")
    assert divisions["population"].null_count() == 0
    assert divisions["grdp_krw"].null_count() == 0
    assert set(divisions["population_year"].to_list()) == {2023}
    # Levels follow the division type.
    levels = dict(zip(df["region"].cast(pl.String), df["level"].cast(pl.String)))
    assert levels["Sejong"] == "metropolitan"
    assert levels["Jeju"] == levels["Gangwon"] == levels["Jeonbuk"] == levels["Gyeonggi"] == "provincial"
    assert levels["National"] == "national"


@pytest.mark.parametrize(
    "group",
    [
        ("geo", gazetteer.geo_terms),
        ("orgs", gazetteer.org_terms),
        ("titles", gazetteer.title_terms),
        ("themes", gazetteer.theme_terms),
    ],
    ids=lambda g: g[0],
)
def test_every_alias_resolves_to_its_own_entry(group):
    _, terms = group
    plural = group[0] == "themes"
    if group[0] == "geo":
        matcher = gazetteer.geo_matcher()
    else:
        matcher = gazetteer.Matcher(terms(), plural=plural)
    unresolved = []
    for t in terms():
        hits = matcher.find(t.text)
        if [(h.surface, h.term.entry) for h in hits] != [(t.text, t.entry)]:
            unresolved.append(t.text)
    assert unresolved == []


def test_no_two_regions_share_an_alias():
    owner: dict[str, str] = {}
    clashes = []
    for t in gazetteer.geo_terms():
        prev = owner.setdefault(t.key, t.entry.name)
        if prev != t.entry.name:
            clashes.append((t.text, prev, t.entry.name))
    assert clashes == []


def test_every_sub_place_maps_to_a_real_region():
    valid = set(schema.REGION_NAMES) - {"National"}
    places = gazetteer.load("places")["places"] + gazetteer.municipality_records()
    assert len(places) > 300
    assert {p["region"] for p in places} <= valid
    assert len({p["name"] for p in places}) == len(places)


def test_macro_regions_expand_to_real_members():
    macros = {m["name"]: m["members"] for m in gazetteer.load("macro_regions")["macro_regions"]}
    assert macros["Yeongnam"] == ["Busan", "Daegu", "Ulsan", "Gyeongbuk", "Gyeongnam"]
    assert macros["Honam"] == ["Gwangju", "Jeonbuk", "Jeonnam"]
    assert macros["Chungcheong"] == ["Daejeon", "Sejong", "Chungbuk", "Chungnam"]
    assert macros["Capital area"] == ["Seoul", "Incheon", "Gyeonggi"]


def test_every_theme_term_belongs_to_one_theme():
    owner: dict[str, str] = {}
    for t in gazetteer.theme_terms():
        assert owner.setdefault(t.key, t.entry.name) == t.entry.name, t.text
    # Plural forms never land on another theme's term.
    for t in gazetteer.theme_terms():
        for form in gazetteer._plural_forms(t.text):
            assert owner.get(gazetteer.alias_key(form), t.entry.name) == t.entry.name, form


@pytest.mark.parametrize(
    "text, key",
    [("Gyeonggi-do", "gyeonggido"), ("Gyeonggi do", "gyeonggido"), ("Busan's", "busans"), ("판교 테크노밸리", "판교테크노밸리")],
)
def test_alias_key(text, key):
    assert gazetteer.alias_key(text) == key


@pytest.mark.parametrize(
    "text, expected",
    [
        ("GYEONGGI-DO announced", [("GYEONGGI-DO", "Gyeonggi")]),
        ("Gyeonggi do and Gyeonggido", [("Gyeonggi do", "Gyeonggi"), ("Gyeonggido", "Gyeonggi")]),
        ("Busan's plan", [("Busan", "Busan")]),
        ("the Busan Metropolitan Government said", [("Busan Metropolitan Government", "Busan")]),
        # Regional organisations are actors, not places: the region is what is mentioned.
        ("Busan Techno Park", [("Busan", "Busan")]),
        ("부산시는 부산물을", [("부산시", "Busan")]),
        ("디지털 대전환과 대전시", [("대전시", "Daejeon")]),
        ("비수도권과 수도권", [("수도권", "Capital area")]),
        ("세종대왕과 세종시", [("세종시", "Sejong")]),
        ("경기 침체와 경기도", [("경기도", "Gyeonggi")]),
        ("경기도 광주시", [("경기도 광주시", "Gwangju (Gyeonggi)")]),
        ("MSIT and msit", [("MSIT", "MSIT")]),
        ("Jeonbuk State and 전북특별자치도", [("Jeonbuk State", "Jeonbuk"), ("전북특별자치도", "Jeonbuk")]),
        ("North Chungcheong Province", [("North Chungcheong Province", "Chungbuk")]),
        ("Pusan National University", [("Pusan National University", "Pusan National University")]),
        ("non-metropolitan area", []),
    ],
)
def test_geo_matcher(text, expected):
    hits = gazetteer.geo_matcher().find(text)
    assert [(h.surface, h.term.entry.name) for h in hits] == expected
    assert all(text[h.start : h.end] == h.surface for h in hits)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("AI and MAIL and said", ["AI"]),
        ("smart factories and a smart factory", ["smart factories", "smart factory"]),
        ("Big Data analysis", ["Big Data analysis"]),
        # 데이터 alone is a generic word: a theme term only inside a phrase (themes.yaml generic_ko).
        ("빅데이터와 데이터", ["빅데이터"]),
        ("정보통신 and 통신망", ["정보통신", "통신망"]),
    ],
)
def test_theme_matcher(text, expected):
    m = gazetteer.Matcher(gazetteer.theme_terms(), plural=True)
    assert [h.surface for h in m.find(text)] == expected


def test_prefilter_is_a_superset():
    m = gazetteer.geo_matcher()
    df = pl.DataFrame({"text": ["Busan said", "nothing here", "부산시는"]})
    assert df.filter(m.prefilter("text"))["text"].to_list() == ["Busan said", "부산시는"]


def test_unused_entries_reports_never_matched_entries():
    sentences = pl.DataFrame({"text": ["Centum City in Busan and the Yeongnam region", "Pangyo"]})
    unused = gazetteer.unused_entries(sentences, files=("places", "macro_regions"))
    assert unused.columns == ["file", "kind", "entry"]
    names = set(unused["entry"].to_list())
    assert "Centum City" not in names and "Pangyo" not in names and "Yeongnam" not in names
    assert {"Suwon", "Honam", "Capital area", "Daedeok Innopolis"} <= names
    n_places = len(gazetteer.load("places")["places"]) + len(gazetteer.municipality_records())
    assert unused.height == n_places + len(gazetteer.load("macro_regions")["macro_regions"]) - 3


# Matching speed-ups keep the matches ------------------------------------------------------


def _reference_find(m: gazetteer.Matcher, text: str) -> list[tuple[int, int, str]]:
    """find() through the plain case-insensitive lookahead patterns (no fast path)."""
    cands = []
    for mode, rx in m._regex.items():
        if rx is None:
            continue
        for hit in rx.finditer(text):
            surface = hit.group(1).rstrip(gazetteer._SEP_CHARS + "\t\n")
            if surface and m._lookup[mode].get(gazetteer.alias_key(surface)) is not None:
                cands.append((hit.start(1), hit.start(1) + len(surface), surface))
    cands.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: list[tuple[int, int, str]] = []
    for c in cands:
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    return sorted(taken)


FOLD_TEXTS = [
    "BUSAN and busan and Busan-si",
    "Gyeonggi-do, GYEONGGIDO and gyeonggi do",
    "x\u0131Busan, \u017fBusan and \u0130Busan are not Busan",  # letters to IGNORECASE
    "Bu\u017fan, \u0130ncheon and INCHEON",
    "\u212aorea will invest; KOREA will too",  # the Kelvin sign lower-cases to k
    "부산시는 부산물, 대구경북과 대구",
    "Smart Factories, SMART FACTORY and smart-factory",
    "MSIT and msit; AI and ai and MAIL",
    "",
]


#: One matcher of each kind the extractors build, for the agreement tests below.
MATCHERS = pytest.mark.parametrize(
    "matcher",
    [
        gazetteer.geo_matcher(),
        gazetteer.Matcher(gazetteer.geo_terms() + gazetteer.org_terms()),
        gazetteer.Matcher(gazetteer.title_terms()),
        gazetteer.Matcher(gazetteer.theme_terms(), plural=True),
    ],
    ids=["geo", "orgs", "titles", "themes"],
)


@pytest.mark.parametrize("text", FOLD_TEXTS)
@MATCHERS
def test_find_agrees_with_the_case_insensitive_patterns(matcher, text):
    assert [(h.start, h.end, h.surface) for h in matcher.find(text)] == _reference_find(matcher, text)


def test_letters_that_ignorecase_folds_stay_letters():
    m = gazetteer.geo_matcher()
    # "ı" and "ſ" are letters to re.IGNORECASE's [A-Za-z]: no word boundary before Busan.
    assert [h.surface for h in m.find("x\u0131Busan \u017fBusan Busan")] == ["Busan"]
    assert [(h.surface, h.term.entry.name) for h in m.find("\u212aorea will invest")] == [("\u212aorea", "National")]


@MATCHERS
def test_complete_prefilter_keeps_every_row_with_a_match(matcher):
    texts = []
    for t in matcher.terms:
        for form in (t.text, t.text.upper(), t.text.lower() + "s", t.text.replace("i", "\u0131").replace("s", "\u017f"),
                     t.text.replace("k", "\u212a"), t.text.replace("-", "")):
            texts.append(f"({form}) ")
    df = pl.DataFrame({"text": texts})
    kept = df.select(matcher.prefilter("text", complete=True).alias("k"))["k"].to_list()
    missed = [t for t, k in zip(texts, kept) if not k and matcher.find(t)]
    assert missed == []
    assert any(matcher.find(t) for t in texts)


def test_case_folded_pattern_agrees_with_ignorecase():
    p = gazetteer.CaseFolded(r"\b(?:will|plans?\s+to|by\s+20\d\d)\b|까지", re.I)
    for text, expected in [
        ("The city WILL invest", True),
        ("It Plans  to grow", True),
        ("by 2030", True),
        ("2030년까지", True),
        ("It grew", False),
        ("w\u0131ll", True),  # IGNORECASE equates dotless i with i (lower() does not)
        ("W\u0130LL", True),  # and dotted I (which lower() turns into two characters)
        ("plan\u017f to", True),  # long s is s to IGNORECASE
    ]:
        assert (p.search(text) is not None) == expected == (p.exact.search(text) is not None), text
    with pytest.raises(ValueError):
        gazetteer.CaseFolded(r"\bWill\b", re.I)
    with pytest.raises(ValueError):
        gazetteer.CaseFolded(r"(?-i:to\s+[a-z]+)", re.I)
