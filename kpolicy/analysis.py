"""Comparisons: pure functions DataFrame -> DataFrame, long/tidy output, sorted.

Every function here takes kpolicy tables (see :mod:`kpolicy.schema`) and returns a new
small frame ready to show or to chart. None reads files.
"""

from __future__ import annotations

import polars as pl

from kpolicy import schema

#: Columns of the documents table shown in inventories (the texts are left out).
INVENTORY_COLUMNS = (
    "doc_id",
    "title",
    "publisher",
    "published_date",
    "date_precision",
    "language",
    "level",
    "regions",
    "n_sentences",
    "n_words",
    "encoding",
)


def inventory(documents: pl.DataFrame) -> pl.DataFrame:
    """The corpus inventory: one row per document, metadata only, sorted by doc_id."""
    return documents.select(
        *[c for c in INVENTORY_COLUMNS if c != "regions"],
        pl.col("regions").cast(pl.List(pl.String)).list.join(", ").alias("regions"),
    ).sort("doc_id")


def coverage_by_region_level(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents per (region, level): a document about two regions counts for both.

    Returns:
        ``region`` (String), ``level`` (Level), ``n_documents`` (UInt32) and ``doc_ids``
        (List[String]), sorted by region (in gazetteer order) then level. Documents
        with no inferred region appear under region "(unknown)".
    """
    exploded = (
        documents.select(
            "doc_id",
            "level",
            pl.col("regions").cast(pl.List(pl.String)),
        )
        .with_columns(
            pl.when(pl.col("regions").list.len() > 0)
            .then(pl.col("regions"))
            .otherwise(pl.lit(["(unknown)"]))
            .alias("regions")
        )
        .explode("regions")
        .rename({"regions": "region"})
    )
    order = {name: i for i, name in enumerate(schema.REGION_NAMES)}
    return (
        exploded.group_by("region", "level", maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_documents"), pl.col("doc_id").sort().alias("doc_ids"))
        .with_columns(pl.col("region").replace_strict(order, default=len(order)).alias("_order"))
        .sort("_order", "region", "level", nulls_last=True)
        .drop("_order")
    )


def coverage_by_year(documents: pl.DataFrame) -> pl.DataFrame:
    """Documents per publication year (null year = date unknown), sorted by year."""
    return (
        documents.group_by(pl.col("published_date").dt.year().alias("year"), maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_documents"))
        .sort("year", nulls_last=True)
    )


def rejects_summary(rejects: pl.DataFrame) -> pl.DataFrame:
    """Rejected files per reason (``reason``, ``n_files``), most frequent first."""
    return (
        rejects.group_by("reason", maintain_order=True)
        .agg(pl.len().cast(pl.UInt32).alias("n_files"))
        .sort("n_files", "reason", descending=[True, False])
    )
