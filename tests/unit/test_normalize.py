"""Normaliser: each pass on tiny inline texts, and the offset map round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unicodedata

from kpolicy import normalize as N
from kpolicy.normalize import BULLET, Mapped, boilerplate_rules, normalize, normalize_mapped, split_sentences


def spans(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("AI  예산\t 500억원", "AI 예산 500억원"),
        ("ＫＲＷ　５００", "KRW 500"),  # full-width letters, digits and ideographic space
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("four projects?SOS Lab and more?were selected", "four projects\u2014SOS Lab and more\u2014were selected"),
        ("see https://example.org/a?b=1 now", "see https://example.org/a?b=1 now"),
        ("Is it ready? Yes.", "Is it ready? Yes."),
        ("It\u00e2\u20ac\u2122s fixed", "It\u2019s fixed"),  # UTF-8 read as cp1252
        ("Caf\u00e9 stays", "Caf\u00e9 stays"),  # real Latin-1 letters are not touched
        ("\n\n\nTitle\n\n\n\nBody text.\n\n", "Title\n\nBody text."),
    ],
)
def test_normalize_passes(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_bullets_become_items() -> None:
    raw = "The plan includes ▲ more data ▲ more talent and ◆ more funds.\n□ A heading\nㅇ 세부 과제"
    text = normalize(raw)
    assert text.split("\n") == [
        "The plan includes",
        f"{BULLET} more data",
        f"{BULLET} more talent and",
        f"{BULLET} more funds.",
        f"{BULLET} A heading",
        f"{BULLET} 세부 과제",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "This content was produced with the assistance of AI translation services.",
        "© The Example Daily(www.example.co.kr). All rights reserved.",
        "ⓒ 예시뉴스 무단전재 및 재배포 금지",
        "Today’s Briefing",
        "댓글 (0)",
        "댓글 작성",
        "Inquiries: Example Department (044-000-0000)",
        "문의: 예시과 044-000-0000",
        "Source: Example Policy Portal (www.example.kr)",
        "Reported by Example Times",
        "[Example Press]",
        "홍길동 기자 gildong@example.com",
    ],
)
def test_boilerplate_lines_removed(line: str) -> None:
    raw = f"Gyeonggi will open an AI campus.\n\n{line}\n\nThe campus opens in 2026."
    assert normalize(raw) == "Gyeonggi will open an AI campus.\n\nThe campus opens in 2026."


def test_inline_boilerplate_removed() -> None:
    raw = "Busan Launches AI Plan View original image\n\n[Example Daily Reporter Kim Minsu] Busan announced a plan."
    assert normalize(raw) == "Busan Launches AI Plan\n\nBusan announced a plan."


def test_article_sentences_that_resemble_boilerplate_are_kept() -> None:
    raw = "The source of funding is the national budget.\nResidents can comment on the plan online."
    assert normalize(raw) == raw


def test_boilerplate_rules_are_documented() -> None:
    rules = boilerplate_rules()
    assert len({r.name for r in rules}) == len(rules)
    assert all(r.why and r.scope in {"line", "inline"} for r in rules)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence. Two sentences.", ["One sentence.", "Two sentences."]),
        ("Mr. Kim met Dr. Lee. They agreed.", ["Mr. Kim met Dr. Lee.", "They agreed."]),
        ("It costs 1.5 trillion won. Next.", ["It costs 1.5 trillion won.", "Next."]),
        ("He said, “We will do it.” Then he left.", ["He said, “We will do it.”", "Then he left."]),
        ("The U.S. and Korea agreed.", ["The U.S. and Korea agreed."]),
        ("서울시는 예산을 늘렸다. 부산시도 동참했다.", ["서울시는 예산을 늘렸다.", "부산시도 동참했다."]),
        (f"Heading\n{BULLET} item one\n{BULLET} item two", ["Heading", "item one", "item two"]),
        # Korean official dates "2024. 1. 2." stay whole; a year then a count does not
        ("보도시점 2024. 1. 2.(화) 08:00 배포", ["보도시점 2024. 1. 2.(화) 08:00 배포"]),
        ("작성일 2023. 12. 28. 시는 예산을 늘렸다. 다음 해 계획이다.", ["작성일 2023. 12. 28.", "시는 예산을 늘렸다.", "다음 해 계획이다."]),
        ("Sales rose in 2024. 3 firms left.", ["Sales rose in 2024.", "3 firms left."]),
        ("It grew by 12. 15.5 percent came later.", ["It grew by 12.", "15.5 percent came later."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


def test_bullet_flag_and_span_excludes_marker() -> None:
    text = f"Intro\n{BULLET} first item. Still first item's line"
    sents = split_sentences(text)
    assert [(text[s.start : s.end], s.is_bullet) for s in sents] == [
        ("Intro", False),
        ("first item.", True),
        ("Still first item's line", False),
    ]


def test_offset_map_round_trip_on_messy_text() -> None:
    raw = "Title View original image\r\n\r\n\r\n[Daily Reporter Kim]  Busan plans ▲ KRW 5 billion  for AI ▲ talent.\n© Daily. All rights reserved."
    m = normalize_mapped(raw)
    assert m.text == f"Title\n\nBusan plans\n{BULLET} KRW 5 billion for AI\n{BULLET} talent."
    for needle in ("Title", "Busan plans", "KRW 5 billion", "for AI", "talent."):
        start = m.text.index(needle)
        end = start + len(needle)
        src_start, src_end = m.src[start], m.src[end - 1] + 1
        assert raw[src_start:src_end] == needle


_pieces = st.sampled_from(
    list("ab 가나\n\r\t.?▲•ㅇ-©0123456789억원,\u3000") + ["\u00e2\u20ac\u2122", "View original image", "[Daily Reporter X]"]
)
_text = st.lists(_pieces, max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_normalize_never_crashes_and_map_is_valid(raw: str) -> None:
    m = normalize_mapped(raw)
    assert len(m.src) == len(m.text) + 1
    assert all(0 <= s <= len(raw) for s in m.src)
    assert all(a <= b for a, b in zip(m.src, m.src[1:]))  # the map never goes backwards
    for s in split_sentences(m.text):
        assert 0 <= s.start < s.end <= len(m.text)
        assert m.text[s.start : s.end].strip()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_unchanged_characters_map_to_themselves(raw: str) -> None:
    m = normalize_mapped(raw)
    for i, ch in enumerate(m.text):
        if ch.isascii() and ch.isalnum():
            orig = raw[m.src[i]]
            assert orig == ch or ord(orig) - 0xFEE0 == ord(ch)  # full-width folded to ASCII


def _every_pass(raw: str) -> Mapped:
    """The normaliser with every pass run unconditionally, as plain substitutions."""
    m = Mapped.identity(raw)
    m = N._sub(m, N._NEWLINES, "\n")
    if not unicodedata.is_normalized("NFC", m.text):
        m = N._sub(m, N._NON_ASCII_RUN, N._nfc)
    m = N._sub(m, N._FULLWIDTH, lambda x: chr(ord(x.group(0)) - 0xFEE0))
    m = N._sub(m, N._ODD_SPACES, " ")
    m = N._sub(m, N._INVISIBLE, "")
    m = N._sub(m, N._CONTROL, "")
    m = N._sub(m, N._MOJIBAKE, N._fix_mojibake)
    m = N._sub(m, N._QMARK_DASH, N._qmark_dash)
    m = N._sub(m, N._boilerplate_line_pattern(), "")
    for rule in boilerplate_rules():
        if rule.scope == "inline":
            m = N._sub(m, rule.pattern, "")
    m = N._sub(m, N._BULLET_INLINE, N._bullet)
    m = N._sub(m, N._BULLET_LINE_START, f"{BULLET} ")
    m = N._sub(m, N._BLANKS, " ")
    m = N._sub(m, N._LINE_EDGES, "")
    m = N._sub(m, N._BLANK_LINES, "\n\n")
    return N._sub(m, N._EDGES, "")


def _runs(src: list[int]) -> list[tuple[int, int]]:
    out = [(i, s) for i, s in enumerate(src[:-1]) if i == 0 or s != src[i - 1] + 1]
    return out or [(0, src[-1])]


_messy = st.sampled_from(
    list("ab Z 가.?!\n\t-*·ㅇ_") + ["\r", "\r\n", "\u2028", "\x85", "\uff21", "\u3000", "\u00a0", "\u200b", "\x01", "\v",
     "\u00e2\u20ac\u2122", "▲", "• ", "Mr.", "J.", "U.S.", " approx. five", "View original image", "원본 이미지 보기",
     "© Example", "댓글 (0)", "[Example Press]", "Source: x", "(서울=연합뉴스) 홍길동 기자 =", "a@b.com", "Print",
     "  \n", "\n  ", "\n\n\n", "http://x.org/a?b=1"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_messy, max_size=40).map("".join))
def test_skipped_passes_could_not_have_matched(raw: str) -> None:
    """Passes skipped by their cheap tests, boilerplate lines matched per line, the edges
    stripped by slicing and the runs grouped: the same text, map and runs as running
    every pass as a plain substitution."""
    got, want = normalize_mapped(raw), _every_pass(raw)
    assert (got.text, got.src) == (want.text, want.src)
    assert got.runs() == _runs(got.src)


@pytest.mark.parametrize(
    "line, bounds",
    [
        ("Dr. Kim met Mr. Park. They agreed.", [(0, 21), (22, 34)]),
        ("It grew 3.5 percent. Exports rose.", [(0, 20), (21, 34)]),
        ("See fig. 2 and e.g. the U.S. plan. Next.", [(0, 34), (35, 40)]),
        ("x_y. Next one.", [(0, 4), (5, 14)]),
        ("Two. approx. five.", [(0, 18)]),
        ("가. 나.", [(0, 2), (3, 5)]),
    ],
)
def test_sentence_ends_after_the_last_word(line: str, bounds: list[tuple[int, int]]) -> None:
    assert [(s.start, s.end) for s in split_sentences(line)] == bounds


def _seconds(func, arg) -> float:
    import time

    start = time.perf_counter()
    func(arg)
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "unit",
    ["1,234,567,", "a?b ", "Mr. A. ", "x. Y ", "▲ 5억 ", "   \n\n"],
    ids=["digits-commas", "qmark", "abbrev", "sentences", "bullets", "blank"],
)
def test_normalise_and_split_scale_linearly(unit: str) -> None:
    """10x the input may cost ~10x the time, never ~100x (no quadratic passes)."""

    def work(text: str) -> None:
        split_sentences(normalize(text))

    small = unit * (100_000 // len(unit))
    large = unit * (1_000_000 // len(unit))
    work(small)  # warm up caches and compiled patterns
    ratio = _seconds(work, large) / max(_seconds(work, small), 1e-3)
    assert ratio < 40, f"10x input took {ratio:.0f}x the time"
