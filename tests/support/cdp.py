"""A small Chrome DevTools Protocol driver for browser tests (headless Debian Chromium).

Playwright and Selenium need a browser download (no network here) or a driver binary;
Chromium itself speaks the DevTools protocol over a websocket, so a few dozen lines
and ``websocket-client`` (pinned in the ``test`` extra) are enough::

    from support.cdp import Chromium, find_chromium

    with Chromium() as browser:
        browser.navigate(page.as_uri())
        browser.wait_for("document.querySelector('.vega-embed svg')", timeout=20)
        browser.click("#region-Busan")
        assert browser.evaluate("document.querySelectorAll('tr.evidence').length") == 3
        browser.screenshot(tmp_path / "page.png")

Every call has a timeout, and the browser process is always ended (a test never hangs
on it). Chromium runs with a throwaway profile, no sandbox (tests run as root in
containers), and its background network features off.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Self

import websocket  # websocket-client

__all__ = ["CDPError", "Chromium", "find_chromium"]


class CDPError(RuntimeError):
    """The browser reported an error, or a wait timed out (the message says which)."""


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable, or None when none is installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Chromium:
    """One headless Chromium with one page, driven over the DevTools protocol.

    Args:
        width, height: the viewport in CSS pixels.
        timeout: the default timeout in seconds of every call (start-up, commands, waits).
        executable: the browser; default :func:`find_chromium`.
        extra_args: more command-line switches.
    """

    def __init__(self, *, width: int = 1280, height: int = 900, timeout: float = 60.0,
                 executable: str | None = None, extra_args: tuple[str, ...] = ()) -> None:
        self.width, self.height, self.timeout = width, height, timeout
        self.executable = executable or find_chromium()
        self.extra_args = tuple(extra_args)
        self.console: list[str] = []  # console messages and uncaught exceptions, in order
        self._ids = itertools.count(1)
        self._proc: subprocess.Popen | None = None
        self._ws: websocket.WebSocket | None = None
        self._profile: str | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the browser and connect to its first page."""
        if self.executable is None:
            raise CDPError("no Chromium found (install Debian's chromium: `make browser`)")
        self._profile = tempfile.mkdtemp(prefix="kpolicy-chromium-")
        log = open(Path(self._profile) / "chromium.log", "wb")  # noqa: SIM115 - closed with the process
        args = [
            self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-quic",
            "--mute-audio", f"--user-data-dir={self._profile}", "--remote-debugging-port=0",
            f"--window-size={self.width},{self.height}", *self.extra_args, "about:blank",
        ]
        try:
            self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        finally:
            log.close()
        try:
            # With port 0 Chromium picks a free port and writes it to DevToolsActivePort.
            port_file = Path(self._profile) / "DevToolsActivePort"
            deadline = time.monotonic() + self.timeout
            while not (port_file.exists() and port_file.read_text().strip()):
                if self._proc.poll() is not None:
                    raise CDPError(f"Chromium exited with code {self._proc.returncode}: {self._log_tail()}")
                if time.monotonic() > deadline:
                    raise CDPError(f"Chromium did not open its DevTools port within {self.timeout:.0f} s: {self._log_tail()}")
                time.sleep(0.05)
            port = int(port_file.read_text().split()[0])
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as resp:
                targets = json.load(resp)
            page = next((t for t in targets if t.get("type") == "page"), None)
            if page is None:
                raise CDPError(f"Chromium has no page target: {targets}")
            # suppress_origin: Chromium refuses websocket clients that send an Origin header
            # unless started with --remote-allow-origins.
            self._ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=self.timeout, suppress_origin=True)
            self.send("Runtime.enable")
            self.send("Page.enable")
            self.send("Emulation.setDeviceMetricsOverride", width=self.width, height=self.height,
                      deviceScaleFactor=1, mobile=False)
            # A headless page never has focus; apps that track the focused widget
            # (JupyterLab's "current notebook") need it to behave as if it had.
            self.send("Emulation.setFocusEmulationEnabled", enabled=True)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Disconnect and end the browser (terminate, then kill after 5 s); idempotent."""
        if self._ws is not None:
            with contextlib.suppress(Exception):  # closing a broken socket is fine
                self._ws.close()
            self._ws = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(5)
            self._proc = None
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def _log_tail(self, n: int = 2000) -> str:
        try:
            return (Path(self._profile or "") / "chromium.log").read_text(errors="replace")[-n:].strip()
        except OSError:
            return "(no log)"

    # -- protocol ----------------------------------------------------------------------
    def send(self, method: str, timeout: float | None = None, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result (events meanwhile are recorded)."""
        if self._ws is None:
            raise CDPError("the browser is not running (use `with Chromium() as browser:`)")
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CDPError(f"no answer to {method} within {timeout or self.timeout:.0f} s")
            self._ws.settimeout(remaining)
            try:
                raw = self._ws.recv()
            except websocket.WebSocketTimeoutException:
                raise CDPError(f"no answer to {method} within {timeout or self.timeout:.0f} s") from None
            msg = json.loads(raw)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error'].get('message')} {msg['error'].get('data', '')}".strip())
                return msg.get("result", {})
            self._record(msg)

    def _record(self, msg: dict[str, Any]) -> None:
        method, params = msg.get("method"), msg.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.console.append(f"console.{params.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.console.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")

    # -- page helpers ------------------------------------------------------------------
    def navigate(self, url: str, timeout: float | None = None) -> None:
        """Open ``url`` and wait until the new document has loaded."""
        self.evaluate("window.__cdpOld = true")
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise CDPError(f"could not open {url}: {result['errorText']}")
        self.wait_for("!window.__cdpOld && document.readyState === 'complete'", timeout, message=f"{url} did not load")

    def evaluate(self, js: str, *, await_promise: bool = True) -> Any:
        """Evaluate a JavaScript expression in the page and return its value (JSON-able).

        A promise is awaited. A JavaScript exception raises :class:`CDPError`.
        """
        result = self.send("Runtime.evaluate", expression=js, returnByValue=True, awaitPromise=await_promise,
                           userGesture=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CDPError(f"JavaScript error in {js[:120]!r}: {text}")
        return result.get("result", {}).get("value")

    def wait_for(self, js_condition: str, timeout: float | None = None, *, interval: float = 0.2,
                 message: str | None = None) -> Any:
        """Poll a JavaScript expression until it is truthy and return its value.

        A JavaScript error while polling counts as "not yet" (the element may not exist).

        Raises:
            CDPError: still falsy after ``timeout`` seconds (default: the browser's);
                names the condition, the last error and ``message``.
        """
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        last_error = None
        while True:
            try:
                value = self.evaluate(f"(() => {{ try {{ return ({js_condition}); }} catch (e) {{ return false; }} }})()")
                if value:
                    return value
            except CDPError as exc:
                last_error = exc
            if time.monotonic() > deadline:
                raise CDPError(
                    f"{message + ': ' if message else ''}waited {limit:.0f} s for {js_condition!r}"
                    + (f" (last error: {last_error})" if last_error else "")
                )
            time.sleep(interval)

    def click(self, selector: str, timeout: float | None = None) -> None:
        """Click the centre of the first element matching a CSS selector, as a user would
        (real mouse events, so handlers on SVG and canvas marks fire too)."""
        sel = json.dumps(selector)
        rect = self.wait_for(
            f"(() => {{ const el = document.querySelector({sel}); if (!el) return null;"
            " el.scrollIntoView({block: 'center', inline: 'center'}); const r = el.getBoundingClientRect();"
            " return r.width > 0 && r.height > 0 ? {x: r.left + r.width / 2, y: r.top + r.height / 2} : null; })()",
            timeout, message=f"no visible element matches {selector}",
        )
        self.click_at(rect["x"], rect["y"])

    def click_at(self, x: float, y: float) -> None:
        """Click at viewport coordinates (CSS pixels), e.g. a mark drawn on a canvas."""
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        self.send("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="left", clickCount=1)
        self.send("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path: str | Path, *, full_page: bool = False) -> Path:
        """Save a PNG of the viewport (or of the whole page) and return its path."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1})
        data = self.send("Page.captureScreenshot", **params)["data"]
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(base64.b64decode(data))
        return out
