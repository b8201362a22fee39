"""Plain text (and the text of Markdown prose, PDF pages): decoded lines + the crawl header."""

from __future__ import annotations

import re
from itertools import compress

from ingest.assemble import Block, Source
from ingest.chrome import split_crawl_header
from ingest.decode import decode_bytes
from ingest.model import Line

_NEWLINE = re.compile(r"\r\n|\r|\n")


def read(data: bytes, src: Source) -> list[Block]:
    text, src.encoding = decode_bytes(data)
    return text_blocks(text, src)


def split_lines(text: str) -> list[str]:
    """Physical lines: only CR/LF break a line (str.splitlines would also break on \\x0c, \\u2028 …)."""
    return _NEWLINE.split(text) if "\r" in text else text.split("\n")


def text_blocks(text: str, src: Source, first_line: int = 1) -> list[Block]:
    raw = split_lines(text)
    meta, start = split_crawl_header(raw)
    for k, v in meta.items():
        src.page_meta.setdefault(k, v)
    body = raw[start:] if start else raw
    nos = range(first_line + start, first_line + start + len(body))
    stripped = list(map(str.strip, body))  # "" for an empty or all-blank line, which is dropped
    if all(stripped):
        return list(map(Line, nos, body))
    return list(map(Line, compress(nos, stripped), compress(body, stripped)))
