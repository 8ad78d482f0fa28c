"""The offline reports are interactive: clicking a mark lists exactly the sentences behind it.

The seed batch (conftest.py) is opened in headless Chromium through the DevTools driver
(tests/support/cdp.py). A real mouse click on a money bar and on a theme cell must fill
the evidence table beneath the chart with the sentences that the fact tables say are
behind that mark; the expected sentences are computed here from the ledger, the money
mentions and the theme facts, not read from the page. Every report is also screenshotted
(kept in reports/screenshots/ as CI artefacts) and measured: no table overflows the page,
no chart is a bare frame, and charts name the Korean font.
"""

from __future__ import annotations

import json
import re

import polars as pl
import pytest
from support.cdp import Chromium, find_chromium

import kpolicy
from kpolicy.params import corpus_regions
from kpolicy.paths import REPORTS_DIR
from kpolicy.reporting.render import BUNDLE_FILE, SCRIPT_FILE, doc_page

needs_browser = pytest.mark.skipif(
    find_chromium() is None, reason="headless Chromium is not installed (`make browser` installs Debian's chromium)"
)
SCREENSHOTS = REPORTS_DIR / "screenshots"

# JavaScript helpers evaluated in the page.
_FIND_ITEM = """
(() => {
  const want = %(want)s, title = %(title)s;
  const titleOf = (s) => { const t = s.title; return typeof t === 'string' ? t : (t && t.text) || ''; };
  const el = [...document.querySelectorAll('.kp-chart[data-kp-ready="1"]')]
    .find((c) => titleOf(JSON.parse(c.getAttribute('data-kp-spec'))).startsWith(title));
  if (!el || !el.kpView) return null;
  let found = null;
  // Scenegraph: a mark lists its items; a group item lists its marks.
  const visit = (node) => {
    for (const it of node.items || []) {
      if (found) return;
      if (it.mark && it.mark.marktype === 'rect' && it.datum && it._svg
          && Object.keys(want).every((k) => it.datum[k] === want[k])) { found = it; return; }
      if (it.items) visit(it);
    }
  };
  visit(el.kpView.scenegraph().root);
  if (!found) return null;
  found._svg.scrollIntoView({block: 'center', inline: 'center'});
  const r = found._svg.getBoundingClientRect();
  window.__kpBox = el.querySelector('.kp-evidence');
  return {x: r.left + r.width / 2, y: r.top + r.height / 2};
})()
"""
_ROWS = """
(() => { const box = window.__kpBox; if (!box || box.hidden) return null;
  return [...box.querySelectorAll('tr.kp-evidence-row')].map((tr) => ({
    key: tr.getAttribute('data-key'), text: tr.querySelector('.kp-text') && tr.querySelector('.kp-text').textContent,
    href: tr.querySelector('a') && tr.querySelector('a').getAttribute('href')})); })()
"""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _sentences(corpus: kpolicy.Corpus, pairs: pl.DataFrame) -> dict[str, str]:
    """key -> sentence text for (doc_id, sentence_idx) pairs, straight from the sentences table."""
    rows = pairs.unique().join(corpus.sentences.select("doc_id", "sentence_idx", "text"), on=["doc_id", "sentence_idx"])
    return {f"{d}#{i}": _norm(t) for d, i, t in rows.iter_rows()}


def _expected_money(corpus: kpolicy.Corpus, region: str, role: str, basis: str) -> dict[str, str]:
    ledger = corpus.facts("ledger").filter(
        (pl.col("region").cast(pl.String) == region) & (pl.col("role").cast(pl.String) == role) & pl.col(f"is_counted_{basis}")
    )
    ids = set(ledger["evidence_ids"].explode().to_list())
    mentions = corpus.facts("money_mentions").filter(pl.col("mention_id").is_in(list(ids)))
    return _sentences(corpus, mentions.select("doc_id", "sentence_idx"))


def _expected_theme(corpus: kpolicy.Corpus, region: str, theme: str) -> dict[str, str]:
    docs = corpus.documents.filter(pl.col("regions").cast(pl.List(pl.String)).list.contains(region))["doc_id"].to_list()
    facts = corpus.facts("themes").filter(pl.col("doc_id").is_in(docs) & (pl.col("theme_major").cast(pl.String) == theme))
    return _sentences(corpus, facts.select("doc_id", "sentence_idx"))


def _compare_run(results: list) -> tuple[str, dict]:
    for r in results:
        if r.run.notebook.name == "20_compare_regions.ipynb" and r.status == "ok" and "html" in r.outputs:
            return r.outputs["html"], r.run.parameters
    pytest.fail("the seed batch has no successful comparison report")


def test_reports_load_one_local_bundle(seed_reports) -> None:
    out, results = seed_reports
    assert (out / BUNDLE_FILE).stat().st_size > 100_000 and (out / SCRIPT_FILE).is_file()
    for r in results:
        if "html" in r.outputs:
            page = (out / r.outputs["html"]).read_text(encoding="utf-8")
            assert page.count(f'<script src="{BUNDLE_FILE}"></script>') == 1, r.run.name
    assert len(list((out / "docs").glob("*.html"))) == kpolicy.load_corpus().documents.height


@needs_browser
def test_clicking_a_bar_lists_exactly_its_sentences(seed_reports) -> None:
    out, results = seed_reports
    page, parameters = _compare_run(results)
    corpus = kpolicy.load_corpus()
    basis = parameters.get("amount_basis", "literal")
    # The compared regions: as named, or (null) every region the corpus has documents about.
    regions = list(parameters.get("regions") or corpus_regions(corpus.documents))
    # The mark to click: the compared region with the largest counted commitment of any role.
    ledger = corpus.facts("ledger").filter(pl.col(f"is_counted_{basis}") & pl.col("region").cast(pl.String).is_in(regions))
    top = ledger.sort(f"value_krw_{basis}", descending=True).row(0, named=True)
    money_region, money_role = str(top["region"]), str(top["role"])
    money = _expected_money(corpus, money_region, money_role, basis)
    # A theme cell with several sentences: the compared region and theme with the most theme facts.
    about = corpus.documents.select("doc_id", pl.col("regions").cast(pl.List(pl.String))).explode("regions")
    counts = (corpus.facts("themes").join(about, on="doc_id").filter(pl.col("regions").is_in(regions))
              .group_by(pl.col("regions").alias("region"), pl.col("theme_major").cast(pl.String)).len().sort("len", "region", "theme_major", descending=True))
    theme_region, theme = counts.row(0)[:2]
    themes = _expected_theme(corpus, theme_region, theme)
    assert money and len(themes) > 1, "the seeds should give a bar with evidence and a cell with several sentences"

    with Chromium(width=1200, height=1000, timeout=60) as browser:
        browser.navigate((out / page).as_uri())
        browser.wait_for("document.querySelectorAll('.kp-chart').length > 0 && "
                         "[...document.querySelectorAll('.kp-chart')].every((c) => c.getAttribute('data-kp-ready') === '1')",
                         timeout=60, message="the interactive charts did not render")
        for title, want, expected in (
            ("Money committed", {"region": money_region, "role": money_role}, money),
            ("Theme emphasis", {"region": theme_region, "theme_major": theme}, themes),
        ):
            point = browser.wait_for(_FIND_ITEM % {"want": json.dumps(want), "title": json.dumps(title)}, timeout=20,
                                     message=f"no mark for {want} in the chart '{title}'")
            browser.click_at(point["x"], point["y"])  # moves the mouse there first: the tooltip shows
            tip = browser.wait_for("(() => { const t = document.getElementById('vg-tooltip-element');"
                                   f" return t && t.innerText.includes({json.dumps(want['region'])}) ? t.innerText : null; }})()",
                                   timeout=10, message=f"no tooltip for {want}")
            assert f"evidence sentences (click to list)\t\n{len(expected)}" in tip or re.search(
                rf"evidence sentences \(click to list\)\s+{len(expected)}\b", tip), tip
            if title.startswith("Money"):
                assert re.search(r"(billion|trillion) won\s+[\d,.]+", tip), tip  # the value with its unit
            rows = browser.wait_for(f"(() => {{ const r = {_ROWS}; return r && r.length ? r : null; }})()", timeout=10,
                                    message=f"clicking {want} listed no evidence")
            assert {r["key"]: _norm(r["text"] or "") for r in rows} == expected, want
            assert len(rows) == len(expected), "a sentence is listed twice"
            for r in rows:
                doc_id, idx = r["key"].rsplit("#", 1)
                assert r["href"] == f"{doc_page(doc_id)}#s{idx}"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            browser.evaluate("window.__kpBox.scrollIntoView({block: 'center'})")
            browser.screenshot(SCREENSHOTS / f"{page.removesuffix('.html')}-evidence-{title.split()[0].lower()}.png")
        # The link opens the document with that sentence highlighted in its context.
        last = rows[-1]
        browser.navigate((out / last["href"].split("#")[0]).as_uri() + "#" + last["href"].split("#")[1])
        target = browser.wait_for("document.querySelector(':target') && {text: document.querySelector(':target').textContent, "
                                  "bg: getComputedStyle(document.querySelector(':target')).backgroundColor, "
                                  "n: document.querySelectorAll('p.s').length}", timeout=10)
        assert target["text"].endswith(themes[last["key"]]) and target["bg"] not in ("rgba(0, 0, 0, 0)", "transparent")
        assert target["n"] == corpus.sentences.filter(pl.col("doc_id") == last["key"].rsplit("#", 1)[0]).height
        assert not [c for c in browser.console if c.startswith("exception")], browser.console


_OVERFLOW = """
(() => { const w = document.documentElement.clientWidth; const bad = [];
  for (const t of document.querySelectorAll('table')) {
    if (t.getBoundingClientRect().right <= w + 1) continue;
    let a = t.parentElement, boxed = false;
    while (a && a !== document.body) { const o = getComputedStyle(a).overflowX;
      if ((o === 'auto' || o === 'scroll') && a.getBoundingClientRect().right <= w + 1) { boxed = true; break; } a = a.parentElement; }
    if (!boxed) bad.push(t.innerText.slice(0, 80));
  }
  return {bad, pageWider: document.documentElement.scrollWidth > w + 1}; })()
"""
_MARKS = """
[...document.querySelectorAll('.kp-chart')].map((el) => {
  let n = 0, untipped = 0; const walk = (node) => { for (const item of node.items || []) {
      if (item.datum && item.mark && item.mark.role === 'mark') { n += 1; if (item.tooltip === undefined || item.tooltip === null) untipped += 1; }
      if (item.items) walk(item); } };
  walk(el.kpView.scenegraph().root);
  const s = JSON.parse(el.getAttribute('data-kp-spec')); const t = s.title || (s.spec && s.spec.title) || '';
  return {title: typeof t === 'string' ? t : t.text, marks: n, untipped, font: (s.config || {}).font || ''}; })
"""


@needs_browser
def test_screenshots_of_every_report_show_readable_pages(seed_reports) -> None:
    out, results = seed_reports
    pages = sorted(r.outputs["html"] for r in results if "html" in r.outputs) + ["index.html"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Chromium(width=1200, height=1600, timeout=60) as browser:
        for page in pages:
            browser.navigate((out / page).as_uri())
            browser.wait_for("[...document.querySelectorAll('.kp-chart')].every((c) => c.getAttribute('data-kp-ready') === '1')",
                             timeout=60, message=f"{page}: the charts did not render")
            browser.screenshot(SCREENSHOTS / page.replace(".html", ".png"), full_page=True)
            overflow = browser.evaluate(_OVERFLOW)
            assert overflow["bad"] == [] and not overflow["pageWider"], (page, overflow)
            charts = browser.evaluate(_MARKS)
            assert all(c["marks"] > 0 for c in charts), (page, [c for c in charts if not c["marks"]])
            assert all(c["untipped"] == 0 for c in charts), (page, [c for c in charts if c["untipped"]])  # a tooltip on every mark
            assert all(c["font"].startswith("NanumGothic") for c in charts), page
            # Every static chart of the page is inside an interactive one (none left bare).
            assert browser.evaluate("[...document.querySelectorAll('.jp-RenderedSVG')].every((s) => s.closest('.kp-chart'))"), page
            assert browser.evaluate("getComputedStyle(document.body).fontFamily").replace('"', "").startswith("NanumGothic"), page
        assert not [c for c in browser.console if c.startswith("exception")], browser.console
    assert {p.replace(".html", ".png") for p in pages} <= {p.name for p in SCREENSHOTS.glob("*.png")}
