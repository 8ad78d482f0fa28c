"""Stories (kpolicy.stories) and cross-document commitments in the ledger.

The texts are written for these tests; expected groupings and totals are worked out by
hand from them (comments give the arithmetic).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

import kpolicy
from kpolicy import ledger, stories

BODY = (
    "Daejeon City said on the 3rd that it will build an AI semiconductor test centre in Yuseong-gu.\n"
    "The centre will cost a total of 45.6 billion won, with 30 billion won in national funds and 15.6 billion won in city funds.\n"
    "Construction begins next year and the centre opens to chip start-ups in 2027.\n"
    "The city expects 120 companies to use the centre every year.\n"
    "Mayor Kim said the centre would anchor the city's chip design cluster.\n"
)


def corpus_of(tmp_path: Path, docs: dict[str, dict]) -> kpolicy.Corpus:
    lines = []
    for doc_id, d in docs.items():
        (tmp_path / f"{doc_id}.txt").write_text(d["text"], encoding="utf-8")
        lines += [f"{doc_id}:", f"  published_date: {d['date']}", f"  language: {d['lang']}", f"  level: {d.get('level', 'metropolitan')}",
                  f"  regions: [{d['region']}]", f"  publisher: {d['publisher']}"]
    (tmp_path / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return kpolicy.load_corpus(tmp_path)


def test_shingles_of_english_and_korean() -> None:
    assert stories.shingles("one two three four five six") == {"one two three four five", "two three four five six"}
    assert stories.shingles("대전시 인공지능") == {"대전시인", "전시인공", "시인공지", "인공지능"}


def test_copies_rewrites_and_translations_form_one_story_and_count_once(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {
        "a_press": {"text": "Daejeon to build 45.6 billion won AI chip test centre\n" + BODY, "date": "2024-05-03", "lang": "en",
                    "region": "Daejeon", "publisher": "Daejeon City"},
        "b_syndicated": {"text": "AI chip centre for Daejeon\nBy Staff Reporter\n" + BODY + "Copyright Example Wire. All rights reserved.\nRelated: Sejong opens data hub\n",
                         "date": "2024-05-04", "lang": "en", "region": "Daejeon", "publisher": "Example Wire"},
        "c_korean": {"text": ("대전시, 456억 원 들여 AI 반도체 실증센터 건립\n대전시는 3일 유성구에 AI 반도체 실증센터를 짓는다고 밝혔다.\n"
                              "총사업비는 456억 원으로 국비 300억 원과 시비 156억 원이 들어간다.\n센터는 2027년 문을 연다.\n"),
                     "date": "2024-05-03", "lang": "ko", "region": "Daejeon", "publisher": "Hanbat Ilbo"},
    })
    near = c.facts("near_duplicates")
    kinds = {(r["doc_id"], r["linked_to"]): r["kind"] for r in near.iter_rows(named=True)}
    assert kinds[("b_syndicated", "a_press")] == "syndicated"
    assert "translation" in {kinds.get(("c_korean", "a_press")), kinds.get(("b_syndicated", "c_korean")), kinds.get(("a_press", "c_korean"))}
    st = c.facts("stories")
    assert st["story_id"].n_unique() == 1 and st["n_documents"].to_list() == [3, 3, 3] and st["n_outlets"][0] == 3
    led = c.facts("ledger")
    # One commitment: 45.6 billion won = 456억 원 (30 + 15.6 and 300억 + 156억 are its parts).
    assert led.height == 1
    row = led.row(0, named=True)
    assert row["value_krw_literal"] == 45.6e9 and row["n_articles"] == 3 and row["n_outlets"] == 3
    assert sorted(row["doc_ids"]) == ["a_press", "b_syndicated", "c_korean"]
    assert ledger.totals(c, "literal")["committed_krw"].to_list() == [45.6e9]


def test_look_alikes_stay_apart(tmp_path: Path) -> None:
    c = corpus_of(tmp_path, {
        # Two cities, the same amount, the same week.
        "ulsan": {"text": "Ulsan backs hydrogen trams\nUlsan City will invest 30 billion won in hydrogen trams this year.\n", "date": "2023-03-06",
                  "lang": "en", "region": "Ulsan", "publisher": "Ulsan Daily"},
        "jeju": {"text": "Jeju backs electric buses\nJeju Province will invest 30 billion won in electric buses this year.\n", "date": "2023-03-08",
                 "lang": "en", "region": "Jeju", "publisher": "Jeju Times"},
        # One city, two programmes of the same size, two years apart.
        "busan_22": {"text": "Busan funds AI tutors\nBusan City will spend 12.5 billion won on AI tutors in 2022.\n", "date": "2022-02-10",
                     "lang": "en", "region": "Busan", "publisher": "Busan Post"},
        "busan_24": {"text": "Busan funds AI clinics\nBusan City will spend 12.5 billion won on AI clinics in 2024.\n", "date": "2024-02-12",
                     "lang": "en", "region": "Busan", "publisher": "Busan Post"},
    })
    assert c.facts("stories")["story_id"].n_unique() == 4
    totals = {r["region"]: r["committed_krw"] for r in ledger.totals(c, "literal").iter_rows(named=True)}
    assert totals == {"Busan": 25e9, "Ulsan": 30e9, "Jeju": 30e9}  # 12.5 + 12.5; 30; 30


def test_stories_benchmark_finds_every_planted_copy() -> None:
    from kpolicy import bench

    table = bench.run_stories((300, 600), seed=1)
    assert table["copies_planted"].min() > 0
    assert (table["copies_found"] == table["copies_planted"]).all()
    assert table["link_us_per_doc_ratio"][0] == 1.0  # the smallest size is the baseline
