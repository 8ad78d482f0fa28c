"""Charts of money committed (counted ledger figures only)."""

from __future__ import annotations

import altair as alt
import polars as pl

from kpolicy.charts.style import LEVEL_COLORS, _count_ticks, _finish, _label  # noqa: F401


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
