"""Charts of KPI targets and plan years."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.analysis import evidence_key
from kpolicy.charts.style import (
    EVIDENCE_TIP,
    YEAR_ROLE_COLORS,
    EmptyChart,
    _finish,
    _label,
    color_scale,
    with_evidence,
)


def target_dumbbell(targets: pl.DataFrame, title: str = "KPI targets: baseline → target") -> alt.Chart | EmptyChart:
    """Dumbbell chart of percentage targets with a baseline (baseline dot, line, target dot).

    Each dumbbell's evidence is the sentence that states the target.

    Args:
        targets: output of :func:`kpolicy.analysis.compare_targets`; rows with unit
            ``pct`` and a baseline are drawn. With none, a sentence says so.
    """
    pct = targets.filter((pl.col("unit") == "pct") & pl.col("baseline").is_not_null())
    if pct.height == 0:
        regions = ", ".join(dict.fromkeys(targets["region"].to_list())) if "region" in targets.columns and targets.height else ""
        n_other = targets.height
        why = "No percentage target with a stated baseline" + (f" for {regions}" if regions else "") + "."
        if n_other:
            why += f" The {n_other} target(s) found are counts, amounts or percentages without a baseline; they are in the table above."
        return EmptyChart(title, why)
    has_keys = {"doc_id", "sentence_idx"} <= set(pct.columns)
    data = pct.select(
        "region",
        pl.col("metric").str.slice(0, 60).alias("metric"),
        "baseline",
        "target",
        pl.col("target_year").cast(pl.String).fill_null("?").alias("by"),
        (pl.concat_list(evidence_key()) if has_keys else pl.lit([], pl.List(pl.String))).alias("evidence"),
    ).with_columns((pl.col("region") + ": " + pl.col("metric")).alias("label"), pl.col("evidence").list.len().cast(pl.Int64).alias("n_evidence"))
    base = alt.Chart(data, title=title).encode(y=alt.Y("label:N").title(None).sort(data["label"].to_list()))
    tips = [_label("region:N"), _label("metric:N"), alt.Tooltip("baseline:Q", title="baseline %", format=",.3~f"),
            alt.Tooltip("target:Q", title="target %", format=",.3~f"), alt.Tooltip("by:N", title="by"), EVIDENCE_TIP]
    line = base.mark_rule(strokeWidth=3, color="#9db4d3").encode(x=alt.X("baseline:Q").title("percent"), x2="target:Q", tooltip=tips)
    start = base.mark_circle(size=110, color="#8a8a8a", opacity=1).encode(x="baseline:Q", tooltip=tips)
    end = base.mark_circle(size=140, color="#1f5fa8", opacity=1).encode(x="target:Q", tooltip=tips)
    labels = base.mark_text(align="left", dx=9, fontSize=11).encode(x="target:Q", text=alt.Text("target:Q", format=",.3~f"), tooltip=tips)
    starts = base.mark_text(align="right", dx=-9, fontSize=11, color="#666").encode(x="baseline:Q", text=alt.Text("baseline:Q", format=",.3~f"), tooltip=tips)
    return _finish((line + start + end + labels + starts).properties(width=460, height=alt.Step(30)))


def timeline_chart(timeline: pl.DataFrame, title: str = "Plan horizons and target years", evidence: pl.DataFrame | None = None) -> alt.Chart | EmptyChart:
    """Dots per region and year, sized by mentions and coloured by role.

    The year axis has one tick per whole year; the size legend shows whole numbers.

    Args:
        timeline: output of :func:`kpolicy.analysis.timeline`.
        evidence: :func:`kpolicy.analysis.timeline_evidence` (the sentences of each dot).
    """
    if timeline.height == 0:
        return EmptyChart(title, "No plan horizon, target year or KPI target year was found in these documents.")
    data = with_evidence(timeline.select("region", "year", "role", "n_mentions", pl.col("surface").str.slice(0, 60)), evidence)
    regions = list(dict.fromkeys(data["region"].to_list()))
    lo, hi = int(data["year"].min()), int(data["year"].max())
    step = max(1, -(-(hi - lo) // 12))
    years = list(range(lo, hi + 1, step))
    top = int(data["n_mentions"].max())
    sizes = sorted({1, (top + 1) // 2, top})
    chart = (
        alt.Chart(data, title=title)
        .mark_circle(opacity=0.85)
        .encode(
            x=alt.X("year:Q").title(None).scale(domain=[lo - 0.5, hi + 0.5], nice=False, zero=False)
            .axis(values=years, format="d", labelAngle=0, grid=True),
            y=alt.Y("region:N").sort(regions).title(None),
            yOffset=alt.YOffset("role:N"),
            size=alt.Size("n_mentions:Q").title("mentions").scale(range=[50, 400], domain=[0, max(top, 1)])
            .legend(values=sizes, format="d"),
            color=alt.Color("role:N").title("Role").scale(color_scale(YEAR_ROLE_COLORS, data["role"].to_list())),
            tooltip=[_label("region:N"), alt.Tooltip("year:Q", format="d"), _label("role:N"),
                     alt.Tooltip("n_mentions:Q", title="mentions", format="d"), alt.Tooltip("surface:N", title="example"), EVIDENCE_TIP],
        )
        .properties(width=560, height=max(120, 56 * len(regions)))
    )
    return _finish(chart)
