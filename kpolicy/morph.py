"""Content tokens in English and Korean: one definition for word counts, keyness and themes.

A *content token* is one lemma of a content word:

* **Korean** (any text with a Hangul syllable) is analysed by Kiwi (kiwipiepy): nouns
  (NNG, NNP), verb and adjective stems as dictionary forms (VV, VA: 늘리 -> 늘리다), roots
  (XR), Hanja (SH) and foreign words (SL, such as "AI"). Particles, endings, suffixes,
  bound nouns (것, 원, 명) and numerals (SN, NR: 2030, 천억) are not content, so
  "양성할" gives 양성 and "발표했다" gives 발표.
* **English** (and the Latin words of a Korean text): lower-cased word tokens with a
  letter, plurals reduced to the singular (factories -> factory, robots -> robot).

In both languages stop words, number words, units and currency words
(``data/stopwords.yaml``) and news-frame words (``data/boilerplate.yaml``,
``vocabulary``) are left out, so that a Korean article and its English translation give
comparable counts: 1,000 content tokens is the same amount of text in either language.

Why kiwipiepy: it is maintained, ships its model as a package (``kiwipiepy-model``, so
nothing is downloaded at run time) and runs in-process without a JVM, unlike KoNLPy's
analysers. One :class:`kiwipiepy.Kiwi` instance is built on first use (about two
seconds) and kept; lists of texts are analysed in one batched call.
"""

from __future__ import annotations

import functools
import re
from typing import Iterable, NamedTuple

import polars as pl
import yaml

from kpolicy.paths import DATA_DIR


class Token(NamedTuple):
    """One content token: its lemma, part of speech, and span ``[start, end)`` in the text."""

    lemma: str
    pos: str
    start: int
    end: int


#: Kiwi (Sejong) tags kept as content; English tokens are tagged SL (foreign word).
KO_CONTENT_TAGS: frozenset[str] = frozenset({"NNG", "NNP", "VV", "VA", "XR", "SH", "SL"})
_HANGUL = re.compile("[가-힣]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-&][A-Za-z0-9]+)*")
_HAS_LETTER = re.compile("[a-z]")
# Ordinals and decades are numbers too (8th, 2nd, 1990s); "5g" and "3d" are words.
_NUMBER_LIKE = re.compile(r"\d+(?:st|nd|rd|th|s)")
# Plural -s is kept after these endings (business, campus, analysis, economics, news).
_KEEP_S = ("ss", "us", "is", "ics", "ews")
_NOT_PLURAL = frozenset({"series", "species", "gas", "bus", "lens", "data", "media", "has", "was", "this", "its", "is", "as", "us", "yes"})


@functools.lru_cache(maxsize=1)
def stop_words() -> dict[str, frozenset[str]]:
    """Non-content lemmas per language (``en``, ``ko``): stop words, number words, units,
    currency words and news-frame vocabulary."""
    with open(DATA_DIR / "stopwords.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    with open(DATA_DIR / "boilerplate.yaml", encoding="utf-8") as fh:
        frame = (yaml.safe_load(fh) or {}).get("vocabulary") or {}
    out = {}
    for lang in ("en", "ko"):
        words = {w for group in (data.get(lang) or {}).values() for w in str(group).split()}
        words.update(str(w).lower() for w in frame.get(lang) or [])
        out[lang] = frozenset(words)
    return out


def english_lemma(word: str) -> str:
    """Lower-case singular of an English word (cheap rules, no dictionary)."""
    low = word.lower()
    head, _, last = low.rpartition("-")
    if len(last) < 3 or last in _NOT_PLURAL or not last.endswith("s") or last.endswith(_KEEP_S):
        return low
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes", "zes")):
        last = last[:-2]
    else:
        last = last[:-1]
    return f"{head}-{last}" if head else last


def _english_word(word: str) -> str | None:
    """The content lemma of one Latin word, or None when it is not content."""
    lemma = english_lemma(word)
    if len(lemma) < 2 or not _HAS_LETTER.search(lemma) or lemma in stop_words()["en"] or _NUMBER_LIKE.fullmatch(lemma):
        return None
    return lemma


#: :func:`_english_word` per word seen (words repeat: a look-up instead of the rules);
#: cleared with the token cache.
_WORDS: dict[str, str | None] = {}
_MISSING = object()


def _english(text: str, offset: int = 0) -> list[Token]:
    out = []
    words = _WORDS
    for m in _LATIN_WORD.finditer(text):
        word = m.group()
        lemma = words.get(word, _MISSING)
        if lemma is _MISSING:
            lemma = words[word] = _english_word(word)
        if lemma is None:
            continue
        out.append(Token(lemma, "SL", offset + m.start(), offset + m.end()))
    return out


@functools.lru_cache(maxsize=1)
def kiwi():
    """The shared Kiwi analyser (built once; the model comes with kiwipiepy-model)."""
    from kiwipiepy import Kiwi

    return Kiwi(num_workers=1)


def _korean(text: str, analysed) -> list[Token]:
    stops_ko, out = stop_words()["ko"], []
    for t in analysed:
        tag = t.tag.split("-")[0]
        if tag not in KO_CONTENT_TAGS:
            continue
        start, end = t.start, t.start + t.len
        if tag == "SL":
            # Latin words inside Korean text: the English rules (lower case, singular).
            out += _english(text[start:end], start)
            continue
        lemma = t.lemma if tag in ("VV", "VA") else t.form
        if lemma in stops_ko:
            continue
        out.append(Token(lemma, tag, start, end))
    return out


def content_tokens(text: str) -> list[Token]:
    """Content tokens of one text, in order: ``(lemma, pos, start, end)`` per token."""
    return content_tokens_many([text])[0]


_CACHE: dict[str, tuple[Token, ...]] = {}
_CACHE_MAX = 200_000


def content_tokens_many(texts: Iterable[str]) -> list[tuple[Token, ...]]:
    """:func:`content_tokens` for many texts; the Korean ones go to Kiwi in one batch.

    Results are cached by text, so the same sentences analysed again (counts, then
    keyness, then themes) cost a dictionary look-up.
    """
    texts = [t or "" for t in texts]
    todo = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    korean = [t for t in todo if _HANGUL.search(t)]
    if len(_CACHE) + len(todo) > _CACHE_MAX:
        _clear()
    for t in todo:
        if not _HANGUL.search(t):
            _CACHE[t] = tuple(_english(t))
    if korean:
        _analyse(korean)
    return [_CACHE[t] for t in texts]


#: Morpheme starts and ends of each text Kiwi analysed (see :func:`morpheme_bounds_many`),
#: kept from the same analysis as its content tokens: Kiwi runs once per sentence.
_BOUNDS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}


def _clear() -> None:
    _CACHE.clear()
    _WORDS.clear()
    _BOUNDS.clear()


def _analyse(texts: list[str]) -> None:
    """Kiwi over ``texts`` in one batch: the content tokens of those with Hangul (as
    :func:`content_tokens_many` gives them) and the morpheme bounds of all of them."""
    for t, analysed in zip(texts, kiwi().tokenize(texts)):
        _BOUNDS[t] = (tuple(a.start for a in analysed), tuple(a.start + a.len for a in analysed))
        if _HANGUL.search(t):
            _CACHE[t] = tuple(_korean(t, analysed))


def morpheme_bounds_many(texts: list[str]) -> list[tuple[frozenset[int], frozenset[int]]]:
    """Start and end offsets of every morpheme (content or not) of each Korean text, in
    one Kiwi batch: a dictionary term must start and end on these (친|환경, not 수산|물).
    Texts whose content tokens were counted already reuse that analysis."""
    if not texts:
        return []
    todo = [t for t in dict.fromkeys(texts) if t not in _BOUNDS]
    if len(_BOUNDS) + len(todo) > _CACHE_MAX:
        _clear()
    if todo:
        _analyse(todo)
    return [(frozenset(_BOUNDS[t][0]), frozenset(_BOUNDS[t][1])) for t in texts]


def count_tokens(text: str) -> int:
    """Number of content tokens in ``text``."""
    return len(content_tokens(text))


def count_tokens_many(texts: Iterable[str]) -> list[int]:
    """Number of content tokens of each text."""
    return [len(toks) for toks in content_tokens_many(texts)]


#: Columns of :func:`tokens_frame`.
TOKENS_SCHEMA = {
    "doc_id": pl.String,
    "sentence_idx": pl.UInt32,
    "lemma": pl.String,
    "pos": pl.String,
    "char_start": pl.Int64,
    "char_end": pl.Int64,
}


def tokens_frame(sentences: pl.DataFrame) -> pl.DataFrame:
    """Content tokens of a sentences table, one row per token.

    Args:
        sentences: ``doc_id``, ``sentence_idx``, ``text`` and ``char_start``.

    Returns:
        ``doc_id``, ``sentence_idx``, ``lemma``, ``pos``, ``char_start``, ``char_end``
        (offsets into the document's normalised text, as in the fact tables).
    """
    if not sentences.height:
        return pl.DataFrame(schema=TOKENS_SCHEMA)
    toks = content_tokens_many(sentences["text"].to_list())
    rows_lemma, rows_pos, rows_s, rows_e, rows_i = [], [], [], [], []
    for i, ts in enumerate(toks):
        for t in ts:
            rows_i.append(i)
            rows_lemma.append(t.lemma)
            rows_pos.append(t.pos)
            rows_s.append(t.start)
            rows_e.append(t.end)
    flat = pl.DataFrame({"i": rows_i, "lemma": rows_lemma, "pos": rows_pos, "s": rows_s, "e": rows_e},
                        schema={"i": pl.Int64, "lemma": pl.String, "pos": pl.String, "s": pl.Int64, "e": pl.Int64})
    base = sentences.select("doc_id", pl.col("sentence_idx").cast(pl.UInt32), pl.col("char_start").cast(pl.Int64).alias("off")).with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    return flat.join(base, on="i", how="left").select(
        "doc_id", "sentence_idx", "lemma", "pos",
        (pl.col("off") + pl.col("s")).alias("char_start"), (pl.col("off") + pl.col("e")).alias("char_end"),
    )
