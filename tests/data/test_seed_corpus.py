"""The whole loader on seeds/: schemas, keys, metadata, boilerplate, offsets."""

from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest

from kpolicy import schema
from kpolicy.paths import SEEDS_DIR

EXPECTED = {  # doc_id prefix -> (level, regions)
    "000": ("metropolitan", ["Incheon"]),
    "001": ("national", ["National"]),
    "002": ("national", ["National"]),
    "003": ("metropolitan", ["Busan"]),
    "004": ("provincial", ["Gyeonggi"]),
}

# Boilerplate present in the raw seed files that must not survive normalisation.
BOILERPLATE = [
    "View original image",
    "This content was produced with the assistance of AI translation services.",
    "All rights reserved",
    "Today’s Briefing",
    "Inquiries:",
    "044-202-6333",
    "Source: Korea Policy Briefing",
    "Reported by Smart City Today",
    "댓글",
    "[Korea Economy Press]",
    "[Asia Economy Reporter Park Hyesook]",
]


def test_seed_files_are_byte_identical_to_shared() -> None:
    shared = SEEDS_DIR.parent.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    for src in sorted(shared.glob("*.txt")):
        assert (SEEDS_DIR / src.name).read_bytes() == src.read_bytes(), src.name


def test_tables_match_schemas_and_keys(seed_corpus) -> None:
    for name in ("documents", "sentences", "rejects", "duplicates", "offsets"):
        df = getattr(seed_corpus, name)
        table = schema.get(name)
        schema.validate(df, table)
        if df.height:
            assert df.select(table.key).is_unique().all(), name


def test_every_file_accounted_for(seed_corpus) -> None:
    assert seed_corpus.files_found == 5
    assert seed_corpus.documents.height == 5
    assert seed_corpus.rejects.height == 0 and seed_corpus.duplicates.height == 0
    seed_corpus.check_accounting()


def test_levels_and_regions(seed_corpus) -> None:
    got = {
        row["doc_id"][:3]: (row["level"], row["regions"])
        for row in seed_corpus.documents.select("doc_id", "level", "regions").iter_rows(named=True)
    }
    assert got == EXPECTED


def test_cli_corpus_jsonl() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kpolicy.cli", "corpus", "--format", "jsonl"], capture_output=True, text=True, check=True
    ).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["doc_id"][:3], r["level"], r["regions"]) for r in rows] == [(k, *v) for k, v in EXPECTED.items()]
    assert "raw_text" not in rows[0]
    assert all(r["title"] and r["publisher"] and r["published_date"] for r in rows)


@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_boilerplate_removed(seed_corpus, phrase: str) -> None:
    assert any(phrase in raw for raw in seed_corpus.documents["raw_text"]), "phrase must occur in some raw seed"
    assert not any(phrase in text for text in seed_corpus.documents["text"])


def test_article_text_is_kept_whole(seed_corpus) -> None:
    """Every word of every raw line that is not boilerplate survives normalisation."""
    from kpolicy.normalize import normalize

    for raw, text in seed_corpus.documents.select("raw_text", "text").iter_rows():
        for line in raw.splitlines():
            kept = normalize(line)
            if not kept:
                continue  # the whole line was boilerplate
            words = [w for w in kept.replace("•", " ").split() if w]
            flat = " ".join(text.replace("•", " ").split())
            assert " ".join(words) in flat


def test_sentences_round_trip(seed_corpus) -> None:
    seed_corpus.check_offsets()
    assert seed_corpus.offset_problems().height == 0
    docs = dict(zip(seed_corpus.documents["doc_id"], seed_corpus.documents["raw_text"]))
    # Sentences that normalisation did not touch are verbatim in the original file.
    for row in seed_corpus.sentences.iter_rows(named=True):
        raw_span = docs[row["doc_id"]][row["source_start"] : row["source_end"]]
        assert " ".join(raw_span.replace("▲", " ").replace("◆", " ").split()).endswith(
            " ".join(row["text"].split())[-20:]
        )


def test_bullets_split_into_items(seed_corpus) -> None:
    s = seed_corpus.sentences.filter(pl.col("doc_id").str.starts_with("003") & pl.col("is_bullet"))
    assert "nurturing 20,000 digital creative talents" in s["text"].to_list()
