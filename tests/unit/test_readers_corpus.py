"""The readers layer inside the corpus: a folder mixing plain text and reader formats.

A tiny fake reader (``.fake`` files: pages separated by form feeds, metadata in a
``META`` first line) stands in for any format, so these tests do not depend on the
PDF/HWP/HTML/DOCX modules; the real ones are exercised where installed.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import types
from pathlib import Path

import polars as pl
import pytest

from kpolicy import analysis, readers, schema
from kpolicy.cli import main
from kpolicy.corpus import Rejected, load_corpus
from kpolicy.readers import Extracted, Limits, Page, ReaderError


def _fake_read(data: bytes, *, limits: Limits) -> Extracted:
    text = data.decode("utf-8")
    if text.startswith("LOCKED"):
        raise ReaderError("encrypted", "The file is encrypted: remove the password and save it again.")
    if text.startswith("CRASH"):
        raise ValueError("the fake reader tripped")
    if text.startswith("SLOW"):
        time.sleep(5)
    meta: dict[str, str | None] = {"title": None, "date": None, "author": None, "publisher": None}
    if text.startswith("META "):
        first, text = text.split("\n", 1)
        meta.update(json.loads(first[5:]))
    pages = [Page(i, p) for i, p in enumerate(text.split("\f"), 1)]
    if len(pages) > limits.max_pages:
        raise ReaderError("too_many_pages", "too many pages")
    return Extracted(pages=pages, metadata=meta, format="fake")


@pytest.fixture
def fake_format(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("kpolicy.readers.fake")
    module.read = _fake_read  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kpolicy.readers.fake", module)
    monkeypatch.setitem(readers.SUFFIX_FORMATS, ".fake", "fake")


def write(root: Path, rel: str, data: str | bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


REPORT = "Busan will invest KRW 30 billion in a hydrogen port.\f\fDaegu adds 3 robot parks by 2030.\fGwangju plans KRW 2 billion for AI."


def test_mixed_folder_keeps_accounting_pages_and_reject_codes(tmp_path: Path, fake_format: None) -> None:
    write(tmp_path, "a.txt", "Seoul plans KRW 5 billion for AI schools.\n")
    write(tmp_path, "report.fake", REPORT)
    write(tmp_path, "copy/report.fake", REPORT)  # read first (sorted); report.fake is its duplicate
    write(tmp_path, "locked.fake", "LOCKED")
    write(tmp_path, "crash.fake", "CRASH")
    write(tmp_path, "blank.fake", "  \f \n")
    write(tmp_path, "sheet.xlsx", b"PK\x03\x04")
    corpus = load_corpus(tmp_path)
    corpus.check_accounting()
    assert corpus.files_found == 7
    docs = dict(zip(corpus.documents["path"], corpus.documents["format"]))
    assert docs == {"a.txt": "txt", "copy/report.fake": "fake"}
    reasons = dict(corpus.rejects.select("path", pl.col("reason").cast(pl.String)).iter_rows())
    assert reasons == {"locked.fake": "encrypted", "crash.fake": "corrupt", "blank.fake": "empty", "sheet.xlsx": "unsupported_type"}
    detail = dict(zip(corpus.rejects["path"], corpus.rejects["detail"]))
    assert "remove the password" in detail["locked.fake"] and "ValueError" in detail["crash.fake"]
    assert corpus.duplicates["path"].to_list() == ["report.fake"]

    # Pages: blank page 2 is skipped but numbering is kept; sentences start on pages 1, 3, 4.
    s = corpus.sentences.filter(pl.col("doc_id") == "report")
    assert s.schema["page"] == pl.Int32
    assert s["page"].to_list() == [1, 3, 4]
    assert corpus.sentences.filter(pl.col("doc_id") == "a")["page"].to_list() == [1]
    raw = corpus.documents.filter(pl.col("doc_id") == "report")["raw_text"][0]
    assert "hydrogen port.\n\nDaegu" in raw  # pages joined by a blank line
    corpus.check_offsets()

    # Facts inherit the page; reports cite "file, p. N".
    amounts = corpus.facts("amounts")
    assert dict(zip(amounts["surface"], amounts["page"])) == {"KRW 5 billion": 1, "KRW 30 billion": 1, "KRW 2 billion": 4}
    corpus.check_offsets(amounts)
    view = analysis.ledger_view(corpus.facts("ledger"), None, corpus.documents)
    assert set(view["source"].to_list()) == {"a.txt, p. 1", "copy/report.fake, p. 1"}
    mentions = corpus.facts("money_mentions")
    assert dict(zip(mentions["surface"], mentions["page"]))["KRW 2 billion"] == 4
    cited = analysis.cite(amounts, corpus.documents)
    assert dict(zip(cited["surface"], cited["source"]))["KRW 2 billion"] == "copy/report.fake, p. 4"


def test_reader_metadata_fills_and_catalog_overrides(tmp_path: Path, fake_format: None) -> None:
    meta = {"title": "Hydrogen port plan", "date": "2025-03-04", "author": "Kim", "publisher": "Busan City"}
    write(tmp_path, "one.fake", "META " + json.dumps(meta) + "\nBusan will build a hydrogen port.\fIt opens in 2030.")
    write(tmp_path, "two.fake", "META " + json.dumps(meta) + "\nUlsan will build a hydrogen plant.")
    write(tmp_path, "catalog.yaml", "two:\n  title: Curated title\n  published_date: 2024-12\n")
    corpus = load_corpus(tmp_path)
    d = {r["doc_id"]: r for r in corpus.documents.iter_rows(named=True)}
    assert d["one"]["title"] == "Hydrogen port plan" and d["one"]["publisher"] == "Busan City"
    assert d["one"]["reporter"] == "Kim"
    assert str(d["one"]["published_date"]) == "2025-03-04" and d["one"]["date_source"].startswith("file metadata (FAKE): the date the file was created")
    assert d["one"]["curated_fields"] == []
    assert d["two"]["title"] == "Curated title" and str(d["two"]["published_date"]) == "2024-12-01"
    assert d["two"]["date_precision"] == "month" and d["two"]["date_source"] == "catalog"
    assert d["two"]["publisher"] == "Busan City"  # not curated: the reader's value stays
    assert corpus.sentences.filter(pl.col("doc_id") == "one")["page"].to_list() == [1, 2]


def test_text_date_beats_file_property_date(tmp_path: Path, fake_format: None) -> None:
    meta = {"title": "Port plan", "date": "2013-12-23", "author": "python-docx"}
    write(tmp_path, "x.fake", "META " + json.dumps(meta) + "\nBusan, March 4, 2025. The city will build a port. 김철수 기자")
    d = load_corpus(tmp_path).documents.row(0, named=True)
    assert str(d["published_date"]) == "2025-03-04" and d["date_source"].startswith("inferred")
    assert d["title"] == "Port plan" and d["reporter"] == "김철수"


def test_bad_reader_date_is_dropped_not_rejected(tmp_path: Path, fake_format: None) -> None:
    write(tmp_path, "x.fake", 'META {"date": "D:garbage"}\nJeju plans a smart farm.')
    corpus = load_corpus(tmp_path)
    assert corpus.documents.height == 1 and corpus.documents["published_date"][0] is None


def test_dispatch_by_suffix_and_magic_bytes() -> None:
    assert readers.detect_format(b"%PDF-1.7 ...", ".html") == "pdf"  # a misnamed PDF
    assert readers.detect_format(b"<html><body>x</body></html>", ".htm") == "html"
    assert readers.detect_format(b"%PDF-1.7", ".txt") == "txt"  # plain text decides for itself
    with pytest.raises(ReaderError) as err:
        readers.detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".docx")
    assert err.value.code == "unsupported" and ".docx" in err.value.message
    with pytest.raises(ReaderError) as err:
        readers.detect_format(b"HWP Document File V3.00", ".hwp")
    assert err.value.code == "unsupported_hwp"
    with pytest.raises(ReaderError) as err:
        readers.read_bytes(b"", ".pdf")
    assert err.value.code == "empty"
    # Every reader code is a rejects reason, and Rejected is ReaderError.
    assert set(readers.READER_CODES) <= set(schema.REJECT_REASONS)
    assert Rejected is ReaderError


def test_missing_module_or_dependency_is_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(readers.SUFFIX_FORMATS, ".nothing", "nothing")
    with pytest.raises(ReaderError) as err:
        readers.read_bytes(b"data", ".nothing")
    assert err.value.code == "unsupported" and "no NOTHING reader" in err.value.message
    # A module whose dependency is absent: the import fails inside the module.
    monkeypatch.setitem(readers.SUFFIX_FORMATS, ".dep", "dep")

    def fail_import(name: str, *args, **kwargs):
        if name == "kpolicy.readers.dep":
            raise ModuleNotFoundError("No module named 'somelib'", name="somelib")
        return real_import(name, *args, **kwargs)

    real_import = importlib.import_module
    monkeypatch.setattr(readers.importlib, "import_module", fail_import)
    with pytest.raises(ReaderError) as err:
        readers.read_bytes(b"data", ".dep")
    assert err.value.code == "unsupported" and "somelib" in err.value.message


def test_timeout(fake_format: None) -> None:
    t0 = time.monotonic()
    with pytest.raises(ReaderError) as err:
        readers.read_bytes(b"SLOW", ".fake", limits=Limits(max_seconds=0.2))
    assert err.value.code == "timeout" and time.monotonic() - t0 < 3


def test_too_many_pages(fake_format: None) -> None:
    with pytest.raises(ReaderError) as err:
        readers.read_bytes("\f".join(["page"] * 5).encode(), ".fake", limits=Limits(max_pages=3))
    assert err.value.code == "too_many_pages"


def test_read_file_plain_text(tmp_path: Path) -> None:
    write(tmp_path, "k.txt", "부산시는 수소 항만을 만든다.".encode("cp949"))
    out = readers.read_file(tmp_path / "k.txt")
    assert out.format == "txt" and out.metadata["encoding"] == "cp949"
    assert [p.number for p in out.pages] == [1] and out.pages[0].text.startswith("부산시")


def test_cli_sentences_show_page(tmp_path: Path, fake_format: None, capsys) -> None:
    write(tmp_path, "r.fake", "Busan builds a port.\fUlsan builds a plant.")
    assert main(["sentences", "--corpus", str(tmp_path), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "page" in out[0].split(",")
    assert out[2].endswith(",2")


def _have(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _have("kpolicy.readers.html"), reason="HTML reader not installed")
def test_real_html_beside_text(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Seoul plans KRW 5 billion for AI schools.\n")
    write(tmp_path, "b.html", "<html><head><title>Daegu robots</title><script>var x = 'KRW 9 billion';</script></head>"
          "<body><article><h1>Daegu robots</h1><p>Daegu will spend KRW 2 billion on robot parks by 2030, the city said on Monday.</p>"
          "<p>The plan covers three districts and 40 companies.</p></article></body></html>")
    corpus = load_corpus(tmp_path)
    corpus.check_accounting()
    assert corpus.documents.height == 2, corpus.rejects.to_dicts()
    html_doc = corpus.documents.filter(pl.col("format") == "html")
    assert html_doc["title"][0] == "Daegu robots"
    assert "KRW 9 billion" not in html_doc["text"][0]  # script text is not read
    assert set(corpus.sentences["page"].to_list()) == {1}
