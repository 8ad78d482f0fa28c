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


def _label(col: str) -> alt.Tooltip:
    return alt.Tooltip(col)


def theme_heatmap(profile: pl.DataFrame, value: str = "per_1000_tokens", title: str = "Theme emphasis by region") -> alt.Chart:
    """Heatmap of themes (rows) by region (columns), coloured by mentions per 1,000 content tokens.

    Args:
        profile: output of :func:`kpolicy.analysis.region_theme_profile`.
    """
    data = profile.select(
        "region", "theme_major", pl.col(value).round(2).alias("value"), "n_mentions",
        pl.col("ratio_to_baseline").round(2).alias("ratio"),
    )
    regions = list(dict.fromkeys(data["region"].to_list()))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("region:N").sort(regions).title(None).axis(labelAngle=0, orient="top"),
        y=alt.Y("theme_major:N").sort("ascending").title(None),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("value:Q").title("per 1,000 content tokens").scale(scheme="blues"),
        tooltip=[_label("region:N"), _label("theme_major:N"), alt.Tooltip("value:Q", title="per 1,000 content tokens"),
                 alt.Tooltip("n_mentions:Q", title="mentions"), alt.Tooltip("ratio:Q", title="ratio to baseline")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("n_mentions:Q"),
        color=alt.condition(alt.datum.value > data["value"].max() * 0.55 if data.height else False, alt.value("white"), alt.value("#333")),
    )
    return _finish((heat + text).properties(width=alt.Step(70), height=alt.Step(20)))


def money_bars(money: pl.DataFrame, title: str = "Money committed by region", currency: str = "KRW") -> alt.Chart:
    """Horizontal bars of counted totals per region and role; suspect figures marked.

    Args:
        money: output of :func:`kpolicy.analysis.money_by_region` with ``by=("role",)``
            (with ``total_usd`` when ``currency="USD"``). Regions with excluded suspect
            figures get a ⚠ and the count in the label.
        currency: ``KRW`` (bars in billions of won) or ``USD`` (millions of dollars).
    """
    if currency == "USD":
        amount, unit, subtitle_unit = pl.col("total_usd") / 1e6, "million US$", "millions of US dollars at the stated rate"
    else:
        amount, unit, subtitle_unit = pl.col("total_krw") / 1e9, "billion won", "billions of won"
    data = money.select(
        "region", "role", amount.alias("total_value"), "n_counted", "n_suspect_excluded"
    ).with_columns(
        pl.col("n_suspect_excluded").sum().over("region").alias("suspect_in_region"),
    ).with_columns(
        pl.when(pl.col("suspect_in_region") > 0)
        .then(pl.col("region") + pl.lit(" ⚠ ") + pl.col("suspect_in_region").cast(pl.String) + pl.lit(" suspect not summed"))
        .otherwise(pl.col("region"))
        .alias("label")
    )
    chart = (
        alt.Chart(data, title=alt.Title(title, subtitle=f"Counted figures only, in {subtitle_unit}; suspect figures are listed separately, never summed"))
        .mark_bar()
        .encode(
            x=alt.X("sum(total_value):Q").title(unit).axis(format=",.0f"),
            y=alt.Y("label:N").sort("-x").title(None),
            color=alt.Color("role:N").title("Role").scale(scheme="tableau10"),
            tooltip=[_label("region:N"), _label("role:N"), alt.Tooltip("total_value:Q", title=unit, format=",.1f"),
                     alt.Tooltip("n_counted:Q", title="figures counted"), alt.Tooltip("n_suspect_excluded:Q", title="suspect, not summed")],
        )
        .properties(width=520, height=alt.Step(28))
    )
    return _finish(chart)


def target_dumbbell(targets: pl.DataFrame, title: str = "KPI targets: baseline → target") -> alt.Chart:
    """Dumbbell chart of percentage targets with a baseline (baseline dot, line, target dot).

    Args:
        targets: output of :func:`kpolicy.analysis.compare_targets`; rows with unit
            ``pct`` and a baseline are drawn.
    """
    data = (
        targets.filter((pl.col("unit") == "pct") & pl.col("baseline").is_not_null())
        .select(
            "region",
            pl.col("metric").str.slice(0, 60).alias("metric"),
            "baseline",
            "target",
            pl.col("target_year").cast(pl.String).fill_null("?").alias("by"),
        )
        .with_columns((pl.col("region") + ": " + pl.col("metric")).alias("label"))
    )
    base = alt.Chart(data, title=title).encode(y=alt.Y("label:N").title(None).sort(data["label"].to_list()))
    line = base.mark_rule(strokeWidth=3, color="#9db4d3").encode(x=alt.X("baseline:Q").title("percent"), x2="target:Q")
    tips = [_label("region:N"), _label("metric:N"), alt.Tooltip("baseline:Q", title="baseline %"), alt.Tooltip("target:Q", title="target %"), alt.Tooltip("by:N", title="by")]
    start = base.mark_circle(size=110, color="#8a8a8a", opacity=1).encode(x="baseline:Q", tooltip=tips)
    end = base.mark_circle(size=140, color="#1f5fa8", opacity=1).encode(x="target:Q", tooltip=tips)
    labels = base.mark_text(align="left", dx=9, fontSize=11).encode(x="target:Q", text=alt.Text("target:Q", format=".0f"))
    starts = base.mark_text(align="right", dx=-9, fontSize=11, color="#666").encode(x="baseline:Q", text=alt.Text("baseline:Q", format=".0f"))
    return _finish((line + start + end + labels + starts).properties(width=460, height=alt.Step(30)))


def timeline_chart(timeline: pl.DataFrame, title: str = "Plan horizons and target years") -> alt.Chart:
    """Dots per region and year, sized by mentions and coloured by role."""
    data = timeline.select("region", "year", "role", "n_mentions", pl.col("surface").str.slice(0, 60))
    regions = list(dict.fromkeys(data["region"].to_list()))
    chart = (
        alt.Chart(data, title=title)
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("year:Q").title(None).scale(zero=False, padding=24).axis(format="d", tickMinStep=1, labelAngle=0),
            y=alt.Y("region:N").sort(regions).title(None),
            yOffset=alt.YOffset("role:N"),
            size=alt.Size("n_mentions:Q").title("mentions").scale(range=[50, 400]),
            color=alt.Color("role:N").title("Role").scale(scheme="set2"),
            tooltip=[_label("region:N"), alt.Tooltip("year:Q", format="d"), _label("role:N"), alt.Tooltip("n_mentions:Q", title="mentions"), alt.Tooltip("surface:N", title="example")],
        )
        .properties(width=560, height=max(120, 56 * len(regions)))
    )
    return _finish(chart)


def similarity_matrix(similarity: pl.DataFrame, title: str = "Strategy similarity (cosine of theme profiles)") -> alt.Chart:
    """Matrix of pairwise similarities between regions (0-1), labelled with the value."""
    data = similarity.select("region_a", "region_b", pl.col("similarity").round(2))
    regions = list(dict.fromkeys(data["region_a"].to_list()))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("region_b:N").sort(regions).title(None).axis(labelAngle=0, orient="top"),
        y=alt.Y("region_a:N").sort(regions).title(None),
    )
    rect = base.mark_rect().encode(
        color=alt.Color("similarity:Q").scale(domain=[0, 1], scheme="purples").title("cosine"),
        tooltip=[_label("region_a:N"), _label("region_b:N"), alt.Tooltip("similarity:Q", format=".2f")],
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("similarity:Q", format=".2f"),
        color=alt.condition(alt.datum.similarity > 0.6, alt.value("white"), alt.value("#222")),
    )
    return _finish((rect + text).properties(width=alt.Step(80), height=alt.Step(40)))


def keyness_chart(keyness: pl.DataFrame, target: str, title: str | None = None) -> alt.Chart:
    """Bars of the most distinctive terms (G²), with raw counts in the tooltip."""
    data = keyness.select("term", pl.col("log_likelihood").round(1), "n_target", "n_reference", pl.col("log_ratio").round(2))
    chart = (
        alt.Chart(data, title=title or f"Terms that distinguish {target}")
        .mark_bar(color="#2a9d8f")
        .encode(
            x=alt.X("log_likelihood:Q").title("log-likelihood G² (over-use vs reference)"),
            y=alt.Y("term:N").sort("-x").title(None),
            tooltip=[_label("term:N"), alt.Tooltip("n_target:Q", title=f"count in {target}"), alt.Tooltip("n_reference:Q", title="count in reference"),
                     alt.Tooltip("log_likelihood:Q", title="G²"), alt.Tooltip("log_ratio:Q", title="log2 ratio")],
        )
        .properties(width=420, height=alt.Step(18))
    )
    return _finish(chart)


def theme_profile_bars(profile: pl.DataFrame, region: str, title: str | None = None) -> alt.Chart:
    """One region's themes (bars, per 1,000 content tokens) against the baseline rate (ticks)."""
    data = profile.filter((pl.col("region") == region) & ((pl.col("n_mentions") > 0) | (pl.col("baseline_per_1000_tokens") > 0))).select(
        "theme_major", pl.col("per_1000_tokens").round(2), pl.col("baseline_per_1000_tokens").round(2), "n_mentions", pl.col("ratio_to_baseline").round(2)
    )
    tips = [_label("theme_major:N"), alt.Tooltip("per_1000_tokens:Q", title=f"{region} per 1,000 content tokens"), alt.Tooltip("baseline_per_1000_tokens:Q", title="baseline per 1,000 content tokens"),
            alt.Tooltip("n_mentions:Q", title="mentions"), alt.Tooltip("ratio_to_baseline:Q", title="ratio")]
    base = alt.Chart(data, title=alt.Title(title or f"{region}: themes against the baseline", subtitle="bars: this region; black ticks: baseline")).encode(
        y=alt.Y("theme_major:N").sort("-x").title(None)
    )
    bars = base.mark_bar(color="#4c78a8").encode(x=alt.X("per_1000_tokens:Q").title("mentions per 1,000 content tokens"), tooltip=tips)
    ticks = base.mark_tick(color="black", thickness=2, size=16).encode(x="baseline_per_1000_tokens:Q", tooltip=tips)
    return _finish((bars + ticks).properties(width=440, height=alt.Step(20)))


def keyness_facets(keyness_long: pl.DataFrame, title: str = "Distinctive terms by region") -> alt.Chart:
    """Small multiples of :func:`keyness_chart`, one panel per region (input: ``keyness_by_region``)."""
    data = keyness_long.select("region", "term", pl.col("log_likelihood").round(1), "n_target", "n_reference")
    regions = list(dict.fromkeys(data["region"].to_list()))
    chart = (
        alt.Chart(data)
        .mark_bar(color="#2a9d8f")
        .encode(
            x=alt.X("log_likelihood:Q").title("G²"),
            y=alt.Y("term:N").sort("-x").title(None),
            tooltip=[_label("region:N"), _label("term:N"), alt.Tooltip("n_target:Q", title="count in region"), alt.Tooltip("n_reference:Q", title="count in reference"), alt.Tooltip("log_likelihood:Q", title="G²")],
        )
        .properties(width=200, height=alt.Step(16))
        .facet(column=alt.Column("region:N").sort(regions).title(None), title=title)
        .resolve_scale(y="independent")
    )
    return _finish(chart)
