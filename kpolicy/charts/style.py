"""The shared look of every chart: fonts, sizes, the colour of each category, number formats.

Defined once here, so that a role, a level or a region has the same colour in every
report, whichever subset of them a chart shows (:func:`color_scale` with
:data:`LEVEL_COLORS`, :data:`ROLE_COLORS`, :data:`YEAR_ROLE_COLORS`,
:data:`REGION_COLORS`), and every amount of money reads the same way
(:func:`won_text`: "9.22 trillion won", "500 billion won", never "1e+25").
"""

from __future__ import annotations

import html
import math

import altair as alt
import polars as pl

from kpolicy.ledger import ROLES
from kpolicy.schema import REGION_NAMES

#: Korean font used in charts and named first in every page's CSS font stack. Debian's
#: ``fonts-nanum`` installs it (``make fonts``); :func:`kpolicy.charts.render.register_fonts`
#: hands its folder to vl-convert, so PNG and SVG exports show Hangul, not boxes.
KOREAN_FONT = "NanumGothic"
FONT_DIRS = ("/usr/share/fonts/truetype/nanum", "/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
#: The CSS font stack of every report page and chart (Hangul first, then system fonts).
FONT_STACK = f'"{KOREAN_FONT}","Nanum Gothic","Noto Sans CJK KR","Noto Sans KR",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif'
#: The same for Vega (no quotes needed around single words).
CHART_FONT = f"{KOREAN_FONT}, Noto Sans CJK KR, DejaVu Sans, sans-serif"

#: Shared look: readable fonts, no chart border, a calm palette.
THEME_CONFIG = {
    "font": CHART_FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
    "legend": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 15, "anchor": "start", "limit": 0},
}

_PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8",
    "#98df8a", "#c5b0d5",
)
#: Government levels.
LEVEL_COLORS = {
    "national": "#3b5b92",
    "metropolitan": "#e07a5f",
    "provincial": "#81b29a",
    "municipal": "#f2cc8f",
    "unknown": "#b0b0b0",
}
#: Ledger roles of money (kpolicy.ledger.ROLES), in their fixed order.
ROLE_COLORS = dict(zip(ROLES, _PALETTE, strict=False))
#: Roles of years on the timeline.
YEAR_ROLE_COLORS = {"start": "#76b7b2", "horizon": "#4e79a7", "target": "#f28e2b", "kpi_target": "#e15759"}
#: Regions: National and the seventeen regions, in a fixed order.
REGION_COLORS = dict(zip(REGION_NAMES, _PALETTE, strict=False))


def color_scale(colors: dict[str, str], present: list[str] | None = None, fallback: str = "#b0b0b0") -> alt.Scale:
    """An Altair scale that gives each category its colour from ``colors``.

    ``present`` lists the categories a chart shows (its domain, in the shared order;
    categories not in ``colors`` come last, in grey), so the same category has the same
    colour in every chart and report.
    """
    shown = list(colors) if present is None else [c for c in colors if c in present]
    extra = sorted({c for c in (present or []) if c not in colors})
    return alt.Scale(domain=shown + extra, range=[colors[c] for c in shown] + [fallback] * len(extra))


def won_text(value: float | None, unit: str = "won") -> str:
    """An amount in words with sensible precision: "9.22 trillion won", "500 billion won".

    Three significant digits, trailing zeros dropped; a trillion or more is in trillions
    (``1e25`` -> "10,000,000,000,000 trillion won"), never in scientific notation.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = float(value)
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= scale:
            return f"{_sig(v / scale)} {word} {unit}"
    return f"{_sig(v)} {unit}"


def _sig(x: float) -> str:
    """Three significant digits for small numbers, whole numbers with separators for large ones."""
    if abs(x) >= 100:
        return f"{round(x):,}"
    digits = 2 - math.floor(math.log10(abs(x))) if x else 0
    text = f"{x:.{max(digits, 0)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_unit(values: list[float], currency: str = "KRW") -> tuple[float, str]:
    """The divisor and unit name for an axis of amounts: billions of won unless every
    amount is a trillion or more (then trillions); millions or billions of US dollars."""
    low = min((abs(v) for v in values if v), default=0)
    if currency == "USD":
        return (1e9, "billion US$") if low >= 1e9 else (1e6, "million US$")
    return (1e12, "trillion won") if low >= 1e12 else (1e9, "billion won")


def wide_span(values: list[float], ratio: float = 100.0) -> bool:
    """True when the positive values span more than ``ratio`` times (then use a log scale)."""
    pos = [v for v in values if v is not None and v > 0]
    return len(pos) > 1 and max(pos) / min(pos) > ratio


def whole_ticks(top: float, max_ticks: int = 10, start: int = 0) -> list[int]:
    """Whole-number ticks from ``start`` to at least ``top``."""
    top_i = max(math.ceil(top or 1), start + 1)
    step = max(1, -(-(top_i - start) // max_ticks))
    return list(range(start, top_i + step, step))


def _count_ticks(data: pl.DataFrame, by: str, count: str, max_ticks: int = 10) -> list[int]:
    """Whole-number axis ticks for a count axis (Vega would otherwise label 0.5 as "1")."""
    top = int(data.group_by(by).agg(pl.col(count).sum())[count].max() or 1)
    return whole_ticks(top, max_ticks)


def _finish(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the shared look; a layered chart's title moves to the top of its spec."""
    if isinstance(chart, alt.LayerChart) and chart.title is alt.Undefined and chart.layer:
        title = chart.layer[0].title
        chart = chart.copy(deep=True)
        for layer in chart.layer:
            layer.title = alt.Undefined
        chart.title = title
    return chart.configure(**{k: v for k, v in THEME_CONFIG.items() if k not in ("view",)}).configure_view(
        stroke=None
    )


def _label(col: str) -> alt.Tooltip:
    return alt.Tooltip(col)


# -- evidence on every mark ---------------------------------------------------------------

def with_evidence(data: pl.DataFrame, evidence: pl.DataFrame | None) -> pl.DataFrame:
    """``data`` with an ``evidence`` list (sentence keys, see
    :func:`kpolicy.analysis.evidence_key`) and ``n_evidence`` per row.

    ``evidence`` is joined on the columns it shares with ``data`` (``region``, ``role``,
    ``theme_major``, ...); rows with no evidence get an empty list. Without ``evidence``
    the data is returned with an empty list, so every chart has the same fields.
    """
    if evidence is None:
        return data.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("evidence"), pl.lit(0).alias("n_evidence"))
    keys = [c for c in evidence.columns if c != "evidence" and c in data.columns]
    ev = evidence.select(*[pl.col(k).cast(data.schema[k]) for k in keys], pl.col("evidence").cast(pl.List(pl.String)))
    out = data.join(ev, on=keys, how="left", nulls_equal=True) if keys else data.with_columns(pl.lit(None, pl.List(pl.String)).alias("evidence"))
    return out.with_columns(pl.col("evidence").fill_null([])).with_columns(pl.col("evidence").list.len().cast(pl.Int64).alias("n_evidence"))


EVIDENCE_TIP = alt.Tooltip("n_evidence:Q", title="evidence sentences (click to list)")


class EmptyChart:
    """Shown instead of a chart with nothing to draw: a sentence saying why."""

    def __init__(self, title: str, reason: str):
        self.title = title
        self.reason = reason

    def _repr_mimebundle_(self, include=None, exclude=None):
        e = html.escape
        return {
            "text/html": f'<div class="kp-empty-chart"><p><strong>{e(self.title)}</strong></p><p class="kp-empty">{e(self.reason)}</p></div>',
            "text/plain": f"{self.title}: {self.reason}",
        }

    def __repr__(self) -> str:
        return f"{self.title}: {self.reason}"
