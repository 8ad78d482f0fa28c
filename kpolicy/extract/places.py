"""Regions: every mention of a region, sub-place or macro-region, and what a document is about.

Two products:

- :func:`extract_regions` — the ``regions`` fact table: one row per (mention, region).
  A region alias yields one row; a sub-place (Pangyo Techno Valley, 수원시) yields one
  row for the region containing it, with ``place`` set; a macro-region (Yeongnam, 수도권)
  yields **one row per member region**, each with ``macro_region`` set, so that counting
  rows by ``region`` counts mentions of each region. Central-government phrases and
  ministries ("the government", "MSIT", 과기정통부) yield ``National`` rows.
- :func:`about_regions` — per document, the regions it is *about* (most central first)
  and its government level. The corpus loader uses it when the catalog does not curate
  a document; the ``is_about`` column of the fact table carries the same verdict.

Each mention gets a ``mention_role``:

- ``subject``: the region acts or speaks: it opens a clause followed by a verb or an
  organisation word ("Incheon City has established", "The Ministry ... announced",
  부산시는), it is named with an official ("Busan Mayor", "Governor of Gyeonggi",
  부산시장), or it is a source ("according to Busan City");
- ``comparison``: it is a yardstick ("comparable to Pangyo Techno Valley", "like
  Seoul", 판교처럼, 서울보다), including the rest of a list that follows such a cue;
- ``macro``: it was reached through a macro-region;
- ``list``: it is one of three or more regions named in one sentence;
- ``location``: anything else (where something happens, a pilot site, a name).

What a document is about is scored, not looked up: subject mentions count most,
especially in the title and lead, and the first actor of the headline or lead (the
announcer: "The Ministry of Science and ICT announced", "Suwon City has ...") gets a
bonus; the title and lead count more than the body; plain mentions count a little;
comparison mentions count nothing; macro and list mentions count little. Anaphora ("the
city announced", 도는) strengthens the leading candidate of the matching kind. The bare
words "Korea"/한국/우리나라 count for National only as the subject of a clause ("Korea
will invest") and never make mention rows. The winner and any region close to it with
subject evidence of its own (joint announcements) are the document's regions; the
level is ``national`` for National, ``municipal`` when a city, county or district is
the main actor, else the leading region's level.

Gwangju rule. 광주, 광주시 and "Gwangju" alone are Gwangju Metropolitan City. Gyeonggi's
Gwangju-si (경기 광주시, "Gwangju, Gyeonggi") is read for them in two contexts: (1) the
document names that city with its qualifier once (``claims_bare_aliases_of`` in
``municipalities.yaml``): its bare mentions are then that city; (2) the bare name stands
in a list next to another Gyeonggi city or county and next to no place outside Gyeonggi
(광주시·하남시·이천시, "Hanam and Gwangju"). Only the forms in ``claimable_aliases`` move:
광주광역시 and "Gwangju Metropolitan City" are always the metropolitan city.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import polars as pl

from kpolicy import gazetteer, schema
from kpolicy.schema import Column

MENTION_ROLES: tuple[str, ...] = ("subject", "comparison", "location", "list", "macro")
MentionRole = pl.Enum(list(MENTION_ROLES))
MATCH_KINDS: tuple[str, ...] = ("region", "national", "place", "macro", "org")
MatchKind = pl.Enum(list(MATCH_KINDS))

REGIONS = schema.register(
    schema.Table(
        "regions",
        "One row per mention of a region and per region it stands for: a macro-region "
        "mention (Yeongnam, 수도권) gives one row per member region; a sub-place (Pangyo, "
        "수원시) gives the row of its region. `is_about` marks the regions the document "
        "is about (see `about_regions`).",
        (
            *schema.PROVENANCE,
            Column("region", schema.Region, "Canonical region the mention stands for (National = central government)."),
            Column("match_kind", MatchKind, "What matched: region alias, national phrase, sub-place, macro-region or national organisation."),
            Column("matched", pl.String, "Canonical name of the matched entry (region, place, macro-region or organisation)."),
            Column("alias", pl.String, "The reference-data alias that matched, as written in kpolicy/data."),
            Column("place", pl.String, "Sub-place name when a sub-place matched, else null."),
            Column("place_kind", pl.String, "Kind of the sub-place (city, county, district, complex, venue, ...), else null."),
            Column("macro_region", pl.String, "Macro-region name when a macro-region matched, else null."),
            Column("mention_role", MentionRole, "subject, comparison, location, list or macro (see module docs)."),
            Column("is_about", pl.Boolean, "The region is one the document is about."),
        ),
        key=("doc_id", "char_start", "char_end", "region"),
        module=__name__,
    )
)

# Context cues --------------------------------------------------------------------------

# A clause opening: start of sentence (after bullets, bracketed bylines, datelines),
# after a comma/semicolon (optionally with a conjunction), or after "and".
_CLAUSE_START = re.compile(
    r"(?:^|[,;:]\s*(?:and\s+|but\s+|while\s+|whereas\s+|meanwhile\s+)?|\band\s+|\bwhile\s+|\bmeanwhile,?\s+)"
    r"(?:the\s+|a\s+)?$",
    re.I,
)
_LINE_PREFIX = re.compile(r"^\s*(?:[•▲◆◇ㅇ□○■●\-*·]\s*)?(?:\[[^\]]{0,80}\]\s*)?(?:\([^)]{0,40}\)\s*)?(?:[\"'“‘]\s*)?")
_EN_ORG_WORD = r"(?:city|metropolitan\s+government|provincial\s+government|government|province|office|council|county|district|authorities|officials?|ministry)"
_EN_VERB = (
    r"(?:has|have|had|will|would|shall|plans?|planned|planning|announced|announces|announce|said|says|"
    r"unveiled|unveils|is|was|are|were|held|holds|hosts|hosted|launched|launches|signed|signs|"
    r"selected|selects|prepared|prepares|established|establishes|aims|aimed|intends|intended|"
    r"decided|decides|revealed|reveals|released|releases|set|sets|pushes|pushed|promotes|"
    r"promoted|declared|declares|opened|opens|began|begins|started|starts|introduced|introduces|"
    r"completed|completes|invests|invested|seeks|sought|expects|expanded|expands|secured|"
    r"secures|designated|designates|organized|organised|organizes|organises|operates|operated|"
    r"carries|carried|pursues|pursued|presented|presents|proposed|proposes|stated|states|"
    r"explained|explains|emphasized|emphasised|added|adds|hopes|hoped|wants|wanted|can|could|"
    r"must|may|might|also|recently|officially|formally|finally|successfully|newly|jointly|"
    r"prepares|creates|created|builds|built|develops|developed|supports|supported|"
    r"attracted|attracts|won|wins|ranked|ranks|became|becomes|joins?|eyes?|seeks?|targets?|bets?|leads?|"
    r"tops?|steps\s+up|speeds\s+up|kicks\s+off|accelerates?|nurtures?|fosters?|pushes|pursues|"
    r"(?-i:to\s+[a-z]{2,}))"
)
# Whitespace runs are possessive (``\s*+``): what follows them never starts with
# white space, so the match is the same, but a long blank run can no longer be split
# between two adjacent ``\s*`` in every way (quadratic backtracking).
_EN_SUBJECT_RIGHT = re.compile(
    rf"^(?:['’]s\s++(?:city\s+hall|government|office|administration))?\s*+"
    rf"(?:{_EN_ORG_WORD}\s++)?(?:\([^)]{{0,60}}\)\s*+)?,?\s*+{_EN_VERB}\b",
    re.I,
)
_EN_TITLE_RIGHT = re.compile(
    r"^(?:['’]s)?\s*(?:(?:metropolitan|provincial)\s+)?(?:city\s+|provincial\s+)?"
    r"(?:mayor|governor|deputy\s+governor|vice[\s-]governor|deputy\s+mayor|vice\s+mayor|"
    r"county\s+(?:governor|head|mayor)|district\s+(?:mayor|head|chief)|superintendent|"
    r"minister|vice\s+minister|first\s+vice\s+minister|second\s+vice\s+minister|"
    r"1st\s+vice\s+minister|2nd\s+vice\s+minister|third\s+vice\s+minister|commissioner|"
    r"chairman|chairperson|head|director|official|spokes(?:person|man|woman))\b",
    re.I,
)
_EN_TITLE_LEFT = re.compile(
    r"(?:mayor|governor|deputy\s+governor|vice[\s-]governor|deputy\s+mayor|vice\s+mayor|head|"
    r"minister|superintendent\s+of\s+education|according\s+to|officials?\s+(?:of|from)|"
    r"spokes(?:person|man|woman)\s+(?:of|for))\s+(?:of\s+)?(?:the\s+)?$",
    re.I,
)
_EN_COMPARISON_LEFT = re.compile(
    r"(?:comparable\s+to|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|similar\s+to|"
    r"like|unlike|as\s+in|than|akin\s+to|on\s+(?:a\s+)?par\s+with|rival(?:l?ing)?|"
    r"model(?:l?ed)?\s+(?:on|after)|benchmark(?:ing|ed)?|following\s+(?:the\s+)?(?:example|footsteps)\s+of|"
    r"emulat(?:e|ing)|resembl(?:e|ing)|the\s+next|a\s+second|another|versus|vs\.?)"
    r"\s+(?:in\s+|at\s+)?(?:the\s+|that\s+(?:of|in)\s+|those\s+(?:of|in)\s+|what\s+\w+\s+\w+\s+in\s+)?$",
    re.I,
)
_KO_SUBJECT_RIGHT = re.compile(
    r"^(?:특별자치시|특별자치도|특별시|광역시|시|도|군|구|청)?(?:청)?\s?(?:\([^)]{0,40}\)\s?)?"
    r"(?:는|은|이|가|에서는|측은|당국은)(?![가-힣])"
)
_KO_TITLE_RIGHT = re.compile(
    r"^(?:특별자치시|특별자치도|특별시|광역시|시|도|군|구)?\s?"
    r"(?:시장|도지사|지사|군수|구청장|부시장|부지사|교육감|장관|차관|제1차관|제2차관|청장|장)"
    r"(?:은|는|이|가|의|을|를|과|와|도|인|으로|로)?(?![가-힣])"
)
_KO_COMPARISON_RIGHT = re.compile(
    r"^(?:특별자치시|특별자치도|특별시|광역시|시|도|군|구)?\s?"
    r"(?:처럼|보다|만큼|와\s?같은|과\s?같은|같은|와\s?비슷한|과\s?비슷한|에\s?버금가는|에\s?비해|와\s?비교|과\s?비교|"
    r"\s?수준의|\s?수준으로|을\s?벤치마킹|를\s?벤치마킹|\s?대비|\s?모델을|형\s)"
)
_COORD_JOIN = re.compile(r"^(?:\s*(?:,|and|&|·|ㆍ)\s*|(?:시|도|군|구)?(?:와|과|,|·)\s?)$", re.I)
# Possessive leading blanks: with the optional word absent, "\s*\s*$" on a long blank
# run that does not end the gap backtracked quadratically.
_LIST_JOIN = re.compile(r"^\s*+(?:,|and|or|&|·|ㆍ|및|와|과|,\s*and)?\s*$", re.I)

# Anaphora: the acting body referred back to.
# The parenthesis is bounded (as in _EN_SUBJECT_RIGHT): "[^)]*" rescanned the rest of
# the text after every "the city (" that is never closed.
_EN_ANAPHOR = re.compile(r"\bthe\s+(city|province|ministry|government|county|district|metropolitan\s+government|provincial\s+government)\b(?=\s*+(?:\([^)]{0,200}\)\s*+)?,?\s*+" + _EN_VERB + r"\b)", re.I)
_KO_ANAPHOR = re.compile(r"(?:^|(?<=[\s\"'“]))(시|도|군|구|부)(?:는|가)\s")

# Weights of evidence for what a document is about.
_W_SUBJECT_LEAD = 6.0
_W_SUBJECT = 3.0
_W_OFFICIAL = 4.0
_W_TITLE = 3.0
_W_LEAD = 1.5
_W_LOCATION = 1.0
_W_LIST = 0.3
_W_MACRO = 0.3
_W_ANAPHOR = 1.5
_W_ANNOUNCER = 4.0
_PLACE_FACTOR = 0.7  # a complex or venue says less about the actor than a region name
_LEAD_SENTENCES = 3  # the headline, a sub-headline and the lead sentence

# Context cues are read from bounded windows either side of a mention (see
# gazetteer.left_context): slicing ``text[:start]`` / ``text[end:]`` made long lines quadratic.
_left_of = gazetteer.left_context
_right_of = gazetteer.right_context


@dataclass(slots=True)
class Mention:
    """One match with its context-derived role (internal)."""

    doc_id: str
    sentence_idx: int
    sent_start: int
    start: int  # within the sentence
    end: int
    surface: str
    term: gazetteer.Term
    role: str = "location"
    is_official: bool = False
    in_title: bool = False

    @property
    def kind(self) -> str:
        return self.term.entry.kind

    @property
    def regions(self) -> tuple[str, ...]:
        return self.term.entry.regions


@functools.lru_cache(maxsize=None)
def _matcher() -> gazetteer.Matcher:
    return gazetteer.geo_matcher()


def _is_clause_start(left: str) -> bool:
    stripped = _LINE_PREFIX.sub("", left, count=1) if _LINE_PREFIX.match(left) else left
    # Only punctuation before the mention: "[부산", "(Busan", "“Seoul".
    if not re.sub(r"[\s\[\](){}<>【】〔〕「」『』\"'“”‘’•▲◆■□○●·\-–—*#:]", "", stripped):
        return True
    return _CLAUSE_START.search(stripped) is not None


def _role(text: str, hit: gazetteer.Hit) -> tuple[str, bool]:
    """Role of one hit from its sentence context; second value: named with an official."""
    if hit.term.entry.kind == "macro":
        return "macro", False
    left, right = _left_of(text, hit.start), _right_of(text, hit.end)
    if gazetteer.is_korean(hit.surface) or re.match(r"^\s*+[가-힣]", right):
        if _KO_COMPARISON_RIGHT.match(right):
            return "comparison", False
        if _KO_TITLE_RIGHT.match(right):
            return "subject", True
        if _KO_SUBJECT_RIGHT.match(right) and (hit.start <= 25 or hit.term.entry.kind in ("national", "org")):
            return "subject", False
    if _EN_COMPARISON_LEFT.search(left[-80:]):
        return "comparison", False
    if _EN_TITLE_RIGHT.match(right):
        return "subject", True
    if _EN_TITLE_LEFT.search(left[-60:]):
        return "subject", True
    if _EN_SUBJECT_RIGHT.match(right) and _is_clause_start(left):
        return "subject", False
    return "location", False


def _sentence_mentions(doc_id: str, idx: int, sent_start: int, text: str) -> list[Mention]:
    hits = _matcher().find(text)
    out = []
    for h in hits:
        role, official = _role(text, h)
        out.append(Mention(doc_id, idx, sent_start, h.start, h.end, h.surface, h.term, role, official))
    # A comparison cue governs the rest of its list: "comparable to Pangyo and Magok",
    # "like Seoul's Gangnam".
    for prev, cur in zip(out, out[1:]):
        if prev.role == "comparison" and cur.role in ("location", "subject") and not cur.is_official:
            gap = text[prev.end : cur.start]
            if _LIST_JOIN.match(gap) or re.fullmatch(r"['’]s\s+", gap):
                cur.role = "comparison"
    # Coordinated subjects share the verb: "Busan and Ulsan signed", "부산시와 울산시는".
    for _ in range(2):
        for prev, cur in zip(out, out[1:]):
            if not _COORD_JOIN.match(text[prev.end : cur.start]):
                continue
            if cur.role == "subject" and prev.role == "location" and _is_clause_start(_left_of(text, prev.start)):
                prev.role = "subject"
            elif prev.role == "subject" and not prev.is_official and cur.role == "location" and (
                _EN_SUBJECT_RIGHT.match(_right_of(text, cur.end)) or _KO_SUBJECT_RIGHT.match(_right_of(text, cur.end))
            ):
                cur.role = "subject"
    _claim_by_list(text, out)
    # Three or more distinct regions named in one sentence: an enumeration.
    geo = [m for m in out if m.kind in ("region", "place") and m.role == "location"]
    # A weak alias inside a longer name ("Korea AI Film Festival") is no subject.
    for m in out:
        if m.kind == "national_weak" and m.role == "subject" and m.is_official:
            m.role = "location"
    if len({r for m in geo for r in m.regions}) >= 3:
        for m in geo:
            m.role = "list"
    return out


@functools.lru_cache(maxsize=None)
def _list_claimants() -> dict[str, gazetteer.Entry]:
    """Region name -> the place that claims its bare aliases (Gwangju -> Gwangju (Gyeonggi))."""
    out = {}
    for t in gazetteer.place_terms():
        claimed = t.entry.get("claims_bare_aliases_of")
        if claimed:
            out.setdefault(claimed, t.entry)
    return out


def _claim_by_list(text: str, out: list[Mention]) -> None:
    """A bare claimable region alias listed among municipalities of the claiming place's
    region only (광주시·하남시, "Hanam and Gwangju") is that place."""
    claims = _list_claimants()
    if not claims:
        return
    for i, m in enumerate(out):
        place = claims.get(m.term.entry.name) if m.kind == "region" else None
        if place is None or not gazetteer.claimable(m.term, place):
            continue
        # The run of mentions joined to m by list separators, on both sides.
        lo = i
        while lo > 0 and _LIST_JOIN.match(text[out[lo - 1].end : out[lo].start]) and out[lo - 1].kind != "macro":
            lo -= 1
        hi = i
        while hi + 1 < len(out) and _LIST_JOIN.match(text[out[hi].end : out[hi + 1].start]) and out[hi + 1].kind != "macro":
            hi += 1
        others = [o for o in out[lo : hi + 1] if o is not m]
        home = place.regions
        if others and all(
            o.kind == "place" and o.term.entry.get("kind") in gazetteer.MUNICIPAL_KINDS and o.regions == home
            for o in others
        ):
            m.term = gazetteer.Term(m.term.text, place, m.term.not_followed_by)


def find_mentions(sentences: pl.DataFrame) -> list[Mention]:
    """All geographic mentions in a sentences table, with roles (internal helper)."""
    if sentences.height == 0:
        return []
    cand = sentences.filter(_matcher().prefilter("text")).select("doc_id", "sentence_idx", "char_start", "text")
    out: list[Mention] = []
    for doc_id, idx, start, text in cand.iter_rows():
        out += _sentence_mentions(doc_id, int(idx), int(start), text)
    return _apply_claims(out)


# The loader infers documents.regions from a batch's sentences (about_regions), and the
# regions table and the actors' document context then read the same sentences table:
# the mentions one of these stages found are reused by the others, so that the matcher
# runs once over each sentence. The table is held weakly and must be the very same
# object (tables are not modified in place); callers must not modify the mentions. A
# stage asked again for the same table finds them again (its own run stays a full run).
_shared_mentions: tuple[weakref.ref[pl.DataFrame], int, list[Mention], str] | None = None


def _shared(sentences: pl.DataFrame, stage: str) -> list[Mention] | None:
    """The mentions another stage found in this very table, else None."""
    if _shared_mentions is None:
        return None
    ref, height, mentions, found_by = _shared_mentions
    if found_by != stage and ref() is sentences and height == sentences.height:
        return mentions
    return None


def _mentions_of(sentences: pl.DataFrame, stage: str) -> list[Mention]:
    """:func:`find_mentions` of ``sentences`` for ``stage``, reusing another stage's."""
    global _shared_mentions
    mentions = _shared(sentences, stage)
    if mentions is None:
        mentions = find_mentions(sentences)
        _shared_mentions = (weakref.ref(sentences), sentences.height, mentions, stage)
    return mentions


def _apply_claims(mentions: list[Mention]) -> list[Mention]:
    """Read bare region aliases as a qualified place the same document names.

    A place with ``claims_bare_aliases_of: R`` (Gyeonggi's 광주시, named "경기 광주시"
    once) turns the document's other mentions of region R's ``claimable_aliases`` (all
    of R's aliases when the place lists none) into mentions of that place.
    """
    claims: dict[str, dict[str, gazetteer.Entry]] = defaultdict(dict)
    for m in mentions:
        claimed = m.term.entry.get("claims_bare_aliases_of") if m.kind == "place" else None
        if claimed:
            claims[m.doc_id][claimed] = m.term.entry
    if not claims:
        return mentions
    for m in mentions:
        entry = claims.get(m.doc_id, {}).get(m.term.entry.name) if m.kind == "region" else None
        if entry is not None and gazetteer.claimable(m.term, entry):
            m.term = gazetteer.Term(m.term.text, entry, m.term.not_followed_by)
    return mentions


# About -------------------------------------------------------------------------------------


def _weight(m: Mention, lead: bool) -> float:
    if m.role == "comparison" or (m.kind == "national_weak" and m.role != "subject"):
        return 0.0
    if m.role == "macro":
        return _W_MACRO
    if m.role == "list":
        return _W_LIST
    if m.role == "subject":
        w = _W_OFFICIAL if m.is_official else (_W_SUBJECT_LEAD if lead or m.in_title else _W_SUBJECT)
        if m.is_official and (lead or m.in_title):
            w = _W_SUBJECT_LEAD
    elif m.in_title:
        w = _W_TITLE
    elif lead:
        w = _W_LEAD
    else:
        w = _W_LOCATION
    if m.kind == "place" and m.term.entry.get("kind") not in gazetteer.MUNICIPAL_KINDS:
        w *= _PLACE_FACTOR
    return w


def _doc_verdict(mentions: list[Mention], anaphora: dict[str, int]) -> tuple[list[str], str | None]:
    """(regions about, level) from one document's mentions."""
    score: dict[str, float] = defaultdict(float)
    has_subject: dict[str, bool] = defaultdict(bool)
    # Subject evidence from a municipality (Suwon City announced) vs the region itself.
    muni_subject: dict[str, float] = defaultdict(float)
    region_subject: dict[str, float] = defaultdict(float)
    for m in mentions:
        lead = m.sentence_idx < _LEAD_SENTENCES
        w = _weight(m, lead)
        for r in m.regions:
            score[r] += w
            if m.role == "subject":
                has_subject[r] = True
                if m.kind == "place" and m.term.entry.get("kind") in gazetteer.MUNICIPAL_KINDS:
                    muni_subject[r] += w
                elif m.kind in ("region", "national", "national_weak", "org"):
                    region_subject[r] += w
    if not score:
        return [], None
    # The announcer: the first actor of the headline or lead ("The Ministry of ...
    # announced", "Suwon City has ...") speaks for the document; later actors are often
    # the places its programme reaches.
    firsts = sorted(
        (m for m in mentions if m.role == "subject" and (m.in_title or m.sentence_idx < _LEAD_SENTENCES)),
        key=lambda m: (not m.in_title, m.sentence_idx, m.start),
    )
    if firsts:
        m = firsts[0]
        for r in m.regions:
            score[r] += _W_ANNOUNCER
            if m.kind == "place" and m.term.entry.get("kind") in gazetteer.MUNICIPAL_KINDS:
                muni_subject[r] += _W_ANNOUNCER
            else:
                region_subject[r] += _W_ANNOUNCER
    # Anaphora ("the city announced", "the province plans") back the leading candidate
    # of the matching kind.
    ranked = sorted(score, key=lambda r: (-score[r], schema.REGION_NAMES.index(r)))
    for kind, n in anaphora.items():
        for r in ranked:
            lvl = gazetteer.region_level(r)
            ok = (
                (kind == "national" and r == "National")
                or (kind == "city" and lvl == "metropolitan")
                or (kind == "city" and muni_subject.get(r, 0) > 0)
                or (kind == "province" and lvl == "provincial")
                or (kind == "municipal" and (muni_subject.get(r, 0) > 0 or r != "National"))
            )
            if ok and score[r] > 0:
                score[r] += _W_ANAPHOR * min(n, 4)
                break
    ranked = sorted(score, key=lambda r: (-score[r], schema.REGION_NAMES.index(r)))
    top = ranked[0]
    if score[top] <= 0:
        return [], None
    about = [top]
    for r in ranked[1:]:
        if score[r] >= 0.5 * score[top] and has_subject[r] and r != "National" and top != "National":
            about.append(r)
    if top == "National":
        level = "national"
    elif muni_subject.get(top, 0) > region_subject.get(top, 0):
        level = "municipal"
    else:
        level = gazetteer.region_level(top)
    return about, level


def _anaphora(texts: list[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for t in texts:
        for m in _EN_ANAPHOR.finditer(t):
            word = m.group(1).lower()
            if word in ("ministry", "government"):
                counts["national"] += 1
            elif word in ("city", "metropolitan government"):
                counts["city"] += 1
            elif word in ("province", "provincial government"):
                counts["province"] += 1
            else:
                counts["municipal"] += 1
        for m in _KO_ANAPHOR.finditer(t):
            counts[{"시": "city", "도": "province", "부": "national"}.get(m.group(1), "municipal")] += 1
    return counts


def _title_mentions(doc_id: str, title: str | None) -> list[Mention]:
    if not title:
        return []
    out = _sentence_mentions(doc_id, -1, 0, title)
    for k, m in enumerate(out):
        m.in_title = True
        m.sentence_idx = 0
        # A headline opens with its actor ("Suwon to open AI centre", "수원시, AI 센터").
        if m.role == "location" and _is_clause_start(_left_of(title, m.start)) and (
            k == 0 or (out[k - 1].role == "subject" and _COORD_JOIN.match(title[out[k - 1].end : m.start]))
        ):
            m.role = "subject"
    return out


def _verdicts(
    sentences: pl.DataFrame,
    titles: pl.DataFrame | None,
    mentions: list[Mention],
    only: Collection[str] | None = None,
) -> dict[str, tuple[list[str], str | None]]:
    """(regions about, level) per document of ``sentences`` (those in ``only``, when given)."""
    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if only is None or m.doc_id in only:
            by_doc[m.doc_id].append(m)
    title_of: dict[str, str] = {}
    if titles is not None and titles.height:
        title_of = {d: t for d, t in titles.select("doc_id", "title").iter_rows() if t and (only is None or d in only)}
    texts: dict[str, list[str]] = defaultdict(list)
    rows = sentences.select("doc_id", "text")
    if only is not None:
        rows = rows.filter(pl.col("doc_id").is_in(list(only)))
    for d, t in rows.iter_rows():
        texts[d].append(t)
    out = {}
    for doc_id in rows["doc_id"].unique(maintain_order=True).to_list():
        ms = list(by_doc.get(doc_id, []))
        ms += _title_mentions(doc_id, title_of.get(doc_id))
        out[doc_id] = _doc_verdict(ms, _anaphora(texts.get(doc_id, [])))
    return out


def document_verdicts(
    sentences: pl.DataFrame, titles: pl.DataFrame | None, doc_ids: Collection[str]
) -> dict[str, tuple[list[str], str | None]]:
    """(regions about, level) of the documents ``doc_ids`` of ``sentences``, as
    :func:`about_regions` gives them; the mentions of the whole table are reused when
    another stage found them (see :func:`_mentions_of`)."""
    if not doc_ids:
        return {}
    only = set(doc_ids)
    mentions = _shared(sentences, "document_verdicts")
    if mentions is None:
        mentions = find_mentions(sentences.filter(pl.col("doc_id").is_in(list(only))))
    return _verdicts(sentences, titles, mentions, only)


def about_regions(sentences: pl.DataFrame, titles: pl.DataFrame | None = None) -> pl.DataFrame:
    """The regions each document is about, most central first, and its level.

    Args:
        sentences: the sentences table (``doc_id``, ``sentence_idx``, ``text``, ...).
        titles: ``doc_id``, ``title`` (may be None or miss documents).

    Returns:
        One row per ``doc_id`` present in ``sentences``, in order of first appearance:
        ``doc_id`` (String), ``regions`` (List(Region), possibly empty when no region
        is named at all), ``level`` (Level or null): ``national`` when the central
        government is the subject, ``municipal`` when a city/county/district is,
        otherwise the level of the leading region (metropolitan for special and
        metropolitan cities and Sejong, provincial for provinces).
    """
    verdicts = _verdicts(sentences, titles, _mentions_of(sentences, "about_regions"))
    rows = [{"doc_id": d, "regions": v[0], "level": v[1]} for d, v in verdicts.items()]
    return pl.DataFrame(
        rows, schema={"doc_id": pl.String, "regions": pl.List(schema.Region), "level": schema.Level}
    )


def extract_regions(sentences: pl.DataFrame, documents: pl.DataFrame | None = None) -> pl.DataFrame:
    """The ``regions`` fact table (without ``source_*``, which facts.build adds).

    Args:
        sentences: the sentences table.
        documents: the documents table, optional. When given, its ``regions`` (curated
            or inferred by the loader) decide ``is_about``, and its titles feed the
            about-inference for documents whose ``regions`` is null.

    Returns:
        One row per (mention, region), ordered by document and position.
    """
    mentions = _mentions_of(sentences, "extract_regions")
    titles = documents.select("doc_id", "title") if documents is not None and "title" in documents.columns else None
    # Documents with regions (curated, or inferred by the loader) need no verdict.
    given: dict[str, set[str]] = {}
    if documents is not None and "regions" in documents.columns:
        for d, regs in documents.select("doc_id", "regions").iter_rows():
            if regs is not None and len(regs) > 0:
                given[d] = set(regs)
    only = {d for d in sentences["doc_id"].unique().to_list() if d not in given}
    about: dict[str, set[str]] = {d: set(v[0]) for d, v in _verdicts(sentences, titles, mentions, only).items()}
    about.update(given)
    rows = []
    for m in mentions:
        e = m.term.entry
        if e.kind == "national_weak":
            continue  # evidence for about_regions only
        for r in m.regions:
            rows.append(
                {
                    "doc_id": m.doc_id,
                    "sentence_idx": m.sentence_idx,
                    "char_start": m.sent_start + m.start,
                    "char_end": m.sent_start + m.end,
                    "surface": m.surface,
                    "region": r,
                    "match_kind": e.kind,
                    "matched": e.name,
                    "alias": m.term.text,
                    "place": e.name if e.kind == "place" else None,
                    "place_kind": e.get("kind") if e.kind == "place" else None,
                    "macro_region": e.name if e.kind == "macro" else None,
                    "mention_role": m.role,
                    "is_about": r in about.get(m.doc_id, set()),
                }
            )
    cols = [c for c in REGIONS.columns if c.name not in ("source_start", "source_end")]
    return pl.DataFrame(rows, schema={c.name: c.dtype for c in cols}).sort(
        "doc_id", "char_start", "region", maintain_order=True
    )
