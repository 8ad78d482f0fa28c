"""Text clean-up, sentence segmentation and offset maps.

:func:`normalize` turns a file's decoded text into the normalised text that every fact
offset (``char_start``/``char_end``) indexes, and keeps an offset map back to the
original (``source_start``/``source_end``). It is one mechanism applied in passes: each
pass is a regular-expression substitution (:func:`_sub`) that rewrites the text *and*
its per-character source map, so any span of the result traces back to the original.

Passes, in order:

1. line endings (CRLF, CR -> LF);
2. Unicode: NFC, full-width ASCII -> ASCII, odd spaces -> space, invisible characters
   dropped;
3. mojibake: UTF-8 read as cp1252 ("â€™" -> "’"), and the ``?`` that machine
   translation leaves for a dash between two words ("projects?SOS" -> "projects—SOS");
4. boilerplate (``kpolicy/data/boilerplate.yaml``): disclaimers, copyright lines,
   widgets, contact lines, bylines;
5. bullets (▲ △ ◆ ◇ ■ □ ● ○ • ▶, and ㅇ / - at line start) -> a new line starting "• ";
6. whitespace: runs of blanks -> one space; blank lines -> one empty line; lines
   stripped.

:func:`split_sentences` then splits the normalised text into sentences and bullet items.
"""

from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import yaml

from kpolicy.paths import DATA_DIR

BULLET = "•"

# ---------------------------------------------------------------------------------
# The mechanism: substitution with an offset map
# ---------------------------------------------------------------------------------


@dataclass
class Mapped:
    """Text plus, for each character, its position in the original text.

    ``src`` has ``len(text) + 1`` entries; the last is the original text's length, so
    that an end offset always maps.
    """

    text: str
    src: list[int]
    #: Per character, the end (exclusive) of its original: ``src[i] + 1`` for all of them
    #: when None (the common case, kept implicit because it costs nothing). A character
    #: composed from several originals (decomposed Hangul "ᄋ ᅥ ᆨ" -> "억", a letter and
    #: its accent, mojibake "â€™" -> "’") ends after the last of them.
    end: list[int] | None = None

    @classmethod
    def identity(cls, text: str) -> Mapped:
        return cls(text, list(range(len(text) + 1)))

    def end_of(self, i: int) -> int:
        """End (exclusive) in the original of the ``i``-th character."""
        return self.end[i] if self.end is not None else self.src[i] + 1

    def width_runs(self) -> list[tuple[int, int, int]]:
        """:meth:`runs` that also break where a character's source width changes:
        ``(char_start, source_start, source_width)``, each position of the run covering
        ``source_width`` original code points (1 except for composed characters)."""
        if self.end is None:
            return [(c, s, 1) for c, s in self.runs()]
        n = len(self.src) - 1
        if n <= 0:
            return [(0, self.src[-1], 1)]
        keys = zip(map(operator.sub, self.src[:n], range(n)), map(operator.sub, self.end, self.src[:n]))
        out: list[tuple[int, int, int]] = []
        i = 0
        for (offset, width), group in itertools.groupby(keys):
            out.append((i, i + offset, width))
            i += len(list(group))
        return out

    def runs(self) -> list[tuple[int, int]]:
        """Compress the map into runs ``(char_start, source_start)`` of consecutive positions."""
        n = len(self.src) - 1
        if n <= 0:
            return [(0, self.src[-1])]
        # Within a run the offset src[i] - i is constant: group equal offsets (in C,
        # where a loop over every character in Python dominated).
        out: list[tuple[int, int]] = []
        i = 0
        for offset, group in itertools.groupby(map(operator.sub, self.src[:n], range(n))):
            out.append((i, i + offset))
            i += len(list(group))
        return out


Replacement = str | Callable[[re.Match[str]], str]


class _Finder(Protocol):
    def finditer(self, text: str) -> Iterator[re.Match[str]]: ...


def _sub(m: Mapped, pattern: re.Pattern[str] | _Finder, repl: Replacement, cover: bool = False) -> Mapped:
    """Apply a regex substitution to ``m.text`` and carry the offset map along.

    Characters outside matches keep their source positions. The i-th character of a
    replacement maps to the source of the i-th character of the match (clamped to the
    match's last character), so a same-length replacement keeps an exact map and a
    shorter or longer one stays inside the span it replaced. With ``cover``, the
    replacement stands for the whole match (mojibake "â€™" -> "’"), so its last
    character's source ends where the match's does.
    """
    text, src, end = m.text, m.src, m.end
    track = end is not None or cover
    parts: list[str] = []
    new_src: list[int] = []
    new_end: list[int] = []
    pos = 0
    changed = False
    # A replacement string without group references is used as is (match.expand parses
    # the template on every call, which dominated the normaliser's run time).
    literal = repl if isinstance(repl, str) and "\\" not in repl else None
    for match in pattern.finditer(text):
        a, b = match.span()
        if literal is not None:
            new = literal
        else:
            new = repl(match) if callable(repl) else match.expand(repl)
        if new == match.group(0):
            continue
        changed = True
        parts.append(text[pos:a])
        new_src.extend(src[pos:a])
        parts.append(new)
        if track:
            new_end.extend(end[pos:a] if end is not None else (x + 1 for x in src[pos:a]))
        if b > a:
            at = [min(a + i, b - 1) for i in range(len(new))]
            new_src.extend(src[j] for j in at)
            if track:
                ends = [m.end_of(j) for j in at]
                if cover and ends:
                    ends[-1] = max(ends[-1], m.end_of(b - 1))
                new_end.extend(ends)
        else:  # an insertion maps to the position it was inserted at
            new_src.extend(src[a] for _ in range(len(new)))
            if track:
                new_end.extend(src[a] + 1 for _ in range(len(new)))
        pos = b
    if not changed:
        return m
    parts.append(text[pos:])
    new_src.extend(src[pos:])
    if track:
        new_end.extend(end[pos:] if end is not None else (x + 1 for x in src[pos:-1]))
    return Mapped("".join(parts), new_src, new_end if track else None)


def _nfc_segments(run: str) -> list[tuple[int, int]]:
    """Split ``run`` into pieces whose NFC forms, joined, are the NFC of ``run``.

    A piece is one character of the composed text with everything composed into it: a
    starter and its combining marks, or a Hangul syllable written as jamo (L V T, and a
    precomposed LV followed by a T jamo in mixed input). A new piece starts at a starter
    (combining class 0) that does not compose with the piece before it.
    """
    pieces: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(run)):
        ch = run[i]
        if unicodedata.combining(ch):
            continue
        piece = unicodedata.normalize("NFC", run[start:i])
        if unicodedata.normalize("NFC", run[start : i + 1]) == piece + unicodedata.normalize("NFC", ch):
            pieces.append((start, i))
            start = i
    if run:
        pieces.append((start, len(run)))
    return pieces


def _nfc_pass(m: Mapped) -> Mapped:
    """NFC on every non-ASCII run, mapping each composed character to all of its
    originals (``src`` at the first, ``end`` after the last), so that a source span never
    cuts a character of the original (decomposed Hangul from macOS "5억 원")."""
    text, src = m.text, m.src
    parts: list[str] = []
    new_src: list[int] = []
    new_end: list[int] = []
    pos = 0
    changed = False
    for match in _NFC_RUN.finditer(text):
        run = match.group(0)
        if unicodedata.is_normalized("NFC", run):
            continue
        a, b = match.span()
        pieces = _nfc_segments(run)
        composed = [unicodedata.normalize("NFC", run[i:j]) for i, j in pieces]
        if "".join(composed) != unicodedata.normalize("NFC", run):  # never seen; keep the plain map
            fallback = _sub(Mapped(run, src[a : b + 1], m.end[a:b] if m.end is not None else None), _NFC_RUN, _nfc, cover=True)
            composed, piece_maps = [fallback.text], [(fallback.src[:-1], [fallback.end_of(k) for k in range(len(fallback.text))])]
        else:
            piece_maps = [([src[a + i]] * len(c), [m.end_of(a + j - 1)] * len(c)) for (i, j), c in zip(pieces, composed)]
        changed = True
        parts.append(text[pos:a])
        new_src.extend(src[pos:a])
        new_end.extend(m.end[pos:a] if m.end is not None else (x + 1 for x in src[pos:a]))
        parts.extend(composed)
        for starts, ends in piece_maps:
            new_src.extend(starts)
            new_end.extend(ends)
        pos = b
    if not changed:
        return m
    parts.append(text[pos:])
    new_src.extend(src[pos:])
    new_end.extend(m.end[pos:] if m.end is not None else (x + 1 for x in src[pos:-1]))
    return Mapped("".join(parts), new_src, new_end)


# ---------------------------------------------------------------------------------
# Passes
# ---------------------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
# A run for NFC: non-ASCII characters and the one character before them, since an ASCII
# letter is the starter that a following combining mark composes with ("e" + U+0301).
# No composition has an ASCII character as its second part, so one is enough.
_NFC_RUN = re.compile(r"[\x00-\x7f]?[^\x00-\x7f]+")
_FULLWIDTH = re.compile(r"[\uff01-\uff5e]")
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# Runs that look like UTF-8 bytes shown as cp1252: a lead byte character (Â-ô) followed
# by 1-3 continuation-byte characters. Only replaced when they really decode.
_CP1252_CONT = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
_MOJIBAKE = re.compile(rf"(?:[\u00c2-\u00f4][{_CP1252_CONT}]{{1,3}})+")
# Machine translation turns the dash between two words into "?": "projects?SOS Lab".
_QMARK_DASH = re.compile(r"(?<=[^\W_])\?(?=[^\W_])")


def _nfc(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", match.group(0))


def _fix_mojibake(match: re.Match[str]) -> str:
    s = match.group(0)
    try:
        return s.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s


def _qmark_dash(match: re.Match[str]) -> str:
    # Leave URLs and query strings alone ("index.php?id=3").
    text, i = match.string, match.start()
    window = max(0, i - 200)  # bounded look-back keeps long lines linear
    token_start = max(text.rfind(" ", window, i), text.rfind("\n", window, i), window - 1) + 1
    token = text[token_start:i]
    if "/" in token or "=" in token or "www" in token.lower() or "." in token:
        return "?"
    return "\u2014"


@dataclass(frozen=True)
class BoilerplateRule:
    name: str
    scope: str
    pattern: re.Pattern[str]
    why: str


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """The curated (hand-written) boilerplate rules from ``kpolicy/data/boilerplate.yaml``."""
    with open(DATA_DIR / "boilerplate.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    rules = []
    for r in data["rules"]:
        flags = re.IGNORECASE | (re.MULTILINE if r["scope"] == "inline" else 0)
        rules.append(BoilerplateRule(r["name"], r["scope"], re.compile(r["pattern"], flags), r["why"]))
    return tuple(rules)


@lru_cache(maxsize=1)
def _boilerplate_line_pattern() -> re.Pattern[str]:
    # One pattern for all whole-line rules: a line (with its newline) whose stripped
    # content fully matches any rule.
    alts = "|".join(f"(?:{r.pattern.pattern})" for r in boilerplate_rules() if r.scope == "line")
    return re.compile(rf"^[ \t]*(?:{alts})[ \t]*(?:\n|\Z)", re.IGNORECASE | re.MULTILINE)


_BULLET_INLINE = re.compile(r"(?:^|[ \t]+)[▲△◆◇■□●○•▶►◈◎]+[ \t]*", re.MULTILINE)
_BULLET_LINE_START = re.compile(r"^[ \t]*(?:ㅇ|-|\*|·)[ \t]+", re.MULTILINE)
_BLANKS = re.compile(r"[ \t]{2,}|\t")  # single spaces already are what we want
_LINE_EDGES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_EDGES = re.compile(r"^\s+|\s+$")


def _bullet(match: re.Match[str]) -> str:
    # A marker inside a line starts a new line; one at the start of a line just becomes "• ".
    a = match.start()
    at_line_start = a == 0 or match.string[a - 1] == "\n"
    return f"{BULLET} " if at_line_start else f"\n{BULLET} "


class _LineStarts:
    """``finditer`` of a pattern that can only match at the start of a line (it opens
    with ``^`` under re.MULTILINE), tried at line starts only.

    The regex engine has no shortcut for such a pattern and tries every position of
    the text; matching at each line start gives the same matches, in the same order.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pos, n = 0, len(text)
        while pos <= n:
            m = self.pattern.match(text, pos)
            if m is not None:
                yield m
                if m.end() > pos:
                    pos = m.end()
                    if text[pos - 1] == "\n":
                        continue  # the match took its line break: pos starts a line
            # The next line start after pos (a match may end inside a line).
            nl = text.find("\n", pos)
            if nl < 0:
                return
            pos = nl + 1


class _Probed:
    """``finditer`` of a pattern ``[ \t]*REST``, run only when REST occurs in the text.

    Every match of the pattern contains a match of REST (after its blanks), so when a
    search for REST finds nothing the pattern has no match either; REST, which starts
    with a word or a literal, is found far faster than the pattern, which the regex
    engine tries at every position."""

    def __init__(self, pattern: re.Pattern[str], probe: re.Pattern[str]) -> None:
        self.pattern, self.probe = pattern, probe

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.probe.search(text) is None:
            return iter(())
        return self.pattern.finditer(text)


_LEADING_BLANKS = "[ \\t]*"


@lru_cache(maxsize=1)
def _inline_finders() -> tuple[re.Pattern[str] | _Finder, ...]:
    """The inline boilerplate rules, each with the fastest finder giving its matches:
    tried at line starts only (a rule opening with ``^``), or behind a probe (a rule
    opening with blanks), else the pattern itself."""
    out: list[re.Pattern[str] | _Finder] = []
    for rule in boilerplate_rules():
        if rule.scope != "inline":
            continue
        pattern = rule.pattern
        if pattern.pattern.startswith("^"):
            out.append(_LineStarts(pattern))
        elif pattern.pattern.startswith(_LEADING_BLANKS) and len(pattern.pattern) > len(_LEADING_BLANKS):
            out.append(_Probed(pattern, re.compile(pattern.pattern[len(_LEADING_BLANKS) :], pattern.flags)))
        else:
            out.append(pattern)
    return tuple(out)


def _remove_boilerplate(m: Mapped) -> Mapped:
    m = _sub(m, _LineStarts(_boilerplate_line_pattern()), "")
    for finder in _inline_finders():
        m = _sub(m, finder, "")
    return m


# Passes that cannot match are skipped: each test below is False only when its pattern
# has no match in the text (the pattern's characters are absent), and costs far less
# than the pattern's scan of every position. Most passes find nothing in most documents.
_NEWLINE_CHARS = re.compile(r"[\r\u2028\u2029\x85]")
_MOJIBAKE_LEAD = re.compile(r"[\u00c2-\u00f4]")
_BULLET_CHARS = re.compile(r"[▲△◆◇■□●○•▶►◈◎]")


def _may_have_line_edge_blank(t: str) -> bool:
    """A blank or tab at the start or end of a line (what _LINE_EDGES removes)."""
    return (
        t[:1] in (" ", "\t") or t[-1:] in (" ", "\t")
        or "\n " in t or "\n\t" in t or " \n" in t or "\t\n" in t
    )


def normalize_mapped(raw: str) -> Mapped:
    """Normalise ``raw`` and return the text with its per-character source map."""
    m = Mapped.identity(raw)
    if "\r" in m.text or (not m.text.isascii() and _NEWLINE_CHARS.search(m.text)):
        m = _sub(m, _NEWLINES, "\n")
    if not unicodedata.is_normalized("NFC", m.text):  # most text already is: skip the pass
        m = _nfc_pass(m)
    if not m.text.isascii():
        m = _sub(m, _FULLWIDTH, lambda x: chr(ord(x.group(0)) - 0xFEE0))
    if not m.text.isascii() or "\t" in m.text or "\v" in m.text or "\f" in m.text:
        m = _sub(m, _ODD_SPACES, " ")
    if not m.text.isascii():
        m = _sub(m, _INVISIBLE, "")
    m = _sub(m, _CONTROL, "")
    if not m.text.isascii() and _MOJIBAKE_LEAD.search(m.text):
        m = _sub(m, _MOJIBAKE, _fix_mojibake, cover=True)
    if "?" in m.text:
        m = _sub(m, _QMARK_DASH, _qmark_dash)
    m = _remove_boilerplate(m)
    if not m.text.isascii() and _BULLET_CHARS.search(m.text):
        m = _sub(m, _BULLET_INLINE, _bullet)
    m = _sub(m, _BULLET_LINE_START, f"{BULLET} ")
    if "  " in m.text or "\t" in m.text:
        m = _sub(m, _BLANKS, " ")
    if _may_have_line_edge_blank(m.text):
        m = _sub(m, _LINE_EDGES, "")
    if "\n\n\n" in m.text:
        m = _sub(m, _BLANK_LINES, "\n\n")
    if m.text[:1].isspace() or m.text[-1:].isspace():
        m = _strip_edges(m)
    return m


def _strip_edges(m: Mapped) -> Mapped:
    """``_sub(m, _EDGES, "")``, by slicing: ``^\\s+|\\s+$`` matches the leading and
    the trailing white space (regex ``\\s`` is ``str.isspace``, as ``str.strip`` uses)."""
    text = m.text
    start = len(text) - len(text.lstrip())
    end = max(start, len(text.rstrip()))
    if start == 0 and end == len(text):
        return m
    return Mapped(text[start:end], m.src[start:end] + m.src[len(text) :], m.end[start:end] if m.end is not None else None)


def normalize(raw: str) -> str:
    """Normalised text of ``raw`` (see the module docstring for the passes)."""
    return normalize_mapped(raw).text


# ---------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st no nos co corp inc ltd jr sr vs etc e.g i.e approx dept gov
    govt jan feb mar apr jun jul aug sep sept oct nov dec fig est min max mt ft
    u.s u.k u.n""".split()
)
# A candidate sentence end: ., !, ? or 。 (plus closing quotes/brackets), then spaces.
_NON_BLANK = re.compile(r"\S")
_DATE_PART = re.compile(r"\d{1,2}\.(?!\d)")
_SENT_END = re.compile(r"[.!?。](?:[\"'”’»)\]」』]*)(?=\s+\S)")


def _is_boundary(line: str, end: int) -> bool:
    """Whether the punctuation ending at ``end`` (exclusive) closes a sentence."""
    k = end
    while k > 0 and line[k - 1] in "\"'”’»)]」』":
        k -= 1
    punct = line[k - 1]
    if punct != ".":
        return True
    # The last word: the run of word characters and dots just before the full stop, in a
    # bounded window (long lines stay linear). Scanned back by hand: a "([\w.]+)$"
    # search was tried at every position of the window. Regex \w is str.isalnum() or "_".
    lo, j = max(0, k - 41), k - 1
    while j > lo and (line[j - 1].isalnum() or line[j - 1] in "._"):
        j -= 1
    token = line[j : k - 1].lower()
    if token in _ABBREVIATIONS or token.rstrip(".") in _ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha() and token.isascii():  # initials: "J. Park"
        return False
    nxt_m = _NON_BLANK.search(line, end)  # line[end:].lstrip()[:1], without the copy
    nxt = nxt_m.group(0) if nxt_m else ""
    # A dotted date in the Korean official style, "2024. 1. 2.(화)": a number, then a
    # one- or two-digit number with its own full stop, is one date, not three sentences.
    if nxt.isdigit() and token.isdigit() and len(token) <= 4 and _DATE_PART.match(line, nxt_m.start()):
        return False
    # A lower-case continuation is rarely a new sentence in English ("approx. five").
    return not (nxt.isascii() and nxt.islower())


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    is_bullet: bool


def split_sentences(text: str) -> list[Sentence]:
    """Split normalised text into sentences and bullet items.

    Lines are never joined: a line break ends a sentence (paragraphs, headings and
    bullet items are lines after normalisation). Inside a line, a sentence ends at
    ``. ! ? 。`` followed by white space, except after abbreviations and initials. A
    bullet item's leading "• " is left out of its span.

    Returns:
        Spans into ``text`` (code points), in order, none empty.
    """
    out: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        is_bullet = line.startswith(BULLET + " ")
        seg_start = 2 if is_bullet else 0
        for m in _SENT_END.finditer(line):
            if m.end() <= seg_start or not _is_boundary(line, m.end()):
                continue
            out.append(Sentence(line_start + seg_start, line_start + m.end(), is_bullet))
            seg_start = m.end()
            while seg_start < len(line) and line[seg_start] == " ":
                seg_start += 1
            is_bullet = False
        if seg_start < len(line):
            out.append(Sentence(line_start + seg_start, line_start + len(line), is_bullet))
    return [s for s in out if s.end > s.start and text[s.start : s.end].strip()]
