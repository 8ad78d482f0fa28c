"""Charts of money committed (counted ledger figures only)."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import (
    EVIDENCE_TIP,
    ROLE_COLORS,
    EmptyChart,
    _finish,
    color_scale,
    money_unit,
    wide_span,
    with_evidence,
)


def money_bars(
    money: pl.DataFrame,
    title: str = "Money committed by region",
    currency: str = "KRW",
    evidence: pl.DataFrame | None = None,
) -> alt.Chart | EmptyChart:
    """Horizontal bars of counted totals per region and role; suspect figures marked.

    Bars are stacked by role on a linear axis; when the bars span more than 100 times
    (a small region next to a large one), each role gets its own bar on a log axis, so
    that the small ones stay visible. Amounts are in billions of won, or trillions when
    every bar is a trillion or more.

    Args:
        money: output of :func:`kpolicy.analysis.committed_by_role` (with ``total_usd``
            when ``currency="USD"``). Regions with excluded suspect figures get a ⚠ and
            the count in the label.
        currency: ``KRW`` or ``USD`` (millions or billions of dollars).
        evidence: :func:`kpolicy.analysis.committed_evidence`: the sentences behind
            each bar (listed when it is clicked in a report).
    """
    column = "total_usd" if currency == "USD" else "total_krw"
    counted = money.filter(pl.col(column) > 0)
    if counted.height == 0:
        n_suspect = int(money["n_suspect_excluded"].sum() or 0) if money.height else 0
        why = "No counted money commitment for " + (", ".join(dict.fromkeys(money["region"].to_list())) or "these regions")
        why += f" ({n_suspect} suspect figure(s) not summed; see the tables below)." if n_suspect else " in the corpus."
        return EmptyChart(title, why)
    divisor, unit = money_unit(counted[column].to_list(), currency)
    data = money.select(
        "region", pl.col("role").cast(pl.String), (pl.col(column) / divisor).alias("total_value"), "n_counted", "n_suspect_excluded"
    ).with_columns(
        pl.col("n_suspect_excluded").sum().over("region").alias("suspect_in_region"),
    ).with_columns(
        pl.when(pl.col("suspect_in_region") > 0)
        .then(pl.col("region") + pl.lit(" ⚠ ") + pl.col("suspect_in_region").cast(pl.String) + pl.lit(" suspect not summed"))
        .otherwise(pl.col("region"))
        .alias("label")
    )
    data = with_evidence(data, evidence).filter(pl.col("total_value") > 0)
    totals = data.group_by("label").agg(pl.col("total_value").sum())["total_value"].to_list()
    log = wide_span(totals) or wide_span(data["total_value"].to_list())
    roles = data["role"].to_list()
    subtitle = f"Counted figures only, in {unit}; suspect figures are listed separately, never summed"
    if log:
        subtitle += "; log scale (the bars span more than 100×), one bar per role"
    x = alt.X("total_value:Q").title(unit + (" (log scale)" if log else "")).axis(format=",.3~r" if log else ",.3~f", labelOverlap=True)
    enc = {
        "x": x.scale(type="log").stack(None) if log else x.stack("zero"),
        "y": alt.Y("label:N").sort(alt.EncodingSortField("total_value", op="sum", order="descending")).title(None),
        "color": alt.Color("role:N").title("Role").scale(color_scale(ROLE_COLORS, roles)),
        "tooltip": [
            alt.Tooltip("region:N"), alt.Tooltip("role:N"), alt.Tooltip("total_value:Q", title=unit, format=",.3~f"),
            alt.Tooltip("n_counted:Q", title="figures counted", format="d"),
            alt.Tooltip("n_suspect_excluded:Q", title="suspect, not summed", format="d"), EVIDENCE_TIP,
        ],
    }
    if log:
        enc["yOffset"] = alt.YOffset("role:N")
    chart = (
        alt.Chart(data, title=alt.Title(title, subtitle=subtitle))
        .mark_bar()
        .encode(**enc)
        .properties(width=520, height=alt.Step(28 if not log else 16))
    )
    return _finish(chart)
