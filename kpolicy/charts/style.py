"""The shared look of every chart: fonts, sizes, the colour of each category, number formats.

Defined once here, so that a role, a level or a region has the same colour in every
report (:data:`LEVEL_COLORS`, :data:`ROLE_COLORS`, :func:`region_scale`).
"""

from __future__ import annotations

import altair as alt
import polars as pl

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


def _count_ticks(data: pl.DataFrame, by: str, count: str, max_ticks: int = 10) -> list[int]:
    """Whole-number axis ticks for a count axis (Vega would otherwise label 0.5 as "1")."""
    top = int(data.group_by(by).agg(pl.col(count).sum())[count].max() or 1)
    step = max(1, -(-top // max_ticks))
    return list(range(0, top + step, step))


def _finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return chart.configure(**{k: v for k, v in THEME_CONFIG.items() if k not in ("view",)}).configure_view(
        stroke=None
    )


def _label(col: str) -> alt.Tooltip:
    return alt.Tooltip(col)
