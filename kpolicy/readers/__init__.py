"""Readers: bytes of one input file -> pages of text (+ metadata).

Every format has a module ``kpolicy.readers.<format>`` exposing
``read(data: bytes, *, limits: Limits) -> Extracted``. :func:`read_file` (and
:func:`read_bytes`, which :mod:`kpolicy.corpus` uses) chooses the format from the file's
suffix and its first bytes (:func:`detect_format`), so a PDF saved as ``.html`` is still
read as a PDF, and calls the module under the :class:`Limits`.

A reader never crashes a load: it raises :class:`ReaderError` with a short code and a
one-line message saying what to do; a format whose module is missing, or whose
dependency is not installed, is a ``ReaderError("unsupported", ...)``; any other
exception a reader lets escape becomes ``ReaderError("corrupt", ...)``.

Pages: a PDF page, or a section/paragraph block of HWPX/HWP/DOCX (numbered from 1);
plain text and HTML are one page. Tables become one line per row, cells separated by
``" | "``; paragraphs are separated by ``"\\n\\n"``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import signal
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = [
    "Extracted",
    "Limits",
    "Page",
    "ReaderError",
    "READER_CODES",
    "SUFFIX_FORMATS",
    "detect_format",
    "read_bytes",
    "read_file",
    "supported_suffixes",
]


@dataclass(frozen=True)
class Page:
    """One page (PDF) or section/paragraph block (HWPX/HWP/DOCX)."""

    number: int  # 1-based
    text: str


@dataclass(frozen=True)
class Extracted:
    """What a reader got out of a file."""

    pages: list[Page]  # in reading order; txt/html have one page
    metadata: dict[str, str | None]  # title, date (ISO yyyy-mm-dd or None), author, publisher
    format: str  # "txt" | "md" | "html" | "pdf" | "hwpx" | "hwp" | "docx"


#: Codes a :class:`ReaderError` may carry (each is also a ``rejects.reason``).
READER_CODES: tuple[str, ...] = (
    "empty",
    "binary",
    "undecodable",
    "too_large",
    "encrypted",
    "password",
    "no_text_layer",
    "corrupt",
    "too_many_pages",
    "timeout",
    "unsupported",
    "unsupported_hwp",
)


class ReaderError(Exception):
    """A file that cannot become a document: ``code`` (see :data:`READER_CODES`) and a
    one-line ``message`` that says what to do.

    ``reason``/``detail`` are the same values under the names the rejects table uses
    (:class:`kpolicy.corpus.Rejected` is this class).
    """

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def reason(self) -> str:
        return self.code

    @property
    def detail(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ReaderError({self.code!r}, {self.message!r})"

    def __reduce__(self) -> tuple[type[ReaderError], tuple[str, str]]:
        # Picklable with both fields (Exception's default passes only the message): a
        # found file's problem travels to the Dask engine's workers (kpolicy.cluster).
        return type(self), (self.code, self.message)


@dataclass(frozen=True)
class Limits:
    """Bounds on the work one file may cause."""

    max_pages: int = 500
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_seconds: float = 60.0


#: File suffix (lower case) -> format (the module ``kpolicy.readers.<format>``).
SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".hwpx": "hwpx",
    ".hwp": "hwp",
    ".docx": "docx",
}
#: Formats read as plain text (by :mod:`kpolicy.readers.text`).
TEXT_FORMATS = ("txt", "md")
#: Format -> module name, where they differ.
_MODULES = {"txt": "text", "md": "text"}
#: What to install for a format whose dependency is missing.
_INSTALL_HINTS = {
    "pdf": "pypdf",
    "hwp": "olefile",
    "html": "trafilatura",
    "docx": "python-docx",
}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def supported_suffixes() -> tuple[str, ...]:
    """Every suffix a corpus folder reads (plain text and reader formats)."""
    return tuple(SUFFIX_FORMATS)


def sniff(data: bytes) -> str | None:
    """The format the first bytes show: pdf, hwpx, docx, zip, ole, hwp3, html, or None."""
    head = data[:1024]
    if head.startswith(b"%PDF-") or (b"%PDF-" in head and not head.lstrip().startswith(b"<")):
        return "pdf"
    if data.startswith(_OLE):
        return "ole"
    if data.startswith(b"HWP Document File"):
        return "hwp3"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = zf.namelist()
                mimetype = zf.read("mimetype")[:64] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError, RuntimeError, EOFError):
            return "zip"
        if b"hwp" in mimetype or any(n.startswith("Contents/section") for n in names):
            return "hwpx"
        if "word/document.xml" in names:
            return "docx"
        return "zip"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def detect_format(data: bytes, suffix: str) -> str:
    """The format to read ``data`` as, from the file's ``suffix`` and first bytes.

    Plain-text suffixes stay plain text (the text reader rejects binary content). For
    other suffixes the bytes win when they are unambiguous (a PDF, an HWPX or DOCX
    archive), so a misnamed file is read as what it is.

    Raises:
        ReaderError: ``unsupported`` for an unknown suffix, an old binary Word/Excel
            (OLE) file not named .hwp, an HWP 3 file, or a ZIP that is neither DOCX nor HWPX.
    """
    by_suffix = SUFFIX_FORMATS.get(suffix.lower())
    if by_suffix in TEXT_FORMATS:
        return by_suffix
    sniffed = sniff(data)
    if sniffed in ("pdf", "hwpx", "docx"):
        return sniffed
    if sniffed == "hwp3":
        raise ReaderError("unsupported_hwp", "An HWP 3 (1990s) file: open it in Hangul and save as HWPX or PDF, then add that file.")
    if sniffed == "ole":
        if by_suffix == "hwp":
            return "hwp"
        raise ReaderError("unsupported", "An old binary Office/OLE file (.doc/.xls/.ppt): save it as .docx or PDF first.")
    if sniffed == "zip" and by_suffix not in ("docx", "hwpx"):
        raise ReaderError("unsupported", "A ZIP archive that is neither a DOCX nor an HWPX document: unpack it and add the files inside.")
    if by_suffix is None:
        raise ReaderError("unsupported", f"Files named {suffix or '(no suffix)'} are not read; supported: {', '.join(SUFFIX_FORMATS)}.")
    return by_suffix


def _module_for(fmt: str):
    name = f"kpolicy.readers.{_MODULES.get(fmt, fmt)}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise ReaderError("unsupported", f"This kpolicy has no {fmt.upper()} reader ({name} is not installed); convert the file to text or PDF first.") from None
        hint = _INSTALL_HINTS.get(fmt, exc.name)
        raise ReaderError("unsupported", f"The {fmt.upper()} reader needs the Python package {exc.name!r}, which is not installed: pip install {hint} (or make install).") from None
    except ImportError as exc:
        raise ReaderError("unsupported", f"The {fmt.upper()} reader cannot be loaded ({exc}); reinstall its dependencies (make install).") from None
    if not hasattr(module, "read"):
        raise ReaderError("unsupported", f"{name} has no read() function, so {fmt.upper()} files cannot be read.")
    return module


class _Timeout(BaseException):
    """Raised by the alarm inside a reader (a BaseException, so readers' ``except
    Exception`` cannot swallow it)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread on POSIX only; elsewhere the
    readers' own checks of :class:`Limits` apply)."""
    usable = (
        seconds and seconds > 0 and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # nobody else's alarm is running
    )
    if not usable:
        yield
        return

    def alarm(signum, frame):  # noqa: ARG001
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_bytes(data: bytes, suffix: str, *, limits: Limits | None = None) -> Extracted:
    """Read a file's bytes as the format :func:`detect_format` picks.

    Args:
        data: the whole file.
        suffix: the file's suffix (``.pdf``), case-insensitive.
        limits: bounds (default :class:`Limits`).

    Returns:
        :class:`Extracted`, with at least one page holding non-blank text.

    Raises:
        ReaderError: the file cannot be read (see :data:`READER_CODES`).
    """
    limits = limits or Limits()
    if not data:
        raise ReaderError("empty", "The file is empty (0 bytes).")
    fmt = detect_format(data, suffix)
    module = _module_for(fmt)
    started = time.monotonic()
    try:
        with _deadline(limits.max_seconds):
            out = module.read(data, limits=limits)
    except ReaderError:
        raise
    except _Timeout:
        raise ReaderError("timeout", f"Reading took over {limits.max_seconds:g} s (Limits.max_seconds) and was stopped; convert the file to text, or split it.") from None
    except (MemoryError, RecursionError) as exc:
        raise ReaderError("corrupt", f"The {fmt.upper()} reader ran out of {'memory' if isinstance(exc, MemoryError) else 'stack'} on this file; it is damaged or hostile; convert it to text another way.") from None
    except Exception as exc:  # a reader bug or a library's own error: one reject, not a crash
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise ReaderError("corrupt", f"The {fmt.upper()} reader failed ({type(exc).__name__}: {first}); the file may be damaged: re-save or convert it.") from None
    if time.monotonic() - started > limits.max_seconds:
        raise ReaderError("timeout", f"Reading took over {limits.max_seconds:g} s (Limits.max_seconds); convert the file to text, or split it.")
    if not isinstance(out, Extracted):
        raise ReaderError("corrupt", f"The {fmt.upper()} reader returned {type(out).__name__}, not Extracted.")
    if len(out.pages) > limits.max_pages:
        raise ReaderError("too_many_pages", f"The file has {len(out.pages):,} pages, over the limit of {limits.max_pages:,} (Limits.max_pages); split it.")
    if not any(p.text.strip() for p in out.pages):
        if fmt == "pdf":
            raise ReaderError("no_text_layer", "The PDF has no text layer (a scan?): run OCR first (not done by kpolicy).")
        raise ReaderError("empty", f"The {fmt.upper()} file holds no text.")
    if out.format != fmt and fmt in TEXT_FORMATS:
        out = replace(out, format=fmt)
    return out


def read_file(path: str | Path, *, limits: Limits | None = None) -> Extracted:
    """Read one file of any supported format (see :func:`read_bytes`).

    Raises:
        ReaderError: ``unreadable`` is not used here: an OSError propagates.
    """
    p = Path(path)
    return read_bytes(p.read_bytes(), p.suffix, limits=limits)
