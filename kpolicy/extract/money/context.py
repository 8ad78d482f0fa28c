"""Context rules around an amount: what is not money (counts, article numbers, the verb
"won", glued Korean words), currency conversions, and the cue words that give an amount
its role. Each rule is one pattern, applied in one place (the Polars query in
:mod:`kpolicy.extract.money.find`).
"""

from __future__ import annotations

import re

import polars as pl

from kpolicy.extract.money.grammar import _SP, py, rust


#: What an amount is, from cue words around it (closed vocabulary, first matching cue wins).
ROLES: tuple[str, ...] = (
    "budget",  # a budget or programme/project cost (예산, 사업비, "budget of")
    "investment",  # money invested or put in (투자, 투입, "invest")
    "increase",  # a change relative to an earlier figure ("an increase of", 증가)
    "sales",  # sales, revenue, exports (매출)
    "fund",  # a named fund (펀드, 기금)
    "national_funds",  # central-government money in a project (국비, "national funds")
    "local_funds",  # local-government money in a project (시비, 도비, "city funds")
    "private",  # private-sector money (민자, "private contributions")
    "total",  # a stated total ("a total of", "worth", 총, 규모)
    "market",  # a market size ("the AI market")
    "conversion",  # a currency conversion in brackets after another amount: "5 billion won ($4 million)"
    "other",
)
Role = pl.Enum(list(ROLES))


# ---------------------------------------------------------------------------------------
# Context rules (Rust syntax through rust(); py() where Python needs one)
# ---------------------------------------------------------------------------------------


_LEFT_CHARS = 60  # the cue window before an amount (stops at the previous amount)
_WIDE_CHARS = 160
_RIGHT_CHARS = 40

# A counter noun after a bare Korean number makes it a count, not money: "1억 명", "2만여 개".
# The counter must end the word (a particle or a non-Hangul character follows), so that
# "5억 개발비" or "5억 배정" are not mistaken for counts.
_COUNTERS = sorted(
    "명 개 건 장 곳 대 가구 세대 톤 평 배 회 번 편 권 종 마리 그루 석 척 시간 개월 년 일 주 세 살 층 "
    "호 위 차 점 쪽 줄 통 벌 채 필지 헥타르 미터 킬로미터 리터 개사 개소 개국 개교 가지 단계 포인트 배럴 "
    "가입자 인 팀 km ㎞ kg ㎏ ㎡ m² ha %".split(),
    key=len, reverse=True,
)
_PARTICLES = "이|가|을|를|의|에|은|는|과|와|도|씩|만|까지|으로|로|당|이상|이하|가량|정도|규모|여|에서|이며|이다|입니다"
COUNTER_PATTERN = (
    f"^{_SP}?(?:여{_SP}?)?(?:{'|'.join(map(re.escape, _COUNTERS))})(?:$|[^가-힣]|{_PARTICLES})"
)
# "17,000 won the award" / "3 won the first prize": the verb, not the currency.
VERB_WON_PATTERN = (
    f"(?i)^{_SP}+(?:the|its|their|his|her|our|first|second|third|gold|silver|bronze"
    "|awards?|prizes?|medals?|titles?|games?|matches?|seats?|votes?|places?|grants?|contracts?|bids?"
    "|approval|praise|support|recognition|honou?rs?|spots?|slots?|races?|elections?|rounds?)\\b"
)
# "제3조" is Article 3 of a law, not 3 trillion won: a bare 조/억 amount right after 제.
ARTICLE_PATTERN = f"제{_SP}?$"
# A Korean currency word glued to a longer word is not a currency: 원칙 (principle),
# 원전 (nuclear plant), 엔진 (engine), 위안부.
KO_CONTINUATION: dict[str, str] = {
    "원": "^(?:칙|전|자|장|료|리|형|래|본|격|단|유|소|고|서|작|탁|조)",
    "엔": "^(?:진|터|지)",
    "위안": "^부",
}
CONVERSION_PATTERN = (
    f"^{_SP}*[(（]{_SP}*(?:(?i:about|approximately|approx\\.|around|roughly|some|nearly|or){_SP}+|약{_SP}*)?$"
)
NATIONAL_CONTEXT_PATTERN = (
    "(?i)\\b(?:national|government|state|central|country|nationwide|korea)\\b|정부|국가|전국|중앙|국비"
)

#: Role cues, in priority order: (role, window, pattern). Windows: ``left`` = up to 60
#: characters before the amount (from the previous amount), ``right`` = up to 40 after (to
#: the next amount), ``clause`` = the part of ``left`` after its last , ; : ( ) [ ],
#: ``wide`` = up to 160 characters before. The first rule that matches decides.
_ADJ = f"(?:[a-z-]+{_SP}+){{0,2}}"  # up to two words before a category noun: "in digital sales"
ROLE_RULES: tuple[tuple[str, str, str], ...] = (
    # Increases are decided by the words right next to the amount.
    ("increase", "left",
     f"(?i)(?:\\bincreases?{_SP}+(?:of|by)|\\bincreased(?:{_SP}+by)?|\\brose{_SP}+by|\\bgrew{_SP}+by"
     f"|\\bup{_SP}+by|\\bjumped{_SP}+by|\\bexpanded{_SP}+by|\\bgrowth{_SP}+of){_SP}+"
     f"(?:(?:about|around|approximately|some|nearly|over|more{_SP}+than){_SP}+)?$"),
    ("increase", "right", f"^{_SP}*(?:\\([^)]{{0,30}}\\){_SP}*)?(?:이|가)?{_SP}*(?:증가|늘|증액|상승|확대|많)"),
    ("increase", "right", f"(?i)^{_SP}+(?:more|higher){_SP}+than\\b"),
    # Categories named right after the amount: "12.8 billion KRW in national funds".
    ("national_funds", "right",
     f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?(?:national|government|state|central{_SP}+government)"
     f"{_SP}+(?:funds?|funding|treasury|subsid|money|support)"),
    ("local_funds", "right",
     f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?(?:local|city|provincial|municipal|county|district)"
     f"{_SP}+(?:government{_SP}+)?(?:funds?|funding|money|subsid)"),
    ("private", "right", f"(?i)^[ ,]*(?:(?:in|of|from|as){_SP}+(?:the{_SP}+)?)?private\\b"),
    ("sales", "right", f"(?i)^[ ,]*(?:(?:in|of){_SP}+{_ADJ})?(?:sales|revenues?|turnover|exports?)\\b"),
    ("sales", "right", f"^{_SP}*(?:의{_SP}*)?매출"),
    ("market", "right", f"(?i)^[ ,-]*(?:(?:in|of){_SP}+)?{_ADJ}market\\b"),
    ("fund", "right", f"(?i)^[ ,-]*{_ADJ}funds?\\b"),
    ("budget", "right", f"(?i)^[ ,-]*(?:(?:in|of|for){_SP}+)?{_ADJ}budgets?\\b"),
    ("budget", "right", f"^{_SP}*(?:의{_SP}*)?(?:예산|사업비)"),
    ("investment", "right", f"(?i)^[ ,-]*(?:(?:in|of){_SP}+)?{_ADJ}investments?\\b"),
    ("investment", "right", f"^{_SP}*(?:을|를|이|가)?{_SP}*(?:투자|투입|들여)"),
    ("total", "right", f"^{_SP}*(?:의{_SP}*)?규모"),
    # Otherwise the cue words of the clause before the amount (an opening bracket right
    # before the amount is skipped: "national (25 billion won)").
    ("national_funds", "clause",
     f"(?i)\\b(?:national|government|state)(?:{_SP}+government)?{_SP}+(?:funds?|funding|treasury|subsid)"
     f"|\\b(?:national|government|state){_SP}*$|국비|국고|정부{_SP}*지원금"),
    ("local_funds", "clause",
     f"(?i)\\b(?:city|provincial|local|municipal)(?:{_SP}+government)?{_SP}+(?:funds?|funding)"
     f"|\\b(?:city|provincial|local|municipal){_SP}*$|시비|도비|군비|구비|지방비"),
    ("private", "clause",
     f"(?i)\\bprivate(?:{_SP}+sector)?{_SP}+(?:funds?|funding|capital|investments?|contributions?|money)"
     f"|\\bprivate(?:{_SP}+sector)?{_SP}*$|민자|민간{_SP}*(?:투자|자본|자금|부담)"),
    ("sales", "clause", "(?i)\\b(?:sales|revenues?|turnover)\\b|매출"),
    ("market", "clause", f"(?i)\\bmarkets?\\b|시장{_SP}*규모"),
    ("fund", "clause", "(?i)\\bfunds?\\b|펀드|기금"),
    ("budget", "clause", "(?i)\\bbudget|\\b(?:spend|spends|spent|spending|allocat\\w*|earmark\\w*)\\b"
     f"|\\bset{_SP}+aside\\b|예산|사업비|편성"),
    ("investment", "clause", "(?i)\\binvest|\\b(?:inject\\w*|pour\\w*)\\b|투자|투입"),
    ("total", "clause",
     f"(?i)\\b(?:total|totaling|totalling|altogether|combined|amounting|worth)\\b|\\bin{_SP}+all\\b|총{_SP}*$|총액|합계|모두"),
    # Then the wider window before the amount.
    ("budget", "wide", "(?i)\\bbudget|예산|사업비"),
    ("investment", "wide", "(?i)\\binvest|투자|투입"),
)
_ROLE_RULES_PY = tuple((role, window, py(p)) for role, window, p in ROLE_RULES)
#: The clause before an amount: what follows the last , ; : ( ) [ ] of the left window,
#: not counting an opening bracket right before the amount.
CLAUSE_PATTERN = f"([^,;:()\\[\\]]*)(?:[(（]{_SP}*)?$"
_CLAUSE_MATCH = CLAUSE_PATTERN.replace("([^", "(?:[^", 1)  # the same, without the (slow) capture


# Impossible slots: a date "on the 5770th", a malformed ordinal "the 402th", "5월 402일".
# Only candidates that can be impossible are matched (a day of 2+ digits, an ordinal of 3+
# digits); impossible_slot() decides.
SLOT_PATTERN = (
    f"(?i)\\bon{_SP}+the{_SP}+[0-9][0-9,]{{1,9}}(?:st|nd|rd|th)\\b|\\b[0-9]{{3,7}}(?:st|nd|rd|th)\\b"
    f"|[0-9]{{1,2}}월{_SP}?[0-9]{{2,7}}일"
)


def _ordinal_suffix(n: int) -> str:
    if 11 <= n % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def impossible_slot(slot: str) -> int | None:
    """The number in a date or ordinal slot that cannot hold it, else None.

    "on the 5770th" -> 5770 (no month has 5770 days); "the 402th" -> 402 (malformed
    ordinal); "5월 40일" -> 40. "on the 6th" or "the 100th anniversary" -> None.
    """
    m = re.search(r"([0-9][0-9,]*)(st|nd|rd|th|일)", slot, re.I)
    if m is None:
        return None
    n = int(m.group(1).replace(",", "") or 0)
    suffix = m.group(2).lower()
    if suffix == "일":
        return n if n > 31 or n == 0 else None
    if suffix != _ordinal_suffix(n):
        return n
    if slot.lower().startswith("on") and (n > 31 or n == 0):
        return n
    return None


#: How a written figure bounds the amount (closed vocabulary): ``exact`` (as written, or a
#: closed range), ``approx`` ("about", 약, 5억여 원, 가량), ``at_least`` ("more than", 이상,
#: 최소) and ``at_most`` ("up to", 최대, 이하). For open bounds the open side of
#: ``value_low_native``/``value_high_native`` (and their won columns) is null.
BOUNDS: tuple[str, ...] = ("exact", "approx", "at_least", "at_most")
Bound = pl.Enum(list(BOUNDS))

_NOT_HANGUL_BEFORE = "(?:^|[^가-힣])"
#: Bound cues, in priority order: (bound, window, pattern); ``left`` = the words right
#: before the amount, ``right`` = the words right after it. The first rule that matches
#: decides; otherwise a 여 inside the amount (5억여 원) makes it ``approx``.
BOUND_RULES: tuple[tuple[str, str, str], ...] = (
    # Negated comparisons first: "no more than" is at most, "not less than" at least.
    ("at_most", "left", f"(?i)\\b(?:no|not){_SP}+(?:more{_SP}+than|exceeding|over|above){_SP}*$"),
    ("at_least", "left", f"(?i)\\b(?:no|not){_SP}+(?:less{_SP}+than|under|below){_SP}*$"),
    ("at_least", "left",
     f"(?i)(?:\\b(?:more{_SP}+than|over|at{_SP}+least|upwards{_SP}+of|in{_SP}+excess{_SP}+of|exceeding"
     f"|no{_SP}+less{_SP}+than|not{_SP}+less{_SP}+than|(?:a{_SP}+)?minimum{_SP}+of|greater{_SP}+than|above)"
     f"|{_NOT_HANGUL_BEFORE}(?:최소|적어도)){_SP}*$"),
    ("at_most", "left",
     f"(?i)(?:\\b(?:less{_SP}+than|under|below|up{_SP}+to|at{_SP}+most|no{_SP}+more{_SP}+than"
     f"|not{_SP}+more{_SP}+than|not{_SP}+exceeding|(?:a{_SP}+)?maximum{_SP}+of|capped{_SP}+at)"
     f"|{_NOT_HANGUL_BEFORE}(?:최대|최고)){_SP}*$"),
    ("approx", "left",
     f"(?i)(?:\\b(?:about|around|approximately|approx\\.?|roughly|some|nearly|almost|close{_SP}+to"
     f"|an{_SP}+estimated|estimated|circa)|{_NOT_HANGUL_BEFORE}(?:약|대략)){_SP}*$"),
    ("at_least", "right",
     f"^{_SP}*(?:이상|초과|넘(?:는|게|어|을|기)|[을를]{_SP}*(?:넘|웃돌)|(?i:or{_SP}+more|and{_SP}+(?:over|above|up|more))\\b)"),
    ("at_most", "right",
     f"^{_SP}*(?:이하|미만|이내|한도|까지|(?i:or{_SP}+less|or{_SP}+under|at{_SP}+most)\\b)"),
    ("approx", "right", f"^(?:{_SP}*(?:가량|정도|안팎|내외|남짓|쯤)|대(?:$|[^가-힣]|[를로의에은는이]))"),
)


def _bound_expr() -> pl.Expr:
    """The amount's ``bound`` from :data:`BOUND_RULES` over the ``_left``/``_right`` windows."""
    expr = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for bound, window, pattern in BOUND_RULES:
        cond = pl.col(f"_{window}").str.contains(rust(pattern))
        if bound != "approx":
            cond = cond & ~pl.col("is_range")
        expr = expr.when(cond).then(pl.lit(bound))
    return expr.when(pl.col("surface").str.contains("여")).then(pl.lit("approx")).otherwise(pl.lit("exact"))


def _role_expr() -> pl.Expr:
    expr = pl.when(pl.col("_conversion")).then(pl.lit("conversion"))
    for role, window, pattern in ROLE_RULES:
        expr = expr.when(pl.col(f"_{window}").str.contains(rust(pattern))).then(pl.lit(role))
    return expr.otherwise(pl.lit("other"))
