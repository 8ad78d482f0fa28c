"""Tables for people: clean, escaped HTML for notebooks and reports.

Polars' own HTML shows dtypes, quotes every string and a "shape" line; analysts want a
plain table. :func:`table` returns an object that renders as such a table in JupyterLab
and nbconvert, and as Polars' text table elsewhere. Every cell is HTML-escaped, because
document text is untrusted input.
"""

from __future__ import annotations

import datetime as dt
import html

import polars as pl

_CSS = (
    "<style>.kp-table{border-collapse:collapse;font-size:.86rem;margin:.3rem 0 1rem}"
    ".kp-table th,.kp-table td{border-bottom:1px solid #e3e3e3;padding:.3rem .55rem;text-align:left!important;vertical-align:top;max-width:28rem}"
    ".kp-table th{background:#f5f5f5;font-weight:600}.kp-table td.num{text-align:right!important;font-variant-numeric:tabular-nums}"
    ".kp-caption{color:#555;font-size:.85rem;margin:.6rem 0 .1rem}"
    ".kp-empty{color:#666;font-style:italic}</style>"
)


#: Columns whose text is never shortened: explanations must be read whole.
FULL_TEXT_COLUMNS = frozenset({"explanation", "why", "role_reason", "relation_reason", "adjustment_reason", "value_source", "problem"})


def _shorten(text: str, max_chars: int) -> str:
    """Cut at the last word boundary before ``max_chars`` (never mid-word), with "…"."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut).rstrip(" ,;:") + "…"


def _fmt(value: object, max_chars: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        text = ", ".join(_fmt(v, max_chars) for v in value)
    elif isinstance(value, float):
        # Beyond 10^15 a float's digits are noise ("10 trillion trillion" = 1e25).
        text = f"{value:,.4g}" if abs(value) < 1e4 or abs(value) >= 1e15 else f"{value:,.0f}"
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, int):
        text = f"{value:,}" if abs(value) >= 10_000 else str(value)
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = " ".join(str(value).split())
    return _shorten(text, max_chars)


class Table:
    """A frame shown as a plain HTML table (escaped), with an optional caption."""

    def __init__(self, df: pl.DataFrame, caption: str | None = None, max_rows: int = 60, max_chars: int = 140):
        self.df = df
        self.caption = caption
        self.max_rows = max_rows
        self.max_chars = max_chars

    def _repr_html_(self) -> str:
        e = html.escape
        if self.df.height == 0:
            msg = self.caption + ": none" if self.caption else "No rows."
            return f'{_CSS}<p class="kp-empty">{e(msg)}</p>'
        numeric = {c for c, t in self.df.schema.items() if t.is_numeric()}
        head = "".join(f"<th>{e(c)}</th>" for c in self.df.columns)
        rows = []
        for row in self.df.head(self.max_rows).iter_rows():
            cells = "".join(
                f'<td class="num">{e(_fmt(v, self.max_chars))}</td>' if c in numeric
                else f"<td>{e(_fmt(v, 100_000 if c in FULL_TEXT_COLUMNS else self.max_chars))}</td>"
                for c, v in zip(self.df.columns, row)
            )
            rows.append(f"<tr>{cells}</tr>")
        more = self.df.height - self.max_rows
        foot = f'<p class="kp-empty">… and {more} more rows</p>' if more > 0 else ""
        cap = f'<p class="kp-caption">{e(self.caption)}</p>' if self.caption else ""
        return f'{_CSS}{cap}<table class="kp-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{foot}'

    def __repr__(self) -> str:
        with pl.Config(tbl_rows=self.max_rows, fmt_str_lengths=self.max_chars):
            return (f"{self.caption}\n" if self.caption else "") + repr(self.df)


def table(df: pl.DataFrame, caption: str | None = None, *, max_rows: int = 60, max_chars: int = 140) -> Table:
    """Show ``df`` as a plain, escaped HTML table (the first ``max_rows`` rows)."""
    return Table(df, caption, max_rows, max_chars)


#: The MIME type under which a notebook's headline figures travel in its outputs.
FIGURES_MIMETYPE = "application/vnd.kpolicy.figures+json"


class Figures:
    """Headline figures of a notebook: shown as a table, and kept machine-readable.

    The figures travel in the cell's output under :data:`FIGURES_MIMETYPE`, so
    ``kpolicy report`` writes them to ``<run>.figures.json`` beside the HTML and the
    notebook tests check them against hand-computed values.
    """

    def __init__(self, figures: dict[str, object], caption: str | None = None):
        import json

        self.figures = json.loads(json.dumps(figures, default=str))  # plain JSON only
        self.caption = caption

    def _repr_mimebundle_(self, include=None, exclude=None):  # noqa: ANN001 - IPython protocol
        rows = pl.DataFrame({"figure": list(self.figures), "value": [str(v) for v in self.figures.values()]})
        t = Table(rows, self.caption, max_rows=200)
        return {"text/html": t._repr_html_(), "text/plain": repr(t), FIGURES_MIMETYPE: self.figures}


def record_figures(figures: dict[str, object], caption: str | None = "Headline figures (recorded for checks)") -> Figures:
    """Show and record a notebook's headline figures (see :class:`Figures`)."""
    return Figures(figures, caption)
