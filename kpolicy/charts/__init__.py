"""Altair chart builders, one module per kind of chart, and the offline renderer.

- :mod:`kpolicy.charts.style` - shared fonts, sizes, category colours, number formats.
- :mod:`kpolicy.charts.render` - the notebook renderer (SVG + PNG through vl-convert)
  and :func:`save` (``.svg`` and ``.png`` files).
- :mod:`kpolicy.charts.corpus` - documents by region and level, rejected files.
- :mod:`kpolicy.charts.themes` - theme heatmap and profile, similarity, keyness.
- :mod:`kpolicy.charts.money` - money committed by region and role.
- :mod:`kpolicy.charts.targets` - KPI targets and plan years.

Builders take small, pre-aggregated frames (see :mod:`kpolicy.analysis`) and select
only the columns they plot, because Altair embeds every column of its data. Every
name is importable from ``kpolicy.charts`` directly (``charts.money_bars(...)``).
"""

from kpolicy.charts.corpus import documents_by_region, rejects_by_reason
from kpolicy.charts.money import money_bars
from kpolicy.charts.render import (
    RENDERER,
    SPEC_MIMETYPE,
    register_fonts,
    save,
    use_interactive_renderer,
    use_offline_renderer,
)
from kpolicy.charts.style import (
    LEVEL_COLORS,
    REGION_COLORS,
    ROLE_COLORS,
    THEME_CONFIG,
    YEAR_ROLE_COLORS,
    EmptyChart,
    color_scale,
    won_text,
)
from kpolicy.charts.targets import target_dumbbell, timeline_chart
from kpolicy.charts.themes import (
    keyness_chart,
    keyness_facets,
    similarity_matrix,
    theme_heatmap,
    theme_profile_bars,
)

__all__ = [
    "LEVEL_COLORS",
    "REGION_COLORS",
    "RENDERER",
    "ROLE_COLORS",
    "SPEC_MIMETYPE",
    "THEME_CONFIG",
    "YEAR_ROLE_COLORS",
    "EmptyChart",
    "color_scale",
    "documents_by_region",
    "keyness_chart",
    "keyness_facets",
    "money_bars",
    "register_fonts",
    "rejects_by_reason",
    "save",
    "similarity_matrix",
    "target_dumbbell",
    "theme_heatmap",
    "theme_profile_bars",
    "timeline_chart",
    "use_interactive_renderer",
    "use_offline_renderer",
    "won_text",
]
