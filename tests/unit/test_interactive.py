"""kpolicy.interactive: the notebook renderer picked by KPOLICY_CHARTS, and the zoom added
to single-view charts (the browser test is tests/notebooks/test_lab_interactive.py)."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest

from kpolicy import charts, interactive
from kpolicy.errors import KpolicyError


@pytest.fixture(autouse=True)
def _restore_renderer():
    before = alt.renderers.active
    yield
    alt.renderers.enable(before)


@pytest.mark.parametrize(
    ("environ", "mode"),
    [({}, "static"), ({"KPOLICY_CHARTS": ""}, "static"), ({"KPOLICY_CHARTS": "static"}, "static"),
     ({"KPOLICY_CHARTS": "interactive"}, "interactive"), ({"KPOLICY_CHARTS": " Interactive "}, "interactive")],
)
def test_renderer_mode(environ: dict[str, str], mode: str) -> None:
    assert interactive.renderer_mode(environ) == mode


def test_an_unknown_mode_is_an_error_listing_the_modes() -> None:
    with pytest.raises(KpolicyError, match=r"^KPOLICY_CHARTS='widgets' is not a chart mode; valid: static, interactive$"):
        interactive.renderer_mode({"KPOLICY_CHARTS": "widgets"})


def _bars() -> alt.Chart:
    return charts.rejects_by_reason(pl.DataFrame({"reason": ["unreadable", "empty"], "n_files": [2, 1]}))


def test_static_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KPOLICY_CHARTS", raising=False)
    assert interactive.use_renderer_from_environment() == "static"
    assert alt.renderers.active == charts.RENDERER
    bundle = _bars()._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "image/svg+xml" in data and "image/png" in data


def test_interactive_charts_are_widgets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPOLICY_CHARTS", "interactive")
    assert interactive.use_renderer_from_environment() == "interactive"
    assert alt.renderers.active == interactive.RENDERER
    data, _ = _bars()._repr_mimebundle_()
    assert set(data) == {"text/plain", "application/vnd.jupyter.widget-view+json"}
    # Offline: the widget's JavaScript is vl-convert's bundle, with no import from a CDN.
    assert alt.JupyterChart._is_offline
    assert "esm.sh" not in alt.JupyterChart._esm and "https://" not in alt.JupyterChart._esm.split("\n", 5)[0]
    # kpolicy.charts.use_interactive_renderer is the same renderer.
    charts.use_offline_renderer()
    charts.use_interactive_renderer()
    assert alt.renderers.active == interactive.RENDERER


def test_zoom_on_the_continuous_axis_of_a_single_view() -> None:
    spec = _bars().to_dict()
    zoomed = interactive.with_zoom(spec)
    assert zoomed["params"][-1] == {"name": "kpolicy_zoom", "select": {"type": "interval", "encodings": ["x"]}, "bind": "scales"}
    assert "params" not in spec or all(p.get("name") != "kpolicy_zoom" for p in spec["params"])  # input untouched
    assert interactive.with_zoom(zoomed) == zoomed  # once only


def test_zoom_of_a_layer_is_bound_to_its_first_layer() -> None:
    data = pl.DataFrame({"year": [2020, 2030], "value": [1.0, 3.0]})
    base = alt.Chart(data).encode(x="year:Q", y="value:Q")
    zoomed = interactive.with_zoom((base.mark_line() + base.mark_point()).to_dict())
    assert zoomed["params"] == [{"name": "kpolicy_zoom", "select": {"type": "interval", "encodings": ["x", "y"]},
                                 "bind": "scales", "views": ["kpolicy_zoom_view"]}]
    assert zoomed["layer"][0]["name"] == "kpolicy_zoom_view" and "params" not in zoomed["layer"][1]


@pytest.mark.parametrize("layered", [False, True])
def test_zoomed_charts_survive_jupyterchart_and_compile(layered: bool) -> None:
    """JupyterChart rebuilds the chart with Altair (Chart.from_dict), which lifts params;
    a zoom placed inside a layer came out as "views: []" and Vega refused the chart with
    'Duplicate signal name' (seen in JupyterLab on the region profile)."""
    import vl_convert as vlc

    data = pl.DataFrame({"theme": ["ai", "data"], "rate": [1.0, 2.0], "baseline": [1.5, 1.0]})
    base = alt.Chart(data)
    bars = base.mark_bar().encode(x="rate:Q", y="theme:N")
    chart = alt.layer(bars, base.mark_tick().encode(x="baseline:Q", y="theme:N")) if layered else bars
    rebuilt = alt.Chart.from_dict(interactive.with_zoom(chart.to_dict())).to_dict()
    signals = [s["name"] for s in vlc.vegalite_to_vega(rebuilt)["signals"]]
    assert "kpolicy_zoom" in signals and len(signals) == len(set(signals))
    assert vlc.vegalite_to_svg(rebuilt).startswith("<svg")


def test_no_zoom_without_a_continuous_axis_or_a_single_view() -> None:
    data = pl.DataFrame({"region": ["Busan", "Incheon"], "theme": ["AI", "Data"], "n": [1, 2]})
    heat = alt.Chart(data).mark_rect().encode(x="region:N", y="theme:N", color="n:Q").to_dict()
    assert interactive.with_zoom(heat) == heat
    concat = alt.hconcat(alt.Chart(data).mark_bar().encode(x="n:Q", y="region:N"),
                         alt.Chart(data).mark_bar().encode(x="n:Q", y="theme:N")).to_dict()
    assert interactive.with_zoom(concat) == concat
