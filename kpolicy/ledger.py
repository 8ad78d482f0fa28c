"""The money ledger: one row per distinct commitment, built from the money mentions.

The ``amounts`` table lists every money *mention*. This module decides what each mention
*is* (one role from a closed set, :data:`ROLES`), how mentions relate (``part_of``,
``same_as``, from–to pairs, currency restatements) and which of them open a ledger row
(:data:`COMMITMENT_ROLES`). The rule book, with examples, is ``docs/ledger.md``.

Tables (declared here, in the data dictionary):

* ``money_mentions``: every amount mention with its ledger role, the reason for the role,
  its relation to another mention and whether it counts;
* ``ledger``: one row per distinct commitment with its evidence mention ids, literal and
  adjusted values, period, funder, region and why it counts.

Functions: :func:`classify_mentions`, :func:`build_ledger`, :func:`region_totals`
(what ``kpolicy totals`` prints) and :func:`not_counted` (the "not counted, and why"
table of the reports). :func:`load_curation` reads an analyst's ``curation.yaml``.

Everything here works document by document: a mention is never related to a mention in
another document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from kpolicy import schema
from kpolicy.errors import KpolicyError
from kpolicy.schema import Column

# ---------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------

#: Roles that are money someone commits (they open a ledger row).
COMMITMENT_ROLES: tuple[str, ...] = (
    "budget",
    "investment",
    "national_funds",
    "local_funds",
    "private_funds",
    "fund",
    "programme_total",
)
#: Roles that are not commitments (shown in "not counted, and why").
OTHER_ROLES: tuple[str, ...] = (
    "target",
    "baseline",
    "outcome",
    "past",
    "context_budget",
    "comparison",
    "delta",
    "conversion",
    "unclassified",
)
ROLES: tuple[str, ...] = COMMITMENT_ROLES + OTHER_ROLES
LedgerRole = pl.Enum(list(ROLES))

#: What each role means, one line each (the data dictionary and the reports show these).
ROLE_MEANINGS: dict[str, str] = {
    "budget": "a budget, programme or project cost, or an allocation to a purpose",
    "investment": "money invested or put in",
    "national_funds": "the central government's share",
    "local_funds": "a city's, province's or county's share",
    "private_funds": "the private sector's share",
    "fund": "a fund created or raised",
    "programme_total": "the stated total of a programme",
    "target": "a goal value (the 'to' of a from-to pair, a sales or investment-attraction goal)",
    "baseline": "the starting value of a from-to pair ('the current X')",
    "outcome": "sales, exports, revenue, a market size or an economic effect",
    "past": "a past result or statistic (a year before the article's, 'last year's')",
    "context_budget": "an economy-wide budget (the whole R&D budget, a government's or ministry's whole budget)",
    "comparison": "a figure something is compared with",
    "delta": "an increase or decrease ('an increase of X', 'X over last year')",
    "conversion": "the same amount restated in another currency",
    "unclassified": "no cue says what the figure is",
}

RELATIONS: tuple[str, ...] = ("part_of", "same_as")
Relation = pl.Enum(list(RELATIONS))
FUNDERS: tuple[str, ...] = ("national", "local", "private", "mixed", "unstated")
Funder = pl.Enum(list(FUNDERS))

#: Sentences of a document that form its headline zone (title and lead): 0, 1 and 2.
HEADLINE_SENTENCES = 3
#: Relative tolerance for "the same figure" (rounding in a headline, float noise).
SAME_TOLERANCE = 0.01
#: A title figure smaller than the lead's by at most this factor repeats it (rounded or
#: garbled in the headline: "KRW 5 trillion" over "KRW 6 trillion").
LEAD_ROUNDING = 1.25

# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------

MONEY_MENTIONS = schema.register(
    schema.Table(
        "money_mentions",
        "Every money mention (the `amounts` table's rows) with its ledger role, the reason for "
        "it, its relation to another mention of the same document and whether it opens a "
        "ledger row. The rule: a mention counts when its role is a commitment role ("
        + ", ".join(COMMITMENT_ROLES)
        + "), it is neither part_of nor same_as another mention, and curation does not exclude "
        "it. See docs/ledger.md.",
        (
            *schema.PROVENANCE,
            Column("mention_id", pl.String, "Stable id of the mention: doc_id@char_start."),
            Column("currency", pl.String, "ISO 4217 code as written.", "ISO 4217"),
            Column("value_native", pl.Float64, "Value in its own currency as written (low end of a range).", "currency units"),
            Column("amount_krw", pl.Float64, "Literal value in won; null when not KRW.", "KRW"),
            Column("amount_krw_adjusted", pl.Float64, "Adjusted reading of a suspect figure (amounts table); null otherwise.", "KRW"),
            Column("is_suspect", pl.Boolean, "The figure carries a garble flag: the amounts table's flags, with parts_mismatch re-checked against commitment parts only."),
            Column("suspect_note", pl.String, "Why is_suspect differs from the amounts table's; null when it does not."),
            Column("cue_role", pl.String, "The amounts table's cue-word role, before the ledger rules."),
            Column("role", LedgerRole, "Ledger role (closed set): " + ", ".join(ROLES) + "."),
            Column("is_commitment_role", pl.Boolean, "role is one of the commitment roles."),
            Column("role_reason", pl.String, "Why the mention has its role, in words."),
            Column("relation", Relation, "part_of or same_as another mention of the same document; null when none."),
            Column("related_to", pl.String, "mention_id of the total (part_of) or of the mention it repeats (same_as)."),
            Column("relation_reason", pl.String, "Why the relation holds, in words."),
            Column("is_counted", pl.Boolean, "The mention opens a ledger row (commitment role, no relation, not excluded)."),
            Column("is_curated", pl.Boolean, "A curation.yaml entry changed this mention."),
            Column("curation_note", pl.String, "The curation entry's note."),
        ),
        key=("doc_id", "char_start"),
        module=__name__,
    )
)

LEDGER = schema.register(
    schema.Table(
        "ledger",
        "One row per distinct money commitment: a counting mention of `money_mentions` with "
        "every mention that repeats it (same_as) as evidence and the mentions itemised under "
        "it (part_of) as parts; the provenance columns locate its first evidence mention. "
        "Totals (`kpolicy totals`) add rows, never mentions.",
        (
            *schema.PROVENANCE,  # of the row's first evidence mention
            Column("ledger_id", pl.String, "Stable id: the mention_id of the row's first evidence mention."),
            Column("region", schema.Region, "Region that receives the money: the document's about-region (the one the sentence names when the document is about several)."),
            Column("region_source", pl.String, "How the region was chosen."),
            Column("sentence", pl.String, "The sentence it comes from."),
            Column("role", LedgerRole, "Ledger role of the commitment."),
            Column("evidence_ids", pl.List(pl.String), "mention_ids of every mention of this commitment (the first, then repeats)."),
            Column("part_ids", pl.List(pl.String), "mention_ids of the mentions itemised under it (part_of)."),
            Column("n_evidence", pl.Int64, "Number of evidence mentions.", "mentions"),
            Column("currency", pl.String, "Currency of the first evidence mention.", "ISO 4217"),
            Column("value_native", pl.Float64, "Value in that currency as written.", "currency units"),
            Column("value_krw_literal", pl.Float64, "Literal value in won (converted at fx_rate for a foreign currency with no stated won equivalent).", "KRW"),
            Column("value_krw_adjusted", pl.Float64, "Value on the adjusted basis: the adjusted reading of a suspect figure, else the literal value; null when the figure is suspect and has no adjusted reading.", "KRW"),
            Column("value_source", pl.String, "Where the won value comes from: as written, a stated won equivalent, or a conversion (with rate, year and source)."),
            Column("fx_rate", pl.Float64, "KRW per unit used for a conversion; null when none.", "KRW per unit"),
            Column("is_suspect", pl.Boolean, "Some evidence mention is flagged as a translation garble."),
            Column("is_counted_literal", pl.Boolean, "Counted on the literal basis (not suspect)."),
            Column("is_counted_adjusted", pl.Boolean, "Counted on the adjusted basis (not suspect, or an adjusted reading exists)."),
            Column("adjustment_reason", pl.String, "Why the adjusted value differs from the literal one; null when it does not."),
            Column("ceiling_krw", pl.Float64, "The most this commitment can be: the whole budget of whoever pays it (the receiving region's for local money, the national budget for national money, both for mixed or unstated, the economy for private money) times the years of its period; kpolicy/data/money_scales.yaml (approximate, recalled).", "KRW"),
            Column("is_over_ceiling", pl.Boolean, "The value is above ceiling_krw: a mis-read figure, never counted on either basis."),
            Column("period_start", pl.Int32, "First year of the commitment's period; null when the text states none.", "year"),
            Column("period_end", pl.Int32, "Last year of the period; null when the text states none.", "year"),
            Column("period_source", pl.String, "How the period was read (years in the sentence, 'this year', publication year)."),
            Column("is_annual", pl.Boolean, "The figure is per year ('annually', 'every year', 매년, 연간)."),
            Column("published_year", pl.Int32, "Publication year of the document.", "year"),
            Column("funder", Funder, "Who pays: national, local, private, mixed or unstated."),
            Column("funder_source", pl.String, "How the funder was read: the role, the parts, or the document's level."),
            Column("n_parts", pl.Int64, "Mentions itemised under this commitment.", "mentions"),
            Column("doc_ids", pl.List(pl.String), "Every document that reports this commitment (the first is the row's provenance)."),
            Column("n_articles", pl.Int64, "Documents that report it.", "documents"),
            Column("n_outlets", pl.Int64, "Distinct publishers among them (a document without one counts as its own).", "outlets"),
            Column("coreference", pl.String, "Why reports in several documents were read as one commitment; null for a single document."),
            Column("why", pl.String, "One sentence: why this row counts."),
            Column("is_curated", pl.Boolean, "A curation.yaml entry changed this row's evidence."),
            Column("curation_note", pl.String, "The curation note(s)."),
        ),
        key=("ledger_id",),
        module=__name__,
    )
)

# ---------------------------------------------------------------------------------------
# Cue patterns (Python re, applied to one sentence's windows)
# ---------------------------------------------------------------------------------------

_I = re.IGNORECASE
_SP = r"[ \t\u00a0]"
#: "from X to Y" (English) and "X에서 Y로" (Korean): the text between two amounts.
_FROM_LEFT = re.compile(r"\bfrom" + _SP + r"+(?:the" + _SP + r"+)?(?:current|present|existing|today's|about|around|some|approximately|" + _SP + r")*$", _I)
_TO_BETWEEN = re.compile(r"^" + _SP + r"*(?:won" + _SP + r"*)?(?:this year|last year|in 20\d\d|currently|now|" + _SP + r")*,?" + _SP + r"*(?:to|up to|into)" + _SP + r"+(?:about" + _SP + r"+|around" + _SP + r"+|over" + _SP + r"+)?$", _I)
_KO_FROM_BETWEEN = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:에서|으로부터)(?:" + _SP + r"*[0-9]{4}년(?:까지|에는|에)?)?" + _SP + r"*$")
_KO_TO_RIGHT = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:으로|로|까지)")

_DELTA_RIGHT = re.compile(
    r"^" + _SP + r"*(?:won" + _SP + r"*)?(?:\([^)]{0,30}\)" + _SP + r"*)?,?" + _SP + r"*(?:more|higher|less|lower|larger|bigger|smaller|greater|up|down)?" + _SP + r"*"
    r"(?:over|compared" + _SP + r"+(?:to|with)|from|than|versus|vs\.?)" + _SP + r"+(?:the" + _SP + r"+)?(?:last|previous|prior|a)" + _SP + r"+year",
    _I,
)
_DELTA_LEFT = re.compile(
    r"(?:\b(?:decrease[sd]?|cut|reduc\w+|down|fell|dropped)" + _SP + r"+(?:of|by)" + _SP + r"+(?:about" + _SP + r"+)?$"
    r"|(?:전년|지난해|작년|전년도)" + _SP + r"*(?:대비|보다)" + _SP + r"*$)",
    _I,
)
_DELTA_KO_RIGHT = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:이|가)?" + _SP + r"*(?:증가|늘|증액|감소|줄|감액|확대된|많)")
_COMPARISON_LEFT = re.compile(
    r"(?:\b(?:compared" + _SP + r"+(?:to|with)|(?<!more )(?<!less )(?<!fewer )(?<!rather )(?<!greater )than|versus|vs\.?|relative" + _SP + r"+to)"
    + _SP + r"+(?:the" + _SP + r"+)?(?:about" + _SP + r"+)?$)",
    _I,
)
_COMPARISON_KO_RIGHT = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:대비|보다|에" + _SP + r"*비해|과" + _SP + r"*비교)")
_SAVINGS = re.compile(
    r"\b(?:sav(?:e|es|ed|ing|ings)|(?:cut\w*|reduc\w+|lower\w*)" + _SP + r"+(?:[a-z-]+" + _SP + r"+){0,2}(?:costs?|spending|expenses?))\b|절감|절약", _I)
#: The amount as a pre-modifier of a programme noun: "a 45.6 billion won quantum-AI testbed".
_PREMODIFIER_RIGHT = re.compile(
    r"^" + _SP + r"*(?:-" + _SP + r"*)?(?:[A-Za-z][A-Za-z&'-]*" + _SP + r"+){0,3}(?:projects?|program(?:me)?s?|plans?|testbeds?|campus(?:es)?|cent(?:er|re)s?"
    r"|complex(?:es)?|clusters?|hubs?|initiatives?|packages?|schemes?|facilit(?:y|ies)|platforms?|networks?|valleys?|parks?|schools?|institutes?"
    r"|funds?|budgets?|investments?|strateg(?:y|ies)|deals?)\b",
    _I,
)
_YEARLY_RIGHT = re.compile(r"^" + _SP + r"*(?:won" + _SP + r"*)?(?:a|per|each|every)" + _SP + r"+year\b|^" + _SP + r"*(?:won" + _SP + r"*)?annually\b", _I)
_LAST_YEAR = re.compile(r"\b(?:last|previous|prior)" + _SP + r"+year\b|지난해|작년|전년도?(?!" + _SP + r"*대비)", _I)
_PRIVATE_ACTOR = re.compile(
    r"\bprivate(?:-sector|" + _SP + r"+sector)?" + _SP + r"+(?:investors?|companies|firms|partners|businesses|operators?|consortium)\b|민간" + _SP + r"*(?:기업|투자자|부문|사업자)"
    # A company as the subject: a name with a corporate suffix or a large group's name.
    r"|\b[A-Z][A-Za-z&.-]*(?:" + _SP + r"+[A-Z][A-Za-z&.-]*){0,3}" + _SP + r"+(?:Co\.|Corp\.?|Corporation|Inc\.?|Ltd\.?|Group|Electronics|Biologics"
    r"|Motors?|Holdings|Semiconductor|Chemical|Telecom|Bioepis|Hynix)\b"
    r"|\b(?:Samsung|Hyundai|SK|LG|Naver|Kakao|Lotte|Hanwha|POSCO|Doosan|CJ|Coupang)\b|삼성|현대차|네이버|카카오|롯데|한화|포스코|두산|\(주\)|㈜")
_CONTEXT_BUDGET = re.compile(
    r"\b(?:research" + _SP + r"+and" + _SP + r"+development|R" + _SP + r"?&" + _SP + r"?D)" + _SP + r"+budget"
    r"|\b(?:overall|entire|whole|total|annual|national|nation's|country's|government's|state)" + _SP + r"+(?:government" + _SP + r"+)?budget\b"
    r"|\bgovernment" + _SP + r"+budget\b"
    r"|\bbudget" + _SP + r"+(?:bill|proposal)\b"
    r"|\bbudget" + _SP + r"+for" + _SP + r"+(?:the" + _SP + r"+)?(?:South" + _SP + r"+)?(?:Korean" + _SP + r"+)?government\b"
    r"|\bministry's" + _SP + r"+(?:total" + _SP + r"+|whole" + _SP + r"+|entire" + _SP + r"+)?budget\b"
    r"|(?:정부|국가|나라|전체|부처)" + _SP + r"*(?:총)?" + _SP + r"*예산|(?:R&D|연구개발)" + _SP + r"*예산|본예산|예산안",
    _I,
)
_OUTCOME = re.compile(
    r"\b(?:sales|revenues?|turnover|exports?|market|economic" + _SP + r"+(?:effects?|impact|value)|ripple" + _SP + r"+effects?"
    r"|spillover|production" + _SP + r"*(?:-|" + _SP + r")?inducement|value" + _SP + r"*-?added|added" + _SP + r"+value|GRDP|GDP)\b"
    r"|매출|수출|시장|생산" + _SP + r"*유발|부가가치|경제" + _SP + r"*(?:적)?" + _SP + r"*효과|파급" + _SP + r"*효과|유발" + _SP + r"*효과",
    _I,
)
_TARGET = re.compile(
    r"\b(?:targets?|goals?|aims?|aiming|achieve|achieving|reach|reaching|attract|attracting|lure|draw" + _SP + r"+in|raise|raising|grow|growing|boost|boosting|expand|expanding)\b"
    r"|목표|달성|유치|끌어올|늘린다|늘릴|확대할",
    _I,
)
_REACH_LEFT = re.compile(
    r"\b(?:reach|reaching|hit|hitting|achieve|achieving|surpass|surpassing|top|exceed|exceeding|(?:target|goal)" + _SP + r"+of)"
    + _SP + r"+(?:about" + _SP + r"+|around" + _SP + r"+|over" + _SP + r"+|at" + _SP + r"+least" + _SP + r"+)?$", _I)
_REACH_KO_RIGHT = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:을|를|이|가)?" + _SP + r"*(?:달성|돌파|목표)")
_ATTRACT = re.compile(r"\b(?:attract|attracting|attracted|lure|luring|draw" + _SP + r"+in|inducement" + _SP + r"+of)\b", _I)
#: Korean investment attraction: the amount itself is attracted ("민간투자 500억 원 유치", "X원을 유치").
_ATTRACT_KO_RIGHT = re.compile(r"^" + _SP + r"*(?:원)?" + _SP + r"*(?:의|을|를)?" + _SP + r"*(?:투자" + _SP + r"*(?:를|을)?" + _SP + r"*)?유치")
_ATTRACT_KO_LEFT = re.compile(r"투자(?:금)?" + _SP + r"*(?:를|을)?" + _SP + r"*$|유치" + _SP + r"*(?:목표|액|금액)?" + _SP + r"*(?:는|은)?" + _SP + r"*$")
_FUTURE = re.compile(
    r"\b(?:will|shall|plans?" + _SP + r"+to|planning" + _SP + r"+to|aims?" + _SP + r"+to|is" + _SP + r"+to|are" + _SP + r"+to|to" + _SP + r"+be|expected|intends?|going" + _SP + r"+to|by" + _SP + r"+20\d\d)\b"
    r"|예정|계획|방침|추진한다|추진할|할" + _SP + r"+것|키로|한다고",
    _I,
)
_PAST_CLAUSE = re.compile(
    r"\b(?:last|previous|prior)" + _SP + r"+year'?s?\b|\bin" + _SP + r"+the" + _SP + r"+past\b|\brecorded\b|\bwas" + _SP + r"+spent\b"
    r"|지난해|작년|전년도?(?!" + _SP + r"*대비)|집행했|기록했",
    _I,
)
_ALLOCATION_RIGHT = re.compile(
    r"^" + _SP + r"*(?:won|원)?" + _SP + r"*(?:\)|）|(?:for|to" + _SP + r"+(?:support|build|create|develop|fund|foster|nurture|establish)|into|on|towards?)\b)", _I
)
_ALLOCATION_LEFT = re.compile(r"[(（]" + _SP + r"*(?:about" + _SP + r"+|약" + _SP + r"*)?$", _I)
_COMMIT_VERBS = re.compile(
    r"\b(?:invest\w*|inject\w*|pour\w*|input\w*|receiv\w+|gets?|got|given|goes" + _SP + r"+to|go" + _SP + r"+to|award\w*|support\w*|provid\w+|secur\w+|spend\w*|spent|commit\w*|put\w*|earmark\w*|grant\w*|subsid\w+|financ\w+|fund(?:s|ed|ing)?|allocat\w+|devot\w+|deploy\w*|assign\w*|cost\w*|worth)\b"
    r"|지원|확보|출연|조성|편성|배정|투입|소요|받|들어가|들어간",
    _I,
)
_ANNUAL = re.compile(r"\b(?:annual(?:ly)?|every" + _SP + r"+year|each" + _SP + r"+year|a" + _SP + r"+year|per" + _SP + r"+year|yearly|per" + _SP + r"+annum)\b|매년|연간|해마다|연" + _SP + r"*평균", _I)
_THIS_YEAR = re.compile(r"\bthis" + _SP + r"+year\b|올해|금년|올" + _SP + r"*한" + _SP + r"*해", _I)
_N_YEARS = re.compile(r"\b(?:for|over)" + _SP + r"+(?:the" + _SP + r"+next" + _SP + r"+)?(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)" + _SP + r"+years\b|(\d{1,2})" + _SP + r"*년간|(\d{1,2})" + _SP + r"*개년", _I)
_NUM_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_SEPARATE = re.compile(r"\bseparately\b|\bapart" + _SP + r"+from" + _SP + r"+(?:this|that|the)\b|\bin" + _SP + r"+a" + _SP + r"+separate\b|별도로|이와" + _SP + r"*별도", _I)
_BACKREF_LEFT = re.compile(r"(?:\b(?:the|this|that|its|these)" + _SP + r"+|이번|해당|이)" + _SP + r"*$", _I)

_CUE_TO_ROLE = {
    "budget": "budget",
    "investment": "investment",
    "national_funds": "national_funds",
    "local_funds": "local_funds",
    "private": "private_funds",
    "fund": "fund",
    "total": "programme_total",
    "sales": "outcome",
    "market": "outcome",
    "increase": "delta",
    "conversion": "conversion",
}
_ROLE_FUNDER = {"national_funds": "national", "local_funds": "local", "private_funds": "private"}


# ---------------------------------------------------------------------------------------
# Curation
# ---------------------------------------------------------------------------------------

CURATION_NAMES = ("curation.yaml", "curation.yml")
_CURATION_KEYS = {"doc_id", "surface", "occurrence", "role", "same_as", "exclude", "note"}


@dataclass
class CurationEntry:
    """One curation.yaml entry: which mention, and what to do with it."""

    path: Path
    line: int
    doc_id: str
    surface: str
    occurrence: int = 1
    role: str | None = None
    same_as: tuple[str, int] | None = None
    exclude: bool = False
    note: str = ""

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def load_curation(corpus_root: str | Path | None) -> list[CurationEntry]:
    """The entries of ``curation.yaml`` in a corpus folder (empty when there is none).

    Raises:
        KpolicyError: a malformed entry, naming the file and line.
    """
    if corpus_root is None:
        return []
    root = Path(corpus_root)
    path = next((root / n for n in CURATION_NAMES if (root / n).is_file()), None)
    if path is None:
        return []
    text = path.read_text(encoding="utf-8")
    if len(text) > 5_000_000:
        raise KpolicyError(f"{path}: curation file over 5 MB; split it or remove unused entries")
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken, yaml.TagToken)):
                raise KpolicyError(f"{path}:{token.start_mark.line + 1}: anchors, aliases and tags are not allowed in curation.yaml")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise KpolicyError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if node is None:
        return []
    if not isinstance(node, yaml.SequenceNode) or not isinstance(data, list):
        raise KpolicyError(f"{path}:{node.start_mark.line + 1}: curation.yaml must be a list of entries (- doc_id: ..., surface: ...)")
    out = []
    for item, values in zip(node.value, data):
        line = item.start_mark.line + 1
        if not isinstance(values, dict):
            raise KpolicyError(f"{path}:{line}: each entry must be a mapping with doc_id, surface and role, same_as or exclude")
        unknown = sorted(str(k) for k in values if k not in _CURATION_KEYS)
        if unknown:
            raise KpolicyError(f"{path}:{line}: unknown key {unknown[0]!r}; valid: {', '.join(sorted(_CURATION_KEYS))}")
        for need in ("doc_id", "surface"):
            if not isinstance(values.get(need), str) or not values[need]:
                raise KpolicyError(f"{path}:{line}: entry needs '{need}' (a string)")
        actions = [a for a in ("role", "same_as", "exclude") if values.get(a) not in (None, False)]
        if len(actions) != 1:
            raise KpolicyError(f"{path}:{line}: entry needs exactly one of role, same_as, exclude: true")
        occurrence = values.get("occurrence", 1)
        if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
            raise KpolicyError(f"{path}:{line}: occurrence must be a whole number from 1 (the first time the surface appears)")
        role = values.get("role")
        if role is not None and role not in ROLES:
            raise KpolicyError(f"{path}:{line}: unknown role {role!r}; valid: {', '.join(ROLES)}")
        same = values.get("same_as")
        same_as = None
        if same is not None:
            if not isinstance(same, dict) or not isinstance(same.get("surface"), str):
                raise KpolicyError(f"{path}:{line}: same_as must be {{surface: ..., occurrence: N}} naming a mention of the same document")
            occ = same.get("occurrence", 1)
            if not isinstance(occ, int) or isinstance(occ, bool) or occ < 1:
                raise KpolicyError(f"{path}:{line}: same_as occurrence must be a whole number from 1")
            same_as = (same["surface"], occ)
        if values.get("exclude") not in (None, True, False):
            raise KpolicyError(f"{path}:{line}: exclude must be true or false")
        note = values.get("note")
        if note is not None and not isinstance(note, str):
            raise KpolicyError(f"{path}:{line}: note must be text")
        out.append(CurationEntry(path, line, values["doc_id"], values["surface"], occurrence, role, same_as, bool(values.get("exclude")), note or ""))
    return out


# ---------------------------------------------------------------------------------------
# Classification: one document at a time
# ---------------------------------------------------------------------------------------


@dataclass
class _M:
    """One mention while its document is being classified."""

    row: dict[str, Any]
    left: str
    right: str
    sentence: str
    role: str = "unclassified"
    reason: str = ""
    relation: str | None = None
    related: int | None = None
    relation_reason: str = ""
    curated: bool = False
    note: str = ""
    excluded: bool = False
    locked: bool = False  # role set by curation: rules do not change it
    pub_year: int | None = None
    years: list[tuple[int, str]] = field(default_factory=list)

    @property
    def value(self) -> float | None:
        """Best won value: adjusted when there is one, else literal (None when not KRW)."""
        adj = self.row["amount_krw_adjusted"]
        return adj if adj is not None else self.row["amount_krw"]

    @property
    def is_commitment(self) -> bool:
        return self.role in COMMITMENT_ROLES and not self.excluded


def _close(a: float | None, b: float | None, tol: float = SAME_TOLERANCE) -> bool:
    return a is not None and b is not None and a > 0 and b > 0 and abs(a - b) <= tol * max(a, b)


def _same_value(x: _M, y: _M) -> bool:
    """The same figure on either basis (literal with literal, adjusted with adjusted)."""
    rx, ry = x.row, y.row
    return (
        _close(rx["amount_krw"], ry["amount_krw"])
        or _close(x.value, y.value)
        or (rx["currency"] == ry["currency"] and rx["currency"] != "KRW" and _close(rx["value_native"], ry["value_native"]))
    )


_FROM_FUNDER = re.compile(
    r"^" + _SP + r"*(?:won" + _SP + r"*)?(?:will" + _SP + r"+)?(?:(?:come|comes|coming|be" + _SP + r"+provided|is" + _SP + r"+provided)" + _SP + r"+)?from" + _SP + r"+(?:the" + _SP + r"+)?"
    r"(?:(?P<national>central" + _SP + r"+government|national" + _SP + r"+(?:government|treasury)|government|state|ministry)"
    r"|(?P<local>city|province|provincial" + _SP + r"+government|county|district|local" + _SP + r"+governments?|metropolitan" + _SP + r"+government)"
    r"|(?P<private>private" + _SP + r"+(?:sector|companies|investors|firms)|companies|investors|businesses))\b", _I)


def _base_role(m: _M, pub_year: int | None, sentence_years: list[tuple[int, str]]) -> tuple[str, str]:
    """The role from the cue words around one mention (before relations)."""
    cue = m.row["cue_role"]
    left, right, sentence = m.left, m.right, m.sentence
    clause = re.split(r"[,;:]", left)[-1]
    if cue == "conversion":
        return "conversion", "restates the figure before it in another currency (in brackets)"
    if cue == "increase" or _DELTA_RIGHT.search(right) or _DELTA_LEFT.search(left[-40:]) or _DELTA_KO_RIGHT.search(right):
        return "delta", "an increase or decrease ('an increase of', 'over last year', 증가), not a level"
    if _COMPARISON_LEFT.search(left[-40:]) or _COMPARISON_KO_RIGHT.search(right):
        return "comparison", "the figure something is compared with ('compared with', 'than', 대비)"
    if _CONTEXT_BUDGET.search(sentence):
        return "context_budget", "the sentence is about an economy-wide budget (the whole R&D, government or ministry budget)"
    future_years = [y for y, r in sentence_years if pub_year is None or y >= pub_year]
    past_years = [y for y, _ in sentence_years if pub_year is not None and y < pub_year]
    future = _FUTURE.search(sentence)
    if not future and not _THIS_YEAR.search(sentence) and (_LAST_YEAR.search(sentence) or _PAST_CLAUSE.search(clause)):
        return "past", "a past result ('last year', 지난해): not a new commitment"
    if past_years and not future_years and not future:
        return "past", f"the sentence reports the past ({', '.join(map(str, sorted(set(past_years))))}, before the article's year)"
    if _SAVINGS.search(clause) or _SAVINGS.search(right[:30]):
        return "outcome", "money expected to be saved: an effect, not money committed"
    outcome = cue in ("sales", "market") or _OUTCOME.search(clause) or _OUTCOME.search(right[:30])
    goal = _TARGET.search(clause) or _TARGET.search(right[:40]) or any(r in ("target", "horizon", "deadline") for _, r in sentence_years)
    if outcome:
        if goal and (future_years or _TARGET.search(clause)):
            return "target", "a sales, export or market figure set as a goal"
        return "outcome", "sales, exports, a market size or an economic effect: not money committed"
    if _REACH_LEFT.search(clause) or _REACH_KO_RIGHT.search(right[:12]):
        return "target", "a value to be reached ('reach X', 'a target of X', 달성): a goal, not a commitment"
    if _ATTRACT.search(clause) or _ATTRACT.search(right[:20]) or _ATTRACT_KO_RIGHT.search(right) or (
            _ATTRACT_KO_LEFT.search(left) and "유치" in sentence):
        return "target", "money to be attracted from others (investment attraction, 유치) is a goal, not a commitment"
    funder = _FROM_FUNDER.search(right)
    if funder and cue in ("budget", "investment", "fund", "total", "other"):
        kind = funder.lastgroup
        return f"{kind}_funds", f"the money comes from {funder.group(kind)}"
    if cue in ("budget", "investment", "fund", "total", "other") and _PRIVATE_ACTOR.search(clause):
        return "private_funds", "a private company or investor puts it in"
    if cue in _CUE_TO_ROLE:
        role = _CUE_TO_ROLE[cue]
        return role, f"cue words around the figure mark it as {role.replace('_', ' ')}"
    if _PREMODIFIER_RIGHT.search(right):
        return "programme_total", "the cost of a named project ('a 45.6 billion won testbed')"
    if _YEARLY_RIGHT.search(right):
        return "budget", "a yearly amount of a programme ('X won a year')"
    if _ALLOCATION_RIGHT.search(right) or (_ALLOCATION_LEFT.search(left) and _ALLOCATION_RIGHT.search(right)):
        return "budget", "money allocated to a named purpose ('KRW X for ...', '... (KRW X)')"
    if _COMMIT_VERBS.search(clause) or _COMMIT_VERBS.search(right[:50]):
        return "budget", "a verb of committing money (support, provide, secure, 지원, 확보) governs the figure"
    return "unclassified", "no cue says what the figure is: shown, not counted"


def _from_to(ms: list[_M]) -> None:
    """'from X to Y' / 'X에서 Y로': X is the baseline and Y the target of the same metric."""
    for a, b in zip(ms, ms[1:]):
        if a.row["sentence_idx"] != b.row["sentence_idx"] or a.locked or b.locked:
            continue
        between = a.sentence[a.row["_end"] : b.row["_start"]]
        en = _FROM_LEFT.search(a.left[-40:]) and _TO_BETWEEN.search(between)
        ko = _KO_FROM_BETWEEN.search(between) and _KO_TO_RIGHT.search(b.right)
        if en or ko:
            a.role, a.reason = "baseline", f"'from {a.row['surface']} to {b.row['surface']}': the starting value"
            b.role, b.reason = "target", f"'from {a.row['surface']} to {b.row['surface']}': the value aimed at"


def _conversions(ms: list[_M]) -> None:
    """A bracketed restatement: a won figure after a foreign one carries the commitment."""
    for k, (a, b) in enumerate(zip(ms, ms[1:])):
        if b.row["cue_role"] != "conversion":
            continue
        if a.row["currency"] != "KRW" and b.row["currency"] == "KRW" and not b.locked:
            # "US$120 million (about KRW 165 billion)": the won equivalent is the value. When
            # the cue follows the bracket ("1억 5천만 달러(약 2,100억 원)을 투자"), read it there.
            if a.role == "unclassified" and not a.locked:
                after = re.sub(r"^" + _SP + r"*[)）]", "", b.right)
                a.role, a.reason = _base_role(_M({**a.row, "cue_role": _cue_after(after)}, a.left, after, a.sentence), a.pub_year, a.years)
            b.role, b.reason = a.role, f"the stated won equivalent of {a.row['surface']} ({a.reason})"
            a.relation, a.related = "same_as", k + 1
            a.relation_reason = f"restated in won as {b.row['surface']}: the won figure is used"


def _cue_after(right: str) -> str:
    """The amounts table's cue role for a figure followed by ``right`` (right-window rules only)."""
    from kpolicy.extract.money.context import _ROLE_RULES_PY

    for role, window, pattern in _ROLE_RULES_PY:
        if window == "right" and pattern.search(right):
            return role
    return "other"


def _sentence_parts(ms: list[_M]) -> list[tuple[int, list[int], float | None]]:
    """Parts listed in one sentence that add up to a commitment stated nearby.

    The commitments of one sentence ("6 billion won of city funds, 9 billion won of
    national funds and the remaining 15 billion won") are checked, as a group, against
    every other commitment within two sentences (the total); the first or last of the
    group may also be the total of the others. Values as written or adjusted, within 1 %.
    """
    commit = [i for i, m in enumerate(ms) if m.is_commitment and m.relation is None and m.value]
    by_sentence: dict[int, list[int]] = defaultdict(list)
    for i in commit:
        by_sentence[ms[i].row["sentence_idx"]].append(i)
    out = []
    used: set[int] = set()
    for sent, group in sorted(by_sentence.items()):
        if len(group) < 2:
            continue
        checks = [(t, group) for t in commit if t not in group and abs(ms[t].row["sentence_idx"] - sent) <= 2]
        if len(group) >= 3:
            checks += [(group[0], group[1:]), (group[-1], group[:-1])]
        for t, parts in checks:
            if t in used or any(p in used for p in parts):
                continue
            total = sum(ms[p].value for p in parts)
            if _close(ms[t].value, total) and not any(_close(ms[p].value, ms[t].value) for p in parts):
                out.append((t, list(parts), 1.0))
                used.update(parts)
                break
    return out


def _reconcile(ms: list[_M]) -> list[tuple[int, list[int], float | None]]:
    """Totals and their parts among commitment mentions (kpolicy.extract.money's check).

    Returns (total index, part indices, scale factor or None when the parts exceed it).
    """
    from kpolicy.extract.money.reconcile import _reconcile_rows

    rows = []
    for m in ms:
        r = m.row
        commit = m.is_commitment and m.relation is None
        rows.append({
            "currency": r["currency"], "is_range": r["is_range"], "amount_krw": r["amount_krw"],
            "sentence_idx": r["sentence_idx"], "char_start": r["char_start"], "surface": r["surface"],
            "role": ("total" if m.role == "programme_total" else "budget") if commit else "increase",
        })
    # A "sum" that one part already equals is a repeat of the total, not its parts.
    return [(rec.total, rec.parts, rec.scale_factor) for rec in _reconcile_rows(rows, explain=False)
            if not any(_close(rows[p]["amount_krw"], rows[rec.total]["amount_krw"]) for p in rec.parts)]


def _relations(ms: list[_M]) -> set[int]:
    """part_of and same_as among the commitment mentions of one document.

    Returns the totals whose commitment parts disagree with them (the ledger's own
    ``parts_mismatch``, which replaces the amounts table's check over all figures).
    """
    recs = _sentence_parts(ms) + _reconcile(ms)
    mismatch = {t for t, _, scale in recs if scale is None}
    # Two totals checked against the same parts, one agreeing and one not: one total.
    by_parts: dict[tuple[int, ...], list[tuple[int, float | None]]] = {}
    for total, parts, scale in recs:
        by_parts.setdefault(tuple(parts), []).append((total, scale))
    for parts, totals in by_parts.items():
        good = [t for t, s in totals if s is not None]
        for t, s in totals:
            if s is None and good and ms[t].relation is None and not ms[t].locked:
                ms[t].relation, ms[t].related = "same_as", good[0]
                ms[t].relation_reason = (f"a second statement of the total {ms[good[0]].row['surface']}: both are checked against "
                                         "the same parts, and only that one agrees with them")
    reconciled: set[int] = set()
    for total, parts, scale in recs:
        if scale is None or ms[total].relation is not None:
            continue
        reconciled.add(total)
        how = "as written" if scale == 1.0 else f"once the parts are scaled by {scale:g} (a garbled unit)"
        for p in parts:
            if ms[p].relation is None and not ms[p].locked:
                ms[p].relation, ms[p].related = "part_of", total
                ms[p].relation_reason = f"one of the parts that add up to the total {ms[total].row['surface']} {how}"
    roots = [i for i, m in enumerate(ms) if m.is_commitment and m.relation is None]
    # Equal figures: a headline repeating the body, or a back-reference ('the 45.6 billion won project').
    for k, j in enumerate(roots):
        for i in roots[:k]:
            if ms[i].relation is not None or ms[j].relation is not None:
                continue
            mi, mj = ms[i], ms[j]
            if not _same_value(mi, mj):
                continue
            in_head = min(mi.row["sentence_idx"], mj.row["sentence_idx"]) < HEADLINE_SENTENCES
            backref = bool(_BACKREF_LEFT.search(mj.left[-12:]))
            totals = mi.role == mj.role == "programme_total"
            if in_head or backref or totals:
                why = "the headline states it and the body repeats it" if in_head else (
                    "a later sentence refers back to it" if backref else "the same programme total stated twice")
                mj.relation, mj.related, mj.relation_reason = "same_as", i, f"the same figure as {mi.row['surface']}: {why}"
    # The headline names a part of a total the lead itemises ("secures 30 billion won in
    # national funds" over "45.6 billion won, of which 30 billion national funds"): the
    # headline figure repeats that part.
    for i, m in enumerate(ms):
        if not (m.is_commitment and m.relation is None and m.row["sentence_idx"] < HEADLINE_SENTENCES) or m.locked:
            continue
        part = next((k for k, p in enumerate(ms) if k != i and p.relation == "part_of" and p.related not in (None, i)
                     and _same_value(m, p) and ms[p.related].row["sentence_idx"] < HEADLINE_SENTENCES + 2), None)
        if part is not None:
            m.relation, m.related = "same_as", part
            m.relation_reason = f"the headline names a part of the total {ms[ms[part].related].row['surface']}: the same figure as {ms[part].row['surface']}"
    # The headline total: the largest commitment in the title and lead, or a reconciled total.
    roots = [i for i, m in enumerate(ms) if m.is_commitment and m.relation is None and m.value is not None]
    in_title = [i for i in roots if ms[i].row["sentence_idx"] == 0]
    # A title that rounds or garbles the lead's figure ("KRW 5 trillion" over a lead of
    # "KRW 6 trillion"): the lead's figure, the only commitment of its sentence and at
    # most a quarter larger, is the plan; the title repeats it.
    if len(in_title) == 1:
        t = in_title[0]
        lead = [i for i in roots if 0 < ms[i].row["sentence_idx"] < HEADLINE_SENTENCES]
        first = lead[0] if lead else None
        if (first is not None and ms[t].value < ms[first].value <= ms[t].value * LEAD_ROUNDING and not ms[t].locked
                and sum(1 for i in lead if ms[i].row["sentence_idx"] == ms[first].row["sentence_idx"]) == 1
                and not _SEPARATE.search(ms[first].sentence)):
            ms[t].relation, ms[t].related = "same_as", first
            ms[t].relation_reason = (f"the title's {ms[t].row['surface']} rounds or garbles the lead's {ms[first].row['surface']} "
                                     "(the lead's figure is counted)")
            roots.remove(t)
            in_title = [first]
    heads = in_title or [i for i in roots if ms[i].row["sentence_idx"] < HEADLINE_SENTENCES or i in reconciled]
    if not heads:
        return mismatch
    head = max(heads, key=lambda i: (ms[i].value, -i))
    hv = ms[head].value

    def private(i: int) -> bool:  # the mention or a repeat of it is private money
        return ms[i].role == "private_funds" or any(m.role == "private_funds" and m.related == i and m.relation == "same_as" for m in ms)

    for i in roots:
        if i == head or ms[i].locked or _SEPARATE.search(ms[i].sentence):
            continue
        if private(head) != private(i):
            continue  # a company's investment and a government's support are separate commitments
        v = ms[i].value
        if v is not None and v < hv * (1 - SAME_TOLERANCE):
            ms[i].relation, ms[i].related = "part_of", head
            ms[i].relation_reason = (f"smaller than the headline total {ms[head].row['surface']} of the same document: "
                                     "read as an item of it")
    return mismatch


def _apply_curation(ms: list[_M], entries: list[tuple[int, CurationEntry]], used: set[int]) -> None:
    by_surface: dict[str, list[int]] = {}
    for i, m in enumerate(ms):
        by_surface.setdefault(m.row["surface"], []).append(i)

    def find(e: CurationEntry, surface: str, occurrence: int) -> int:
        hits = by_surface.get(surface, [])
        if len(hits) < occurrence:
            known = ", ".join(sorted({repr(m.row["surface"]) for m in ms})[:12]) or "none"
            raise KpolicyError(
                f"{e.where()}: no money mention {surface!r} (occurrence {occurrence}) in document {e.doc_id!r}; "
                f"its mentions are: {known}"
            )
        return hits[occurrence - 1]

    for k, e in entries:
        i = find(e, e.surface, e.occurrence)
        m = ms[i]
        m.curated, m.note = True, e.note or "curated"
        if e.role is not None:
            m.role, m.reason, m.locked = e.role, f"curated: {e.note or 'role set by the analyst'}", True
            if m.relation is not None and e.role not in COMMITMENT_ROLES:
                m.relation = m.related = None
                m.relation_reason = ""
        elif e.exclude:
            m.excluded, m.reason = True, f"excluded by curation: {e.note or 'no reason given'}"
        elif e.same_as is not None:
            j = find(e, *e.same_as)
            if j == i:
                raise KpolicyError(f"{e.where()}: a mention cannot be same_as itself")
            m.relation, m.related = "same_as", j
            m.relation_reason, m.locked = f"curated: {e.note or 'the analyst marked it as the same commitment'}", True
        used.add(k)


def _sentence_windows(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - 160) : start], text[end : end + 80]


def classify_mentions(
    amounts: pl.DataFrame,
    sentences: pl.DataFrame,
    documents: pl.DataFrame,
    years: pl.DataFrame | None = None,
    curation: list[CurationEntry] | None = None,
) -> pl.DataFrame:
    """Give every money mention its ledger role and relation (the ``money_mentions`` table).

    Args:
        amounts: the ``amounts`` fact table.
        sentences: the sentences table (for the text around each mention).
        documents: the documents table (publication year).
        years: the ``years`` fact table (past and future years in a sentence); optional.
        curation: entries from :func:`load_curation`; an entry that matches no mention
            raises :class:`~kpolicy.errors.KpolicyError` naming file:line.
    """
    table = MONEY_MENTIONS
    if amounts.height == 0:
        if curation:
            e = curation[0]
            raise KpolicyError(f"{e.where()}: no money mention {e.surface!r} in document {e.doc_id!r} (the corpus has no money mentions)")
        return table.empty()
    need = amounts.select(
        *schema.PROVENANCE_COLUMNS, "currency", "value_native", "amount_krw", "amount_krw_adjusted", "is_suspect",
        "is_range", "flags", pl.col("role").cast(pl.String).alias("cue_role"),
    ).sort("doc_id", "char_start")
    ids = need.select("doc_id").unique()
    sents = sentences.join(ids, on="doc_id", how="semi").select("doc_id", "sentence_idx", "text", "char_start")
    stext = {(d, i): (t, s) for d, i, t, s in sents.iter_rows()}
    pub = dict(documents.select("doc_id", pl.col("published_date").dt.year()).iter_rows())
    syears: dict[tuple[str, int], list[tuple[int, str]]] = {}
    if years is not None and years.height:
        for d, i, y, r in years.join(ids, on="doc_id", how="semi").select("doc_id", "sentence_idx", "year", pl.col("year_role").cast(pl.String)).iter_rows():
            syears.setdefault((d, i), []).append((y, r))
    cur_by_doc: dict[str, list[tuple[int, CurationEntry]]] = {}
    for k, e in enumerate(curation or []):
        cur_by_doc.setdefault(e.doc_id, []).append((k, e))
    used: set[int] = set()

    out: list[dict[str, Any]] = []
    rows = need.to_dicts()
    start = 0
    while start < len(rows):
        doc = rows[start]["doc_id"]
        stop = start
        while stop < len(rows) and rows[stop]["doc_id"] == doc:
            stop += 1
        ms = []
        for r in rows[start:stop]:
            text, s0 = stext.get((doc, r["sentence_idx"]), ("", r["char_start"]))
            a, b = r["char_start"] - s0, r["char_end"] - s0
            r["_start"], r["_end"] = a, b
            left, right = _sentence_windows(text, a, b)
            ms.append(_M(r, left, right, text))
        year = pub.get(doc)
        for m in ms:
            m.pub_year, m.years = year, syears.get((doc, m.row["sentence_idx"]), [])
            m.role, m.reason = _base_role(m, year, m.years)
        _from_to(ms)
        _conversions(ms)
        if doc in cur_by_doc:
            _apply_curation(ms, cur_by_doc[doc], used)
        mismatch = _relations(ms)
        for k, m in enumerate(ms):
            r = m.row
            # The amounts table checks totals against *all* neighbouring figures; the ledger
            # checks them against commitments only. Its parts_mismatch replaces the table's.
            flags = [f for f in (r["flags"] or []) if f != "parts_mismatch"] + (["parts_mismatch"] if k in mismatch else [])
            suspect = bool(flags)
            suspect_note = None
            if suspect != bool(r["is_suspect"]):
                suspect_note = ("not suspect here: the amounts table's parts_mismatch counted figures that are not commitments "
                                "(targets, sales, effects); against commitments alone the figures agree") if not suspect else (
                                "suspect here: its commitment parts do not add up to it")
            related = ms[m.related].row if m.related is not None else None
            out.append({
                **{c: r[c] for c in schema.PROVENANCE_COLUMNS},
                "mention_id": f"{doc}@{r['char_start']}",
                "currency": r["currency"], "value_native": r["value_native"], "amount_krw": r["amount_krw"],
                "amount_krw_adjusted": r["amount_krw_adjusted"], "is_suspect": suspect, "suspect_note": suspect_note,
                "cue_role": r["cue_role"],
                "role": m.role, "is_commitment_role": m.role in COMMITMENT_ROLES, "role_reason": m.reason,
                "relation": m.relation, "related_to": f"{doc}@{related['char_start']}" if related else None,
                "relation_reason": m.relation_reason or None,
                "is_counted": m.is_commitment and m.relation is None,
                "is_curated": m.curated, "curation_note": m.note or None,
            })
        start = stop
    unused = [e for k, e in enumerate(curation or []) if k not in used]
    if unused:
        e = unused[0]
        raise KpolicyError(f"{e.where()}: document {e.doc_id!r} has no money mentions in this corpus (check the doc_id)")
    return schema.conform(pl.DataFrame(out, infer_schema_length=None), table)


# ---------------------------------------------------------------------------------------
# The ledger
# ---------------------------------------------------------------------------------------


def _period(sentence: str, syears: list[tuple[int, str]], pub_year: int | None) -> tuple[int | None, int | None, str]:
    ys = sorted({y for y, r in syears if r not in ("past", "reference", "announced")})
    starts = [y for y, r in syears if r in ("start", "period_start")]
    ends = [y for y, r in syears if r in ("period_end", "target", "deadline", "horizon")]
    n = _N_YEARS.search(sentence)
    n_years = None
    if n:
        word = next(g for g in n.groups() if g)
        n_years = int(word) if word.isdigit() else _NUM_WORDS.get(word.lower())
    if starts and ends:
        return min(starts), max(ends), "years stated in the sentence"
    if len(ys) >= 2 and n_years is None:
        return ys[0], ys[-1], "years stated in the sentence"
    if ends and n_years:
        return max(ends) - n_years + 1, max(ends), f"'{n.group(0)}' ending in {max(ends)}"
    if starts and n_years:
        return min(starts), min(starts) + n_years - 1, f"'{n.group(0)}' from {min(starts)}"
    if n_years and pub_year:
        return pub_year, pub_year + n_years - 1, f"'{n.group(0)}' from the publication year"
    if ends:
        return (pub_year if pub_year and pub_year <= max(ends) else max(ends)), max(ends), f"'by {max(ends)}' from the publication year"
    if len(ys) == 1:
        return ys[0], ys[0], "the year stated in the sentence"
    if _THIS_YEAR.search(sentence) and pub_year:
        return pub_year, pub_year, "'this year' = the publication year"
    return None, None, "no year stated"


@dataclass
class _Fx:
    rate: float
    note: str


def _fx(currency: str, year: int | None) -> _Fx | None:
    try:
        from kpolicy import reference
    except ImportError:  # pragma: no cover - reference data module missing
        return None
    try:
        info = reference.fx_rate(currency, year)
    except KpolicyError:
        return None
    status = "verified" if info.get("verified") else "UNVERIFIED"
    return _Fx(float(info["krw_per_unit"]), f"converted at {info['krw_per_unit']:,.2f} KRW per {currency} "
               f"({info['year_used']} average, {info['how']}; {info['source']}; {status})")


def ceiling_for(funder: str, region: str, period_start: int | None, period_end: int | None) -> float:
    """The most a commitment can be (won): the whole yearly budget of whoever pays it
    (:func:`_ceiling`) times the years of its period (1 when none is stated, at most 30)."""
    years = period_end - period_start + 1 if period_start is not None and period_end is not None and period_end >= period_start else 1
    return _ceiling(funder, region) * max(1, min(years, 30))


def _ceiling(funder: str, region: str) -> float:
    """The whole yearly budget of whoever pays (won): see the ledger's ``ceiling_krw`` column."""
    from kpolicy.extract.money import load_scales

    sc = load_scales()
    regional = sc.regional_budget_krw.get(region, sc.regional_budget_max_krw) if region != "National" else 0.0
    if funder == "private":
        return sc.gdp_krw
    if funder == "local":
        return regional or sc.regional_budget_max_krw
    if funder == "national":
        return sc.national_budget_krw
    return sc.national_budget_krw + regional


def _theme_sets(themes: pl.DataFrame | None) -> tuple[dict[tuple[str, int], set[str]], dict[str, set[str]]]:
    by_sentence: dict[tuple[str, int], set[str]] = defaultdict(set)
    by_doc: dict[str, set[str]] = defaultdict(set)
    if themes is not None and themes.height:
        for d, i, t in themes.select("doc_id", "sentence_idx", pl.col("theme_major").cast(pl.String)).iter_rows():
            by_sentence[(d, i)].add(t)
            by_doc[d].add(t)
    return by_sentence, by_doc


def _value_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same figure within rounding, on either basis (literal or adjusted of each)."""
    va = [v for v in (a["value_krw_literal"], a["value_krw_adjusted"]) if v]
    vb = [v for v in (b["value_krw_literal"], b["value_krw_adjusted"]) if v]
    return any(_close(x, y) for x in va for y in vb)


def _periods_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Overlapping stated periods; without one, the same publication year."""
    if a["period_start"] is not None and b["period_start"] is not None:
        return a["period_start"] <= b["period_end"] and b["period_start"] <= a["period_end"]
    return a["published_year"] is None or b["published_year"] is None or a["published_year"] == b["published_year"]


def _coreference(rows: list[dict[str, Any]], documents: pl.DataFrame, stories: pl.DataFrame | None,
                 themes: pl.DataFrame | None) -> list[dict[str, Any]]:
    """Merge the rows of one commitment reported by several documents.

    Two rows of different documents are one commitment when they have the same region,
    the same value within 1 % (on either basis), agreeing periods, and either belong to
    one story (:mod:`kpolicy.stories`) or share a theme and state a distinctive figure
    (3+ significant digits). Two cities' equal amounts (different regions), one city's
    equal programmes in different years (periods disagree) and a national programme with a
    region's share (different regions, different values) stay apart.
    """
    if stories is None and themes is None:
        return rows
    story = dict(stories.select("doc_id", "story_id").iter_rows()) if stories is not None and stories.height else {}
    meta = {d: (date, pub) for d, date, pub in documents.select("doc_id", "published_date", "publisher").iter_rows()}
    by_sentence, by_doc = _theme_sets(themes)

    def terms(r: dict[str, Any]) -> set[str]:
        return by_sentence.get((r["doc_id"], r["sentence_idx"])) or by_doc.get(r["doc_id"], set())

    from kpolicy.stories import significant_digits

    def distinctive(r: dict[str, Any]) -> bool:
        v = r["value_krw_adjusted"] or r["value_krw_literal"] or 0
        return v > 0 and significant_digits(v) >= 3

    def sort_key(r: dict[str, Any]) -> tuple:
        date = meta.get(r["doc_id"], (None, None))[0]
        return (date or dt.date.max, r["doc_id"], r["char_start"])

    rows = sorted(rows, key=sort_key)
    merged: list[dict[str, Any]] = []
    groups: list[list[dict[str, Any]]] = []
    for r in rows:
        home = None
        for g in groups:
            head = g[0]
            if head["region"] != r["region"] or r["doc_id"] in {x["doc_id"] for x in g}:
                continue
            if not (_value_match(head, r) and _periods_agree(head, r)):
                continue
            same_story = story.get(head["doc_id"]) is not None and story.get(head["doc_id"]) == story.get(r["doc_id"])
            if same_story or (distinctive(r) and distinctive(head) and terms(head) & terms(r)):
                home = g
                r["_why"] = ("the same story" if same_story else f"a distinctive figure with shared themes ({', '.join(sorted(terms(head) & terms(r)))})")
                break
        if home is None:
            groups.append([r])
        else:
            home.append(r)
    for g in groups:
        if len(g) == 1:
            merged.append(g[0])
            continue
        # The row's value comes from its first clean report (a garbled copy defers to a clean one).
        base = next((x for x in g if not x["is_suspect"]), g[0])
        out = dict(g[0])
        for k in ("currency", "value_native", "value_krw_literal", "value_krw_adjusted", "value_source", "fx_rate", "is_suspect",
                  "is_counted_literal", "is_counted_adjusted", "adjustment_reason", "ceiling_krw", "is_over_ceiling"):
            out[k] = base[k]
        docs = [x["doc_id"] for x in g]
        outlets = {meta.get(d, (None, None))[1] or f"(unknown) {d}" for d in docs}
        out["evidence_ids"] = [e for x in g for e in x["evidence_ids"]]
        out["part_ids"] = [p for x in g for p in x["part_ids"]]
        out["n_evidence"], out["n_parts"] = len(out["evidence_ids"]), len(out["part_ids"])
        out["doc_ids"], out["n_articles"], out["n_outlets"] = docs, len(docs), len(outlets)
        out["coreference"] = "; ".join(f"{x['doc_id']}: {x.pop('_why')}" for x in g[1:])
        if base is not g[0]:
            out["coreference"] += f"; value from {base['doc_id']} (its report is not garbled)"
        out["why"] = out["why"].rstrip(".") + f"; reported by {len(docs)} articles ({len(outlets)} outlets), counted once."
        out["is_curated"] = any(x["is_curated"] for x in g)
        notes = [x["curation_note"] for x in g if x["curation_note"]]
        out["curation_note"] = "; ".join(notes) or None
        merged.append(out)
    for r in merged:
        r.pop("_why", None)
    return merged


def build_ledger(
    mentions: pl.DataFrame,
    sentences: pl.DataFrame,
    documents: pl.DataFrame,
    years: pl.DataFrame | None = None,
    regions: pl.DataFrame | None = None,
    amounts: pl.DataFrame | None = None,
    stories: pl.DataFrame | None = None,
    themes: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per distinct commitment (the ``ledger`` table) from :func:`classify_mentions`.

    Rows are first built document by document; then the same commitment reported by
    several documents (outlets, copies, translations) becomes one row whose evidence lists
    every document (:func:`_coreference`).

    Args:
        mentions: the ``money_mentions`` table.
        sentences, documents: the corpus tables.
        years: the ``years`` fact table, for each commitment's period.
        regions: the ``regions`` fact table, to pick the region a sentence names when
            the document is about several.
        amounts: the ``amounts`` table, for adjustment reasons.
        stories: the ``stories`` table (:mod:`kpolicy.stories`), for commitments reported
            by several documents; without it every document stands alone.
        themes: the ``themes`` fact table: two reports of one commitment must share a
            theme (the programme terms agree) unless they are in the same story.
    """
    if mentions.height == 0:
        return LEDGER.empty()
    docs = {
        d: (y, lvl, [str(x) for x in (rs or [])])
        for d, y, lvl, rs in documents.select("doc_id", pl.col("published_date").dt.year(), pl.col("level").cast(pl.String), pl.col("regions").cast(pl.List(pl.String))).iter_rows()
    }
    ids = mentions.select("doc_id").unique()
    stext = {(d, i): t for d, i, t in sentences.join(ids, on="doc_id", how="semi").select("doc_id", "sentence_idx", "text").iter_rows()}
    syears: dict[tuple[str, int], list[tuple[int, str]]] = {}
    if years is not None and years.height:
        for d, i, y, r in years.join(ids, on="doc_id", how="semi").select("doc_id", "sentence_idx", "year", pl.col("year_role").cast(pl.String)).iter_rows():
            syears.setdefault((d, i), []).append((y, r))
    named: dict[tuple[str, int], set[str]] = {}
    if regions is not None and regions.height:
        for d, i, r in regions.join(ids, on="doc_id", how="semi").select("doc_id", "sentence_idx", pl.col("region").cast(pl.String)).iter_rows():
            named.setdefault((d, i), set()).add(r)
    reasons: dict[str, str] = {}
    if amounts is not None and amounts.height:
        for d, cs, why in amounts.select("doc_id", "char_start", "adjustment_reason").drop_nulls("adjustment_reason").iter_rows():
            reasons[f"{d}@{cs}"] = why

    ms = {r["mention_id"]: r for r in mentions.to_dicts()}
    children: dict[str, list[str]] = {}
    for mid, r in ms.items():
        if r["related_to"]:
            children.setdefault(r["related_to"], []).append(mid)

    def descendants(mid: str, relation: str) -> list[str]:
        out, stack = [], [mid]
        while stack:
            cur = stack.pop()
            for c in children.get(cur, []):
                if ms[c]["relation"] == relation or (relation == "part_of" and ms[c]["relation"] == "same_as" and ms[cur]["relation"] == "part_of"):
                    out.append(c)
                    stack.append(c)
        return sorted(out, key=lambda x: ms[x]["char_start"])

    rows = []
    for mid, r in ms.items():
        if not r["is_counted"]:
            continue
        doc = r["doc_id"]
        pub_year, level, about = docs.get(doc, (None, None, []))
        same = [x for x in descendants(mid, "same_as")]
        evidence = [mid, *same]
        parts = [x for e in evidence for x in descendants(e, "part_of") if x not in same]
        sentence = stext.get((doc, r["sentence_idx"]), "")
        # The region: the document's about-region; the one the sentence names when several.
        named_here = [x for x in about if x in named.get((doc, r["sentence_idx"]), set())]
        if len(about) == 1:
            region, region_source = about[0], "the document's region"
        elif len(named_here) == 1:
            region, region_source = named_here[0], "named in the sentence (the document is about several regions)"
        elif about:
            region, region_source = about[0], f"the first of the document's regions ({', '.join(about)})"
        else:
            region, region_source = None, "the document has no region"
        if region is None:
            continue
        # The value: as written, a stated won equivalent, or a conversion at a yearly rate.
        currency, native = r["currency"], r["value_native"]
        literal, adjusted, fx_rate = r["amount_krw"], r["amount_krw_adjusted"], None
        value_source = "as written"
        equivalent = next((ms[x] for x in same if ms[x]["currency"] == "KRW" and ms[x]["cue_role"] == "conversion"), None)
        if currency != "KRW" and equivalent is not None:
            literal, adjusted = equivalent["amount_krw"], equivalent["amount_krw_adjusted"]
            value_source = f"the stated won equivalent {equivalent['surface']!r}"
        elif currency == "KRW" and r["cue_role"] == "conversion" and any(ms[x]["currency"] != "KRW" for x in same):
            foreign = next(ms[x] for x in same if ms[x]["currency"] != "KRW")
            value_source = f"the stated won equivalent of {foreign['surface']!r}"
        elif currency != "KRW":
            fx = _fx(currency, pub_year)
            if fx is None:
                value_source = f"no won equivalent stated and no {currency} rate in kpolicy/data/fx_rates.yaml: not counted"
            else:
                literal, fx_rate, value_source = native * fx.rate, fx.rate, fx.note
        suspect = bool(r["is_suspect"]) or (equivalent is not None and bool(equivalent["is_suspect"]))
        if literal is None:
            counts_literal = counts_adjusted = False
            adj_value = None
        else:
            counts_literal = not suspect
            adj_value = adjusted if adjusted is not None else (None if suspect else literal)
            counts_adjusted = adj_value is not None
        years_here = syears.get((doc, r["sentence_idx"]), [])
        p0, p1, psrc = _period(sentence, years_here, pub_year)
        role = r["role"]
        funder, funder_source = _ROLE_FUNDER.get(role), "the role"
        if funder is None:  # a repeat of the figure may name who pays
            stated = {_ROLE_FUNDER.get(ms[x]["role"]) for x in same} - {None}
            if len(stated) == 1:
                funder, funder_source = stated.pop(), "a repeat of the figure names it"
        if funder is None:
            part_funders = {_ROLE_FUNDER.get(ms[x]["role"]) for x in parts} - {None}
            if len(part_funders) > 1:
                funder, funder_source = "mixed", "its parts name several funders"
            elif len(part_funders) == 1:
                funder, funder_source = part_funders.pop(), "its parts"
            elif level == "national":
                funder, funder_source = "national", "the document's level (central government), inferred"
            elif level in ("metropolitan", "provincial", "municipal"):
                funder, funder_source = "local", f"the document's level ({level} government), inferred"
            else:
                funder, funder_source = "unstated", "not stated"
        ceiling = ceiling_for(funder, region, p0, p1)
        biggest = max(v for v in (literal, adj_value) if v is not None) if (literal is not None or adj_value is not None) else None
        exceeds = biggest is not None and biggest > ceiling
        if exceeds:
            counts_literal = counts_literal and literal is not None and literal <= ceiling
            counts_adjusted = counts_adjusted and adj_value is not None and adj_value <= ceiling
        why = (f"{ROLE_MEANINGS[role].capitalize()} ({r['role_reason']})"
               + (f"; repeated {len(same)} time(s) and counted once" if same else "")
               + (f"; {len(parts)} itemised figure(s) are its parts and are not added again" if parts else "")
               + (f"; NOT COUNTED: larger than the whole budget of its funder over its period ({ceiling:,.0f} won), so the figure is mis-read" if exceeds else "")
               + ".")
        curated_notes = [ms[x]["curation_note"] for x in evidence + parts if ms[x]["is_curated"] and ms[x]["curation_note"]]
        rows.append({
            **{c: r[c] for c in schema.PROVENANCE_COLUMNS},
            "ledger_id": mid, "region": region, "region_source": region_source, "sentence": sentence, "role": role,
            "evidence_ids": evidence, "part_ids": parts, "n_evidence": len(evidence),
            "currency": currency, "value_native": native, "value_krw_literal": literal, "value_krw_adjusted": adj_value,
            "value_source": value_source, "fx_rate": fx_rate, "is_suspect": suspect,
            "is_counted_literal": counts_literal, "is_counted_adjusted": counts_adjusted,
            "adjustment_reason": reasons.get(mid) or (reasons.get(equivalent and f"{doc}@{equivalent['char_start']}", None) if equivalent else None),
            "ceiling_krw": ceiling, "is_over_ceiling": exceeds,
            "period_start": p0, "period_end": p1, "period_source": psrc,
            "is_annual": bool(_ANNUAL.search(sentence)),
            "published_year": pub_year, "funder": funder, "funder_source": funder_source,
            "n_parts": len(parts), "why": why,
            "doc_ids": [doc], "n_articles": 1, "n_outlets": 1, "coreference": None,
            "is_curated": bool(curated_notes) or any(ms[x]["is_curated"] for x in evidence),
            "curation_note": "; ".join(curated_notes) or None,
        })
    if not rows:
        return LEDGER.empty()
    rows = _coreference(rows, documents, stories, themes)
    out = pl.DataFrame(rows, infer_schema_length=None)
    out = schema.conform(out, LEDGER)
    order = {n: i for i, n in enumerate(schema.REGION_NAMES)}
    return out.with_columns(pl.col("region").cast(pl.String).replace_strict(order, return_dtype=pl.Int64).alias("_o")).sort("_o", "doc_id", "ledger_id").drop("_o")


# ---------------------------------------------------------------------------------------
# Totals
# ---------------------------------------------------------------------------------------

BASES = ("literal", "adjusted")


def region_totals(ledger: pl.DataFrame, basis: str = "adjusted", *, by_year: bool = False) -> pl.DataFrame:
    """Money committed per region: the sum of ledger rows, never of mentions.

    Args:
        ledger: the ``ledger`` table.
        basis: ``literal`` (suspect figures not counted) or ``adjusted`` (suspect figures
            counted at their adjusted reading where they have one).
        by_year: one row per (region, period end year) instead of per region, so that
            budget lines of different years are reported per year.

    Returns:
        ``region``, (``year``), ``committed_krw``, ``n_commitments``,
        ``n_unresolved_suspect`` (rows whose figure the basis cannot resolve),
        ``period`` (first–last year of the counted rows' periods, or the publication
        years when none is stated), ``population``, ``population_year``,
        ``population_verified``, ``per_capita_krw`` and ``basis``. Every region with a
        ledger row appears.
    """
    if basis not in BASES:
        raise KpolicyError(f"unknown amount basis {basis!r}; valid: {', '.join(BASES)}")
    counts = pl.col(f"is_counted_{basis}")
    value = pl.col(f"value_krw_{basis}")
    keys = ["region", *(["year"] if by_year else [])]
    lf = ledger.with_columns(pl.col("region").cast(pl.String), pl.coalesce("period_end", "published_year").alias("year"))
    out = (
        lf.group_by(keys, maintain_order=True)
        .agg(
            pl.when(counts).then(value).otherwise(0.0).sum().alias("committed_krw"),
            counts.sum().cast(pl.Int64).alias("n_commitments"),
            (~counts).sum().cast(pl.Int64).alias("n_unresolved_suspect"),
            pl.when(counts).then(pl.coalesce("period_start", "published_year")).min().alias("_p0"),
            pl.when(counts).then(pl.coalesce("period_end", "published_year")).max().alias("_p1"),
            pl.when(counts).then(pl.col("published_year")).max().alias("_year"),
        )
        .with_columns(
            pl.when(pl.col("_p0").is_null()).then(pl.lit(None, pl.String))
            .when(pl.col("_p0") == pl.col("_p1")).then(pl.col("_p0").cast(pl.String))
            .otherwise(pl.col("_p0").cast(pl.String) + "–" + pl.col("_p1").cast(pl.String))
            .alias("period")
        )
    )
    pops = [_population(reg, yr) for reg, yr in out.select("region", "_year").iter_rows()]
    out = out.with_columns(
        pl.Series("population", [p[0] for p in pops], pl.Float64),
        pl.Series("population_year", [p[1] for p in pops], pl.Int32),
        pl.Series("population_verified", [p[2] for p in pops], pl.Boolean),
    ).with_columns(
        pl.when(pl.col("population") > 0).then(pl.col("committed_krw") / pl.col("population")).otherwise(None).alias("per_capita_krw"),
        pl.lit(basis).alias("basis"),
    )
    order = {n: i for i, n in enumerate(schema.REGION_NAMES)}
    return (
        out.with_columns(pl.col("region").replace_strict(order, default=len(order), return_dtype=pl.Int64).alias("_o"))
        .sort("_o", *(["year"] if by_year else []))
        .select(*keys, "committed_krw", "n_commitments", "n_unresolved_suspect", "period", "population", "population_year",
                "population_verified", "per_capita_krw", "basis")
    )


def _population(region: str, year: int | None) -> tuple[float | None, int | None, bool | None]:
    try:
        from kpolicy import reference
    except ImportError:  # pragma: no cover
        return None, None, None
    try:
        p = reference.population_for(region, year)
    except KpolicyError:
        return None, None, None
    return float(p["population"]), p["year_used"], bool(p["verified"])


def not_counted(mentions: pl.DataFrame) -> pl.DataFrame:
    """The "not counted, and why" table: every mention that opens no ledger row.

    Returns:
        ``doc_id``, ``sentence_idx``, ``surface``, ``role``, ``why`` (the role's reason,
        and the relation's when there is one), ``related_to`` and ``mention_id``, in
        document order.
    """
    return (
        mentions.filter(~pl.col("is_counted"))
        .with_columns(
            pl.when(pl.col("relation").is_not_null())
            .then(pl.col("relation").cast(pl.String) + ": " + pl.col("relation_reason"))
            .otherwise(pl.col("role_reason"))
            .alias("why")
        )
        .select("doc_id", "sentence_idx", "surface", "role", "why", "related_to", "mention_id")
        .sort("doc_id", "sentence_idx", "mention_id")
    )


# ---------------------------------------------------------------------------------------
# From a corpus
# ---------------------------------------------------------------------------------------


def mentions_for(corpus: Any) -> pl.DataFrame:
    """The ``money_mentions`` table of a loaded corpus (with its curation.yaml, if any)."""
    return classify_mentions(
        corpus.facts("amounts"), corpus.sentences, corpus.documents, corpus.facts("years"), load_curation(corpus.root)
    )


def ledger_for(corpus: Any) -> pl.DataFrame:
    """The ``ledger`` table of a loaded corpus."""
    return build_ledger(
        corpus.facts("money_mentions"), corpus.sentences, corpus.documents, corpus.facts("years"), corpus.facts("regions"),
        corpus.facts("amounts"), corpus.facts("stories"), corpus.facts("themes"),
    )


def totals(corpus: Any, basis: str = "adjusted", *, by_year: bool = False) -> pl.DataFrame:
    """:func:`region_totals` of a loaded corpus (what ``kpolicy totals`` prints)."""
    return region_totals(corpus.facts("ledger"), basis, by_year=by_year)
