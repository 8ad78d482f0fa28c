"""The interactive layer of a reports folder: charts you can hover and click, offline.

- :func:`write_assets` writes, once per folder, the one local copy of the
  Vega/Vega-Lite/vega-embed bundle that vl-convert ships (``kpolicy-vega.js``) and our
  page script (``kpolicy-report.js``, from ``kpolicy/templates/``). Pages reference
  both by relative path: nothing loads from the network.
- :class:`EvidenceIndex` knows every sentence of the corpus; :meth:`EvidenceIndex.json_for`
  gives a page the sentences its charts cite (their keys travel in the chart data, see
  :func:`kpolicy.charts.style.with_evidence`), as JSON safe inside a ``<script>``.
- :func:`write_document_pages` writes ``docs/<name>.html`` per document: every
  sentence with an anchor (``#s12``), the linked one highlighted.

Every piece of document text reaches a page escaped (HTML) or as JSON read with
``textContent`` (the script never builds HTML from text).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import polars as pl

from kpolicy import safety
from kpolicy.charts.render import SPEC_MIMETYPE
from kpolicy.charts.style import FONT_STACK
from kpolicy.paths import TEMPLATES_DIR

BUNDLE_FILE = "kpolicy-vega.js"
SCRIPT_FILE = "kpolicy-report.js"
DOCS_DIR = "docs"


def write_assets(out: Path) -> list[str]:
    """Write the Vega bundle and the page script into ``out`` (only when they changed)."""
    import vl_convert as vlc

    written = []
    for name, text in ((BUNDLE_FILE, vlc.javascript_bundle()), (SCRIPT_FILE, (TEMPLATES_DIR / SCRIPT_FILE).read_text(encoding="utf-8"))):
        path = out / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            safety.atomic_write(path, text, make_parents=True)
        written.append(name)
    return written


def doc_page(doc_id: str) -> str:
    """The relative path of a document's page: ``docs/<safe name>-<hash>.html``.

    The name keeps letters, digits, ``-`` and ``_`` of the doc id (at most 60); the hash
    of the whole id keeps two ids that differ only in other characters apart.
    """
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", doc_id)[:60].strip("_") or "doc"
    return f"{DOCS_DIR}/{stem}-{hashlib.sha256(doc_id.encode('utf-8')).hexdigest()[:10]}.html"


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: ``<``, ``>``, ``&``
    and the line separators are written as ``\\u`` escapes, so no text can close the tag."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


class EvidenceIndex:
    """Every sentence of a corpus by key (``doc_id#sentence_idx``), with its document."""

    def __init__(self, sentences: pl.DataFrame, documents: pl.DataFrame):
        docs = documents.select("doc_id", "title")
        rows = sentences.select("doc_id", "sentence_idx", "page", "text").join(docs, on="doc_id", how="left")
        self._rows: dict[str, dict[str, Any]] = {}
        for r in rows.iter_rows(named=True):
            key = f"{r['doc_id']}#{r['sentence_idx']}"
            self._rows[key] = {
                "doc_id": r["doc_id"], "title": r["title"], "page": r["page"], "sentence_idx": r["sentence_idx"],
                "text": " ".join(str(r["text"]).split()), "href": f"{doc_page(r['doc_id'])}#s{r['sentence_idx']}",
            }

    @classmethod
    def of(cls, corpus) -> EvidenceIndex:
        return cls(corpus.sentences, corpus.documents)

    def lookup(self, keys: set[str]) -> dict[str, dict[str, Any]]:
        return {k: self._rows[k] for k in sorted(keys) if k in self._rows}

    def json_for(self, nb) -> str:
        """The evidence JSON for every sentence the notebook's charts cite."""
        return script_json(self.lookup(chart_evidence_keys(nb)))


def chart_evidence_keys(nb) -> set[str]:
    """Every sentence key in the data of the notebook's charts (``evidence`` fields)."""
    keys: set[str] = set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            spec = out.get("data", {}).get(SPEC_MIMETYPE)
            if not isinstance(spec, dict):
                continue
            datasets = list((spec.get("datasets") or {}).values())
            if isinstance(spec.get("data"), dict) and isinstance(spec["data"].get("values"), list):
                datasets.append(spec["data"]["values"])
            for rows in datasets:
                for row in rows:
                    ev = row.get("evidence") if isinstance(row, dict) else None
                    if isinstance(ev, list):
                        keys.update(str(k) for k in ev)
    return keys


def page_resources(nb, index: EvidenceIndex | None, depth: str = "") -> dict[str, Any] | None:
    """What the ``kpolicy_offline`` template needs for the interactive layer (None: static page)."""
    if index is None:
        return None
    return {"evidence_json": index.json_for(nb), "bundle": depth + BUNDLE_FILE, "script": depth + SCRIPT_FILE, "font_stack": FONT_STACK}


_DOC_CSS = (
    "body{font-family:FONTS;margin:2rem auto;max-width:900px;color:#222;padding:0 1rem;line-height:1.55}"
    "h1{font-size:1.4rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;font-size:.9rem;color:#444}"
    "dt{font-weight:600}.s{margin:.15rem 0;padding:.1rem .3rem;border-radius:3px}.s .n{color:#999;font-size:.75rem;margin-right:.4rem;user-select:none}"
    ".s:target{background:#fff3b0;outline:2px solid #e0b400}.pg{color:#777;font-size:.8rem;margin-top:1rem;border-top:1px solid #eee}"
).replace("FONTS", FONT_STACK)


def render_document_page(doc: dict[str, Any], sentences: pl.DataFrame) -> str:
    """One document's page: its metadata and every sentence with an anchor ``s<idx>``."""
    e = html.escape
    meta = "".join(
        f"<dt>{e(label)}</dt><dd>{e(str(doc.get(key)))}</dd>"
        for label, key in (("Document", "doc_id"), ("File", "path"), ("Publisher", "publisher"), ("Published", "published"), ("Level", "level"))
        if doc.get(key) not in (None, "")
    )
    body, last_page = [], None
    for r in sentences.sort("sentence_idx").iter_rows(named=True):
        if r["page"] is not None and r["page"] != last_page:
            body.append(f'<p class="pg">Page {e(str(r["page"]))}</p>')
            last_page = r["page"]
        idx = int(r["sentence_idx"])
        body.append(f'<p class="s" id="s{idx}"><span class="n">{idx}</span>{e(" ".join(str(r["text"]).split()))}</p>')
    title = doc.get("title") or doc["doc_id"]
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(str(title))}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_DOC_CSS}</style></head>'
        f'<body><p><a href="../index.html">← all reports</a></p><h1>{e(str(title))}</h1><dl>{meta}</dl>'
        f'<p style="color:#555;font-size:.85rem">The linked sentence is highlighted.</p>{"".join(body)}</body></html>\n'
    )


def write_document_pages(corpus, out: Path) -> list[str]:
    """Write ``docs/<name>.html`` for every document of the corpus; returns their paths."""
    from kpolicy.display import date_text

    docs = corpus.documents.select("doc_id", "path", "title", "publisher", "published_date", "date_precision", pl.col("level").cast(pl.String))
    by_doc = corpus.sentences.select("doc_id", "sentence_idx", "page", "text").partition_by("doc_id", as_dict=True)
    written = []
    for d in docs.iter_rows(named=True):
        d["published"] = date_text(d["published_date"], d["date_precision"])
        sents = by_doc.get((d["doc_id"],), corpus.sentences.clear().select("doc_id", "sentence_idx", "page", "text"))
        rel = doc_page(d["doc_id"])
        safety.atomic_write(out / rel, render_document_page(d, sents), make_parents=True)
        written.append(rel)
    return written
