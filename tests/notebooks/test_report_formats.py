"""A folder that mixes .txt, .html, .pdf, .hwpx and .docx builds the same reports as
seeds/, and every figure cites its file and page (issue: real documents in).

The folder is written by tests/formats.py; its table gives each file's one money
sentence, page and value, worked out by hand from the text written there.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

pytest.importorskip("fpdf")
pytest.importorskip("docx")
pytest.importorskip("trafilatura")

import formats  # noqa: E402 - tests/ is on sys.path (conftest.py)

from kpolicy import analysis, load_corpus  # noqa: E402
from kpolicy.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    return formats.write_folder(tmp_path_factory.mktemp("mixed") / "press")


def test_every_format_loads_with_its_figure_page_and_citation(mixed: Path) -> None:
    corpus = load_corpus(mixed)
    corpus.check_accounting()
    assert corpus.rejects.height == 0 and corpus.duplicates.height == 0
    docs = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
    assert {d: r["format"] for d, r in docs.items()} == {
        Path(name).stem: fmt for name, (fmt, *_rest) in formats.EXPECTED.items()
    }
    for name, (_fmt, _page, _surface, _value, region) in formats.EXPECTED.items():
        assert docs[Path(name).stem]["regions"] == [region], name
    cited = analysis.cite(corpus.facts("amounts"), corpus.documents)
    got = {(r["surface"], r["amount_krw"], r["page"], r["source"]) for r in cited.iter_rows(named=True)}
    want = {(surface, value, page, f"{name}, p. {page}") for name, (_f, page, surface, value, _r) in formats.EXPECTED.items()}
    assert got == want
    # the HTML page's script and navigation never reach the text
    text = corpus.sentences.filter(pl.col("doc_id") == "news")["text"].str.join(" ").item()
    assert "tracker" not in text and "Home" not in text


def test_mixed_folder_builds_the_reports_with_file_and_page_citations(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    assert main(["report", "--corpus", str(mixed), "--out", str(out)]) == 0
    pages = {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert "corpus_overview" in pages and "index" in pages
    for name, (_fmt, page, _surface, _value, region) in formats.EXPECTED.items():
        profile = pages.get(f"profile_{region.lower()}")
        assert profile is not None, f"no profile report for {region}: {sorted(pages)}"
        assert f"{name}, p. {page}" in profile, (region, name)
    assert "should never appear" not in "".join(pages.values())
