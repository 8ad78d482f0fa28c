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
