"""A deterministic synthetic corpus for tests and benchmarks.

:func:`generate` writes ``n`` documents (English and Korean) built from sentence
patterns of the domain — regions, themes, amounts in several written forms, targets,
and planted translation garbles — with a long-tail size distribution. Alongside the
texts it returns (and :func:`write_corpus` saves as ``.planted.jsonl``) what it planted,
so a test or benchmark can check that the extractors recover it.

The sentences are written for kpolicy; they quote no outside source.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Region names as they appear in English and Korean text, with canonical names.
_REGIONS_EN = {
    "Seoul": "Seoul", "Busan": "Busan", "Daegu": "Daegu", "Incheon": "Incheon", "Gwangju": "Gwangju",
    "Daejeon": "Daejeon", "Ulsan": "Ulsan", "Sejong": "Sejong", "Gyeonggi Province": "Gyeonggi",
    "Gangwon State": "Gangwon", "North Chungcheong Province": "Chungbuk", "South Chungcheong Province": "Chungnam",
    "Jeonbuk State": "Jeonbuk", "South Jeolla Province": "Jeonnam", "North Gyeongsang Province": "Gyeongbuk",
    "South Gyeongsang Province": "Gyeongnam", "Jeju": "Jeju",
}
_REGIONS_KO = {
    "서울시": "Seoul", "부산시": "Busan", "대구시": "Daegu", "인천시": "Incheon", "광주시": "Gwangju",
    "대전시": "Daejeon", "울산시": "Ulsan", "세종시": "Sejong", "경기도": "Gyeonggi", "강원도": "Gangwon",
    "충북도": "Chungbuk", "충남도": "Chungnam", "전북도": "Jeonbuk", "전남도": "Jeonnam", "경북도": "Gyeongbuk",
    "경남도": "Gyeongnam", "제주도": "Jeju",
}
_THEMES_EN = [
    "artificial intelligence", "big data", "smart factories", "hydrogen energy", "autonomous driving",
    "drone delivery", "smart farms", "semiconductors", "digital healthcare", "5G networks", "fintech",
    "robotics", "start-up support", "digital talent training",
]
_THEMES_KO = [
    "인공지능", "빅데이터", "스마트공장", "수소 에너지", "자율주행", "드론", "스마트팜", "반도체",
    "디지털 헬스케어", "5G 네트워크", "핀테크", "로봇", "창업 지원", "디지털 인재 양성",
]
_FILLER_EN = [
    "Officials said the plan reflects demand from local companies and universities.",
    "The city will hold briefing sessions for residents next month.",
    "Experts noted that cooperation with the private sector is essential.",
    "The project is part of a broader push to revitalise the regional economy.",
    "Applications will be accepted through the official website.",
]
_FILLER_KO = [
    "시 관계자는 지역 기업과 대학의 수요를 반영했다고 설명했다.",
    "시는 다음 달 주민 설명회를 열 계획이다.",
    "전문가들은 민간과의 협력이 중요하다고 강조했다.",
    "이번 사업은 지역 경제 활성화 전략의 하나다.",
]


PLANTED_FILE = ".planted.jsonl"


@dataclass(frozen=True)
class Planted:
    """One planted money mention: its exact surface and literal value in won."""

    surface: str
    amount_krw: float
    is_garble: bool = False


@dataclass
class SynthDoc:
    doc_id: str
    language: str
    region: str
    text: str
    amounts: list[Planted] = field(default_factory=list)


def _amount_en(rng: random.Random) -> tuple[str, float, bool]:
    form = rng.randrange(9)
    if form == 0:
        x = rng.randrange(11, 999) / 10
        return f"KRW {x:g} billion", float(round(x * 1e9)), False
    if form == 1:
        x = rng.randrange(11, 99) / 10
        return f"{x:g} trillion won", float(round(x * 1e12)), False
    if form == 2:
        n = rng.randrange(1, 999)
        return f"{n} million won", n * 1e6, False
    if form == 3:
        n = rng.randrange(2, 95)
        return f"{n} billion won", n * 1e9, False
    if form == 4:
        x = rng.randrange(11, 99) / 10
        return f"{x:g} trillion-won", float(round(x * 1e12)), False
    if form == 5:
        n = rng.randrange(100, 999)
        return f"₩{n} million", n * 1e6, False
    if form == 6:
        x = rng.randrange(11, 999) / 10
        return f"{x:g}bn won", float(round(x * 1e9)), False
    if form == 7:  # garble: a duplicated scale word
        n = rng.randrange(2, 20)
        return f"{n} trillion trillion won", float(n * 10**24), True
    n = rng.choice([1408, 2175, 1656, 3321, 5770, 4427, 1039])  # garble: 억 read as billion
    return f"KRW {n} billion", n * 1e9, True


def _amount_ko(rng: random.Random) -> tuple[str, float, bool]:
    form = rng.randrange(5)
    if form == 0:
        n = rng.randrange(2, 9999)
        return f"{n:,}억원", n * 1e8, False
    if form == 1:
        n = rng.randrange(2, 999)
        return f"{n}억 원", n * 1e8, False
    if form == 2:
        a, b = rng.randrange(1, 9), rng.randrange(1, 9) * 1000
        return f"{a}조 {b:,}억 원", a * 1e12 + b * 1e8, False
    if form == 3:
        a, b = rng.randrange(1, 99), rng.randrange(1, 9) * 1000
        return f"{a}억 {b}만 원", a * 1e8 + b * 1e4, False
    n = rng.randrange(2, 99)
    return f"{n}억원", n * 1e8, False


def _doc_en(rng: random.Random, doc_id: str, n_sentences: int) -> SynthDoc:
    name, region = rng.choice(list(_REGIONS_EN.items()))
    theme = rng.choice(_THEMES_EN)
    doc = SynthDoc(doc_id, "en", region, "")
    lines = [f"{name} unveils plan to expand {theme}", ""]
    for i in range(n_sentences):
        kind = rng.randrange(4) if i else 0
        if kind in (0, 1):
            surface, value, garble = _amount_en(rng)
            doc.amounts.append(Planted(surface, value, garble))
            t = rng.choice(_THEMES_EN)
            lines.append(f"{name} said it will invest {surface} in {t} projects by {rng.randrange(2025, 2031)}.")
        elif kind == 2:
            lines.append(
                f"The plan aims to raise the share of {rng.choice(_THEMES_EN)} companies from "
                f"{rng.randrange(5, 30)}% to {rng.randrange(31, 80)}% and to train {rng.randrange(1, 30) * 1000:,} experts."
            )
        else:
            lines.append(rng.choice(_FILLER_EN))
    doc.text = "\n".join(lines) + "\n"
    return doc


def _doc_ko(rng: random.Random, doc_id: str, n_sentences: int) -> SynthDoc:
    name, region = rng.choice(list(_REGIONS_KO.items()))
    theme = rng.choice(_THEMES_KO)
    doc = SynthDoc(doc_id, "ko", region, "")
    lines = [f"{name}, {theme} 산업 육성 계획 발표", ""]
    for i in range(n_sentences):
        kind = rng.randrange(4) if i else 0
        if kind in (0, 1):
            surface, value, garble = _amount_ko(rng)
            doc.amounts.append(Planted(surface, value, garble))
            lines.append(f"{name}는 {rng.randrange(2025, 2031)}년까지 {rng.choice(_THEMES_KO)} 분야에 {surface}을 투입한다고 밝혔다.")
        elif kind == 2:
            lines.append(f"{rng.randrange(2028, 2031)}년까지 {rng.choice(_THEMES_KO)} 인재 {rng.randrange(1, 9)}만 명을 양성한다.")
        else:
            lines.append(rng.choice(_FILLER_KO))
    doc.text = "\n".join(lines) + "\n"
    return doc


def iter_docs(n: int, seed: int = 0, korean_share: float = 0.3) -> Iterator[SynthDoc]:
    """Generate ``n`` documents deterministically from ``seed``, one at a time.

    Sizes follow a long tail (most documents have 3-10 sentences, a few over 100). The
    sequence is the same as :func:`generate`'s, without holding it in memory.
    """
    rng = random.Random(seed)
    width = max(5, len(str(n)))
    for i in range(n):
        n_sentences = min(400, 3 + int(rng.paretovariate(1.6) * 3))
        doc_id = f"synth_{i:0{width}d}"
        make = _doc_ko if rng.random() < korean_share else _doc_en
        yield make(rng, doc_id, n_sentences)


def generate(n: int, seed: int = 0, korean_share: float = 0.3) -> list[SynthDoc]:
    """Generate ``n`` documents deterministically from ``seed`` (see :func:`iter_docs`)."""
    return list(iter_docs(n, seed, korean_share))


def _planted_record(d: SynthDoc) -> dict:
    return {"doc_id": d.doc_id, "language": d.language, "region": d.region, "amounts": [asdict(a) for a in d.amounts]}


def write_corpus(folder: str | Path, n: int, seed: int = 0) -> list[SynthDoc]:
    """Write a generated corpus to ``folder``: one ``.txt`` per document, and the planted
    facts in ``.planted.jsonl`` (a hidden file, so the loader does not count it).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = generate(n, seed)
    with open(folder / PLANTED_FILE, "w", encoding="utf-8") as fh:
        for d in docs:
            (folder / f"{d.doc_id}.txt").write_text(d.text, encoding="utf-8")
            fh.write(json.dumps(_planted_record(d), ensure_ascii=False) + "\n")
    return docs


@dataclass
class Written:
    """What :func:`write_records` wrote: the documents file, the planted facts, sizes."""

    path: Path
    planted: Path
    n_docs: int
    n_bytes: int  # document texts, UTF-8


def write_records(path: str | Path, n: int, seed: int = 0, chunk_docs: int = 20_000) -> Written:
    """Write ``n`` generated documents to one ``.jsonl`` or ``.parquet`` file, streaming.

    Each record has ``doc_id`` and ``text``. The planted facts go to
    ``<path>.planted.jsonl`` (one line per document, as :func:`write_corpus` writes them).
    Memory stays bounded by ``chunk_docs`` documents, so any ``n`` fits; a Parquet file
    gets row groups of ``chunk_docs`` rows.
    """
    import polars as pl

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lower()
    if fmt not in (".jsonl", ".parquet"):
        raise ValueError(f"write_records writes .jsonl or .parquet, not {path.name!r}")
    planted = path.with_name(path.name + ".planted.jsonl")
    n_bytes = 0
    chunks: list[Path] = []
    buf: list[dict[str, str]] = []

    def flush_parquet() -> None:
        chunk = path.with_name(f".{path.name}.chunk{len(chunks):05d}")
        pl.DataFrame(buf, schema={"doc_id": pl.String, "text": pl.String}).write_parquet(chunk)
        chunks.append(chunk)
        buf.clear()

    with open(planted, "w", encoding="utf-8") as pf, open(path if fmt == ".jsonl" else os.devnull, "w", encoding="utf-8") as df:
        for d in iter_docs(n, seed):
            n_bytes += len(d.text.encode("utf-8"))
            pf.write(json.dumps(_planted_record(d), ensure_ascii=False) + "\n")
            if fmt == ".jsonl":
                df.write(json.dumps({"doc_id": d.doc_id, "text": d.text}, ensure_ascii=False) + "\n")
            else:
                buf.append({"doc_id": d.doc_id, "text": d.text})
                if len(buf) >= chunk_docs:
                    flush_parquet()
    if fmt == ".parquet":
        if buf or not chunks:
            flush_parquet()
        try:  # one file, streamed chunk by chunk
            pl.scan_parquet(chunks).sink_parquet(path, row_group_size=chunk_docs)
        finally:
            for c in chunks:
                c.unlink(missing_ok=True)
    return Written(path, planted, n, n_bytes)
