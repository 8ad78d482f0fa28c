"""Document text is untrusted: reports must escape it and never execute it.

The test corpus is written here: a document whose title, body and catalog metadata hold
script tags, event-handler attributes, javascript: links, a </style> break-out and
Markdown/HTML that would render if pasted raw. The reports built from it are checked
statically, then loaded in headless Chromium: a script that ran would have changed
document.title to PWNED or set a data-pwned attribute.
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
    (corpus / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    out = tmp_path_factory.mktemp("evil_reports")
    results = run_batch(corpus, out, jobs=2, progress=False)
    status = {r.run.name: r.status for r in results}
    assert status["corpus_overview"] == "ok" and status["profile_busan"] == "ok"
    # A one-region corpus cannot be compared: those runs are skipped, not failed.
    assert status["compare_local"] == "skipped"
    return out


def test_no_raw_attack_text_in_any_report(evil_reports: Path) -> None:
    pages = sorted(evil_reports.glob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for attack in RAW_ATTACKS:
            assert attack not in html, f"{page.name} holds unescaped {attack!r}"
    overview = (evil_reports / "corpus_overview.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;" in overview or "&lt;script&gt;document.title=" in overview


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_nothing_runs_in_a_browser(evil_reports: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("headless Chromium is not installed (make test installs it when it can)")
    pages = sorted(evil_reports.glob("*.html"))
    for page in pages:
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri()],
                capture_output=True, text=True, timeout=120,
            ).stdout
        assert "<body" in dom, f"Chromium rendered nothing for {page.name}"
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
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
