"""HTML and DOCX readers (kpolicy.readers.html, kpolicy.readers.docx).

Every fixture is built here: a news page written by hand (navigation, menu, share
buttons, related links, footer, scripts, a style sheet, an iframe, hidden text, an article
with Korean and English paragraphs, a list and a table, meta tags for the metadata) and
Word documents written with python-docx. All text is invented for these tests.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile

import pytest

pytest.importorskip("trafilatura")
docx = pytest.importorskip("docx")

from docx.enum.section import WD_SECTION  # noqa: E402

from kpolicy.readers import Limits, ReaderError, read_bytes  # noqa: E402
from kpolicy.readers import docx as docx_reader  # noqa: E402
from kpolicy.readers import html as html_reader  # noqa: E402

LEAKS = ("NAVLEAK", "MENULEAK", "SHARELEAK", "RELATEDLEAK", "FOOTERLEAK", "SCRIPTLEAK",
         "STYLELEAK", "IFRAMELEAK", "HIDDENLEAK", "NOSCRIPTLEAK", "HEADERLEAK", "tracking",
         "document.write", "color:")

PAGE = """<!DOCTYPE html>
<html lang="ko">
<head>
{charset}
<title>Harbour City Opens Robot Lab | Gulf Daily</title>
<meta property="og:title" content="Harbour City Opens Robot Lab">
<meta property="og:site_name" content="Gulf Daily">
<meta name="author" content="Mina Seo">
<meta property="article:published_time" content="2025-03-14T09:30:00+09:00">
<style>body {{ color: red; }} .STYLELEAK {{ display: block; }}</style>
<script>var SCRIPTLEAK = "tracking pixel";</script>
</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics NAVLEAK</a></li>
<li><a href="/economy">Economy</a></li></ul></nav></header>
<div class="menu" id="main-menu"><a href="/a">MENULEAK Sports</a> <a href="/b">Weather</a></div>
<main>
<article>
<h1>Harbour City Opens Robot Lab</h1>
<p class="byline">By Mina Seo</p>
<div class="share-buttons"><a href="https://share.invalid/fb">Share on SHARELEAK Facebook</a>
<a href="https://share.invalid/tw">Post this</a></div>
<p>하버시는 올해 로봇 실험실을 열고 지역 중소기업 스무 곳과 함께 물류 자동화 시범 사업을 시작한다고 밝혔다.</p>
<p>The city said the lab would train four hundred technicians by the end of next year and open its test floor to local startups.</p>
<script>document.write("SCRIPTLEAK inline");</script>
<iframe src="https://ads.invalid/frame" srcdoc="&lt;p&gt;IFRAMELEAK srcdoc&lt;/p&gt;">IFRAMELEAK text</iframe>
<div hidden>HIDDENLEAK attribute text inside the article body that nobody can see.</div>
<p style="display: none">HIDDENLEAK styled text inside the article body.</p>
<table>
<tr><th>Year</th><th>기술자</th></tr>
<tr><td>2025</td><td>150</td></tr>
<tr><td>2026</td><td>400</td></tr>
</table>
<p>시 관계자는 "실험실은 누구나 예약해 사용할 수 있다"고 말했다.</p>
</article>
</main>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">RELATEDLEAK Other story</a></li>
<li><a href="/y">Another story</a></li></ul></aside>
<footer><p>FOOTERLEAK Copyright Gulf Daily. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
<noscript>NOSCRIPTLEAK enable scripts</noscript>
</body>
</html>
"""

EXPECTED_HTML_TEXT = (
    "Harbour City Opens Robot Lab\n\n"
    "하버시는 올해 로봇 실험실을 열고 지역 중소기업 스무 곳과 함께 물류 자동화 시범 사업을 시작한다고 밝혔다.\n\n"
    "The city said the lab would train four hundred technicians by the end of next year and open its "
    "test floor to local startups.\n\n"
    "Year | 기술자\n"
    "2025 | 150\n"
    "2026 | 400\n\n"
    '시 관계자는 "실험실은 누구나 예약해 사용할 수 있다"고 말했다.'
)
EXPECTED_HTML_META = {"title": "Harbour City Opens Robot Lab", "date": "2025-03-14",
                      "author": "Mina Seo", "publisher": "Gulf Daily"}


def page(charset: str = '<meta charset="utf-8">') -> str:
    return PAGE.format(charset=charset)


def read_html(data: bytes, limits: Limits | None = None):
    return html_reader.read(data, limits=limits or Limits())


def assert_no_leaks(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, leak


# --- HTML ---------------------------------------------------------------------------


def test_html_main_text_exact_without_boilerplate() -> None:
    out = read_html(page().encode("utf-8"))
    assert out.format == "html"
    assert [p.number for p in out.pages] == [1]
    assert out.pages[0].text == EXPECTED_HTML_TEXT
    assert_no_leaks(out.pages[0].text)
    for boiler in ("Home", "Weather", "Post this", "Privacy", "Related", "Another story", "By Mina Seo"):
        assert boiler not in out.pages[0].text


def test_html_metadata_from_meta_tags() -> None:
    assert read_html(page().encode("utf-8")).metadata == EXPECTED_HTML_META


def test_html_table_rows_are_pipe_lines() -> None:
    lines = read_html(page().encode("utf-8")).pages[0].text.splitlines()
    assert ["Year | 기술자", "2025 | 150", "2026 | 400"] == [ln for ln in lines if " | " in ln]


@pytest.mark.parametrize("charset", [
    '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">',
    '<meta charset="EUC-KR">',
])
def test_html_decodes_declared_korean_charset(charset: str) -> None:
    data = page(charset).encode("cp949")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    out = read_html(data)
    assert out.pages[0].text == EXPECTED_HTML_TEXT
    assert out.metadata == EXPECTED_HTML_META


def test_html_undeclared_korean_charset_is_detected() -> None:
    data = page("").encode("cp949")
    assert read_html(data).pages[0].text == EXPECTED_HTML_TEXT


def test_html_unknown_or_wrong_declared_charset_falls_back_to_utf8() -> None:
    # an unknown label, and a Korean label on UTF-8 bytes that CP949 cannot decode
    for charset in ('<meta charset="no-such-charset">', '<meta charset="euc-kr">'):
        assert read_html(page(charset).encode("utf-8")).pages[0].text == EXPECTED_HTML_TEXT


def test_html_decode_helper() -> None:
    assert html_reader.decode_html("<p>한국어</p>".encode("utf-8")) == "<p>한국어</p>"
    assert html_reader.decode_html(b"\xef\xbb\xbf<p>x</p>") == "<p>x</p>"
    euc = '<meta charset="euc-kr"><p>지역 혁신</p>'.encode("cp949")
    assert "지역 혁신" in html_reader.decode_html(euc)
    utf16 = '<meta charset="utf-16"><p>ok</p>'.encode("utf-8")  # an ASCII page cannot be UTF-16
    assert html_reader.decode_html(utf16).endswith("<p>ok</p>")


def test_html_only_scripts_is_empty() -> None:
    data = (b"<!DOCTYPE html><html><head><title>Loading</title><script>var a = 'SCRIPTLEAK';</script>"
            b"</head><body><script>document.write('SCRIPTLEAK body text that is long enough');</script>"
            b"<iframe src='https://ads.invalid/'>IFRAMELEAK</iframe><noscript>NOSCRIPTLEAK</noscript>"
            b"</body></html>")
    with pytest.raises(ReaderError) as info:
        read_html(data)
    assert info.value.code == "empty"
    assert "SCRIPTLEAK" not in info.value.message


def test_html_no_elements_is_empty() -> None:
    with pytest.raises(ReaderError) as info:
        read_html(b"   \n ")
    assert info.value.code == "empty"


def test_html_over_size_limit_is_too_large() -> None:
    with pytest.raises(ReaderError) as info:
        read_html(page().encode("utf-8"), Limits(max_decompressed_bytes=100))
    assert info.value.code == "too_large"


def test_html_script_looking_like_article_never_reaches_text() -> None:
    long_script = "SCRIPTLEAK " + " ".join(["The regional office said more words here."] * 40)
    data = page().replace("<main>", f"<main><script>/* {long_script} */</script>"
                          f"<style>/* STYLELEAK {long_script} */</style>").encode("utf-8")
    out = read_html(data)
    assert out.pages[0].text == EXPECTED_HTML_TEXT
    assert_no_leaks(out.pages[0].text)


def test_html_br_separated_article_in_form_wrapper() -> None:
    """Pages without <p>: <br><br> is a paragraph break, one <br> a line break; a page-wide
    <form> (as some portals have) does not hide the article."""
    paras = ["경기도는 2027년까지 인공지능 전문 인력 3천 명을 키우겠다고 밝혔다. 도는 이를 위해 대학 다섯 곳과 협약을 맺고 교육 과정을 새로 만든다.",
             "The province will also fund ten research centres over the next three years, officials told reporters on Monday.",
             "도 관계자는 지역 기업과 함께 현장 실습을 늘리겠다고 말했다.<br>참여 기업은 모두 마흔 곳이다.",
             "Critics said the budget was too small for the number of trainees the province promised to reach."]
    data = ('<html><head><meta charset="utf-8"><title>도 인공지능 인력</title></head><body><form id="portal">'
            '<div id="gnb"><ul><li><a href="/">NAVLEAK 홈</a></li><li><a href="/n">뉴스</a></li></ul></div>'
            '<div id="articleBody">' + "<br><br>".join(paras) + '</div>'
            '<div class="footer">FOOTERLEAK 저작권</div></form></body></html>').encode("utf-8")
    out = read_html(data)
    assert out.pages[0].text == "\n\n".join(paras).replace("<br>", "\n")
    assert out.metadata == {"title": "도 인공지능 인력", "date": None, "author": None, "publisher": None}


def test_html_through_dispatcher() -> None:
    out = read_bytes(page().encode("utf-8"), ".html")
    assert out.format == "html"
    assert out.pages[0].text == EXPECTED_HTML_TEXT


def test_html_reader_opens_no_network_connection(tmp_path) -> None:
    """Import and extraction with every socket call failing: the reader must not notice."""
    fixture = tmp_path / "page.html"
    fixture.write_bytes(page().replace("<main>", '<main><link rel="canonical" href="https://news.invalid/a">'
                                       '<img src="https://img.invalid/a.png">').encode("utf-8"))
    code = f"""
import socket
def refuse(*args, **kwargs):
    raise RuntimeError("network access attempted")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse
from kpolicy.readers import Limits
from kpolicy.readers import html
out = html.read(open({str(fixture)!r}, "rb").read(), limits=Limits())
assert out.pages[0].text.startswith("Harbour City Opens Robot Lab"), out.pages[0].text
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# --- DOCX ---------------------------------------------------------------------------


def make_docx(*, core: bool = True, second_section: bool = True) -> bytes:
    document = docx.Document()
    document.add_heading("Harbour City robot plan", level=1)
    document.add_paragraph("하버시는 2026년까지 로봇 기술자 400명을 양성한다.")
    para = document.add_paragraph("The plan covers ")
    para.add_run("twenty firms").bold = True
    para.add_run(" in the port district.")
    document.add_paragraph("")  # empty paragraphs are dropped
    table = document.add_table(rows=3, cols=3)
    for i, row in enumerate([("연도", "Technicians", "Note"), ("2025", "150", "pilot"), ("2026", "400", "")]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    document.add_paragraph("표 아래 문단입니다.")
    section = document.sections[0]
    section.header.paragraphs[0].text = "HEADERLEAK running head"
    section.footer.paragraphs[0].text = "FOOTERLEAK page footer"
    if second_section:
        document.add_section(WD_SECTION.NEW_PAGE)
        document.add_paragraph("Second section: annex on training budgets.")
    props = document.core_properties
    if core:
        props.title = "하버시 로봇 계획"
        props.author = "Mina Seo"
        props.created = dt.datetime(2025, 3, 14, 1, 2, 3)
    buf = io.BytesIO()
    document.save(buf)
    data = buf.getvalue()
    if not core:  # drop the core-properties part and its relationship
        data = rewrite_zip(data, drop={"docProps/core.xml"},
                           edit={"_rels/.rels": lambda xml: re.sub(
                               rb"<Relationship [^>]*core-properties[^>]*/>", b"", xml)})
    return data


def rewrite_zip(data: bytes, *, drop=frozenset(), edit=None) -> bytes:
    edit = edit or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            content = src.read(info.filename)
            if info.filename in edit:
                content = edit[info.filename](content)
            dst.writestr(info.filename, content)
    return out.getvalue()


EXPECTED_DOCX_SECTION_1 = (
    "Harbour City robot plan\n\n"
    "하버시는 2026년까지 로봇 기술자 400명을 양성한다.\n\n"
    "The plan covers twenty firms in the port district.\n\n"
    "연도 | Technicians | Note\n"
    "2025 | 150 | pilot\n"
    "2026 | 400 | \n\n"
    "표 아래 문단입니다."
)


def read_docx(data: bytes, limits: Limits | None = None):
    return docx_reader.read(data, limits=limits or Limits())


def test_docx_paragraphs_and_tables_in_order_one_page_per_section() -> None:
    out = read_docx(make_docx())
    assert out.format == "docx"
    assert [p.number for p in out.pages] == [1, 2]
    assert out.pages[0].text == EXPECTED_DOCX_SECTION_1
    assert out.pages[1].text == "Second section: annex on training budgets."
    for p in out.pages:
        assert_no_leaks(p.text)


def test_docx_single_section_is_one_page() -> None:
    out = read_docx(make_docx(second_section=False))
    assert [(p.number, p.text) for p in out.pages] == [(1, EXPECTED_DOCX_SECTION_1)]


def test_docx_metadata_from_core_properties() -> None:
    assert read_docx(make_docx()).metadata == {
        "title": "하버시 로봇 계획", "date": "2025-03-14", "author": "Mina Seo", "publisher": None}


def test_docx_without_core_properties_has_no_invented_metadata() -> None:
    data = make_docx(core=False)
    assert "docProps/core.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    out = read_docx(data)
    assert out.metadata == {"title": None, "date": None, "author": None, "publisher": None}
    assert out.pages[0].text == EXPECTED_DOCX_SECTION_1


def test_docx_company_is_publisher() -> None:
    data = make_docx()
    app = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           b"<Company>Harbour City Office</Company></Properties>")
    assert "docProps/app.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    data = rewrite_zip(data, edit={"docProps/app.xml": lambda _: app})
    assert read_docx(data).metadata["publisher"] == "Harbour City Office"


def test_docx_merged_cells_are_not_repeated() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "지역"
    table.cell(0, 1).text = "Target"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Harbour"
    table.cell(1, 1).text = "150"
    table.cell(2, 1).text = "400"
    buf = io.BytesIO()
    document.save(buf)
    assert read_docx(buf.getvalue()).pages[0].text == "지역 | Target\nHarbour | 150\n | 400"


def test_docx_truncated_is_corrupt() -> None:
    data = make_docx()
    with pytest.raises(ReaderError) as info:
        read_docx(data[: len(data) // 2])
    assert info.value.code == "corrupt"


def test_docx_not_a_zip_is_corrupt() -> None:
    with pytest.raises(ReaderError) as info:
        read_docx(b"PK\x03\x04 this is not really a zip archive")
    assert info.value.code == "corrupt"


def test_docx_damaged_xml_is_corrupt() -> None:
    data = rewrite_zip(make_docx(), edit={"word/document.xml": lambda xml: xml[: len(xml) // 2]})
    with pytest.raises(ReaderError) as info:
        read_docx(data)
    assert info.value.code == "corrupt"


def test_docx_ole_file_is_encrypted() -> None:
    with pytest.raises(ReaderError) as info:
        read_docx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert info.value.code == "encrypted"


def _bomb(member_bytes: int) -> bytes:
    """A DOCX-shaped zip whose one big member is zeros (tiny compressed, huge inflated)."""
    good = make_docx(second_section=False)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        member = zipfile.ZipInfo("word/media/image1.bin")
        member.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(member, "w") as big:
            chunk = b"\x00" * (1 << 20)
            for _ in range(member_bytes >> 20):
                big.write(chunk)
    return out.getvalue()


def test_docx_zip_bomb_is_too_large_before_inflating(monkeypatch) -> None:
    data = _bomb(8 << 20)  # 8 MiB of zeros, a few KB compressed
    assert len(data) < 200_000

    def no_inflate(*args, **kwargs):
        raise AssertionError("a member was opened before the size check")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflate)
    with pytest.raises(ReaderError) as info:
        read_docx(data, Limits(max_decompressed_bytes=4 << 20))
    assert info.value.code == "too_large"


def test_docx_declared_size_over_default_limit_is_too_large() -> None:
    """A central directory declaring ~4 GB for one member (default limit 200 MB)."""
    data = bytearray(make_docx(second_section=False))
    cd = data.index(b"PK\x01\x02")
    data[cd + 24: cd + 28] = (0xFFFF0000).to_bytes(4, "little")  # uncompressed size field
    with pytest.raises(ReaderError) as info:
        read_docx(bytes(data))
    assert info.value.code == "too_large"


def test_docx_without_text_is_empty() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "HEADERLEAK only"
    buf = io.BytesIO()
    document.save(buf)
    with pytest.raises(ReaderError) as info:
        read_docx(buf.getvalue())
    assert info.value.code == "empty"


def test_docx_too_many_sections() -> None:
    document = docx.Document()
    for i in range(4):
        document.add_paragraph(f"Section {i} text.")
        document.add_section(WD_SECTION.NEW_PAGE)
    buf = io.BytesIO()
    document.save(buf)
    with pytest.raises(ReaderError) as info:
        read_docx(buf.getvalue(), Limits(max_pages=2))
    assert info.value.code == "too_many_pages"


def test_docx_through_dispatcher() -> None:
    out = read_bytes(make_docx(), ".docx")
    assert out.format == "docx"
    assert out.pages[0].text == EXPECTED_DOCX_SECTION_1


def test_html_in_a_corpus_uses_the_declared_publication_date(tmp_path) -> None:
    # The article text states no full date, so the page's article:published_time fills
    # published_date, and date_source says it is the date the page declares (a PDF's or
    # DOCX's property date is said to be the file's creation date instead).
    from kpolicy import load_corpus

    (tmp_path / "robot-lab.html").write_bytes(page().encode("utf-8"))
    doc = load_corpus(tmp_path).documents.row(0, named=True)
    assert doc["format"] == "html" and str(doc["published_date"]) == "2025-03-14"
    assert doc["date_precision"] == "day"
    assert doc["date_source"] == "file metadata (HTML): the publication date the page declares"
    assert doc["title"] == "Harbour City Opens Robot Lab" and doc["publisher"] == "Gulf Daily"
