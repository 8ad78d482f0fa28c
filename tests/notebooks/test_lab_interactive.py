"""`make lab` serves the notebooks with interactive charts that JupyterLab really renders.

A JupyterLab server is started through `make lab` itself (as root here, so the target
must add --allow-root) on a random port with a token, on a temporary copy of
notebooks/10_region_profile.ipynb (the notebook with the most kinds of chart: layers,
log scales, timelines). Headless Chromium (tests/support/cdp.py) opens the notebook,
runs every cell in the live kernel and must find every chart drawn by vega-embed inside
its widget output (an <svg> with marks), not the "<VegaLite 6 object>" fallback text,
not a JavaScript error and not a static PNG; hovering a bar must show its tooltip.
Nothing is fetched from the network: the Vega bundle comes from vl-convert.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from support.cdp import CDPError, Chromium, find_chromium

from kpolicy.paths import NOTEBOOKS_DIR, ROOT, SEEDS_DIR

NOTEBOOK = "10_region_profile.ipynb"
START_TIMEOUT = 180  # seconds for the server to answer (a cold JupyterLab under load)
RUN_TIMEOUT = 300  # seconds for the notebook to run in the live kernel


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_notebook(folder: Path) -> tuple[Path, int]:
    """The notebook with an absolute corpus path (the copy is outside the project), and
    the number of cells that draw a chart."""
    nb = nbformat.read(NOTEBOOKS_DIR / NOTEBOOK, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'corpus_dir = "seeds"' in params.source
    params.source = params.source.replace('corpus_dir = "seeds"', f"corpus_dir = {str(SEEDS_DIR)!r}")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    n_charts = sum(c.cell_type == "code" and "charts." in c.source and "interactive." not in c.source for c in nb.cells)
    path = folder / NOTEBOOK
    nbformat.write(nb, path)
    return path, n_charts


class LabServer:
    """`make lab` on a folder, in its own process group (ended by its id at the end)."""

    def __init__(self, folder: Path, home: Path) -> None:
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.log = home / "lab.log"
        lab_args = " ".join([
            "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", "--LabApp.expose_app_in_browser=True",
        ])
        env = {
            **os.environ,
            # A private Jupyter home: no user settings, workspaces or config of the machine.
            "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        }
        env.pop("KPOLICY_CHARTS", None)  # `make lab` must set it by itself
        for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):  # under `make test`: a make of its own
            env.pop(var, None)
        with open(self.log, "wb") as log:
            # -o install: the venv is already built (make test); do not re-check the pins here.
            self.proc = subprocess.Popen(
                ["make", "--no-print-directory", "-C", str(ROOT), "-o", "install", "lab", f"LAB_DIR={folder}", f"LAB_ARGS={lab_args}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}?token={self.token}"

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"`make lab` exited with code {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/api/status"), timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.proc.poll() is None:
            pgid = os.getpgid(self.proc.pid)  # the group this test started (start_new_session)
            os.killpg(pgid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                self.proc.wait(10)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[LabServer, int]]:
    if find_chromium() is None:
        pytest.skip("headless Chromium is not installed (`make browser` installs Debian's chromium); the JupyterLab browser test needs it")
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("`make lab` needs make and the project's .venv (`make install`)")
    folder = tmp_path / "lab"
    folder.mkdir()
    _, n_charts = _copy_notebook(folder)
    server = LabServer(folder, tmp_path)
    try:
        server.wait_ready()
        yield server, n_charts
    finally:
        server.stop()


# JavaScript run in the JupyterLab page (window.jupyterapp: --LabApp.expose_app_in_browser).
NOTEBOOK_PANEL = f"Array.from(jupyterapp.shell.widgets('main')).find(w => w.context && w.context.path === {json.dumps(NOTEBOOK)})"
KERNEL_IDLE = f"({NOTEBOOK_PANEL}.sessionContext.kernelDisplayStatus === 'idle')"
CODE_CELLS = f"{NOTEBOOK_PANEL}.content.widgets.filter(c => c.model.type === 'code')"
ALL_RAN = f"({CODE_CELLS}.every(c => c.model.executionCount !== null) && {KERNEL_IDLE})"
ERRORS = f"{CODE_CELLS}.flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue))"
CHART_OUTPUTS = "document.querySelectorAll('.jp-OutputArea-output .vega-embed svg.marks')"
EMBEDS = "Array.from(document.querySelectorAll('.jp-OutputArea-output .vega-embed'))"


def test_make_lab_renders_interactive_charts(lab: tuple[LabServer, int], tmp_path: Path) -> None:
    server, n_charts = lab
    assert n_charts >= 1
    with Chromium(width=1400, height=1000, timeout=60) as browser:
        try:
            browser.navigate(server.url(f"/lab/tree/{NOTEBOOK}"), timeout=120)
            browser.wait_for(f"window.jupyterapp && {KERNEL_IDLE}", timeout=START_TIMEOUT, message="the notebook and its kernel did not open")
            # Run All acts on the current notebook: make ours current first.
            browser.evaluate(f"jupyterapp.shell.activateById({NOTEBOOK_PANEL}.id)")
            browser.wait_for(f"jupyterapp.shell.currentWidget === {NOTEBOOK_PANEL}", timeout=30)
            browser.evaluate("void jupyterapp.commands.execute('notebook:run-all-cells')")
            browser.wait_for(f"{CODE_CELLS}.some(c => c.model.executionCount !== null)", timeout=60,
                             message="no cell started")
            browser.wait_for(f"{ALL_RAN} || {ERRORS}.length > 0", timeout=RUN_TIMEOUT, message="the notebook did not finish")
            assert browser.evaluate(ERRORS) == []
            # Every chart cell holds one widget; each draws its chart (or shows its error).
            browser.wait_for(f"{EMBEDS}.length >= {n_charts} && {EMBEDS}.every(e => e.firstChild)", timeout=60,
                             message=f"expected {n_charts} vega-embed outputs")
            problems = browser.evaluate(f"{EMBEDS}.filter(e => !e.querySelector('svg.marks')).map(e => e.textContent)")
            assert problems == [], problems
            assert browser.evaluate(f"{CHART_OUTPUTS}.length") == n_charts
            # textContent, not innerText: cells scrolled out of view are not laid out.
            text = browser.evaluate(f"{NOTEBOOK_PANEL}.node.textContent")
            assert "VegaLite 6 object" not in text and "renderer has not been properly enabled" not in text
            assert "Error displaying widget" not in text and "JavaScript Error" not in text
            # The interactive renderer, not the static one: no PNG or SVG image output.
            assert browser.evaluate("document.querySelectorAll('.jp-RenderedImage').length") == 0
            # Hover a bar: vega-tooltip shows the mark's values.
            browser.evaluate(f"{CHART_OUTPUTS}[0].scrollIntoView({{block: 'center'}})")
            rect = browser.wait_for(
                # The widest bar of the first chart (a region's zero bar has no area to hover).
                "(() => { const rs = Array.from(document.querySelector('.jp-OutputArea-output .vega-embed svg.marks')"
                ".querySelectorAll('.mark-rect path')).map(m => m.getBoundingClientRect()).filter(r => r.width > 2 && r.height > 2);"
                " if (!rs.length) return null; const r = rs.reduce((a, b) => (b.width > a.width ? b : a));"
                " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()",
                timeout=10, message="no bar in the chart",
            )
            browser.send("Input.dispatchMouseEvent", type="mouseMoved", x=rect["x"], y=rect["y"])
            tooltip = browser.wait_for(
                "(() => { const t = document.getElementById('vg-tooltip-element'); return t && t.classList.contains('visible') ? t.innerText : null; })()",
                timeout=10, message="no tooltip on hover",
            )
            assert "Busan per 1,000 content tokens" in tooltip, tooltip  # the theme bars of the first chart
            assert not [m for m in browser.console if "Failed to load" in m or "ERR_" in m], browser.console
        except (CDPError, AssertionError):
            shot = browser.screenshot(tmp_path / "lab.png")
            print(f"screenshot: {shot}\nserver log:\n{server.log_tail()}\nconsole:\n" + "\n".join(browser.console[-30:]))
            raise


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None, reason="needs root and runuser to compare users")
def test_make_lab_allows_root_only_for_root() -> None:
    def dry_run(*prefix: str) -> str:
        return subprocess.run([*prefix, "make", "--no-print-directory", "-n", "-C", str(ROOT), "-o", "install", "lab"],
                              capture_output=True, text=True, timeout=60, check=True).stdout

    as_root, as_user = dry_run(), dry_run("runuser", "-u", "nobody", "--")
    assert "--allow-root" in as_root and "KPOLICY_CHARTS=interactive" in as_root
    assert "--allow-root" not in as_user and "KPOLICY_CHARTS=interactive" in as_user
