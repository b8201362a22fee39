"""Markdown: prose lines (heading marks and emphasis removed) and pipe tables as grids.

A table is a run of `| a | b |` lines; the `|---|---|` rule marks the rows above it as header.
Markdown has no spans, so every cell is an origin cell. Line numbers are the Markdown lines.
"""

from __future__ import annotations

import re

from ingest.assemble import Block, Source
from ingest.decode import decode_bytes
from ingest.model import Cell, Line, Table
from ingest.pipetables import header_flags
from ingest.readers.text import text_blocks

_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_HEADING_MARK = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s*|[-*+]\s+)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def read(data: bytes, src: Source) -> list[Block]:
    text, src.encoding = decode_bytes(data)
    blocks: list[Block] = []
    run: list[Line] = []
    for line in text_blocks(text, src):  # fresh Line objects: reused with their new text
        assert isinstance(line, Line)
        stripped = line.text.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            line.text = stripped
            run.append(line)
            continue
        blocks.extend(_flush(run))
        run = []
        line.text = _plain(_HEADING_MARK.sub("", line.text))
        blocks.append(line)
    blocks.extend(_flush(run))
    return blocks


def _plain(text: str) -> str:
    """The text without emphasis marks (the regex only runs when a mark character is there)."""
    return _EMPHASIS.sub("", text) if "*" in text or "`" in text or "__" in text else text


def _flush(run: list[Line]) -> list[Block]:
    if not run:
        return []
    rows: list[list[Cell]] = []
    header: set[int] = set()
    for line in run:
        if _RULE.match(line.text):
            header.update(range(len(rows)))
            continue
        cells = [c.strip() for c in line.text.strip().strip("|").split("|")]
        r = len(rows)
        if "*" in line.text or "`" in line.text or "__" in line.text:
            cells = [_EMPHASIS.sub("", t) for t in cells]
        rows.append([Cell(r, j, t, line.no) for j, t in enumerate(cells)])
    if len(rows) < 1 or sum(len(r) for r in rows) < 2:
        return list(run)
    width = max(len(r) for r in rows)
    flags = header_flags([[c.text for c in row] for row in rows], [len(row) for row in rows], header, set(), None)
    for row, is_header in zip(rows, flags, strict=True):
        if is_header:
            for c in row:
                c.is_header = True
    return [Table(index=0, rows=rows, kind="markdown", start_line=run[0].no, end_line=run[-1].no, width=width)]
