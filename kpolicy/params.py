"""Notebook parameter validation: papermill does not type-check, so kpolicy does.

Each notebook calls one ``validate_*`` function first. An unknown region, theme or
option raises :class:`~kpolicy.errors.KpolicyError` whose one-line message lists the
valid values; region names may be given by any gazetteer alias ("Busan Metropolitan
City", "부산", "Gyeonggi-do") and come back canonical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from kpolicy import schema
from kpolicy.errors import KpolicyError, NotApplicable

AMOUNT_BASES = ("literal", "adjusted")
CURRENCIES = ("KRW", "USD")
REFERENCES = ("rest", "corpus")


@lru_cache(maxsize=1)
def _alias_index() -> dict[str, str]:
    from kpolicy import gazetteer

    index = {gazetteer.alias_key(name): name for name in schema.REGION_NAMES}
    for term in gazetteer.region_terms():
        index.setdefault(term.key, term.entry.name)
    return index


def canonical_region(name: object) -> str:
    """The canonical region for a name or alias.

    Raises:
        KpolicyError: unknown name, listing the canonical names.
    """
    from kpolicy import gazetteer

    if not isinstance(name, str) or not name.strip():
        raise KpolicyError(f"region must be a name such as 'Busan', not {name!r}; valid: {', '.join(schema.REGION_NAMES)}")
    found = _alias_index().get(gazetteer.alias_key(name.strip()))
    if found is None:
        raise KpolicyError(f"unknown region {name!r}; valid: {', '.join(schema.REGION_NAMES)}")
    return found


def corpus_regions(documents: pl.DataFrame) -> list[str]:
    """Regions at least one document is about, in gazetteer order."""
    present = set(documents.select(pl.col("regions").cast(pl.List(pl.String)).explode()).to_series().drop_nulls())
    return [r for r in schema.REGION_NAMES if r in present]


def validate_choice(label: str, value: object, valid: tuple[str, ...]) -> str:
    if value not in valid:
        raise KpolicyError(f"unknown {label} {value!r}; valid: {', '.join(valid)}")
    return str(value)


def validate_region(region: object, documents: pl.DataFrame) -> str:
    """A canonical region that the corpus has documents about."""
    canon = canonical_region(region)
    present = corpus_regions(documents)
    if canon not in present:
        raise KpolicyError(f"no document in this corpus is about {canon}; regions in the corpus: {', '.join(present) or '(none)'}")
    return canon


def theme_names() -> tuple[str, ...]:
    """Valid major theme names (from the codebook)."""
    return tuple(schema.get("themes").polars_schema["theme_major"].categories.to_list())


@dataclass(frozen=True)
class CompareParams:
    """Validated parameters of the comparison notebook."""

    regions: list[str]
    missing: list[str]
    reference: str | list[str]
    themes: list[str] | None
    amount_basis: str
    currency: str
    krw_per_usd: float | None
    notes: list[str] = field(default_factory=list)


def validate_compare(
    documents: pl.DataFrame,
    *,
    regions: object,
    reference: object = "rest",
    themes: object = None,
    amount_basis: object = "literal",
    currency: object = "KRW",
    krw_per_usd: object = None,
) -> CompareParams:
    """Validate the comparison notebook's parameters.

    Regions missing from the corpus are dropped with a note (a batch must run on any
    corpus), but at least two compared regions must remain. Likewise, reference regions
    with no documents are dropped with a note, and when none is left the reference
    becomes ``rest``.

    Args:
        regions: a list of region names or aliases, or ``None`` for every region the
            corpus has documents about.
        reference: the keyness reference group: ``rest`` (every other region in the
            corpus), ``corpus`` (the whole corpus, the target included) or a list of
            region names.
        themes: ``None`` for all themes, or a list of major theme names.
        amount_basis: ``literal`` or ``adjusted``.
        currency: ``KRW`` or ``USD`` (USD needs ``krw_per_usd``).
        krw_per_usd: the stated exchange rate (won per US dollar) for USD output.
    """
    present = corpus_regions(documents)
    if regions is None:
        regions = present
    elif isinstance(regions, str) or not isinstance(regions, (list, tuple)) or not regions:
        raise KpolicyError(f"regions must be a list of region names, e.g. ['Busan', 'Incheon'], or None for all, not {regions!r}")
    canon = list(dict.fromkeys(canonical_region(r) for r in regions))
    keep = [r for r in canon if r in present]
    missing = [r for r in canon if r not in present]
    notes = [f"No document in this corpus is about {', '.join(missing)}: left out of the comparison."] if missing else []
    if len(keep) < 2:
        raise NotApplicable(
            f"need at least two regions with documents to compare, got {keep or 'none'}; regions in the corpus: {', '.join(present) or '(none)'}"
        )
    if isinstance(reference, str):
        ref: str | list[str] = validate_choice("reference", reference, REFERENCES)
    elif isinstance(reference, (list, tuple)) and reference:
        ref_canon = list(dict.fromkeys(canonical_region(r) for r in reference))
        ref_missing = [r for r in ref_canon if r not in present]
        ref = [r for r in ref_canon if r in present] or "rest"
        if ref_missing:
            notes.append(
                f"No document in this corpus is about {', '.join(ref_missing)}: "
                + (f"the reference is {', '.join(ref)}." if ref != "rest" else "distinctive terms are against the rest of the corpus instead.")
            )
    else:
        raise KpolicyError(f"reference must be 'rest', 'corpus' or a list of regions, not {reference!r}")
    valid_themes = theme_names()
    if themes is None or themes == "all":
        theme_list = None
    elif isinstance(themes, (list, tuple)) and themes:
        bad = [t for t in themes if t not in valid_themes]
        if bad:
            raise KpolicyError(f"unknown theme {bad[0]!r}; valid: {', '.join(valid_themes)}")
        theme_list = list(themes)
    else:
        raise KpolicyError(f"themes must be null (all) or a list of theme names, not {themes!r}; valid: {', '.join(valid_themes)}")
    basis = validate_choice("amount_basis", amount_basis, AMOUNT_BASES)
    cur = validate_choice("currency", currency, CURRENCIES)
    rate = None
    if krw_per_usd is not None:
        if isinstance(krw_per_usd, bool) or not isinstance(krw_per_usd, (int, float)) or krw_per_usd <= 0:
            raise KpolicyError(f"krw_per_usd must be a positive number of won per US dollar, not {krw_per_usd!r}")
        rate = float(krw_per_usd)
    if cur == "USD" and rate is None:
        raise KpolicyError("currency 'USD' needs krw_per_usd (won per US dollar, e.g. 1350)")
    return CompareParams(keep, missing, ref, theme_list, basis, cur, rate, notes)
