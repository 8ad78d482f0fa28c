"""Unit tests for the dev-set scorer (kpolicy.devset) on tiny invented articles.

Every text and label here is written for the test (no third-party text). The scoring
tests replace the extractor with fixed predictions, so the expected precision and recall
are computed by hand below; one test runs the real extractor end to end.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml

from kpolicy import devset
from kpolicy.cli import main
from kpolicy.errors import KpolicyError

TEXT_A = "The city will spend KRW 12.8 billion on AI and KRW 1408 billion on data. Tickets cost 3,000 won. In 2030 it won 3 awards."
TEXT_B = "시는 5억 원을 투입한다. 국비 20억 원도 확보했다."


def label(doc_id: str, language: str, amounts: list[dict], **extra: object) -> dict:
    return {
        "id": doc_id, "url": f"https://example.org/{doc_id}", "retrieved": "2026-12-05", "outlet": "Invented Daily",
        "language": language, "translated": "unknown", "title": f"Invented article {doc_id}", "amounts": amounts, **extra,
    }


def amt(surface: str, value: float, **extra: object) -> dict:
    return {"surface": surface, "currency": "KRW", "value": value, "garble": None, "intended": None, "note": "test", **extra}


def write_set(tmp_path: Path, labels: list[dict], texts: dict[str, str]) -> tuple[Path, Path]:
    ldir, tdir = tmp_path / "labels", tmp_path / "texts"
    ldir.mkdir(parents=True)
    tdir.mkdir(parents=True)
    for lab in labels:
        (ldir / f"{lab['id']}.yaml").write_text(yaml.safe_dump(lab, allow_unicode=True), encoding="utf-8")
    for doc_id, text in texts.items():
        (tdir / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return ldir, tdir


def standard_set(tmp_path: Path) -> tuple[Path, Path]:
    labels = [
        label("a", "en", [
            amt("KRW 12.8 billion", 12.8e9),
            amt("KRW 1408 billion", 1408e9, garble="eok_as_billion", intended=140.8e9),
            amt("3,000 won", 3000),
        ], not_money=["won 3 awards"]),
        label("b", "ko", [amt("5억 원", 5e8), amt("20억 원", 2e9)]),
        label("c", "en", [amt("KRW 1 billion", 1e9)]),  # its text is never saved: skipped
    ]
    return write_set(tmp_path, labels, {"a": TEXT_A, "b": TEXT_B})


def fake_predictions(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """What an imperfect extractor might say about TEXT_A and TEXT_B."""

    def p(doc: str, surface: str, value: float, flags: list[str] = [], adjusted: float | None = None) -> dict:
        start = texts[doc].index(surface)
        return {"doc_id": doc, "start": start, "end": start + len(surface), "surface": surface, "currency": "KRW",
                "value_native": value, "flags": flags, "amount_krw_adjusted": adjusted}

    rows = [
        p("a", "KRW 12.8 billion", 12.8e9),  # right
        p("a", "KRW 1408 billion", 1408e9, ["eok_as_billion"], 140.8e9),  # right, flagged, adjusted right
        p("a", "3,000", 3e6, ["implausible_magnitude"]),  # overlaps "3,000 won", wrong value, false flag
        p("a", "won 3", 3.0),  # not money: an extra prediction
        p("b", "5억 원", 5e8),  # right; "20억 원" is missed
    ]
    return pl.DataFrame(rows), {}


def test_scores_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = standard_set(tmp_path)
    monkeypatch.setattr(devset, "predict", fake_predictions)
    ev = devset.evaluate(ldir, tdir)
    assert ev.scored == ["a", "b"] and ev.skipped == ["c"]
    rows = {r["language"]: r for r in ev.summary.iter_rows(named=True)}
    assert set(rows) == {"en", "ko", "all"}
    # all: 5 labels, 5 predictions, 3 matches; 4 labels overlapped by some prediction.
    a = rows["all"]
    assert (a["labelled"], a["predicted"], a["matched"]) == (5, 5, 3)
    assert a["precision"] == pytest.approx(3 / 5) and a["recall"] == pytest.approx(3 / 5) and a["f1"] == pytest.approx(3 / 5)
    assert a["value_accuracy"] == pytest.approx(3 / 4)
    # One garble, flagged: recall 1. Flagged predictions on labels: the garble and "3,000 won".
    assert (a["garbles"], a["garbles_flagged"], a["garble_recall"]) == (1, 1, 1.0)
    assert (a["flagged_paired"], a["false_flags"], a["garble_precision"]) == (2, 1, 0.5)
    assert (a["intended"], a["adjusted_accuracy"], a["false_adjustments"]) == (1, 1.0, 0)
    assert a["bound_accuracy"] is None  # the fake extractor has no bound column
    en, ko = rows["en"], rows["ko"]
    assert (en["articles"], en["labelled"], en["predicted"], en["matched"]) == (1, 3, 4, 2)
    assert en["precision"] == pytest.approx(2 / 4) and en["recall"] == pytest.approx(2 / 3)
    assert (ko["articles"], ko["labelled"], ko["predicted"], ko["matched"]) == (1, 2, 1, 1)
    assert ko["precision"] == 1.0 and ko["recall"] == 0.5 and ko["garble_recall"] is None

    text = devset.report(ev)
    assert "skipped (text missing): c" in text
    assert "missed    L '20억 원'" in text
    assert "value/false-flag L '3,000 won'" in text
    assert "not_money P 'won 3'" in text
    assert "12.8 billion" not in text.split("Misses by article")[1]  # a clean match is not listed


def test_value_must_match_within_half_a_percent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = write_set(tmp_path, [label("a", "en", [amt("KRW 12.8 billion", 12.8e9), amt("KRW 1408 billion", 1408e9)])],
                           {"a": TEXT_A})

    def near(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
        t = texts["a"]
        rows = [  # 0.4 % off: a match; 1 % off: not; spans shifted but overlapping
            {"doc_id": "a", "start": t.index("12.8"), "end": t.index("12.8") + 4, "surface": "12.8", "currency": "KRW",
             "value_native": 12.8e9 * 1.004, "flags": [], "amount_krw_adjusted": None},
            {"doc_id": "a", "start": t.index("1408"), "end": t.index("1408") + 4, "surface": "1408", "currency": "KRW",
             "value_native": 1408e9 * 1.01, "flags": [], "amount_krw_adjusted": None},
        ]
        return pl.DataFrame(rows), {}

    monkeypatch.setattr(devset, "predict", near)
    r = devset.evaluate(ldir, tdir).summary.row(0, named=True)
    assert (r["matched"], r["precision"], r["recall"], r["value_accuracy"]) == (1, 0.5, 0.5, 0.5)


def test_real_extractor_end_to_end(tmp_path: Path) -> None:
    text = "The province will invest KRW 12.8 billion in a data centre next year."
    ldir, tdir = write_set(tmp_path, [label("solo", "en", [amt("KRW 12.8 billion", 12.8e9)])], {"solo": text})
    ev = devset.evaluate(ldir, tdir)
    r = ev.summary.filter(pl.col("language") == "all").row(0, named=True)
    assert (r["labelled"], r["predicted"], r["matched"], r["recall"], r["precision"]) == (1, 1, 1, 1.0, 1.0)


def test_no_texts_says_so_and_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ldir, tdir = write_set(tmp_path, [label("a", "en", [amt("KRW 12.8 billion", 12.8e9)])], {})
    assert main(["eval", "--labels", str(ldir), "--texts", str(tdir)]) == 0
    out = capsys.readouterr().out
    assert "no article texts found, nothing scored" in out
    assert "skipped (text missing): a" in out


def test_cli_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = standard_set(tmp_path)
    monkeypatch.setattr(devset, "predict", fake_predictions)
    assert main(["eval", "--labels", str(ldir), "--texts", str(tdir)]) == 0
    out = capsys.readouterr().out
    assert "all:   2 articles  amounts P  60.0% R  60.0% F1  60.0% (3/5 labelled, 5 predicted)" in out


def test_surface_not_in_text_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ldir, tdir = write_set(tmp_path, [label("a", "en", [amt("KRW 99 billion", 99e9)])], {"a": TEXT_A})
    with pytest.raises(KpolicyError, match=r"a\.yaml: surface 'KRW 99 billion' is not in the text a\.txt"):
        devset.evaluate(ldir, tdir)
    assert main(["eval", "--labels", str(ldir), "--texts", str(tdir)]) == 2
    assert "KRW 99 billion" in capsys.readouterr().err


def test_surface_inside_a_longer_number_is_not_found(tmp_path: Path) -> None:
    ldir, tdir = write_set(tmp_path, [label("a", "en", [amt("2.8 billion", 2.8e9)])], {"a": TEXT_A})
    with pytest.raises(KpolicyError, match="'2.8 billion' is not in the text"):
        devset.evaluate(ldir, tdir)


def test_repeated_surface_needs_an_occurrence(tmp_path: Path) -> None:
    text = "It costs KRW 5 billion. Later it still costs KRW 5 billion."
    ldir, tdir = write_set(tmp_path, [label("a", "en", [amt("KRW 5 billion", 5e9)])], {"a": text})
    with pytest.raises(KpolicyError, match="appears 2 times in a.txt; give its occurrence"):
        devset.evaluate(ldir, tdir)
    ldir2, tdir2 = write_set(tmp_path / "x", [label("a", "en", [amt("KRW 5 billion", 5e9, occurrence=3)])], {"a": text})
    with pytest.raises(KpolicyError, match="occurrence 3 asked, but it appears 2 time"):
        devset.evaluate(ldir2, tdir2)


def test_malformed_label_names_file_and_field(tmp_path: Path) -> None:
    bad = label("a", "fr", [amt("KRW 12.8 billion", 12.8e9)])
    ldir, tdir = write_set(tmp_path, [bad], {"a": TEXT_A})
    with pytest.raises(KpolicyError, match=r"a\.yaml: language must be one of"):
        devset.evaluate(ldir, tdir)
    lab = label("b", "en", [{"surface": "KRW 12.8 billion", "currency": "won", "value": 1}])
    ldir2, tdir2 = write_set(tmp_path / "x", [lab], {"b": TEXT_A})
    with pytest.raises(KpolicyError, match=r"b\.yaml: amount 1 'KRW 12.8 billion': currency must be an ISO 4217 code"):
        devset.evaluate(ldir2, tdir2)


# -- targets ---------------------------------------------------------------------------

TEXT_TA = ("The plan aims to create 10,000 jobs by 2030 and to rank in the top 3 by 2027. "
           "It will invest KRW 5 billion. Last year 2,000 jobs were created.")
TEXT_TB = "정부는 2030년까지 AI 인재 1만 명을 양성하고 세계 5위를 목표로 한다."


def tgt(surface: str, value: float, unit: str, year: int | None, kind: str = "count", bound: str = "exact",
        **extra: object) -> dict:
    return {"surface": surface, "value": value, "unit": unit, "year": year, "annual": False, "bound": bound,
            "kind": kind, "baseline": None, "note": "test", **extra}


def targets_set(tmp_path: Path) -> tuple[Path, Path]:
    labels = [
        label("ta", "en", [amt("KRW 5 billion", 5e9)],
              targets=[tgt("10,000 jobs", 10000, "jobs", 2030), tgt("top 3", 3, "rank", 2027, "rank", "at_most")],
              not_targets=[{"surface": "KRW 5 billion", "why": "commitment"},
                           {"surface": "2,000 jobs", "why": "achieved last year"}]),
        label("tb", "ko", [], targets=[tgt("1만 명", 10000, "people", 2030),
                                        tgt("세계 5위", 5, "rank", None, "rank", "at_most")]),
        label("tc", "en", []),  # no targets section: left out of the targets scores
    ]
    return write_set(tmp_path, labels, {"ta": TEXT_TA, "tb": TEXT_TB, "tc": "The city spends nothing."})


def no_amounts(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    return pl.DataFrame(), {}


def fake_targets(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """An imperfect targets extractor on TEXT_TA / TEXT_TB (no kind or baseline column)."""

    def p(doc: str, surface: str, value: float, unit: str, year: int | None, bound: str = "exact") -> dict:
        start = texts[doc].index(surface)
        return {"doc_id": doc, "start": start, "end": start + len(surface), "surface": surface, "target": value,
                "unit": unit, "target_year": year, "is_annual": False, "bound": bound}

    rows = [
        p("ta", "10,000 jobs", 10000, "count", 2030),  # right, year right
        p("ta", "top 3", 3, "rank", None, "at_most"),  # right value, year missing
        p("ta", "2,000 jobs", 2000, "count", None),  # a past figure: on a not_targets surface
        p("tb", "1만 명", 1000, "count", 2030),  # overlaps the label, value wrong; "세계 5위" is missed
    ]
    return pl.DataFrame(rows), {}


def test_targets_scores_by_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = targets_set(tmp_path)
    monkeypatch.setattr(devset, "predict", no_amounts)
    monkeypatch.setattr(devset, "predict_targets", fake_targets)
    ev = devset.evaluate(ldir, tdir)
    assert ev.scored == ["ta", "tb", "tc"] and ev.targets_scored == ["ta", "tb"]
    assert ev.target_columns["kind"] is None and ev.target_columns["year"] == "target_year"
    rows = {r["language"]: r for r in ev.targets_summary.iter_rows(named=True)}
    # all: 4 labels, 4 predictions, 2 matches ("10,000 jobs", "top 3"); 3 labels overlapped.
    a = rows["all"]
    assert (a["articles"], a["labelled"], a["predicted"], a["matched"]) == (2, 4, 4, 2)
    assert (a["precision"], a["recall"], a["f1"]) == (0.5, 0.5, 0.5)
    assert a["value_accuracy"] == pytest.approx(2 / 3)
    # Of the 2 matches: year right on one; unit (jobs ~ count, rank), bound and annual right on both.
    assert (a["year_accuracy"], a["unit_accuracy"], a["bound_accuracy"], a["annual_accuracy"]) == (0.5, 1.0, 1.0, 1.0)
    assert a["kind_accuracy"] is None and a["baseline_accuracy"] is None  # columns the fake does not emit
    assert a["not_target_hits"] == 1
    en, ko = rows["en"], rows["ko"]
    assert (en["articles"], en["labelled"], en["predicted"], en["matched"]) == (1, 2, 3, 2)
    assert en["precision"] == pytest.approx(2 / 3) and en["recall"] == 1.0 and en["f1"] == pytest.approx(0.8)
    assert (ko["articles"], ko["labelled"], ko["predicted"], ko["matched"]) == (1, 2, 1, 0)
    assert (ko["precision"], ko["recall"], ko["f1"], ko["value_accuracy"]) == (0.0, 0.0, 0.0, 0.0)
    assert ko["year_accuracy"] is None  # nothing matched

    text = devset.report(ev)
    assert "all:   2 articles  targets P  50.0% R  50.0% F1  50.0% (2/4 labelled, 4 predicted, 1 on not_targets)" in text
    assert "kind acc   n/a" in text
    misses = text.split("Target misses by article")[1]
    assert "missed     L '세계 5위'" in misses
    assert "value      L '1만 명'" in misses
    assert "year(2027) L 'top 3'" in misses
    assert "not_target P '2,000 jobs'" in misses
    assert "'10,000 jobs'" not in misses  # a clean match is not listed
    # The money section is unchanged: its line still comes first.
    assert text.splitlines()[1].startswith(" en:   2 articles  amounts")


def test_targets_value_within_half_a_percent_and_one_to_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = targets_set(tmp_path)

    def near(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
        t = texts["ta"]
        s = t.index("10,000")
        rows = [  # two predictions on one label: the one whose value matches is paired, the other is extra
            {"doc_id": "ta", "start": s, "end": s + 6, "surface": "10,000", "target": 10000 * 1.01},
            {"doc_id": "ta", "start": s, "end": s + 11, "surface": "10,000 jobs", "target": 10000 * 1.004},
        ]
        return pl.DataFrame(rows), {}

    monkeypatch.setattr(devset, "predict", no_amounts)
    monkeypatch.setattr(devset, "predict_targets", near)
    ev = devset.evaluate(ldir, tdir)
    r = ev.targets_summary.filter(pl.col("language") == "all").row(0, named=True)
    assert (r["labelled"], r["predicted"], r["matched"], r["precision"], r["recall"]) == (4, 2, 1, 0.5, 0.25)
    assert r["year_accuracy"] is None and r["unit_accuracy"] is None  # only a value column
    assert "extra      P '10,000'" in devset.report(ev)


def test_no_targets_sections_no_targets_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ldir, tdir = standard_set(tmp_path)
    monkeypatch.setattr(devset, "predict", fake_predictions)

    def never(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
        raise AssertionError("the targets extractor runs only when some article has target labels")

    monkeypatch.setattr(devset, "predict_targets", never)
    ev = devset.evaluate(ldir, tdir)
    assert ev.targets_summary is None and ev.targets_scored == []
    assert "targets" not in devset.report(ev).lower()


def test_target_labels_are_checked(tmp_path: Path) -> None:
    bad = label("a", "en", [], targets=[tgt("10,000 jobs", 10000, "jobs", 2030, bound="approx")])
    ldir, tdir = write_set(tmp_path / "1", [bad], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match=r"a\.yaml: target 1 '10,000 jobs': bound must be one of"):
        devset.evaluate(ldir, tdir)
    missing = label("a", "en", [], targets=[{"surface": "10,000 jobs", "value": 10000}])
    ldir, tdir = write_set(tmp_path / "2", [missing], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match=r"target 1 '10,000 jobs': missing key\(s\) \['annual', 'baseline'"):
        devset.evaluate(ldir, tdir)
    absent = label("a", "en", [], targets=[tgt("20,000 jobs", 20000, "jobs", 2030)])
    ldir, tdir = write_set(tmp_path / "3", [absent], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match=r"a\.yaml: target surface '20,000 jobs' is not in the text a\.txt"):
        devset.evaluate(ldir, tdir)
    inside = label("a", "en", [], targets=[tgt("0,000 jobs", 0, "jobs", 2030)])  # only inside "10,000 jobs"
    ldir, tdir = write_set(tmp_path / "4", [inside], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match="'0,000 jobs' is not in the text"):
        devset.evaluate(ldir, tdir)
    no_why = label("a", "en", [], targets=[], not_targets=[{"surface": "2,000 jobs"}])
    ldir, tdir = write_set(tmp_path / "5", [no_why], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match=r"not_targets 1 must be a mapping \{surface: \.\.\., why: \.\.\.\}"):
        devset.evaluate(ldir, tdir)
    gone = label("a", "en", [], targets=[], not_targets=[{"surface": "3,000 jobs", "why": "x"}])
    ldir, tdir = write_set(tmp_path / "6", [gone], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match="not_targets surface '3,000 jobs' is not in the text"):
        devset.evaluate(ldir, tdir)
    year = label("a", "en", [], targets=[tgt("10,000 jobs", 10000, "jobs", "2030")])
    ldir, tdir = write_set(tmp_path / "7", [year], {"a": TEXT_TA})
    with pytest.raises(KpolicyError, match="'year' must be a year such as 2030 or null"):
        devset.evaluate(ldir, tdir)


def test_unit_class() -> None:
    assert [devset.unit_class(u) for u in ("%", "pct", "rank", "times", "KRW", "krw", "jobs", "GPUs", "other")] == [
        "pct", "pct", "rank", "multiple", "krw", "krw", "count", "count", "other"]
    assert devset.unit_class("EUR", "money") == "eur" and devset.unit_class("places", "rank") == "rank"
    assert devset.unit_class(None) is None


def test_real_targets_extractor_spans_index_the_saved_text() -> None:
    texts = {"solo": "The city aims to create 10,000 jobs by 2030.\n", "solo2": "정부는 2030년까지 AI 인재 1만 명을 양성한다.\n"}
    preds, lost = devset.predict_targets(texts)
    assert lost == {} and preds.height > 0  # the plainest goal phrasing; the spans are what is checked
    for r in preds.iter_rows(named=True):
        assert texts[r["doc_id"]][r["start"]:r["end"]] == r["surface"]
