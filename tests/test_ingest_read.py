"""load_document: formats, decoding, normalisation, chrome, sections and rebuilt tables."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.read import document_from_bytes, load_document

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def _values(row) -> list[str]:
    return [c.text for c in row]


def test_sample_003_applications_table_is_25_rows_of_7_values() -> None:
    doc = load_document(REPORTS / "003_370a2057b485fcf4.txt")
    disclosure, applications = doc.tables
    data = [r for r in applications.rows if not r[0].is_header]
    assert applications.width == 10 and len(data) == 25
    assert all(len([c for c in r if c.text == "0"]) == 7 for r in data)
    assert _values(data[0])[0] == "一、本年新收政府信息公开申请数量"
    assert _values(data[2])[:2] == ["三、本年度办理结果", "(一)予以公开"]
    assert _values(data[-1])[0] == "四、结转下年度继续办理"
    headers = [_values(r) for r in applications.rows if r[0].is_header]
    assert headers[1] == ["自然人", "法人或其他组织", "总计"]  # DOM order, as flattened (FM-3)
    assert applications.heading == "三、收到和处理政府信息公开申请情况"
    # The 第二十条 blocks: banner rows, 4-wide header, 2-wide decision rows.
    rows = [_values(r) for r in disclosure.rows]
    assert rows[0] == ["第二十条第(一)项"] and disclosure.rows[0][0].is_header
    assert rows[2] == ["规章", "0", "0", "0"] and rows[3] == ["规范性文件", "0", "0", "0"]
    assert ["行政许可", "0"] in rows and ["行政强制", "0"] in rows and rows[-1] == ["行政事业性收费", "0"]
    assert disclosure.width == 4 and len(rows) == 14


def test_cells_keep_their_source_lines() -> None:
    doc = load_document(REPORTS / "003_370a2057b485fcf4.txt")
    raw = (REPORTS / "003_370a2057b485fcf4.txt").read_text(encoding="utf-8").splitlines()
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert raw[cell.line - 1].startswith(cell.text)


def test_unmarked_appendix_rebuilt_from_column_types() -> None:
    doc = load_document(REPORTS / "001_6fcf304d54296c97.txt")
    (table,) = doc.tables
    assert table.width == 4 and len(table.rows) == 16
    assert _values(table.rows[0]) == ["指 标 名 称", "单位", "2018年", "历年累计"] and table.rows[0][0].is_header
    assert _values(table.rows[-1]) == ["行政诉讼数", "件", "5", "26"]


def test_one_line_report_is_split_into_sections_and_table_blocks() -> None:
    doc = load_document(REPORTS / "d01.txt")
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert doc.sections[1].heading == "二、主动公开政府信息情况"
    texts = [line.text for line in doc.lines]
    assert any(t.startswith("第二十条第(五)项信息内容") for t in texts)
    assert any(t.startswith("(本列数据的勾稽关系") for t in texts)
    assert all(line.no == 10 for line in doc.lines)  # every piece points at the one physical line


def test_crawl_header_goes_to_page_meta_not_lines() -> None:
    doc = load_document(REPORTS / "d01.txt")
    assert doc.page_meta["title"].startswith("平潭综合实验区君山片区管理局2023年")
    assert doc.page_meta["published"] == "2024-01-12 08:58"
    assert doc.page_meta["url"].startswith("https://www.pingtan.gov.cn/")
    assert not any("原文链接" in line.text or "正文 ====" in line.text for line in doc.lines)


def test_page_chrome_and_metadata_rows_removed() -> None:
    doc = load_document(REPORTS / "d16.txt")
    assert doc.page_meta["published"] == "2015-07-27 10:52" and doc.page_meta["organ"] == "谢塘镇"
    assert not any("当前位置" in line.text or "索引号" in line.text for line in doc.lines)
    assert not any(line.text.strip("| ") == "" for line in doc.lines)
    word_css = load_document(REPORTS / "d02.txt")
    assert not any("mso-" in line.text for line in word_css.lines)


def test_html_spans_gbk_meta_and_chrome() -> None:
    page = """<html><head><meta charset="gbk"><title>某县2021年政府信息公开工作年度报告</title>
<meta name="PubDate" content="2022-01-20"></head><body>
<div class="breadcrumb">首页 &gt; 政务公开</div>
<table><tr><td>索引号：</td><td>001/2022</td><td>发布机构：</td><td>某县人民政府办公室</td></tr></table>
<p>二、主动公开政府信息情况</p>
<table border="1">
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>０</td><td>1</td><td>2</td></tr>
<tr><td rowspan="2">合计</td><td>3</td><td>4</td><td>5</td></tr>
<tr><td>6</td><td>7</td><td>8</td></tr>
</table>
<p>扫一扫在手机上查看当前页面 打印本页 关闭窗口</p></body></html>"""
    doc = document_from_bytes(page.encode("gbk"), Path("x.html"))
    assert doc.encoding == "gb18030" and doc.source_format == "html"
    assert doc.page_meta["title"].startswith("某县") and doc.page_meta["published"] == "2022-01-20"
    assert doc.page_meta["organ"] == "某县人民政府办公室"
    (table,) = doc.tables
    assert table.width == 4 and len(table.rows) == 5
    banner = table.rows[0]
    assert [c.origin for c in banner] == [True, False, False, False] and banner[0].text == "第二十条第(一)项"
    assert _values(table.rows[2]) == ["规章", "0", "1", "2"]  # NFKC: full-width digit
    spanned = table.rows[4][0]
    assert spanned.text == "合计" and not spanned.origin
    assert table.rows[2][0].line == 9  # the source line of the <tr>
    assert not any("扫一扫" in line.text or "首页" in line.text for line in doc.lines)
    assert "第二十条第(一)项 | |||" in [line.text for line in doc.lines]  # rendered like §8 text


@pytest.mark.parametrize(
    ("table", "stray"),
    [
        ("<table></table>", []),
        ("<table><tr></tr></table>", []),
        ("<table><tr>孤立文字</tr></table>", ["孤立文字"]),
        ("<table><tbody></tbody><tr><td></td></tr></table>", []),
    ],
)
def test_html_table_without_cells_is_no_table(table: str, stray: list[str]) -> None:
    """A <table> with no cells (empty, empty rows, rows of stray text, one empty cell) is not a table:
    the page reads, its prose around it is kept, and stray text stays a line (it once crashed the
    whole report when the grid code assumed a row had cells)."""
    page = f"<html><body><p>一、总体情况</p>{table}<p>本年度收到申请5件。</p></body></html>"
    doc = document_from_bytes(page.encode("utf-8"), Path("x.html"))
    assert doc.tables == []
    assert [line.text for line in doc.lines] == ["一、总体情况", *stray, "本年度收到申请5件。"]


def test_html_title_is_the_first_title_even_when_empty() -> None:
    """An empty <title> gives no title; a later <title> (an SVG icon's) is not the page's."""
    body = "<body><svg><title>图标</title></svg><p>某县2021年政府信息公开工作年度报告</p></body></html>"
    empty = document_from_bytes(f"<html><head><title></title></head>{body}".encode(), Path("a.html"))
    assert "title" not in empty.page_meta
    titled = document_from_bytes(f"<html><head><title> 某县 年报 </title></head>{body}".encode(), Path("a.html"))
    assert titled.page_meta["title"] == "某县 年报"


def test_markdown_table() -> None:
    md = "# 二、主动公开政府信息情况\n\n| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n| 行政规范性文件 | |\n"
    doc = document_from_bytes(md.encode(), Path("r.md"))
    (table,) = doc.tables
    assert [_values(r) for r in table.rows] == [["信息内容", "本年制发件数"], ["规章", "3"], ["行政规范性文件", ""]]
    assert table.rows[0][0].is_header and not table.rows[1][0].is_header
    assert doc.sections[0].heading == "二、主动公开政府信息情况" and table.rows[1][0].line == 5


def test_docx_paragraphs_and_merged_cells() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "第二十条第（五）项"
    t.cell(1, 0).text, t.cell(1, 1).text, t.cell(1, 2).text = "行政许可", "5", "6"
    t.cell(1, 0).merge(t.cell(2, 0))
    t.cell(2, 1).text, t.cell(2, 2).text = "7", "8"
    buf = io.BytesIO()
    d.save(buf)
    doc = document_from_bytes(buf.getvalue(), Path("r.docx"))
    (table,) = doc.tables
    assert [c.origin for c in table.rows[0]] == [True, False, False]
    assert _values(table.rows[2]) == ["行政许可", "7", "8"] and not table.rows[2][0].origin
    assert doc.sections[0].heading == "一、总体情况"


def test_traditional_report_is_converted() -> None:
    text = "二、主動公開政府信息情況\n本機關收到政府信息公開申請數量為3件，與上年相比減少。\n"
    doc = document_from_bytes(text.encode("big5"), Path("t.txt"))
    assert doc.encoding == "big5"
    assert doc.lines[0].text == "二、主动公开政府信息情况" and "申请数量为3件" in doc.lines[1].text
    assert "converted_traditional_to_simplified" in doc.warnings


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"", "a.txt", "empty"),
        (b"   \n\n", "a.txt", "empty"),
        (b"\x00\x01\x02binary\x00" * 50, "a.txt", "binary"),
        (b"PK\x03\x04 not a docx", "a.docx", "parse_error"),
        (b"%PDF-1.4 broken", "a.pdf", "parse_error"),
        (b"anything", "a.xls", "unsupported_format"),
        (b"\xff\xd8\xff\xe0 jpeg", "a.jpg", "unsupported_format"),
    ],
)
def test_bad_input_is_a_clear_error(data: bytes, name: str, kind: str) -> None:
    with pytest.raises(IngestError) as err:
        document_from_bytes(data, Path(name))
    assert err.value.kind == kind


def test_encodings_recorded() -> None:
    text = "三、收到和处理政府信息公开申请情况\n本年新收申请12件。\n"
    assert document_from_bytes(text.encode("gbk"), Path("a.txt")).encoding == "gb18030"
    assert document_from_bytes(b"\xef\xbb\xbf" + text.encode(), Path("a.txt")).encoding == "utf-8-sig"
    assert document_from_bytes(text.encode()[:-5], Path("a.txt")).encoding == "utf-8"  # cut mid-character
    utf16 = document_from_bytes(text.encode("utf-16-le"), Path("a.txt"))  # no BOM
    assert utf16.encoding == "utf-16-le" and utf16.lines[1].text == "本年新收申请12件。"


def test_manifest_fills_silent_fields_only() -> None:
    doc = load_document(REPORTS / "d01.txt", {"organ": "X", "url": "http://other", "published": "2024-02-01"})
    assert doc.page_meta["published"] == "2024-01-12 08:58"  # the document wins
    silent = load_document(REPORTS / "003_370a2057b485fcf4.txt", {"organ": "关岭县顶云街道办事处"})
    assert silent.page_meta["organ"] == "关岭县顶云街道办事处"


def test_pdf_without_text_is_image_only() -> None:
    from pypdf import PdfWriter


    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    doc = document_from_bytes(buf.getvalue(), Path("scan.pdf"))
    assert doc.source_format == "pdf" and doc.lines == [] and doc.warnings[0].startswith("image_only")


def test_process_file_reports_image_only_pdf(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    from ingest.pipeline import process_file

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as f:
        w.write(f)
    res = process_file(str(path))
    assert res.error is None and res.report["status"] == "image_only"


@pytest.mark.parametrize("name", ["003_370a2057b485fcf4", *[f"d0{i}" for i in range(1, 9)], "d17"])
def test_template_reports_have_their_six_sections(name: str) -> None:
    doc = load_document(REPORTS / f"{name}.txt")
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert doc.sections[2].heading.startswith("三、收到和处理政府信息公开申请")
