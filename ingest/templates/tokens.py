"""The text between two labels -> value tokens.

A token is one of:
- `cell`: an explicit cell (grid cell or `cell |` line); exactly one table cell, blank when empty.
- `run`: a number in free text; a run of bare digits may hold several cells glued together.
- `na`: a '/', '-', '—', '无' or '不适用' standing alone in free text.
- `word`: other words (an unknown row label, a broken label fragment, page chrome).

Page numbers of PDF text ('-3-', '- 3 -', '第3页') are dropped before tokenising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cellvalue import NA_MARKERS, normalise_cell_text, parse_cell
from ingest.templates.stream import CELL_END, ROW_END, TABLE_END, Stream

# A page number of PDF text: '-3-', '- 3 -' or '第3页(共9页)' alone or before the next text.
_PAGE_NO = re.compile(r"^\s*[-—–]\s*[1-9]\d{0,2}\s*[-—–](?=\s*$|[^\d\s\-—–+/])|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?")
_FREE = re.compile(
    r"(?P<num>[+-]?\d+(?:,\d{3})*(?:\.\d+)?\s?(?:万元|元)?)"
    r"|(?P<na>不适用|—+|–+|-+|/|\\)"
    r"|(?P<word>[^\s\d/\\+\-—–,，.、;；:：|()（）“”\"'‘’「」]+)"
)
_SEVERAL_NUMBERS = re.compile(r"[+-]?\d[\d,.]*(?:\s+[+-]?\d[\d,.]*)+\s*(?:万元|元)?")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # cell | run | na | word
    text: str
    line: int | None

    @property
    def is_value(self) -> bool:
        return self.kind in ("cell", "run", "na") and not (self.kind == "cell" and _is_words(self.text))


_NUMBER_TOKEN = re.compile(r"[+-]?(\d+)(?:,\d{3})*(?:\.\d+)?(?:万元|元)?")
_PIECE_END = re.compile("[\n" + CELL_END + "]")


def _is_words(text: str) -> bool:
    return parse_cell(text).status == "text"


def glued_digits(text: str) -> bool:
    """True when a number token could hold several cells: two or more digits before any comma
    (a sign stays with the first cell; thousands groups, a decimal or a unit with the last)."""
    t = normalise_cell_text(text)
    m = _NUMBER_TOKEN.fullmatch(t)
    return m is not None and len(m.group(1)) >= 2


def _free_tokens(text: str, start: int, stream: Stream, signed: bool = True) -> list[Token]:
    out: list[Token] = []
    at_line_start = start == 0 or stream.raw[start - 1] == "\n"
    cleaned = _PAGE_NO.sub(lambda m: " " * len(m.group(0)) if at_line_start or m.start() > 0 else m.group(0), text)
    for m in _FREE.finditer(cleaned):
        line = stream.line_at(start + m.start())
        if m["num"] is not None:
            num = m["num"].replace(" ", "")
            if not signed and num[0] in "+-":
                out.append(Token("na", num[0], line) if num[0] == "-" else Token("word", "+", line))
                num = num[1:]
            out.append(Token("run", num, line))
        elif m["na"] is not None:
            out.append(Token("na", m["na"], line))
        else:
            word = m["word"]
            if set(word) == {"无"}:  # '无无' glued: one marker per cell
                out.extend(Token("na", "无", line) for _ in word)
            else:
                out.append(Token("na" if word in NA_MARKERS else "word", word, line))
    return out


def tokens_between(stream: Stream, start: int, end: int, *, signed: bool = True, row_only: bool = False) -> list[Token]:
    """Tokens of raw[start:end]. The first piece continues the label's own cell, so an empty
    remainder there is not a blank cell. A TABLE_END stops the slice; with `row_only` a grid's
    ROW_END does too (cells of the next grid row, e.g. rowspan fillers, are not this row's).
    `signed`: whether '-5' is a negative number (2019 本年增/减) or a '-' marker then 5."""
    text = stream.raw[start:end]
    stops = [i for i in (text.find(TABLE_END), text.find(ROW_END) if row_only else -1) if i >= 0]
    if stops:
        text = text[:min(stops)]
    out: list[Token] = []
    pos = 0
    for n, m in enumerate(_PIECE_END.finditer(text + "\n")):
        piece = text[pos:m.start()].replace(ROW_END, "")
        piece_start = start + pos
        pos = m.end()
        if m.group(0) == CELL_END and n > 0:
            out.extend(_cell_tokens(piece, piece_start, stream, signed))
        elif piece.strip():
            out.extend(_free_tokens(piece, piece_start, stream, signed))
    return out


def _cell_tokens(piece: str, start: int, stream: Stream, signed: bool) -> list[Token]:
    """An explicit cell: one token, unless it holds several bare numbers ('1 0 0')."""
    text = piece.strip()
    if _is_words(text) and _SEVERAL_NUMBERS.fullmatch(text):
        return _free_tokens(piece, start, stream, signed)
    return [Token("cell", text, stream.line_at(start))]


