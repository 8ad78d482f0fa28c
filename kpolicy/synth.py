"""A deterministic synthetic corpus for tests and benchmarks.

:func:`generate` writes ``n`` documents (English and Korean) of news length, built from
sentence patterns of the domain: headline plans with amounts in every written form the
money extractor reads, planted translation garbles, KPI targets, schedules, quotes from
mayors, governors and ministers, agency announcements, sub-places of the region
(districts, complexes, universities) and background sentences. Sizes follow a long
tail: most documents are 1.5-4 KB of UTF-8 (about 3 KB on average, like news
articles), a few 20-40 KB.

Alongside the texts it returns (and :func:`write_corpus` saves as ``.planted.jsonl``)
what it planted — every amount with its value, every garble, and the officials and
organisations named — so a test or benchmark can check that the extractors recover it.
The output depends only on ``(n, seed, korean_share)``.

The sentences are written for kpolicy; they quote no outside source, and the people
named are made up.

:func:`generate_money` writes a second, money-only corpus for an honest benchmark of the
money extractor. It is driven by a written grammar of its own,
``kpolicy/data/synth_money_forms.yaml`` (:func:`load_money_spec`): every form of an amount
in the money contract's categories (including forms the extractor is not yet known to
read), hard negatives that look like money and are not (areas, counts, phone numbers,
dates, percentages, years, article numbers, the verb "won") and planted translation
garbles, each made from a clean figure. Every planted item gets a row of the truth table
(:class:`Truth`, :func:`truth_table`) with its exact character span in the document. This
code does not import the extractor: the two are independent readings of the contract.
"""

from __future__ import annotations

import json
import math
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
_METROPOLITAN = frozenset({"Seoul", "Busan", "Daegu", "Incheon", "Gwangju", "Daejeon", "Ulsan", "Sejong"})
# The head of each region's government as a title before a name ("Busan Mayor Kim
# Min-soo", "박지훈 부산시장"): (English, Korean, normalised title of kpolicy/data/actors.yaml).
_HEADS = {
    "Seoul": ("Seoul Mayor", "서울시장"), "Busan": ("Busan Mayor", "부산시장"), "Daegu": ("Daegu Mayor", "대구시장"),
    "Incheon": ("Incheon Mayor", "인천시장"), "Gwangju": ("Gwangju Mayor", "광주시장"),
    "Daejeon": ("Daejeon Mayor", "대전시장"), "Ulsan": ("Ulsan Mayor", "울산시장"), "Sejong": ("Sejong Mayor", "세종시장"),
    "Gyeonggi": ("Gyeonggi Governor", "경기도지사"), "Gangwon": ("Gangwon Governor", "강원도지사"),
    "Chungbuk": ("North Chungcheong Governor", "충북지사"), "Chungnam": ("South Chungcheong Governor", "충남지사"),
    "Jeonbuk": ("Jeonbuk Governor", "전북도지사"), "Jeonnam": ("South Jeolla Governor", "전남지사"),
    "Gyeongbuk": ("North Gyeongsang Governor", "경북도지사"), "Gyeongnam": ("South Gyeongsang Governor", "경남도지사"),
    "Jeju": ("Jeju Governor", "제주도지사"),
}
# Sub-places of each region (kpolicy/data/places.yaml): (English, Korean).
_SUBPLACES = {
    "Seoul": [("Gangnam", "강남구"), ("Mapo", "마포구"), ("Guro Digital Complex", "구로디지털단지"), ("Magok", "마곡지구"), ("Seongdong", "성동구")],
    "Busan": [("Haeundae", "해운대구"), ("Centum City", "센텀시티"), ("Gijang", "기장군"), ("Eco Delta City", "에코델타시티")],
    "Daegu": [("Suseong Alpha City", "수성알파시티"), ("Dalseo", "달서구"), ("Daegu Technopolis", "대구테크노폴리스"), ("DGIST", "대구경북과학기술원")],
    "Incheon": [("Songdo", "송도"), ("Cheongna", "청라"), ("Yeongjong", "영종"), ("Namdong", "남동구")],
    "Gwangju": [("Gwangsan", "광산구"), ("Cheomdan", "첨단3지구"), ("GIST", "광주과학기술원")],
    "Daejeon": [("Daedeok Innopolis", "대덕특구"), ("Yuseong", "유성구"), ("KAIST", "카이스트")],
    "Ulsan": [("Ulju", "울주군"), ("Onsan", "온산"), ("UNIST", "울산과학기술원")],
    "Sejong": [("Sejong 5-1 Living Zone", "세종 5-1 생활권")],
    "Gyeonggi": [("Pangyo Techno Valley", "판교테크노밸리"), ("Gwanggyo", "광교"), ("Dongtan", "동탄"), ("Suwon", "수원"), ("Seongnam", "성남")],
    "Gangwon": [("Chuncheon", "춘천"), ("Gangneung", "강릉"), ("Sokcho", "속초"), ("Pyeongchang", "평창")],
    "Chungbuk": [("Cheongju", "청주"), ("Osong", "오송"), ("Ochang", "오창"), ("Chungju", "충주")],
    "Chungnam": [("Cheonan", "천안"), ("Asan", "아산"), ("Seosan", "서산"), ("Dangjin", "당진")],
    "Jeonbuk": [("Jeonju", "전주시"), ("Gunsan", "군산"), ("Iksan", "익산"), ("Wanju", "완주군")],
    "Jeonnam": [("Naju Innovation City", "나주혁신도시"), ("Mokpo", "목포"), ("Yeosu", "여수"), ("Suncheon", "순천")],
    "Gyeongbuk": [("Pohang", "포항"), ("Gumi", "구미시"), ("Gyeongju", "경주시"), ("Andong", "안동")],
    "Gyeongnam": [("Changwon", "창원"), ("Jinju", "진주시"), ("Gimhae", "김해"), ("Geoje", "거제")],
    "Jeju": [("Jeju City", "제주시"), ("Seogwipo", "서귀포")],
}
# The region's own agency (kpolicy/data/actors.yaml): (English, Korean, org).
_REGIONAL_AGENCY = {
    "Seoul": ("Seoul Business Agency", "서울경제진흥원", "Seoul Business Agency"),
    "Gyeonggi": ("Gyeonggi Business & Science Accelerator", "경기도경제과학진흥원", "GBSA"),
    **{
        r: (f"{r} Techno Park", f"{ko}테크노파크", f"{r} Techno Park")
        for r, ko in [
            ("Busan", "부산"), ("Daegu", "대구"), ("Incheon", "인천"), ("Gwangju", "광주"), ("Daejeon", "대전"),
            ("Ulsan", "울산"), ("Sejong", "세종"), ("Gangwon", "강원"), ("Chungbuk", "충북"), ("Chungnam", "충남"),
            ("Jeonbuk", "전북"), ("Jeonnam", "전남"), ("Gyeongbuk", "경북"), ("Gyeongnam", "경남"), ("Jeju", "제주"),
        ]
    },
}
# Central ministries and national agencies (kpolicy/data/actors.yaml): (English, Korean, org).
_MINISTRIES = [
    ("Ministry of Science and ICT", "과학기술정보통신부", "MSIT"),
    ("Ministry of Trade, Industry and Energy", "산업통상자원부", "MOTIE"),
    ("Ministry of SMEs and Startups", "중소벤처기업부", "MSS"),
    ("Ministry of Land, Infrastructure and Transport", "국토교통부", "MOLIT"),
    ("Ministry of the Interior and Safety", "행정안전부", "MOIS"),
    ("Ministry of Education", "교육부", "MOE"),
    ("Ministry of Health and Welfare", "보건복지부", "MOHW"),
    ("Ministry of Agriculture, Food and Rural Affairs", "농림축산식품부", "MAFRA"),
]
_AGENCIES = [
    ("National IT Industry Promotion Agency", "정보통신산업진흥원", "NIPA"),
    ("National Information Society Agency", "한국지능정보사회진흥원", "NIA"),
    ("Korea Internet & Security Agency", "한국인터넷진흥원", "KISA"),
    ("Korea Institute for Advancement of Technology", "한국산업기술진흥원", "KIAT"),
    ("Korea Data Agency", "한국데이터산업진흥원", "KDATA"),
    ("Electronics and Telecommunications Research Institute", "한국전자통신연구원", "ETRI"),
    ("Korea SMEs and Startups Agency", "중소벤처기업진흥공단", "KOSME"),
]
# Ministers quoted by title + name ("Minister of Science and ICT Kang Hye-jin").
_MINISTERS = [
    ("Minister of Science and ICT", "과학기술정보통신부 장관", "MSIT"),
    ("Minister of SMEs and Startups", "중소벤처기업부 장관", "MSS"),
]
# Made-up names: romanised surname and given name, and the same name in Hangul.
_SURNAMES = [("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"), ("Kang", "강"), ("Cho", "조"),
             ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"), ("Han", "한"), ("Oh", "오"), ("Shin", "신"), ("Kwon", "권"),
             ("Hwang", "황"), ("Song", "송"), ("Ryu", "류"), ("Hong", "홍")]
_GIVEN = [("Min-soo", "민수"), ("Ji-hoon", "지훈"), ("Seo-yeon", "서연"), ("Hyun-woo", "현우"), ("Eun-ji", "은지"),
          ("Jae-won", "재원"), ("Sung-ho", "성호"), ("Young-mi", "영미"), ("Dong-hyun", "동현"), ("Hye-jin", "혜진"),
          ("Jun-ho", "준호"), ("Su-bin", "수빈"), ("Tae-yoon", "태윤"), ("Ha-neul", "하늘")]

_THEMES_EN = [
    "artificial intelligence", "big data", "smart factories", "hydrogen energy", "autonomous driving",
    "drone delivery", "smart farms", "semiconductors", "digital healthcare", "5G networks", "fintech",
    "robotics", "start-up support", "digital talent training",
]
_THEMES_KO = [
    "인공지능", "빅데이터", "스마트공장", "수소 에너지", "자율주행", "드론", "스마트팜", "반도체",
    "디지털 헬스케어", "5G 네트워크", "핀테크", "로봇", "창업 지원", "디지털 인재 양성",
]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_QUOTES_EN = [
    "This is a turning point for the regional economy",
    "We will make sure the benefits reach small businesses first",
    "Our goal is to give young people a reason to stay in the region",
    "We will work closely with the central government and local universities",
    "The plan will only succeed if companies take part from the start",
    "We have listened to residents and businesses for more than a year",
]
_QUOTES_KO = [
    "지역 경제의 전환점이 될 것이다",
    "중소기업이 가장 먼저 혜택을 보도록 하겠다",
    "청년이 지역에 머물 이유를 만들겠다",
    "중앙정부, 지역 대학과 긴밀히 협력하겠다",
    "기업이 처음부터 참여해야 성공할 수 있다",
]
_FILLER_EN = [
    "Officials said the plan reflects demand from local companies and universities.",
    "Experts noted that cooperation with the private sector is essential.",
    "The project is part of a broader push to revitalise the regional economy.",
    "Applications will be accepted through the official website.",
    "Local business groups welcomed the announcement, saying it would ease a shortage of skilled workers.",
    "An advisory committee of academics and industry representatives will review progress every six months.",
    "Critics said similar programmes in the past had struggled to attract private investment.",
    "Details of the selection criteria will be posted on the website next week.",
    "The announcement follows a series of meetings with companies, universities and research institutes.",
    "Residents can find more information at their local community service centre.",
    "Several large companies have already signed memorandums of understanding to take part.",
    "Officials acknowledged that finding enough qualified engineers remains the biggest challenge.",
]
_FILLER_KO = [
    "전문가들은 민간과의 협력이 중요하다고 강조했다.",
    "이번 사업은 지역 경제 활성화 전략의 하나다.",
    "지역 기업들은 전문 인력난 해소에 도움이 될 것이라며 환영했다.",
    "학계와 산업계 전문가로 구성된 자문위원회가 추진 상황을 정기적으로 점검한다.",
    "일각에서는 민간 투자 유치가 성패를 가를 것이라는 지적도 나온다.",
    "세부 선정 기준은 다음 주 누리집에 공고된다.",
    "이번 계획은 기업, 대학, 연구기관과의 간담회를 거쳐 마련됐다.",
    "이미 여러 대기업이 업무협약을 맺고 참여 의사를 밝혔다.",
]

PLANTED_FILE = ".planted.jsonl"


@dataclass(frozen=True)
class Planted:
    """One planted money mention: its exact surface and literal value in won."""

    surface: str
    amount_krw: float
    is_garble: bool = False


@dataclass(frozen=True)
class PlantedActor:
    """One planted actor: an organisation (``org``, as in kpolicy/data/actors.yaml) or an
    official (``name`` as the actors extractor normalises it, and ``title``)."""

    org: str | None = None
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Truth:
    """One planted item of the money corpus: ``text[char_start:char_end] == surface``.

    ``kind`` is ``amount`` (a clean amount, or the context amount of a garble), ``negative``
    (text that is not money) or ``garble``. ``category`` is the contract category of an
    amount's form, the type of a negative (area, count, ...) or ``garble``. ``value``,
    ``low`` and ``high`` are literal, in major units of ``currency``; an open bound has its
    open side ``None``. A garble has its ``garble_pattern`` and the ``intended_value`` of the
    clean figure it was made from; a garble and its context amounts share a ``group``.
    """

    doc_id: str
    char_start: int
    char_end: int
    surface: str
    kind: str
    form: str
    category: str
    language: str
    currency: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    bound: str | None = None
    garble_pattern: str | None = None
    intended_value: float | None = None
    group: int | None = None


@dataclass
class SynthDoc:
    doc_id: str
    language: str
    region: str
    text: str
    amounts: list[Planted] = field(default_factory=list)
    actors: list[PlantedActor] = field(default_factory=list)
    #: Money corpus (:func:`generate_money`) only: one row per planted item.
    truth: list[Truth] = field(default_factory=list)


# ---------------------------------------------------------------------------------
# Amounts in every written form the money extractor reads (KRW only, so that the
# planted value is the extracted amount_krw).
# ---------------------------------------------------------------------------------

_WORD_BILLIONS = [("twelve", 12), ("twenty-five", 25), ("thirty", 30), ("forty-five", 45), ("sixty", 60),
                  ("seventy-five", 75), ("ninety", 90), ("one hundred twenty", 120), ("three hundred", 300)]
_WORD_TRILLIONS = [("two", 2), ("three", 3), ("five", 5), ("seven", 7)]
_GARBLE_BILLIONS = [1408, 2175, 1656, 3321, 5770, 4427, 1039]  # 억 figures read as billions
_KO_WORDS = [("오백억 원", 5e10), ("삼천만 원", 3e7), ("천억 원", 1e11), ("이천오백만 원", 2.5e7), ("칠백억 원", 7e10)]


def _amount_en(rng: random.Random) -> tuple[str, float, bool]:
    form = rng.randrange(100)
    if form < 12:
        x = rng.randrange(11, 999) / 10
        return f"KRW {x:g} billion", float(round(x * 1e9)), False
    if form < 22:
        x = rng.randrange(11, 99) / 10
        return f"{x:g} trillion won", float(round(x * 1e12)), False
    if form < 32:
        n = rng.randrange(1, 999)
        return f"{n} million won", n * 1e6, False
    if form < 44:
        n = rng.randrange(2, 95)
        return f"{n} billion won", n * 1e9, False
    if form < 49:
        x = rng.randrange(11, 99) / 10
        return f"{x:g} trillion-won", float(round(x * 1e12)), False
    if form < 54:
        n = rng.randrange(100, 999)
        return f"₩{n} million", n * 1e6, False
    if form < 59:
        x = rng.randrange(11, 999) / 10
        return f"{x:g}bn won", float(round(x * 1e9)), False
    if form < 62:
        n = rng.randrange(100, 999)
        return f"W{n} million", n * 1e6, False
    if form < 65:
        x = rng.randrange(11, 999) / 10
        return f"KRW {x:g} bln", float(round(x * 1e9)), False
    if form < 68:
        x = rng.randrange(11, 99) / 10
        return f"{x:g}tn won", float(round(x * 1e12)), False
    if form < 71:
        x = rng.randrange(11, 99) / 10
        return f"KRW{x:g}tn", float(round(x * 1e12)), False
    if form < 74:
        n = rng.randrange(2, 95)
        return f"{n} billion KRW", n * 1e9, False
    if form < 77:
        n = rng.randrange(100, 999)
        return f"KRW {n} mn", n * 1e6, False
    if form < 80:
        a, b = rng.randrange(1, 9), rng.randrange(100, 9999)
        return f"{a} trillion {b / 10:g} billion won", a * 1e12 + b * 1e8, False
    if form < 84:
        word, n = rng.choice(_WORD_BILLIONS)
        return f"{word} billion won", n * 1e9, False
    if form < 86:
        word, n = rng.choice(_WORD_TRILLIONS)
        return f"{word} trillion won", n * 1e12, False
    # Translation garbles, flagged by the extractor: about one amount in seven.
    if form < 90:
        n = rng.randrange(2, 20)
        return f"{n} trillion trillion won", float(n * 10**24), True
    n = rng.choice(_GARBLE_BILLIONS)
    return f"KRW {n} billion", n * 1e9, True


def _amount_ko(rng: random.Random) -> tuple[str, float, bool]:
    form = rng.randrange(100)
    if form < 18:
        n = rng.randrange(2, 9999)
        return f"{n:,}억원", n * 1e8, False
    if form < 34:
        n = rng.randrange(2, 999)
        return f"{n}억 원", n * 1e8, False
    if form < 44:
        a, b = rng.randrange(1, 9), rng.randrange(1, 9) * 1000
        return f"{a}조 {b:,}억 원", a * 1e12 + b * 1e8, False
    if form < 52:
        a, b = rng.randrange(1, 99), rng.randrange(1, 9) * 1000
        return f"{a}억 {b}만 원", a * 1e8 + b * 1e4, False
    if form < 64:
        n = rng.randrange(2, 99)
        return f"{n}억원", n * 1e8, False
    if form < 68:
        a, b = rng.randrange(1, 9), rng.randrange(1, 9)
        return f"{a}조{b}천억원", a * 1e12 + b * 1e11, False
    if form < 72:
        n = rng.randrange(1, 9)
        return f"{n}천억 원", n * 1e11, False
    if form < 76:
        n = rng.randrange(1, 9)
        return f"{n}천만원", n * 1e7, False
    if form < 81:
        n = rng.randrange(1, 99) * 100
        return f"{n:,}만 원", n * 1e4, False
    if form < 85:
        n = rng.randrange(11, 999) * 10
        return f"{n:,}억여 원", n * 1e8, False
    if form < 89:
        x = rng.randrange(101, 9999) / 10
        return f"{x:g}억", float(round(x * 1e8)), False
    if form < 95:
        n = rng.randrange(1, 30)
        return f"{n}조원", n * 1e12, False
    surface, value = rng.choice(_KO_WORDS)
    return surface, value, False


# ---------------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------------


def _josa(word: str, after_consonant: str, after_vowel: str) -> str:
    """The Korean particle that fits ``word``'s last syllable (은/는, 을/를, 이/가)."""
    last = word[-1]
    if "가" <= last <= "힣":
        return after_consonant if (ord(last) - 0xAC00) % 28 else after_vowel
    return after_consonant


def _person(rng: random.Random) -> tuple[str, str, str]:
    """A made-up name: (romanised, its normalised key, Hangul)."""
    (s_en, s_ko), (g_en, g_ko) = rng.choice(_SURNAMES), rng.choice(_GIVEN)
    return f"{s_en} {g_en}", f"{s_en} {g_en.replace('-', '').capitalize()}", s_ko + g_ko


def _target_bytes(rng: random.Random) -> int:
    """A document's size in UTF-8 bytes: most 1.5-4 KB, about 3 KB on average, and a
    long tail (about one in 250 documents is 20-40 KB, a news feature or a plan text)."""
    if rng.random() < 0.004:
        return rng.randrange(20_000, 40_000)
    return int(rng.lognormvariate(math.log(2_700), 0.33))


class _Writer:
    """Accumulates a document's lines and what they plant."""

    def __init__(self, doc: SynthDoc) -> None:
        self.doc = doc
        self.lines: list[str] = []
        self.size = 0
        self._actors: set[PlantedActor] = set()

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line.encode("utf-8")) + 1

    def amount(self, planted: tuple[str, float, bool]) -> str:
        surface, value, garble = planted
        self.doc.amounts.append(Planted(surface, value, garble))
        return surface

    def actor(self, actor: PlantedActor) -> None:
        if actor not in self._actors:
            self._actors.add(actor)
            self.doc.actors.append(actor)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _doc_en(rng: random.Random, doc_id: str, target: int) -> SynthDoc:
    name, region = rng.choice(list(_REGIONS_EN.items()))
    theme = rng.choice(_THEMES_EN)
    body = "city" if region in _METROPOLITAN else "province"
    head_title, _ = _HEADS[region]
    head, head_key, _ = _person(rng)
    minister_title, _, minister_org = rng.choice(_MINISTERS)
    minister, minister_key, _ = _person(rng)
    places = _SUBPLACES[region]
    agency_en, _, agency_org = _REGIONAL_AGENCY[region]
    year = rng.randrange(2025, 2031)
    doc = SynthDoc(doc_id, "en", region, "")
    w = _Writer(doc)

    def who(capital: bool) -> str:  # news alternates the name and "the city"
        return name if rng.random() < 0.5 else ("The " if capital else "the ") + body

    title = rng.choice([
        f"{name} unveils plan to expand {theme}",
        f"{name} announces {year} roadmap for {theme}",
        f"{name} bets on {theme} to revive local industry",
    ])
    w.add(title)
    w.add("")
    w.add(
        f"{name} said on {rng.choice(_WEEKDAYS)} it will invest {w.amount(_amount_en(rng))} in {theme} projects by {year}, "
        f"as part of a plan to turn the {body} into a national hub for the industry."
    )
    while w.size < target:
        k = rng.randrange(100)
        if k < 20:
            a = w.amount(_amount_en(rng))
            t = rng.choice(_THEMES_EN)
            m_en, _, m_org = rng.choice(_MINISTRIES)
            p_en = rng.choice(places)[0]
            form = rng.randrange(7)
            if form == 0:
                line = f"{name} said it will invest {a} in {t} projects by {rng.randrange(2025, 2031)}."
            elif form == 1:
                w.actor(PlantedActor(org=m_org))
                line = f"The {m_en} will provide {a} in national funds for the programme."
            elif form == 2:
                line = f"A total of {a} has been earmarked for {t} in next year's budget."
            elif form == 3:
                line = f"{who(True)} set aside {a} to build a {t} testbed in {p_en}."
            elif form == 4:
                line = f"Private investors have pledged {a} to a new {t} fund managed by {who(False)}."
            elif form == 5:
                line = f"Of the total, {a} will go to research and development at local universities."
            else:
                line = f"The project, worth {a}, is expected to create {rng.randrange(2, 60) * 100:,} jobs."
        elif k < 28:
            w.actor(PlantedActor(name=head_key, title=head_title.split()[-1]))
            quote = rng.choice(_QUOTES_EN)
            if rng.random() < 0.5:
                line = f"\"{quote},\" {head_title} {head} said at a briefing on {rng.choice(_WEEKDAYS)}."
            else:
                line = f"{head_title} {head} said the {body} would review the plan with residents and companies every year."
        elif k < 32:
            w.actor(PlantedActor(name=minister_key, title="Minister"))
            w.actor(PlantedActor(org=minister_org))
            line = (
                f"{minister_title} {minister} said the government would support regional {rng.choice(_THEMES_EN)} hubs "
                f"such as {name}'s through joint funding and deregulation."
            )
        elif k < 42:
            kind = rng.randrange(3)
            if kind == 0:
                a_en, _, a_org = rng.choice(_AGENCIES)
                w.actor(PlantedActor(org=a_org))
                line = f"The {a_en} will select {rng.randrange(5, 80)} companies through an open call in {rng.choice(_MONTHS)}."
            elif kind == 1:
                w.actor(PlantedActor(org=agency_org))
                line = f"The {agency_en} will run the support centre and offer consulting to participating firms."
            else:
                m_en, _, m_org = rng.choice(_MINISTRIES)
                w.actor(PlantedActor(org=m_org))
                line = f"The {m_en} designated {who(False)} as a pilot zone for {rng.choice(_THEMES_EN)} last year."
        elif k < 54:
            p_en = rng.choice(places)[0]
            line = rng.choice([
                f"A {rng.choice(_THEMES_EN)} support centre will open in {p_en} in {rng.randrange(2025, 2031)}.",
                f"Companies based in {p_en} will be the first to receive support.",
                f"The site in {p_en} was chosen for its access to universities and research institutes.",
                f"A demonstration complex covering {rng.randrange(3, 90) * 1000:,} square metres will be built in {p_en}.",
            ])
        elif k < 64:
            t = rng.choice(_THEMES_EN)
            y = rng.randrange(2026, 2031)
            line = rng.choice([
                f"The plan aims to raise the share of {t} companies from {rng.randrange(5, 30)}% to {rng.randrange(31, 80)}% "
                f"and to train {rng.randrange(1, 30) * 1000:,} experts.",
                f"{who(True)} aims to nurture {rng.randrange(10, 300)} {t} companies and create {rng.randrange(1, 20) * 500:,} jobs by {y}.",
                f"By {y}, {who(False)} wants {rng.randrange(20, 90)}% of small manufacturers to use {t}.",
            ])
        elif k < 74:
            y1 = rng.randrange(2024, 2028)
            line = rng.choice([
                f"Construction will begin in {y1} and is scheduled to finish in {y1 + rng.randrange(2, 5)}.",
                f"The first phase runs from {y1} to {y1 + 2}, and a second phase will follow until {y1 + rng.randrange(4, 7)}.",
                f"{who(True)} plans to complete a feasibility study by the end of {y1}.",
            ])
        else:
            line = rng.choice(_FILLER_EN) if rng.random() < 0.8 else (
                f"Officials expect the programme to help small firms adopt {rng.choice(_THEMES_EN)} in their production lines."
            )
        w.add(line)
    doc.text = w.text()
    return doc


def _doc_ko(rng: random.Random, doc_id: str, target: int) -> SynthDoc:
    name, region = rng.choice(list(_REGIONS_KO.items()))
    theme = rng.choice(_THEMES_KO)
    body = "시" if region in _METROPOLITAN else "도"
    head_title_en, head_title = _HEADS[region]
    _, _, head = _person(rng)
    _, minister_title, minister_org = rng.choice(_MINISTERS)
    _, _, minister = _person(rng)
    places = _SUBPLACES[region]
    _, agency_ko, agency_org = _REGIONAL_AGENCY[region]
    year = rng.randrange(2025, 2031)
    doc = SynthDoc(doc_id, "ko", region, "")
    w = _Writer(doc)

    def who() -> str:  # news alternates the name and "시"/"도"
        return name if rng.random() < 0.5 else body

    w.add(rng.choice([f"{name}, {theme} 산업 육성 계획 발표", f"{name}, {year}년까지 {theme} 거점 조성"]))
    w.add("")
    a = w.amount(_amount_ko(rng))
    w.add(f"{name}는 {year}년까지 {theme} 분야에 {a}{_josa(a, '을', '를')} 투입해 {body}{_josa(body, '을', '를')} 전국적인 산업 거점으로 키우겠다고 밝혔다.")
    while w.size < target:
        k = rng.randrange(100)
        if k < 20:
            a = w.amount(_amount_ko(rng))
            obj = _josa(a, "을", "를")
            t = rng.choice(_THEMES_KO)
            form = rng.randrange(6)
            if form == 0:
                line = f"{name}는 {rng.randrange(2025, 2031)}년까지 {t} 분야에 {a}{obj} 투입한다고 밝혔다."
            elif form == 1:
                _, m_ko, m_org = rng.choice(_MINISTRIES)
                w.actor(PlantedActor(org=m_org))
                line = f"{m_ko}{_josa(m_ko, '은', '는')} 국비 {a}{obj} 지원하기로 했다."
            elif form == 2:
                line = f"총사업비는 {a} 규모로, 국비와 지방비가 나뉘어 투입된다."
            elif form == 3:
                line = f"{who()}는 올해 {t} 관련 예산으로 {a}{obj} 편성했다."
            elif form == 4:
                line = f"민간 투자 {a}{obj} 유치해 {t} 펀드를 조성한다."
            else:
                line = f"{rng.choice(places)[1]}에는 {a}{obj} 들여 {t} 실증단지를 만든다."
        elif k < 28:
            w.actor(PlantedActor(name=head, title=head_title_en.split()[-1]))
            line = (
                f"{head} {head_title}{_josa(head_title, '은', '는')} \"{rng.choice(_QUOTES_KO)}\"고 말했다."
                if rng.random() < 0.5
                else f"{head} {head_title}{_josa(head_title, '은', '는')} 매년 주민, 기업과 함께 계획을 점검하겠다고 밝혔다."
            )
        elif k < 32:
            w.actor(PlantedActor(name=minister, title="Minister"))
            w.actor(PlantedActor(org=minister_org))
            line = f"{minister} {minister_title}{_josa(minister_title, '은', '는')} 공동 재원과 규제 완화로 {name}의 {rng.choice(_THEMES_KO)} 거점을 지원하겠다고 말했다."
        elif k < 42:
            kind = rng.randrange(3)
            if kind == 0:
                _, a_ko, a_org = rng.choice(_AGENCIES)
                w.actor(PlantedActor(org=a_org))
                line = f"{a_ko}{_josa(a_ko, '은', '는')} {rng.randrange(1, 13)}월 공모를 통해 기업 {rng.randrange(5, 80)}곳을 선정한다."
            elif kind == 1:
                w.actor(PlantedActor(org=agency_org))
                line = f"{agency_ko}{_josa(agency_ko, '이', '가')} 지원센터를 운영하며 참여 기업에 컨설팅을 제공한다."
            else:
                _, m_ko, m_org = rng.choice(_MINISTRIES)
                w.actor(PlantedActor(org=m_org))
                line = f"{m_ko}{_josa(m_ko, '은', '는')} 지난해 {who()}를 {rng.choice(_THEMES_KO)} 시범지역으로 지정했다."
        elif k < 54:
            p = rng.choice(places)[1]
            line = rng.choice([
                f"{rng.randrange(2025, 2031)}년 {p}에 {rng.choice(_THEMES_KO)} 지원센터가 문을 연다.",
                f"{p} 일대 기업이 우선 지원 대상이다.",
                f"{p}{_josa(p, '은', '는')} 대학과 연구기관이 가깝다는 점에서 입지로 선정됐다.",
            ])
        elif k < 64:
            t = rng.choice(_THEMES_KO)
            y = rng.randrange(2026, 2031)
            line = rng.choice([
                f"{y}년까지 {t} 인재 {rng.randrange(1, 9)}만 명을 양성한다.",
                f"{y}년까지 {t} 기업 {rng.randrange(10, 300)}곳을 육성하고 일자리 {rng.randrange(1, 20) * 500:,}개를 만든다는 목표다.",
                f"{t} 기업 비중을 {rng.randrange(5, 30)}%에서 {rng.randrange(31, 80)}%로 높인다.",
            ])
        elif k < 74:
            y1 = rng.randrange(2024, 2028)
            line = rng.choice([
                f"{y1}년 착공해 {y1 + rng.randrange(2, 5)}년 완공할 예정이다.",
                f"1단계 사업은 {y1}년부터 {y1 + 2}년까지 진행된다.",
                f"{who()}는 {y1}년 말까지 타당성 조사를 마칠 계획이다.",
            ])
        else:
            line = rng.choice([
                *_FILLER_KO,
                f"{who()} 관계자는 지역 기업과 대학의 수요를 반영했다고 설명했다.",
                f"{who()}는 다음 달 주민 설명회를 열 계획이다.",
            ])
        w.add(line)
    doc.text = w.text()
    return doc


def iter_docs(n: int, seed: int = 0, korean_share: float = 0.3) -> Iterator[SynthDoc]:
    """Generate ``n`` documents deterministically from ``seed``, one at a time.

    Sizes follow a long tail (see :func:`_target_bytes`). The sequence is the same as
    :func:`generate`'s, without holding it in memory.
    """
    rng = random.Random(seed)
    width = max(5, len(str(n)))
    for i in range(n):
        target = _target_bytes(rng)
        doc_id = f"synth_{i:0{width}d}"
        make = _doc_ko if rng.random() < korean_share else _doc_en
        yield make(rng, doc_id, target)


def generate(n: int, seed: int = 0, korean_share: float = 0.3) -> list[SynthDoc]:
    """Generate ``n`` documents deterministically from ``seed`` (see :func:`iter_docs`)."""
    return list(iter_docs(n, seed, korean_share))


def planted_record(d: SynthDoc) -> dict:
    """What :func:`write_corpus` and :func:`write_records` write per document."""
    return {
        "doc_id": d.doc_id,
        "language": d.language,
        "region": d.region,
        "amounts": [asdict(a) for a in d.amounts],
        "actors": [asdict(a) for a in d.actors],
    }


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
            fh.write(json.dumps(planted_record(d), ensure_ascii=False) + "\n")
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
            pf.write(json.dumps(planted_record(d), ensure_ascii=False) + "\n")
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


# ---------------------------------------------------------------------------------
# The money benchmark corpus, from a written grammar (kpolicy/data/synth_money_forms.yaml)
# ---------------------------------------------------------------------------------

MONEY_SPEC_FILE = Path(__file__).parent / "data" / "synth_money_forms.yaml"
#: Truth table of a money corpus written by :func:`write_money_corpus`.
TRUTH_FILE = ".truth.jsonl"
#: The money contract's eight categories, plus ``plain`` (the news generator's forms).
MONEY_CATEGORIES = ("plain", "korean_compound", "number_words", "minor_units", "ranges", "postfix_symbols",
                    "scale_after_currency", "currencies", "open_bounds")
NEGATIVE_TYPES = ("area", "count", "phone", "date", "percentage", "year", "article", "verb_won")
BOUNDS = ("exact", "approx", "at_least", "at_most")
TRUTH_KINDS = ("amount", "negative", "garble")


def truth_schema() -> dict:
    """Polars schema of :func:`truth_table`."""
    import polars as pl

    return {
        "doc_id": pl.String, "char_start": pl.Int64, "char_end": pl.Int64, "surface": pl.String, "kind": pl.String,
        "form": pl.String, "category": pl.String, "language": pl.String, "currency": pl.String, "value": pl.Float64,
        "low": pl.Float64, "high": pl.Float64, "bound": pl.String, "garble_pattern": pl.String,
        "intended_value": pl.Float64, "group": pl.Int64,
    }


def _calc(expr: str | int | float, env: dict[str, float]) -> float:
    """Arithmetic of the spec (+ - * / %, comparisons, and/or, names of variables), without eval."""
    import ast
    import operator as op

    if isinstance(expr, (int, float)):
        return float(expr)
    bin_ops = {ast.Add: op.add, ast.Sub: op.sub, ast.Mult: op.mul, ast.Div: op.truediv, ast.Mod: op.mod}
    cmp_ops = {ast.Gt: op.gt, ast.Lt: op.lt, ast.GtE: op.ge, ast.LtE: op.le, ast.Eq: op.eq, ast.NotEq: op.ne}

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(env[node.id])
        if isinstance(node, ast.BinOp) and type(node.op) in bin_ops:
            return bin_ops[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in cmp_ops:
            return float(cmp_ops[type(node.ops[0])](ev(node.left), ev(node.comparators[0])))
        if isinstance(node, ast.BoolOp):
            vals = [bool(ev(v)) for v in node.values]
            return float(all(vals) if isinstance(node.op, ast.And) else any(vals))
        raise ValueError(f"synth_money_forms.yaml: unsupported expression {expr!r}")

    return ev(ast.parse(str(expr), mode="eval"))


def _decimal_text(x: float, places: int) -> str:
    text = f"{x:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sample_vars(rng: random.Random, spec: dict) -> tuple[dict[str, object], dict[str, float]]:
    """Draw the variables of one spec entry: (what the template shows, numeric values)."""
    for _ in range(200):
        shown: dict[str, object] = {}
        vals: dict[str, float] = {}
        for name, v in (spec.get("vars") or {}).items():
            if "int" in v:
                lo, hi = v["int"]
                n = rng.randint(lo, hi) * v.get("mult", 1)
                shown[name], vals[name] = n, float(n)
            elif "dec" in v:
                places = v.get("places", 1)
                lo, hi = (round(b * 10**places) for b in v["dec"])
                x = rng.randint(lo, hi) / 10**places
                shown[name], vals[name] = _decimal_text(x, places), x
            elif "choice" in v:
                text, value = rng.choice(v["choice"])
                shown[name], vals[name] = str(text), float(value)
            elif "expr" in v:
                x = _calc(v["expr"], vals)
                places = v.get("places", 0)
                shown[name] = int(round(x)) if x == int(x) else _decimal_text(x, places)
                vals[name] = x
            else:
                raise ValueError(f"synth_money_forms.yaml: {spec['name']}: variable {name} has no kind")
        if "where" not in spec or _calc(spec["where"], vals):
            return shown, vals
    raise ValueError(f"synth_money_forms.yaml: {spec['name']}: 'where' never holds")


def _cut_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Remove the [[ ]] markers: the plain text and the marked spans in it."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i = n = 0
    while (a := text.find("[[", i)) >= 0:
        b = text.index("]]", a)
        out.append(text[i:a])
        n += a - i
        out.append(text[a + 2:b])
        spans.append((n, n + b - a - 2))
        n += b - a - 2
        i = b + 2
    out.append(text[i:])
    return "".join(out), spans


@dataclass(frozen=True)
class MoneySpec:
    """The parsed grammar: carriers per language, forms, negatives, garbles (dicts as in the YAML)."""

    carriers: dict[str, list[str]]
    forms: list[dict]
    negatives: list[dict]
    garbles: list[dict]


def load_money_spec(path: str | Path | None = None) -> MoneySpec:
    """Read and check ``synth_money_forms.yaml`` (or ``path``): unique names, known
    categories, types, bounds and languages, one span per form and negative and one span
    per listed role of a garble, and every template renders."""
    import yaml

    data = yaml.safe_load(Path(path or MONEY_SPEC_FILE).read_text(encoding="utf-8"))
    spec = MoneySpec(data["carriers"], data["forms"], data["negatives"], data["garbles"])
    names: set[str] = set()
    rng = random.Random(0)
    for entry in [*spec.forms, *spec.negatives, *spec.garbles]:
        name = entry["name"]
        if name in names:
            raise ValueError(f"synth_money_forms.yaml: duplicate name {name}")
        names.add(name)
        if entry["language"] not in ("en", "ko"):
            raise ValueError(f"synth_money_forms.yaml: {name}: language must be en or ko")
        shown, _ = _sample_vars(rng, entry)
        lines = entry.get("lines") or [entry["template"]]
        n_spans = sum(len(_cut_spans(t.format(**shown, **_CONTEXT_PROBE))[1]) for t in lines)
        want = len(entry["spans"]) if "spans" in entry else 1
        if n_spans != want:
            raise ValueError(f"synth_money_forms.yaml: {name}: {n_spans} [[spans]], expected {want}")
    for f in spec.forms:
        if f["category"] not in MONEY_CATEGORIES or f.get("bound", "exact") not in BOUNDS or not f.get("currency"):
            raise ValueError(f"synth_money_forms.yaml: form {f['name']}: bad category, bound or currency")
    for g in spec.negatives:
        if g["type"] not in NEGATIVE_TYPES:
            raise ValueError(f"synth_money_forms.yaml: negative {g['name']}: unknown type {g['type']}")
    for g in spec.garbles:
        if not all(s["role"] in ("garble", "context") for s in g["spans"]) or sum(s["role"] == "garble" for s in g["spans"]) != 1:
            raise ValueError(f"synth_money_forms.yaml: garble {g['name']}: one span with role garble, the rest context")
    return spec


_CONTEXT_PROBE = {"body": "city", "theme": "robotics", "region": "Busan", "who": "부산시"}


class _Deck:
    """Entries dealt in shuffled rounds, so that every one is planted once per round."""

    def __init__(self, entries: list[dict], rng: random.Random) -> None:
        self.entries, self.rng, self.left = entries, rng, []  # type: ignore[var-annotated]

    def deal(self) -> dict:
        if not self.left:
            self.left = list(self.entries)
            self.rng.shuffle(self.left)
        return self.left.pop()


class _MoneyDoc:
    """Lines of one money document and the truth rows of their [[spans]]."""

    def __init__(self, doc_id: str, language: str) -> None:
        self.doc_id, self.language = doc_id, language
        self.lines: list[tuple[str, list[dict]]] = []  # (text, span records with line offsets)

    def text_and_truth(self) -> tuple[str, list[Truth]]:
        rows: list[Truth] = []
        pos = 0
        for line, spans in self.lines:
            for s in spans:
                start, end = pos + s.pop("start"), pos + s.pop("end")
                rows.append(Truth(self.doc_id, start, end, line[start - pos:end - pos], language=self.language, **s))
            pos += len(line) + 1
        return "\n".join(line for line, _ in self.lines) + "\n", rows


def _amount_fields(entry: dict, span: dict, vals: dict[str, float]) -> dict:
    value = _calc(span["value"], vals)
    bound = span.get("bound", "exact")
    low = _calc(span["low"], vals) if "low" in span else value
    high = _calc(span["high"], vals) if "high" in span else value
    if bound == "at_least":
        high = None
    elif bound == "at_most":
        low = None
    return {"currency": span["currency"], "value": value, "low": low, "high": high, "bound": bound}


def _money_doc(rng: random.Random, spec: MoneySpec, decks: dict[tuple[str, str], _Deck], doc_id: str, language: str) -> SynthDoc:
    if language == "en":
        name, region = rng.choice(list(_REGIONS_EN.items()))
        theme = rng.choice([t for t in _THEMES_EN if not any(c.isdigit() for c in t)])
        body = "city" if region in _METROPOLITAN else "province"
        ctx = {"region": name, "theme": theme, "body": body, "who": name}
        title = rng.choice([f"{name} unveils plan to expand {theme}", f"{name} bets on {theme} to revive local industry"])
        fillers = _FILLER_EN
    else:
        name, region = rng.choice(list(_REGIONS_KO.items()))
        theme = rng.choice([t for t in _THEMES_KO if not any(c.isdigit() for c in t)])
        body = "시" if region in _METROPOLITAN else "도"
        ctx = {"region": name, "theme": theme, "body": body, "who": name if rng.random() < 0.5 else body}
        title = f"{name}, {theme} 산업 육성 계획 발표"
        fillers = _FILLER_KO
    doc = _MoneyDoc(doc_id, language)
    body_lines: list[tuple[str, list[dict]]] = []
    group = 0

    def form_line() -> tuple[str, list[dict]]:
        f = decks[(language, "form")].deal()
        shown, vals = _sample_vars(rng, f)
        phrase, spans = _cut_spans(f["template"].format(**shown))
        carrier = rng.choice(spec.carriers[language])
        head, tail = carrier.split("{A}", 1)
        head = head.format(**ctx)
        tail = tail.format(**ctx, obj=_josa(phrase, "을", "를"))
        (a, b), = spans
        fields = _amount_fields(f, {"bound": f.get("bound", "exact"), **f}, vals)
        rec = {"start": len(head) + a, "end": len(head) + b, "kind": "amount", "form": f["name"], "category": f["category"], **fields}
        return head + phrase + tail, [rec]

    def negative_line() -> tuple[str, list[dict]]:
        g = decks[(language, "negative")].deal()
        shown, _ = _sample_vars(rng, g)
        line, spans = _cut_spans(g["template"].format(**shown, **ctx))
        (a, b), = spans
        return line, [{"start": a, "end": b, "kind": "negative", "form": g["name"], "category": g["type"]}]

    for _ in range(rng.randint(5, 7)):
        body_lines.append(form_line())
    for _ in range(rng.randint(2, 4)):
        body_lines.append(negative_line())
    for _ in range(rng.randint(1, 3)):
        body_lines.append((rng.choice(fillers), []))
    rng.shuffle(body_lines)
    garble_lines: list[tuple[str, list[dict]]] = []
    if rng.random() < 0.5:
        g = decks[(language, "garble")].deal()
        group += 1
        shown, vals = _sample_vars(rng, g)
        span_specs = iter(g["spans"])
        for template in g["lines"]:
            line, spans = _cut_spans(template.format(**shown, **ctx))
            recs = []
            for a, b in spans:
                s = next(span_specs)
                fields = _amount_fields(g, s, vals)
                if s["role"] == "garble":
                    recs.append({"start": a, "end": b, "kind": "garble", "form": g["name"], "category": "garble", **fields,
                                 "garble_pattern": g["pattern"], "intended_value": _calc(s["intended"], vals), "group": group})
                else:
                    recs.append({"start": a, "end": b, "kind": "amount", "form": f"{g['name']}:context", "category": "garble_context",
                                 **fields, "garble_pattern": g["pattern"], "group": group})
            garble_lines.append((line, recs))
        if g.get("position") == "headline":
            title_line, rest = garble_lines[0], garble_lines[1:]
            doc.lines.append(title_line)
            doc.lines.append(("", []))
            doc.lines.extend(rest)
            doc.lines.extend(body_lines)
        else:
            at = rng.randrange(len(body_lines) + 1)
            doc.lines += [(title, []), ("", []), *body_lines[:at], *garble_lines, *body_lines[at:]]
    else:
        doc.lines += [(title, []), ("", []), *body_lines]
    text, truth = doc.text_and_truth()
    return SynthDoc(doc_id, language, region, text, truth=truth)


def iter_money_docs(n: int, seed: int = 0, korean_share: float = 0.4, spec: MoneySpec | None = None) -> Iterator[SynthDoc]:
    """The money benchmark corpus: ``n`` short news-style documents (English and Korean),
    each with 5-7 amounts in forms of the grammar, 2-4 hard negatives, filler sentences
    and, in about half of them, one planted garble. Forms, negatives and garbles are dealt
    per language in shuffled rounds, so a corpus of a few dozen documents plants every one
    of them. Deterministic in ``(n, seed, korean_share)`` and the grammar file."""
    spec = spec or load_money_spec()
    rng = random.Random(seed)
    decks = {}
    for lang in ("en", "ko"):
        decks[(lang, "form")] = _Deck([f for f in spec.forms if f["language"] == lang], rng)
        decks[(lang, "negative")] = _Deck([g for g in spec.negatives if g["language"] == lang], rng)
        decks[(lang, "garble")] = _Deck([g for g in spec.garbles if g["language"] == lang], rng)
    width = max(5, len(str(n)))
    for i in range(n):
        language = "ko" if rng.random() < korean_share else "en"
        yield _money_doc(rng, spec, decks, f"money_{i:0{width}d}", language)


def generate_money(n: int, seed: int = 0, korean_share: float = 0.4) -> list[SynthDoc]:
    """:func:`iter_money_docs` as a list."""
    return list(iter_money_docs(n, seed, korean_share))


def _news_truth(d: SynthDoc) -> list[Truth]:
    """Truth rows for a news document (:func:`generate`), from its planted amounts in text order."""
    rows, pos = [], 0
    for p in d.amounts:
        start = d.text.index(p.surface, pos)
        pos = start + len(p.surface)
        pattern = intended = None
        if p.is_garble:
            pattern = "duplicated_scale" if "trillion trillion" in p.surface else "eok_as_billion"
            intended = p.amount_krw / 1e12 if pattern == "duplicated_scale" else p.amount_krw / 10
        rows.append(Truth(d.doc_id, start, pos, p.surface, "garble" if p.is_garble else "amount", "news", "garble" if p.is_garble else "plain",
                          d.language, "KRW", p.amount_krw, p.amount_krw, p.amount_krw, "exact", pattern, intended))
    return rows


def truth_table(docs: list[SynthDoc]):
    """One row per planted item of ``docs`` (a polars DataFrame, :func:`truth_schema`).

    A money-corpus document contributes its :attr:`SynthDoc.truth`; a news document
    (:func:`generate`) its planted amounts and garbles, located in its text."""
    import polars as pl

    rows = [asdict(t) for d in docs for t in (d.truth or _news_truth(d))]
    return pl.DataFrame(rows, schema=truth_schema(), orient="row") if rows else pl.DataFrame(schema=truth_schema())


def write_money_corpus(folder: str | Path, n: int, seed: int = 0) -> list[SynthDoc]:
    """Write :func:`generate_money`'s documents to ``folder`` (one ``.txt`` each) and their
    truth rows to ``.truth.jsonl`` (a hidden file, which the loader skips)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = generate_money(n, seed)
    with open(folder / TRUTH_FILE, "w", encoding="utf-8") as fh:
        for d in docs:
            (folder / f"{d.doc_id}.txt").write_text(d.text, encoding="utf-8")
            for t in d.truth:
                fh.write(json.dumps(asdict(t), ensure_ascii=False) + "\n")
    return docs
