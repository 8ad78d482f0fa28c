"""Tables for people: clean, escaped HTML for notebooks and reports.

Polars' own HTML shows dtypes, quotes every string and a "shape" line; analysts want a
plain table. :func:`table` returns an object that renders as such a table in JupyterLab
and nbconvert, and as Polars' text table elsewhere. Every cell is HTML-escaped, because
document text is untrusted input.
"""

from __future__ import annotations

import datetime as dt
import html
import math

import polars as pl

_CSS = (
    "<style>.kp-scroll{overflow-x:auto;max-width:100%;margin:.3rem 0 1rem}"
    ".kp-table{border-collapse:collapse;font-size:.86rem;margin:0}"
    ".kp-table th,.kp-table td{border-bottom:1px solid #e3e3e3;padding:.3rem .55rem;text-align:left!important;vertical-align:top;max-width:28rem}"
    ".kp-table th{background:#f5f5f5;font-weight:600;white-space:nowrap;max-width:none}.kp-table td.nowrap{white-space:nowrap}.kp-table td.long{min-width:16rem}"
    ".kp-table th.kp-table td.num{text-align:right!important;font-variant-numeric:tabular-nums}"
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


def date_text(value: dt.date | None, precision: str | None = None) -> str:
    """A date at its precision: "2020" (year), "2020-03" (month), "2020-03-05" (day)."""
    if value is None:
        return ""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _number(value: float) -> str:
    """One number style: separators, sensible precision, never scientific notation."""
    if not math.isfinite(value):  # NaN, infinities
        return str(value)
    if abs(value) >= 1e15:
        # Beyond 10^15 a float's digits are noise ("10 trillion trillion" = 1e25): words.
        from kpolicy.charts.style import won_text

        return won_text(value, unit="").strip()
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) >= 1e-3 else f"{value:.3g}"


#: Columns of won amounts, shown as "1.5 trillion won".
def _is_won(column: str) -> bool:
    return column.endswith("_krw") or "_krw_" in column or column in ("krw", "amount_krw")


def _won(value: float) -> str:
    from kpolicy.charts.style import won_text

    return won_text(value)


def _fmt(value: object, max_chars: int) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        text = ", ".join(_fmt(v, max_chars) for v in value)
    elif isinstance(value, float):
        text = _number(value)
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
        dates = {c for c, t in self.df.schema.items() if t in (pl.Date, pl.Datetime)}
        head = "".join(f"<th>{e(c)}</th>" for c in self.df.columns)
        rows = []
        for row in self.df.head(self.max_rows).iter_rows(named=True):
            cells = "".join(self._cell(c, v, row, c in numeric, c in dates) for c, v in row.items())
            rows.append(f"<tr>{cells}</tr>")
        more = self.df.height - self.max_rows
        foot = f'<p class="kp-empty">… and {more} more rows</p>' if more > 0 else ""
        cap = f'<p class="kp-caption">{e(self.caption)}</p>' if self.caption else ""
        return f'{_CSS}{cap}<div class="kp-scroll"><table class="kp-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{foot}'

    def _cell(self, column: str, value: object, row: dict, numeric: bool, date: bool) -> str:
        """One cell: won amounts in words (``*_krw`` columns, and a target's numbers when
        its ``unit`` is ``krw``), dates at their precision (a ``date_precision``
        column in the same row), numbers right-aligned, long text shortened."""
        e = html.escape
        if date and isinstance(value, dt.date):
            return f'<td class="nowrap">{e(date_text(value, row.get("date_precision")))}</td>'
        won = _is_won(column) or (column in ("baseline", "target", "value") and row.get("unit") == "krw")
        if numeric and won and isinstance(value, (int, float)) and not isinstance(value, bool):
            from kpolicy.charts.style import won_text

            return f'<td class="num nowrap">{e(won_text(value))}</td>'
        if numeric:
            return f'<td class="num">{e(_fmt(value, self.max_chars))}</td>'
        text = _fmt(value, 100_000 if column in FULL_TEXT_COLUMNS else self.max_chars)
        # Never one word per line in a wide table: short text stays on one line, long text
        # gets a readable width (the table scrolls inside its box instead).
        if len(text) <= 30:
            return f'<td class="nowrap">{e(text)}</td>'
        return f'<td class="long">{e(text)}</td>' if len(text) > 40 else f"<td>{e(text)}</td>"

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

    def _repr_mimebundle_(self, include=None, exclude=None):
        names, values = [], []
        for name, value in self.figures.items():
            # A region's figures are a mapping: one row per figure, "Busan · committed_krw_literal".
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, v in items:
                label = f"{name} · {sub}" if sub is not None else name
                names.append(label)
                krw = isinstance(v, (int, float)) and not isinstance(v, bool) and _is_won(str(sub or name))
                values.append(_won(v) if krw else _fmt(v, 200))
        rows = pl.DataFrame({"figure": names, "value": values})
        t = Table(rows, self.caption, max_rows=200)
        return {"text/html": t._repr_html_(), "text/plain": repr(t), FIGURES_MIMETYPE: self.figures}


def record_figures(figures: dict[str, object], caption: str | None = "Headline figures (recorded for checks)") -> Figures:
    """Show and record a notebook's headline figures (see :class:`Figures`)."""
    return Figures(figures, caption)
