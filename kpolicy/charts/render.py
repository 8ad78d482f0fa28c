"""Render charts in notebooks: static SVG + PNG through vl-convert (never a CDN).

The ``kpolicy`` renderer (see :func:`use_offline_renderer`) emits SVG *and* PNG in one
output bundle, plus the Vega-Lite spec under :data:`SPEC_MIMETYPE`. nbconvert's HTML
shows the SVG (``kpolicy report`` turns it into an interactive chart from the spec, see
:mod:`kpolicy.reporting.render`), JupyterLab shows the PNG even in an untrusted
notebook, and the output is identical from run to run (nbval-friendly).
:func:`save` writes a chart to ``.svg`` and ``.png`` files. :func:`register_fonts`
gives vl-convert a Korean font, so Hangul shows in both.
"""

from __future__ import annotations

import base64
from pathlib import Path

import altair as alt
import vl_convert as vlc

from kpolicy.charts.style import FONT_DIRS

RENDERER = "kpolicy"
#: The output type that carries a chart's Vega-Lite spec beside its SVG and PNG.
SPEC_MIMETYPE = "application/vnd.kpolicy.vegalite+json"
_registered: set[str] = set()


def register_fonts() -> list[str]:
    """Hand every installed Korean font folder (:data:`kpolicy.charts.style.FONT_DIRS`) to
    vl-convert, once per process; returns the folders registered.

    Without one, vl-convert draws Hangul as boxes in PNG and SVG; ``make fonts`` installs
    Debian's ``fonts-nanum`` when run as root.
    """
    for folder in FONT_DIRS:
        if folder not in _registered and Path(folder).is_dir():
            vlc.register_font_directory(folder)
            _registered.add(folder)
    return sorted(_registered)


def _offline_renderer(spec: dict, **kwargs) -> dict:
    register_fonts()
    svg = vlc.vegalite_to_svg(spec)
    png = vlc.vegalite_to_png(spec, scale=2)
    return {
        "image/svg+xml": svg,
        "image/png": base64.b64encode(png).decode("ascii"),
        SPEC_MIMETYPE: spec,
        "text/plain": "<chart rendered offline by kpolicy (SVG + PNG)>",
    }


def use_offline_renderer() -> None:
    """Render charts as static SVG + PNG through vl-convert (no network, deterministic).

    The spec travels in the same output (:data:`SPEC_MIMETYPE`), for the interactive
    charts of ``kpolicy report``.
    """
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
    """Save a chart as ``.svg`` and ``.png`` side by side (both offline, Hangul in a Korean font)."""
    register_fonts()
    chart.save(f"{path_without_suffix}.svg", format="svg")
    chart.save(f"{path_without_suffix}.png", format="png", scale_factor=2)
