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
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter

from lxml import etree
from lxml.etree import _Element

from ingest.assemble import Block, Grid, GridRow, Source
from ingest.decode import decode_bytes
from ingest.errors import IngestError
from ingest.model import Line, Table
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
    return walker.blocks


def _parser() -> etree.HTMLParser:  # plain elements: much faster than lxml.html's
    return etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)


def _page_meta(root, src: Source) -> None:  # noqa: ANN001 - lxml element
    title = root.findtext(".//title")
    if title and title.strip():
        src.page_meta.setdefault("title", " ".join(title.split()))
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or "").lower().split(":")[-1]
        key = _META_NAMES.get(name)
        content = (m.get("content") or "").strip()
        if key and content:
            src.page_meta.setdefault(key, content)


class _Walker:
    """Depth-first walk that gathers inline text into lines and data tables into Tables."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._line: int | None = None

    def flush(self) -> None:
        if not self._parts:  # nothing gathered (block elements flush before and after themselves)
            self._line = None
            return
        text = "".join(self._parts).strip()
        if "\n" in text:
            text = _CJK_BREAK.sub("", text)
        if text:
            self.blocks.append(Line(self._line or 1, text))
        self._parts = []
        self._line = None

    def walk(self, el) -> None:  # noqa: ANN001 - lxml element
        tag = el.tag
        if type(tag) is not str:
            tag = ""
        if tag in _DROP or el.keys() and _is_chrome(el):
            return
        if tag == "table" and el.find(".//table") is None:
            table = _grid(el)  # None for a layout table: then it is read as blocks below
            if table is not None:
                self.flush()
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
_NO_SPAN = (1, 1)
_NO_HEAD: list[int | None] = []


def _table(el) -> Table | None:  # noqa: ANN001
    """The <table> as a Table of its cells' texts as read (assemble builds it from _grid)."""
    grid = _grid(el)
    return None if grid is None else grid.table(grid.texts)


def _grid(el) -> Grid | None:  # noqa: ANN001
    """The <table> as an expanded grid (see assemble.Grid); None when it has fewer than two
    cells or holds a paragraph.

    Cells are placed row by row, one by one up to the row's last cell that spans; a row that
    rowspans from above reach into is a column -> code dict until then (a later span may
    overwrite a position they fill). The plain cells after, at consecutive free columns, are
    kept as a range of <td>s."""
    trs: list = []
    row_tds: list[list] = []
    for tr in el.iter("tr"):
        cells = [td for td in tr if td.tag in _CELL_TAGS]  # list(tr) + a filter: cheaper than iterchildren(tags)
        if cells:
            trs.append(tr)
            row_tds.append(cells)
    flat = [td for cells in row_tds for td in cells]
    tostring = etree.tostring
    texts = list(map(_clean, [tostring(td, method="text", encoding=str, with_tail=False) for td in flat]))
    if max(map(len, texts), default=0) > _MAX_LAYOUT_CELL:
        return None  # paragraphs in cells: a layout table
    lines = list(map(_SOURCELINE, flat))
    ends = list(accumulate(map(len, row_tds)))
    bounds = list(zip([0, *ends[:-1]], ends, strict=True))  # the range of each row's <td>s in `flat`
    spans: dict[int, tuple[int, int]] = {}  # <td> -> (rowspan, colspan), for those with a span attribute
    last_span: dict[int, int] = {}  # row -> its last <td> that spans
    for i in [i for i, keys in enumerate(map(_Element.keys, flat)) if keys]:  # most cells carry no attribute
        rs_attr, cs_attr = flat[i].get("rowspan"), flat[i].get("colspan")
        if rs_attr is not None or cs_attr is not None:
            spans[i] = (_span(rs_attr), _span(cs_attr))
            last_span[bisect_right(ends, i)] = i
    below: dict[int, dict[int, int]] = {}  # row -> column -> code, filled by rowspans from above
    rows: list[GridRow] = []
    holes: list[int] = []  # rows kept as dicts: positions no cell reaches before their last cell
    width = n_rows = 0
    for r, (a, k) in enumerate(bounds):
        taken = below.pop(r, None)
        tail = last_span[r] + 1 if r in last_span else a
        if taken is None and tail == a:  # the common row: no span in it or reaching into it
            rows.append((_NO_HEAD, a, k))
            width = max(width, k - a)
            continue
        row = {} if taken is None else taken
        c = 0
        for i in range(a, tail):
            while c in row:
                c += 1
            rs, cs = spans.get(i, _NO_SPAN)
            row[c] = i
            for dc in range(1, cs):
                row[c + dc] = ~i
            for dr in range(1, rs):
                rest = below.setdefault(r + dr, {})
                for dc in range(cs):
                    rest[c + dc] = ~i
            n_rows = max(n_rows, r + rs)
            c += cs
        while c in row:
            c += 1
        if len(row) == c:  # every position before c is filled and nothing from above lies ahead
            rows.append((list(map(row.__getitem__, range(c))), tail, k))
            c += k - tail
        else:
            for i in range(tail, k):
                while c in row:
                    c += 1
                row[c] = i
                c += 1
            holes.append(r)
            rows.append((row, k, k))  # type: ignore[arg-type]  # made a list once the width is known
        width = max(width, c)
    for i in range(len(rows), n_rows):
        holes.append(i)
        rows.append((below.get(i, {}), ends[-1], ends[-1]))  # type: ignore[arg-type]
    if sum(len(head) + b - a for head, a, b in rows) < 2:
        return None
    for r in holes:
        placed, a, b = rows[r]
        rows[r] = ([placed.get(j) for j in range(width)], a, b)  # type: ignore[attr-defined]
    header_rows: set[int] = set()
    if next(el.iter("th"), None) is not None:
        header_rows.update(r for r, cells in enumerate(row_tds) if all(td.tag == "th" for td in cells))
    if next(el.iter("thead"), None) is not None:
        header_rows.update(r for r, tr in enumerate(trs) if tr.getparent().tag == "thead")
    # A row's physical cells are its <td>s, in column order (rows only spans reach have none).
    bounds += [(ends[-1], ends[-1])] * (len(rows) - len(bounds))
    flags = header_flags([texts[a:b] for a, b in bounds], [width] * len(rows), header_rows, set(), None)
    known = [x for x in lines if x is not None] if None in lines else lines  # every line of the grid is a <td>'s
    return Grid(texts, lines, rows, bounds, flags, width, "html",
                min(known, default=el.sourceline), max(known, default=el.sourceline))
