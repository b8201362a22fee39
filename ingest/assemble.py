"""Blocks from a reader -> a normalised Document (the text path every format shares).

A reader turns its container into an ordered list of blocks: `Line`s of raw text (with their
source line numbers) and `Table`s it could read structurally (HTML, Markdown, .docx). This
module then, for every format alike:
1. decides whether the text is traditional Chinese (then converts every line and cell);
2. normalises lines (NFKC, whitespace, control characters), removes page chrome, moves page
   metadata lines (索引号, 发布机构, 发布日期 …) into page_meta;
3. splits run-on lines at headings (ingest.layout) and renders structural tables as
   one-cell-per-line text (`cell |`, the last cell of a row padded with k pipes as in §8), so
   `Document.lines` reads the same whatever the format;
4. rebuilds the one-cell-per-line tables of plain text (ingest.pipetables);
5. finds section headings and the heading each table sits under.

Line numbers: for text, Markdown and PDF text they are the 1-based lines of the decoded text;
for HTML the source line where the element starts; for .docx the 1-based index of the body
block (paragraph or table row). Pieces of one split line share its number.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate, repeat
from typing import cast

from ingest import chrome, layout, pipetables
from ingest.model import Cell, Document, Line, Section, Table
from ingest.normalize import (
    TRADITIONAL_SAMPLE,
    is_traditional,
    normalize_cell,
    normalize_lines,
    to_simplified,
)

GridRow = tuple[list[int | None], int, int]
_TRAILING_PIPES = re.compile(r"\s*\|[\s|]*$")
_MIN_TABLE_CELLS = 3
_MAX_META_ROWS = 6  # a page-metadata table has at most this many rows


@dataclass
class Source:
    """What a reader knows about the file besides its blocks."""

    path: str
    fmt: str
    encoding: str
    sha256: str
    size: int
    page_meta: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Grid:
    """A structural table as a reader placed it, in columns (HTML): assemble normalises its
    texts, renders it as text lines and builds its Table, touching each physical cell once.

    `texts`, `lines`: each physical cell's text (as read) and source line, row after row.
    `rows`: each grid row as (head, a, b): the codes of its first columns (k: physical cell k;
    ~k: a position that cell k's span fills; None: no cell reaches it), then the cells a..b-1 at
    the following columns, then empty padding up to `width`. `bounds`: the range of each row's
    physical cells (a row's physical cells are in column order). `headers`: header rows.
    A position without a line (padding, a cell without a source line) takes the row's first."""

    texts: list[str]
    lines: list[int | None]
    rows: list[GridRow]
    bounds: list[tuple[int, int]]
    headers: list[bool]
    width: int
    kind: str
    start_line: int | None
    end_line: int | None

    def text(self) -> str:
        """The text of the grid as read: every position's text, row after row (span copies included)."""
        texts = self.texts
        return "".join([texts[x if x >= 0 else ~x] for head, a, b in self.rows for x in [*head, *range(a, b)] if x is not None])

    def _row_lines(self, r: int) -> list[int | None]:
        head, a, b = self.rows[r]
        lines = self.lines
        row = [None if x is None else lines[x if x >= 0 else ~x] for x in head] + lines[a:b]
        row += [None] * (self.width - len(row))
        if None in row:
            fill = next((x for x in row if x is not None), None)
            row = [fill if x is None else x for x in row]
        return row

    def text_lines(self, texts: list[str]) -> list[Line]:
        """render_table of the table whose physical cells have `texts`: a line per physical cell."""
        out = [t + " |" if t else "|" for t in texts]
        width = self.width
        for a, b in self.bounds:
            if a < b and b - a < width:
                out[b - 1] += " " + "|" * (width - (b - a))
        lines = self.lines
        if None in lines:  # a cell without a source line: the line its grid position took
            lines = list(lines)
            for r, (a, b) in enumerate(self.bounds):
                if None in lines[a:b]:
                    head, ta, tb = self.rows[r]
                    row_lines = self._row_lines(r)
                    lines[a:b] = [row_lines[j] for j, x in enumerate(head) if x is not None and x >= 0] + row_lines[
                        len(head) : len(head) + tb - ta]
        return list(map(Line, [x or 0 for x in lines], out))

    def table(self, texts: list[str]) -> Table:
        """The Table of Cells, its physical cells' texts `texts`."""
        rows: list[list[Cell]] = []
        lines, width, no_line = self.lines, self.width, None in self.lines
        for r, ((head, a, b), header) in enumerate(zip(self.rows, self.headers, strict=True)):
            n, h = b - a, len(head)
            if h + n == width and not no_line and None not in head:  # the common row: no padding, every line known
                codes = cast("list[int]", head)  # no None in it (checked above)
                row = [Cell(r, j, texts[x], lines[x], header) if x >= 0 else Cell(r, j, texts[~x], lines[~x], header, False)
                       for j, x in enumerate(codes)] if h else []  # fmt: skip
                row += map(Cell, repeat(r, n), range(h, width), texts[a:b], lines[a:b], repeat(header, n))
                rows.append(row)
                continue
            row_lines = self._row_lines(r)
            row = [Cell(r, j, "" if x is None else texts[x if x >= 0 else ~x], row_lines[j], header, x is not None and x >= 0)
                   for j, x in enumerate(head)]  # fmt: skip
            row += map(Cell, repeat(r, n), range(h, h + n), texts[a:b], row_lines[h : h + n], repeat(header, n))
            row += [Cell(r, j, "", row_lines[j], header, False) for j in range(h + n, width)]
            rows.append(row)
        return Table(index=0, rows=rows, kind=self.kind, start_line=self.start_line, end_line=self.end_line,
                     width=width)


Block = Line | Table | Grid


def assemble(blocks: list[Block], src: Source) -> Document:
    traditional = is_traditional(_head_text(blocks))
    meta = dict(src.page_meta)
    warnings = list(src.warnings)
    if traditional:
        warnings.append("converted_traditional_to_simplified")
    text = _TextLines([b for b in blocks if isinstance(b, Line)], traditional)
    lines: list[Line] = []
    free: list[int] = []  # indices in `lines` of text lines (the others are structural tables')
    structural: list[tuple[int, Table]] = []  # (index of the table's first line, table)
    table_line_idx: set[int] = set()
    # Text lines are normalised all at once; the runs between the structural tables are then
    # cleaned in document order (page metadata found first is kept).
    at = [i for i, b in enumerate(blocks) if not isinstance(b, Line)]
    prev = 0
    for i in [*at, len(blocks)]:
        start = len(lines)
        lines.extend(text.run(blocks[prev:i], meta))  # type: ignore[arg-type]
        free.extend(range(start, len(lines)))
        prev = i + 1
        if i == len(blocks):
            break
        b = blocks[i]
        start = len(lines)
        if isinstance(b, Grid):
            texts = _normalise_texts(b.texts, traditional)
            if len(b.rows) <= _MAX_META_ROWS and _is_meta_table([texts[x:y] for x, y in b.bounds], meta):
                continue
            lines.extend(b.text_lines(texts))
            table = b.table(texts)
        else:
            assert isinstance(b, Table)
            _normalise_table(b, traditional)
            if len(b.rows) <= _MAX_META_ROWS and _is_meta_table(_physical(b), meta):
                continue
            lines.extend(render_table(b))
            table = b
        table_line_idx.update(range(start, len(lines)))
        structural.append((start, table))
    lines, pipe_tables, table_line_idx, moved = _pipe_tables(lines, free, table_line_idx)
    if moved is not None:
        structural = [(moved[i], t) for i, t in structural]
    tables = [t for _, t in sorted([*structural, *pipe_tables], key=lambda x: x[0])]
    for i, t in enumerate(tables):
        t.index = i
    located = layout.find_sections_at(lines, skip=table_line_idx)
    starts = {id(t): i for i, t in [*structural, *pipe_tables]}
    for t in tables:
        t.heading = _heading_before(located, starts[id(t)])
    return Document(
        source_path=src.path,
        source_format=src.fmt,
        encoding=src.encoding,
        sha256=src.sha256,
        size_bytes=src.size,
        lines=lines,
        tables=tables,
        sections=[s for _, s in located],
        page_meta=meta,
        warnings=warnings,
    )


class _TextLines:
    """The raw text lines of a document (every run between its structural tables), normalised
    at once (chrome.suspect_lines too); `run` then gives each run cleaned, in order."""

    def __init__(self, lines: list[Line], traditional: bool) -> None:
        texts = normalize_lines([b.text for b in lines])
        if traditional:
            texts = [to_simplified(t) if t else t for t in texts]
        for line, text in zip(lines, texts, strict=True):
            line.text = text
        long = layout.LONG_LINE
        self.texts = texts
        # Lines that may hold chrome or page metadata (chrome.suspect_lines), and the empty and
        # the long ones: the only ones not kept as they are.
        self.suspect = chrome.suspect_lines(texts)
        special: set[int] = set(self.suspect)
        if texts and (not all(texts) or max(map(len, texts)) > long):
            special.update([i for i, t in enumerate(texts) if not t or len(t) > long])
        self.special = sorted(special)
        self.done = 0  # lines given out so far

    def run(self, run: list[Line], meta: dict[str, str]) -> list[Line]:
        """The next len(run) lines (`run`, a reader's blocks: the Line objects are reused) with
        chrome and page-metadata lines removed (their pairs go to `meta`), run-on lines split."""
        a = self.done
        self.done = b = a + len(run)
        special = self.special[bisect_left(self.special, a) : bisect_left(self.special, b)]
        if not special:
            return list(run)  # the common case: every line kept as it is
        texts, suspect, long = self.texts, self.suspect, layout.LONG_LINE
        out: list[Line] = []
        prev = a
        for i in special:  # the lines between two special ones are kept as they are
            out += run[prev - a : i - a]
            prev = i + 1
            text = texts[i]
            if not text:
                continue
            if i in suspect:
                text = chrome.strip_chrome(text)
                if not text:
                    continue
                found = chrome.meta_line(text)
                if found is not None:
                    for k, v in found.items():
                        meta.setdefault(k, v)
                    continue
            line = run[i - a]
            line.text = text
            if len(text) > long:
                out.extend(layout.split_run_on(line))
            else:
                out.append(line)
        out += run[prev - a :]
        return out


def _head_text(blocks: list[Block], size: int = TRADITIONAL_SAMPLE) -> str:
    """The first `size` characters of the blocks' text (what is_traditional looks at); a table's
    text is its cells' (span copies and padding included), row by row."""
    parts: list[str] = []
    total = 0
    for b in blocks:
        text = b.text if isinstance(b, Line) else b.text() if isinstance(b, Grid) else "".join(
            [c.text for row in b.rows for c in row])
        parts.append(text)
        total += len(text)
        if total >= size:
            break
    return "".join(parts)[:size]


def _normalise_table(t: Table, traditional: bool) -> None:
    """Every cell normalised (cell by cell, remembered: reports repeat their labels and values)."""
    for row in t.rows:
        for c in row:
            text = normalize_cell(c.text)
            c.text = to_simplified(text) if traditional and text else text


def _normalise_texts(texts: list[str], traditional: bool) -> list[str]:
    out = list(map(normalize_cell, texts))
    return [to_simplified(t) if t else t for t in out] if traditional else out


def _physical(t: Table) -> list[list[str]]:
    """The texts of each row's physical cells (not a span's copies)."""
    return [[c.text for c in row if c.origin] for row in t.rows]


def _is_meta_table(physical: list[list[str]], meta: dict[str, str]) -> bool:
    """A small table of page metadata (索引号 | … | 发布机构 | …), from the texts of each row's
    physical cells: its pairs go to page_meta."""
    found: dict[str, str] = {}
    for cells in physical:
        for key_text, value in zip(cells, [*cells[1:], ""], strict=False):
            key = chrome.META_KEYS.get(key_text.rstrip(":：").strip())
            if key and value and chrome.META_KEYS.get(value.rstrip(":：").strip()) is None:
                found.setdefault(key, value)
    keys = sum(1 for cells in physical for text in cells if text.rstrip(":：").strip() in chrome.META_KEYS)
    filled = sum(1 for cells in physical for text in cells if text)
    if keys >= 2 and keys * 2 >= filled * 0.8:
        for k, v in found.items():
            meta.setdefault(k, v)
        return True
    return False


def render_table(t: Table) -> list[Line]:
    """The table as one line per physical cell, `text |`, the row's last cell padded with k pipes."""
    width = t.width or max((len(r) for r in t.rows), default=0)
    out: list[Line] = []
    for row in t.rows:
        physical = [c for c in row if c.origin]
        if not physical:
            continue
        texts = [c.text + " |" if c.text else "|" for c in physical]
        k = width - len(physical)
        if k > 0:
            texts[-1] += " " + "|" * k
        out += map(Line, [c.line or 0 for c in physical], texts)
    return out


def _pipe_tables(
    lines: list[Line], free: list[int], taken: set[int]
) -> tuple[list[Line], list[tuple[int, Table]], set[int], dict[int, int] | None]:
    """Rebuild one-cell-per-line tables; cells of non-tables become prose again.

    `free`: the indices of text lines, in order; `taken`: those of structural tables' lines.
    Returns the new lines, (first line index, table) pairs, the indices of table lines (`taken`,
    updated) and, when lines were dropped, where each old line index moved to (else None).
    Only text lines ending in a pipe are looked at, each read as a cell (`text |`), a one-line
    row (`a | b | c |`) or neither; a run of consecutive lines of one kind is a table candidate.
    The others stay as they are.
    """
    cand = [i for i in free if lines[i].text.endswith("|")]
    if not cand:
        return lines, [], taken, None
    cells = [pipetables.parse_cell(lines[i].text) for i in cand]
    rows = [None if c is not None else pipetables.parse_row(lines[i].text) for i, c in zip(cand, cells, strict=True)]
    kinds = [_CELL if c is not None else _ROW if r is not None else _PROSE for c, r in zip(cells, rows, strict=True)]
    starts = [p for p in range(1, len(cand)) if cand[p] != cand[p - 1] + 1 or kinds[p] != kinds[p - 1]]
    out = list(lines)
    drop: set[int] = set()
    tables: list[tuple[int, Table]] = []
    for a, b in zip([0, *starts], [*starts, len(cand)], strict=True):
        if a == b:
            continue
        kind = kinds[a]
        table = None
        if kind == _CELL:
            table = _cell_table(cells[a:b], [lines[i].no for i in cand[a:b]])  # type: ignore[arg-type]
        elif kind == _ROW:
            table = _row_table(rows[a:b], [lines[i].no for i in cand[a:b]])  # type: ignore[arg-type]
        if table is not None:
            tables.append((cand[a], table))
            taken.update(cand[a:b])
            continue
        for k in cand[a:b]:
            out[k] = _prose(lines[k])
            if kind != _PROSE and not out[k].text:
                drop.add(k)
    if not drop:
        return out, tables, taken, None
    kept = [k for k in range(len(out)) if k not in drop]
    moved = {old: new for new, old in enumerate(kept)}
    return [out[k] for k in kept], [(moved[k], t) for k, t in tables], {moved[k] for k in taken}, moved


_PROSE, _CELL, _ROW = 0, 1, 2


def _cell_table(cells: list[tuple[str, int]], nos: list[int]) -> Table | None:
    """A table from a run of cell lines (one cell a line): at least 3 cells, 2 of them filled."""
    if len(cells) < _MIN_TABLE_CELLS:
        return None
    texts, pads = map(list, zip(*cells, strict=True))
    if len(texts) - texts.count("") < 2:
        return None
    bounds, width, warnings = pipetables.rows_from_cells(texts, pads, nos)
    table = pipetables.build_table(0, texts, pads, nos, bounds, width)
    table.warnings.extend(warnings)
    return table


def _row_table(rows: list[list[str]], nos: list[int]) -> Table | None:
    """A table from a run of at least two row lines (`a | b | c |`)."""
    if len(rows) < 2:
        return None
    texts = [t for row in rows for t in row]
    row_nos = [no for row, no in zip(rows, nos, strict=True) for _ in row]
    ends = list(accumulate(map(len, rows)))
    bounds = list(zip([0, *ends[:-1]], ends, strict=True))
    return pipetables.build_table(0, texts, [0] * len(texts), row_nos, bounds, max(map(len, rows)))


def _prose(line: Line) -> Line:
    if line.text.endswith("|"):
        return Line(line.no, _TRAILING_PIPES.sub("", line.text))
    return line


def _heading_before(located: list[tuple[int, Section]], index: int) -> str | None:
    heading = None
    for i, s in located:
        if i > index:
            break
        heading = s.heading
    return heading
