"""The money ledger (kpolicy.ledger): roles, relations, one row per commitment, curation.

Every text here is written for these tests; every expected figure is worked out by hand
from the text (shown in the comment next to it), never copied from a run.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import kpolicy
from kpolicy import analysis, ledger
from kpolicy.errors import KpolicyError


def corpus_of(tmp_path: Path, docs: dict[str, tuple[str, str, str]], curation: str | None = None):
    """A corpus folder: doc_id -> (region, published_date, text)."""
    lines = []
    for doc_id, (region, date, text) in docs.items():
        (tmp_path / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        level = "national" if region == "National" else "metropolitan"
        lang = "ko" if any("\uac00" <= ch <= "\ud7a3" for ch in text) else "en"
        lines += [f"{doc_id}:", f"  published_date: {date}", f"  language: {lang}", f"  level: {level}", f"  regions: [{region}]"]
    (tmp_path / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if curation is not None:
        (tmp_path / "curation.yaml").write_text(curation, encoding="utf-8")
    return kpolicy.load_corpus(tmp_path)


def roles(corpus) -> dict[str, str]:
    m = corpus.facts("money_mentions")
    return dict(zip(m["surface"], m["role"].cast(pl.String)))


def total(corpus, region: str, basis: str = "adjusted") -> float:
    t = ledger.totals(corpus, basis).filter(pl.col("region") == region)
    return t["committed_krw"][0] if t.height else 0.0


def test_from_to_is_baseline_and_target_and_a_sales_goal_never_counts(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Ulsan", "2023-05-02", (
        "Ulsan unveils a smart port plan\n"
        "The city said on the 2nd that it drew up a plan for a smart port.\n"
        "It will raise port-related sales from the current 3.2 trillion won to 5 trillion won by 2030.\n"
        "To this end the city will invest 80 billion won in automation.\n"))})
    r = roles(c)
    assert r["3.2 trillion won"] == "baseline" and r["5 trillion won"] == "target"
    assert r["80 billion won"] == "investment"
    assert total(c, "Ulsan") == 80e9  # only the investment
    assert total(c, "Ulsan", "literal") == 80e9


def test_total_and_its_parts_count_once_in_english_and_korean(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {
        "en": ("Daejeon", "2024-03-04", (
            "Daejeon to build a quantum testbed\n"
            "Daejeon City announced the plan on the 4th.\n"
            "The city said the work will go ahead this year.\n"
            "The project costs a total of 45.6 billion won, with 30 billion won in national funds and 15.6 billion won in city funds.\n")),
        "ko": ("Gwangju", "2024-06-10", (
            "광주시, 인공지능 실증센터 착공\n"
            "광주시는 10일 실증센터 건립에 착수한다고 밝혔다.\n"
            "시는 국비 120억 원과 시비 80억 원 등 총 200억 원을 투입한다.\n")),
    })
    m = c.facts("money_mentions")
    parts = m.filter(pl.col("relation") == "part_of")["surface"].to_list()
    assert sorted(parts) == sorted(["30 billion won", "15.6 billion won", "120억 원", "80억 원"])
    assert total(c, "Daejeon") == 45.6e9  # 30 + 15.6 are its parts
    assert total(c, "Gwangju") == 200e8  # 120억 + 80억 = 200억 = 20 billion
    row = c.facts("ledger").filter(pl.col("region") == "Daejeon").row(0, named=True)
    assert row["funder"] == "mixed" and row["n_parts"] == 2


def test_headline_repeat_counts_once_and_a_larger_separate_figure_counts(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Jeju", "2022-09-01", (
        "Jeju to spend 12 billion won on a drone delivery network\n"
        "Jeju Province said it will spend 12 billion won on a drone delivery network until 2024.\n"
        "Separately, the province will invest 30 billion won in a green hydrogen plant.\n"
        "Of the drone budget, 2 billion won goes to pilot routes.\n"))})
    led = c.facts("ledger")
    # 12 bn (headline and body: one commitment) + 30 bn (larger than the headline: separate).
    # 2 bn is smaller than the headline total: an item of it.
    assert sorted(led["value_krw_literal"].to_list()) == [12e9, 30e9]
    assert led.filter(pl.col("value_krw_literal") == 12e9)["n_evidence"][0] == 2
    assert total(c, "Jeju") == 42e9


def test_no_total_means_separate_projects_add_up(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Chungbuk", "2023-02-01", (
        "Chungbuk picks three digital projects\n"
        "The province named three projects on the 1st.\n"
        "The selection followed a public contest.\n"
        "A smart farm platform receives 5 billion won.\n"
        "A battery data centre gets 8 billion won in provincial funds.\n"
        "The province will also invest 12 billion won in an AI school.\n"))})
    assert total(c, "Chungbuk") == 25e9  # 5 + 8 + 12, no stated total


def test_delta_past_context_budget_and_market_never_count(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("National", "2024-01-15", (
        "Ministry sets aside 300 billion won for regional AI hubs\n"
        "The ministry will spend 300 billion won this year on regional AI hubs, an increase of 40 billion won over last year.\n"
        "The government's R&D budget reached 26 trillion won this year.\n"
        "Last year's exports of AI chips came to 2 trillion won.\n"
        "The domestic AI market is worth 4 trillion won.\n"))})
    r = roles(c)
    assert r["40 billion won"] == "delta"
    assert r["26 trillion won"] == "context_budget"
    assert r["2 trillion won"] in ("past", "outcome")
    assert r["4 trillion won"] == "outcome"
    assert total(c, "National") == 300e9


def test_foreign_currency_with_a_stated_won_equivalent_uses_the_won_figure(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Incheon", "2023-07-07", (
        "Incheon signs data centre deal\n"
        "The city signed the agreement on the 7th.\n"
        "The operator said construction starts next year.\n"
        "The city will invest $120 million (about KRW 165 billion) in the site.\n"))})
    led = c.facts("ledger")
    assert led.height == 1
    assert led["value_krw_literal"][0] == 165e9
    assert "won equivalent" in led["value_source"][0]
    assert total(c, "Incheon") == 165e9


def test_garbled_figures_count_only_on_the_adjusted_basis(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Gangwon", "2021-04-01", (
        "Gangwon will invest 2 trillion trillion won in digital health\n"
        "Gangwon Province will invest 2 trillion trillion won in digital health by 2025.\n"
        "The plan was announced on the 1st.\n"))})
    assert total(c, "Gangwon", "literal") == 0.0  # the literal 2e24 is never summed
    t = ledger.totals(c, "literal").row(0, named=True)
    assert t["n_unresolved_suspect"] == 1
    assert total(c, "Gangwon", "adjusted") == 2e12  # the duplicated scale word read once


def test_periods_and_annual_figures(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Sejong", "2022-01-20", (
        "Sejong launches a five-year smart city plan\n"
        "Sejong City will invest 50 billion won over five years from 2022 to 2026.\n"
        "The city said on the 20th that it would hold hearings.\n"))})
    row = c.facts("ledger").row(0, named=True)
    assert (row["period_start"], row["period_end"]) == (2022, 2026)


def test_curation_overrides_a_role_and_is_shown(tmp_path: Path) -> None:
    docs = {"a": ("Ulsan", "2023-05-02", (
        "Ulsan outlines its hydrogen plan\n"
        "The city described the plan on the 2nd.\n"
        "The plan was drafted with local firms.\n"
        "The city will invest 70 billion won in fuel-cell buses.\n"
        "A private consortium will invest 20 billion won in charging stations.\n"))}
    cur = "- doc_id: a\n  surface: 20 billion won\n  exclude: true\n  note: a company's own money, not the city's plan\n"
    c = corpus_of(tmp_path, docs, cur)
    assert total(c, "Ulsan") == 70e9
    m = c.facts("money_mentions").filter(pl.col("surface") == "20 billion won").row(0, named=True)
    assert m["is_curated"] and not m["is_counted"] and "company" in m["curation_note"]


def test_curation_entry_that_matches_nothing_names_file_and_line(tmp_path: Path) -> None:
    docs = {"a": ("Ulsan", "2023-05-02", "Ulsan plan\nThe city will invest 70 billion won in buses.\n")}
    cur = "# notes\n- doc_id: a\n  surface: 99 billion won\n  role: target\n"
    c = corpus_of(tmp_path, docs, cur)
    with pytest.raises(KpolicyError, match=r"curation\.yaml:2: no money mention '99 billion won'"):
        c.facts("ledger")


@pytest.mark.parametrize("text, message", [
    ("doc_id: a\n", "must be a list"),
    ("- doc_id: a\n  surface: x\n", "exactly one of role, same_as, exclude"),
    ("- doc_id: a\n  surface: x\n  role: spending\n", "unknown role 'spending'"),
    ("- doc_id: a\n  surface: x\n  colour: red\n  exclude: true\n", "unknown key 'colour'"),
    ("- &a {doc_id: a, surface: x, exclude: true}\n- *a\n", "anchors, aliases and tags are not allowed"),
    ("- doc_id: a\n  surface: !!binary aGVsbG8=\n  exclude: true\n", "anchors, aliases and tags are not allowed"),
])
def test_bad_curation_files_give_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "curation.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KpolicyError, match=message):
        ledger.load_curation(tmp_path)


def test_ledger_checks_can_fail() -> None:
    # A ledger row whose evidence names no mention, and a total above any budget ceiling.
    led = pl.DataFrame({"ledger_id": ["x@1"], "evidence_ids": [["x@9"]], "value_krw_literal": [1.0], "value_krw_adjusted": [1.0],
                        "is_counted_literal": [True], "is_counted_adjusted": [True]})
    mentions = pl.DataFrame({"mention_id": ["x@1"], "is_counted": [True]})
    assert analysis.ledger_evidence_problems(led, mentions)["problem"].to_list() == ["an evidence id names no mention"]
    totals = pl.DataFrame({"region": ["Busan"], "committed_krw": [21.5e12], "period": ["2022"]})
    assert not analysis.budget_ceiling_check(totals)["within_ceiling"][0]  # Busan's whole budget is below 21.5 trillion


def test_a_commitment_larger_than_its_funders_whole_budget_is_shown_not_counted(tmp_path: Path) -> None:
    # Busan's whole yearly budget is under 20 trillion won (money_scales.yaml): a city
    # spending 40 trillion won in one year on one programme is a mis-read figure.
    c = corpus_of(tmp_path, {"a": ("Busan", "2024-02-02", (
        "Busan pours money into AI\n"
        "Busan City will spend 40 trillion won this year on an AI campus.\n"
        "The city said on the 2nd that the campus opens in 2026.\n"))})
    row = c.facts("ledger").row(0, named=True)
    assert row["is_over_ceiling"] and not row["is_counted_literal"] and not row["is_counted_adjusted"]
    assert "NOT COUNTED" in row["why"]
    assert total(c, "Busan", "literal") == 0.0 and total(c, "Busan", "adjusted") == 0.0
    assert analysis.counted_rows_over_ceiling(c.facts("ledger")).height == 0
    # The independent check catches a ledger that counted it anyway.
    forced = c.facts("ledger").with_columns(pl.lit(True).alias("is_counted_literal"))
    assert analysis.counted_rows_over_ceiling(forced)["surface"].to_list() == ["40 trillion won"]


def test_a_dollar_commitment_without_a_won_equivalent_is_converted_at_the_sourced_yearly_rate(tmp_path: Path) -> None:
    import yaml

    from kpolicy.paths import DATA_DIR

    c = corpus_of(tmp_path, {"a": ("Ulsan", "2019-06-03", (
        "Ulsan signs battery deal\n"
        "The city signed an agreement with a battery maker on the 3rd.\n"
        "The plant is due to open in 2021.\n"
        "The company will invest $50 million in the plant.\n"))})
    row = c.facts("ledger").row(0, named=True)
    usd = yaml.safe_load((DATA_DIR / "fx_rates.yaml").read_text(encoding="utf-8"))["currencies"]["USD"]["entries"]
    rate_2019 = next(e["value"] for e in usd if e["year"] == 2019)  # the article's year
    assert row["currency"] == "USD" and row["fx_rate"] == pytest.approx(rate_2019)
    assert row["value_krw_literal"] == pytest.approx(50e6 * rate_2019)
    assert f"{rate_2019:,.2f} KRW per USD" in row["value_source"] and "2019" in row["value_source"]


def test_totals_command(tmp_path: Path, capsys) -> None:
    from kpolicy.cli import main

    corpus_of(tmp_path, {"a": ("Jeju", "2022-09-01", "Jeju plan\nJeju Province will spend 12 billion won on drones.\n")})
    assert main(["totals", "--corpus", str(tmp_path), "--format", "csv", "--basis", "literal"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("region,committed_krw,n_commitments,n_unresolved_suspect,period")
    assert lines[1].startswith("Jeju,12000000000.0,1,0,2022,")
    assert main(["facts", "ledger", "--corpus", str(tmp_path), "--format", "jsonl"]) == 0
    assert '"surface":"12 billion won"' in capsys.readouterr().out


def test_a_listing_cannot_overwrite_a_document_of_its_corpus(tmp_path: Path, capsys) -> None:
    from kpolicy.cli import main

    corpus_of(tmp_path, {"a": ("Jeju", "2022-09-01", "Jeju plan\nJeju Province will spend 12 billion won on drones.\n")})
    before = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert main(["totals", "--corpus", str(tmp_path), "--format", "csv", "--out", str(tmp_path / "a.csv")]) == 2
    assert "corpus" in capsys.readouterr().err
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == before and not (tmp_path / "a.csv").exists()


def test_a_headline_naming_a_part_or_rounding_the_lead_counts_once(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {
        # The title names the national share of the total the lead itemises: 45.6 bn once.
        "part": ("Daejeon", "2024-03-04", (
            "Daejeon secures 30 billion won in national funds for quantum testbed\n"
            "The testbed will cost a total of 45.6 billion won, with 30 billion won in national funds and 15.6 billion won in city funds.\n"
            "The city said on the 4th that building starts this year.\n")),
        # The title rounds the plan down (5 for 6 trillion): 6 trillion once.
        "round": ("Gyeonggi", "2024-03-05", (
            "Gyeonggi to invest KRW 5 trillion in chip cluster\n"
            "Gyeonggi Province will invest KRW 6 trillion in a semiconductor cluster by 2030.\n"
            "The province announced the plan on the 5th.\n")),
    })
    assert ledger.totals(c, "literal").select("region", "committed_krw").rows() == [("Daejeon", 45.6e9), ("Gyeonggi", 6e12)]


def test_a_companys_investment_and_a_citys_support_are_two_commitments(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Incheon", "2023-07-01", (
        "Incheon lands 3 trillion won bio plant\n"
        "Incheon City said Example Biologics will invest 3 trillion won in a bio plant in Songdo, and the city will support 20 billion won for roads.\n"
        "The city expects an economic effect of 5 trillion won.\n"))})
    led = {r["surface"]: r for r in c.facts("ledger").iter_rows(named=True)}
    assert set(led) == {"3 trillion won", "20 billion won"}  # 5 trillion is an effect
    assert str(led["3 trillion won"]["funder"]) == "private" and str(led["20 billion won"]["funder"]) == "local"
    assert total(c, "Incheon") == 3.02e12  # 3 trillion + 20 billion


def test_parts_named_by_who_pays_add_up_to_the_total(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {"a": ("Seoul", "2024-05-03", (
        "Seoul to spend 50 billion won on AI care robots\n"
        "The city said on the 3rd it will spend 50 billion won by 2026 on AI care robots.\n"
        "Of the total, 30 billion won will come from the city and 20 billion won from the central government.\n"
        "The city aims to cut care costs by 10 billion won a year.\n"))})
    m = dict(zip(c.facts("money_mentions")["surface"], c.facts("money_mentions")["role"].cast(pl.String)))
    assert m["30 billion won"] == "local_funds" and m["20 billion won"] == "national_funds"
    row = c.facts("ledger").row(0, named=True)
    assert c.facts("ledger").height == 1 and str(row["funder"]) == "mixed" and row["n_parts"] == 2
    assert total(c, "Seoul") == 50e9
