"""Charts of KPI targets and plan years."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import LEVEL_COLORS, _count_ticks, _finish, _label  # noqa: F401


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
