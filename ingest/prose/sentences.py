"""Split a Document's prose into sentences, each with its line and the headings it sits under.

Line structure cannot be trusted (whole reports arrive on one line), so sentences are cut at
。；;！？ and line ends, and a new piece also starts where an embedded heading begins
("…成效。二、主动公开政府信息情况（一）…"). Statistics tables (one cell per line ending " |", or a
table flattened after its 指标名称 header) are not prose and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Document

# A top-level heading: 一、 … 十、 (or a lone "、" whose numeral was lost).
TOP_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|)[、]")
# A sub-heading: （一） (一) 1. 1、 (1)
SUB_HEADING_RE = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{0,3}[)）]|\d{1,2}[.、．](?!\d))")
# Where a statistics table flattened into prose begins.
TABLE_START_RE = re.compile(r"指\s*标\s*名\s*称|统\s*计\s*指\s*标")
_SPLIT_RE = re.compile(
    r"(?<=[。；;！!？?])|(?<=[。；;\s：:])(?=[一二三四五六七八九十]{1,2}、)|(?<=[。；;\s])(?=[（(][一二三四五六七八九十]{1,3}[)）])"
)
_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』]")
_SPACE_RE = re.compile(r"(?<![0-9A-Za-z])\s+|\s+(?![0-9A-Za-z])")
_LABEL_COLON_RE = re.compile(r"(?<=[\u4e00-\u9fff])[:：](?=\d)")
_PIPE_CELL_RE = re.compile(r"\s\|+\s*$")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # squashed: no quotes, no spaces except between ASCII letters/digits
    raw: str  # as printed (for evidence)
    line: int
    top: str  # the top-level heading it sits under ('' before the first)
    sub: str  # the latest sub-heading under that top heading ('' if none)


def squash(text: str) -> str:
    """Drop quotes and the spaces Chinese text does not need (keep '12 34' apart)."""
    text = _SPACE_RE.sub("", _QUOTES_RE.sub("", text)).strip()
    return _LABEL_COLON_RE.sub("", text)  # '申请数：12件' reads as '申请数12件'


def _prose_part(text: str) -> str:
    """The line minus any statistics table flattened into it."""
    m = TABLE_START_RE.search(text)
    return text[: m.start()] if m else text


def split_sentences(doc: Document) -> list[Sentence]:
    out: list[Sentence] = []
    top = ""
    subs: dict[int, str] = {}  # heading level (2: （一）, 3: 1., 4: (1)) -> its text
    in_table = False
    for line in doc.lines:
        body = line.text
        if _PIPE_CELL_RE.search(body) or body.rstrip().endswith("|"):
            body = re.sub(r"[\s|]+$", "", body)
            if not _is_prose_cell(body):  # a table cell; a page laid out in a table cell is prose
                in_table = TABLE_START_RE.search(body) is not None or in_table
                continue
        if in_table and not body.strip():
            continue
        in_table = False
        for raw in _SPLIT_RE.split(_prose_part(body)):
            text = squash(raw)
            if not text:
                continue
            if TOP_HEADING_RE.match(text):
                top, subs = text[:40], {}
            elif (level := _sub_level(text)) is not None:
                subs = {k: v for k, v in subs.items() if k < level}
                subs[level] = text[:40]
            sub = " / ".join(subs[k] for k in sorted(subs))
            out.append(Sentence(text, raw.strip(), line.no, top, sub))
    return out


def _is_prose_cell(text: str) -> bool:
    """Sentences, not a label or a number: long, with sentence punctuation."""
    return len(text) >= 30 and re.search(r"[。；;，,]", text) is not None


def _sub_level(text: str) -> int | None:
    """（一） -> 2, 1. -> 3, (1) -> 4; None when the text does not start a sub-heading."""
    if re.match(r"^[（(][一二三四五六七八九十]{0,3}[)）]", text):
        return 2
    if re.match(r"^\d{1,2}[.、．](?!\d)", text):
        return 3
    if re.match(r"^[（(]\d{1,2}[)）]", text):
        return 4
    return None
