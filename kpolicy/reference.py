"""Reference figures with provenance per value: regional population and exchange rates.

Two files in ``kpolicy/data`` hold the numbers that turn money into comparable figures:

- ``population.yaml``: year-end resident-registration population (주민등록인구, Ministry of
  the Interior and Safety, KOSIS table DT_1B040A3) of the 17 first-level regions;
- ``fx_rates.yaml``: yearly average won per unit of USD, EUR, JPY (per 100 yen in the
  file) and CNY.

Every value carries ``value``, ``year``, ``source``, ``url``, ``accessed`` and
``verified``. ``verified`` is true only when that exact number was read in a published
page (``url``); recalled or derived numbers are ``verified: false`` and every answer
from this module passes the flag on, so callers can show them as unverified.

Both files are validated when first loaded; a problem raises
:class:`~kpolicy.errors.KpolicyError` naming the file and what is wrong.

Year choice: the exact year when the file has it, otherwise the nearest year (on a tie,
the later one); with no year requested, the latest year. The answer says which
(``how``: ``"exact year"``, ``"nearest year 2023"`` or ``"latest year 2024"``).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kpolicy import paths, schema
from kpolicy.errors import KpolicyError

POPULATION_FILE = "population.yaml"
FX_FILE = "fx_rates.yaml"
#: Fields every value must carry (``note`` is optional).
REQUIRED_FIELDS: tuple[str, ...] = ("value", "year", "source", "url", "accessed", "verified")
#: The 17 first-level regions; "National" is their sum, not an entry of its own.
REGIONS: tuple[str, ...] = tuple(r for r in schema.REGION_NAMES if r != "National")
#: KRW is the reporting currency (rate 1); the others must be in ``fx_rates.yaml``.
REPORTING_CURRENCY = "KRW"

_YEAR_RANGE = (1990, 2100)


# ----------------------------------------------------------------------------- loading


def _read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except OSError as exc:
        raise KpolicyError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise KpolicyError(f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})") from exc


def _check_entry(file: str, where: str, entry: Any, *, integer: bool) -> dict[str, Any]:
    """Validate one value with its provenance; return it with ``accessed`` as a date."""
    if not isinstance(entry, dict):
        fields = ", ".join(REQUIRED_FIELDS)
        raise KpolicyError(f"{file}: {where}: each value must be a mapping with {fields}")
    missing = [f for f in REQUIRED_FIELDS if f not in entry]
    if missing:
        raise KpolicyError(f"{file}: {where}: missing field(s) {', '.join(missing)}")
    extra = sorted(set(entry) - set(REQUIRED_FIELDS) - {"note"})
    if extra:
        raise KpolicyError(f"{file}: {where}: unknown field(s) {', '.join(extra)}")
    year = entry["year"]
    low, high = _YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, int) or not low <= year <= high:
        raise KpolicyError(f"{file}: {where}: year must be a whole year, not {year!r}")
    where = f"{where} {year}"
    value = entry["value"]
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        kind = "a positive whole number" if integer else "a positive number"
        raise KpolicyError(f"{file}: {where}: value must be {kind}, not {value!r}")
    if not isinstance(entry["verified"], bool):
        raise KpolicyError(f"{file}: {where}: verified must be true or false, not {entry['verified']!r}")
    source = entry["source"]
    if not isinstance(source, str) or not source.strip():
        raise KpolicyError(f"{file}: {where}: source must name the publisher and table")
    url = entry["url"]
    if not isinstance(url, str):
        raise KpolicyError(f"{file}: {where}: url must be a string ('' when nothing was read)")
    if url and not url.startswith(("http://", "https://")):
        raise KpolicyError(f"{file}: {where}: url must start with http:// or https://, not {url!r}")
    if entry["verified"] and not url:
        raise KpolicyError(f"{file}: {where}: a verified value needs the url of the page it was read in")
    if not entry["verified"] and not source.startswith(("recalled", "derived")):
        raise KpolicyError(f"{file}: {where}: an unverified value's source must say 'recalled' or 'derived'")
    accessed = entry["accessed"]
    if isinstance(accessed, str):
        try:
            accessed = dt.date.fromisoformat(accessed)
        except ValueError:
            accessed = None
    if not isinstance(accessed, dt.date) or isinstance(accessed, dt.datetime):
        raise KpolicyError(f"{file}: {where}: accessed must be a date (YYYY-MM-DD), not {entry['accessed']!r}")
    return {**entry, "accessed": accessed}


def _check_series(file: str, where: str, entries: Any, *, integer: bool) -> list[dict[str, Any]]:
    if not isinstance(entries, list) or not entries:
        raise KpolicyError(f"{file}: {where}: needs a non-empty list of values")
    checked = [_check_entry(file, where, e, integer=integer) for e in entries]
    years = [e["year"] for e in checked]
    dupes = sorted({y for y in years if years.count(y) > 1})
    if dupes:
        raise KpolicyError(f"{file}: {where}: year(s) {', '.join(map(str, dupes))} given more than once")
    return sorted(checked, key=lambda e: e["year"])


def load_population(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate a population file (default ``kpolicy/data/population.yaml``).

    Args:
        path: another file with the same layout (tests use this); ``None`` for the default.

    Returns:
        ``{"regions": {region: [entry, ...]}, "national_published": [entry, ...]}`` with
        entries sorted by year and ``accessed`` as :class:`datetime.date`.

    Raises:
        KpolicyError: the file is missing or malformed, a region is not one of the 17
            canonical names (``kpolicy.schema.REGION_NAMES`` without "National") or has
            no value, or a value lacks a provenance field.
    """
    p = Path(path) if path is not None else paths.DATA_DIR / POPULATION_FILE
    data = _read_yaml(p)
    file = p.name
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise KpolicyError(f"{file}: needs a top-level 'regions' mapping of region -> list of values")
    unknown = sorted(set(data["regions"]) - set(REGIONS))
    if unknown:
        raise KpolicyError(
            f"{file}: unknown region(s) {', '.join(map(str, unknown))}; valid: {', '.join(REGIONS)}"
        )
    absent = [r for r in REGIONS if r not in data["regions"]]
    if absent:
        raise KpolicyError(f"{file}: no values for region(s) {', '.join(absent)}")
    regions = {r: _check_series(file, r, data["regions"][r], integer=True) for r in REGIONS}
    national = data.get("national_published", [])
    published = _check_series(file, "national_published", national, integer=True) if national else []
    return {"regions": regions, "national_published": published}


def load_fx(path: str | Path | None = None) -> dict[str, Any]:
    """Read and validate an exchange-rate file (default ``kpolicy/data/fx_rates.yaml``).

    Args:
        path: another file with the same layout; ``None`` for the default.

    Returns:
        ``{currency: {"quoted_per": 1 | 100, "description": str, "entries": [...]}}``.

    Raises:
        KpolicyError: the file is missing or malformed, a currency code is not three
            capital letters (or is KRW itself), ``quoted_per`` is not 1 or 100, or a value
            lacks a provenance field.
    """
    p = Path(path) if path is not None else paths.DATA_DIR / FX_FILE
    data = _read_yaml(p)
    file = p.name
    if not isinstance(data, dict) or not isinstance(data.get("currencies"), dict) or not data["currencies"]:
        raise KpolicyError(f"{file}: needs a top-level 'currencies' mapping of code -> rates")
    out: dict[str, Any] = {}
    for code, spec in data["currencies"].items():
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            raise KpolicyError(f"{file}: currency code must be three capital letters, not {code!r}")
        if code == REPORTING_CURRENCY:
            raise KpolicyError(f"{file}: {code} is the reporting currency (rate 1) and must not be listed")
        if not isinstance(spec, dict):
            raise KpolicyError(f"{file}: {code}: needs quoted_per, description and entries")
        quoted_per = spec.get("quoted_per")
        if quoted_per not in (1, 100) or isinstance(quoted_per, bool):
            raise KpolicyError(f"{file}: {code}: quoted_per must be 1 or 100, not {quoted_per!r}")
        out[code] = {
            "quoted_per": int(quoted_per),
            "description": str(spec.get("description", "")),
            "entries": _check_series(file, code, spec.get("entries"), integer=False),
        }
    return out


@functools.lru_cache(maxsize=1)
def _population() -> dict[str, Any]:
    return load_population()


@functools.lru_cache(maxsize=1)
def _fx() -> dict[str, Any]:
    return load_fx()


# ----------------------------------------------------------------------------- helpers


def _pick_year(years: list[int], requested: int | None) -> tuple[int, str]:
    """The year to use from ``years`` (sorted, non-empty) and how it was chosen."""
    if requested is None:
        return years[-1], f"latest year {years[-1]}"
    if isinstance(requested, bool) or not isinstance(requested, int):
        raise KpolicyError(f"year must be a whole year or None, not {requested!r}")
    if requested in years:
        return requested, "exact year"
    # Nearest; on a tie the later year (the more recent publication).
    best = min(years, key=lambda y: (abs(y - requested), -y))
    return best, f"nearest year {best}"


def _canonical_region(region: str) -> str:
    names = {r.lower(): r for r in schema.REGION_NAMES}
    key = region.strip().lower() if isinstance(region, str) else None
    if key not in names:
        raise KpolicyError(f"unknown region {region!r}; valid: {', '.join(schema.REGION_NAMES)}")
    return names[key]


# ----------------------------------------------------------------------------- public API


def population_table() -> pl.DataFrame:
    """Every population value with its provenance, one row per region and year.

    Returns:
        Columns ``region`` (the canonical region enum), ``year`` (Int32), ``population``
        (Int64), ``source``, ``url`` (empty when nothing was read), ``accessed`` (Date)
        and ``verified`` (Boolean), sorted by region (schema order) and year. "National"
        is not a row: :func:`population_for` sums the 17 regions.
    """
    data = _population()
    rows = [
        {
            "region": region,
            "year": e["year"],
            "population": e["value"],
            "source": e["source"],
            "url": e["url"],
            "accessed": e["accessed"],
            "verified": e["verified"],
        }
        for region in REGIONS
        for e in data["regions"][region]
    ]
    return pl.DataFrame(
        rows,
        schema={
            "region": schema.Region,
            "year": pl.Int32,
            "population": pl.Int64,
            "source": pl.String,
            "url": pl.String,
            "accessed": pl.Date,
            "verified": pl.Boolean,
        },
    )


def _chosen(entry: dict[str, Any], used: int, requested: int | None, how: str) -> dict[str, Any]:
    """The year a value was taken for and its provenance (shared by population and rates)."""
    return {"year_used": used, "year_requested": requested, "how": how, "source": entry["source"], "url": entry["url"],
            "verified": entry["verified"]}


def population_for(region: str, year: int | None = None) -> dict[str, Any]:
    """The population to divide a region's money by, with where it comes from.

    Args:
        region: a canonical region name (``kpolicy.schema.REGION_NAMES``, any case), or
            "National" for the sum of the 17 regions.
        year: the year wanted; ``None`` for the latest year available. A year the file
            lacks falls back to the nearest year it has (ties: the later year).

    Returns:
        ``{"population", "year_used", "year_requested", "how", "source", "url",
        "verified"}``. ``how`` is ``"exact year"``, ``"nearest year YYYY"`` or
        ``"latest year YYYY"``. For "National" the population is the sum of the 17
        regions for a year all 17 have, ``verified`` is true only if all 17 values are,
        ``url`` is empty and ``source`` says how many of the 17 were verified.

    Raises:
        KpolicyError: an unknown region (the message lists the valid ones) or a year
            that is not a whole number.
    """
    name = _canonical_region(region)
    data = _population()["regions"]
    if name != "National":
        entries = {e["year"]: e for e in data[name]}
        used, how = _pick_year(sorted(entries), year)
        e = entries[used]
        return {"population": e["value"], **_chosen(e, used, year, how)}
    complete = sorted(set.intersection(*({e["year"] for e in data[r]} for r in REGIONS)))
    if not complete:
        raise KpolicyError(f"{POPULATION_FILE}: no year has values for all 17 regions, so no national total")
    used, how = _pick_year(complete, year)
    parts = [next(e for e in data[r] if e["year"] == used) for r in REGIONS]
    n_verified = sum(e["verified"] for e in parts)
    return {
        "population": sum(e["value"] for e in parts),
        "year_used": used,
        "year_requested": year,
        "how": how,
        "source": (
            f"sum of the 17 regions' {used} values in kpolicy/data/{POPULATION_FILE} "
            f"({n_verified} of 17 verified)"
        ),
        "url": "",
        "verified": n_verified == len(REGIONS),
    }


def fx_rate(currency: str, year: int | None = None) -> dict[str, Any]:
    """Won per one unit of ``currency``, yearly average, with where it comes from.

    Args:
        currency: an ISO code: KRW or one listed in ``fx_rates.yaml`` (USD, EUR, JPY,
            CNY); any case.
        year: the year wanted; ``None`` for the latest available. A year the file lacks
            falls back to the nearest year it has (ties: the later year).

    Returns:
        ``{"krw_per_unit", "year_used", "year_requested", "how", "source", "url",
        "verified", "quoted_per", "quoted_value"}``. ``krw_per_unit`` is per ONE unit
        even where the file quotes per 100 (yen): ``quoted_value / quoted_per``. KRW
        returns 1.0 with ``how`` ``"identity"`` and ``verified`` true (a definition,
        not data).

    Raises:
        KpolicyError: an unknown currency (the one-line message lists the valid codes) or
            a year that is not a whole number.
    """
    rates = _fx()
    code = currency.strip().upper() if isinstance(currency, str) else currency
    if code == REPORTING_CURRENCY:
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise KpolicyError(f"year must be a whole year or None, not {year!r}")
        return {
            "krw_per_unit": 1.0,
            "year_used": year,
            "year_requested": year,
            "how": "identity",
            "source": "KRW is the reporting currency",
            "url": "",
            "verified": True,
            "quoted_per": 1,
            "quoted_value": 1.0,
        }
    if code not in rates:
        valid = ", ".join(sorted([REPORTING_CURRENCY, *rates]))
        raise KpolicyError(f"unknown currency {currency!r}; valid: {valid}")
    spec = rates[code]
    entries = {e["year"]: e for e in spec["entries"]}
    used, how = _pick_year(sorted(entries), year)
    e = entries[used]
    return {"krw_per_unit": float(e["value"]) / spec["quoted_per"], **_chosen(e, used, year, how),
            "quoted_per": spec["quoted_per"], "quoted_value": float(e["value"])}
