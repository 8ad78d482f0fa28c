"""The reference YAML files parse into what they mean (no silently split names)."""

from __future__ import annotations

import polars as pl
import yaml

from kpolicy.extract import actors
from kpolicy.paths import ROOT

from helpers import sentences

DATA = ROOT / "kpolicy" / "data"


def test_no_flow_mapping_key_is_a_fragment_of_a_name() -> None:
    # An unquoted comma inside a YAML flow mapping starts a new key with no value.
    for path in sorted(DATA.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                assert all(v is not None for v in node.values()), (path.name, node)
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def test_ministry_names_with_commas_are_whole_aliases() -> None:
    lines = [
        "The Ministry of Trade, Industry and Energy and the Ministry of Culture, Sports and Tourism signed an accord.",
        "The Ministry of Land, Infrastructure and Transport will fund the tram line.",
        "The Ministry of Agriculture, Food and Rural Affairs backs smart farms.",
    ]
    out = actors.extract_actors(sentences(lines)).filter(pl.col("actor_type") == "organisation")
    assert out.select("surface", "org").rows() == [
        ("Ministry of Trade, Industry and Energy", "MOTIE"),
        ("Ministry of Culture, Sports and Tourism", "MCST"),
        ("Ministry of Land, Infrastructure and Transport", "MOLIT"),
        ("Ministry of Agriculture, Food and Rural Affairs", "MAFRA"),
    ]
