"""Document text is untrusted: reports must escape it and never execute it.

The test corpus is written here: a document whose title, body and catalog metadata hold
script tags, event-handler attributes, javascript: links, a </style> break-out and
Markdown/HTML that would render if pasted raw, and a second document whose *file name*
is an HTML tag. The reports built from it, with their interactive layer (the evidence
JSON of each page, the per-document pages under docs/), are checked statically, then
loaded in headless Chromium: a script that ran would have changed document.title to
PWNED or set a data-pwned attribute.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kpolicy.report import run_batch

EVIL = """<script>document.title="PWNED";document.body.setAttribute("data-pwned","1")</script> Busan unveils AI plan

Busan Metropolitan City said it will invest 5 billion won in AI <img src=x onerror="document.title='PWNED';document.body.setAttribute('data-pwned','2')"> by 2030.
See [the plan](javascript:document.title='PWNED') and </style><script>document.title="PWNED"</script> for details.
# Not a heading **not bold** <b>not bold</b> <iframe src="https://example.org/x"></iframe>
Mayor Park said "<svg onload=document.title='PWNED'>" is not a plan.
"""
#: A file whose name is markup (no "/" can be in a name); its text is about Busan too.
EVIL_NAME = "<svg onload=document.title='PWNED'>.txt"
EVIL_NAMED_TEXT = "Busan <b>not bold</b> says the AI hub opens in 2027 <img src=x onerror=document.title='PWNED'>.\n"
CATALOG = """evil:
  publisher: "<script>document.title='PWNED'</script>Evil Daily"
  level: metropolitan
  regions: [Busan]
"""
RAW_ATTACKS = [
    '<script>document.title="PWNED"',
    "<script>document.title='PWNED'",
    "<img src=x onerror",
    "<svg onload",
    'href="javascript:',
    "<iframe",
    "<b>not bold</b>",
]


@pytest.fixture(scope="module")
def evil_reports(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("evil")
    (corpus / "evil.txt").write_text(EVIL, encoding="utf-8")
    (corpus / EVIL_NAME).write_text(EVIL_NAMED_TEXT, encoding="utf-8")
    (corpus / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    out = tmp_path_factory.mktemp("evil_reports")
    results = run_batch(corpus, out, jobs=2, progress=False)
    status = {r.run.name: r.status for r in results}
    assert status["corpus_overview"] == "ok" and status["profile_busan"] == "ok"
    # A one-region corpus cannot be compared: those runs are skipped, not failed.
    assert all(s == "skipped" for name, s in status.items() if name.startswith("compare")), status
    return out


def _pages(folder: Path) -> list[Path]:
    """Every page: the reports, the index and the per-document pages (docs/)."""
    return sorted(folder.glob("*.html")) + sorted((folder / "docs").glob("*.html"))


def test_no_raw_attack_text_in_any_report(evil_reports: Path) -> None:
    pages = _pages(evil_reports)
    assert len(pages) >= 5 and len(list((evil_reports / "docs").glob("*.html"))) == 2
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for attack in RAW_ATTACKS:
            assert attack not in html, f"{page.name} holds unescaped {attack!r}"
    overview = (evil_reports / "corpus_overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;" in overview or "&lt;script&gt;document.title=" in overview


def test_evidence_json_and_document_pages_hold_the_text_escaped(evil_reports: Path) -> None:
    """The hostile sentences reach the evidence JSON (as \\u003c escapes, so nothing can
    close its <script> tag) and the document pages (as HTML entities)."""
    import json

    profile = (evil_reports / "profile_busan.html").read_text(encoding="utf-8")
    blob = re.search(r'<script[^>]*id="kp-evidence"[^>]*>(.*?)</script>', profile, re.DOTALL)
    assert blob, "the profile carries no evidence JSON"
    assert "<" not in blob.group(1) and ">" not in blob.group(1)
    evidence = json.loads(blob.group(1))
    assert any("onerror" in v["text"] for v in evidence.values()), "the hostile sentence should be evidence of a chart"
    docs = [p.read_text(encoding="utf-8") for p in (evil_reports / "docs").glob("*.html")]
    assert any("&lt;svg onload=document.title=&#x27;PWNED&#x27;&gt;" in d for d in docs), "the markup file name, escaped"
    assert any("&lt;img src=x onerror" in d for d in docs)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_nothing_runs_in_a_browser(evil_reports: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("headless Chromium is not installed (make test installs it when it can)")
    pages = _pages(evil_reports)
    for page in pages:
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
                capture_output=True, text=True, timeout=120,
            ).stdout
        assert "<body" in dom, f"Chromium rendered nothing for {page.name}"
        title = re.search(r"<title>(.*?)</title>", dom, re.DOTALL)
        if page.parent.name == "docs":
            # A document's page is titled with the document's own (hostile) title, shown as
            # text; a script that ran would have replaced it with exactly "PWNED".
            assert title and title.group(1).strip() != "PWNED", page.name
        else:
            assert title and "PWNED" not in title.group(1), page.name
        assert not re.search(r"<body[^>]*data-pwned", dom), page.name


def test_a_params_file_cannot_run_code(tmp_path: Path) -> None:
    """Issue 12: a !!binary value used to reach papermill as raw source text and run."""
    import base64
    import sys

    marker = tmp_path / "PWNED"
    payload = f'" if __import__("os").system("touch {marker}") else "x" #'.encode()
    params = tmp_path / "p.yaml"
    params.write_text(f"top_n: !!binary {base64.b64encode(payload).decode()}\n")
    batch = tmp_path / "batch.yaml"
    batch.write_text(f"runs:\n  - name: x\n    notebook: 10_region_profile.ipynb\n    params: {params}\n")
    proc = subprocess.run([sys.executable, "-m", "kpolicy.cli", "report", "--batch", str(batch), "--out", str(tmp_path / "o"),
                           "--no-progress"], capture_output=True, text=True, timeout=600)
    assert not marker.exists(), "the payload ran"
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"kpolicy: error: {params}:1: YAML tags (!!binary) are not allowed; give plain values (text, numbers, true/false, null, lists, mappings)"


def test_clicked_evidence_is_text_not_markup(evil_reports: Path) -> None:
    """Clicking every mark that has evidence puts the hostile sentences into the evidence
    tables as text: no element from them appears and nothing runs."""
    from support.cdp import Chromium, find_chromium

    if find_chromium() is None:
        pytest.skip("headless Chromium is not installed (make test installs it when it can)")
    click_all = """
    (() => { const points = [];
      for (const el of document.querySelectorAll('.kp-chart[data-kp-ready="1"]')) {
        const visit = (node) => { for (const it of node.items || []) {
          if (it.datum && Array.isArray(it.datum.evidence) && it.datum.evidence.length && it._svg) { points.push(it._svg); return true; }
          if (it.items && visit(it)) return true; } return false; };
        visit(el.kpView.scenegraph().root);
      }
      return points.length; })()
    """
    with Chromium(width=1200, height=900, timeout=60) as browser:
        browser.navigate((evil_reports / "profile_busan.html").as_uri())
        browser.wait_for("[...document.querySelectorAll('.kp-chart')].every((c) => c.getAttribute('data-kp-ready') === '1')", timeout=60)
        n = browser.evaluate(click_all)
        assert n >= 1, "no chart of the hostile profile has evidence to click"
        for i in range(n):
            point = browser.evaluate(
                "(() => { const pts = []; for (const el of document.querySelectorAll('.kp-chart[data-kp-ready=\"1\"]')) {"
                " const visit = (node) => { for (const it of node.items || []) { if (it.datum && Array.isArray(it.datum.evidence)"
                " && it.datum.evidence.length && it._svg) { pts.push(it._svg); return true; } if (it.items && visit(it)) return true; }"
                f" return false; }}; visit(el.kpView.scenegraph().root); }} const s = pts[{i}]; s.scrollIntoView({{block: 'center'}});"
                " const r = s.getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })()"
            )
            browser.click_at(point["x"], point["y"])
        texts = browser.wait_for("(() => { const t = [...document.querySelectorAll('.kp-evidence:not([hidden]) .kp-text')]"
                                 ".map((c) => c.textContent); return t.length ? t : null; })()", timeout=10)
        assert any("<img src=x onerror" in t for t in texts), texts
        assert browser.evaluate("document.querySelectorAll('.kp-evidence img, .kp-evidence svg, .kp-evidence script, .kp-evidence b').length") == 0
        assert "PWNED" not in browser.evaluate("document.title")
        assert browser.evaluate("document.body.getAttribute('data-pwned')") is None
