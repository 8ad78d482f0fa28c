"""Reference data: load, validate and match the curated YAML files in ``kpolicy/data``.

The files are curated data, not code (OWID's mapping files, PUDL's encoders). The
figures in ``regions.yaml`` (population, GRDP) are recalled and unverified; per-capita
population with provenance per value is ``population.yaml``, read by
:mod:`kpolicy.reference`. The files:

- ``regions.yaml``: the 17 first-level divisions plus ``National``, with codes, types,
  population, GRDP and English/Korean aliases;
- ``municipalities.yaml``: every autonomous si/gun/gu (226 on 2025-12-31), with code,
  Korean and romanised names, kind and region, from the official code list;
- ``places.yaml``: other sub-places (innovation sites, complexes, new towns, venues,
  universities), each mapped to its region;
- ``macro_regions.yaml``: groupings (Yeongnam, Honam, capital area, ...) and members;
- ``themes.yaml``: the two-level themes codebook;
- ``actors.yaml``: organisations (with region where they have one) and official titles.

Every file states ``source`` and ``as_of``. :func:`problems` lists everything wrong
with the data (unknown regions, an alias claimed by two entries, missing sources), and
the tests require it to be empty. :func:`unused_entries` lists entries a corpus never
matched, so that dead mappings show up in review.

Matching (:class:`Matcher`) is shared by the extractors. English terms match
case-insensitively on word boundaries (terms written in capitals, such as ``AI`` or
``GIST``, match case-sensitively, so "gist" and "MAIL" do not match); spaces and hyphens
inside a term are interchangeable and optional (all present or all absent: "Gyeonggi-do",
"Gyeonggi do", "Gyeonggido"). Korean terms must not follow a Hangul
syllable (so 비수도권 never yields 수도권) and may be followed by particles; a term with
``not_followed_by`` refuses those continuations (부산 but not 부산물). Where matches
overlap, the longest wins.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

import polars as pl
import yaml

from kpolicy import paths, schema
from kpolicy.errors import KpolicyError

#: Reference files and what they hold.
FILES: dict[str, str] = {
    "regions": "regions.yaml",
    "places": "places.yaml",
    "municipalities": "municipalities.yaml",
    "macro_regions": "macro_regions.yaml",
    "themes": "themes.yaml",
    "actors": "actors.yaml",
}
#: Place kinds that are local governments (their mention can be the acting body).
MUNICIPAL_KINDS: frozenset[str] = frozenset({"city", "county", "district"})
PLACE_KINDS: frozenset[str] = MUNICIPAL_KINDS | {"town", "complex", "venue", "university", "island"}
#: Unit types of municipalities.yaml and the place kind each one is.
UNIT_KINDS: dict[str, str] = {"si": "city", "gun": "county", "gu": "district"}
#: Short Korean names of the regions, used to qualify shared municipal names ("부산 중구").
REGION_SHORT_KO: dict[str, str] = {
    "Seoul": "서울", "Busan": "부산", "Daegu": "대구", "Incheon": "인천", "Gwangju": "광주",
    "Daejeon": "대전", "Ulsan": "울산", "Sejong": "세종", "Gyeonggi": "경기", "Gangwon": "강원",
    "Chungbuk": "충북", "Chungnam": "충남", "Jeonbuk": "전북", "Jeonnam": "전남",
    "Gyeongbuk": "경북", "Gyeongnam": "경남", "Jeju": "제주",
}

_HANGUL = "가-힣"
_SEP_CHARS = " -‐–"  # inside a term, any of these is an optional separator
_SEP_RE = r"[\s\-‐–]{1,3}"
_KEY_DROP = re.compile(r"[\s\-‐–'’.·]+")
_SEP_MARK = "\x00"
# The non-ASCII characters that case-insensitive matching equates with ASCII letters
# (dotted and dotless i, long s, Kelvin sign): Python's re.IGNORECASE matches "[A-Za-z]"
# to exactly these four besides the ASCII letters.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
# Of those, the ones str.lower() does not turn into their ASCII letter (the Kelvin sign
# lower-cases to "k"): text holding one is matched with re.IGNORECASE instead.
_FOLD_SPECIALS = re.compile("[\u0130\u0131\u017f]")
_END = "\x01"


def alias_key(text: str) -> str:
    """Normalised comparison key of an alias: lower case, no spaces/hyphens/apostrophes.

    Two aliases with the same key are the same alias ("Gyeonggi-do" == "gyeonggi do").
    """
    return _KEY_DROP.sub("", text).lower()


#: How far the context windows of the extractors reach around a match. Every cue pattern
#: is far shorter; a bounded window keeps long lines linear (slicing ``text[:start]`` per
#: match copied the rest of the line each time).
CONTEXT_CHARS = 300


def left_context(text: str, pos: int, width: int = CONTEXT_CHARS) -> str:
    """Up to ``width`` characters before ``pos``; NUL-prefixed when the window is cut, so
    that ``^`` (sentence start) cannot match at the cut."""
    if pos <= width:
        return text[:pos]
    return "\x00" + text[pos - width : pos]


def right_context(text: str, pos: int, width: int = CONTEXT_CHARS) -> str:
    """Up to ``width`` characters after ``pos``."""
    return text[pos : pos + width]


class CaseFolded:
    """A case-insensitive pattern for yes/no searches, run case-sensitively on the
    lower-cased text, where its literals compare directly (about twice as fast as
    ``re.IGNORECASE``, which folds every literal of an alternation at every try).

    The answers are those of ``re.compile(pattern, flags | re.IGNORECASE).search``:
    ``str.lower`` keeps every offset and every character's ``\\w``/``\\d``/``\\s``
    class (checked over all code points), and it maps a character onto an ASCII letter
    exactly when IGNORECASE equates the two, except for "ı", "ſ" and "İ": text holding
    one of those is searched with IGNORECASE. Hence the pattern's letters must be ASCII
    lower case (escapes aside), and it must not switch case-sensitivity back on.
    Match objects come from the lower-cased text: use their positions, not their groups.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        # Outside escapes: no upper-case letter, no non-ASCII letter with a case.
        odd = [c for c in re.sub(r"\\.", "", pattern) if c.lower() != c or (not c.isascii() and c.upper() != c)]
        if odd or "(?-" in pattern:
            raise ValueError(f"CaseFolded needs a lower-case ASCII pattern: {pattern[:60]!r}")
        self.pattern = pattern
        self.exact = re.compile(pattern, flags | re.IGNORECASE)
        self._folded = re.compile(pattern, flags & ~re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        low = text.lower()
        if len(low) != len(text) or "\u0131" in low or "\u017f" in low:
            return self.exact.search(text)
        return self._folded.search(low)

    def sub(self, repl: str, text: str) -> str:
        return self.exact.sub(repl, text)


def is_korean(text: str) -> bool:
    """True when ``text`` contains a Hangul syllable."""
    return re.search(f"[{_HANGUL}]", text) is not None


# Loading ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """Parse one reference file (cached). ``name`` is a key of :data:`FILES`."""
    try:
        path = paths.DATA_DIR / FILES[name]
    except KeyError:
        raise KpolicyError(f"unknown reference file {name!r}; valid: {', '.join(FILES)}") from None
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise KpolicyError(f"{path}: expected a mapping at top level")
    return data


@dataclass(frozen=True)
class Entry:
    """One reference entry that aliases resolve to.

    Attributes:
        file: the reference file (a key of :data:`FILES`).
        kind: ``region``, ``national``, ``place``, ``macro``, ``theme``, ``org`` or ``title``.
        name: canonical name (region name, place name, theme minor, org acronym, ...).
        regions: canonical regions the entry stands for (empty for themes and titles).
        attrs: the entry's other fields as written in the file.
    """

    file: str
    kind: str
    name: str
    regions: tuple[str, ...] = ()
    attrs: tuple[tuple[str, Any], ...] = field(default=(), compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self._attr_map.get(key, default)

    @functools.cached_property
    def _attr_map(self) -> dict[str, Any]:
        # Built once per entry: extractors ask an entry's fields for every mention.
        return dict(self.attrs)


@dataclass(frozen=True)
class Term:
    """One alias as written in a reference file, bound to its entry."""

    text: str
    entry: Entry
    not_followed_by: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return alias_key(self.text)

    @property
    def lang(self) -> str:
        return "ko" if is_korean(self.text) else "en"


def _freeze(d: dict[str, Any], drop: Iterable[str]) -> tuple[tuple[str, Any], ...]:
    def fz(v: Any) -> Any:
        if isinstance(v, list):
            return tuple(fz(x) for x in v)
        if isinstance(v, dict):
            return tuple(sorted((k, fz(x)) for k, x in v.items()))
        return v

    return tuple((k, fz(v)) for k, v in d.items() if k not in set(drop))


def _terms(entry: Entry, raw: dict[str, Any], suffixes: Iterable[str] = ()) -> list[Term]:
    """Terms of one entry: English and Korean aliases, plus suffixed English forms."""
    out: list[Term] = []
    for item in raw.get("aliases_en") or []:
        out.append(Term(str(item), entry))
    # Suffixes extend only one-word base names ("Busan" -> "Busan Metropolitan
    # Government"), never multi-word aliases ("Busan New Port") or acronyms.
    bases = [str(a) for a in raw.get("aliases_en") or [] if not re.search(r"[\s\-]", str(a)) and not str(a).isupper()]
    for suffix in suffixes:
        joiner = "" if suffix.startswith("-") else " "
        out += [Term(f"{base}{joiner}{suffix}", entry) for base in bases]
    for item in raw.get("aliases_ko") or []:
        if isinstance(item, dict):
            out.append(Term(str(item["term"]), entry, tuple(item.get("not_followed_by") or ())))
        else:
            out.append(Term(str(item), entry))
    # The same alias twice within one entry is harmless (a listed form that a suffix
    # also generates); keep the first. Forms that differ only in separators are both
    # kept: the matcher makes a separator optional only where the written form has one,
    # so "판교 테크노밸리" must stay beside "판교테크노밸리" to match with its space.
    seen: set[str] = set()
    uniq = []
    for t in out:
        if t.text not in seen:
            seen.add(t.text)
            uniq.append(t)
    return uniq


@functools.lru_cache(maxsize=None)
def region_terms() -> tuple[Term, ...]:
    """Aliases of the 17 regions and of National (central government)."""
    data = load("regions")
    suffixes = data.get("suffixes_en") or {}
    out: list[Term] = []
    for raw in data["regions"]:
        kind = "national" if raw["name"] == "National" else "region"
        entry = Entry("regions", kind, raw["name"], (raw["name"],), _freeze(raw, ("aliases_en", "aliases_ko", "weak_aliases_en", "weak_aliases_ko")))
        out += _terms(entry, raw, suffixes.get(raw.get("type"), ()))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def weak_national_terms() -> tuple[Term, ...]:
    """Weak National aliases ("Korea", 한국): evidence only as the subject of a clause."""
    out: list[Term] = []
    for raw in load("regions")["regions"]:
        if raw.get("weak_aliases_en") or raw.get("weak_aliases_ko"):
            entry = Entry("regions", "national_weak", raw["name"], (raw["name"],))
            out += _terms(entry, {"aliases_en": raw.get("weak_aliases_en"), "aliases_ko": raw.get("weak_aliases_ko")})
    return tuple(out)


@functools.lru_cache(maxsize=None)
def place_terms() -> tuple[Term, ...]:
    """Aliases of sub-places: the municipalities (:func:`municipality_terms`) and the
    other places of ``places.yaml`` (innovation sites, complexes, venues, ...)."""
    data = load("places")
    suffixes = data.get("suffixes_en") or {}
    out: list[Term] = list(municipality_terms())
    for raw in data["places"]:
        entry = Entry("places", "place", raw["name"], (raw["region"],), _freeze(raw, ("aliases_en", "aliases_ko")))
        out += _terms(entry, raw, suffixes.get(raw.get("kind"), ()))
    return tuple(out)


def _region_ko_forms(region: str) -> list[str]:
    """Korean forms of a region that qualify a shared municipal name: 부산, 부산시,
    부산광역시 / 강원, 강원도, 강원특별자치도."""
    short = REGION_SHORT_KO[region]
    raw = next(r for r in load("regions")["regions"] if r["name"] == region)
    level = raw.get("level")
    forms = [short, short + ("시" if level == "metropolitan" else "도"), raw.get("name_ko") or short]
    return list(dict.fromkeys(forms))


def municipality_records() -> list[dict[str, Any]]:
    """The entries of ``municipalities.yaml`` as flat records, each with its ``region``,
    entry ``name``, place ``kind`` (city/county/district), ``unit`` (si/gun/gu) and the
    generated ``aliases_en``/``aliases_ko``.

    Alias rules (documented in the file): the official Korean name (구미시) and, where
    ``bare_ko`` is given, the bare name (구미); the romanised name (Gumi) unless
    ``en_bare`` is false, plus the suffixed forms of ``places.yaml`` (Gumi City, Gumi-si);
    a name shared by units of several regions (``ambiguous``) only qualified by its
    region: 부산 중구, 부산시 중구, 부산광역시 중구, Busan Jung-gu, Jung-gu, Busan, Jung
    District, Busan.
    """
    return list(_municipality_records())


@functools.lru_cache(maxsize=None)
def _municipality_records() -> tuple[dict[str, Any], ...]:
    data = load("municipalities")
    suffixes = load("places").get("suffixes_en") or {}
    word = {"si": "City", "gun": "County", "gu": "District"}
    out = []
    for region, items in (data.get("municipalities") or {}).items():
        for m in items or []:
            unit = m.get("kind")
            kind = UNIT_KINDS.get(unit, unit)
            en, ko = str(m["en"]), str(m["ko"])
            ambiguous = bool(m.get("ambiguous"))
            name = m.get("name") or (f"{en}-{unit} ({region})" if ambiguous else en)
            aliases_en: list[Any] = []
            aliases_ko: list[Any] = []
            if ambiguous:
                aliases_en += [f"{region} {en}-{unit}", f"{en}-{unit}, {region}", f"{en} {word.get(unit, '')}, {region}"]
                for q in _region_ko_forms(region) if region in REGION_SHORT_KO else []:
                    aliases_ko.append(f"{q} {ko}")
                    if unit == "gun" and len(ko) > 2:  # 강원 고성 (not 고성능 "high performance")
                        aliases_ko.append({"term": f"{q} {ko[:-1]}", "not_followed_by": ["능"]})
            else:
                if m.get("en_bare", True):
                    aliases_en.append(en)
                for suffix in suffixes.get(kind, ()):
                    aliases_en.append(f"{en}{'' if suffix.startswith('-') else ' '}{suffix}")
                aliases_ko.append(ko)
                if m.get("bare_ko"):
                    aliases_ko.append(m["bare_ko"])
            aliases_en += list(m.get("aliases_en") or [])
            aliases_ko += list(m.get("aliases_ko") or [])
            rec = {k: v for k, v in m.items() if k not in ("aliases_en", "aliases_ko", "kind", "name")}
            rec.update(name=name, region=region, kind=kind, unit=unit, name_ko=ko, aliases_en=aliases_en, aliases_ko=aliases_ko)
            out.append(rec)
    return tuple(out)


def municipalities_in_force(on: str | None = None) -> list[dict[str, Any]]:
    """The municipality records in force on the ISO date ``on`` (default: the file's
    ``as_of``, the reference date of its counts); see ``valid_from``/``valid_until``."""
    day = str(on or load("municipalities")["as_of"])
    return [
        r for r in _municipality_records()
        if str(r.get("valid_from") or "0000") <= day and (not r.get("valid_until") or day <= str(r["valid_until"]))
    ]


@functools.lru_cache(maxsize=None)
def municipality_terms() -> tuple[Term, ...]:
    """Aliases of the autonomous si/gun/gu of ``municipalities.yaml`` (all of them,
    including units abolished or created since the reference date: news name both)."""
    out: list[Term] = []
    for rec in _municipality_records():
        entry = Entry("municipalities", "place", rec["name"], (rec["region"],), _freeze(rec, ("aliases_en", "aliases_ko")))
        out += _terms(entry, rec)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def macro_terms() -> tuple[Term, ...]:
    """Aliases of macro-regions; each entry's ``regions`` are its members."""
    out: list[Term] = []
    for raw in load("macro_regions")["macro_regions"]:
        entry = Entry("macro_regions", "macro", raw["name"], tuple(raw["members"]), _freeze(raw, ("aliases_en", "aliases_ko")))
        out += _terms(entry, raw)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def org_terms() -> tuple[Term, ...]:
    """Aliases of organisations in ``actors.yaml`` (region where the org has one)."""
    out: list[Term] = []
    for raw in load("actors")["organisations"]:
        regions = (raw["region"],) if raw.get("region") else ()
        entry = Entry("actors", "org", raw["org"], regions, _freeze(raw, ("aliases_en", "aliases_ko")))
        out += _terms(entry, raw)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def title_terms() -> tuple[Term, ...]:
    """Official titles in ``actors.yaml`` (Mayor, 도지사, Second Vice Minister, ...)."""
    out: list[Term] = []
    for raw in load("actors")["titles"]:
        entry = Entry("actors", "title", raw["title"], (), _freeze(raw, ("aliases_en", "aliases_ko")))
        out += _terms(entry, raw)
    return tuple(out)


@functools.lru_cache(maxsize=None)
def theme_terms() -> tuple[Term, ...]:
    """Terms of the themes codebook; entry name is the minor theme, ``major`` in attrs."""
    out: list[Term] = []
    for major in load("themes")["themes"]:
        for minor in major["minors"]:
            attrs = {"major": major["major"], "minor": minor["minor"]}
            entry = Entry("themes", "theme", minor["minor"], (), _freeze(attrs, ()))
            out += _terms(entry, {"aliases_en": minor.get("terms_en"), "aliases_ko": minor.get("terms_ko")})
    return tuple(out)


def geo_terms() -> tuple[Term, ...]:
    """Every geographic alias: regions, National, sub-places and macro-regions."""
    return region_terms() + place_terms() + macro_terms()


@functools.lru_cache(maxsize=None)
def regions_frame() -> pl.DataFrame:
    """The regions table of ``regions.yaml``: one row per canonical region.

    Columns: ``region`` (Region enum), ``code``, ``region_type``, ``level`` (Level),
    ``name_ko``, ``is_capital_area``, ``population`` (persons) with ``population_year``,
    ``grdp_krw`` (won, nominal) with ``grdp_year``.
    """
    rows = []
    for raw in load("regions")["regions"]:
        pop = raw.get("population") or {}
        grdp = raw.get("grdp") or {}
        trn = grdp.get("value_krw_trillion")
        rows.append(
            {
                "region": raw["name"],
                "code": raw.get("code"),
                "region_type": raw.get("type"),
                "level": raw.get("level"),
                "name_ko": raw.get("name_ko"),
                "is_capital_area": bool(raw.get("capital_area")),
                "population": pop.get("value"),
                "population_year": pop.get("year"),
                "grdp_krw": None if trn is None else float(trn) * 1e12,
                "grdp_year": grdp.get("year"),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "region": schema.Region,
            "code": pl.String,
            "region_type": pl.String,
            "level": schema.Level,
            "name_ko": pl.String,
            "is_capital_area": pl.Boolean,
            "population": pl.Int64,
            "population_year": pl.Int32,
            "grdp_krw": pl.Float64,
            "grdp_year": pl.Int32,
        },
    )


def region_level(region: str) -> str | None:
    """The government level of a canonical region (national/metropolitan/provincial)."""
    for raw in load("regions")["regions"]:
        if raw["name"] == region:
            return raw.get("level")
    return None


# Validation --------------------------------------------------------------------------


def problems() -> list[str]:
    """Everything wrong with the reference data, one human-readable line each.

    Checks: every file has ``source`` and ``as_of``; every region named anywhere is a
    canonical region; region codes are unique; no alias key is claimed by two different
    entries within the geographic files, the organisations or the themes; every place
    has a known kind; every theme has a major and at least one term.
    """
    out: list[str] = []
    valid = set(schema.REGION_NAMES)
    for name, fname in FILES.items():
        try:
            data = load(name)
        except FileNotFoundError:
            out.append(f"{fname}: missing")
            continue
        for k in ("source", "as_of"):
            if not data.get(k):
                out.append(f"{fname}: no {k!r}")
    regions = load("regions")["regions"]
    names = [r["name"] for r in regions]
    if sorted(names) != sorted(valid):
        out.append(f"regions.yaml: regions {sorted(set(names) ^ valid)} differ from schema.REGION_NAMES")
    codes = [r.get("code") for r in regions if r["name"] != "National"]
    if len(set(codes)) != len(codes) or None in codes:
        out.append("regions.yaml: region codes missing or not unique")
    names = [r["name"] for r in load("places")["places"]] + [r["name"] for r in _municipality_records()]
    for n in sorted({n for n in names if names.count(n) > 1}):
        out.append(f"places.yaml/municipalities.yaml: place name {n!r} is not unique")
    for rec in _municipality_records():
        if rec["region"] not in valid or rec["region"] == "National":
            out.append(f"municipalities.yaml: {rec['name']!r} has unknown region {rec['region']!r}")
        if rec.get("unit") not in UNIT_KINDS:
            out.append(f"municipalities.yaml: {rec['name']!r} has unknown kind {rec.get('unit')!r} (si/gun/gu)")
        code = rec.get("code")
        if code is not None and not re.fullmatch(r"\d{5}", str(code)):
            out.append(f"municipalities.yaml: {rec['name']!r} has a malformed code {code!r}")
        if not is_korean(rec["name_ko"]) or rec["name_ko"][-1] not in "시군구":
            out.append(f"municipalities.yaml: {rec['name']!r} has a Korean name without 시/군/구: {rec['name_ko']!r}")
    for raw in load("places")["places"]:
        if raw.get("region") not in valid:
            out.append(f"places.yaml: {raw.get('name')!r} has unknown region {raw.get('region')!r}")
        if raw.get("kind") not in PLACE_KINDS:
            out.append(f"places.yaml: {raw.get('name')!r} has unknown kind {raw.get('kind')!r}")
    for raw in load("macro_regions")["macro_regions"]:
        bad = [m for m in raw.get("members", []) if m not in valid]
        if bad or not raw.get("members"):
            out.append(f"macro_regions.yaml: {raw.get('name')!r} has bad members {bad}")
    for raw in load("actors")["organisations"]:
        if raw.get("region") is not None and raw["region"] not in valid:
            out.append(f"actors.yaml: org {raw.get('org')!r} has unknown region {raw['region']!r}")
    for group, terms in (
        ("geographic", geo_terms() + weak_national_terms() + tuple(t for t in org_terms() if t.entry.regions == ("National",))),
        ("organisations", org_terms()),
        ("titles", title_terms()),
        ("themes", theme_terms()),
    ):
        owner: dict[str, Term] = {}
        for t in terms:
            if not t.key:
                out.append(f"{t.entry.file}: empty alias in {t.entry.name!r}")
                continue
            prev = owner.get(t.key)
            if prev is not None and prev.entry != t.entry:
                out.append(
                    f"{group}: alias {t.text!r} ({t.entry.file}: {t.entry.name}) is also "
                    f"{prev.text!r} ({prev.entry.file}: {prev.entry.name})"
                )
            owner.setdefault(t.key, t)
    for major in load("themes")["themes"]:
        if not major.get("major") or not major.get("minors"):
            out.append(f"themes.yaml: a major theme without name or minors: {major.get('major')!r}")
        for minor in major.get("minors", []):
            if not (minor.get("terms_en") or minor.get("terms_ko")):
                out.append(f"themes.yaml: {major.get('major')}/{minor.get('minor')} has no terms")
    return out


def check() -> None:
    """Raise :class:`KpolicyError` listing every problem in the reference data."""
    found = problems()
    if found:
        raise KpolicyError("reference data problems:\n  " + "\n  ".join(found))


# Matching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One match: ``text[start:end] == surface`` (code points), and the term matched."""

    start: int
    end: int
    surface: str
    term: Term


def _plural_forms(text: str) -> list[str]:
    """Simple English plural variants of a term's last word (factory -> factories)."""
    if not text or not text[-1].isalpha() or is_korean(text):
        return []
    low = text.lower()
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return [text[:-1] + "ies"]
    if low.endswith(("s", "x", "z", "ch", "sh")):
        return [text + "es"]
    return [text + "s"]


class Matcher:
    """Find terms in text: longest match wins, offsets in code points.

    The terms are compiled into character tries rendered as regular expressions (one
    for case-insensitive Latin terms, one for case-sensitive all-capitals terms, one for
    terms that start with Hangul), tried at every position inside a lookahead so that
    overlapping candidates are all seen; overlaps are then resolved longest-first.

    Args:
        terms: the terms to find.
        plural: also accept simple English plurals of each term (themes: "smart
            factories"); the surface then includes the plural ending.
    """

    def __init__(self, terms: Iterable[Term], plural: bool = False) -> None:
        self.terms = tuple(terms)
        self.plural = plural
        tries: dict[str, dict] = {"ci": {}, "cs": {}, "ko": {}}
        self._lookup: dict[str, dict[str, Term]] = {"ci": {}, "cs": {}, "ko": {}}
        for term in self.terms:
            forms = [term.text] + (_plural_forms(term.text) if plural else [])
            for form in forms:
                mode = self._mode(form)
                key = alias_key(form)
                self._lookup[mode].setdefault(key, term)
                # Separators are optional: insert the written form (separators must then
                # be present) and the compact form. One trie path per variant keeps the
                # regex alternation longest-first ("디지털헬스케어" beats "디지털 헬스").
                self._insert(tries[mode], form, term.not_followed_by, mode)
                compact = re.sub(f"[{re.escape(_SEP_CHARS)}]+", "", form)
                if compact != form and compact:
                    self._insert(tries[mode], compact, term.not_followed_by, mode)
        self._tries = tries
        # Per mode, one alternative per first character of a term: that character, the
        # left-boundary test, then the rest of the trie in a lookahead group (so that
        # overlapping candidates are all seen). The alternatives open with literals, so
        # the regex engine skips straight to positions holding a possible first
        # character, where a lookbehind-first pattern was tried at every position.
        # Case-insensitive terms are matched, case-sensitively, in the lower-cased text
        # (see find).
        self._fast: dict[str, re.Pattern[str]] = {}
        for mode, trie in tries.items():
            if not trie:
                continue
            left = f"[{_HANGUL}A-Za-z0-9]" if mode == "ko" else "[A-Za-z0-9]"
            alts = []
            for ch in sorted(k for k in trie if k not in (_END, _SEP_MARK)):
                c = re.escape(ch)
                alts.append(f"{c}(?<!{left}{c})(?=({self._render(trie[ch], fold=mode == 'ci')}))")
            if alts:
                self._fast[mode] = re.compile("|".join(alts))

    @functools.cached_property
    def _regex(self) -> dict[str, re.Pattern[str] | None]:
        """The case-insensitive lookahead patterns, for text that lower-casing cannot fold
        exactly as ``re.IGNORECASE`` does (see :data:`_FOLD_SPECIALS`)."""
        out: dict[str, re.Pattern[str] | None] = {}
        for mode, trie in self._tries.items():
            if not trie:
                out[mode] = None
                continue
            left = f"(?<![{_HANGUL}A-Za-z0-9])" if mode == "ko" else "(?<![A-Za-z0-9])"
            flags = re.IGNORECASE if mode == "ci" else 0
            out[mode] = re.compile(f"{left}(?=({self._render(trie)}))", flags)
        return out

    @staticmethod
    def _mode(text: str) -> str:
        if re.match(f"[{_HANGUL}]", text):
            return "ko"
        letters = [c for c in text if c.isalpha()]
        # Acronyms (AI, GIST, MSIT) match case-sensitively: "gist" is a word.
        if len(letters) >= 2 and all(c.isupper() for c in letters) and len(text) <= 12:
            return "cs"
        return "ci"

    @staticmethod
    def _insert(trie: dict, text: str, guards: tuple[str, ...], mode: str) -> None:
        node = trie
        prev_sep = True
        for ch in text.strip():
            if ch in _SEP_CHARS:
                if prev_sep:
                    continue
                ch, prev_sep = _SEP_MARK, True
            else:
                prev_sep = False
                if mode == "ci":
                    ch = ch.lower()
            node = node.setdefault(ch, {})
        end_guards = set(node.get(_END, ()))
        end_guards.update(guards)
        if re.match(r"[A-Za-z0-9]", text.strip()[-1]):
            end_guards.add("[A-Za-z0-9]")
        node[_END] = tuple(sorted(end_guards))

    @classmethod
    def _render(cls, node: dict, fold: bool = False) -> str:
        """The trie below ``node`` as a regex; ``fold``: for lower-cased text (guards lower-cased)."""
        alts = []
        for ch in sorted(k for k in node if k != _END):
            piece = _SEP_RE if ch == _SEP_MARK else re.escape(ch)
            alts.append(piece + cls._render(node[ch], fold))
        if _END in node:
            guards = node[_END]
            alts.append(
                f"(?!{'|'.join(g if g.startswith('[') else re.escape(g.lower() if fold else g) for g in guards)})"
                if guards else ""
            )
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    def find(self, text: str) -> list[Hit]:
        """All non-overlapping matches in ``text``, in order of position."""
        cands: list[Hit] = []
        for mode, rx in self._fast.items():
            if mode == "ci":
                if _FOLD_SPECIALS.search(text):
                    spans = [(m.start(1), m.end(1)) for m in self._regex[mode].finditer(text)]
                else:
                    # Lower-casing keeps every offset (only U+0130 lower-cases to two
                    # characters, and it is a special) and folds exactly as IGNORECASE.
                    spans = [(m.start(), m.end(m.lastindex)) for m in rx.finditer(text.lower())]
            else:
                spans = [(m.start(), m.end(m.lastindex)) for m in rx.finditer(text)]
            for start, end in spans:
                surface = text[start:end]
                if not surface:
                    continue
                # A separator run may trail an optional part; never end on whitespace.
                surface = surface.rstrip(_SEP_CHARS + "\t\n")
                term = self._lookup[mode].get(alias_key(surface))
                if term is None or not surface:
                    continue
                cands.append(Hit(start, start + len(surface), surface, term))
        if len(cands) <= 1:
            return cands
        cands.sort(key=lambda h: (-(h.end - h.start), h.start))
        # Longest first; a candidate is taken when none of its characters is already
        # covered. An occupancy map keeps this linear: comparing each candidate with
        # every taken hit was quadratic on long lines full of aliases (a 1 MB line of
        # "Busan " has ~170,000 hits).
        occupied = bytearray(len(text))
        taken: list[Hit] = []
        for h in cands:
            if occupied.find(1, h.start, h.end) == -1:
                occupied[h.start : h.end] = b"\x01" * (h.end - h.start)
                taken.append(h)
        return sorted(taken, key=lambda h: h.start)

    def prefilter(self, column: str = "text", complete: bool = False) -> pl.Expr:
        """A cheap Polars filter: rows that may contain a term (superset of matches).

        Args:
            column: the text column.
            complete: also keep every row that :meth:`find` can match only through
                Unicode case folding (the case-insensitive terms also match "ı", "ſ", "İ"
                and the Kelvin sign) or through a plural form, so that no row with a
                match is ever dropped. The default filter is the one the extractors have
                always applied.
        """
        heads = set()
        for term in self.terms:
            forms = [term.text] + (_plural_forms(term.text) if complete and self.plural else [])
            for form in forms:
                words = [w for w in re.split(f"[{re.escape(_SEP_CHARS)}]", form.strip()) if w]
                # Any match contains each word of its term; pick one long enough to filter.
                word = next((w for w in words if len(w) >= (2 if is_korean(w) else 3)), words[0] if words else "")
                heads.add(word[:2].lower() if is_korean(word) else word[:4].lower())
        heads.discard("")
        if complete and "ci" in self._tries and self._tries["ci"]:
            heads.update(_FOLDS_TO_ASCII)
        return pl.col(column).str.contains_any(sorted(heads), ascii_case_insensitive=True)


@functools.lru_cache(maxsize=None)
def geo_matcher() -> Matcher:
    """Matcher over :func:`geo_terms`, national organisations (ministries, ...) and the
    weak National aliases (:func:`weak_national_terms`)."""
    national_orgs = tuple(t for t in org_terms() if t.entry.regions == ("National",))
    return Matcher(geo_terms() + national_orgs + weak_national_terms())


# Surface forms -> entities ------------------------------------------------------------

# What may follow a place name inside one token: an English possessive or Korean
# particles/endings (구미시는, 광주에서, 부산시의, 서울시청으로부터).
_TOKEN_REST = re.compile(r"(?:['’]s?|[가-힣]{1,5})")


def claimable(term: Term, place: Entry) -> bool:
    """Whether ``place`` (with ``claims_bare_aliases_of``) may claim a mention of ``term``."""
    allowed = place.get("claimable_aliases")
    return allowed is None or term.key in {alias_key(str(a)) for a in allowed}


def claimants(context: str) -> dict[str, Entry]:
    """Places that ``context`` names with their qualifier and that claim the bare aliases
    of a region (``claims_bare_aliases_of``): region name -> place entry. A document that
    names 경기 광주시 once maps region Gwangju -> Gwangju (Gyeonggi)."""
    out: dict[str, Entry] = {}
    for h in geo_matcher().find(context):
        claimed = h.term.entry.get("claims_bare_aliases_of") if h.term.entry.kind == "place" else None
        if claimed:
            out.setdefault(claimed, h.term.entry)
    return out


def resolve(surface: str, context: str | None = None) -> Entry | None:
    """The canonical geographic entity a surface form names, or None.

    ``surface`` is one token or phrase as it appears in text: a region, municipality,
    innovation site, macro-region or national alias, optionally followed by Korean
    particles or an English possessive (구미시는 -> Gumi, 광주에서 / 광주시 / 광주광역시 /
    Gwangju's -> region Gwangju). Every alias of one entry resolves to that same
    :class:`Entry` (compare entries, or their ``(kind, name)``); ``entry.regions`` gives
    the region(s) it stands for. ``entry.kind`` says what it is: ``region``,
    ``national``, ``national_weak`` (한국, Korea), ``place`` (``entry.get("kind")``: city,
    county, district, complex, ...), ``macro`` or ``org`` (national organisations).

    Gwangju rule: 광주, 광주시 and Gwangju are Gwangju Metropolitan City, unless
    ``context`` (the document text) names Gyeonggi's Gwangju-si with its qualifier (경기
    광주시, "Gwangju, Gyeonggi"); then those bare forms are that city. 광주광역시 and
    "Gwangju Metropolitan City" are never reassigned (``claimable_aliases`` in
    municipalities.yaml). Sentence-level list context (광주시·하남시) is applied by
    :mod:`kpolicy.extract.places`, which sees the neighbouring names.

    A surface that only contains a name (부산물 "by-product", 구미 각국 "Western
    countries", 세종대왕) resolves to None.
    """
    text = surface.strip()
    if not text:
        return None
    hits = geo_matcher().find(text)
    if not hits or hits[0].start != 0:
        return None
    hit = hits[0]
    rest = text[hit.end :]
    if rest and not _TOKEN_REST.fullmatch(rest):
        return None
    entry = hit.term.entry
    if context and entry.kind == "region":
        place = claimants(context).get(entry.name)
        if place is not None and claimable(hit.term, place):
            return place
    return entry


def canonical_place(surface: str, context: str | None = None) -> str | None:
    """``resolve(surface, context).name`` (a region, place, macro-region or national
    organisation name), or None when the surface names no place."""
    entry = resolve(surface, context)
    return None if entry is None else entry.name


# Coverage ---------------------------------------------------------------------------


def unused_entries(sentences: pl.DataFrame, files: Iterable[str] = ("places", "macro_regions", "themes", "actors")) -> pl.DataFrame:
    """Reference entries that no sentence of a corpus matches.

    Args:
        sentences: a sentences table (``text`` column).
        files: which reference files to audit (keys of :data:`FILES`); ``places``
            covers the municipalities too.

    Returns:
        Columns ``file``, ``kind``, ``entry``: one row per never-matched entry, sorted.
        Long lists are expected on small corpora; the report is for review, not failure.
    """
    groups = {
        "regions": region_terms(),
        "places": place_terms(),
        "municipalities": municipality_terms(),
        "macro_regions": macro_terms(),
        "themes": theme_terms(),
        "actors": org_terms() + title_terms(),
    }
    rows = []
    texts = sentences["text"].to_list() if sentences.height else []
    for fname in files:
        terms = groups[fname]
        matcher = Matcher(terms, plural=(fname == "themes"))
        used = {h.term.entry for t in texts for h in matcher.find(t)}
        for entry in dict.fromkeys(t.entry for t in terms):
            if entry not in used:
                rows.append({"file": fname, "kind": entry.kind, "entry": entry.name})
    return pl.DataFrame(rows, schema={"file": pl.String, "kind": pl.String, "entry": pl.String}).sort(
        "file", "kind", "entry"
    )
