"""Renderings of one synthetic report: the shapes scrapers and converters really produce.

- text:     one cell per line ending in " |", row ends padded with k pipes (REPORT_FORMATS §8), NFKC
- oneline:  the whole report on one line, table cells separated by single spaces
- glued:    the whole report on one line, cells run together (`规范性文件6856`)
- html:     a page with chrome around real <table>s carrying the official rowspan/colspan
- markdown: pipe tables of the expanded grid (spans left empty)
- docx:     python-docx document with merged cells
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any

from bench.synth.layout import Block, Chrome, Heading, TableBlock, nfkc

FORMATS = ("text", "oneline", "glued", "html", "markdown", "docx")
EXTENSIONS = {"text": ".txt", "oneline": ".txt", "glued": ".txt", "html": ".html", "markdown": ".md", "docx": ".docx"}


def _table_lines(t: TableBlock) -> list[str]:
    lines = []
    for r, row in enumerate(t.rows):
        k = t.width - len(row)
        last_row = r == len(t.rows) - 1
        for i, cell in enumerate(row):
            line = f"{cell.text} |"
            if i == len(row) - 1 and k > 0 and not last_row:
                line += " " + "|" * k
            lines.append(line)
    return lines


def render_text(blocks: list[Block], title: str | None) -> bytes:
    lines: list[str] = []
    for b in blocks:
        if isinstance(b, TableBlock):
            lines += _table_lines(b)
        else:
            lines.append(b.text)
    return (nfkc("\n".join(lines)) + "\n").encode("utf-8")


def _one_line(blocks: list[Block], sep: str) -> str:
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, TableBlock):
            parts.append(sep.join(c.text for row in b.rows for c in row))
        elif isinstance(b, Chrome):
            parts.append(b.text + " ")
        else:
            parts.append(b.text)
    return sep.join(parts) if sep else "".join(parts)


def render_oneline(blocks: list[Block], title: str | None) -> bytes:
    return (_one_line(blocks, " ") + "\n").encode("utf-8")


def render_glued(blocks: list[Block], title: str | None) -> bytes:
    return (_one_line(blocks, "") + "\n").encode("utf-8")


def _html_table(t: TableBlock) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="0" style="width:100%"><tbody>']
    for row in t.rows:
        tds = []
        for c in row:
            attrs = (f' colspan="{c.colspan}"' if c.colspan > 1 else "") + (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
            body = html.escape(c.text) if c.text else "&nbsp;"
            tds.append(f"<td{attrs}><p style=\"text-align:center\">{body}</p></td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(blocks: list[Block], title: str | None, encoding: str = "utf-8") -> bytes:
    head = [
        "<!DOCTYPE html>",
        "<html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        f"<title>{html.escape(title or '政府信息公开')}</title>",
        '<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.min.js"></script>',
        "</head><body>",
        '<div class="top-nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>',
        '<div class="article">',
    ]
    body: list[str] = []
    for b in blocks:
        if isinstance(b, TableBlock):
            body.append(_html_table(b))
        elif isinstance(b, Chrome):
            body.append(f'<div class="info">{html.escape(b.text)}</div>')
        elif isinstance(b, Heading):
            body.append(f"<p><strong>{html.escape(b.text)}</strong></p>")
        else:
            body.append(f'<p style="text-indent:2em">{html.escape(b.text)}</p>')
    tail = ['</div><div class="footer">主办单位：政府办公室 ICP备案 <a href="javascript:window.print()">打印本页</a>'
            ' <a href="javascript:window.close()">关闭窗口</a></div>', "</body></html>"]
    return "\n".join(head + body + tail).encode(encoding, errors="xmlcharrefreplace")


def render_markdown(blocks: list[Block], title: str | None) -> bytes:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, TableBlock):
            grid = b.grid()
            out.append("| " + " | ".join(grid[0]) + " |")
            out.append("|" + "---|" * b.width)
            out += ["| " + " | ".join(row) + " |" for row in grid[1:]]
            out.append("")
        elif isinstance(b, Heading):
            out += [f"## {b.text}", ""]
        else:
            out += [b.text, ""]
    return "\n".join(out).encode("utf-8")


def _docx_table(d: Any, b: TableBlock) -> None:
    """A Word table with real merges: gridSpan for colspans, vMerge restart/continue for rowspans."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    cover = b.cover()
    nrows = len(cover)
    table = d.add_table(rows=nrows, cols=b.width)
    table.style = "Table Grid"

    def prop(tc: Any, tag: str, val: str | None) -> None:
        el = OxmlElement(tag)
        if val is not None:
            el.set(qn("w:val"), val)
        tc.get_or_add_tcPr().append(el)

    for r, tr in enumerate(table._tbl.tr_lst):
        tcs = list(tr.tc_lst)
        c = 0
        while c < b.width:
            r0, c0, cell = cover[r][c]
            tc = tcs[c]
            if cell.colspan > 1:
                prop(tc, "w:gridSpan", str(cell.colspan))
                for extra in tcs[c + 1:c + cell.colspan]:
                    tr.remove(extra)
            if cell.rowspan > 1:
                prop(tc, "w:vMerge", "restart" if r == r0 else None)
            if r == r0:
                _Cell(tc, table).text = cell.text
            c += cell.colspan


def render_docx(blocks: list[Block], title: str | None) -> bytes:
    import docx  # python-docx; imported here so text renderings don't pay for it

    d = docx.Document()
    for b in blocks:
        if isinstance(b, TableBlock):
            _docx_table(d, b)
        elif isinstance(b, Heading):
            d.add_heading(b.text, level=2)
        else:
            d.add_paragraph(b.text)
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every member stamped 1980-01-01, so one report renders to the same bytes
    on every run (python-docx stamps members with the time of saving)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


RENDERERS: dict[str, Callable[[list[Block], str | None], bytes]] = {
    "text": render_text,
    "oneline": render_oneline,
    "glued": render_glued,
    "html": render_html,
    "markdown": render_markdown,
    "docx": render_docx,
}
