"""Readable charts and tables: one number style, dates at their precision, shared colours,
empty charts explained, log scales for wide spans, whole-number ticks, Hangul in a
Korean font, and the evidence behind each mark. Inputs are written here by hand."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
import vl_convert as vlc

from kpolicy import analysis, charts
from kpolicy.charts.style import FONT_DIRS, KOREAN_FONT, money_unit, wide_span
from kpolicy.display import date_text, table
from kpolicy.reporting.render import doc_page, render_document_page, script_json


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (92_200e9, "92.2 trillion won"),      # not "92,200.0 billion won"
        (1.5e12, "1.5 trillion won"),
        (12.8e9, "12.8 billion won"),
        (5e9, "5 billion won"),
        (500e6, "500 million won"),
        (1e25, "10,000,000,000,000 trillion won"),  # never 1e+25
        (3_283e12, "3,283 trillion won"),
        (0, "0 won"),
    ],
)
def test_won_text(value: float, text: str) -> None:
    assert charts.won_text(value) == text


def test_tables_never_show_scientific_notation_and_dates_keep_their_precision() -> None:
    df = pl.DataFrame({
        "doc_id": ["a", "b", "c"],
        "published_date": [dt.date(2020, 1, 1), dt.date(2019, 4, 1), dt.date(2022, 1, 4)],
        "date_precision": ["year", "month", "day"],
        "total_krw": [1e25, 92_200e9, 5e9],
        "ratio": [0.123456, 1234.5, 2.0],
    })
    html = table(df)._repr_html_()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert cells == [
        "a", "2020", "year", "10,000,000,000,000 trillion won", "0.123",
        "b", "2019-04", "month", "92.2 trillion won", "1,234",  # 1234.5 rounds half to even
        "c", "2022-01-04", "day", "5 billion won", "2",
    ]
    assert "e+" not in html and '<div class="kp-scroll">' in html
    assert date_text(dt.date(2020, 1, 1), "year") == "2020" and date_text(None) == ""


def test_a_krw_target_reads_in_won() -> None:
    df = pl.DataFrame({"metric": ["sales"], "baseline": [11.8e12], "target": [20e12], "unit": ["krw"]})
    assert re.findall(r'<td class="num nowrap">([^<]*)</td>', table(df)._repr_html_()) == ["11.8 trillion won", "20 trillion won"]


def _money(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"region": [r[0] for r in rows], "role": [r[1] for r in rows], "total_krw": [r[2] for r in rows],
         "n_counted": [1] * len(rows), "n_suspect_excluded": [0] * len(rows)}
    )


def test_a_role_has_one_colour_in_every_chart() -> None:
    a = charts.money_bars(_money([("Busan", "investment", 2e9), ("Busan", "budget", 3e9)])).to_dict()
    b = charts.money_bars(_money([("Incheon", "private_funds", 4e9), ("Incheon", "investment", 1e9)])).to_dict()

    def colours(spec: dict) -> dict[str, str]:
        scale = spec["encoding"]["color"]["scale"]
        return dict(zip(scale["domain"], scale["range"], strict=True))

    assert colours(a)["investment"] == colours(b)["investment"] == charts.ROLE_COLORS["investment"]
    assert colours(a)["budget"] != colours(a)["investment"]


def test_wide_spans_get_a_log_axis_and_close_ones_stack() -> None:
    assert wide_span([1.5e12, 5.7e9]) and not wide_span([3e9, 200e9]) and not wide_span([5e9])
    wide = charts.money_bars(_money([("Busan", "investment", 1.5e12), ("Incheon", "national_funds", 12.8e9)])).to_dict()
    assert wide["encoding"]["x"]["scale"] == {"type": "log"} and "yOffset" in wide["encoding"]
    assert wide["encoding"]["x"]["title"] == "billion won (log scale)"
    close = charts.money_bars(_money([("Busan", "investment", 3e9), ("Incheon", "budget", 200e9)])).to_dict()
    assert "scale" not in close["encoding"]["x"] and close["encoding"]["x"]["stack"] == "zero"
    assert money_unit([2e12, 1.5e12]) == (1e12, "trillion won") and money_unit([2e12, 5e9]) == (1e9, "billion won")


def test_empty_charts_say_why() -> None:
    empty_targets = pl.DataFrame(schema={"region": pl.String, "metric": pl.String, "baseline": pl.Float64, "target": pl.Float64,
                                         "unit": pl.String, "target_year": pl.Int32})
    shown = charts.target_dumbbell(empty_targets, title="Busan: percentage targets")
    assert isinstance(shown, charts.EmptyChart)
    bundle = shown._repr_mimebundle_()
    assert bundle["text/plain"] == "Busan: percentage targets: No percentage target with a stated baseline."
    suspect_only = _money([("Gyeonggi", "investment", 0.0)]).with_columns(pl.lit(2).alias("n_suspect_excluded"))
    assert repr(charts.money_bars(suspect_only)) == (
        "Money committed by region: No counted money commitment for Gyeonggi (2 suspect figure(s) not summed; see the tables below)."
    )
    assert isinstance(charts.timeline_chart(pl.DataFrame(schema={"region": pl.String, "year": pl.Int32, "role": pl.String,
                                                                 "n_mentions": pl.Int64, "surface": pl.String})), charts.EmptyChart)


def test_timeline_has_whole_unique_year_ticks_and_whole_size_legend() -> None:
    tl = pl.DataFrame({"region": ["Busan", "Busan", "Incheon"], "year": [2022, 2023, 2030], "role": ["horizon", "target", "target"],
                       "n_mentions": [1, 8, 3], "surface": ["2022", "2023", "2030"]})
    spec = charts.timeline_chart(tl).to_dict()
    ticks = spec["encoding"]["x"]["axis"]["values"]
    assert ticks == list(range(2022, 2031)) and spec["encoding"]["x"]["axis"]["format"] == "d"
    assert spec["encoding"]["size"]["legend"]["values"] == [1, 4, 8]


def test_evidence_of_money_bars_and_theme_cells() -> None:
    ledger = pl.DataFrame({
        "region": ["Busan", "Busan", "Incheon"], "role": ["investment", "investment", "budget"],
        "is_counted_literal": [True, False, True], "evidence_ids": [["d1@5", "d2@9"], ["d1@70"], ["d3@0"]],
    })
    mentions = pl.DataFrame({"mention_id": ["d1@5", "d2@9", "d1@70", "d3@0"], "doc_id": ["d1", "d2", "d1", "d3"],
                             "sentence_idx": [0, 4, 3, 1]})
    ev = analysis.committed_evidence(ledger, mentions, "literal")
    assert ev.rows() == [("Busan", "investment", ["d1#0", "d2#4"]), ("Incheon", "budget", ["d3#1"])]
    spec = charts.money_bars(_money([("Busan", "investment", 2e9), ("Incheon", "budget", 3e9)]), evidence=ev).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {(r["region"], tuple(r["evidence"]), r["n_evidence"]) for r in rows} == {("Busan", ("d1#0", "d2#4"), 2), ("Incheon", ("d3#1",), 1)}
    assert any(t.get("field") == "n_evidence" for t in spec["encoding"]["tooltip"])

    themes = pl.DataFrame({"doc_id": ["d1", "d1", "d2"], "sentence_idx": [2, 2, 7], "theme_major": ["ai", "ai", "ai"]})
    docs = pl.DataFrame({"doc_id": ["d1", "d2"], "regions": [["Busan"], ["Busan", "Seoul"]]})
    assert analysis.theme_evidence(themes, docs).sort("region").rows() == [("Busan", "ai", ["d1#2", "d2#7"]), ("Seoul", "ai", ["d2#7"])]


def test_evidence_json_and_document_pages_are_escaped() -> None:
    hostile = '</script><script>document.title="PWNED"</script>&\u2028'
    text = script_json({"k": {"text": hostile}})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    page = render_document_page(
        {"doc_id": "<svg onload=alert(1)>", "title": hostile, "path": "<img src=x onerror=alert(1)>.txt"},
        pl.DataFrame({"doc_id": ["x"], "sentence_idx": [0], "page": [None], "text": [hostile]}, schema_overrides={"page": pl.Int64}),
    )
    assert "<script>document" not in page and "<svg onload" not in page and "<img src=x" not in page
    assert '<p class="s" id="s0">' in page
    assert re.fullmatch(r"docs/[A-Za-z0-9_-]+-[0-9a-f]{10}\.html", doc_page("../../<svg onload=x>/a b"))
    assert doc_page("a/b") != doc_page("a_b")


KOREAN = next((d for d in FONT_DIRS if Path(d).is_dir()), None)


@pytest.mark.skipif(KOREAN is None, reason="no Korean font installed (`make fonts` installs Debian's fonts-nanum)")
def test_hangul_renders_in_the_korean_font_not_boxes() -> None:
    """Without a Korean font every syllable is the same box, so two different words render
    identically; with it they differ. The SVG names the font."""
    charts.register_fonts()

    def png(word: str) -> bytes:
        spec = charts.documents_by_region(pl.DataFrame({"region": [word], "level": ["metropolitan"], "n_documents": [1], "doc_ids": [["d"]]})).to_dict()
        return vlc.vegalite_to_png(spec)

    assert png("부산광역") != png("인천광역")
    spec = charts.documents_by_region(pl.DataFrame({"region": ["부산"], "level": ["metropolitan"], "n_documents": [1], "doc_ids": [["d"]]})).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    assert f'font-family="{KOREAN_FONT}' in svg or f"font-family=\"'{KOREAN_FONT}'" in svg or KOREAN_FONT in svg
    assert base64.b64encode(png("부산"))  # rendered at all
