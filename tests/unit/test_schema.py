"""The schema registry and the data dictionary it generates."""

from __future__ import annotations

import polars as pl
import pytest

from kpolicy import schema
from kpolicy.errors import SchemaError
from kpolicy.paths import ROOT


def test_docs_schema_md_is_current() -> None:
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == schema.data_dictionary(), (
        "docs/schema.md is out of date: run `kpolicy schema --out docs/schema.md`"
    )


def test_every_table_names_follow_conventions() -> None:
    for table in schema.all_tables().values():
        names = table.names
        assert len(set(names)) == len(names), table.name
        assert all(n == n.lower() and " " not in n for n in names), table.name
        for c in table.columns:
            assert c.description, f"{table.name}.{c.name} has no description"
            if c.dtype == pl.Boolean:
                assert c.name.startswith(("is_", "has_")), f"{table.name}.{c.name}"
        assert set(table.key) <= set(names)


def test_fact_tables_carry_provenance() -> None:
    from kpolicy.facts import DOCUMENT_KINDS, available_kinds

    for kind in available_kinds():
        names = schema.get(kind).names
        if kind in DOCUMENT_KINDS:  # about whole documents (stories, near-duplicates): doc_id first, no spans
            assert names[0] == "doc_id" and "char_start" not in names, kind
            continue
        assert names[: len(schema.PROVENANCE_COLUMNS)] == list(schema.PROVENANCE_COLUMNS), kind


def test_validate_catches_wrong_dtype_and_missing_column() -> None:
    rejects = schema.get("rejects")
    good = pl.DataFrame({"path": ["a.txt"], "reason": ["empty"], "detail": ["The file is empty."]})
    schema.conform(good, rejects)
    with pytest.raises(SchemaError, match="missing columns"):
        schema.validate(good.drop("detail"), rejects)
    with pytest.raises(SchemaError, match="dtype"):
        schema.validate(good, rejects)  # reason is String, not the Enum
    with pytest.raises(pl.exceptions.InvalidOperationError):
        schema.conform(good.with_columns(pl.lit("typo").alias("reason")), rejects)
