"""Charts of themes and words: heatmaps, one region against the baseline, similarity, keyness."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import (
    EVIDENCE_TIP,
    EmptyChart,
    _finish,
    _label,
    with_evidence,
)


def theme_heatmap(profile: pl.DataFrame, value: str = "per_1000_tokens", title: str = "Theme emphasis by region",
                  evidence: pl.DataFrame | None = None) -> alt.Chart | EmptyChart:
    """Heatmap of themes (rows) by region (columns), coloured by mentions per 1,000 content tokens.

    Cells show their mention count (none where a region is silent on a theme).

    Args:
        profile: output of :func:`kpolicy.analysis.region_theme_profile`.
        evidence: :func:`kpolicy.analysis.theme_evidence` (the sentences of each cell).
    """
    if profile.height == 0 or not (profile["n_mentions"] > 0).any():
        return EmptyChart(title, "No theme is mentioned in the documents about these regions.")
    data = with_evidence(profile.select(
        "region", "theme_major", pl.col(value).round(2).alias("value"), pl.col("n_mentions").round(2),
        pl.col("ratio_to_baseline").round(2).alias("ratio"),
    ), evidence)
    regions = list(dict.fromkeys(data["region"].to_list()))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("region:N").sort(regions).title(None).axis(labelAngle=0, orient="top"),
        y=alt.Y("theme_major:N").sort("ascending").title(None),
        # On the base, so that the cell and its number both show it.
        tooltip=[_label("region:N"), _label("theme_major:N"), alt.Tooltip("value:Q", title="per 1,000 content tokens", format=",.3~f"),
                 alt.Tooltip("n_mentions:Q", title="mentions", format=",.3~f"), alt.Tooltip("ratio:Q", title="ratio to baseline", format=",.3~f"),
                 EVIDENCE_TIP],
    )
    heat = base.mark_rect().encode(
        color=alt.Color("value:Q").title("per 1,000 content tokens").scale(scheme="blues"),
    )
    text = base.mark_text(fontSize=10).transform_filter(alt.datum.n_mentions > 0).encode(
        text=alt.Text("n_mentions:Q", format=",.3~f"),
        color=alt.condition(alt.datum.value > data["value"].max() * 0.55 if data.height else False, alt.value("white"), alt.value("#333")),
    )
    return _finish((heat + text).properties(width=alt.Step(70), height=alt.Step(20)))


def theme_profile_bars(profile: pl.DataFrame, region: str, title: str | None = None,
                       evidence: pl.DataFrame | None = None) -> alt.Chart | EmptyChart:
    """One region's themes (bars, per 1,000 content tokens) against the baseline rate (ticks).

    Args:
        evidence: :func:`kpolicy.analysis.theme_evidence` (the sentences of each bar).
    """
    rows = profile.filter((pl.col("region") == region) & ((pl.col("n_mentions") > 0) | (pl.col("baseline_per_1000_tokens") > 0)))
    if rows.height == 0:
        return EmptyChart(title or f"{region}: themes against the baseline", f"No theme is mentioned in the documents about {region} or in the baseline.")
    data = with_evidence(rows.select(
        "region", "theme_major", pl.col("per_1000_tokens").round(2), pl.col("baseline_per_1000_tokens").round(2), pl.col("n_mentions").round(2), pl.col("ratio_to_baseline").round(2)
    ), evidence)
    tips = [_label("theme_major:N"), alt.Tooltip("per_1000_tokens:Q", title=f"{region} per 1,000 content tokens", format=",.3~f"),
            alt.Tooltip("baseline_per_1000_tokens:Q", title="baseline per 1,000 content tokens", format=",.3~f"),
            alt.Tooltip("n_mentions:Q", title="mentions", format=",.3~f"), alt.Tooltip("ratio_to_baseline:Q", title="ratio", format=",.3~f"), EVIDENCE_TIP]
    base = alt.Chart(data, title=alt.Title(title or f"{region}: themes against the baseline", subtitle="bars: this region; black ticks: baseline")).encode(
        y=alt.Y("theme_major:N").sort("-x").title(None)
    )
    bars = base.mark_bar(color="#4c78a8").encode(x=alt.X("per_1000_tokens:Q").title("mentions per 1,000 content tokens"), tooltip=tips)
    ticks = base.mark_tick(color="black", thickness=2, size=16).encode(x="baseline_per_1000_tokens:Q", tooltip=tips)
    return _finish((bars + ticks).properties(width=440, height=alt.Step(20)))


def similarity_matrix(similarity: pl.DataFrame, title: str = "Strategy similarity (cosine of theme profiles)") -> alt.Chart | EmptyChart:
    """Matrix of pairwise similarities between regions (0-1), labelled with the value."""
    if similarity.height == 0:
        return EmptyChart(title, "Similarity needs at least two regions with theme mentions.")
    data = similarity.select("region_a", "region_b", pl.col("similarity").round(2))
    regions = list(dict.fromkeys(data["region_a"].to_list()))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("region_b:N").sort(regions).title(None).axis(labelAngle=0, orient="top"),
        y=alt.Y("region_a:N").sort(regions).title(None),
        tooltip=[_label("region_a:N"), _label("region_b:N"), alt.Tooltip("similarity:Q", title="cosine similarity", format=".2f")],
    )
    rect = base.mark_rect().encode(
        color=alt.Color("similarity:Q").scale(domain=[0, 1], scheme="purples").title("cosine"),
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("similarity:Q", format=".2f"),
        color=alt.condition(alt.datum.similarity > 0.6, alt.value("white"), alt.value("#222")),
    )
    return _finish((rect + text).properties(width=alt.Step(80), height=alt.Step(40)))


def keyness_chart(keyness: pl.DataFrame, target: str, title: str | None = None) -> alt.Chart | EmptyChart:
    """Bars of the most distinctive terms (G²), with raw counts in the tooltip."""
    if keyness.height == 0:
        return EmptyChart(title or f"Terms that distinguish {target}", f"No term is used distinctively often in {target} (too little text, or below the minimum count).")
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


def keyness_facets(keyness_long: pl.DataFrame, title: str = "Distinctive terms by region") -> alt.Chart | EmptyChart:
    """Small multiples of :func:`keyness_chart`, one panel per region (input: ``keyness_by_region``)."""
    if keyness_long.height == 0:
        return EmptyChart(title, "No term is used distinctively often in these regions (too little text, or below the minimum count).")
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
