"""Interactive charts in a live JupyterLab: tooltips, zoom and pan, selections, offline.

Altair 6 writes Vega-Lite 6 specs. JupyterLab 4.6's built-in Vega renderer knows only
Vega-Lite 3-5 (it shows "<VegaLite 6 object> ... renderer has not been properly
enabled"), so kpolicy renders interactive charts with Altair's ``JupyterChart`` widget
(anywidget) in its offline mode: the Vega, Vega-Lite and vega-embed JavaScript comes
from vl-convert's bundle inside the ``vl-convert-python`` package, never from a CDN.

Notebooks choose their renderer with :func:`use_renderer_from_environment` in their
first cell:

- ``KPOLICY_CHARTS=interactive`` (``make lab`` sets it): interactive widgets.
- unset or ``static`` (papermill runs by ``kpolicy report``, nbval in ``make test``):
  static SVG + PNG through vl-convert (:func:`kpolicy.charts.use_offline_renderer`),
  identical from run to run. Widget output cannot be saved into a report or compared
  by nbval, so batch runs never use the interactive renderer.

In interactive mode, every single-view chart with a continuous axis can also be zoomed
(mouse wheel) and panned (drag); a double click resets the view. Tooltips come from the
chart builders themselves.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import altair as alt

from kpolicy.errors import KpolicyError

#: The environment variable that picks the notebook renderer.
ENV_VAR = "KPOLICY_CHARTS"
INTERACTIVE = "interactive"
STATIC = "static"
MODES = (STATIC, INTERACTIVE)
#: The Altair renderer registered by :func:`use_interactive_renderer`.
RENDERER = "kpolicy-interactive"
#: The name of the zoom/pan parameter added to single-view charts.
ZOOM_PARAM = "kpolicy_zoom"
#: The name given to the layer that holds the zoom (Altair needs one to lift the param).
ZOOM_VIEW = "kpolicy_zoom_view"
_CONTINUOUS = {"quantitative", "temporal"}
#: vega-embed options: SVG marks (crisp text, Hangul through the browser's fonts, and
#: DOM elements a browser test can hover), and a menu that exports SVG/PNG but has no
#: "Open in Vega Editor" (a link to a web site).
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False, "compiled": False, "editor": False}}


def renderer_mode(environ: dict[str, str] | None = None) -> str:
    """The renderer mode the environment asks for: ``static`` (default) or ``interactive``.

    Raises:
        KpolicyError: ``KPOLICY_CHARTS`` holds anything else (the message lists the modes).
    """
    env = os.environ if environ is None else environ
    value = env.get(ENV_VAR, "").strip().lower() or STATIC
    if value not in MODES:
        raise KpolicyError(f"{ENV_VAR}={env.get(ENV_VAR)!r} is not a chart mode; valid: {', '.join(MODES)}")
    return value


def use_renderer_from_environment() -> str:
    """Enable the renderer ``KPOLICY_CHARTS`` asks for (static unless ``interactive``).

    Returns:
        The mode enabled, ``static`` or ``interactive``.
    """
    from kpolicy import charts

    mode = renderer_mode()
    if mode == INTERACTIVE:
        use_interactive_renderer()
    else:
        charts.use_offline_renderer()
    return mode


def with_zoom(spec: dict[str, Any]) -> dict[str, Any]:
    """A copy of a Vega-Lite spec whose continuous x/y scales zoom and pan.

    Only single views (a mark, or a layer whose first layer has a mark: the zoom is then
    bound to that layer, whose scales the other layers share) get the zoom:
    Vega-Lite binds interval selections to continuous scales only, and a concatenated,
    faceted or repeated chart has no single pair of scales. A spec that already has a
    parameter named :data:`ZOOM_PARAM`, or no continuous x/y channel, comes back as it is.
    """
    out = copy.deepcopy(spec)
    target = out
    if "layer" in out and out["layer"] and isinstance(out["layer"][0], dict):
        target = out["layer"][0]
    if "mark" not in target:
        return out
    encoding = {**out.get("encoding", {}), **target.get("encoding", {})}
    channels = [
        ch for ch in ("x", "y")
        if isinstance(encoding.get(ch), dict) and encoding[ch].get("type") in _CONTINUOUS
    ]
    existing = [p.get("name") for p in out.get("params", []) + target.get("params", []) if isinstance(p, dict)]
    if not channels or ZOOM_PARAM in existing:
        return out
    zoom = {"name": ZOOM_PARAM, "select": {"type": "interval", "encodings": channels}, "bind": "scales"}
    if target is out:
        out.setdefault("params", []).append(zoom)
    else:
        # In a layer, the zoom is a top-level param whose view is the first layer, by name.
        # (Put inside the layer, Altair's JupyterChart lifts it to the top with
        # "views: []", i.e. every layer, and Vega fails on duplicate zoom signals.)
        target.setdefault("name", ZOOM_VIEW)
        out.setdefault("params", []).append({**zoom, "views": [target["name"]]})
    return out


def _interactive_renderer(spec: dict, **metadata: Any) -> dict:
    from altair.vegalite.v6.display import jupyter_renderer

    metadata.setdefault("embed_options", EMBED_OPTIONS)
    return jupyter_renderer(with_zoom(spec), offline=True, **metadata)


def use_interactive_renderer() -> None:
    """Render charts as interactive widgets in JupyterLab, offline (no CDN).

    Needs a live JupyterLab (or Notebook 7) with the ``anywidget`` extension, which
    ``pip install`` puts into the environment. Not for papermill or nbval runs: widget
    output is not stored in the notebook, so a saved report would show only
    ``JupyterChart(...)`` text.

    Raises:
        KpolicyError: anywidget is not installed.
    """
    try:
        import anywidget  # noqa: F401 - JupyterChart needs it
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise KpolicyError("interactive charts need the anywidget package (pip install -r requirements.lock)") from exc
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, _interactive_renderer)
    alt.renderers.enable(RENDERER)
