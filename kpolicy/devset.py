"""Score the money and targets extractors against the real-text development set (``devset/``).

The development set is kept outside the repository: only its *labels* are committed
(``devset/labels/<id>.yaml``, one per article, with the article's URL and retrieval date);
the texts are saved by hand into ``devset/texts/<id>.txt``, which git ignores. See
``devset/README.md`` for the label format.

:func:`evaluate` loads the labels, checks every labelled surface against its text, runs
the extractor the way the pipeline does (the texts are loaded as a corpus with
:func:`kpolicy.corpus.load_corpus` and :func:`kpolicy.extract.money.extract_amounts` runs on
its sentences and documents), maps the predicted spans back to the saved files and scores:

- **amounts** — a predicted amount matches a labelled one when their spans overlap and the
  literal values agree within 0.5 % (one-to-one, best overlap first); precision, recall, F1.
- **value accuracy** — of the labelled amounts some prediction overlaps, the share whose
  literal value matches (separates "found the span, read it wrong" from "missed it").
- **garble recall** — of the amounts labelled as translation garbles, the share whose
  overlapping prediction has a flag raised. **garble precision** — of the flagged
  predictions that overlap a labelled amount, the share on amounts labelled garbled
  (``false_flags`` counts the others: flags raised on amounts labelled clean).
- **adjusted accuracy** — of the amounts whose label gives an ``intended`` value, the share
  whose ``amount_krw_adjusted`` (or literal value, when no adjustment is given) equals it
  within 1 %. ``false_adjustments`` counts clean amounts that were given an adjusted value
  other than their literal one.
- **bound accuracy** — of the matched amounts, the share whose ``bound`` equals the label's
  (``exact`` unless the label says otherwise); only when the extractor emits ``bound``.

**Targets.** Label files with a ``targets:`` section (KPI goals: "10,000 jobs by 2030",
"세계 3위", ...) also score the targets extractor (``corpus.facts("targets")``, run on the
same corpus): a predicted target matches a labelled one when their spans overlap and the
predicted ``target`` value is within 0.5 % of the label's ``value`` (one-to-one, as for
amounts); precision, recall, F1 and value accuracy as above, and, over the matched targets,
the share on which the extractor agrees with the label's year, unit (reduced to pct / pp /
rank / multiple / currency / count), bound, kind, annual flag and baseline, each only when
the extractor emits that column. Unpaired predictions on a ``not_targets`` surface are
counted apart. Files without a ``targets:`` section are left out of the targets scores.

Everything is reported per language (``en``, ``ko``) and for ``all``. Articles whose text is
missing are listed as skipped; with no texts at all the report says so and nothing fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kpolicy import paths
from kpolicy.errors import KpolicyError

LABELS_DIR = paths.ROOT / "devset" / "labels"
TEXTS_DIR = paths.ROOT / "devset" / "texts"

#: Relative tolerance for a literal value match, and for an adjusted (intended) value.
VALUE_TOL = 0.005
ADJUSTED_TOL = 0.01

LANGUAGES = ("en", "ko")
BOUNDS = ("exact", "approx", "at_least", "at_most")
_ARTICLE_KEYS = {"id", "url", "retrieved", "outlet", "language", "translated", "title", "amounts"}
_OPTIONAL_ARTICLE_KEYS = {"not_money", "text_sha256", "notes", "targets", "not_targets"}
_AMOUNT_KEYS = {"surface", "currency", "value"}
_OPTIONAL_AMOUNT_KEYS = {"occurrence", "low", "high", "bound", "garble", "intended", "note"}
TARGET_BOUNDS = ("exact", "at_least", "at_most")
TARGET_KINDS = ("count", "percent", "rank", "multiple", "money", "series")
_TARGET_KEYS = {"surface", "value", "unit", "year", "annual", "bound", "kind", "baseline"}
_OPTIONAL_TARGET_KEYS = {"occurrence", "note"}


@dataclass
class Amount:
    """One labelled amount, located in its text (``start``/``end``: code points)."""

    surface: str
    occurrence: int
    currency: str
    value: float
    low: float | None
    high: float | None
    bound: str
    garble: str | None
    intended: float | None
    note: str
    start: int = -1
    end: int = -1


@dataclass
class Target:
    """One labelled KPI target, located in its text (``start``/``end``: code points)."""

    surface: str
    occurrence: int
    value: float
    unit: str
    year: int | None
    annual: bool
    bound: str
    kind: str
    baseline: float | None
    baseline_year: int | None
    note: str
    start: int = -1
    end: int = -1


@dataclass
class NotTarget:
    """A quantity that looks like a target but is not; ``spans``: every place it occurs."""

    surface: str
    why: str
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Article:
    """One label file. ``targets`` is None when the file has no ``targets:`` section
    (its targets are not labelled, so it is left out of the targets scores)."""

    id: str
    path: Path
    url: str
    retrieved: str
    outlet: str
    language: str
    translated: bool | str
    title: str
    amounts: list[Amount]
    not_money: list[str] = field(default_factory=list)
    text_sha256: str | None = None
    targets: list[Target] | None = None
    not_targets: list[NotTarget] = field(default_factory=list)


@dataclass
class Evaluation:
    """What :func:`evaluate` returns."""

    summary: pl.DataFrame  # one row per language and "all"
    matches: pl.DataFrame  # one row per labelled amount and per unmatched prediction
    articles: list[Article]
    scored: list[str]
    skipped: list[str]  # ids whose text is missing
    warnings: list[str]
    #: The targets scores: one row per language with target labels and "all" (empty when no
    #: article has a ``targets:`` section), and the paired labels/predictions.
    targets_summary: pl.DataFrame | None = None
    target_matches: pl.DataFrame | None = None
    targets_scored: list[str] = field(default_factory=list)  # ids with target labels and text
    #: Which comparable columns the targets extractor emits (``year``, ``unit``, ...): name or None.
    target_columns: dict[str, str | None] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------


def _number(value: Any, where: str, key: str, required: bool = True) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise KpolicyError(f"{where}: '{key}' must be a number, got {value!r}")
    return float(value)


def load_article(path: str | Path) -> Article:
    """Read and check one label file (fields and types; not yet the text).

    Raises:
        KpolicyError: naming the file (and the amount) when a field is missing or wrong.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KpolicyError(f"{path}: cannot read label file: {exc}".splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise KpolicyError(f"{path}: a label file is a mapping with keys {sorted(_ARTICLE_KEYS)}")
    missing = _ARTICLE_KEYS - data.keys()
    if missing:
        raise KpolicyError(f"{path}: missing key(s) {sorted(missing)}")
    unknown = data.keys() - _ARTICLE_KEYS - _OPTIONAL_ARTICLE_KEYS
    if unknown:
        raise KpolicyError(f"{path}: unknown key(s) {sorted(unknown)}")
    if str(data["id"]) != path.stem:
        raise KpolicyError(f"{path}: id {data['id']!r} differs from the file name {path.stem!r}")
    if data["language"] not in LANGUAGES:
        raise KpolicyError(f"{path}: language must be one of {list(LANGUAGES)}, got {data['language']!r}")
    if data["translated"] not in (True, False, "unknown"):
        raise KpolicyError(f"{path}: translated must be true, false or unknown, got {data['translated']!r}")
    retrieved = data["retrieved"]
    if isinstance(retrieved, str):
        try:
            retrieved = dt.date.fromisoformat(retrieved)
        except ValueError:
            retrieved = None
    if not isinstance(retrieved, dt.date):
        raise KpolicyError(f"{path}: retrieved must be a date YYYY-MM-DD, got {data['retrieved']!r}")
    if not isinstance(data["amounts"], list):
        raise KpolicyError(f"{path}: amounts must be a list (possibly empty)")
    amounts = []
    for n, a in enumerate(data["amounts"], 1):
        where = f"{path}: amount {n}"
        where = _check_item(a, where, _AMOUNT_KEYS, _OPTIONAL_AMOUNT_KEYS)
        currency = a["currency"]
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()):
            raise KpolicyError(f"{where}: currency must be an ISO 4217 code such as KRW, got {currency!r}")
        occurrence = _occurrence(a, where)
        bound = a.get("bound") or "exact"
        if bound not in BOUNDS:
            raise KpolicyError(f"{where}: bound must be one of {list(BOUNDS)}, got {bound!r}")
        garble = a.get("garble")
        if garble is not None and not (isinstance(garble, str) and garble.strip()):
            raise KpolicyError(f"{where}: garble must be null or a short pattern name, got {garble!r}")
        amounts.append(Amount(
            surface=a["surface"], occurrence=occurrence or 0, currency=currency,
            value=_number(a["value"], where, "value"),  # type: ignore[arg-type]
            low=_number(a.get("low"), where, "low", required=False),
            high=_number(a.get("high"), where, "high", required=False),
            bound=bound, garble=garble, intended=_number(a.get("intended"), where, "intended", required=False),
            note=str(a.get("note") or ""),
        ))
    not_money = data.get("not_money") or []
    if not isinstance(not_money, list) or not all(isinstance(s, str) and s for s in not_money):
        raise KpolicyError(f"{path}: not_money must be a list of surfaces")
    targets = _load_targets(path, data["targets"]) if "targets" in data else None
    return Article(
        id=path.stem, path=path, url=str(data["url"]), retrieved=retrieved.isoformat(), outlet=str(data["outlet"]),
        language=data["language"], translated=data["translated"], title=str(data["title"]), amounts=amounts,
        not_money=not_money, text_sha256=data.get("text_sha256"),
        targets=targets, not_targets=_load_not_targets(path, data.get("not_targets")),
    )


def _check_item(item: Any, where: str, required: set[str], optional: set[str]) -> str:
    """Check one labelled item's keys and surface; returns ``where`` naming its surface."""
    if not isinstance(item, dict):
        raise KpolicyError(f"{where}: must be a mapping with keys {sorted(required)}")
    if isinstance(item.get("surface"), str):
        where += f" {item['surface']!r}"
    if required - item.keys():
        raise KpolicyError(f"{where}: missing key(s) {sorted(required - item.keys())}")
    if item.keys() - required - optional:
        raise KpolicyError(f"{where}: unknown key(s) {sorted(item.keys() - required - optional)}")
    if not isinstance(item["surface"], str) or not item["surface"].strip():
        raise KpolicyError(f"{where}: surface must be a non-empty string")
    return where


def _occurrence(item: dict[str, Any], where: str) -> int | None:
    """The optional 1-based ``occurrence`` of a repeated surface."""
    occurrence = item.get("occurrence", None)
    if occurrence is not None and (isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1):
        raise KpolicyError(f"{where}: occurrence must be a whole number >= 1, got {occurrence!r}")
    return occurrence


def _year(value: Any, where: str, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
        raise KpolicyError(f"{where}: '{key}' must be a year such as 2030 or null, got {value!r}")
    return value


def _load_targets(path: Path, items: Any) -> list[Target]:
    """The ``targets:`` section of a label file, checked field by field."""
    if not isinstance(items, list):
        raise KpolicyError(f"{path}: targets must be a list (possibly empty)")
    out = []
    for n, t in enumerate(items, 1):
        where = f"{path}: target {n}"
        where = _check_item(t, where, _TARGET_KEYS, _OPTIONAL_TARGET_KEYS)
        if not isinstance(t["unit"], str) or not t["unit"].strip():
            raise KpolicyError(f"{where}: unit must be a non-empty string such as jobs, %, rank, KRW")
        occurrence = _occurrence(t, where)
        if t["bound"] not in TARGET_BOUNDS:
            raise KpolicyError(f"{where}: bound must be one of {list(TARGET_BOUNDS)}, got {t['bound']!r}")
        if t["kind"] not in TARGET_KINDS:
            raise KpolicyError(f"{where}: kind must be one of {list(TARGET_KINDS)}, got {t['kind']!r}")
        if not isinstance(t["annual"], bool):
            raise KpolicyError(f"{where}: annual must be true or false, got {t['annual']!r}")
        baseline, baseline_year = t["baseline"], None
        if baseline is not None:
            if not isinstance(baseline, dict) or "value" not in baseline or baseline.keys() - {"value", "year"}:
                raise KpolicyError(f"{where}: baseline must be null or a mapping {{value: ..., year: ...}}")
            baseline_year = _year(baseline.get("year"), where, "baseline year")
            baseline = _number(baseline["value"], where, "baseline value")
        out.append(Target(
            surface=t["surface"], occurrence=occurrence or 0, value=_number(t["value"], where, "value"),  # type: ignore[arg-type]
            unit=t["unit"].strip(), year=_year(t["year"], where, "year"), annual=t["annual"], bound=t["bound"],
            kind=t["kind"], baseline=baseline, baseline_year=baseline_year, note=str(t.get("note") or ""),
        ))
    return out


def _load_not_targets(path: Path, items: Any) -> list[NotTarget]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise KpolicyError(f"{path}: not_targets must be a list of {{surface, why}}")
    out = []
    for n, x in enumerate(items, 1):
        if not (isinstance(x, dict) and isinstance(x.get("surface"), str) and x["surface"]
                and isinstance(x.get("why"), str) and x["why"].strip() and not x.keys() - {"surface", "why"}):
            raise KpolicyError(f"{path}: not_targets {n} must be a mapping {{surface: ..., why: ...}}, got {x!r}")
        out.append(NotTarget(x["surface"], x["why"]))
    return out


def load_labels(labels_dir: str | Path | None = None) -> list[Article]:
    """Every ``*.yaml`` label file in ``labels_dir`` (default ``devset/labels``), by id."""
    root = paths.resolve(labels_dir, LABELS_DIR)
    if not root.is_dir():
        raise KpolicyError(f"labels folder not found: {labels_dir or root}")
    return [load_article(p) for p in sorted([*root.glob("*.yaml"), *root.glob("*.yml")])]


def _stands_alone(text: str, start: int, end: int) -> bool:
    """The match is not part of a longer number or word ("1.7 billion" inside "11.7 billion")."""
    before = text[start - 1] if start > 0 else ""
    if before.isascii() and before.isalnum():
        return False
    if before in ".," and start > 1 and text[start - 2].isdigit() and text[start].isdigit():
        return False
    after = text[end] if end < len(text) else ""
    last = text[end - 1]
    return not (after.isascii() and after.isalnum() and last.isascii() and last.isalnum())


def find_all(text: str, surface: str) -> list[int]:
    """Start offsets (code points) of every occurrence of ``surface`` that stands alone."""
    found, i = [], text.find(surface)
    while i >= 0:
        if _stands_alone(text, i, i + len(surface)):
            found.append(i)
        i = text.find(surface, i + 1)
    return found


def _place(article: Article, items: list[Any], text: str, what: str) -> None:
    """Set ``start``/``end`` of labelled items (amounts or targets) from surface and occurrence."""
    seen: dict[tuple[int, int], str] = {}
    for a in items:
        starts = find_all(text, a.surface)
        if not starts:
            raise KpolicyError(f"{article.path}: {what}{a.surface!r} is not in the text {article.id}.txt")
        if a.occurrence == 0 and len(starts) > 1:
            raise KpolicyError(
                f"{article.path}: {what}{a.surface!r} appears {len(starts)} times in {article.id}.txt; "
                "give its occurrence (1-based)"
            )
        k = max(a.occurrence, 1)
        if k > len(starts):
            raise KpolicyError(
                f"{article.path}: {what}{a.surface!r} occurrence {k} asked, but it appears "
                f"{len(starts)} time(s) in {article.id}.txt"
            )
        a.start, a.end = starts[k - 1], starts[k - 1] + len(a.surface)
        if (a.start, a.end) in seen:
            raise KpolicyError(f"{article.path}: {what}{a.surface!r} occurrence {k} is labelled twice")
        seen[(a.start, a.end)] = a.surface


def locate(article: Article, text: str) -> None:
    """Set each amount's and each target's ``start``/``end`` in ``text``, and the spans of
    the ``not_targets``.

    Raises:
        KpolicyError: a surface (or a ``not_money``/``not_targets`` surface) is not in the
            text, has fewer occurrences than its ``occurrence``, is ambiguous (appears more
            than once and no occurrence is given), or two labels name the same span.
    """
    _place(article, article.amounts, text, "surface ")
    for s in article.not_money:
        if s not in text:
            raise KpolicyError(f"{article.path}: not_money surface {s!r} is not in the text {article.id}.txt")
    if article.targets is not None:
        _place(article, article.targets, text, "target surface ")
    for nt in article.not_targets:
        nt.spans, i = [], text.find(nt.surface)
        while i >= 0:
            nt.spans.append((i, i + len(nt.surface)))
            i = text.find(nt.surface, i + 1)
        if not nt.spans:
            raise KpolicyError(f"{article.path}: not_targets surface {nt.surface!r} is not in the text {article.id}.txt")


def read_text(path: Path) -> str:
    """A saved article text (UTF-8, with or without a byte-order mark)."""
    return path.read_text(encoding="utf-8-sig")


def text_digest(text: str) -> str:
    """SHA-256 of a text as saved (UTF-8), recorded in labels as ``text_sha256``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------
# Predictions
# ---------------------------------------------------------------------------------------


_CORPUS_CACHE: dict[str, Any] = {}


def _load(texts: dict[str, str]) -> tuple[Any, dict[str, str]]:
    """The texts loaded as a corpus the way the pipeline loads a folder (the last one is
    kept, so the money and the targets extractors share one load), and ``{doc_id: reason}``
    for texts the loader did not keep as documents (rejected or duplicate)."""
    from kpolicy.corpus import load_corpus

    key = hashlib.sha256(repr(sorted(texts.items())).encode("utf-8")).hexdigest()
    if _CORPUS_CACHE.get("key") == key:
        return _CORPUS_CACHE["corpus"], dict(_CORPUS_CACHE["lost"])
    with tempfile.TemporaryDirectory(prefix="kpolicy-devset-") as tmp:
        for doc_id, text in texts.items():
            (Path(tmp) / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        corpus = load_corpus(tmp, infer_regions=True, progress=False)
    lost: dict[str, str] = {}
    for row in corpus.rejects.iter_rows(named=True):
        lost[Path(row["path"]).stem] = f"rejected by the corpus loader ({row['reason']}: {row['detail']})"
    for row in corpus.duplicates.iter_rows(named=True):
        lost[Path(row["path"]).stem] = f"skipped by the corpus loader as a duplicate of {row['duplicate_of']}"
    # The loader's raw_text is the saved text (a byte-order mark aside), so the source
    # spans of the offset map index the saved file.
    for doc_id, raw in zip(corpus.documents["doc_id"], corpus.documents["raw_text"]):
        if raw != texts.get(doc_id):
            raise KpolicyError(f"the corpus loader read {doc_id}.txt differently from the saved text; cannot map spans")
    _CORPUS_CACHE.clear()
    _CORPUS_CACHE.update(key=key, corpus=corpus, lost=lost)
    return corpus, dict(lost)


def predict(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """Run the money extractor on the texts as a corpus; spans are mapped to the texts.

    Returns:
        The amounts (``doc_id``, ``start``/``end`` in code points of the saved text, and
        the extractor's columns), and ``{doc_id: reason}`` for texts the corpus loader did
        not keep as documents (rejected or duplicate).
    """
    from kpolicy.extract.money import extract_amounts
    from kpolicy.provenance import attach_source_spans

    corpus, lost = _load(texts)
    amounts = extract_amounts(corpus.sentences, corpus.documents)
    amounts = attach_source_spans(amounts, corpus.offsets).rename({"source_start": "start", "source_end": "end"})
    return amounts, lost


def predict_targets(texts: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """Run the targets extractor (``corpus.facts("targets")``, as the pipeline does) on the
    texts as a corpus; spans are mapped to the texts.

    Returns:
        The targets (``doc_id``, ``start``/``end`` in code points of the saved text, and
        the extractor's columns), and ``{doc_id: reason}`` as for :func:`predict`.
    """
    from kpolicy.provenance import attach_source_spans

    corpus, lost = _load(texts)
    targets = corpus.facts("targets")
    if "source_start" not in targets.columns:
        targets = attach_source_spans(targets, corpus.offsets)
    targets = targets.drop([c for c in ("start", "end") if c in targets.columns])
    return targets.rename({"source_start": "start", "source_end": "end"}), lost


# ---------------------------------------------------------------------------------------
# Matching and scores
# ---------------------------------------------------------------------------------------


def _close(a: float | None, b: float | None, tol: float) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return abs(a - b) <= tol * max(abs(a), abs(b))


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    for scale, word in ((1e12, " tn"), (1e9, " bn"), (1e6, " mn")):
        if abs(x) >= scale:
            return f"{x / scale:,.6g}{word}"
    return f"{x:,.6g}"


def match_article(article: Article, preds: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pair labels and predictions of one article; one row per label and per unpaired prediction.

    Pairs are one-to-one among overlapping spans, taking value matches first, then the
    largest overlap.
    """
    cands = []
    for i, a in enumerate(article.amounts):
        for j, p in enumerate(preds):
            overlap = min(a.end, p["end"]) - max(a.start, p["start"])
            if overlap > 0:
                cands.append((not _close(a.value, p["value_native"], VALUE_TOL), -overlap, i, j))
    pair: dict[int, int] = {}
    used: set[int] = set()
    for _, _, i, j in sorted(cands):
        if i not in pair and j not in used:
            pair[i] = j
            used.add(j)
    rows = []
    base = {"doc_id": article.id, "language": article.language}
    for i, a in enumerate(article.amounts):
        p = preds[pair[i]] if i in pair else None
        flags = list(p.get("flags") or []) if p else []
        literal = p["value_native"] if p else None
        adjusted = p.get("amount_krw_adjusted") if p else None
        reading = adjusted if adjusted is not None else literal
        rows.append({
            **base, "label_start": a.start, "surface": a.surface, "currency": a.currency, "value": a.value,
            "bound": a.bound, "garble": a.garble, "intended": a.intended, "note": a.note,
            "pred_surface": p["surface"] if p else None, "pred_currency": p.get("currency") if p else None,
            "pred_value": literal, "pred_bound": p.get("bound") if p else None, "pred_flags": flags,
            "pred_adjusted": adjusted,
            "overlapped": p is not None,
            "matched": p is not None and _close(a.value, literal, VALUE_TOL),
            "flagged": bool(flags),
            "adjusted_ok": None if a.intended is None else (p is not None and _close(a.intended, reading, ADJUSTED_TOL)),
            "false_adjustment": p is not None and a.garble is None and adjusted is not None
            and not _close(adjusted, literal, ADJUSTED_TOL),
            "not_money_hit": False,
        })
    for j, p in enumerate(preds):
        if j in used:
            continue
        rows.append({
            **base, "label_start": None, "surface": None, "currency": None, "value": None, "bound": None,
            "garble": None, "intended": None, "note": None, "pred_surface": p["surface"],
            "pred_currency": p.get("currency"), "pred_value": p["value_native"], "pred_bound": p.get("bound"),
            "pred_flags": list(p.get("flags") or []), "pred_adjusted": p.get("amount_krw_adjusted"),
            "overlapped": False, "matched": False, "flagged": bool(p.get("flags")), "adjusted_ok": None,
            "false_adjustment": False, "not_money_hit": any(s in p["surface"] or p["surface"] in s for s in article.not_money),
        })
    return rows


_MATCH_SCHEMA = {
    "doc_id": pl.String, "language": pl.String, "label_start": pl.Int64, "surface": pl.String, "currency": pl.String,
    "value": pl.Float64, "bound": pl.String, "garble": pl.String, "intended": pl.Float64, "note": pl.String,
    "pred_surface": pl.String, "pred_currency": pl.String, "pred_value": pl.Float64, "pred_bound": pl.String,
    "pred_flags": pl.List(pl.String), "pred_adjusted": pl.Float64, "overlapped": pl.Boolean, "matched": pl.Boolean,
    "flagged": pl.Boolean, "adjusted_ok": pl.Boolean, "false_adjustment": pl.Boolean, "not_money_hit": pl.Boolean,
}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score(matches: pl.DataFrame, articles: dict[str, int], has_bound: bool) -> pl.DataFrame:
    """The summary table: one row per language present and ``all``."""
    rows = []
    groups = [(lang, matches.filter(pl.col("language") == lang)) for lang in LANGUAGES if articles.get(lang)]
    for name, m in [*groups, ("all", matches)]:
        labelled = m.filter(pl.col("surface").is_not_null())
        predicted = m.filter(pl.col("pred_surface").is_not_null())
        tp = int(labelled["matched"].sum())
        n_lab, n_pred = labelled.height, predicted.height
        precision, recall = _ratio(tp, n_pred), _ratio(tp, n_lab)
        f1 = (2 * precision * recall / (precision + recall)) if precision and recall else (0.0 if n_lab and n_pred else None)
        overlapped = int(labelled["overlapped"].sum())
        garbles = labelled.filter(pl.col("garble").is_not_null())
        paired_flagged = labelled.filter(pl.col("flagged"))
        flagged_on_garble = int(paired_flagged["garble"].is_not_null().sum())
        intended = labelled.filter(pl.col("intended").is_not_null())
        bound_rows = labelled.filter(pl.col("matched"))
        rows.append({
            "language": name,
            "articles": sum(articles.values()) if name == "all" else articles[name],
            "labelled": n_lab, "predicted": n_pred, "matched": tp,
            "precision": precision, "recall": recall, "f1": f1,
            "value_accuracy": _ratio(tp, overlapped),
            "garbles": garbles.height, "garbles_flagged": int(garbles["flagged"].sum()),
            "garble_recall": _ratio(int(garbles["flagged"].sum()), garbles.height),
            "flagged_paired": paired_flagged.height,
            "garble_precision": _ratio(flagged_on_garble, paired_flagged.height),
            "false_flags": paired_flagged.height - flagged_on_garble,
            "intended": intended.height,
            "adjusted_accuracy": _ratio(int(intended["adjusted_ok"].sum()), intended.height),
            "false_adjustments": int(labelled["false_adjustment"].sum()),
            "bound_accuracy": _ratio(int((bound_rows["bound"] == bound_rows["pred_bound"]).sum()), bound_rows.height)
            if has_bound else None,
        })
    return pl.DataFrame(rows, schema={
        "language": pl.String, "articles": pl.Int64, "labelled": pl.Int64, "predicted": pl.Int64, "matched": pl.Int64,
        "precision": pl.Float64, "recall": pl.Float64, "f1": pl.Float64, "value_accuracy": pl.Float64,
        "garbles": pl.Int64, "garbles_flagged": pl.Int64, "garble_recall": pl.Float64, "flagged_paired": pl.Int64,
        "garble_precision": pl.Float64, "false_flags": pl.Int64, "intended": pl.Int64,
        "adjusted_accuracy": pl.Float64, "false_adjustments": pl.Int64, "bound_accuracy": pl.Float64,
    })


# -- targets --------------------------------------------------------------------------

#: Columns of the targets extractor compared with the labels, by what they hold: the first
#: name present is used; an aspect with no column is reported as n/a.
TARGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "value": ("target", "value", "target_value"),
    "year": ("target_year", "year", "deadline_year", "deadline"),
    "unit": ("unit",),
    "bound": ("bound",),
    "kind": ("kind",),
    "annual": ("is_annual", "annual"),
    "baseline": ("baseline", "baseline_value"),
}
_CURRENCY_CODES = {"krw", "usd", "eur", "cny", "jpy", "gbp", "chf", "cad", "aud", "hkd", "sgd", "inr", "twd", "vnd"}


def target_columns(columns: list[str]) -> dict[str, str | None]:
    """For each compared aspect (``value``, ``year``, ``unit``, ...), the extractor's column."""
    return {k: next((c for c in names if c in columns), None) for k, names in TARGET_COLUMNS.items()}


def unit_class(unit: str | None, kind: str | None = None) -> str | None:
    """A unit reduced to the extractor's vocabulary: pct, pp, rank, multiple, a currency
    code (lower case), or count (jobs, people, companies, GPUs, tonnes, ...)."""
    if unit is None:
        return None
    u = str(unit).strip().lower()
    if kind == "percent" or u in ("%", "pct", "percent", "per cent"):
        return "pct"
    if u in ("pp", "%p", "percentage points", "percentage point"):
        return "pp"
    if kind == "rank" or u in ("rank", "place", "위"):
        return "rank"
    if kind == "multiple" or u in ("times", "multiple", "x", "배"):
        return "multiple"
    if u in _CURRENCY_CODES or (kind == "money" and len(u) == 3 and u.isalpha()):
        return u
    if u == "other":
        return "other"
    return "count"


def _pred_year(v: Any) -> int | None:
    if v is None:
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.year
    try:
        return int(str(v)[:4])
    except ValueError:
        return None


def match_targets(article: Article, preds: list[dict[str, Any]], cols: dict[str, str | None]) -> list[dict[str, Any]]:
    """Pair target labels and predictions of one article (as :func:`match_article`: one to
    one among overlapping spans, value matches first, then the largest overlap); one row
    per label and per unpaired prediction. Agreement columns (``year_ok``, ...) are null
    when the extractor has no such column or the pair's value does not match."""
    labels = article.targets or []
    vcol = cols.get("value") or "target"

    def pval(p: dict[str, Any]) -> float | None:
        v = p.get(vcol)
        return None if v is None else float(v)

    cands = []
    for i, t in enumerate(labels):
        for j, p in enumerate(preds):
            overlap = min(t.end, p["end"]) - max(t.start, p["start"])
            if overlap > 0:
                cands.append((not _close(t.value, pval(p), VALUE_TOL), -overlap, i, j))
    pair: dict[int, int] = {}
    used: set[int] = set()
    for _, _, i, j in sorted(cands):
        if i not in pair and j not in used:
            pair[i] = j
            used.add(j)

    def pred_fields(p: dict[str, Any] | None) -> dict[str, Any]:
        def get(aspect: str) -> Any:
            c = cols.get(aspect)
            return p.get(c) if p is not None and c else None

        return {
            "pred_surface": p["surface"] if p else None, "pred_value": pval(p) if p else None,
            "pred_year": _pred_year(get("year")), "pred_unit": None if get("unit") is None else str(get("unit")),
            "pred_bound": get("bound"), "pred_kind": get("kind"),
            "pred_annual": None if get("annual") is None else bool(get("annual")),
            "pred_baseline": None if get("baseline") is None else float(get("baseline")),
        }

    def agree(ok: bool, aspect: str, matched: bool) -> bool | None:
        return ok if matched and cols.get(aspect) else None

    rows = []
    base = {"doc_id": article.id, "language": article.language}
    for i, t in enumerate(labels):
        p = preds[pair[i]] if i in pair else None
        f = pred_fields(p)
        matched = p is not None and _close(t.value, f["pred_value"], VALUE_TOL)
        rows.append({
            **base, "label_start": t.start, "surface": t.surface, "value": t.value, "unit": t.unit, "year": t.year,
            "annual": t.annual, "bound": t.bound, "kind": t.kind, "baseline": t.baseline, "note": t.note, **f,
            "overlapped": p is not None, "matched": matched,
            "year_ok": agree(t.year == f["pred_year"], "year", matched),
            "unit_ok": agree(unit_class(t.unit, t.kind) == unit_class(f["pred_unit"]), "unit", matched),
            "bound_ok": agree(t.bound == f["pred_bound"], "bound", matched),
            "kind_ok": agree(t.kind == f["pred_kind"], "kind", matched),
            "annual_ok": agree(t.annual == bool(f["pred_annual"]), "annual", matched),
            "baseline_ok": agree(_close(t.baseline, f["pred_baseline"], VALUE_TOL) if t.baseline is not None
                                 else f["pred_baseline"] is None, "baseline", matched),
            "not_target_hit": False,
        })
    for j, p in enumerate(preds):
        if j in used:
            continue
        hit = any(min(e, p["end"]) - max(s, p["start"]) > 0 for nt in article.not_targets for s, e in nt.spans)
        rows.append({
            **base, "label_start": None, "surface": None, "value": None, "unit": None, "year": None, "annual": None,
            "bound": None, "kind": None, "baseline": None, "note": None, **pred_fields(p),
            "overlapped": False, "matched": False, "year_ok": None, "unit_ok": None, "bound_ok": None,
            "kind_ok": None, "annual_ok": None, "baseline_ok": None, "not_target_hit": hit,
        })
    return rows


_TARGET_MATCH_SCHEMA = {
    "doc_id": pl.String, "language": pl.String, "label_start": pl.Int64, "surface": pl.String, "value": pl.Float64,
    "unit": pl.String, "year": pl.Int64, "annual": pl.Boolean, "bound": pl.String, "kind": pl.String,
    "baseline": pl.Float64, "note": pl.String, "pred_surface": pl.String, "pred_value": pl.Float64,
    "pred_year": pl.Int64, "pred_unit": pl.String, "pred_bound": pl.String, "pred_kind": pl.String,
    "pred_annual": pl.Boolean, "pred_baseline": pl.Float64, "overlapped": pl.Boolean, "matched": pl.Boolean,
    "year_ok": pl.Boolean, "unit_ok": pl.Boolean, "bound_ok": pl.Boolean, "kind_ok": pl.Boolean,
    "annual_ok": pl.Boolean, "baseline_ok": pl.Boolean, "not_target_hit": pl.Boolean,
}
_AGREEMENTS = ("year", "unit", "bound", "kind", "annual", "baseline")


def score_targets(matches: pl.DataFrame, articles: dict[str, int], cols: dict[str, str | None]) -> pl.DataFrame:
    """The targets summary: one row per language with target labels and ``all``.

    ``<aspect>_accuracy`` (year, unit, bound, kind, annual, baseline) is the share of the
    matched targets on which the extractor agrees with the label, null when it emits no
    such column. ``not_target_hits`` counts unpaired predictions on a ``not_targets`` surface.
    """
    rows = []
    groups = [(lang, matches.filter(pl.col("language") == lang)) for lang in LANGUAGES if articles.get(lang)]
    for name, m in [*groups, ("all", matches)]:
        labelled = m.filter(pl.col("surface").is_not_null())
        predicted = m.filter(pl.col("pred_surface").is_not_null())
        tp = int(labelled["matched"].sum())
        n_lab, n_pred = labelled.height, predicted.height
        precision, recall = _ratio(tp, n_pred), _ratio(tp, n_lab)
        f1 = (2 * precision * recall / (precision + recall)) if precision and recall else (0.0 if n_lab and n_pred else None)
        ok = labelled.filter(pl.col("matched"))
        row: dict[str, Any] = {
            "language": name, "articles": sum(articles.values()) if name == "all" else articles[name],
            "labelled": n_lab, "predicted": n_pred, "matched": tp, "precision": precision, "recall": recall, "f1": f1,
            "value_accuracy": _ratio(tp, int(labelled["overlapped"].sum())),
        }
        for aspect in _AGREEMENTS:
            row[f"{aspect}_accuracy"] = _ratio(int(ok[f"{aspect}_ok"].sum()), ok.height) if cols.get(aspect) else None
        row["not_target_hits"] = int(m["not_target_hit"].sum())
        rows.append(row)
    schema = {
        "language": pl.String, "articles": pl.Int64, "labelled": pl.Int64, "predicted": pl.Int64, "matched": pl.Int64,
        "precision": pl.Float64, "recall": pl.Float64, "f1": pl.Float64, "value_accuracy": pl.Float64,
        **{f"{a}_accuracy": pl.Float64 for a in _AGREEMENTS}, "not_target_hits": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def evaluate(labels_dir: str | Path | None = None, texts_dir: str | Path | None = None) -> Evaluation:
    """Load labels and the texts present, run the extractor and score it.

    Raises:
        KpolicyError: a label file is malformed, or a labelled surface is not in its text.
    """
    articles = load_labels(labels_dir)
    troot = paths.resolve(texts_dir, TEXTS_DIR)
    texts: dict[str, str] = {}
    skipped: list[str] = []
    warnings: list[str] = []
    for art in articles:
        path = troot / f"{art.id}.txt"
        if not path.is_file():
            skipped.append(art.id)
            continue
        text = read_text(path)
        locate(art, text)
        if art.text_sha256 and art.text_sha256 != text_digest(text):
            warnings.append(f"{art.id}: the text differs from the one labelled (text_sha256); surfaces still found")
        texts[art.id] = text
    scored = [a for a in articles if a.id in texts]
    rows: list[dict[str, Any]] = []
    has_bound = False
    if scored:
        amounts, lost = predict(texts)
        for doc_id, reason in lost.items():
            warnings.append(f"{doc_id}: {reason}; scored with no predictions")
        has_bound = "bound" in amounts.columns
        by_doc: dict[str, list[dict[str, Any]]] = {}
        for r in amounts.iter_rows(named=True):
            by_doc.setdefault(r["doc_id"], []).append(r)
        for art in scored:
            rows.extend(match_article(art, by_doc.get(art.id, [])))
    matches = pl.DataFrame(rows, schema=_MATCH_SCHEMA)
    counts = {lang: sum(a.language == lang for a in scored) for lang in LANGUAGES}
    summary = score(matches, counts, has_bound)
    ev = Evaluation(summary, matches, articles, [a.id for a in scored], skipped, warnings)
    with_targets = [a for a in scored if a.targets is not None]
    if with_targets:
        preds, lost = predict_targets(texts)
        for doc_id, reason in lost.items():
            warning = f"{doc_id}: {reason}; scored with no predictions"
            if warning not in warnings:
                warnings.append(warning)
        # An aspect is compared when the extractor emits its column with some value in it
        # (a column added but not filled yet reads as n/a, not as 0 % agreement).
        cols = {k: c if c is not None and (k == "value" or preds[c].null_count() < preds.height) else None
                for k, c in target_columns(preds.columns).items()}
        tby_doc: dict[str, list[dict[str, Any]]] = {}
        for r in preds.iter_rows(named=True):
            tby_doc.setdefault(r["doc_id"], []).append(r)
        trows: list[dict[str, Any]] = []
        for art in with_targets:
            trows.extend(match_targets(art, tby_doc.get(art.id, []), cols))
        ev.target_matches = pl.DataFrame(trows, schema=_TARGET_MATCH_SCHEMA)
        tcounts = {lang: sum(a.language == lang for a in with_targets) for lang in LANGUAGES}
        ev.targets_summary = score_targets(ev.target_matches, tcounts, cols)
        ev.targets_scored = [a.id for a in with_targets]
        ev.target_columns = cols
    return ev


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{100 * x:5.1f}%"


def summary_lines(summary: pl.DataFrame) -> list[str]:
    """One line per language: the headline scores."""
    lines = []
    for r in summary.iter_rows(named=True):
        lines.append(
            f"{r['language']:>3}: {r['articles']:3d} articles  amounts P {_pct(r['precision'])} R {_pct(r['recall'])} "
            f"F1 {_pct(r['f1'])} ({r['matched']}/{r['labelled']} labelled, {r['predicted']} predicted)  "
            f"value acc {_pct(r['value_accuracy'])}  garbles R {_pct(r['garble_recall'])} "
            f"({r['garbles_flagged']}/{r['garbles']}) P {_pct(r['garble_precision'])} "
            f"(false flags {r['false_flags']})  adjusted acc {_pct(r['adjusted_accuracy'])} "
            f"({r['intended']} with intended; false adjustments {r['false_adjustments']})  "
            f"bound acc {_pct(r['bound_accuracy'])}"
        )
    return lines


def target_summary_lines(summary: pl.DataFrame) -> list[str]:
    """One line per language: the targets scores."""
    lines = []
    for r in summary.iter_rows(named=True):
        agreements = "  ".join(f"{a} acc {_pct(r[f'{a}_accuracy'])}" for a in _AGREEMENTS)
        lines.append(
            f"{r['language']:>3}: {r['articles']:3d} articles  targets P {_pct(r['precision'])} R {_pct(r['recall'])} "
            f"F1 {_pct(r['f1'])} ({r['matched']}/{r['labelled']} labelled, {r['predicted']} predicted, "
            f"{r['not_target_hits']} on not_targets)  value acc {_pct(r['value_accuracy'])}  {agreements}"
        )
    return lines


def _target_miss_lines(ev: Evaluation) -> list[str]:
    out = ["", "Target misses by article (L = label, P = prediction):"]
    assert ev.target_matches is not None
    for doc_id in ev.targets_scored:
        m = ev.target_matches.filter(pl.col("doc_id") == doc_id)
        lines = []
        for r in m.iter_rows(named=True):
            pred = "P none"
            if r["pred_surface"] is not None:
                extra = "".join(f" {k}={r['pred_' + k]}" for k in ("year", "unit", "bound", "kind", "annual")
                                if ev.target_columns.get(k))
                pred = f"P {r['pred_surface']!r} {_fmt(r['pred_value'])}{extra}"
            if r["surface"] is None:
                what = "not_target" if r["not_target_hit"] else "extra"
                lines.append(f"  {what:<10} {pred}")
                continue
            lab = (f"L {r['surface']!r} {_fmt(r['value'])} {r['unit']} year={r['year']} {r['bound']} {r['kind']}"
                   + (" annual" if r["annual"] else ""))
            problems = []
            if not r["overlapped"]:
                problems.append("missed")
            elif not r["matched"]:
                problems.append("value")
            for aspect, shown in (("year", r["year"]), ("unit", r["unit"]), ("bound", r["bound"]),
                                  ("kind", r["kind"]), ("annual", r["annual"])):
                if r[f"{aspect}_ok"] is False:
                    problems.append(f"{aspect}({shown})")
            if problems:
                lines.append(f"  {'/'.join(problems):<10} {lab}  |  {pred}")
        if lines:
            out.append(f"{doc_id}:")
            out.extend(lines)
    return out


def report(ev: Evaluation) -> str:
    """A readable report: summary, skipped articles, then per-article misses."""
    out = [f"kpolicy eval: {len(ev.articles)} labelled articles, {len(ev.scored)} with text, {len(ev.skipped)} skipped"]
    if not ev.scored:
        out.append("kpolicy eval: no article texts found, nothing scored. Save the texts as devset/texts/<id>.txt "
                   "(see devset/README.md) and run again.")
    else:
        out.extend(summary_lines(ev.summary))
        if ev.targets_summary is not None:
            out.extend(target_summary_lines(ev.targets_summary))
    if ev.skipped:
        out.append("skipped (text missing): " + ", ".join(ev.skipped))
    out.extend(f"warning: {w}" for w in ev.warnings)
    if not ev.scored:
        return "\n".join(out) + "\n"
    out.append("")
    out.append("Misses by article (L = label, P = prediction):")
    for doc_id in ev.scored:
        m = ev.matches.filter(pl.col("doc_id") == doc_id)
        lines = []
        for r in m.iter_rows(named=True):
            flags = ",".join(r["pred_flags"]) or "-"
            pred = (f"P {r['pred_surface']!r} {r['pred_currency']} {_fmt(r['pred_value'])} flags={flags}"
                    f" adj={_fmt(r['pred_adjusted'])} bound={r['pred_bound'] or '-'}") if r["pred_surface"] else "P none"
            if r["surface"] is None:
                what = "not_money" if r["not_money_hit"] else "extra"
                lines.append(f"  {what:<9} {pred}")
                continue
            lab = f"L {r['surface']!r} {r['currency']} {_fmt(r['value'])}"
            if r["garble"]:
                lab += f" garble={r['garble']} intended={_fmt(r['intended'])}"
            problems = []
            if not r["overlapped"]:
                problems.append("missed")
            elif not r["matched"]:
                problems.append("value")
            if r["garble"] and not r["flagged"]:
                problems.append("unflagged")
            if r["garble"] is None and r["flagged"]:
                problems.append("false-flag")
            if r["adjusted_ok"] is False and r["overlapped"]:
                problems.append("adjusted")
            if r["false_adjustment"]:
                problems.append("false-adj")
            if r["matched"] and r["pred_bound"] is not None and r["pred_bound"] != r["bound"]:
                problems.append(f"bound({r['bound']})")
            if problems:
                lines.append(f"  {'/'.join(problems):<9} {lab}  |  {pred}")
        if lines:
            out.append(f"{doc_id}:")
            out.extend(lines)
    if ev.targets_summary is not None:
        out.extend(_target_miss_lines(ev))
    return "\n".join(out) + "\n"


def run(labels_dir: str | Path | None = None, texts_dir: str | Path | None = None) -> int:
    """The ``kpolicy eval`` command: print the report; 0 unless the labels are invalid."""
    ev = evaluate(labels_dir, texts_dir)
    print(report(ev), end="")
    return 0
