"""Corpus loading on small folders that each test writes itself."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl
import pytest

from kpolicy import load_corpus
from kpolicy.corpus import Rejected, decode_bytes, read_catalog
from kpolicy.errors import KpolicyError

GOOD = "Daejeon Unveils AI Plan\n\nDaejeon City announced on March 5, 2025 that it will invest in AI.\n"
KOREAN = "대전시, 인공지능 계획 발표\n\n대전시는 2025년 3월 5일 인공지능 산업에 투자한다고 밝혔다.\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
UNDECODABLE = bytes(range(0x80, 0x100)) * 4


def write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (GOOD.encode("utf-8"), GOOD, "utf-8"),
        (b"\xef\xbb\xbf" + GOOD.encode("utf-8"), GOOD, "utf-8"),
        (GOOD.encode("utf-16"), GOOD, "utf-16"),
        (KOREAN.encode("utf-16-le"), KOREAN, "utf-16-le"),
        (KOREAN.encode("utf-16-be"), KOREAN, "utf-16-be"),
        (KOREAN.encode("cp949"), KOREAN, "cp949"),
        (KOREAN.encode("euc-kr"), KOREAN, "cp949"),
        ("Café Séoul, déjà vu".encode("latin-1"), "Café Séoul, déjà vu", "cp1252"),
        ("It’s “smart”".encode("cp1252"), "It’s “smart”", "cp1252"),
    ],
)
def test_decode_bytes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (PNG, "binary"),
        (b"text with a NUL\x00 byte in it", "binary"),
        (UNDECODABLE, "undecodable"),
    ],
)
def test_decode_bytes_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as info:
        decode_bytes(data)
    assert info.value.reason == reason
    assert info.value.detail.endswith(".")


def test_mixed_folder_loads_good_files_and_lists_bad_ones(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", GOOD)
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "image.txt", PNG)
    write(tmp_path, "korean_cp949.txt", KOREAN.encode("cp949"))
    write(tmp_path, "garbage.txt", UNDECODABLE)
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.documents["doc_id"]) == ["good", "korean_cp949"]
    korean = corpus.documents.filter(pl.col("doc_id") == "korean_cp949").row(0, named=True)
    assert korean["raw_text"] == KOREAN
    assert korean["encoding"] == "cp949"
    assert korean["language"] == "ko"
    assert korean["title"] == "대전시, 인공지능 계획 발표"
    assert korean["published_date"] == dt.date(2025, 3, 5)
    assert dict(zip(corpus.rejects["path"], corpus.rejects["reason"].cast(pl.String))) == {
        "empty.txt": "empty",
        "garbage.txt": "undecodable",
        "image.txt": "binary",
    }
    assert corpus.rejects["detail"].str.len_chars().min() > 10
    corpus.check_accounting()
    corpus.check_offsets()


def test_recursive_duplicates_unsupported_and_hidden(tmp_path: Path) -> None:
    write(tmp_path, "a/one.txt", GOOD)
    write(tmp_path, "b/copy.md", GOOD)  # same bytes: a duplicate
    write(tmp_path, "b/report.xlsx", b"PK\x03\x04 ...")  # a format no reader takes
    write(tmp_path, ".hidden/notes.txt", "ignored")
    write(tmp_path, "c/one.txt", KOREAN)  # same stem as a/one.txt
    corpus = load_corpus(tmp_path)
    assert corpus.files_found == 4
    assert corpus.documents["doc_id"].to_list() == ["one", "c/one"]
    assert corpus.documents["path"].to_list() == ["a/one.txt", "c/one.txt"]
    assert corpus.duplicates.rows() == [("b/copy.md", "one", corpus.documents["content_sha256"][0], "same_bytes", "Byte for byte the same file as 'one'.")]
    assert corpus.rejects.select("path", pl.col("reason").cast(pl.String)).rows() == [("b/report.xlsx", "unsupported_type")]
    corpus.check_accounting()


def test_doc_ids_stay_unique_when_stems_collide(tmp_path: Path) -> None:
    # sub/zzz.txt sorts before zzz.txt, and note.txt / note.md share a stem and a folder.
    write(tmp_path, "sub/zzz.txt", "Daegu plans a robot park.\n")
    write(tmp_path, "zzz.txt", "Ulsan plans a hydrogen port.\n")
    write(tmp_path, "note.md", "Jeju plans a smart farm.\n")
    write(tmp_path, "note.txt", "Sejong plans a data centre.\n")
    corpus = load_corpus(tmp_path)
    ids = dict(zip(corpus.documents["path"], corpus.documents["doc_id"]))
    assert ids == {"note.md": "note", "note.txt": "note.txt", "sub/zzz.txt": "zzz", "zzz.txt": "zzz.txt"}
    corpus.check_accounting()


def test_size_limit(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", "x " * 600)
    corpus = load_corpus(tmp_path, max_bytes=1000)
    assert corpus.rejects["reason"].cast(pl.String).to_list() == ["too_large"]
    assert "1,200 bytes" in corpus.rejects["detail"][0]


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "docs/good.txt", GOOD)
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs", target_is_directory=True)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].to_list() == ["good"]
    assert sorted(corpus.rejects["reason"].cast(pl.String)) == ["symlink_loop", "symlink_loop"]
    corpus.check_accounting()


def test_catalog_overrides_inferred_metadata(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", GOOD)
    write(tmp_path, "other.txt", "Jeju Smart Island\n\nJeju will expand electric vehicles.")
    write(
        tmp_path,
        "catalog.yaml",
        "good:\n  title: Curated title\n  published_date: 2025-03\n  level: metropolitan\n  regions: [Daejeon]\n",
    )
    corpus = load_corpus(tmp_path)
    good = corpus.documents.filter(pl.col("doc_id") == "good").row(0, named=True)
    assert good["title"] == "Curated title"
    assert good["published_date"] == dt.date(2025, 3, 1)
    assert good["date_precision"] == "month"
    assert good["date_source"] == "catalog"
    assert good["level"] == "metropolitan"
    assert good["regions"] == ["Daejeon"]
    assert good["curated_fields"] == ["level", "published_date", "regions", "title"]
    other = corpus.documents.filter(pl.col("doc_id") == "other").row(0, named=True)
    assert other["title"] == "Jeju Smart Island"  # no catalog entry: inferred
    assert other["curated_fields"] == []


@pytest.mark.parametrize(
    ("catalog", "message"),
    [
        ("good:\n  title: [unclosed\n", "catalog.yaml:3: malformed YAML: expected ',' or ']'"),
        ("good:\n  titel: Typo\n", "catalog.yaml:2: unknown key 'titel' in entry 'good'; valid keys: title,"),
        ("good:\n  level: county\n", "catalog.yaml:2: unknown level 'county' in entry 'good'; valid: national, metropolitan"),
        ("good:\n  regions: [Daejon]\n", "catalog.yaml:2: unknown region 'Daejon' in entry 'good'; valid: National, Seoul"),
        ("good:\n  published_date: 2025-13-01\n", "catalog.yaml:2: bad published_date '2025-13-01'"),
        ("good:\n  title: ok\nmissing:\n  title: nope\n", "catalog.yaml:3: catalog entry 'missing' matches no file"),
        ("- just\n- a list\n", "catalog.yaml:1: the catalog must be a mapping"),
    ],
)
def test_catalog_errors_are_one_clear_line(tmp_path: Path, catalog: str, message: str) -> None:
    write(tmp_path, "good.txt", GOOD)
    write(tmp_path, "catalog.yaml", catalog)
    with pytest.raises(KpolicyError) as info:
        load_corpus(tmp_path)
    text = str(info.value)
    assert "\n" not in text
    assert message in text


def test_catalog_uses_safe_loader(tmp_path: Path) -> None:
    path = write(tmp_path, "catalog.yaml", "good: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(KpolicyError, match=r"catalog\.yaml:1: YAML tags \(!!python/object/apply:os\.system\) are not allowed"):
        read_catalog(path)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KpolicyError, match="corpus folder not found"):
        load_corpus(tmp_path / "nope")


def test_mixed_line_endings_normalise_and_round_trip(tmp_path: Path) -> None:
    write(tmp_path, "mixed.txt", b"Sejong Smart City\r\n\r\nSejong will test robots.\rIt opens in 2026.\nDone.\r\n")
    corpus = load_corpus(tmp_path)
    assert corpus.documents["text"][0] == "Sejong Smart City\n\nSejong will test robots.\nIt opens in 2026.\nDone."
    assert corpus.sentences["text"].to_list() == ["Sejong Smart City", "Sejong will test robots.", "It opens in 2026.", "Done."]
    corpus.check_offsets()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_broken_link_is_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", GOOD)
    (tmp_path / "gone.txt").symlink_to(tmp_path / "does-not-exist.txt")
    corpus = load_corpus(tmp_path)
    assert corpus.rejects.select("path", pl.col("reason").cast(pl.String)).rows() == [("gone.txt", "unreadable")]
    corpus.check_accounting()


def test_every_file_is_accounted_for_in_a_hostile_folder(tmp_path: Path) -> None:
    """documents + rejects + duplicates = files found, whatever the folder holds."""
    files = {
        "a.txt": GOOD.encode("utf-8"),
        # Three different texts: the same text in three encodings is one document and
        # two duplicates (test_hardening_inputs.py).
        "bom.txt": b"\xef\xbb\xbf" + ("BOM " + KOREAN).encode("utf-8"),
        "le.txt": ("LE " + KOREAN).encode("utf-16-le"),
        "be.md": ("\ufeff" + "BE " + KOREAN).encode("utf-16-be"),
        "cp949.txt": ("부산시 " + KOREAN).encode("cp949"),
        "latin.txt": "Café Séoul plan, déjà vu".encode("latin-1"),
        "copy.txt": GOOD.encode("utf-8"),
        "empty.txt": b"",
        "blank.md": b" \n \t\n",
        "png.txt": PNG,
        "nul.txt": b"abc\x00def",
        "junk.txt": UNDECODABLE,
        "notes.docx": b"PK\x03\x04rest",
    }
    for name, data in files.items():
        write(tmp_path, f"sub/{name}", data)
    corpus = load_corpus(tmp_path)
    corpus.check_accounting()
    assert corpus.files_found == len(files)
    assert corpus.documents.height == 6 and corpus.duplicates.height == 1 and corpus.rejects.height == 6
    assert dict(zip(corpus.documents["doc_id"], corpus.documents["encoding"])) == {
        "a": "utf-8", "be": "utf-16", "bom": "utf-8", "cp949": "cp949", "latin": "cp1252", "le": "utf-16-le"
    }
