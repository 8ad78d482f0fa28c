"""A small folder of press releases in every format kpolicy reads, written here.

Each file has one money sentence on a known page, so a test can check the figure, its
page and the "file, p. N" citation by hand:

============  ======  ====  ======================================================
file          format  page  money sentence (value in won)
============  ======  ====  ======================================================
report.pdf    pdf     2     Daegu ... KRW 12 billion ...      (12,000,000,000)
plan.hwpx     hwpx    2     울산시는 ... 450억 원을 ...        (45,000,000,000)
notes.docx    docx    2     Gwangju ... KRW 8 billion ...     (8,000,000,000)
news.html     html    1     Jeju ... KRW 5 billion ...        (5,000,000,000)
memo.txt      txt     1     Daejeon ... KRW 3 billion ...     (3,000,000,000)
============  ======  ====  ======================================================

All text is invented for these tests. The PDF is made with fpdf2 (English only, built-in
Helvetica), the DOCX with python-docx, the HWPX as zipped OWPML XML.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

#: file -> (format, page, surface of the amount, value in won, region)
EXPECTED = {
    "report.pdf": ("pdf", 2, "KRW 12 billion", 12_000_000_000, "Daegu"),
    "plan.hwpx": ("hwpx", 2, "450억 원", 45_000_000_000, "Ulsan"),
    "notes.docx": ("docx", 2, "KRW 8 billion", 8_000_000_000, "Gwangju"),
    "news.html": ("html", 1, "KRW 5 billion", 5_000_000_000, "Jeju"),
    "memo.txt": ("txt", 1, "KRW 3 billion", 3_000_000_000, "Daejeon"),
}


def pdf_bytes() -> bytes:
    import fpdf

    doc = fpdf.FPDF(format="A4")
    doc.set_creation_date(dt.datetime(2025, 5, 20, 9, 0, tzinfo=dt.timezone.utc))
    doc.set_font("Helvetica", size=11)
    doc.add_page()
    doc.multi_cell(0, 6, "Daegu Robot Industry Plan", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)
    doc.multi_cell(0, 6, "Daegu City announced a plan to grow its robot industry over the next four years.",
                   new_x="LMARGIN", new_y="NEXT")
    doc.add_page()
    doc.multi_cell(0, 6, "Daegu City will invest KRW 12 billion in a robot testing centre by 2027.",
                   new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


_NS = ('xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
       'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph"')


def _section(*paragraphs: str) -> str:
    body = "".join(f"<hp:p><hp:run><hp:t>{p}</hp:t></hp:run></hp:p>" for p in paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8"?><hs:sec {_NS}>{body}</hs:sec>'


def hwpx_bytes() -> bytes:
    hpf = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/"><opf:metadata>'
        "<opf:title>울산 수소 도시 계획</opf:title>"
        "</opf:metadata><opf:manifest>"
        '<opf:item id="s0" href="Contents/section0.xml" media-type="application/xml"/>'
        '<opf:item id="s1" href="Contents/section1.xml" media-type="application/xml"/>'
        '</opf:manifest><opf:spine><opf:itemref idref="s0"/><opf:itemref idref="s1"/></opf:spine></opf:package>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/hwp+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("Contents/content.hpf", hpf, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("Contents/section0.xml", _section("울산 수소 도시 계획", "울산시는 수소 산업을 키우는 계획을 발표했다."),
                    compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("Contents/section1.xml", _section("울산시는 2028년까지 수소 충전소 30곳을 짓는 데 450억 원을 투입한다."),
                    compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx
    from docx.enum.section import WD_SECTION

    doc = docx.Document()
    doc.add_paragraph("Gwangju AI Training Plan")
    doc.add_paragraph("Gwangju Metropolitan City set out how it will train engineers for its AI cluster.")
    doc.add_section(WD_SECTION.NEW_PAGE)
    doc.add_paragraph("Gwangju will spend KRW 8 billion on training at its AI data centre.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Jeju Smart Farm Fund | Island Gazette</title>
<meta property="og:title" content="Jeju Smart Farm Fund">
<meta property="og:site_name" content="Island Gazette">
<meta property="article:published_time" content="2025-06-02T10:00:00+09:00">
<script>var tracker = "should never appear";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Jeju Smart Farm Fund</h1>
<p>Jeju will put KRW 5 billion into smart farms that grow tangerines indoors.</p>
<p>The province said forty farms would join the first round of the programme.</p>
</article>
<footer>Island Gazette. All rights reserved.</footer>
</body></html>
"""

TEXT = (
    "Daejeon quantum research plan\n\n"
    "Daejeon plans KRW 3 billion for quantum research at its science park.\n"
)


def write_folder(root: Path) -> Path:
    """Write the five files into ``root`` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "report.pdf").write_bytes(pdf_bytes())
    (root / "plan.hwpx").write_bytes(hwpx_bytes())
    (root / "notes.docx").write_bytes(docx_bytes())
    (root / "news.html").write_text(HTML, encoding="utf-8")
    (root / "memo.txt").write_text(TEXT, encoding="utf-8")
    return root
