"""The DevTools driver of the browser tests (tests/support/cdp.py) on a page of its own."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.cdp import CDPError, Chromium, find_chromium

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="headless Chromium is not installed (`make browser` installs Debian's chromium)"
)

PAGE = """<!DOCTYPE html><html><head><title>start</title></head><body style="margin:0">
<div style="height:1500px">tall</div>
<button id="go" style="width:80px;height:30px" onclick="document.title = 'clicked ' + (++window.n); console.log('n', window.n)">go</button>
<script>window.n = 0; setTimeout(() => document.body.dataset.late = 'yes', 300);</script>
</body></html>"""


def test_click_wait_evaluate_screenshot(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    with Chromium(width=400, height=300, timeout=30) as browser:
        browser.navigate(page.as_uri())
        assert browser.evaluate("document.title") == "start"
        assert browser.wait_for("document.body.dataset.late", timeout=10) == "yes"
        browser.click("#go")  # below the fold: scrolled into view first
        browser.click("#go")
        assert browser.evaluate("document.title") == "clicked 2"
        assert browser.console == ["console.log: n 1", "console.log: n 2"]
        assert browser.evaluate("Promise.resolve(6 * 7)") == 42
        with pytest.raises(CDPError, match="JavaScript error"):
            browser.evaluate("no_such_name + 1")
        shot = browser.screenshot(tmp_path / "shot.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_wait_that_never_comes_true_fails_in_time(tmp_path: Path) -> None:
    with Chromium(timeout=30) as browser:
        start = time.monotonic()
        with pytest.raises(CDPError, match=r"^demo: waited 1 s for .*#never"):
            browser.wait_for("document.querySelector('#never')", timeout=1, message="demo")
        assert time.monotonic() - start < 10
        with pytest.raises(CDPError, match="no visible element matches #never"):
            browser.click("#never", timeout=1)
