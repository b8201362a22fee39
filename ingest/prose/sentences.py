"""Split a Document's prose into sentences, each with its line and the headings it sits under.

Line structure cannot be trusted (whole reports arrive on one line), so sentences are cut at
。；;！？ and line ends, and a new piece also starts where an embedded heading begins
("…成效。二、主动公开政府信息情况（一）…"). Statistics tables (one cell per line ending " |", or a
table flattened after its 指标名称 header) are not prose and are left out.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ingest.model import Document, Line

# A top-level heading: 一、 … 十、 (or a lone "、" whose numeral was lost).
TOP_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|)[、]")
# A sub-heading: （一） (一) 1. 1、 (1)
SUB_HEADING_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{0,3}[)）]|\d{1,2}[.、．](?!\d))")
# Where a statistics table flattened into prose begins.
TABLE_START_RE = re.compile(r"指\s*标\s*名\s*称|统\s*计\s*指\s*标")
_SPLIT_RE = re.compile(
    r"(?<=[。；;！!？?])|(?<=[。；;\s：:])(?=[一二三四五六七八九十]{1,2}、)|(?<=[。；;\s])(?=[（(][一二三四五六七八九十]{1,3}[)）])"
)
# the same cut points as _SPLIT_RE, found as the one character each cut follows (much faster to scan)
_CUT_AFTER_RE = re.compile(  # one character class first: the engine scans for it quickly
    r"[。；;！!？?\s：:](?:(?<=[。；;！!？?])|(?<=[\s：:])(?=[一二三四五六七八九十]{1,2}、)"
    r"|(?<=\s)(?=[（(][一二三四五六七八九十]{1,3}[)）]))"
)
_ANY_SPACE_RE = re.compile(r"\s")
# the cuts _CUT_AFTER_RE makes in a text without spaces or colons: after each of these characters
_CUT_ALWAYS_RE = re.compile(r"(?<=[。；;！!？?])")


def _pieces(text: str) -> list[str]:
    """_SPLIT_RE.split(text)."""
    out = []
    start = 0
    for m in _CUT_AFTER_RE.finditer(text):
        end = m.end()
        out.append(text[start:end])
        start = end
    out.append(text[start:])
    return out


_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』]")
_SPACE_RE = re.compile(r"(?<![0-9A-Za-z])\s+|\s+(?![0-9A-Za-z])")
_LABEL_COLON_RE = re.compile(r"(?<=[\u4e00-\u9fff])[:：](?=\d)")
_PIPE_CELL_RE = re.compile(r"\s\|+\s*$")


class Sentence(NamedTuple):  # a tuple: immutable and quick to build (tens per report)
    text: str  # squashed: no quotes, no spaces except between ASCII letters/digits
    raw: str  # as printed (for evidence)
    line: int
    top: str  # the top-level heading it sits under ('' before the first)
    sub: str  # the latest sub-heading under that top heading ('' if none)


_new_tuple = tuple.__new__  # Sentence(...) without the Python-level __new__ NamedTuple generates


def squash(text: str) -> str:
    """Drop quotes and the spaces Chinese text does not need (keep '12 34' apart)."""
    text = _QUOTES_RE.sub("", text)
    if _ANY_SPACE_RE.search(text):
        text = _SPACE_RE.sub("", text).strip()
    if ":" in text or "：" in text:
        return _LABEL_COLON_RE.sub("", text)  # '申请数：12件' reads as '申请数12件'
    return text


def _prose_part(text: str) -> str:
    """The line minus any statistics table flattened into it."""
    if "指" not in text and "统" not in text:
        return text
    m = TABLE_START_RE.search(text)
    return text[: m.start()] if m else text


# what r"[\s|]+$" strips: every character re's \s matches (str.isspace: the same set, none above
# U+3000; 30x faster at import than asking re for each), and the pipe
_SPACE_OR_PIPE = "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace()) + "|"
_TOP_FIRST = frozenset("一二三四五六七八九十、")


def _maybe_prose(lines: list[Line]) -> list[Line]:
    """The lines that may hold prose: not blank (a blank line gives no sentence) and not a short
    table cell (text ending in '|' shorter than a prose cell can be). One C-level pass; split_sentences
    applies the full test to what is left."""
    return [ln for ln in lines if (t := ln.text) and not (t[-1] == "|" and len(t) < 30) and not t.isspace()]


def split_sentences(doc: Document) -> list[Sentence]:
    out: list[Sentence] = []
    top = ""
    subs: dict[int, str] = {}  # heading level (2: （一）, 3: 1., 4: (1)) -> its text
    sub = ""
    for line in _maybe_prose(doc.lines):
        body = line.text
        if body.endswith("|") or (body[-1:].isspace() and body.rstrip().endswith("|")):
            body = body.rstrip(_SPACE_OR_PIPE)
            # a table cell; a page laid out in a table cell is prose (see _is_prose_cell)
            if len(body) < 30 or _PROSE_PUNCT_RE.search(body) is None:
                continue
        part = _prose_part(body)
        # squash(raw) for each piece, skipping the steps the whole line shows it cannot need
        quoted = _QUOTES_RE.search(part) is not None
        spaced = _ANY_SPACE_RE.search(part) is not None
        colon = ":" in part or "：" in part
        # without spaces or colons only the unconditional cuts can apply (a zero-width split: 3x faster)
        for raw in _pieces(part) if spaced or colon else _CUT_ALWAYS_RE.split(part):
            text = _QUOTES_RE.sub("", raw) if quoted else raw
            if spaced and _ANY_SPACE_RE.search(text):
                text = _SPACE_RE.sub("", text).strip()
            if colon and (":" in text or "：" in text):
                text = _LABEL_COLON_RE.sub("", text)
            if not text:
                continue
            first = text[0]
            if first in _TOP_FIRST and TOP_HEADING_RE.match(text):
                top, subs, sub = text[:40], {}, ""
            elif (first in "（(" or first.isdecimal()) and (level := _sub_level(text)) is not None:
                subs = {k: v for k, v in subs.items() if k < level}
                subs[level] = text[:40]
                sub = " / ".join(subs[k] for k in sorted(subs))
            out.append(_new_tuple(Sentence, (text, raw.strip(), line.no, top, sub)))
    return out


_PROSE_PUNCT_RE = re.compile(r"[。；;，,]")


def _is_prose_cell(text: str) -> bool:
    """Sentences, not a label or a number: long, with sentence punctuation."""
    return len(text) >= 30 and _PROSE_PUNCT_RE.search(text) is not None


_SUB2_RE = re.compile(r"^[（(][一二三四五六七八九十]{0,3}[)）]")
_SUB3_RE = re.compile(r"^\d{1,2}[.、．](?!\d)")
_SUB4_RE = re.compile(r"^[（(]\d{1,2}[)）]")


def _sub_level(text: str) -> int | None:
    """（一） -> 2, 1. -> 3, (1) -> 4; None when the text does not start a sub-heading."""
    if _SUB2_RE.match(text):
        return 2
    if _SUB3_RE.match(text):
        return 3
    if _SUB4_RE.match(text):
        return 4
    return None
