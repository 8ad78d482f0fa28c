"""Notebook parameter validation: clear errors that list valid values."""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy import params, schema
from kpolicy.errors import KpolicyError

DOCS = pl.DataFrame({"doc_id": ["a", "b"], "regions": [["Busan"], ["Gyeonggi", "National"]]},
                    schema_overrides={"regions": pl.List(schema.Region)})


@pytest.mark.parametrize(("alias", "canonical"), [("Busan", "Busan"), ("busan metropolitan city", "Busan"), ("Gyeonggi-do", "Gyeonggi"), ("경기도", "Gyeonggi"), ("North Chungcheong", "Chungbuk")])
def test_canonical_region(alias: str, canonical: str) -> None:
    assert params.canonical_region(alias) == canonical


def test_unknown_region_lists_valid_names() -> None:
    with pytest.raises(KpolicyError, match=r"unknown region 'Atlantis'; valid: National, Seoul, Busan"):
        params.canonical_region("Atlantis")


def test_region_without_documents() -> None:
    with pytest.raises(KpolicyError, match="no document in this corpus is about Jeju; regions in the corpus: National, Busan, Gyeonggi"):
        params.validate_region("Jeju", DOCS)


def test_validate_compare_drops_absent_regions_with_a_note() -> None:
    p = params.validate_compare(DOCS, regions=["Busan", "Gyeonggi-do", "Jeju"], themes=["ai"], currency="USD", krw_per_usd=1350)
    assert p.regions == ["Busan", "Gyeonggi"] and p.missing == ["Jeju"] and p.krw_per_usd == 1350.0
    assert p.notes == ["No document in this corpus is about Jeju: left out of the comparison."]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"regions": "Busan"}, "regions must be a list"),
        ({"regions": ["Busan", "Jeju"]}, "need at least two regions with documents"),
        ({"regions": ["Busan", "Gyeonggi"], "themes": ["ai", "blockchain"]}, "unknown theme 'blockchain'; valid: ai, data"),
        ({"regions": ["Busan", "Gyeonggi"], "amount_basis": "raw"}, "unknown amount_basis 'raw'; valid: literal, adjusted"),
        ({"regions": ["Busan", "Gyeonggi"], "currency": "EUR"}, "unknown currency 'EUR'; valid: KRW, USD"),
        ({"regions": ["Busan", "Gyeonggi"], "currency": "USD"}, "currency 'USD' needs krw_per_usd"),
        ({"regions": ["Busan", "Gyeonggi"], "krw_per_usd": -3}, "krw_per_usd must be a positive number"),
        ({"regions": ["Busan", "Gyeonggi"], "reference": "others"}, "unknown reference 'others'; valid: rest, corpus"),
    ],
)
def test_validate_compare_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(KpolicyError, match=message):
        params.validate_compare(DOCS, **kwargs)
