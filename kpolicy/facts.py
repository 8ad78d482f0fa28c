"""Fact tables: one registry from fact kind to extractor, used by the CLI and notebooks.

Each kind names an extractor ``module:function`` with the signature
``extract(sentences, documents) -> DataFrame`` (see :mod:`kpolicy.extract`). :func:`build`
runs it, adds ``source_start``/``source_end`` from the corpus's offset map and validates
the result against the table declared under the same name.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import polars as pl

from kpolicy import schema
from kpolicy.errors import KpolicyError
from kpolicy.provenance import attach_source_spans

if TYPE_CHECKING:
    from kpolicy.corpus import Corpus

#: fact kind -> (module, function). The table has the same name as the kind.
FACT_KINDS: dict[str, tuple[str, str]] = {
    "amounts": ("kpolicy.extract.money", "extract_amounts"),
    "regions": ("kpolicy.extract.places", "extract_regions"),
    "themes": ("kpolicy.extract.themes", "extract_themes"),
    "targets": ("kpolicy.extract.targets", "extract_targets"),
    "actors": ("kpolicy.extract.actors", "extract_actors"),
    "years": ("kpolicy.extract.years", "extract_years"),
}


#: Tables derived from another fact table: kind -> (module, function, source kind).
DERIVED_KINDS: dict[str, tuple[str, str, str]] = {
    "reconciliations": ("kpolicy.extract.money", "reconcile_amounts", "amounts"),
}

#: Tables built from the whole corpus (several fact tables and files such as the corpus's
#: ``curation.yaml``): kind -> (module, function taking the corpus). Never cached on disk,
#: since an analyst's curation file can change between runs.
#: Corpus kinds that describe whole documents, not spans of text: they carry ``doc_id``
#: first but no character offsets.
DOCUMENT_KINDS = ("near_duplicates", "stories")

CORPUS_KINDS: dict[str, tuple[str, str]] = {
    "near_duplicates": ("kpolicy.stories", "near_duplicates_for"),
    "stories": ("kpolicy.stories", "stories_for"),
    "money_mentions": ("kpolicy.ledger", "mentions_for"),
    "ledger": ("kpolicy.ledger", "ledger_for"),
}


def available_kinds() -> list[str]:
    """Fact kinds (extracted and derived) whose module is installed."""
    kinds = []
    for kind, (module, func) in [*FACT_KINDS.items(), *((k, v[:2]) for k, v in DERIVED_KINDS.items()), *CORPUS_KINDS.items()]:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        if hasattr(mod, func):
            kinds.append(kind)
    return kinds


def attach_pages(facts: pl.DataFrame, sentences: pl.DataFrame) -> pl.DataFrame:
    """Add ``page`` (the page its sentence starts on) to a frame with ``doc_id, sentence_idx``."""
    facts = facts.drop("page", strict=False)
    if "page" not in sentences.columns:  # sentences made before pages existed: one page
        return facts.with_columns(pl.lit(1, pl.Int32).alias("page"))
    pages = sentences.select("doc_id", pl.col("sentence_idx").cast(pl.Int64).alias("_sidx"), "page")
    return (
        facts.with_columns(pl.col("sentence_idx").cast(pl.Int64).alias("_sidx"))
        .join(pages, on=["doc_id", "_sidx"], how="left", maintain_order="left")
        .drop("_sidx")
    )


def build(corpus: Corpus, kind: str) -> pl.DataFrame:
    """Extract one fact table from a loaded corpus.

    Args:
        corpus: a loaded :class:`~kpolicy.corpus.Corpus`.
        kind: one of :data:`FACT_KINDS`.

    Returns:
        The fact table, validated against its schema, sorted by provenance.
    """
    if kind not in available_kinds():
        raise KpolicyError(f"unknown fact kind {kind!r}; valid kinds: {', '.join(available_kinds())}")
    if kind in CORPUS_KINDS:
        module, func = CORPUS_KINDS[kind]
        return schema.conform(getattr(importlib.import_module(module), func)(corpus), schema.get(kind))
    if kind in DERIVED_KINDS:
        module, func, source = DERIVED_KINDS[kind]
        derived = getattr(importlib.import_module(module), func)(corpus.facts(source))
        return schema.conform(derived, schema.get(kind))
    module, func = FACT_KINDS[kind]
    extract = getattr(importlib.import_module(module), func)
    facts = extract(corpus.sentences, corpus.documents)
    facts = attach_source_spans(facts, corpus.offsets)
    facts = attach_pages(facts, corpus.sentences)
    table = schema.get(kind)
    facts = schema.conform(facts, table)
    return facts.sort("doc_id", "char_start", "char_end", maintain_order=True)
