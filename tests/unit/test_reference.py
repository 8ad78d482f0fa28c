"""kpolicy.reference: population and exchange rates carry their provenance per value.

Expected values are computed here from the YAML files themselves, never from the
functions under test.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from kpolicy import reference, schema
from kpolicy.errors import KpolicyError
from kpolicy.paths import DATA_DIR

POP_RAW = yaml.safe_load((DATA_DIR / "population.yaml").read_text(encoding="utf-8"))
FX_RAW = yaml.safe_load((DATA_DIR / "fx_rates.yaml").read_text(encoding="utf-8"))
SEVENTEEN = [r for r in schema.REGION_NAMES if r != "National"]
FIELDS = ("value", "year", "source", "url", "accessed", "verified")


def _pop_entries() -> list[tuple[str, dict]]:
    return [(region, e) for region, entries in POP_RAW["regions"].items() for e in entries]


def _fx_entries() -> list[tuple[str, dict]]:
    return [(code, e) for code, spec in FX_RAW["currencies"].items() for e in spec["entries"]]


def _by_year(region: str) -> dict[int, dict]:
    return {e["year"]: e for e in POP_RAW["regions"][region]}


def _complete_years() -> list[int]:
    return sorted(set.intersection(*(set(_by_year(r)) for r in SEVENTEEN)))


# ------------------------------------------------------------------ provenance per value


ALL_ENTRIES = _pop_entries() + _fx_entries() + [("national", e) for e in POP_RAW["national_published"]]


@pytest.mark.parametrize("where,entry", ALL_ENTRIES)
def test_every_value_has_its_source_fields(where: str, entry: dict) -> None:
    assert set(FIELDS) <= set(entry), (where, entry)
    assert isinstance(entry["verified"], bool)
    assert isinstance(entry["source"], str) and entry["source"].strip()
    assert str(entry["accessed"]) == "2026-12-05"
    if entry["verified"]:
        # A verified number names the page it was read in.
        assert entry["url"].startswith(("http://", "https://")), (where, entry)
        assert not entry["source"].startswith(("recalled", "derived"))
    else:
        assert entry["source"].startswith(("recalled", "derived")), (where, entry)
    if entry["source"].startswith("recalled"):
        assert entry["url"] == "" and entry["verified"] is False, (where, entry)


def test_every_region_is_canonical_and_has_at_least_one_year() -> None:
    assert sorted(POP_RAW["regions"]) == sorted(SEVENTEEN)
    for region in SEVENTEEN:
        assert len(POP_RAW["regions"][region]) >= 1, region


def test_no_year_is_given_twice() -> None:
    for region, entries in POP_RAW["regions"].items():
        years = [e["year"] for e in entries]
        assert len(years) == len(set(years)), region


# ------------------------------------------------------------------ sanity ranges


@pytest.mark.parametrize("region,entry", _pop_entries())
def test_each_regional_population_is_in_a_sane_range(region: str, entry: dict) -> None:
    assert 100_000 <= entry["value"] <= 15_000_000, (region, entry["year"], entry["value"])


def test_sum_of_the_seventeen_is_between_50_and_53_million_every_complete_year() -> None:
    years = _complete_years()
    assert years, "no year has all 17 regions"
    for year in years:
        total = sum(_by_year(r)[year]["value"] for r in SEVENTEEN)
        assert 50_000_000 <= total <= 53_000_000, (year, total)


def test_complete_years_match_the_published_national_total() -> None:
    published = {e["year"]: e["value"] for e in POP_RAW["national_published"]}
    checked = 0
    for year in _complete_years():
        if year in published:
            assert sum(_by_year(r)[year]["value"] for r in SEVENTEEN) == published[year], year
            checked += 1
    assert checked >= 1


# ------------------------------------------------------------------ population_table


def test_population_table_has_every_value_with_its_provenance() -> None:
    table = reference.population_table()
    assert table.columns == ["region", "year", "population", "source", "url", "accessed", "verified"]
    assert table.height == len(_pop_entries())
    for region, e in _pop_entries():
        row = table.filter((pl.col("region") == region) & (pl.col("year") == e["year"]))
        assert row.height == 1
        assert row["population"][0] == e["value"]
        assert row["verified"][0] is e["verified"]
        assert row["url"][0] == e["url"]


# ------------------------------------------------------------------ population_for


def test_exact_year_is_used_when_present() -> None:
    entry = POP_RAW["regions"]["Busan"][-1]
    got = reference.population_for("Busan", entry["year"])
    assert got["population"] == entry["value"]
    assert got["how"] == "exact year"
    assert got["year_used"] == got["year_requested"] == entry["year"]
    assert got["verified"] is entry["verified"]
    assert got["source"] == entry["source"] and got["url"] == entry["url"]


@pytest.mark.parametrize("region", SEVENTEEN)
def test_nearest_year_for_a_year_outside_the_range(region: str) -> None:
    years = sorted(_by_year(region))
    before = reference.population_for(region, 1995)
    assert before["year_used"] == years[0]
    assert before["how"] == f"nearest year {years[0]}"
    assert before["population"] == _by_year(region)[years[0]]["value"]
    after = reference.population_for(region.lower(), 2090)
    assert after["year_used"] == years[-1]
    assert after["how"] == f"nearest year {years[-1]}"
    assert after["year_requested"] == 2090


def test_no_year_means_the_latest_year() -> None:
    latest = max(_by_year("Gangwon"))
    got = reference.population_for("Gangwon")
    assert got["year_used"] == latest and got["how"] == f"latest year {latest}"
    assert got["year_requested"] is None


def test_nearest_year_tie_takes_the_later_year() -> None:
    assert reference._pick_year([2019, 2021], 2020) == (2021, "nearest year 2021")
    assert reference._pick_year([2019, 2022], 2020) == (2019, "nearest year 2019")


def test_national_is_the_sum_of_the_seventeen_for_the_year() -> None:
    year = _complete_years()[-1]
    got = reference.population_for("National", year)
    assert got["year_used"] == year and got["how"] == "exact year"
    assert got["population"] == sum(_by_year(r)[year]["value"] for r in SEVENTEEN)
    assert got["verified"] is all(_by_year(r)[year]["verified"] for r in SEVENTEEN)


def test_national_for_an_incomplete_year_uses_the_nearest_complete_year() -> None:
    complete = _complete_years()
    incomplete = [y for y in range(2019, 2025) if y not in complete]
    assert incomplete
    got = reference.population_for("National", incomplete[0])
    assert got["year_used"] in complete and got["how"].startswith("nearest year ")


def test_national_is_unverified_when_any_region_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"source": "Ministry of the Interior and Safety, 주민등록인구 (KOSIS DT_1B040A3)",
             "url": "https://example.org/page", "accessed": "2026-12-05", "verified": True}
    regions = {r: [{"year": 2022, "value": 1_000_000, **entry}, {"year": 2023, "value": 2_000_000, **entry}]
               for r in SEVENTEEN}
    regions["Jeju"][0] = {"year": 2022, "value": 1_000_000, "source": "recalled; not checked against KOSIS",
                          "url": "", "accessed": "2026-12-05", "verified": False}
    path = tmp_path / "population.yaml"
    path.write_text(yaml.safe_dump({"regions": regions}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(reference, "_population", lambda: reference.load_population(path))
    assert reference.population_for("National", 2023)["verified"] is True
    partly = reference.population_for("National", 2022)
    assert partly["verified"] is False
    assert partly["population"] == 17_000_000
    assert "16 of 17 verified" in partly["source"]


def test_the_real_national_total_is_unverified_while_any_region_is_recalled() -> None:
    year = _complete_years()[-1]
    assert not all(_by_year(r)[year]["verified"] for r in SEVENTEEN)  # so the next line can fail
    assert reference.population_for("National", year)["verified"] is False


def test_unknown_region_lists_the_valid_ones() -> None:
    with pytest.raises(KpolicyError, match=r"unknown region 'Atlantis'; valid: National, Seoul,"):
        reference.population_for("Atlantis", 2023)


# ------------------------------------------------------------------ validation on load


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "population.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _good_regions() -> dict:
    return {r: [dict(e) for e in POP_RAW["regions"][r]] for r in SEVENTEEN}


def test_validation_names_the_file_and_a_missing_field(tmp_path: Path) -> None:
    regions = _good_regions()
    del regions["Seoul"][0]["url"]
    with pytest.raises(KpolicyError, match=r"^population\.yaml: Seoul: missing field\(s\) url$"):
        reference.load_population(_write(tmp_path, {"regions": regions}))


def test_validation_rejects_a_non_canonical_region(tmp_path: Path) -> None:
    regions = _good_regions()
    regions["Gyeonggi-do"] = regions.pop("Gyeonggi")
    with pytest.raises(KpolicyError, match=r"population\.yaml: unknown region\(s\) Gyeonggi-do; valid: Seoul"):
        reference.load_population(_write(tmp_path, {"regions": regions}))


def test_validation_rejects_a_missing_region(tmp_path: Path) -> None:
    regions = _good_regions()
    del regions["Sejong"]
    with pytest.raises(KpolicyError, match=r"population\.yaml: no values for region\(s\) Sejong"):
        reference.load_population(_write(tmp_path, {"regions": regions}))


def test_validation_rejects_a_verified_value_without_a_url(tmp_path: Path) -> None:
    regions = _good_regions()
    regions["Busan"][0].update(verified=True, url="")
    with pytest.raises(KpolicyError, match=r"population\.yaml: Busan \d{4}: a verified value needs the url"):
        reference.load_population(_write(tmp_path, {"regions": regions}))


def test_validation_rejects_an_unverified_value_that_does_not_say_so(tmp_path: Path) -> None:
    regions = _good_regions()
    regions["Busan"][0].update(verified=False, source="Ministry of the Interior and Safety")
    with pytest.raises(KpolicyError, match=r"must say 'recalled' or 'derived'"):
        reference.load_population(_write(tmp_path, {"regions": regions}))


def test_fx_validation_names_the_file(tmp_path: Path) -> None:
    bad = {"currencies": {"USD": {"quoted_per": 1, "entries": [{"year": 2023, "value": 1300.0}]}}}
    path = tmp_path / "fx_rates.yaml"
    path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(KpolicyError, match=r"^fx_rates\.yaml: USD: missing field\(s\) source, url, accessed, verified$"):
        reference.load_fx(path)


# ------------------------------------------------------------------ fx_rate


def test_krw_is_one() -> None:
    got = reference.fx_rate("KRW", 2023)
    assert got["krw_per_unit"] == 1.0 and got["how"] == "identity"


def test_unknown_currency_error_is_one_line_listing_the_valid_codes() -> None:
    with pytest.raises(KpolicyError) as info:
        reference.fx_rate("GBP", 2023)
    message = str(info.value)
    codes = ", ".join(sorted(["KRW", *FX_RAW["currencies"]]))
    assert message == f"unknown currency 'GBP'; valid: {codes}"
    assert "\n" not in message


@pytest.mark.parametrize("code,entry", _fx_entries())
def test_fx_rate_returns_the_file_value_per_one_unit(code: str, entry: dict) -> None:
    per = FX_RAW["currencies"][code]["quoted_per"]
    got = reference.fx_rate(code.lower(), entry["year"])
    assert got["how"] == "exact year"
    assert got["krw_per_unit"] == pytest.approx(entry["value"] / per)
    assert got["verified"] is entry["verified"]
    assert got["source"] == entry["source"] and got["url"] == entry["url"]


def test_fx_rates_are_in_a_sane_range() -> None:
    bounds = {"USD": (900, 1700), "EUR": (1000, 1900), "JPY": (700, 1300), "CNY": (130, 260)}
    for code, entry in _fx_entries():
        low, high = bounds[code]
        assert low <= entry["value"] <= high, (code, entry)


def test_fx_nearest_year_outside_the_range() -> None:
    years = sorted(e["year"] for e in FX_RAW["currencies"]["EUR"]["entries"])
    got = reference.fx_rate("EUR", 2030)
    assert got["year_used"] == years[-1] and got["how"] == f"nearest year {years[-1]}"


def test_derived_cross_rates_are_not_verified() -> None:
    for code, entry in _fx_entries():
        if entry["source"].startswith("derived"):
            assert reference.fx_rate(code, entry["year"])["verified"] is False
