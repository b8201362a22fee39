"""A Document as one searchable character stream, whatever shape its tables came in.

The template parser does not trust grids: it anchors on labels and reads the values between
them. This module builds the text it searches:

- `raw`: the report's text where an explicit table cell ends with CELL_END (a grid cell of
  doc.tables, or a `cell |` line of flattened text) and a free text line ends with '\\n';
  ROW_END closes a grid row and TABLE_END a grid. Every character knows its source line (`line_at`).
- `key`: a loose-matching copy of `raw` (no whitespace, no cell marks, brackets and
  enumeration commas folded, quotes dropped); `raw_index(i)` is the index in `raw` of key[i].

Labels are searched in `key` and the values are then read from `raw`. Both maps are kept as
runs and built with str methods over the whole text (no per-character Python loop), since this
runs on every report.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import add

from ingest.model import Document, Table

CELL_END = "\x1f"
ROW_END = "\x1d"
TABLE_END = "\x1e"

_DROP = set(" \t\r\n\u00a0\u3000\u200b" + CELL_END + ROW_END + TABLE_END + "“”\"'‘’「」『』")
_FOLD = str.maketrans({"、": ".", "．": ".", "【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")",
                       "[": "(", "]": ")", "，": ",", "：": ":", "；": ";", "钩": "勾"})
_DROP_ORDER = sorted(_DROP - {CELL_END})
assert all(len(v) == 1 for v in _FOLD.values())  # folding keeps positions (Stream.build relies on it)
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())


def _fold_chars(text: str) -> str:
    """text.translate(_FOLD), faster on long text: a str.replace per folded character present."""
    for a, b in _FOLD_PAIRS:
        if a in text:
            text = text.replace(a, b)
    return text
# `text |` or `text | |||` (padding k pipes), `|` alone: one flattened cell (REPORT_FORMATS §8).
_PIPE_LINE = re.compile(r"^(?P<body>.*?)\s?\|(?: \|+)?\s*$")
# Template tables are what we read from grids; other grids (page layout, 附表) stay as text lines.
_GRID_KINDS = ("html", "markdown", "docx", "pdf")


@lru_cache(maxsize=1024)  # called on template labels and markers only: each folded once
def fold_key(text: str) -> str:
    """The loose form labels and text are compared in."""
    t = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(ch for ch in t if ch not in _DROP)


@dataclass
class Stream:
    """`raw` and `key` with their maps: both are kept as runs, not per character.

    - lines: raw[line_starts[j]:line_starts[j + 1]] came from source line line_nos[j];
    - key runs: key[key_starts[j]:key_starts[j + 1]] is the fold of raw from raw_starts[j] on,
      one key character per raw character. raw_starts is None when run j starts at raw
      key_starts[j] + j (each run followed by one dropped character, some runs empty).

    When `marked` is set, key_starts may be given as None: they are then read from `marked` when
    first asked (a report without template tables never asks: only find_regions reads it, in `key`).
    """

    raw: str
    key: str
    line_starts: list[int]
    line_nos: list[int | None]
    _key_starts: list[int] | None = field(repr=False, compare=False)  # (a function of raw, as key is)
    raw_starts: list[int] | None
    _ends: list[int] | None = field(default=None, repr=False, compare=False)
    # raw folded character by character, each dropped character as CELL_END (key == marked without
    # its CELL_ENDs); None when NFKC changed lengths (raw_starts is set then)
    marked: str | None = field(default=None, repr=False, compare=False)

    @property
    def key_starts(self) -> list[int]:
        """Where each key run starts in `key` (see the class)."""
        starts = self._key_starts
        if starts is None:
            if self.marked is None:
                raise ValueError("a Stream needs key_starts or marked")
            starts = self._key_starts = _run_starts(self.marked)
        return starts

    @property
    def piece_ends(self) -> list[int]:
        """Positions in `raw` of every piece end ('\n' or CELL_END), ascending; computed when
        first asked (tokens.py reads a slice's own: piece_ends_between)."""
        if self._ends is None:
            self._ends = _piece_ends(self.raw)
        return self._ends

    def raw_index(self, key_index: int) -> int:
        """Position in `raw` of key position `key_index` (len(raw) past the end)."""
        if key_index >= len(self.key):
            return len(self.raw)
        if key_index < 0:
            key_index += len(self.key)
        if self._key_starts is None and self.marked is not None:  # (a few look-ups: the runs unread)
            return _kept_at(self.marked, key_index)
        j = bisect_right(self.key_starts, key_index) - 1
        if self.raw_starts is None:
            return key_index + j
        return self.raw_starts[j] + key_index - self.key_starts[j]

    def raw_indices(self, key_indices: Sequence[int]) -> list[int]:
        """[raw_index(k) for k in key_indices], in one pass."""
        n, ks, rs = len(self.key), self.key_starts, self.raw_starts
        if rs is None:
            return [k + bisect_right(ks, k) - 1 if 0 <= k < n else self.raw_index(k) for k in key_indices]
        return [rs[j] + k - ks[j] if 0 <= k < n and (j := bisect_right(ks, k) - 1) >= 0 else self.raw_index(k)
                for k in key_indices]

    def raw_end(self, key_end: int) -> int:
        """Position in `raw` just after the key character before `key_end`."""
        if key_end <= 0:
            return 0
        if key_end > len(self.key):
            raise IndexError("key position past the end of the stream")
        return self.raw_index(key_end - 1) + 1

    def line_at(self, raw_index: int) -> int | None:
        if not self.raw:
            return None
        i = min(max(raw_index, 0), len(self.raw) - 1)
        return self.line_nos[bisect_right(self.line_starts, i) - 1]


def _piece_ends(raw: str) -> list[int]:
    """Positions of every '\n' and CELL_END in raw: the lengths of the text between them, summed."""
    pieces = raw.replace(CELL_END, "\n").split("\n")[:-1]
    return list(map(add, accumulate(map(len, pieces)), range(len(pieces))))


def piece_ends_between(raw: str, start: int, end: int) -> list[int]:
    """The piece ends of raw[start:end] (positions in `raw`), as _piece_ends gives them for the whole."""
    pieces = raw[start:end].replace(CELL_END, "\n").split("\n")[:-1]
    sums = accumulate(map(len, pieces), initial=start)
    next(sums)  # `start` itself
    return list(map(add, sums, range(len(pieces))))


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.line_starts: list[int] = []
        self.line_nos: list[int | None] = []

    def add_lines(self, texts: list[str], lines: Sequence[int | None]) -> None:
        """Append texts[i], from source line lines[i], for every i (each text non-empty)."""
        starts = list(accumulate(map(len, texts), initial=self.size))
        self.size = starts.pop()
        self.line_starts += starts
        self.line_nos += lines
        self.parts += texts

    def build(self) -> Stream:
        raw = "".join(self.parts)
        key, key_starts, raw_starts, marked = _fold(raw)
        return Stream(raw, key, self.line_starts, self.line_nos, key_starts, raw_starts, marked=marked)


def _fold(raw: str) -> tuple[str, list[int] | None, list[int] | None, str | None]:
    """(key, key_starts, raw_starts, marked): the loose copy of `raw`, its runs and, when folding
    kept one character per raw character, the folded raw with CELL_END for each dropped one (see
    Stream; key_starts is None then: _run_starts(marked) when asked)."""
    folded = unicodedata.normalize("NFKC", raw)
    if len(folded) == len(raw):  # one folded character per raw character: fold in one pass
        folded = _fold_chars(folded)
        for ch in _DROP_ORDER:  # every dropped character becomes CELL_END, the runs' separator
            if ch in folded:
                folded = folded.replace(ch, CELL_END)
        # the runs' starts are read from `folded` when first asked (Stream.key_starts)
        return folded.replace(CELL_END, ""), None, None, folded
    # NFKC changed lengths: fold char by char to keep positions
    key_chars: list[str] = []
    key_pos: list[int] = []
    for i, c in enumerate(raw):
        for ch in unicodedata.normalize("NFKC", c).translate(_FOLD):
            if ch not in _DROP:
                key_chars.append(ch)
                key_pos.append(i)
    key_starts, raw_starts = [0] if key_pos else [], key_pos[:1]
    for k, i in enumerate(key_pos):  # consecutive raw positions make one run
        if i != raw_starts[-1] + k - key_starts[-1]:
            key_starts.append(k)
            raw_starts.append(i)
    return "".join(key_chars), key_starts, raw_starts, None


def _kept_at(marked: str, k: int) -> int:
    """Where the k-th character of `marked` that is not a CELL_END sits (0 <= k < their number):
    the least fixed point of p = k + (CELL_ENDs in marked[:p + 1]), reached from p = k (that map
    only grows with p, and the k-th kept character is a fixed point), each stretch counted once."""
    p = k
    drops = marked.count(CELL_END, 0, p + 1)
    while k + drops != p:
        q = k + drops
        drops += marked.count(CELL_END, p + 1, q + 1)
        p = q
    return p


def _run_starts(marked: str) -> list[int]:
    """key_starts of a stream folded one character per raw character: the kept runs (some empty)
    of `marked` have one dropped character (a CELL_END) after each; str methods, no Python loop."""
    starts = list(accumulate(map(len, marked.split(CELL_END)), initial=0))
    starts.pop()  # (the end of the last run)
    return starts  # run j starts at raw starts[j] + j


def pipe_cells(text: str) -> list[str] | None:
    """The cells of a flattened `cell |` line (padding dropped), or None for a plain line:
    `text |` or `text | |||` (padding: a space and k pipes), `|` alone (REPORT_FORMATS §8).
    The body is the text before the longest tail of the form [whitespace] '|' [' ' pipes]."""
    line = text.rstrip()
    if not line.endswith("|"):
        return None
    if "\n" in line:  # not one line: as the regex read it ('.' stops at a newline)
        m = _PIPE_LINE.match(line)
        if m is None:
            return None
        body = m["body"]
    else:
        body = line[:_body_end(line)]
    return [c.strip() for c in body.split("|")] if "|" in body else [body.strip()]


def _body_end(line: str) -> int:
    """Where the tail of a rstripped line ending in '|' starts (see pipe_cells)."""
    n = len(line)
    pipes = n - len(line.rstrip("|"))
    at = n - pipes - 2  # '| ' + the trailing pipes
    if at >= 0 and line[at] == "|" and line[at + 1] == " ":
        return at - 1 if at >= 1 and line[at - 1].isspace() else at
    return n - 2 if n >= 2 and line[n - 2].isspace() else n - 1


def _lines_raw(texts: list[str]) -> list[str]:
    """Text lines in the stream: a `cell |` line's cells each closed by CELL_END, any other line
    as it is, then '\n'. A line without '|' is no `cell |` line (pipe_cells): most prose lines."""
    return [_pipe_line_raw(t) if "|" in t else t + "\n" for t in texts]


# Only lines holding a '|' are memoised: table lines repeat across reports, prose lines of real reports
# rarely do (a memo of them would only grow). 10k corpus, 5,000 reports in one process: 3,782 distinct
# such lines (hit rate 0.994) held in 0.53 MB (all lines were memoised before: 7.6 MB, growing with prose).
@lru_cache(maxsize=8192)
def _pipe_line_raw(text: str) -> str:
    """A text line holding a '|' in the stream: its cells each closed by CELL_END, or the line itself."""
    cells = pipe_cells(text)
    return text + "\n" if cells is None else CELL_END.join(cells) + CELL_END + "\n"


_ROW_TAIL = ROW_END + "\n"
_TABLE_TAIL = TABLE_END + "\n"


def _add_grid(b: _Builder, table: Table) -> None:
    """Each cell of the grid (not a span's filler) closed by CELL_END, a cell's own line breaks as
    spaces; each row closed by ROW_END and a newline, the grid by TABLE_END and a newline."""
    texts: list[str] = []
    lines: list[int | None] = []
    text, line = texts.append, lines.append  # one plain loop: cheaper than comprehensions per row
    for row in table.rows:
        for cell in row:
            if cell.origin:
                text(cell.text + CELL_END)
                line(cell.line)
        text(_ROW_TAIL)
        line(row[-1].line if row else None)
    text(_TABLE_TAIL)
    line(table.end_line)
    if "".join(texts).count("\n") != len(table.rows) + 1:  # a line break inside a cell (rare)
        texts = [t if t in (_ROW_TAIL, _TABLE_TAIL) else t.replace("\n", " ") for t in texts]
    b.add_lines(texts, lines)


def _grid_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables if t.kind in _GRID_KINDS and t.rows]


def build_stream(doc: Document) -> Stream:
    """Grids of doc.tables where they exist (placed at their first line), text lines elsewhere."""
    b = _Builder()
    grids = _grid_tables(doc)
    covered: set[int] = set()
    by_start: dict[int, list[Table]] = {}
    unplaced: list[Table] = []
    for t in grids:
        if t.start_line is not None and t.end_line is not None:
            covered.update(range(t.start_line, t.end_line + 1))
            by_start.setdefault(t.start_line, []).append(t)
        else:
            unplaced.append(t)
    if not grids:  # plain text: every line in order
        b.add_lines(_lines_raw([line.text for line in doc.lines]), [line.no for line in doc.lines])
        return b.build()
    texts: list[str] = []
    nos: list[int] = []
    for line in doc.lines:
        if line.no in by_start:
            b.add_lines(_lines_raw(texts), nos)
            texts, nos = [], []
            for t in by_start.pop(line.no):
                _add_grid(b, t)
        if line.no not in covered:
            texts.append(line.text)
            nos.append(line.no)
    b.add_lines(_lines_raw(texts), nos)
    for ts in by_start.values():
        for t in ts:
            _add_grid(b, t)
    for t in unplaced:
        _add_grid(b, t)
    return b.build()
