"""Fast paths for template rows that arrive as clean grids (HTML/docx/Markdown grids, `cell |` lines).

The general reading (parse.read_rows -> tokens.tokens_between -> split.solve_table) handles glued
text, digit runs, span fillers and stray rows. Most template-era reports need none of that: a row
label closes its own cell and is followed by one explicit value cell per template cell. These
functions recognise exactly that shape and return what the general reading returns for it; for
anything they cannot prove they return None and the caller takes the general path.
tests/test_templates_fastpath.py checks that both readings agree on every synthetic rendering.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from itertools import accumulate

from ingest.templates.split import MAX_CELL_DIGITS, RowResult, RowRule, TableSolution, cell_number, holds
from ingest.templates.stream import CELL_END, ROW_END, TABLE_END, Stream
from ingest.templates.tokens import Token, free_piece, is_value, is_words, tokens_between

_GRID_ROW_TAIL = ROW_END + "\n"  # a grid row's end (a `cell |` line's: "\n")
_LINE_CELL_END = CELL_END + "\n"
_GRID_HEAD = CELL_END + ROW_END + "\n"
_CELL_LINES = re.compile(f"(?:[^{CELL_END}{ROW_END}{TABLE_END}\n]*{CELL_END}\n)+")
_PIECE_END = re.compile(f"[{CELL_END}\n]")


def clean_row_values(stream: Stream, start: int, end: int) -> list[Token] | None:
    """The value tokens of a row whose label ends its cell at raw[start] and whose next label
    starts at raw[end], when raw[start:end] is a clean row (see _clean_row); None otherwise.
    Each token is the explicit cell tokens.tokens_between reads, with the line of its cell."""
    if end <= start + 2 or stream.raw[start] != CELL_END:
        return None
    return _row_tokens(stream, _clean_row(stream.raw[start:end]), start)


def _row_tokens(stream: Stream, cells: tuple[tuple[str, ...], tuple[int, ...]] | None, base: int) -> list[Token] | None:
    """`cell` tokens of a clean row (_clean_row of raw from `base` on), each with its cell's line."""
    if cells is None:
        return None
    texts, offsets = cells
    line_starts, line_nos = stream.line_starts, stream.line_nos
    starts = list(map(base.__add__, offsets))
    j = bisect_right(line_starts, starts[0]) - 1
    if line_starts[j:j + len(starts)] == starts:  # each cell starts a stream line (grid cells, `cell |` lines)
        lines = line_nos[j:j + len(starts)]
    else:
        lines = [line_nos[bisect_right(line_starts, p) - 1] for p in starts]
    return [_new_token(Token, ("cell", t, n)) for t, n in zip(texts, lines, strict=True)]


_new_token = tuple.__new__  # Token(...) through NamedTuple's Python-level __new__ costs more per cell


# A pure function of the row's text; rows (blank, zeros) repeat across reports. 10k corpus, 5,000 reports
# in one process: 16,264 distinct rows (~0.36 kB an entry), hit rate 0.852 unbounded, 0.843 at 8,192
# (<= ~3 MB when full; 65,536 could hold ~24 MB a worker).
@lru_cache(maxsize=8192)
def _clean_row(segment: str) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """(cell texts, start of each cell in `segment`) when `segment` is the label's CELL_END, then
    one or more explicit value cells each closed by CELL_END, laid out either
    - on one line (a grid row, closed by ROW_END and a newline; a `a | b |` line, by a newline), or
    - one cell a line (flattened `cell |` text: CELL_END and a newline after the label and after
      every cell),
    with no other mark in between. None for any other shape."""
    if segment[1:2] == "\n":  # one cell a line (a bare CELL_END, no value after it: no shape below)
        first, sep = 2, _LINE_CELL_END
        body = segment[first:]
        if not body.endswith(sep):
            return None
        pieces = body[:-2].split(sep)
        clean = (body.count("\n") == body.count(CELL_END) == len(pieces)
                 and ROW_END not in body and TABLE_END not in body)
    else:
        if segment.endswith(_GRID_ROW_TAIL):  # a grid row (tried first), else a `cell |` line
            tail = 2
        elif segment.endswith("\n"):
            tail = 1
        else:
            return None
        first, sep = 1, CELL_END
        body = segment[first:len(segment) - tail]
        pieces = body[:-1].split(sep)
        clean = body.endswith(CELL_END) and "\n" not in body and ROW_END not in body and TABLE_END not in body
    if not clean:
        return None
    # each piece one explicit value cell: its stripped text must not read as words (several bare
    # numbers in one piece are no value either)
    texts = tuple(map(str.strip, pieces))
    if any(map(is_words, texts)):
        return None
    offsets = accumulate(map(len(sep).__add__, map(len, pieces[:-1])), initial=first)
    return texts, tuple(offsets)


def table_tail_tokens(stream: Stream, start: int, end: int) -> list[Token] | None:
    """tokens.tokens_between(stream, start, end, signed=False) for the text after a header's last
    label (table 四's one row) in two clean shapes, else None:
    - a grid: the label's CELL_END and ROW_END, one row of explicit value cells, ROW_END, then
      TABLE_END (where tokens_between stops);
    - flattened text, one cell a line: the label's CELL_END, lines of one explicit value cell each,
      then free text from the start of a line, whose first piece is free text (it ends with a
      newline, not a cell mark): read by tokens_between itself, as the whole slice would read it;
      when a word shows in its first line, the tokens stop after that word (the caller reads the
      values before the first word only: parse._value_groups' first group, the cells being values).
    """
    raw = stream.raw
    if raw.startswith(_GRID_HEAD, start, end):
        stop = raw.find(TABLE_END, start, end)
        if stop < 0 or not raw.endswith(CELL_END + ROW_END + "\n", start, stop):
            return None
        body = start + len(_GRID_HEAD)  # the row of values: as a clean grid row after a label's CELL_END
        return _row_tokens(stream, _clean_row(CELL_END + raw[body:stop]), body - 1)
    if not raw.startswith(_LINE_CELL_END, start, end):
        return None
    m = _CELL_LINES.match(raw, start + 2, end)
    if m is None:
        return None
    cells = clean_row_values(stream, start, m.end())
    if cells is None:
        return None
    rest = m.end()
    first_mark = _PIECE_END.search(raw, rest, end)
    if first_mark is not None and first_mark.group() != "\n":
        return None
    if rest >= end:
        return cells
    if first_mark is not None and first_mark.start() > rest:  # the rest's first line, as tokens_between reads it
        head = free_piece(stream, rest, first_mark.start(), signed=False)
        for i, t in enumerate(head):
            if not is_value(t):  # a word ends the row: what follows cannot join its values
                return cells + head[:i + 1]
    return cells + tokens_between(stream, rest, end, signed=False)


def explicit_solution(rows: Mapping[int, Sequence[Token]], width: int, rule: RowRule,
                      names: Mapping[int, str]) -> TableSolution | None:
    """solve_table's result when every row holds exactly `width` explicit cells that settle as
    printed (settles_as_printed): each row is its cells as printed, with no warning. None when
    any row needs the search (fewer/more tokens, free text, a failing identity, a row over the
    digit cap)."""
    del names  # a settled explicit row names nothing
    sol = TableSolution()
    sums = rule.sums
    for pos, toks in rows.items():
        texts = [t.text for t in toks if t.kind == "cell"]
        if len(texts) != len(toks) or not settles_as_printed(texts, width, sums):
            return None
        sol.rows[pos] = RowResult(texts, None, 1)
    return sol


def settles_as_printed(texts: Sequence[str], width: int, sums: Sequence[tuple[tuple[int, ...], int]]) -> bool:
    """Whether a row of explicit cell texts reads as printed, without the search: exactly `width`
    cells (width > 0), at most MAX_CELL_DIGITS characters a cell on average, and each of `sums`
    (a RowRule's identities) that lies within the width holding. The one rule for
    explicit_solution, cleantables._Columns and parse._appeals_settled."""
    if len(texts) != width or width == 0 or sum(map(len, texts)) > width * MAX_CELL_DIGITS:
        return False
    if not sums:
        return True
    values = [cell_number(t) for t in texts]
    return all(holds(values, p, t) for p, t in sums if max(*p, t) < width)
