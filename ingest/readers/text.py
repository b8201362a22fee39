"""Plain text (and the text of Markdown prose, PDF pages): decoded lines + the crawl header."""

from __future__ import annotations

import re
from itertools import compress

from ingest.assemble import Block, Source, TextRun
from ingest.chrome import split_crawl_header
from ingest.decode import decode_bytes
from ingest.model import Line

_NEWLINE = re.compile(r"\r\n|\r|\n")


def read(data: bytes, src: Source) -> list[Block]:
    text, src.encoding = decode_bytes(data)
    return [text_run(text, src)]


def split_lines(text: str) -> list[str]:
    """Physical lines: only CR/LF break a line (str.splitlines would also break on \\x0c, \\u2028 …)."""
    return _NEWLINE.split(text) if "\r" in text else text.split("\n")


def text_run(text: str, src: Source, first_line: int = 1) -> TextRun:
    """The non-blank lines of `text` (after a crawl header, which goes to page_meta) as one run."""
    raw = split_lines(text)
    meta, start = split_crawl_header(raw)
    for k, v in meta.items():
        src.page_meta.setdefault(k, v)
    body = raw[start:] if start else raw
    nos = range(first_line + start, first_line + start + len(body))
    stripped = list(map(str.strip, body))  # "" for an empty or all-blank line, which is dropped
    if all(stripped):
        return TextRun(list(nos), body)
    return TextRun(list(compress(nos, stripped)), list(compress(body, stripped)))


def text_blocks(text: str, src: Source, first_line: int = 1) -> list[Block]:
    """text_run as Line objects (for readers that rework the lines, such as Markdown's)."""
    run = text_run(text, src, first_line)
    return list(map(Line, run.nos, run.texts))
