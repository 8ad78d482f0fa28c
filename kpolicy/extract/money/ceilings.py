"""Reference magnitudes for plausibility checks, from ``kpolicy/data/money_scales.yaml``
(each value there carries its source and whether it was verified)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import yaml

from kpolicy import paths
from kpolicy.extract.money.explain import format_money



@dataclass(frozen=True, eq=False)
class ProgrammeCeiling:
    """The most one figure tied to a programme of one type can be (``programmes`` in the YAML)."""

    name: str
    label: str  # "the whole Smart Challenge programme (스마트챌린지) for a year"
    cues: re.Pattern[str]  # words that tie a sentence to the programme
    high_krw: float
    confidence: str


@dataclass(frozen=True, eq=False)
class MoneyScales:
    """Ceilings (won) from ``kpolicy/data/money_scales.yaml``; see that file for sources."""

    national_budget_krw: float
    national_budget_year: int
    gdp_krw: float
    world_gdp_krw: float
    regional_budget_krw: dict[str, float]
    municipal_budget_krw: float
    single_local_project_krw: float
    programmes: tuple[ProgrammeCeiling, ...] = field(default=())

    @property
    def regional_budget_max_krw(self) -> float:
        return max(self.regional_budget_krw.values())


@functools.lru_cache(maxsize=1)
def load_scales() -> MoneyScales:
    """Load the reference magnitudes (cached): budget figures verified, the rest recalled.

    See ``kpolicy/data/money_scales.yaml``: the national budgets carry
    ``confidence: verified`` with the page they were read in; GDP and the regional and
    municipal ranges are ``approximate`` (recalled, unverified) ceilings; the programme-type
    ceilings (``programmes``) are judgements above a cited figure (verified where marked).
    """
    with open(paths.DATA_DIR / "money_scales.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    latest = max(data["national_budget"]["entries"], key=lambda e: e["year"])
    return MoneyScales(
        national_budget_krw=float(max(e["value_krw"] for e in data["national_budget"]["entries"])),
        national_budget_year=int(latest["year"]),
        gdp_krw=float(data["economy"]["korea_gdp"]["value_krw"]),
        world_gdp_krw=float(data["economy"]["world_gdp"]["value_krw"]),
        regional_budget_krw={k: float(v["high_krw"]) for k, v in data["regional_budget"]["entries"].items()},
        municipal_budget_krw=float(data["municipal_budget"]["high_krw"]),
        single_local_project_krw=float(data["single_local_project"]["high_krw"]),
        programmes=tuple(
            ProgrammeCeiling(name, e["label"], re.compile(e["cues"], re.I), float(e["high_krw"]), e["confidence"])
            for name, e in (data.get("programmes") or {}).items()
        ),
    )


def _entity_ceiling(level: str | None, regions: tuple[str, ...], scales: MoneyScales) -> tuple[float, str] | None:
    """Annual budget of the actor a document speaks for (won), with a label."""
    if level == "national":
        return scales.national_budget_krw, (
            f"Korea's whole annual government budget ({format_money(scales.national_budget_krw)} "
            f"in {scales.national_budget_year})")
    if level in ("metropolitan", "provincial"):
        known = [(scales.regional_budget_krw[r], r) for r in regions if r in scales.regional_budget_krw]
        if known:
            value, name = max(known)
            return value, f"{name}'s whole annual budget (at most about {format_money(value)})"
        return scales.regional_budget_max_krw, (
            f"the largest regional government's annual budget (about {format_money(scales.regional_budget_max_krw)})")
    if level == "municipal":
        return scales.municipal_budget_krw, (
            f"the largest city or county annual budget (about {format_money(scales.municipal_budget_krw)})")
    return None


@functools.lru_cache(maxsize=64)
def _hard_ceiling(role: str, scales: MoneyScales) -> tuple[float, str]:
    """The most any amount with this role can be, whoever the actor (won, label)."""
    if role == "market":
        return scales.world_gdp_krw, f"world GDP (about {format_money(scales.world_gdp_krw)})"
    if role in ("budget", "national_funds", "local_funds"):
        return scales.national_budget_krw, (
            f"Korea's whole annual government budget ({format_money(scales.national_budget_krw)} "
            f"in {scales.national_budget_year})")
    return scales.gdp_krw, f"Korea's GDP (about {format_money(scales.gdp_krw)})"
