"""Unit tests for the money extractor (kpolicy.extract.money), on tiny inline texts.

The phrasing table asserts exact values and exact spans for every supported form, English
and Korean, and for the traps that must not be read as money. Each case is checked through
both entry points: the per-sentence ``extract_amounts_from_text`` and the vectorised
``extract_amounts`` (which must agree row for row).
"""

from __future__ import annotations

import math

import polars as pl
import pytest
import yaml

from kpolicy import paths, schema
from kpolicy.extract import money
from kpolicy.extract.money import extract_amounts, extract_amounts_from_text, reconcile_amounts


def A(surface: str, currency: str, low: float, high: float | None = None) -> tuple:
    """Expected amount: surface, currency, low and high (high=None for a single amount)."""
    return (surface, currency, float(low), float(low if high is None else high), high is not None)


# (text, expected amounts in order). Values are in currency units.
CASES: list[tuple[str, list[tuple]]] = [
    # --- English: KRW with scale words, codes, signs -------------------------------------
    ("The city secured KRW 12.8 billion for the hub.", [A("KRW 12.8 billion", "KRW", 12.8e9)]),
    ("It secured 12.8 billion KRW in national funds.", [A("12.8 billion KRW", "KRW", 12.8e9)]),
    ("A fund of 12.8 billion won opens in May.", [A("12.8 billion won", "KRW", 12.8e9)]),
    ("The ministry drew up a 1.5 trillion-won package.", [A("1.5 trillion-won", "KRW", 1.5e12)]),
    ("Officials set aside ₩500 million for pilots.", [A("₩500 million", "KRW", 500e6)]),
    ("Officials set aside W500 million for pilots.", [A("W500 million", "KRW", 500e6)]),
    ("The fee is ￦3,000 per visit.", [A("￦3,000", "KRW", 3000)]),
    ("Outlays reached KRW 46.8 bln last quarter.", [A("KRW 46.8 bln", "KRW", 46.8e9)]),
    ("The startup raised 531bn won from investors.", [A("531bn won", "KRW", 531e9)]),
    ("A 1.5tn won stimulus was tabled.", [A("1.5tn won", "KRW", 1.5e12)]),
    ("The cluster needs KRW1.2tn in total.", [A("KRW1.2tn", "KRW", 1.2e12)]),
    ("Spending of KRW 900 mn is planned.", [A("KRW 900 mn", "KRW", 900e6)]),
    ("A KRW 20 trillion target was set for 2027.", [A("KRW 20 trillion", "KRW", 20e12)]),
    ("Revenue hit 3.75 trillion South Korean won.", [A("3.75 trillion South Korean won", "KRW", 3.75e12)]),
    ("Revenue hit 3.75 trillion Korean won.", [A("3.75 trillion Korean won", "KRW", 3.75e12)]),
    ("The grant totals 250 million Won.", [A("250 million Won", "KRW", 250e6)]),
    ("A 5.5 trillion won-worth programme begins.", [A("5.5 trillion won", "KRW", 5.5e12)]),
    ("The bill allots KRW 700 thousand per family.", [A("KRW 700 thousand", "KRW", 700e3)]),
    ("The budget is KRW 1,000,000 for each lab.", [A("KRW 1,000,000", "KRW", 1e6)]),
    ("Each participant receives KRW 300,000 a month.", [A("KRW 300,000", "KRW", 300e3)]),
    # --- English: bare number + won ------------------------------------------------------
    ("Tickets cost 17,000 won at the door.", [A("17,000 won", "KRW", 17000)]),
    ("A bus ride costs 1,500 won.", [A("1,500 won", "KRW", 1500)]),
    ("Coffee was 4500 won.", [A("4500 won", "KRW", 4500)]),
    ("The levy is 250 won per litre.", [A("250 won", "KRW", 250)]),
    # --- English: number words -----------------------------------------------------------
    ("They will spend two-point-four trillion won on chips.", [A("two-point-four trillion won", "KRW", 2.4e12)]),
    ("One trillion won will go to data centres.", [A("One trillion won", "KRW", 1e12)]),
    ("Ten billion won was earmarked for training.", [A("Ten billion won", "KRW", 10e9)]),
    ("The city pledged a hundred billion won.", [A("a hundred billion won", "KRW", 100e9)]),
    ("It costs twenty-five billion won.", [A("twenty-five billion won", "KRW", 25e9)]),
    ("A total of one hundred twenty billion won was raised.", [A("one hundred twenty billion won", "KRW", 120e9)]),
    ("The fund is worth seventeen trillion won.", [A("seventeen trillion won", "KRW", 17e12)]),
    ("They asked for three point five billion won.", [A("three point five billion won", "KRW", 3.5e9)]),
    ("A trillion won is at stake.", [A("A trillion won", "KRW", 1e12)]),
    ("Nine hundred million won went unspent.", [A("Nine hundred million won", "KRW", 900e6)]),
    # --- English: ranges -----------------------------------------------------------------
    ("A budget of 1.2 to 1.5 trillion won is expected.", [A("1.2 to 1.5 trillion won", "KRW", 1.2e12, 1.5e12)]),
    ("Funding of KRW 3-7 billion per firm.", [A("KRW 3-7 billion", "KRW", 3e9, 7e9)]),
    ("It will cost between 2 and 3 trillion won.", [A("2 and 3 trillion won", "KRW", 2e12, 3e12)]),
    ("Grants of 3 billion to 5 billion won each.", [A("3 billion to 5 billion won", "KRW", 3e9, 5e9)]),
    ("Bids of $3 billion to $5 billion are expected.", [A("$3 billion to $5 billion", "USD", 3e9, 5e9)]),
    ("Costs of 10–20 billion won per site.", [A("10–20 billion won", "KRW", 10e9, 20e9)]),
    ("Between KRW 40 and 60 billion is needed.", [A("KRW 40 and 60 billion", "KRW", 40e9, 60e9)]),
    ("Estimates run from two to three trillion won.", [A("two to three trillion won", "KRW", 2e12, 3e12)]),
    ("An outlay of 800 million to 1.2 billion won.", [A("800 million to 1.2 billion won", "KRW", 800e6, 1.2e9)]),
    ("Each lab gets ₩5-10 million.", [A("₩5-10 million", "KRW", 5e6, 10e6)]),
    # --- English: compounds and lists ----------------------------------------------------
    ("The total is 5 trillion 737.3 billion won.", [A("5 trillion 737.3 billion won", "KRW", 5.7373e12)]),
    ("It stands at 1 trillion and 500 billion won.", [A("1 trillion and 500 billion won", "KRW", 1.5e12)]),
    ("Spending rose to 2 trillion 30 billion won.", [A("2 trillion 30 billion won", "KRW", 2.03e12)]),
    ("It invests 5 trillion and 3 trillion won in turn.",
     [A("5 trillion", "KRW", 5e12), A("3 trillion won", "KRW", 3e12)]),
    ("It spends 2 trillion won and 5 trillion won.", [A("2 trillion won", "KRW", 2e12), A("5 trillion won", "KRW", 5e12)]),
    ("Sales rose from 11.8 trillion won to 20 trillion won.",
     [A("11.8 trillion won", "KRW", 11.8e12), A("20 trillion won", "KRW", 20e12)]),
    ("Outlays grow from 2.5 trillion won in 2022 to 3 trillion won in 2026.",
     [A("2.5 trillion won", "KRW", 2.5e12), A("3 trillion won", "KRW", 3e12)]),
    # --- English: other currencies kept in their own currency ----------------------------
    ("Samsung pledged US$1.2 billion.", [A("US$1.2 billion", "USD", 1.2e9)]),
    ("A $300 million venture fund opened.", [A("$300 million", "USD", 300e6)]),
    ("USD 5 million in grants was approved.", [A("USD 5 million", "USD", 5e6)]),
    ("The EU added €20 million.", [A("€20 million", "EUR", 20e6)]),
    ("Tokyo offered 100 million yen.", [A("100 million yen", "JPY", 100e6)]),
    ("The deal is worth ¥3 billion.", [A("¥3 billion", "JPY", 3e9)]),
    ("Investors put in 50 million yuan.", [A("50 million yuan", "CNY", 50e6)]),
    ("A RMB 2 billion facility was signed.", [A("RMB 2 billion", "CNY", 2e9)]),
    ("The licence cost £4 million.", [A("£4 million", "GBP", 4e6)]),
    ("It received 12 million euros.", [A("12 million euros", "EUR", 12e6)]),
    ("The chip plant cost 20 billion US dollars.", [A("20 billion US dollars", "USD", 20e9)]),
    ("The order is worth 7 million dollars.", [A("7 million dollars", "USD", 7e6)]),
    ("A HK$800 million bond was issued.", [A("HK$800 million", "HKD", 800e6)]),
    ("It spent $5m on pilots and $1.2bn on chips.", [A("$5m", "USD", 5e6), A("$1.2bn", "USD", 1.2e9)]),
    ("EUR 30 million went to research.", [A("EUR 30 million", "EUR", 30e6)]),
    ("JPY 1 billion was committed.", [A("JPY 1 billion", "JPY", 1e9)]),
    ("The loan is $250,000.", [A("$250,000", "USD", 250e3)]),
    ("The firm earned US$ 3.4 million.", [A("US$ 3.4 million", "USD", 3.4e6)]),
    # --- English: conversions ------------------------------------------------------------
    ("It spent 5 billion won ($4.2 million) on robots.",
     [A("5 billion won", "KRW", 5e9), A("$4.2 million", "USD", 4.2e6)]),
    ("A US$1 billion (1.3 trillion won) plant opened.",
     [A("US$1 billion", "USD", 1e9), A("1.3 trillion won", "KRW", 1.3e12)]),
    # --- English: machine-translation garbles are read literally -------------------------
    ("The plan invests 10 trillion trillion won.", [A("10 trillion trillion won", "KRW", 1e25)]),
    ("A fund of 5.4 trillion trillion won is planned.", [A("5.4 trillion trillion won", "KRW", 5.4e24)]),
    ("It allocated KRW 1408 billion to AI.", [A("KRW 1408 billion", "KRW", 1408e9)]),
    ("It allocated KRW 1,408 billion to AI.", [A("KRW 1,408 billion", "KRW", 1408e9)]),
    ("The budget amounting to 5770 billion won.", [A("5770 billion won", "KRW", 5770e9)]),
    # --- Korean: 억/조/만 with 원 --------------------------------------------------------
    ("시는 총 5,770억원을 투입한다.", [A("5,770억원", "KRW", 577e9)]),
    ("사업비는 5770억 원 규모다.", [A("5770억 원", "KRW", 577e9)]),
    ("정부는 1조 5천억 원을 지원한다.", [A("1조 5천억 원", "KRW", 1.5e12)]),
    ("예산 2조 2,000억 원이 편성됐다.", [A("2조 2,000억 원", "KRW", 2.2e12)]),
    ("시는 240억 6000만 원을 확보했다.", [A("240억 6000만 원", "KRW", 24.06e9)]),
    ("도는 15억원을 지원한다.", [A("15억원", "KRW", 1.5e9)]),
    ("국비 1천억 원이 들어간다.", [A("1천억 원", "KRW", 100e9)]),
    ("상금 5천만원을 준다.", [A("5천만원", "KRW", 50e6)]),
    ("1조2천억원을 투입한다.", [A("1조2천억원", "KRW", 1.2e12)]),
    ("연봉 1억2천만원을 제시했다.", [A("1억2천만원", "KRW", 120e6)]),
    ("지원금 3,500만 원을 받는다.", [A("3,500만 원", "KRW", 35e6)]),
    ("1인당 100만 원씩 지급한다.", [A("100만 원", "KRW", 1e6)]),
    ("수수료는 5,000원이다.", [A("5,000원", "KRW", 5000)]),
    ("커피 한 잔에 5천원이다.", [A("5천원", "KRW", 5000)]),
    ("참가비 3천 원을 받는다.", [A("3천 원", "KRW", 3000)]),
    ("입장료는 1만 5,000원이다.", [A("1만 5,000원", "KRW", 15000)]),
    ("총 1조원대 시장이 열린다.", [A("1조원", "KRW", 1e12)]),
    ("약 1,200억여 원이 투입됐다.", [A("1,200억여 원", "KRW", 120e9)]),
    ("추경으로 3조 2,500억 원을 더했다.", [A("3조 2,500억 원", "KRW", 3.25e12)]),
    ("2조원 규모의 펀드를 만든다.", [A("2조원", "KRW", 2e12)]),
    ("0.5조 원이 추가됐다.", [A("0.5조 원", "KRW", 0.5e12)]),
    ("사업비 12억 3천만 원을 확정했다.", [A("12억 3천만 원", "KRW", 1.23e9)]),
    # --- Korean: 억/조 without 원 (money in this domain) ---------------------------------
    ("연구비로 281.5억을 들였다.", [A("281.5억", "KRW", 28.15e9)]),
    # "넘는다" (exceeds): an open bound, so the high end is unknown (bound tests: test_money_phrasings.py).
    ("올해 예산은 3조를 넘는다.", [("3조", "KRW", 3e12, None, False)]),
    ("국비 50억과 시비 20억이 투입된다.", [A("50억", "KRW", 5e9), A("20억", "KRW", 2e9)]),
    ("예산 5억 개발비를 편성했다.", [A("5억", "KRW", 5e8)]),
    # --- Korean: ranges -----------------------------------------------------------------
    ("3~7억 규모의 사업이다.", [A("3~7억", "KRW", 3e8, 7e8)]),
    ("기업당 3억~7억 원을 지원한다.", [A("3억~7억 원", "KRW", 3e8, 7e8)]),
    ("과제당 1,000억∼2,000억원이 필요하다.", [A("1,000억∼2,000억원", "KRW", 100e9, 200e9)]),
    ("3,000만~5,000만 원을 준다.", [A("3,000만~5,000만 원", "KRW", 30e6, 50e6)]),
    ("1조~1조 5천억 원이 든다.", [A("1조~1조 5천억 원", "KRW", 1e12, 1.5e12)]),
    ("5-10억원을 지원한다.", [A("5-10억원", "KRW", 5e8, 10e8)]),
    # --- Korean: Hangul numerals ---------------------------------------------------------
    ("시는 오백억 원을 투자한다.", [A("오백억 원", "KRW", 50e9)]),
    ("삼천만 원의 상금을 건다.", [A("삼천만 원", "KRW", 30e6)]),
    ("입장료는 만원이다.", [A("만원", "KRW", 1e4)]),
    ("입장료는 만 원이다.", [A("만 원", "KRW", 1e4)]),
    ("총 천억 원 규모다.", [A("천억 원", "KRW", 100e9)]),
    ("일조 원을 투입한다.", [A("일조 원", "KRW", 1e12)]),
    ("이천오백만 원을 모았다.", [A("이천오백만 원", "KRW", 25e6)]),
    ("십억 원이 들었다.", [A("십억 원", "KRW", 1e9)]),
    # --- Korean: other currencies --------------------------------------------------------
    ("외자 10억 달러를 유치했다.", [A("10억 달러", "USD", 1e9)]),
    ("100만 달러를 기부했다.", [A("100만 달러", "USD", 1e6)]),
    ("일본에서 5억 엔을 투자받았다.", [A("5억 엔", "JPY", 5e8)]),
    ("중국 기업이 3억 위안을 냈다.", [A("3억 위안", "CNY", 3e8)]),
    ("EU가 2천만 유로를 지원한다.", [A("2천만 유로", "EUR", 20e6)]),
    ("15.5억 달러 규모다.", [A("15.5억 달러", "USD", 1.55e9)]),
    # --- Mixed Korean/English ------------------------------------------------------------
    ("The plan costs 2,000억 won in total.", [A("2,000억 won", "KRW", 200e9)]),
    ("A KRW 1,500억 budget was set.", [A("KRW 1,500억", "KRW", 150e9)]),
    ("The province spends 300억원 on AI.", [A("300억원", "KRW", 30e9)]),
    # --- Several amounts in one sentence -------------------------------------------------
    ("국비 50억 원과 시비 30억 원, 민자 20억 원 등 총 100억 원이다.",
     [A("50억 원", "KRW", 5e9), A("30억 원", "KRW", 3e9), A("20억 원", "KRW", 2e9), A("100억 원", "KRW", 10e9)]),
    ("It secured 12.8 billion KRW in national funds and 5.7 billion KRW in private contributions.",
     [A("12.8 billion KRW", "KRW", 12.8e9), A("5.7 billion KRW", "KRW", 5.7e9)]),
    ("총사업비 1,039억 원(국비 500억 원, 시비 539억 원)",
     [A("1,039억 원", "KRW", 103.9e9), A("500억 원", "KRW", 50e9), A("539억 원", "KRW", 53.9e9)]),
    ("전년 대비 407억 원 증가한 1,039억 원을 편성했다.", [A("407억 원", "KRW", 40.7e9), A("1,039억 원", "KRW", 103.9e9)]),
    ("Prices range from 5,000 won to 9,000 won.", [A("5,000 won", "KRW", 5000), A("9,000 won", "KRW", 9000)]),
    # --- Not money: phone numbers, dates, years, percentages, counts, areas -------------
    ("Inquiries: 044-202-6333.", []),
    ("문의 044-202-6133 (디지털사회기획과)", []),
    ("The city announced on the 6th that it will act.", []),
    ("On May 5, 2023, the plan was announced.", []),
    ("The plan runs until 2023.", []),
    ("2023년 5월 6일에 발표했다.", []),
    ("점유율은 52.5%로 올랐다.", []),
    ("The share rose by 10 percentage points.", []),
    ("Busan will nurture 20,000 digital talents.", []),
    ("It will train 2,000 creative talents every year.", []),
    ("사진 1만 5,000장을 공개했다.", []),
    ("시민 2만 명이 참석했다.", []),
    ("인구 1억 명 시대", []),
    ("일자리 3만여 개를 만든다.", []),
    ("The complex covers 4,000㎡.", []),
    ("They bought 1 million pyeong of land.", []),
    ("Three billion people use the internet.", []),
    ("It reached 5 million users.", []),
    ("The 8th civil election is over.", []),
    ("A 360-degree care service.", []),
    ("It ranks 20th in the world.", []),
    ("동법 제3조에 따라 지원한다.", []),
    ("제5조 제2항을 개정했다.", []),
    ("3 원칙을 세웠다.", []),
    ("엔진 5억엔진을 개발", []),
    ("천만 시민의 도시", []),
    ("구조 개선 사업", []),
    ("만들어진 기억", []),
    # --- Not money: the verb "won" -------------------------------------------------------
    ("Korea won three medals.", []),
    ("The firm won 3 billion in orders.", []),
    ("In 2019 won the prize for design.", []),
    ("COVID-19 won attention worldwide.", []),
    ("The top 10 won awards.", []),
    ("Team 7 won the final.", []),
    ("Seoul won 2 awards in 2023.", []),
    ("The startup won 3 billion won in orders.", [A("3 billion won", "KRW", 3e9)]),
]


def _key(rows: list[dict]) -> list[tuple]:
    return [
        (r["surface"], r["currency"], r["value_low_native"], r["value_high_native"], r["is_range"]) for r in rows
    ]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[f"{i:03d}" for i in range(len(CASES))])
def test_phrasing(text: str, expected: list[tuple]) -> None:
    rows = extract_amounts_from_text(text)
    assert _key(rows) == expected
    for r in rows:
        assert text[r["char_start"] : r["char_end"]] == r["surface"]
        assert r["value_native"] == (r["value_low_native"] if r["bound"] != "at_most" else r["value_high_native"])
        krw = r["currency"] == "KRW"
        assert (r["amount_krw"] == r["value_native"]) if krw else r["amount_krw"] is None


def test_enough_phrasings() -> None:
    assert len(CASES) >= 150
    assert sum(1 for _, exp in CASES if not exp) >= 30  # traps


def _sentences(texts: list[str], doc_ids: list[str] | None = None, starts: list[int] | None = None) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {
            "doc_id": doc_ids or [f"d{i:04d}" for i in range(n)],
            "sentence_idx": pl.Series([0] * n if doc_ids is None else list(range(n)), dtype=pl.UInt32),
            "text": texts,
            "char_start": pl.Series(starts or [0] * n, dtype=pl.Int64),
            "char_end": pl.Series([(starts or [0] * n)[i] + len(t) for i, t in enumerate(texts)], dtype=pl.Int64),
        }
    )


def test_vectorised_path_agrees_with_per_sentence_path() -> None:
    texts = [t for t, _ in CASES]
    got = extract_amounts(_sentences(texts))
    for i, text in enumerate(texts):
        want = extract_amounts_from_text(text)
        rows = got.filter(pl.col("doc_id") == f"d{i:04d}").to_dicts()
        assert [{k: r[k] for k in want[0]} for r in rows] == want if want else rows == [], text


# --- offsets and schema -------------------------------------------------------------------


def test_document_offsets_add_the_sentence_start() -> None:
    doc = "첫 문장이다. 서울시는 AI 예산 500억원을 편성했다. It adds KRW 3 billion."
    spans = [(0, 7), (8, 32), (33, len(doc))]
    texts = [doc[a:b] for a, b in spans]
    got = extract_amounts(_sentences(texts, ["doc"] * 3, [a for a, _ in spans]))
    assert got["surface"].to_list() == ["500억원", "KRW 3 billion"]
    for r in got.iter_rows(named=True):
        assert doc[r["char_start"] : r["char_end"]] == r["surface"]
    # code points, not bytes: "500억원" starts at character 19 of the document
    assert got["char_start"][0] == doc.index("500억원") == 19


def test_output_schema_and_conform() -> None:
    got = extract_amounts(_sentences(["KRW 12.8 billion and 3억~7억"]))
    assert got.columns == list(money.OUTPUT_COLUMNS)
    table = schema.get("amounts")
    for name, dtype in got.schema.items():
        assert dtype == table.polars_schema[name], name
    with_sources = got.with_columns(
        pl.col("char_start").alias("source_start"), pl.col("char_end").alias("source_end"), pl.lit(1).alias("page")
    )
    schema.conform(with_sources, "amounts")  # raises on any mismatch


def test_empty_and_null_inputs() -> None:
    empty = extract_amounts(_sentences([]).with_columns(pl.col("text").cast(pl.String)))
    assert empty.height == 0 and empty.columns == list(money.OUTPUT_COLUMNS)
    assert extract_amounts(_sentences(["no money here", "숫자 없음"])).height == 0
    nulls = _sentences(["x"]).with_columns(pl.lit(None, pl.String).alias("text"))
    assert extract_amounts(nulls).height == 0
    assert extract_amounts_from_text("") == []


def test_sorted_by_document_and_position() -> None:
    got = extract_amounts(_sentences(["KRW 1 billion", "5억원과 3억원"], ["b", "a"], [0, 0]))
    assert got.select("doc_id", "char_start").rows() == [("a", 0), ("a", 5), ("b", 0)]


def test_schema_declares_units_and_descriptions() -> None:
    for table in (money.AMOUNTS, money.RECONCILIATIONS):
        for c in table.columns:
            assert c.description, c.name
            if c.dtype == pl.Float64 and c.name.endswith(("_krw", "_krw_low", "_krw_high", "_adjusted")):
                assert c.unit == "KRW", c.name
    assert money.AMOUNTS.names[: len(schema.PROVENANCE)] == list(schema.PROVENANCE_COLUMNS)
    assert schema.get("reconciliations") is money.RECONCILIATIONS
    assert money.RECONCILIATIONS.names[: len(schema.PROVENANCE)] == list(schema.PROVENANCE_COLUMNS)


# --- roles --------------------------------------------------------------------------------

ROLE_CASES = [
    ("It secured 12.8 billion KRW in national funds.", "national_funds"),
    ("It raised 5.7 billion KRW in private contributions.", "private"),
    ("The city will invest 1.5 trillion won in start-ups.", "investment"),
    ("An investment budget of 2 trillion won was set.", "budget"),
    ("Sales of 20 trillion won are targeted.", "sales"),
    ("The project increased KRW 237 billion compared to last year.", "increase"),
    ("That is an increase of KRW 1039 billion from the previous year.", "increase"),
    ("전년 대비 407억 원 증가했다.", "increase"),
    ("56 projects worth a total of 17 billion won.", "total"),
    ("국비 128억 원을 확보했다.", "national_funds"),
    ("시비 30억 원을 보탰다.", "local_funds"),
    ("민자 20억 원이 들어간다.", "private"),
    ("5천억 원 규모의 펀드를 조성한다.", "total"),
    ("The global AI market will reach 1,000 trillion won.", "market"),
    ("It launched a 2.2 trillion-won investment plan.", "investment"),
    ("A 500 billion won fund was created.", "fund"),
    ("The city spent KRW 3 billion on signs.", "budget"),
    ("The city received KRW 3 billion last week.", "other"),
    ("It aims for 20 trillion won in digital sales.", "sales"),
    ("It plans to inject 150 billion won into the cluster.", "investment"),
    ("시는 3,200억원을 들여 센터를 짓는다.", "investment"),
    ("It is funded by national (25 billion won) budgets.", "national_funds"),
    ("It is funded by city (17.5 billion won) budgets.", "local_funds"),
]


@pytest.mark.parametrize(("text", "role"), ROLE_CASES)
def test_role(text: str, role: str) -> None:
    rows = extract_amounts_from_text(text)
    assert [r["role"] for r in rows][-1:] == [role]


def test_conversion_role() -> None:
    rows = extract_amounts_from_text("It received 5 billion won (about $4.2 million).")
    assert [r["role"] for r in rows] == ["other", "conversion"]
    rows = extract_amounts_from_text("국비 10억원(시비 5억원)")  # same currency: not a conversion
    assert rows[1]["role"] != "conversion"


# --- garble flags ------------------------------------------------------------------------


def _flags(text: str) -> list[list[str]]:
    return [r["flags"] for r in extract_amounts_from_text(text)]


def test_clean_amounts_are_not_flagged() -> None:
    for text, expected in CASES:
        if "trillion trillion" in text or "1408" in text or "1,408" in text or "5770 billion" in text:
            continue
        for r in extract_amounts_from_text(text):
            assert not r["is_suspect"], (text, r["flags"])
            assert r["flags"] == [] and r["explanation"] is None and r["amount_krw_adjusted"] is None


def test_dup_scale_flagged_and_adjusted() -> None:
    (r,) = extract_amounts_from_text("The plan invests 10 trillion trillion won.")
    assert r["amount_krw"] == 1e25  # literal, never overwritten
    assert r["flags"] == ["dup_scale", "implausible_magnitude"]
    assert r["is_suspect"]
    assert r["amount_krw_adjusted"] == 10e12
    assert "trillion trillion" in r["explanation"] and r["explanation"].endswith(".")
    assert "once" in r["adjustment_reason"]
    (usd,) = extract_amounts_from_text("It costs $3 billion billion.")
    assert usd["flags"][0] == "dup_scale" and usd["amount_krw_adjusted"] is None  # not KRW


def test_eok_as_billion_four_digits() -> None:
    (r,) = extract_amounts_from_text("It allocated KRW 1408 billion to AI.")
    assert r["flags"] == ["eok_as_billion"]
    assert "1.408 trillion" in r["explanation"]
    # The form itself is the evidence: a whole number of billions with 4+ digits is how 억
    # reads when machine translation renders it as "billion" (1,408억 = 140.8 billion won).
    assert r["amount_krw_adjusted"] == 140.8e9
    assert "4+ digits" in r["adjustment_reason"]


@pytest.mark.parametrize("text", [
    "It allocated KRW 100 billion to AI.",
    "It allocated KRW 531 billion to AI.",
    "It allocated KRW 12.8 billion to AI.",
    "It allocated 1.408 trillion won to AI.",
])
def test_plausible_billions_alone_are_not_flagged(text: str) -> None:
    assert _flags(text) == [[]]


def test_eok_as_billion_spreads_to_whole_billions_in_the_document() -> None:
    text = "Total KRW 1408 billion, of which KRW 531 billion for bases and KRW 12.8 billion for talent."
    assert _flags(text) == [["eok_as_billion"], ["eok_as_billion"], []]


def test_eok_as_billion_in_an_overflowing_compound() -> None:
    # 1조 2,000억 원 translated unit by unit: the "billion" part is as large as a trillion
    (r,) = extract_amounts_from_text("Seoul will spend 1 trillion 2,000 billion won.")
    assert r["amount_krw"] == 3e12  # literal
    assert r["flags"] == ["eok_as_billion"] and r["amount_krw_adjusted"] == 1.2e12
    assert _flags("Seoul will spend 1 trillion 200 billion won.") == [[]]


def test_eok_as_billion_adjusted_when_parts_reconcile() -> None:
    sents = [
        "The programme totals 5770 billion won.",
        "• KRW 531 billion for bases,",
        "• KRW 1408 billion for AI,",
        "• KRW 1656 billion for inclusion,",
        "• KRW 2175 billion for talent.",
    ]
    got = extract_amounts(_sentences(sents, ["d"] * 5, [0, 40, 70, 100, 140])).to_dicts()
    assert [r["flags"] for r in got] == [["eok_as_billion"]] * 5
    assert [r["amount_krw_adjusted"] for r in got] == [577e9, 53.1e9, 140.8e9, 165.6e9, 217.5e9]
    assert all("×10^-1" in r["adjustment_reason"] for r in got)


def test_eok_as_billion_adjusted_when_implausible_for_the_actor() -> None:
    docs = pl.DataFrame({"doc_id": ["d"], "level": ["municipal"], "regions": [["Sejong"]]})
    got = extract_amounts(_sentences(["The district budget of KRW 9870 billion was approved."], ["d"]), docs)
    (r,) = got.to_dicts()
    assert r["flags"] == ["eok_as_billion", "implausible_magnitude"]
    assert r["amount_krw_adjusted"] == 987e9


def test_eok_as_billion_adjusted_when_too_big_for_a_local_project() -> None:
    text = ["The city will build the tram line for KRW 6120 billion."]
    city = pl.DataFrame({"doc_id": ["d"], "level": ["metropolitan"], "regions": [["Busan"]]})
    (r,) = extract_amounts(_sentences(text, ["d"]), city).to_dicts()
    assert r["flags"] == ["eok_as_billion"]  # 6.12 trillion is within Busan's budget ...
    assert r["amount_krw_adjusted"] == 612e9  # ... but not a single local project's cost
    assert "single local project" in r["adjustment_reason"]
    (r,) = extract_amounts(_sentences(text, ["d"])).to_dicts()
    assert r["amount_krw_adjusted"] == 612e9  # without the document's level, the 4-digit form alone
    assert "4+ digits" in r["adjustment_reason"]


def test_parts_mismatch_at_another_scale_adjusts_the_total() -> None:
    text = "국비 125억 원, 시비 35억 원, 민자 15억 원 등 총 1,750억 원을 투입한다."
    rows = extract_amounts_from_text(text)
    assert [r["flags"] for r in rows] == [["parts_mismatch"]] * 4
    assert rows[-1]["amount_krw_adjusted"] == 17.5e9
    assert "×0.1" in rows[-1]["adjustment_reason"]
    assert all(r["amount_krw_adjusted"] is None for r in rows[:-1])


def test_parts_exceeding_a_stated_total_are_flagged_without_adjusting() -> None:
    sents = ["We run 56 projects worth a total of 17 billion won.", "Bases get KRW 531 billion.",
             "AI gets KRW 1408 billion."]
    got = extract_amounts(_sentences(sents, ["d"] * 3, [0, 60, 90])).to_dicts()
    assert "parts_mismatch" in got[0]["flags"]
    assert got[0]["amount_krw_adjusted"] is None
    rec = reconcile_amounts(extract_amounts(_sentences(sents, ["d"] * 3, [0, 60, 90])))
    assert rec.select("surface", "n_parts", "is_consistent", "scale_factor").rows() == [
        ("17 billion won", 2, False, None)
    ]


def test_partial_itemisation_is_not_a_mismatch() -> None:
    # a total larger than the parts listed may just be partly itemised
    assert _flags("총 100억 원 가운데 국비 50억 원, 시비 20억 원이다.") == [[], [], []]


def test_increase_exceeds_total() -> None:
    text = "A smart village project worth KRW 407 billion, an increase of KRW 1039 billion from last year."
    rows = extract_amounts_from_text(text)
    assert [r["role"] for r in rows] == ["total", "increase"]
    assert all("increase_exceeds_total" in r["flags"] for r in rows)
    assert all(r["amount_krw_adjusted"] is None for r in rows)


def test_increase_smaller_than_total_is_fine() -> None:
    assert _flags("전년 대비 407억 원 증가한 1,039억 원을 편성했다.") == [[], []]


def test_inconsistent_repeat_same_digits_other_scale() -> None:
    rows = extract_amounts_from_text("The fund is 577 billion won here and 57.7 billion won there.")
    assert [r["flags"] for r in rows] == [["inconsistent_repeat"]] * 2
    assert "'57.7 billion won'" in rows[0]["explanation"] and "10^1" in rows[0]["explanation"]


def test_date_slot_echo() -> None:
    rows = extract_amounts_from_text("The ministry said on the 5770th that the budget is 5770억 원.")
    assert rows[0]["flags"] == ["date_slot_echo"]
    assert "on the 5770th" in rows[0]["explanation"]


@pytest.mark.parametrize(("slot", "number"), [
    ("on the 5770th", 5770), ("on the 6th", None), ("on the 31st", None), ("on the 32nd", 32),
    ("the 402th", 402), ("the 100th", None), ("the 21th", 21), ("5월 40일", 40), ("5월 17일", None),
])
def test_impossible_slot(slot: str, number: int | None) -> None:
    assert money.impossible_slot(slot) == number


def test_year_as_amount() -> None:
    (r,) = extract_amounts_from_text("It spends 2023 billion won.")
    assert "year_as_amount" in r["flags"] and "eok_as_billion" in r["flags"]


def test_currency_conflict_and_inverted_range() -> None:
    (r,) = extract_amounts_from_text("It costs $5 billion won.")
    assert r["currency"] == "USD" and "currency_conflict" in r["flags"]
    (r,) = extract_amounts_from_text("It costs 3 trillion to 2 trillion won.")
    assert r["is_range"] and "range_inverted" in r["flags"]


def test_implausible_magnitude_uses_document_level() -> None:
    text = ["The city budget of 60 trillion won was approved."]
    national = pl.DataFrame({"doc_id": ["d"], "level": ["national"], "regions": [["National"]]})
    city = pl.DataFrame({"doc_id": ["d"], "level": ["metropolitan"], "regions": [["Busan"]]})
    assert extract_amounts(_sentences(text, ["d"]), national)["flags"].to_list() == [[]]
    (r,) = extract_amounts(_sentences(text, ["d"]), city).to_dicts()
    assert r["flags"] == ["implausible_magnitude"] and "Busan" in r["explanation"]
    assert r["amount_krw_adjusted"] is None  # no garble signature, so no single reading
    # a market size may exceed any budget
    assert _flags("The global AI market will reach 3,000 trillion won.") == [[]]


def test_eok_as_trillion() -> None:
    (r,) = extract_amounts_from_text("The fund holds KRW 5770 trillion.")
    assert r["flags"] == ["implausible_magnitude", "eok_as_trillion"]
    assert r["amount_krw_adjusted"] == 577e9


def test_flags_are_known_codes() -> None:
    texts = [t for t, _ in CASES] + ["It costs $5 billion won.", "The fund holds KRW 5770 trillion."]
    for text in texts:
        for r in extract_amounts_from_text(text):
            assert set(r["flags"]) <= set(money.FLAGS)
            assert r["is_suspect"] == bool(r["flags"]) == (r["explanation"] is not None)


# --- reconciliation table ---------------------------------------------------------------


def test_reconcile_amounts_consistent() -> None:
    sents = ["총사업비 1,039억 원(국비 500억 원, 시비 539억 원)을 들인다."]
    rec = reconcile_amounts(extract_amounts(_sentences(sents)))
    assert rec.columns == money.RECONCILIATIONS.names
    (r,) = rec.to_dicts()
    assert (r["surface"], r["total_krw"], r["parts_sum_krw"], r["n_parts"]) == ("1,039억 원", 103.9e9, 103.9e9, 2)
    assert r["is_consistent"] and r["scale_factor"] == 1.0
    assert r["parts_surfaces"] == ["500억 원", "539억 원"]


def test_round_sums_are_not_rescaled() -> None:
    # 5 + 3 + 2 = 10 against a total of 100: a power-of-ten coincidence of round numbers
    # (or a partial list), not evidence of a garble.
    assert _flags("국비 5억 원, 시비 3억 원, 민자 2억 원 등 총 100억 원") == [[], [], [], []]


def test_reconcile_amounts_scaled() -> None:
    text = "국비 125억 원, 시비 35억 원, 민자 15억 원 등 총 1,750억 원을 투입한다."
    (r,) = reconcile_amounts(extract_amounts(_sentences([text]))).to_dicts()
    assert not r["is_consistent"] and r["scale_factor"] == 10.0 and r["n_parts"] == 3


def test_reconcile_amounts_empty() -> None:
    assert reconcile_amounts(extract_amounts(_sentences(["nothing"]))).height == 0


# --- reference magnitudes ---------------------------------------------------------------


def test_money_scales_entries_state_source_and_date() -> None:
    with open(paths.DATA_DIR / "money_scales.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for entry in data["national_budget"]["entries"]:
        assert entry["source"] and entry["as_of"] and entry["value_krw"] > 0
    for key in ("korea_gdp", "world_gdp"):
        assert data["economy"][key]["source"] and data["economy"][key]["as_of"]
    for key in ("regional_budget", "municipal_budget", "single_local_project"):
        assert data[key]["source"] and data[key]["as_of"]
    regions = data["regional_budget"]["entries"]
    assert set(regions) == set(schema.REGION_NAMES) - {"National"}  # every region, no unknown names
    for name, entry in regions.items():
        assert 0 < entry["low_krw"] <= entry["high_krw"], name


def test_money_scales_loaded_values() -> None:
    scales = money.load_scales()
    assert scales.national_budget_krw == 656.6e12 and scales.national_budget_year == 2024
    assert 5e12 <= scales.regional_budget_krw["Busan"] <= 40e12
    assert scales.regional_budget_krw["Sejong"] < scales.regional_budget_krw["Gyeonggi"]


# --- helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (1e25, "1×10^25 won"), (10e12, "10 trillion won"), (577e9, "577 billion won"),
    (12.8e9, "12.8 billion won"), (5.5e6, "5.5 million won"), (17000, "17,000 won"),
])
def test_format_money(value: float, text: str) -> None:
    assert money.format_money(value) == text


def test_values_are_finite() -> None:
    for text, _ in CASES:
        for r in extract_amounts_from_text(text):
            assert math.isfinite(r["value_native"]) and r["value_native"] > 0
