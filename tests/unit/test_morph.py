"""Content tokens (kpolicy.morph): Korean by Kiwi, English lemmatised, one count for both."""

from __future__ import annotations

import polars as pl

from kpolicy import morph, schema
from kpolicy.extract import themes


def lemmas(text: str) -> list[str]:
    return [t.lemma for t in morph.content_tokens(text)]


def test_korean_nouns_and_verb_stems_not_eojeol() -> None:
    # Written for this test. By hand: 광주시 (proper noun), 로봇, 공장 (nouns), 짓다 (the
    # verb 짓는다 as its dictionary form); particles 는/을 and the ending are not content.
    assert lemmas("광주시는 로봇 공장을 짓는다.") == ["광주시", "로봇", "공장", "짓다"]
    # Numbers, numerals, bound units (억, 원) and 하다 are not content: 항만, 로봇, 투자 remain.
    assert lemmas("부산시는 항만 로봇에 50억 원을 투자한다.") == ["부산시", "항만", "로봇", "투자"]


def test_token_spans_index_the_text() -> None:
    text = "대구는 AI 학교를 짓는다."
    for t in morph.content_tokens(text):
        if t.pos != "VV":
            assert text[t.start : t.end].lower() == t.lemma
    assert lemmas(text) == ["대구", "ai", "학교", "짓다"]


def test_english_lemmas_without_stop_words_numbers_or_units() -> None:
    assert lemmas("Daegu builds robot factories and drone schools.") == ["daegu", "build", "robot", "factory", "drone", "school"]
    assert lemmas("The city will invest KRW 5 billion in 20 harbours.") == ["invest", "harbour"]


def test_parallel_sentences_give_equal_theme_rates() -> None:
    # The same sentence in English and Korean: six content tokens and two theme
    # mentions (robot, drone) each, so 2 * 1000 / 6 per 1,000 tokens in both.
    en, ko = "Daegu builds robot factories and drone schools.", "대구는 로봇 공장과 드론 학교를 짓는다."
    sents = pl.DataFrame({"doc_id": ["en", "ko"], "sentence_idx": [0, 0], "text": [en, ko], "char_start": [0, 0]},
                         schema_overrides={"sentence_idx": pl.UInt32})
    docs = pl.DataFrame({"doc_id": ["en", "ko"], "text": [en, ko], "regions": [["Daegu"], ["Daegu"]]},
                        schema_overrides={"regions": pl.List(schema.Region)})
    shares = themes.theme_shares(themes.extract_themes(sents), docs, by="doc_id")
    rows = shares.select("doc_id", pl.col("theme_major").cast(pl.String), "n_tokens", "per_1000_tokens").rows()
    assert rows == [(d, t, 6, 1000 / 6) for d in ("en", "ko") for t in ("robotics", "drones_mobility")] or sorted(rows) == sorted(
        (d, t, 6, 1000 / 6) for d in ("en", "ko") for t in ("robotics", "drones_mobility"))


def test_tokens_frame_offsets_are_document_offsets() -> None:
    sents = pl.DataFrame({"doc_id": ["a", "a"], "sentence_idx": [0, 1], "text": ["Robots work.", "드론이 난다."], "char_start": [0, 13]},
                         schema_overrides={"sentence_idx": pl.UInt32})
    out = morph.tokens_frame(sents)
    assert out.select("lemma", "char_start", "char_end").rows() == [("robot", 0, 6), ("work", 7, 11), ("드론", 13, 15), ("날다", 17, 18)]
