"""Altair chart builders, one function per chart kind, and an offline renderer.

Charts are rendered by vl-convert, never by JavaScript from a CDN: the ``kpolicy``
renderer (see :func:`use_offline_renderer`) emits SVG *and* PNG in one output bundle.
nbconvert's HTML shows the SVG, JupyterLab shows the PNG even in an untrusted
notebook, and the output is identical from run to run (nbval-friendly). For tooltips
while exploring in JupyterLab, call ``use_interactive_renderer()``: JupyterLab's
built-in Vega extension renders the chart offline.

Builders take small, pre-aggregated frames (see :mod:`kpolicy.analysis`) and select
only the columns they plot, because Altair embeds every column of its data.
"""

from __future__ import annotations

import base64

import altair as alt
import polars as pl
import vl_convert as vlc

RENDERER = "kpolicy"
#: Shared look: readable fonts, no chart border, a calm palette.
THEME_CONFIG = {
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 15, "anchor": "start"},
}
LEVEL_COLORS = {
    "national": "#3b5b92",
    "metropolitan": "#e07a5f",
    "provincial": "#81b29a",
    "municipal": "#f2cc8f",
    "unknown": "#b0b0b0",
}


def _offline_renderer(spec: dict, **kwargs) -> dict:
    svg = vlc.vegalite_to_svg(spec)
    png = vlc.vegalite_to_png(spec, scale=2)
    return {
        "image/svg+xml": svg,
        "image/png": base64.b64encode(png).decode("ascii"),
        "text/plain": "<chart rendered offline by kpolicy (SVG + PNG)>",
    }


def use_offline_renderer() -> None:
    """Render charts as static SVG + PNG through vl-convert (no network, deterministic)."""
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, _offline_renderer)
    alt.renderers.enable(RENDERER)


def use_interactive_renderer() -> None:
    """Render charts with JupyterLab's own Vega extension, with tooltips (JupyterLab only).

    Not for papermill runs: that output type fails notebook validation.
    """
    alt.renderers.enable("jupyterlab")


def save(chart: alt.TopLevelMixin, path_without_suffix: str) -> None:
    """Save a chart as ``.svg`` and ``.png`` side by side (both offline)."""
    chart.save(f"{path_without_suffix}.svg", format="svg")
    chart.save(f"{path_without_suffix}.png", format="png", scale_factor=2)


def _count_ticks(data: pl.DataFrame, by: str, count: str, max_ticks: int = 10) -> list[int]:
    """Whole-number axis ticks for a count axis (Vega would otherwise label 0.5 as "1")."""
    top = int(data.group_by(by).agg(pl.col(count).sum())[count].max() or 1)
    step = max(1, -(-top // max_ticks))
    return list(range(0, top + step, step))


def _finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(**{k: v for k, v in THEME_CONFIG.items() if k not in ("view",)}).configure_view(
        stroke=None
    )


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
