"""The pages of a reports folder: each run's HTML (nbconvert, offline template) and ``index.html``.

:func:`export_html` turns an executed notebook into offline HTML with the
``kpolicy_offline`` nbconvert template (``kpolicy/templates/``: no require.js, no
MathJax, no CDN). :func:`render_index` writes the page that links every run with its
parameters and status. Every piece of text from a document or a file name is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

from kpolicy.charts.style import FONT_STACK
from kpolicy.paths import ROOT, TEMPLATES_DIR
from kpolicy.reporting.render import EvidenceIndex, doc_page, page_resources

if TYPE_CHECKING:
    from kpolicy.reporting.batch import RunResult

TEMPLATE = "kpolicy_offline"


def export_html(notebook_path: Path, title: str | None = None, evidence: EvidenceIndex | None = None) -> str:
    """Offline HTML for an executed notebook (code hidden, nothing from the network).

    With ``evidence`` (:class:`kpolicy.reporting.render.EvidenceIndex`), the page is
    interactive: it loads ``kpolicy-vega.js`` and ``kpolicy-report.js`` from its own
    folder (:func:`kpolicy.reporting.render.write_assets`) and carries the sentences its
    charts cite. Without, the charts are static SVG.
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = nbformat.read(str(notebook_path), as_version=4)
    resources: dict = {"metadata": {"name": f"kpolicy · {title}"}} if title else {}
    resources["kpolicy"] = page_resources(nb, evidence)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


_INDEX_CSS = """
body{font-family:%FONT%;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}p.lead{color:#555;margin-top:0}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.45rem .6rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f4f4f4}.ok{color:#1a7f37;font-weight:600}.failed{color:#c62828;font-weight:600}.skipped{color:#777;font-weight:600}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:3px;font-size:.85rem}.err{color:#c62828;font-size:.85rem}
.scroll{overflow-x:auto;max-width:100%}td.nw{white-space:nowrap}ul.docs{padding-left:1.2rem}ul.docs li{margin:.2rem 0}
""".replace("%FONT%", FONT_STACK)


def render_index(results: list[RunResult], corpus, corpus_path: Path, tables: list[str]) -> str:
    """The ``index.html`` page: every run with parameters, status and links (all escaped)."""
    e = html.escape
    rows = []
    for r in results:
        params = ", ".join(f"{k}={v!r}" for k, v in r.run.parameters.items()) or "(defaults)"
        links = " · ".join(
            f'<a href="{e(v)}">{e(k.upper())}</a>' for k, v in sorted(r.outputs.items(), key=lambda kv: kv[0] != "html")
        )
        err = f'<div class="err">{e(r.error)}</div>' if r.error else ""
        rows.append(
            f"<tr><td class=\"nw\">{e(r.run.name)}</td><td class=\"nw\"><code>{e(r.run.notebook.name)}</code></td>"
            f"<td><code>{e(params)}</code></td><td class=\"{e(r.status)}\">{e(r.status)}{err}</td>"
            f"<td class=\"nw\">{e(f'{r.seconds:.1f}')} s</td><td class=\"nw\">{links}</td></tr>"
        )
    try:
        shown_corpus = corpus_path.relative_to(ROOT)
    except ValueError:
        shown_corpus = corpus_path
    n_failed = sum(r.status == "failed" for r in results)
    n_skipped = sum(r.status == "skipped" for r in results)
    table_links = " · ".join(f'<a href="tables/{e(t)}">{e(t)}</a>' for t in tables)
    doc_links = "".join(
        f'<li><a href="{e(doc_page(d))}">{e(str(t or d))}</a> <code>{e(d)}</code></li>'
        for d, t in corpus.documents.select("doc_id", "title").iter_rows()
    )
    summary = (
        f"{corpus.documents.height} documents, {corpus.rejects.height} rejected, "
        f"{corpus.duplicates.height} duplicate files, {corpus.sentences.height} sentences"
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>kpolicy reports</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_INDEX_CSS}</style></head>
<body><h1>kpolicy reports</h1>
<p class="lead">Corpus <code>{e(str(shown_corpus))}</code>: {e(summary)}.
{len(results)} run(s), {n_failed} failed, {n_skipped} skipped (not applicable to this corpus). Built {e(dt.date.today().isoformat())}.</p>
<div class="scroll"><table><thead><tr><th>Run</th><th>Notebook</th><th>Parameters</th><th>Status</th><th>Time</th><th>Report</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div>
<h2>Documents</h2><p>Every sentence of each document, numbered; the evidence tables of the reports link here.</p>
<ul class="docs">{doc_links}</ul>
<h2>Tables</h2><p>{table_links}</p>
</body></html>
"""
