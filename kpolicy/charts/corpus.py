"""Charts about the corpus itself: documents per region and level, rejected files."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import (
    EVIDENCE_TIP,
    LEVEL_COLORS,
    EmptyChart,
    _count_ticks,
    _finish,
    color_scale,
    with_evidence,
)


def documents_by_region(coverage: pl.DataFrame, title: str = "Documents by region and level") -> alt.Chart | EmptyChart:
    """Stacked bars: documents per region, coloured by government level.

    Each bar's evidence is its documents (their first sentence, linked to the document).

    Args:
        coverage: output of :func:`kpolicy.analysis.coverage_by_region_level`
            (``region``, ``level``, ``n_documents``, ``doc_ids``).
    """
    if coverage.height == 0:
        return EmptyChart(title, "No documents in the corpus are about these regions.")
    data = coverage.select(
        "region",
        pl.col("level").cast(pl.String).fill_null("unknown"),
        "n_documents",
        pl.col("doc_ids").list.join(", ").alias("documents"),
        pl.col("doc_ids").list.eval(pl.element() + "#0").alias("evidence"),
    ).with_columns(
        pl.col("evidence").list.len().cast(pl.Int64).alias("n_evidence"),
        pl.col("level").replace_strict({lvl: i for i, lvl in enumerate(LEVEL_COLORS)}, default=len(LEVEL_COLORS)).alias("level_order"),
    )
    levels = data["level"].to_list()
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("n_documents:Q").title("Documents").axis(values=_count_ticks(data, "region", "n_documents"), format="d").stack("zero"),
            y=alt.Y("region:N").sort("-x").title(None),
            color=alt.Color("level:N").title("Level").scale(color_scale(LEVEL_COLORS, levels)),
            order=alt.Order("level_order:Q"),
            tooltip=[
                alt.Tooltip("region:N"),
                alt.Tooltip("level:N"),
                alt.Tooltip("n_documents:Q", title="documents", format="d"),
                alt.Tooltip("documents:N"),
                EVIDENCE_TIP,
            ],
        )
        .properties(width=520, height=alt.Step(26))
    )
    return _finish(chart)


def rejects_by_reason(rejects_summary: pl.DataFrame, title: str = "Rejected files by reason") -> alt.Chart | EmptyChart:
    """Bars of rejected files per reason (input: ``reason``, ``n_files``)."""
    if rejects_summary.height == 0:
        return EmptyChart(title, "No file was rejected.")
    data = with_evidence(rejects_summary.select(pl.col("reason").cast(pl.String), "n_files"), None)
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(color="#c44e52")
        .encode(
            x=alt.X("n_files:Q").title("Files").axis(values=_count_ticks(data, "reason", "n_files"), format="d"),
            y=alt.Y("reason:N").sort("-x").title(None),
            tooltip=[alt.Tooltip("reason:N"), alt.Tooltip("n_files:Q", title="files", format="d")],
        )
        .properties(width=520, height=alt.Step(26))
    )
    return _finish(chart)
