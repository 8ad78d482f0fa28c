"""Render charts in notebooks: static SVG + PNG through vl-convert (never a CDN).

The ``kpolicy`` renderer (see :func:`use_offline_renderer`) emits SVG *and* PNG in one
output bundle. nbconvert's HTML shows the SVG, JupyterLab shows the PNG even in an
untrusted notebook, and the output is identical from run to run (nbval-friendly).
:func:`save` writes a chart to ``.svg`` and ``.png`` files.
"""

from __future__ import annotations

import base64

import altair as alt
import vl_convert as vlc

RENDERER = "kpolicy"


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
    """Render charts as interactive widgets in a live JupyterLab, offline (tooltips, zoom).

    See :func:`kpolicy.interactive.use_interactive_renderer` (Altair's JupyterChart with
    vl-convert's bundle; JupyterLab 4.6's own Vega extension cannot show Vega-Lite 6).
    Not for papermill or nbval runs: widget output is not saved in the notebook.
    """
    from kpolicy import interactive

    interactive.use_interactive_renderer()


def save(chart: alt.TopLevelMixin, path_without_suffix: str) -> None:
    """Save a chart as ``.svg`` and ``.png`` side by side (both offline)."""
    chart.save(f"{path_without_suffix}.svg", format="svg")
    chart.save(f"{path_without_suffix}.png", format="png", scale_factor=2)
