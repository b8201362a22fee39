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
from ingest.templates.stream import CELL_END, TABLE_END, Stream

_PAGE_NO = re.compile(r"(?:^|(?<=\n))\s*[-—–]\s*\d{1,3}\s*[-—–](?!\d)|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?")
_FREE = re.compile(
    r"(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s?(?:万元|元)?)"
    r"|(?P<na>不适用|—+|–+|-+|/|\\)"
    r"|(?P<word>[^\s\d/\\+\-—–,，.、;；:：|()（）]+)"
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


def _is_words(text: str) -> bool:
    return parse_cell(text).status == "text"


def glued_digits(text: str) -> bool:
    """True when a number token could hold several cells: two or more bare digits (a decimal or
    unit suffix stays with the last cell)."""
    t = normalise_cell_text(text)
    m = re.fullmatch(r"(\d+)(?:\.\d+)?(?:万元|元)?", t)
    return m is not None and len(m.group(1)) >= 2


def _free_tokens(text: str, start: int, stream: Stream) -> list[Token]:
    out: list[Token] = []
    cleaned = _PAGE_NO.sub(lambda m: " " * len(m.group(0)), text)
    for m in _FREE.finditer(cleaned):
        line = stream.line_at(start + m.start())
        if m["num"] is not None:
            out.append(Token("run", m["num"].replace(" ", ""), line))
        elif m["na"] is not None:
            out.append(Token("na", m["na"], line))
        else:
            word = m["word"]
            kind = "na" if word in NA_MARKERS else "word"
            out.append(Token(kind, word, line))
    return out


def tokens_between(stream: Stream, start: int, end: int) -> list[Token]:
    """Tokens of raw[start:end]. The first piece continues the label's own cell, so an empty
    remainder there is not a blank cell. A TABLE_END stops the slice."""
    text = stream.raw[start:end]
    stop = text.find(TABLE_END)
    if stop >= 0:
        text = text[:stop]
    out: list[Token] = []
    pos = 0
    for n, m in enumerate(re.finditer("[\n" + CELL_END + "]", text + "\n")):
        piece = text[pos:m.start()]
        piece_start = start + pos
        pos = m.end()
        if m.group(0) == CELL_END and n > 0:
            out.extend(_cell_tokens(piece, piece_start, stream))
        elif piece.strip():
            out.extend(_free_tokens(piece, piece_start, stream))
    return out


def _cell_tokens(piece: str, start: int, stream: Stream) -> list[Token]:
    """An explicit cell: one token, unless it holds several bare numbers ('1 0 0')."""
    text = piece.strip()
    if _is_words(text) and _SEVERAL_NUMBERS.fullmatch(text):
        return _free_tokens(piece, start, stream)
    return [Token("cell", text, stream.line_at(start))]


