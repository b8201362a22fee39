"""Blocks from a reader -> a normalised Document (the text path every format shares).

A reader turns its container into an ordered list of blocks: raw text lines with their source
line numbers (`TextRun`s, runs of texts and numbers, or single `Line`s) and `Table`s it could read
structurally (HTML, Markdown, .docx). The Line objects of Document.lines are made here, once
their text is normalised. This module then, for every format alike:
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
from itertools import accumulate

from ingest import chrome, layout, pipetables
from ingest.model import Document, Line, Section, Table
from ingest.normalize import (
    TRADITIONAL_SAMPLE,
    is_traditional,
    normalize_cell,
    normalize_lines,
    to_simplified,
)

_TRAILING_PIPES = re.compile(r"\s*\|[\s|]*$")
_MIN_TABLE_CELLS = 3


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
class TextRun:
    """Consecutive text lines of a reader as two lists (their 1-based line numbers and raw texts):
    assemble makes their Line objects once the texts are normalised."""

    nos: list[int]
    texts: list[str]


Block = Line | Table | TextRun


def assemble(blocks: list[Block], src: Source) -> Document:
    nos, raw, at = _text_and_tables(blocks)
    traditional = is_traditional(_head_text(raw, at))
    meta = dict(src.page_meta)
    warnings = list(src.warnings)
    if traditional:
        warnings.append("converted_traditional_to_simplified")
    text = _TextLines(nos, raw, traditional)
    lines: list[Line] = []
    free: list[int] = []  # indices in `lines` of text lines (the others are structural tables')
    structural: list[tuple[int, Table]] = []  # (index of the table's first line, table)
    table_line_idx: set[int] = set()
    # Text lines are normalised all at once; the runs between the structural tables are then
    # cleaned in document order (page metadata found first is kept).
    for end, b in [*at, (len(raw), None)]:
        start = len(lines)
        lines.extend(text.run(end, meta))
        free.extend(range(start, len(lines)))
        if b is None:
            break
        _normalise_table(b, traditional)
        if _is_meta_table(b, meta):
            continue
        start = len(lines)
        lines.extend(render_table(b))
        table_line_idx.update(range(start, len(lines)))
        structural.append((start, b))
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


def _text_and_tables(blocks: list[Block]) -> tuple[list[int], list[str], list[tuple[int, Table]]]:
    """The line numbers and raw texts of every text line, in order, and each structural table with
    the number of text lines before it."""
    if len(blocks) == 1 and isinstance(blocks[0], TextRun):
        return blocks[0].nos, blocks[0].texts, []  # the text reader's one run
    nos: list[int] = []
    texts: list[str] = []
    at: list[tuple[int, Table]] = []
    for b in blocks:
        if isinstance(b, Line):
            nos.append(b.no)
            texts.append(b.text)
        elif isinstance(b, TextRun):
            nos += b.nos
            texts += b.texts
        else:
            at.append((len(texts), b))
    return nos, texts, at


class _TextLines:
    """The raw text lines of a document (every run between its structural tables), normalised
    at once (chrome.suspect_lines too); `run` then gives each run cleaned, in order."""

    def __init__(self, nos: list[int], raw: list[str], traditional: bool) -> None:
        texts = normalize_lines(raw)
        if traditional:
            texts = [to_simplified(t) if t else t for t in texts]
        long = layout.LONG_LINE
        self.nos = nos
        self.texts = texts
        # Lines that may hold chrome or page metadata (chrome.suspect_lines), and the empty and
        # the long ones: the only ones not kept as they are.
        self.suspect = chrome.suspect_lines(texts)
        special: set[int] = set(self.suspect)
        if texts and (not all(texts) or max(map(len, texts)) > long):
            special.update([i for i, t in enumerate(texts) if not t or len(t) > long])
        self.special = sorted(special)
        self.done = 0  # lines given out so far

    def run(self, b: int, meta: dict[str, str]) -> list[Line]:
        """The lines from the last one given out up to text line b (excluded) with chrome and
        page-metadata lines removed (their pairs go to `meta`), run-on lines split."""
        a = self.done
        self.done = b
        nos, texts = self.nos, self.texts
        special = self.special[bisect_left(self.special, a) : bisect_left(self.special, b)]
        if not special:
            return list(map(Line, nos[a:b], texts[a:b]))  # the common case: every line kept as it is
        suspect, long = self.suspect, layout.LONG_LINE
        out: list[Line] = []
        prev = a
        for i in special:  # the lines between two special ones are kept as they are
            out += map(Line, nos[prev:i], texts[prev:i])
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
            line = Line(nos[i], text)
            if len(text) > long:
                out.extend(layout.split_run_on(line))
            else:
                out.append(line)
        out += map(Line, nos[prev:b], texts[prev:b])
        return out


def _head_text(texts: list[str], tables: list[tuple[int, Table]], size: int = TRADITIONAL_SAMPLE) -> str:
    """The first `size` characters of the document's raw text (what is_traditional looks at): its
    text lines and tables in order; a table's text is its cells' (span copies and padding
    included), row by row."""
    parts: list[str] = []
    total = 0
    prev = 0
    for end, table in [*tables, (len(texts), None)]:
        start, step = prev, _HEAD_CHUNK  # lines taken a chunk at a time (doubling), not one by one
        while start < end and total < size:
            text = "".join(texts[start : min(start + step, end)])
            parts.append(text)
            total += len(text)
            start += step
            step *= 2
        if table is None or total >= size:
            break
        text = "".join([c.text for row in table.rows for c in row])
        parts.append(text)
        total += len(text)
        prev = end
    return "".join(parts)[:size]


_HEAD_CHUNK = 64  # (one by one measured ~17 us a report, chunks of 64, 128, … ~13 us)


def _normalise_table(t: Table, traditional: bool) -> None:
    """Every cell normalised (cell by cell, remembered: reports repeat their labels and values)."""
    for row in t.rows:
        for c in row:
            text = normalize_cell(c.text)
            c.text = to_simplified(text) if traditional and text else text


def _is_meta_table(t: Table, meta: dict[str, str]) -> bool:
    """A small table of page metadata (索引号 | … | 发布机构 | …): its pairs go to page_meta."""
    if len(t.rows) > 6:
        return False
    found: dict[str, str] = {}
    for row in t.rows:
        cells = [c.text for c in row if c.origin]
        for key_text, value in zip(cells, [*cells[1:], ""], strict=False):
            key = chrome.META_KEYS.get(key_text.rstrip(":：").strip())
            if key and value and chrome.META_KEYS.get(value.rstrip(":：").strip()) is None:
                found.setdefault(key, value)
    keys = sum(1 for row in t.rows for c in row if c.origin and c.text.rstrip(":：").strip() in chrome.META_KEYS)
    filled = sum(1 for row in t.rows for c in row if c.origin and c.text)
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
        last = physical.pop()
        out += [Line(c.line or 0, c.text + " |" if c.text else "|") for c in physical]
        k = width - len(physical) - 1
        suffix = " " + "|" * k if k > 0 else ""
        out.append(Line(last.line or 0, f"{last.text} |{suffix}" if last.text else f"|{suffix}"))
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
    cand = [i for i in free if lines[i].text[-1:] == "|"]  # (a slice compare: cheaper than endswith)
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
    texts, pads = [c[0] for c in cells], [c[1] for c in cells]  # (cheaper than map(list, zip(*cells)))
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
