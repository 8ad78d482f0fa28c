"""Charts about the corpus itself: documents per region and level, rejected files."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import LEVEL_COLORS, _count_ticks, _finish, _label  # noqa: F401


def documents_by_region(coverage: pl.DataFrame, title: str = "Documents by region and level") -> alt.Chart:
    """Stacked bars: documents per region, coloured by government level.

    Args:
        coverage: output of :func:`kpolicy.analysis.coverage_by_region_level`
            (``region``, ``level``, ``n_documents``, ``doc_ids``).
    """
    data = coverage.select(
        "region",
        pl.col("level").cast(pl.String).fill_null("unknown"),
        "n_documents",
        pl.col("doc_ids").list.join(", ").alias("documents"),
    )
    levels = [lvl for lvl in LEVEL_COLORS if lvl in set(data["level"].to_list())]
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("sum(n_documents):Q").title("Documents").axis(values=_count_ticks(data, "region", "n_documents"), format="d"),
            y=alt.Y("region:N").sort("-x").title(None),
            color=alt.Color("level:N")
            .title("Level")
            .scale(domain=levels, range=[LEVEL_COLORS[lvl] for lvl in levels]),
            order=alt.Order("level:N"),
            tooltip=[
                alt.Tooltip("region:N"),
                alt.Tooltip("level:N"),
                alt.Tooltip("n_documents:Q", title="documents"),
                alt.Tooltip("documents:N"),
            ],
        )
        .properties(width=520, height=alt.Step(26))
    )
    return _finish(chart)


def rejects_by_reason(rejects_summary: pl.DataFrame, title: str = "Rejected files by reason") -> alt.Chart:
    """Bars of rejected files per reason (input: ``reason``, ``n_files``)."""
    data = rejects_summary.select(pl.col("reason").cast(pl.String), "n_files")
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(color="#c44e52")
        .encode(
            x=alt.X("n_files:Q").title("Files").axis(values=_count_ticks(data, "reason", "n_files"), format="d"),
            y=alt.Y("reason:N").sort("-x").title(None),
            tooltip=[alt.Tooltip("reason:N"), alt.Tooltip("n_files:Q", title="files")],
        )
        .properties(width=520, height=alt.Step(26))
    )
    return _finish(chart)
