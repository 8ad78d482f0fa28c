"""Actors: named officials (title + name) and organisations, with the region they speak for.

Officials are found where a title from ``data/actors.yaml`` stands next to a personal
name, in English or Korean:

- "Incheon Mayor Park Namchun", "MSIT Second Vice Minister Park Yun-gyu",
  "Deputy Governor Kim Hyun-gon", "Mayor of Busan Park Hyung-joon",
  "Kim Dong-yeon, Governor of Gyeonggi Province";
- "부산시장 박형준", "박형준 부산시장", "이종호 과기정통부 장관", "과기정통부 박윤규 제2차관".

English names must look like romanised Korean names (a known surname and a given name
made of Korean syllables, hyphenated or not), unless an organisation is named with the
title. ``name`` is a normalised key: "Park Nam-chun" and "Park Namchun" both give
"Park Namchun".

The organisation of an official comes from the words next to the title (a region,
municipality, ministry or agency alias); failing that, a local title (Mayor, Governor,
...) takes the region the document is about, and a national title (Minister, ...) takes
National and the ministry the document names most. Organisation rows are emitted for
every alias of ``actors.yaml`` organisations and for local governments named as bodies
("Busan Metropolitan Government", 경기도청, "Suwon City Hall").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from kpolicy import gazetteer, schema
from kpolicy.schema import Column

ACTOR_TYPES: tuple[str, ...] = ("official", "organisation")
ActorType = pl.Enum(list(ACTOR_TYPES))

ACTORS = schema.register(
    schema.Table(
        "actors",
        "One row per named official (title + name) or organisation mention, with the "
        "organisation and region it stands for.",
        (
            *schema.PROVENANCE,
            Column("actor_type", ActorType, "official (a person with a title) or organisation."),
            Column("name", pl.String, "Official's name, normalised (hyphen-insensitive: 'Park Namchun'); null for organisations."),
            Column("title", pl.String, "Normalised title (Mayor, Deputy Governor, Second Vice Minister, ...); null for organisations."),
            Column("org", pl.String, "Normalised organisation (MSIT, BISTEP, Busan Metropolitan Government, ...), where known."),
            Column("org_kind", pl.String, "ministry, agency, committee, institute, techno_park, local_government, local_agency, university, international, ..."),
            Column("region", schema.Region, "Region the actor speaks for (National = central government), where inferable."),
        ),
        key=("doc_id", "char_start", "char_end"),
        module=__name__,
    )
)

# Romanised Korean surnames (Revised Romanization and common variants).
_SURNAMES_EN = (
    "Kim Gim Lee Yi Rhee Park Pak Bak Choi Choe Jung Jeong Chung Joung Kang Gang Cho Jo Yoon Yun Jang Chang "
    "Lim Im Han Oh O Seo Suh Shin Sin Kwon Gwon Hwang Ahn An Song Ryu Yoo Yu Hong Jeon Jun Chun Ko Go Moon Mun "
    "Yang Son Sohn Bae Baek Paik Heo Huh Hur Nam Sim Shim Noh Roh No Ha Kwak Gwak Sung Seong Cha Joo Ju Woo U "
    "Koo Ku Gu Min Jin Na Ji Uhm Eom Chae Won Cheon Bang Gong Kong Hyun Hyeon Ham Byun Byeon Yeom Yeo Choo Chu "
    "Do Doh So Seok Suk Sun Seon Seol Sul Ma Gil Kil Yeon Wi Pyo Myung Myeong Ki Gi Ban Wang Geum Keum Ok Yook "
    "Yuk Maeng Je Mo Tak Kook Guk Eo Eun Pyeon Yong Ye Kyung Gyeong Bong Sa Boo Bu Hwangbo Namgung Jegal Seonwoo "
    "Sunwoo Dokgo"
).split()
_SURNAMES_KO = set(
    "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 "
    "우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 "
    "제 모 탁 국 어 은 편 용 예 경 봉 사 부 태 피 탄 라 빈".split()
)
_SURNAMES_KO2 = {"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"}
# One romanised Korean syllable; a given name is one to three of them.
_SYL = (
    r"(?:kk|tt|pp|ss|jj|ch|ph|th|kh|sh|[bcdfghjklmnprstwy])?"
    r"(?:wae|yeo|yae|wa|wo|we|wi|ya|yo|yu|ye|ae|eo|eu|oe|ui|oo|ee|ou|a|e|i|o|u)"
    r"(?:ng|n|m|l|k|p|t|r|b|g)?"
)
_GIVEN_RX = re.compile(rf"(?:{_SYL}){{1,3}}", re.I)
_SURNAME_ALT = "|".join(sorted(_SURNAMES_EN, key=len, reverse=True))
_EN_NAME = re.compile(
    rf"(?P<sur>{_SURNAME_ALT})\s+(?P<given>[A-Z][a-z]+(?:-[a-z]+)?(?:\s[A-Z][a-z]{{1,4}}(?![a-z]))?)(?![\w-])"
)
_EN_GENERIC_NAME = re.compile(r"(?P<sur>[A-Z][a-z]+)\s+(?P<given>[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)(?![\w-])")
_KO_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|의|도|과|와|에게|께서|에|로|으로|측|님)$")
_NOT_GIVEN = {
    "said", "says", "announced", "added", "stated", "explained", "emphasized", "noted", "and", "the", "also",
    "will", "who", "was", "is", "has", "had", "with", "at", "in", "on", "of", "for", "to", "by", "as", "a",
    "an", "city", "province", "government", "ministry", "office", "county", "district", "mayor", "governor",
    "minister", "president", "director", "chairman", "ceo", "metropolitan", "provincial", "national",
    "korea", "korean", "seoul", "busan", "techno", "valley", "park", "center", "centre", "institute",
}

# Korean compound "region + title": 부산시장, 경기도지사, 해남군수, 강남구청장, 충북지사.
_KO_COMPOUND_TITLE = re.compile(
    r"^(?:특별시|광역시|특별자치시|특별자치도|시|도|군|구)?"
    r"(?P<t>행정부시장|경제부시장|정무부시장|부시장|행정부지사|경제부지사|정무부지사|부지사|도지사|지사|시장|군수|구청장|교육감|장)"
    r"(?:은|는|이|가|의|을|를|과|와|도|인|께서|으로|로)?(?![가-힣])"
)
_KO_TITLE_MAP = {
    "시장": "Mayor", "장": "Mayor", "도지사": "Governor", "지사": "Governor", "군수": "County Governor",
    "구청장": "District Mayor", "교육감": "Superintendent of Education", "부시장": "Deputy Mayor",
    "행정부시장": "Deputy Mayor", "경제부시장": "Deputy Mayor", "정무부시장": "Deputy Mayor",
    "부지사": "Deputy Governor", "행정부지사": "Deputy Governor", "경제부지사": "Deputy Governor",
    "정무부지사": "Deputy Governor",
}
# Korean titles that are also common nouns (시장 "market", 대표 "representative", 차관
# "loan") need an organisation next to them before a preceding word counts as a name.
_KO_AMBIGUOUS_TITLES = {"시장", "대표", "차관", "지사", "장", "사장", "실장", "국장", "과장", "단장", "대변인"}
_LOCAL_GOV_SUFFIX = re.compile(r"(?:metropolitan\s+government|provincial\s+government|city\s+hall|city\s+government|provincial\s+office|county\s+office|district\s+office|gu\s+office|state\s+government|시청|도청|군청|구청)$", re.I)


_LEAD_SPACE = re.compile(r"[\s,]*")

# Cues around a title are read from bounded windows (see gazetteer.left_context): slicing
# ``text[:start]`` / ``text[end:]`` per title made long lines quadratic.
_left_of = gazetteer.left_context
_right_of = gazetteer.right_context


@dataclass
class _Hit:
    start: int
    end: int
    entry: gazetteer.Entry


@functools.lru_cache(maxsize=None)
def _title_matcher() -> gazetteer.Matcher:
    return gazetteer.Matcher(gazetteer.title_terms())


@functools.lru_cache(maxsize=None)
def _org_matcher() -> gazetteer.Matcher:
    # Geographic aliases (Busan, 수원시) and organisations (MSIT, BISTEP) in one pass, so
    # that the longest wins ("Busan Techno Park" is the techno park, not Busan).
    return gazetteer.Matcher(gazetteer.geo_terms() + gazetteer.org_terms())


@functools.lru_cache(maxsize=None)
def _region_entry(region: str) -> gazetteer.Entry:
    """The reference entry of a canonical region (cached: looked up once per official)."""
    return next(t.entry for t in gazetteer.region_terms() if t.entry.name == region)


def normalise_name(surname: str, given: str) -> str:
    """Hyphen- and case-insensitive name key: ('Park', 'Nam-chun') -> 'Park Namchun'."""
    g = re.sub(r"[\s\-‐]+", "", given).lower()
    return f"{surname.capitalize()} {g.capitalize()}"


def _looks_korean_given(given: str) -> bool:
    parts = re.split(r"[\s\-]", given)
    if any(p.lower() in _NOT_GIVEN for p in parts):
        return False
    return _GIVEN_RX.fullmatch(re.sub(r"[\s\-]", "", given)) is not None


def _ko_name(token: str) -> str | None:
    """A Korean personal name in ``token`` (particles stripped), else None."""
    t = _KO_PARTICLE.sub("", token) if len(token) > 3 else token
    if len(t) == 3 and t[0] in _SURNAMES_KO:
        return t
    if len(t) == 4 and t[:2] in _SURNAMES_KO2:
        return t
    # Two-syllable names (김구) are left out: too many common nouns look like them.
    return None


def _org_of(entry: gazetteer.Entry) -> tuple[str, str, str | None]:
    """(org, org_kind, region) of a matched entry."""
    if entry.kind == "org":
        return entry.name, entry.get("org_kind") or "other", (entry.regions[0] if entry.regions else None)
    if entry.kind in ("region", "national"):
        if entry.kind == "national":
            return "Government of Korea", "central_government", "National"
        typ = entry.get("type") or ""
        suffix = "Provincial Government" if "province" in typ else "Metropolitan Government"
        return f"{entry.name} {suffix}", "local_government", entry.name
    if entry.kind == "place":
        kind = entry.get("kind")
        if kind in gazetteer.MUNICIPAL_KINDS:
            suffix = {"city": "City Government", "county": "County Office", "district": "District Office"}[kind]
            return f"{entry.name} {suffix}", "local_government", entry.regions[0]
        return entry.name, kind or "place", entry.regions[0]
    return entry.name, entry.kind, (entry.regions[0] if entry.regions else None)


def _doc_about(sentences: pl.DataFrame, documents: pl.DataFrame | None) -> dict[str, list[str]]:
    """Per document, the regions it is about: its ``regions``, else the places extractor's verdict."""
    about: dict[str, list[str]] = {}
    if documents is not None and "regions" in documents.columns:
        for d, regs in documents.select("doc_id", "regions").iter_rows():
            if regs:
                about[d] = list(regs)
    missing = [d for d in sentences["doc_id"].unique(maintain_order=True).to_list() if d not in about]
    if missing:
        from kpolicy.extract.places import document_verdicts

        titles = documents.select("doc_id", "title") if documents is not None and "title" in documents.columns else None
        for d, (regs, _) in document_verdicts(sentences, titles, missing).items():
            about[d] = list(regs or [])
    return about


def _top_orgs(hits_by_row: Iterable[tuple[str, list[_Hit]]]) -> dict[str, str]:
    """Per document, the national organisation (ministry, committee, agency) it names most."""
    counts: dict[str, Counter] = {}
    for d, hits in hits_by_row:
        for h in hits:
            e = h.entry
            if e.kind == "org" and e.get("org_kind") in ("ministry", "committee", "agency") and e.regions == ("National",):
                counts.setdefault(d, Counter())[e.name] += 1
    return {d: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for d, c in counts.items()}


def _officials(text: str, org_hits: list[_Hit], titles: list[gazetteer.Hit] | None = None) -> list[dict]:
    """Officials in one sentence (local offsets); org/region left None when not adjacent.

    ``titles``: the title matcher's hits in ``text``, when already known.
    """
    out: list[dict] = []
    if titles is None:
        titles = _title_matcher().find(text)
    # Korean compounds 부산시장, 경기도지사 are not title-matcher hits (the title follows
    # a Hangul syllable); build them from geographic hits.
    for h in org_hits:
        if h.entry.kind not in ("region", "place"):
            continue
        surface = text[h.start : h.end]
        if not re.search(r"[가-힣]$", surface):
            continue
        m = _KO_COMPOUND_TITLE.match(_right_of(text, h.end))
        base = h.end
        if not m and surface[-1] in "시도군구":
            # The alias swallowed the title's first syllable: 해남군 + 수 = 해남군수.
            m = re.match(r"(?P<t>군수|시장|도지사|구청장)(?:은|는|이|가|의|을|를|과|와|도|께서)?(?![가-힣])", _right_of(text, h.end - 1))
            base = h.end - 1
        if not m:
            continue
        t = m.group("t")
        if t == "장" and not surface.endswith("시"):
            continue
        tend = base + m.start("t") + len(t)
        out += _attach_ko_name(text, h.start, tend, _KO_TITLE_MAP[t], h, scope="local", ambiguous=False)
    ends = [h.end for h in org_hits]
    by_start = {}
    for h in org_hits:
        by_start.setdefault(h.start, h)
    for th in titles:
        entry = th.term.entry
        scope = entry.get("scope") or "org"
        adj = _adjacent_org(text, th.start, org_hits, ends)
        if gazetteer.is_korean(th.surface):
            start = adj.start if adj and "(" not in text[adj.end : th.start] else th.start
            out += _attach_ko_name(text, start, th.end, entry.name, adj, scope,
                                   ambiguous=th.surface in _KO_AMBIGUOUS_TITLES and adj is None, org_hits=org_hits,
                                   ends=ends)
            continue
        # "Title of Org Name" / "Title of Org" (name before).
        of = re.match(r"\s+of\s+(?:the\s+)?", _right_of(text, th.end))
        of_org = None
        name_from = th.end
        if of:
            nxt = by_start.get(th.end + of.end())
            if nxt:
                of_org, name_from = nxt, nxt.end
            elif entry.name.endswith("Minister"):
                # "Minister of Science and ICT": the ministry's name after "Ministry of".
                # The window is far longer than any alias, so hits at 0 are unchanged.
                rest = _right_of(text, th.end + of.end())
                probe = [h for h in _org_matcher().find("Ministry of " + rest) if h.start == 0]
                if probe:
                    at = th.end + of.end()
                    of_org = _Hit(at, at + probe[0].end - len("Ministry of "), probe[0].term.entry)
                    name_from = of_org.end
        name = _en_name_at(text, name_from, strict=(adj is None and of_org is None))
        start = adj.start if adj else th.start
        if name:
            out.append(_official_row(start, name[2], name[0], name[1], entry.name, adj or of_org, scope))
            continue
        # "Kim Dong-yeon, Governor of Gyeonggi Province" / "Park Hyung-joon, the Mayor of Busan".
        before = re.search(r"(?:^|[\s(])(?P<n>[A-Z][a-z]+\s+[A-Z][a-z]+(?:-[a-z]+)?),\s+(?:the\s+)?$", _left_of(text, th.start))
        if before:
            pn = _EN_NAME.fullmatch(before.group("n"))
            if pn and _looks_korean_given(pn.group("given")):
                end = of_org.end if of_org else th.end
                name_start = th.start - len(before.string) + before.start("n")
                out.append(_official_row(name_start, end, pn.group("sur"), pn.group("given"), entry.name, adj or of_org, scope))
    return out


def _adjacent_org(text: str, pos: int, org_hits: list[_Hit], ends: list[int] | None = None) -> _Hit | None:
    """The organisation/region alias ending right before ``pos`` ("Incheon Mayor", "MSIT Second Vice Minister").

    ``org_hits`` are sorted and do not overlap (:meth:`gazetteer.Matcher.find`), so their
    ends are sorted too; ``ends`` lists them. Only hits ending at most 4 characters
    before ``pos`` can be adjacent (the longest gap is " 's "); looking at those alone
    keeps a line with many titles and aliases linear.
    """
    if ends is None:
        ends = [h.end for h in org_hits]
    lo, hi = bisect.bisect_left(ends, pos - 4), bisect.bisect_right(ends, pos)
    for h in org_hits[lo:hi]:
        gap = text[h.end : pos]
        if h.end <= pos and re.fullmatch(r"\s?(?:['’]s\s)?|\s|\s?\(", gap or " "):
            if h.entry.kind == "macro":
                return None
            return h
    return None


def _en_name_at(text: str, pos: int, strict: bool) -> tuple[str, str, int] | None:
    """(surname, given, end) of a personal name starting at ``pos`` (after spaces/commas)."""
    at = _LEAD_SPACE.match(text, pos).end()
    nm = _EN_NAME.match(text, at)
    if nm and _looks_korean_given(nm.group("given")):
        given = nm.group("given")
        end = nm.end()
        # A two-word given name only when both parts are syllables ("Suk Yeol").
        if " " in given and not all(_GIVEN_RX.fullmatch(p) for p in given.split(" ")):
            given = given.split(" ")[0]
            end = nm.start("given") + len(given)
        return nm.group("sur"), given, end
    if not strict:
        gm = _EN_GENERIC_NAME.match(text, at)
        if gm and gm.group("sur").lower() not in _NOT_GIVEN and gm.group("given").lower() not in _NOT_GIVEN:
            return gm.group("sur"), gm.group("given"), gm.end()
    return None


def _attach_ko_name(text: str, start: int, end: int, title: str, org: _Hit | None, scope: str, ambiguous: bool,
                    org_hits: list[_Hit] = (), ends: list[int] | None = None) -> list[dict]:
    """Korean name after ("부산시장 박형준"), before ("박형준 부산시장") or between an
    organisation and a title ("과기정통부 이종호 장관") of a title span."""
    after = re.match(r"\s?([가-힣]{2,6})", _right_of(text, end))
    if after and not ambiguous:
        n = _ko_name(after.group(1))
        if n:
            return [_official_row(start, end + after.start(1) + len(n), None, n, title, org, scope, ko=True)]
    before = re.search(r"(?:^|[\s(\"“'‘·,])([가-힣]{3,4})\s$", text[max(0, start - 8) : start])
    if before:
        n = _ko_name(before.group(1))
        if n and len(n) == len(before.group(1)):
            name_start = max(0, start - 8) + before.start(1)
            lead = None
            if org is None:
                # Only the last hit ending at or before the name can be separated from it
                # by blanks alone (hits are sorted, do not overlap and are never blank), so
                # look at that one instead of scanning every hit of the line.
                if ends is None:
                    ends = [h.end for h in org_hits]
                k = bisect.bisect_right(ends, name_start) - 1
                h = org_hits[k] if k >= 0 else None
                if h is not None and not text[h.end : name_start].strip() and h.entry.kind != "macro":
                    lead = h
            if ambiguous and lead is None:
                return []
            return [_official_row(lead.start if lead else name_start, end, None, n, title, org or lead, scope, ko=True)]
    return []


def _official_row(start: int, end: int, surname: str | None, given: str, title: str, org: _Hit | None, scope: str, ko: bool = False) -> dict:
    name = given if ko else normalise_name(surname or "", given)
    row = {"start": start, "end": end, "actor_type": "official", "name": name, "title": title,
           "org": None, "org_kind": None, "region": None, "scope": scope}
    if org is not None:
        row["org"], row["org_kind"], row["region"] = _org_of(org.entry)
    return row


def extract_actors(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``actors`` fact table (without ``source_*``).

    Args:
        sentences: the sentences table.
        documents: the documents table (optional): its ``regions`` give local officials
            without a named organisation their region ("Deputy Governor Kim Hyun-gon" in
            a Gyeonggi document -> Gyeonggi); when absent the places extractor infers them.

    Returns:
        One row per official or organisation mention, ordered by document and position.
    """
    cols = [c for c in ACTORS.columns if c.name not in ("source_start", "source_end")]
    if sentences.height == 0:
        return pl.DataFrame(schema={c.name: c.dtype for c in cols})
    about = _doc_about(sentences, documents)
    om, tm = _org_matcher(), _title_matcher()
    # One matcher pass per sentence, and none where the cheap prefilters rule every term out.
    table = sentences.select(
        "doc_id", "sentence_idx", "char_start", "text",
        om.prefilter("text", complete=True).alias("_org"),
        tm.prefilter("text", complete=True).alias("_title"),
        om.prefilter("text").alias("_counted"),
    )
    org_hits = [
        [_Hit(h.start, h.end, h.term.entry) for h in om.find(text)] if may_org else []
        for text, may_org in table.select("text", "_org").iter_rows()
    ]
    # The national organisation a document names most is counted over the sentences of
    # the plain prefilter (as ever); the complete one can add rows only by case folding.
    top_org = _top_orgs((d, hits) for (d, counted), hits in zip(table.select("doc_id", "_counted").iter_rows(), org_hits) if counted)
    rows = []
    for (d, i, s0, text, _, may_title, _), hits in zip(table.iter_rows(), org_hits):
        if not hits and not may_title:
            continue  # no title and no organisation: nothing to find
        officials = _officials(text, hits, tm.find(text) if may_title else [])
        # Deduplicate officials found twice (a compound and a plain title) by span overlap.
        officials.sort(key=lambda r: (r["start"], -(r["end"] - r["start"])))
        kept: list[dict] = []
        # In start order, a (non-empty) official overlaps an earlier kept one exactly when
        # it starts before the furthest kept end: one comparison instead of a scan of
        # every kept official (quadratic on long lines).
        kept_end = -1
        for r in officials:
            if r["start"] >= kept_end:
                kept.append(r)
                kept_end = max(kept_end, r["end"])
        for r in kept:
            if r["region"] is None:
                regs = [x for x in about.get(d, []) if x != "National"]
                if r["scope"] == "local" and regs:
                    r["region"] = regs[0]
                    r["org"], r["org_kind"], _ = _org_of(_region_entry(regs[0]))
                elif r["scope"] == "national":
                    r["region"] = "National"
                    r["org"] = top_org.get(d)
                    r["org_kind"] = "ministry" if r["org"] else None
            rows.append({**r, "doc_id": d, "sentence_idx": i, "char_start": s0 + r["start"],
                         "char_end": s0 + r["end"], "surface": text[r["start"] : r["end"]]})
        # Kept officials do not overlap, so their ends are sorted: the only one that can
        # overlap a hit is the first ending after the hit starts.
        kept_ends = [k["end"] for k in kept]
        for h in hits:
            j = bisect.bisect_right(kept_ends, h.start)
            if j < len(kept) and kept[j]["start"] < h.end:
                continue
            surface = text[h.start : h.end]
            if h.entry.kind == "org" or (h.entry.kind in ("region", "place") and _LOCAL_GOV_SUFFIX.search(surface)):
                org, kind, region = _org_of(h.entry)
                rows.append({"doc_id": d, "sentence_idx": i, "char_start": s0 + h.start, "char_end": s0 + h.end,
                             "surface": surface, "actor_type": "organisation", "name": None, "title": None,
                             "org": org, "org_kind": kind, "region": region})
    if not rows:
        return pl.DataFrame(schema={c.name: c.dtype for c in cols})
    out = pl.DataFrame([{c.name: r.get(c.name) for c in cols} for r in rows], schema={c.name: c.dtype for c in cols})
    return out.sort("doc_id", "char_start", maintain_order=True)
