"""Plain text (.txt, .md): decoding bytes whose encoding is not declared.

:func:`decode_bytes` detects the encoding (byte-order marks, UTF-16 without one, UTF-8,
CP949/EUC-KR, cp1252/Latin-1) and refuses binary files; :func:`read` wraps it as a
reader (one page). :mod:`kpolicy.corpus` calls :func:`decode_bytes` for ``.txt`` and
``.md`` files, since the documents table records the encoding.
"""

from __future__ import annotations

import codecs
import re

from kpolicy.readers import Extracted, Limits, Page, ReaderError

_BINARY_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx/.hwpx)"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (.doc/.hwp/.xls)"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ASCII_LETTER_BYTES = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e]")
_WESTERN_PUNCT = set("‘’‚“”„–—…•€™†‡‰‹›\u00a0¡¢£¥§©«®°±²³´µ¶·¹º»¼½¾¿×÷")


def _plausible(text: str, encoding: str) -> bool:
    """Whether a non-UTF-8 decoding gives text a person could have written."""
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return True
    if any(0x80 <= ord(c) <= 0x9F for c in non_ascii):  # C1 controls: wrong code page
        return False
    if encoding == "cp949":
        hangul = sum(1 for c in non_ascii if _HANGUL.match(c))
        return hangul / len(non_ascii) >= 0.6
    # Western text: nearly all non-ASCII characters are accented letters or common
    # typographic punctuation, and they are a minority of the letters.
    ok = sum(1 for c in non_ascii if _LATIN_LETTER.match(c) or c in _WESTERN_PUNCT)
    letters = sum(1 for c in text if c.isalpha())
    return ok / len(non_ascii) >= 0.8 and len(non_ascii) <= 0.4 * letters + 10


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes.

    Tries, in order: a BOM (UTF-8, UTF-16, UTF-32), UTF-16 without BOM (when every
    other byte is NUL), strict UTF-8, CP949/EUC-KR (if the result is mostly Hangul),
    and cp1252/Latin-1 (if the result looks like Western text).

    Returns:
        ``(text, encoding)``.

    Raises:
        ReaderError: ``empty``, ``binary`` or ``undecodable``, with a reason.
    """
    if not data:
        raise ReaderError("empty", "The file is empty (0 bytes).")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ReaderError("binary", f"The file is {what}, not text.")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data.decode(enc), enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise ReaderError("undecodable", f"The file starts with a {enc} byte-order mark but is not valid {enc} ({exc.reason} at byte {exc.start}).") from None
    nul = data.count(b"\x00")
    if nul:
        # UTF-16 without a BOM: try both byte orders and keep the one that reads as
        # ordinary text (ASCII, Hangul, Latin letters, common punctuation).
        if len(data) % 2 == 0 and nul >= len(data) * 0.05:
            best = max(
                ((_utf16_score(data, enc), enc) for enc in ("utf-16-le", "utf-16-be")),
                key=lambda pair: pair[0][0],
            )
            (score, text), enc = best
            if score >= 0.9:
                return _check_text(text, enc)
        raise ReaderError("binary", f"The file holds {nul} NUL byte(s), so it is binary, not text.")
    try:
        return _check_text(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"{exc.reason} at byte {exc.start}"
    for enc in ("cp949", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text, enc):
            return _check_text(text, enc)
    raise ReaderError(
        "undecodable",
        f"The bytes are not valid UTF-8 ({utf8_error}) and do not read as Korean (CP949/EUC-KR) "
        "or Western (cp1252/Latin-1) text; re-save the file as UTF-8.",
    )


def _utf16_score(data: bytes, encoding: str) -> tuple[float, str]:
    """Share of characters that are ordinary text when ``data`` is read as ``encoding``."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return 0.0, ""
    ordinary = sum(
        1
        for c in text
        if (c.isascii() and (c.isprintable() or c in "\t\n\r"))
        or _HANGUL.match(c)
        or _LATIN_LETTER.match(c)
        or c in _WESTERN_PUNCT
        or "\u3000" <= c <= "\u303f"
    )
    return ordinary / max(len(text), 1), text


def _check_text(text: str, encoding: str, subject: str = "The file") -> tuple[str, str]:
    if not text.strip():
        raise ReaderError("empty", f"{subject} holds only white space.")
    controls = len(_CONTROL_CHARS.findall(text))
    if controls > max(8, len(text) // 100):
        raise ReaderError("binary", f"{subject} holds {controls} control characters, so it is binary, not text.")
    return text, encoding


def read(data: bytes, *, limits: Limits) -> Extracted:  # noqa: ARG001 - plain text has no pages to bound
    """One page of decoded text; ``metadata["encoding"]`` names the encoding found."""
    text, encoding = decode_bytes(data)
    return Extracted(
        pages=[Page(1, text)],
        metadata={"title": None, "date": None, "author": None, "publisher": None, "encoding": encoding},
        format="txt",
    )
