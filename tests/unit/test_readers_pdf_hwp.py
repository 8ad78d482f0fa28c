"""PDF, HWPX and HWP 5 readers on files generated here (no third-party fixtures).

PDFs are made with fpdf2; the Korean PDF needs a CJK font from Debian's fonts-nanum
(``make fonts``) and is skipped with a reason when it is missing. HWPX files are zipped
XML written here; HWP 5 files are OLE compound files written by the small writer below
(the reader itself was checked on real HWP 5 files from the pyhwp and hwp.js test sets,
which are not shipped: set KPOLICY_HWP_SAMPLES to a folder of .hwp files to re-run that).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from kpolicy.readers import Limits, ReaderError, hwp, hwpx, pdf

fpdf = pytest.importorskip("fpdf")

LIMITS = Limits()
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/nanum/NanumGothic.ttf",
)
KOREAN_FONT = next((p for p in FONT_CANDIDATES if os.path.exists(p)), None)


# ---------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------

INTRO = (
    "The government will invest in public data platforms and regional AI hubs over the next "
    "five years, with annual reviews by an independent committee of experts from industry."
)
LEFT = (
    "Regional plans set budgets for artificial intelligence centres and data hubs. "
    "Each region reports its targets every year to the ministry, which publishes them."
)
RIGHT = (
    "The national plan funds cloud adoption in small firms. It also trains "
    "ten thousand engineers by 2027 through partnerships with universities."
)


def _new_pdf() -> "fpdf.FPDF":
    doc = fpdf.FPDF(format="A4")
    doc.set_creation_date(dt.datetime(2024, 3, 5, 9, 30, tzinfo=dt.timezone.utc))
    doc.set_font("Helvetica", size=11)
    return doc


def english_pdf() -> bytes:
    """Page 1: title, wrapped paragraph, ruled table; page 2: full-width heading, two
    columns, full-width closing line; page 3: heading and bullet items."""
    doc = _new_pdf()
    doc.set_title("Digital Plan 2024")
    doc.set_author("Ministry of Science")
    doc.add_page()
    doc.multi_cell(0, 6, "Digital innovation plan", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.multi_cell(0, 6, INTRO, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    with doc.table(col_widths=(60, 40, 40), text_align="LEFT") as table:
        for cells in (("Programme", "Budget", "Year"), ("AI hubs", "KRW 120 billion", "2025"), ("Data platform", "KRW 80 billion", "2026")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    doc.add_page()
    doc.multi_cell(0, 6, "Two plans side by side", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    y = doc.get_y()
    doc.set_xy(10, y)
    doc.multi_cell(90, 6, LEFT, align="J")
    doc.set_xy(110, y)
    doc.multi_cell(90, 6, RIGHT, align="J")
    doc.set_xy(10, 120)
    doc.multi_cell(0, 6, "Both plans are reviewed in 2026.")
    doc.add_page()
    doc.multi_cell(0, 6, "Targets", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    for item in ("- 500 firms adopt cloud services", "- 30 regional data centres"):
        doc.multi_cell(0, 6, item, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def test_pdf_pages_columns_and_table() -> None:
    out = pdf.read(english_pdf(), limits=LIMITS)
    assert out.format == "pdf"
    assert [p.number for p in out.pages] == [1, 2, 3]
    assert out.pages[0].text == (
        f"Digital innovation plan\n\n{INTRO}\n\n"
        "Programme | Budget | Year\nAI hubs | KRW 120 billion | 2025\nData platform | KRW 80 billion | 2026"
    )
    # left column whole, then right column, then the full-width line below both
    assert out.pages[1].text == f"Two plans side by side\n\n{LEFT}\n\n{RIGHT}\n\nBoth plans are reviewed in 2026."
    assert out.pages[2].text == "Targets\n\n- 500 firms adopt cloud services\n\n- 30 regional data centres"
    assert out.metadata == {"title": "Digital Plan 2024", "date": "2024-03-05", "author": "Ministry of Science", "publisher": None}


COLUMNS3 = (
    "The first column describes the regional data hub. It opens in the spring and serves "
    "firms in the port district with shared computing and storage for their projects.",
    "The second column covers training. Two hundred students a year join courses on machine "
    "learning, taught by engineers from local companies and the city university.",
    "The third column lists the reviews. An outside panel checks the hub every year and "
    "reports its findings to the council before the next budget is set.",
)


def test_pdf_three_columns_read_column_by_column() -> None:
    """A heading across the page, three columns of prose, a closing line across the page."""
    doc = _new_pdf()
    doc.add_page()
    doc.multi_cell(0, 6, "Three programmes on one page", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    y = doc.get_y()
    for i, text in enumerate(COLUMNS3):
        doc.set_xy(10 + i * 65, y)
        doc.multi_cell(58, 6, text, align="J")
    doc.set_xy(10, 150)
    doc.multi_cell(0, 6, "All three start next year.")
    text = pdf.read(bytes(doc.output()), limits=LIMITS).pages[0].text
    assert text == "Three programmes on one page\n\n" + "\n\n".join(COLUMNS3) + "\n\nAll three start next year."


def test_pdf_label_value_lines_are_not_columns() -> None:
    """Short labels with values far to the right (an unruled table) stay on one line."""
    doc = _new_pdf()
    doc.add_page()
    for label, value in [("Budget", "KRW 5 billion"), ("Period", "2024-2026"), ("Agency", "NIA"), ("Region", "Busan"), ("Firms", "500"), ("Staff", "12")]:
        doc.set_x(10)
        doc.cell(40, 6, label)
        doc.set_x(120)
        doc.cell(40, 6, value, new_x="LMARGIN", new_y="NEXT")
    text = pdf.read(bytes(doc.output()), limits=LIMITS).pages[0].text
    assert text == "Budget | KRW 5 billion\nPeriod | 2024-2026\nAgency | NIA\nRegion | Busan\nFirms | 500\nStaff | 12"


@pytest.mark.skipif(KOREAN_FONT is None, reason="no Korean font (Debian fonts-nanum): run `make fonts` to test Korean PDFs")
def test_pdf_korean_text() -> None:
    doc = _new_pdf()
    doc.add_font("Nanum", fname=KOREAN_FONT)
    doc.set_font("Nanum", size=11)
    doc.add_page()
    doc.multi_cell(0, 7, "디지털 혁신 계획", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.multi_cell(0, 7, "정부는 2026년까지 인공지능 거점 10곳을 조성한다.", new_x="LMARGIN", new_y="NEXT")
    with doc.table(col_widths=(60, 60), text_align="LEFT", first_row_as_headings=False) as table:
        for cells in (("사업", "예산"), ("데이터 센터", "120억 원")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    out = pdf.read(bytes(doc.output()), limits=LIMITS)
    assert out.pages[0].text == "디지털 혁신 계획\n\n정부는 2026년까지 인공지능 거점 10곳을 조성한다.\n\n사업 | 예산\n데이터 센터 | 120억 원"


def test_pdf_encrypted() -> None:
    doc = _new_pdf()
    doc.set_encryption(owner_password="owner", user_password="secret")
    doc.add_page()
    doc.cell(0, 6, "hidden text")
    with pytest.raises(ReaderError) as err:
        pdf.read(bytes(doc.output()), limits=LIMITS)
    assert err.value.code == "encrypted"


def test_pdf_permissions_only_is_read() -> None:
    """Encrypted with an empty user password (copy/print restrictions only): readable."""
    doc = _new_pdf()
    doc.set_encryption(owner_password="owner")
    doc.add_page()
    doc.cell(0, 6, "open text")
    assert pdf.read(bytes(doc.output()), limits=LIMITS).pages[0].text == "open text"


def test_pdf_image_only_has_no_text_layer() -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).text((20, 80), "scanned page", fill="black")
    doc = _new_pdf()
    doc.add_page()
    doc.image(image, x=10, y=10, w=180)
    with pytest.raises(ReaderError) as err:
        pdf.read(bytes(doc.output()), limits=LIMITS)
    assert err.value.code == "no_text_layer"
    assert "OCR" in err.value.message


def test_pdf_too_many_pages_and_corrupt() -> None:
    with pytest.raises(ReaderError) as err:
        pdf.read(english_pdf(), limits=Limits(max_pages=2))
    assert err.value.code == "too_many_pages"
    for data in (b"%PDF-1.7\n1 0 obj garbage", english_pdf()[:300], b"not a pdf at all"):
        with pytest.raises(ReaderError) as err:
            pdf.read(data, limits=LIMITS)
        assert err.value.code in ("corrupt", "no_text_layer", "empty"), data[:20]


def test_pdf_time_limit() -> None:
    with pytest.raises(ReaderError) as err:
        pdf.read(english_pdf(), limits=Limits(max_seconds=0))
    assert err.value.code == "timeout"


# ---------------------------------------------------------------------------------
# HWPX
# ---------------------------------------------------------------------------------

NS = (
    'xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
    'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"'
)


def _p(*runs: str) -> str:
    return "<hp:p>" + "".join(f"<hp:run>{r}</hp:run>" for r in runs) + "</hp:p>"


def _cell(col: int, row: int, text: str) -> str:
    return f'<hp:tc><hp:subList>{_p(f"<hp:t>{text}</hp:t>")}</hp:subList><hp:cellAddr colAddr="{col}" rowAddr="{row}"/></hp:tc>'


SECTION0 = (
    f'<?xml version="1.0" encoding="UTF-8"?><hs:sec {NS}>'
    + _p('<hp:secPr><hp:t>not text</hp:t></hp:secPr><hp:t>디지털 혁신 계획</hp:t>')
    + _p('<hp:ctrl><hp:header><hp:subList>' + _p("<hp:t>머리말</hp:t>") + "</hp:subList></hp:header></hp:ctrl>",
         "<hp:t>정부는 2026년까지 AI 거점 10곳을</hp:t>", "<hp:t> 조성한다.<hp:tab/>(Plan)</hp:t>")
    + _p("<hp:t>The ministry funds 500 firms.</hp:t>")
    + _p("<hp:t>예산 표</hp:t>", "<hp:tbl><hp:tr>" + _cell(1, 0, "예산") + _cell(0, 0, "사업") + "</hp:tr>"
         "<hp:tr>" + _cell(0, 1, "AI hubs") + _cell(1, 1, "120억 원") + "</hp:tr></hp:tbl>")
    + "</hs:sec>"
)
SECTION1 = f'<?xml version="1.0" encoding="UTF-8"?><hs:sec {NS}>' + _p("<hp:t>Second section.</hp:t>") + "</hs:sec>"
HPF = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata>'
    "<opf:title>지역 디지털 계획</opf:title>"
    '<opf:meta name="creator" content="text">과학기술정보통신부</opf:meta>'
    '<opf:meta name="CreatedDate" content="text">2024-03-05T02:27:37Z</opf:meta>'
    "</opf:metadata><opf:manifest>"
    '<opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>'
    '<opf:item id="s1" href="Contents/section1.xml" media-type="application/xml"/>'
    '<opf:item id="s0" href="Contents/section0.xml" media-type="application/xml"/>'
    '</opf:manifest><opf:spine><opf:itemref idref="header"/><opf:itemref idref="s0"/><opf:itemref idref="s1"/></opf:spine></opf:package>'
)


def hwpx_bytes(parts: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        for name, text in (parts or {"Contents/content.hpf": HPF, "Contents/header.xml": "<head/>",
                                     "Contents/section1.xml": SECTION1, "Contents/section0.xml": SECTION0}).items():
            zf.writestr(name, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_hwpx_sections_paragraphs_and_table() -> None:
    out = hwpx.read(hwpx_bytes(), limits=LIMITS)
    assert out.format == "hwpx"
    assert [p.number for p in out.pages] == [1, 2]
    assert out.pages[0].text == (
        "디지털 혁신 계획\n\n"
        "정부는 2026년까지 AI 거점 10곳을 조성한다.\t(Plan)\n\n"
        "The ministry funds 500 firms.\n\n"
        "예산 표\n\n사업 | 예산\nAI hubs | 120억 원"
    )
    assert out.pages[1].text == "Second section."
    assert out.metadata == {"title": "지역 디지털 계획", "date": "2024-03-05", "author": "과학기술정보통신부", "publisher": None}


def test_hwpx_without_hpf_uses_section_numbers() -> None:
    parts = {"Contents/section10.xml": SECTION1, "Contents/section2.xml": SECTION0}
    out = hwpx.read(hwpx_bytes(parts), limits=LIMITS)
    assert out.pages[0].text.startswith("디지털 혁신 계획") and out.pages[1].text == "Second section."
    assert out.metadata["title"] is None


def test_hwpx_truncated_zip_is_corrupt() -> None:
    data = hwpx_bytes()
    for cut in (len(data) // 2, len(data) - 30, 10):
        with pytest.raises(ReaderError) as err:
            hwpx.read(data[:cut], limits=LIMITS)
        assert err.value.code == "corrupt"


def test_hwpx_bad_xml_and_doctype_are_corrupt() -> None:
    for section in ("<hs:sec><hp:p>", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'):
        with pytest.raises(ReaderError) as err:
            hwpx.read(hwpx_bytes({"Contents/section0.xml": section}), limits=LIMITS)
        assert err.value.code == "corrupt"


def test_hwpx_zip_bomb_is_too_large_quickly() -> None:
    """A ~250 KB archive whose one member inflates to 256 MiB (over the 200 MB default)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("Contents/section0.xml", "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(256):
                fh.write(block)
    data = buf.getvalue()
    assert len(data) < 2_000_000
    started = time.monotonic()
    with pytest.raises(ReaderError) as err:
        hwpx.read(data, limits=LIMITS)
    assert err.value.code == "too_large"
    assert time.monotonic() - started < 5
    # a budget smaller than the declared size also stops it before inflating
    with pytest.raises(ReaderError) as err:
        hwpx.read(hwpx_bytes(), limits=Limits(max_decompressed_bytes=1000))
    assert err.value.code == "too_large"


def test_hwpx_too_many_sections() -> None:
    parts = {f"Contents/section{i}.xml": SECTION1 for i in range(3)}
    with pytest.raises(ReaderError) as err:
        hwpx.read(hwpx_bytes(parts), limits=Limits(max_pages=2))
    assert err.value.code == "too_many_pages"


# ---------------------------------------------------------------------------------
# HWP 5: a minimal OLE compound-file writer (version 3, 512-byte sectors, no mini stream:
# every stream is padded to the 4096-byte cutoff, which the reader tolerates)
# ---------------------------------------------------------------------------------

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _dir_entry(name: str, kind: int, child: int = NOSTREAM, right: int = NOSTREAM, start: int = ENDOFCHAIN, size: int = 0) -> bytes:
    raw = name.encode("utf-16-le") + b"\0\0"
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1) + struct.pack("<III", NOSTREAM, right, child)
            + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))


def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """Streams by path ("FileHeader", "BodyText/Section0") -> an OLE file olefile reads."""
    streams = {k: v.ljust(4096, b"\0") for k, v in streams.items()}
    sectors: list[bytes] = []
    fat: list[int] = []
    starts = {}
    for name, data in streams.items():
        n = (len(data) + 511) // 512
        starts[name] = len(sectors)
        for i in range(n):
            sectors.append(data[i * 512:(i + 1) * 512].ljust(512, b"\0"))
            fat.append(len(sectors) if i < n - 1 else ENDOFCHAIN)
    # directory: 0 root, then top-level entries chained by right siblings, storages' children likewise
    tops: dict[str, list[str]] = {}
    for name in streams:
        top, _, rest = name.partition("/")
        tops.setdefault(top, [])
        if rest:
            tops[top].append(rest)
    order = list(tops)
    entries: list[bytes] = []
    ids: dict[str, int] = {}
    next_id = 1
    for top in order:
        ids[top] = next_id
        next_id += 1
        for child in tops[top]:
            ids[f"{top}/{child}"] = next_id
            next_id += 1
    entries.append(_dir_entry("Root Entry", 5, child=ids[order[0]]))
    for i, top in enumerate(order):
        right = ids[order[i + 1]] if i + 1 < len(order) else NOSTREAM
        if tops[top]:
            kids = tops[top]
            entries.append(_dir_entry(top, 1, child=ids[f"{top}/{kids[0]}"], right=right))
            for j, child in enumerate(kids):
                path = f"{top}/{child}"
                right_kid = ids[f"{top}/{kids[j + 1]}"] if j + 1 < len(kids) else NOSTREAM
                entries.append(_dir_entry(child, 2, right=right_kid, start=starts[path], size=len(streams[path])))
        else:
            entries.append(_dir_entry(top, 2, right=right, start=starts[top], size=len(streams[top])))
    directory = b"".join(entries)
    unused = b"\0" * 68 + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 48
    directory += unused * ((-len(entries)) % 4)
    dir_start = len(sectors)
    n_dir = len(directory) // 512
    for i in range(n_dir):
        sectors.append(directory[i * 512:(i + 1) * 512])
        fat.append(dir_start + i + 1 if i < n_dir - 1 else ENDOFCHAIN)
    fat_sector = len(sectors)
    fat.append(FATSECT)
    assert len(fat) <= 128
    sectors.append(struct.pack("<128I", *(fat + [FREESECT] * (128 - len(fat)))))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", fat_sector, *([FREESECT] * 108)))
    assert len(header) == 512
    return header + b"".join(sectors)


def _record(tag: int, level: int, payload: bytes) -> bytes:
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, len(payload)) + payload
    return struct.pack("<I", tag | level << 10 | len(payload) << 20) + payload


def _text(s: str, *, controls: bytes = b"") -> bytes:
    return controls + s.encode("utf-16-le") + struct.pack("<H", 13)


TBL_CONTROL = struct.pack("<H", 11) + b" lbt" + b"\0" * 8 + struct.pack("<H", 11)   # extended control: 8 units
TAB_CONTROL = struct.pack("<H", 9) + b"\0" * 12 + struct.pack("<H", 9)


def _cell_records(col: int, row: int, text: str) -> bytes:
    list_header = struct.pack("<HHIHHHH", 1, 0, 0, col, row, 1, 1) + b"\0" * 20
    return _record(72, 2, list_header) + _record(66, 2, b"\0" * 22) + _record(67, 3, _text(text))


def hwp_body() -> bytes:
    long_text = "가" * 2100  # 4202 bytes with the end mark: the extended record size
    return b"".join([
        _record(66, 0, b"\0" * 22),
        _record(67, 1, _text("디지털 혁신 계획")),
        _record(66, 0, b"\0" * 22),
        # a header control (skipped) and its paragraph
        _record(67, 1, struct.pack("<H", 16) + b"daeh" + b"\0" * 8 + struct.pack("<H", 16) + _text("본문")),
        _record(71, 1, b"daeh" + b"\0" * 8),
        _record(72, 2, b"\0" * 8),
        _record(66, 2, b"\0" * 22),
        _record(67, 3, _text("머리말")),
        _record(66, 0, b"\0" * 22),
        _record(67, 1, _text("정부는 AI 거점 10곳을") [:-2] + TAB_CONTROL + "조성한다.".encode("utf-16-le") + struct.pack("<H", 10)
                + "Line two".encode("utf-16-le") + struct.pack("<H", 13)),
        _record(66, 0, b"\0" * 22),
        _record(67, 1, _text("예산 표", controls=TBL_CONTROL)),
        _record(71, 1, b" lbt" + b"\0" * 40),
        _record(77, 2, struct.pack("<IHH", 0, 2, 2) + b"\0" * 18),
        _cell_records(0, 0, "사업"), _cell_records(1, 0, "예산"),
        _cell_records(0, 1, "AI hubs"), _cell_records(1, 1, "120억 원"),
        _record(66, 0, b"\0" * 22),
        _record(67, 1, _text(long_text)),
    ])


def hwp_bytes(*, flags: int = 1, body: bytes | None = None, sections: int = 1) -> bytes:
    header = b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05010000, flags)
    body = hwp_body() if body is None else body
    stream = zlib.compress(body)[2:-4] if flags & 1 else body   # raw deflate
    streams = {"FileHeader": header}
    for i in range(sections):
        streams[f"BodyText/Section{i}"] = stream
    return ole_bytes(streams)


EXPECTED_HWP = (
    "디지털 혁신 계획\n\n본문\n\n정부는 AI 거점 10곳을\t조성한다.\nLine two\n\n"
    "예산 표\n\n사업 | 예산\nAI hubs | 120억 원\n\n" + "가" * 2100
)


@pytest.mark.parametrize("flags", [1, 0])
def test_hwp_paragraphs_controls_and_table(flags: int) -> None:
    out = hwp.read(hwp_bytes(flags=flags), limits=LIMITS)
    assert out.format == "hwp"
    assert [p.number for p in out.pages] == [1]
    assert out.pages[0].text == EXPECTED_HWP
    assert out.metadata == {"title": None, "date": None, "author": None, "publisher": None}


def test_hwp_sections_are_pages() -> None:
    out = hwp.read(hwp_bytes(sections=2), limits=LIMITS)
    assert [p.number for p in out.pages] == [1, 2]
    with pytest.raises(ReaderError) as err:
        hwp.read(hwp_bytes(sections=3), limits=Limits(max_pages=2))
    assert err.value.code == "too_many_pages"


@pytest.mark.parametrize("flags", [1 | 2, 1 | 4, 1 | 16])
def test_hwp_password_distribution_drm(flags: int) -> None:
    with pytest.raises(ReaderError) as err:
        hwp.read(hwp_bytes(flags=flags), limits=LIMITS)
    assert err.value.code == "password"


def test_hwp_damaged_inputs() -> None:
    good = hwp_bytes()
    for data in (good[:700], b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, b"HWP Document File", b"PK\x03\x04"):
        with pytest.raises(ReaderError) as err:
            hwp.read(data, limits=LIMITS)
        assert err.value.code == "corrupt"
    # a record whose size runs past the end of the stream
    with pytest.raises(ReaderError) as err:
        hwp.read(hwp_bytes(flags=1, body=struct.pack("<I", 67 | 40 << 20) + b"ab"), limits=LIMITS)
    assert err.value.code == "corrupt"


def test_hwp_decompression_is_capped() -> None:
    bomb = _record(67, 0, b"\0" * 4000) * 3000   # 12 MB of records, compresses to a few KB
    started = time.monotonic()
    with pytest.raises(ReaderError) as err:
        hwp.read(hwp_bytes(body=bomb), limits=Limits(max_decompressed_bytes=1_000_000))
    assert err.value.code == "too_large"
    assert time.monotonic() - started < 5


SAMPLES = os.environ.get("KPOLICY_HWP_SAMPLES")


@pytest.mark.skipif(not SAMPLES, reason="set KPOLICY_HWP_SAMPLES to a folder of real .hwp files to smoke-test them")
def test_hwp_real_samples() -> None:
    files = sorted(Path(SAMPLES).glob("*.hwp"))
    assert files
    for path in files:
        try:
            out = hwp.read(path.read_bytes(), limits=LIMITS)
        except ReaderError as exc:
            assert exc.code in ("password", "empty"), (path, exc)
            continue
        text = "\n".join(p.text for p in out.pages)
        assert not any(ord(c) < 32 and c not in "\t\n" for c in text), path
