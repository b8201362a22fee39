"""HTML pages: body text as lines, <table> markup as grids with spans expanded, chrome dropped.

Parsed with lxml's HTML parser (forgiving of broken markup) because it records the source line
of every element: a Line's number is the line of the source where its block element starts.
<title> and <meta> (ArticleTitle, PubDate, ContentSource …) go to page_meta. Navigation, scripts,
styles, forms, headers and footers are dropped. A <table> is a data table when it holds no
nested table and its cells are short; a layout table (the page skeleton) is read as blocks.
rowspan/colspan are expanded: a span-filled position copies the text with `origin=False`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter

from lxml import etree

from ingest.assemble import Block, Source, TextRun
from ingest.decode import decode_bytes
from ingest.errors import IngestError
from ingest.model import Cell, Table
from ingest.pipetables import header_flags

_DROP = {"script", "style", "noscript", "iframe", "form", "button", "select", "option", "object", "embed",
         "svg", "canvas", "nav", "footer", "header", "template", "textarea", "input", "map", "audio", "video"}  # fmt: skip
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
          "article", "blockquote", "pre", "hr", "tr", "table", "center", "address", "figure", "figcaption",
          "caption", "main", "aside", "body", "html", "tbody", "thead", "tfoot"}  # fmt: skip
_CHROME_ATTR = re.compile(r"breadcrumb|crumb|share|toolbar|topbar|navbar|^nav|menu|footer|copyright|print|fontsize", re.I)
_META_NAMES = {
    "articletitle": "title",
    "title": "title",
    "pubdate": "published",
    "firstpublishedtime": "published",
    "publishdate": "published",
    "contentsource": "organ",
    "source": "source",
    "sitename": "site",
    "author": "organ",
    "url": "url",
    "description": "description",
}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Line breaks and paragraph ends inside a table cell separate words: a space goes around them
# before parsing, so a cell's text can be taken in one C call.
_BREAKS = re.compile(r"<(?=(?:br|/p|/div)\b)", re.I)  # replaced by " <" (a leading `<` lets the engine skip ahead)
_MAX_LAYOUT_CELL = 200
# A source line break between two Chinese characters is no space (CSS segment-break rules).
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_MAX_SPAN = 50


def read(data: bytes, src: Source) -> list[Block]:
    text, src.encoding = decode_bytes(data)
    try:
        markup = _BREAKS.sub(" <", _XML_DECL.sub("", text, count=1))
        root = etree.fromstring(markup or "<html></html>", _parser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise IngestError("parse_error", f"HTML could not be parsed: {e}") from e
    if root is None:
        raise IngestError("empty", "the HTML page has no content")
    _page_meta(root, src)
    walker = _Walker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    walker.end_run()
    return walker.blocks


def _parser() -> etree.HTMLParser:  # plain elements: much faster than lxml.html's
    return etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def _page_meta(root, src: Source) -> None:  # noqa: ANN001 - lxml element
    """<title> (the first one) and then the <meta> name/content pairs, in one pass over the tree."""
    title = None
    seen_title = False  # only the first <title> counts, even when it is empty
    metas = []
    for el in root.iterdescendants("title", "meta"):
        if el.tag == "meta":
            metas.append(el)
        elif not seen_title:
            seen_title = True
            title = el.text
    if title and title.strip():
        src.page_meta.setdefault("title", " ".join(title.split()))
    for m in metas:
        name = (m.get("name") or m.get("property") or "").lower().split(":")[-1]
        key = _META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content:
            src.page_meta.setdefault(key, content)


class _Walker:
    """Depth-first walk that gathers inline text into lines (a TextRun between two tables) and
    data tables into Tables."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._line: int | None = None
        self._run = TextRun([], [])

    def end_run(self) -> None:
        if self._run.texts:
            self.blocks.append(self._run)
            self._run = TextRun([], [])

    def flush(self) -> None:
        if not self._parts:  # nothing gathered (block elements flush before and after themselves)
            self._line = None
            return
        text = "".join(self._parts).strip()
        if "\n" in text:
            text = _CJK_BREAK.sub("", text)
        if text:
            self._run.nos.append(self._line or 1)
            self._run.texts.append(text)
        self._parts = []
        self._line = None

    def walk(self, el) -> None:  # noqa: ANN001 - lxml element
        tag = el.tag
        if type(tag) is not str:
            tag = ""
        if tag in _DROP or el.keys() and _is_chrome(el):
            return
        if tag == "table" and next(el.iterdescendants("table"), None) is None:
            table = _table(el)  # None for a layout table: then it is read as blocks below
            if table is not None:
                self.flush()
                self.end_run()
                self.blocks.append(table)
                return
        block = tag in _BLOCK
        if block:
            self.flush()
        parts = self._parts
        if parts and tag in _CELL_TAGS:
            parts.append(" ")
        line = el.sourceline
        text = el.text
        if text:  # inline text: the line of the block is that of its first text that is not blank
            if self._line is None and not text.isspace():
                self._line = line
            parts.append(text)
        for child in el:
            self.walk(child)
            text = child.tail
            if text:
                if self._line is None and not text.isspace():
                    # a comment or processing instruction has no line of its own: its parent's
                    self._line = child.sourceline if type(child.tag) is str else line
                self._parts.append(text)
        if block:
            self.flush()


def _is_chrome(el) -> bool:  # noqa: ANN001
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".strip()
    if not attrs or not _CHROME_ATTR.search(attrs):
        return False
    return len("".join(el.itertext())) < 300  # a big container with a misleading class is kept


@lru_cache(maxsize=16384)  # pure; reports repeat their cells (labels, `0`, `—`)
def _clean(raw: str) -> str:
    """A cell's text on one line, from lxml's text serialisation of its subtree (one C call)."""
    text = raw.strip()
    if "\n" in raw or " " in text or not text.isprintable():
        return _one_line(raw)
    return text


def _one_line(text: str) -> str:
    if "\n" in text:
        text = _CJK_BREAK.sub("", text)
    stripped = text.strip()
    if " " not in stripped and stripped.isprintable():
        return stripped  # no whitespace left inside (every other space character is unprintable)
    return " ".join(stripped.split())


@lru_cache(maxsize=256)
def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(_MAX_SPAN, int(value.strip() or 1)))
    except ValueError:
        return 1


_CELL_TAGS = ("td", "th")
_SOURCELINE = attrgetter("sourceline")


def _table(el) -> Table | None:  # noqa: ANN001
    """The <table> as an expanded grid; None when it has fewer than two cells or holds a paragraph.

    A row is built as a list in column order; a row that cells of the rows above reach into (a
    rowspan) is built as a column -> cell dict, where a later span may overwrite a position."""
    trs: list = []
    row_cells: list[list] = []
    for tr in el.iter("tr"):
        cells = [td for td in tr if td.tag in _CELL_TAGS]  # list(tr) + a filter: cheaper than iterchildren(tags)
        if cells:
            trs.append(tr)
            row_cells.append(cells)
    flat = [td for cells in row_cells for td in cells]
    tostring = etree.tostring
    texts = list(map(_clean, [tostring(td, method="text", encoding=str, with_tail=False) for td in flat]))
    if max(map(len, texts), default=0) > _MAX_LAYOUT_CELL:
        return None  # paragraphs in cells: a layout table
    lines = list(map(_SOURCELINE, flat))
    no_line = None in lines  # a cell without a source line (its row's line is filled in by _grid_row)
    has_thead = next(el.iter("thead"), None) is not None
    has_th = next(el.iter("th"), None) is not None
    below: dict[int, dict[int, Cell]] = {}  # row -> column -> cell, filled by rowspans from above
    built: list[list[Cell] | dict[int, Cell]] = []
    header_rows: set[int] = set()
    width = n_rows = 0
    k = 0
    for r, cells in enumerate(row_cells):
        taken = below.pop(r, None)
        row: list[Cell] = []
        c = 0
        for td in cells:
            text = texts[k]
            line = lines[k]
            k += 1
            rs_attr = cs_attr = None
            if td.keys():  # most cells carry no attribute at all
                rs_attr = td.get("rowspan")
                cs_attr = td.get("colspan")
            if taken is not None:
                while c in taken:
                    c += 1
            if rs_attr is None and cs_attr is None:
                if taken is None:
                    row.append(Cell(r, c, text, line))
                else:
                    taken[c] = Cell(r, c, text, line)
                c += 1
            else:
                rs, cs = _span(rs_attr), _span(cs_attr)
                if taken is None:
                    row.append(Cell(r, c, text, line))
                    row.extend([Cell(r, c + dc, text, line, False, False) for dc in range(1, cs)])
                else:
                    for dc in range(cs):
                        taken[c + dc] = Cell(r, c + dc, text, line, False, dc == 0)
                for dr in range(1, rs):
                    rest = below.setdefault(r + dr, {})
                    for dc in range(cs):
                        rest[c + dc] = Cell(r + dr, c + dc, text, line, False, False)
                if r + rs > n_rows:
                    n_rows = r + rs
                c += cs
            if c > width:
                width = c
        built.append(row if taken is None else taken)
        if has_th and all(td.tag == "th" for td in cells) or has_thead and trs[r].getparent().tag == "thead":
            header_rows.add(r)
    n_rows = max(n_rows, len(built))
    built.extend(below.get(i, {}) for i in range(len(built), n_rows))
    if sum(map(len, built)) < 2:
        return None
    rows = [_grid_row(cells, i, width, no_line) for i, cells in enumerate(built)]
    # A row's physical cells are its <td>s, in column order (rows only spans reach have none).
    ends = list(accumulate(map(len, row_cells)))
    physical = [texts[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)] + [[]] * (n_rows - len(ends))
    flags = header_flags(physical, [width] * n_rows, header_rows, set(), None)
    for row, header in zip(rows, flags, strict=True):
        if header:
            for cell in row:
                cell.is_header = True
    if no_line:
        lines = [x for x in lines if x is not None]  # every line of the grid is one of its <td>s'
    return Table(index=0, rows=rows, kind="html", start_line=min(lines, default=el.sourceline),
                 end_line=max(lines, default=el.sourceline), width=width)


def _grid_row(cells: list[Cell] | dict[int, Cell], i: int, width: int, no_line: bool = True) -> list[Cell]:
    """Row i of the grid (a list in column order or a column -> cell dict); a position no <td>
    reaches is an empty padding cell on the row's line. `no_line`: some cell of the table may have
    no source line (else only padding cells lack one)."""
    if isinstance(cells, list):
        if len(cells) == width and not no_line:
            return cells
        row = cells + [Cell(i, j, "", None, False, False) for j in range(len(cells), width)]
    else:
        row = [cells.get(j) or Cell(i, j, "", None, False, False) for j in range(width)]
    if len(cells) < width or no_line and any(c.line is None for c in row):
        _fill_lines([row])
    return row


def _fill_lines(rows: list[list[Cell]]) -> None:
    """Padding positions (no <td> at all) take the line of their row."""
    for row in rows:
        line = next((c.line for c in row if c.line is not None), None)
        for c in row:
            if c.line is None:
                c.line = line
