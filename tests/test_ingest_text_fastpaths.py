"""The cheaper forms of the text path give exactly what their plain definitions give.

pipetables._periodic_width (column shares summed over 0/1 slices, hopeless widths abandoned early)
against the straightforward search it replaces; the text reader's Line building against the
per-line comprehension it replaces; the text reader's one run of texts and line numbers against
the same lines handed to assemble as Line blocks; decoding of a page that declares a legacy charset.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.assemble import Source, assemble
from ingest.decode import _mostly_gb2312, _repaired_utf8, decode_bytes
from ingest.model import Line
from ingest.normalize import normalize_line, normalize_lines
from ingest.pipetables import _periodic_width, is_value
from ingest.readers.text import split_lines, text_blocks, text_run


def _periodic_width_reference(texts: list[str], max_width: int = 16, min_rows: int = 3) -> int | None:
    """The definition: every width tried, a filtered list per column."""
    kinds: list[bool | None] = [None if not t else is_value(t) for t in texts]
    if not any(kinds):
        return None
    best, best_score = None, 0.0
    for w in range(2, min(max_width, len(texts) // min_rows) + 1):
        body = kinds[w:]
        rows = len(body) // w
        if rows < max(1, min_rows - 1):
            continue
        shares = []
        for col in range(w):
            known = [k for k in body[col : rows * w : w] if k is not None]
            if known:
                shares.append(sum(known) / len(known))
        if not shares or max(shares) < 0.5 or min(shares) > 0.5:
            continue
        score = sum(max(x, 1 - x) for x in shares) / len(shares)
        if score > best_score + 1e-9:
            best, best_score = w, score
    return best if best_score >= 0.9 else None


_CELL = st.sampled_from(["", "", "0", "12", "3.5%", "/", "无", "件", "收到申请数", "主动公开", "其他"])


@settings(max_examples=600, deadline=None)
@given(st.lists(_CELL, max_size=90))
def test_periodic_width_is_the_plain_search(texts: list[str]) -> None:
    assert _periodic_width(texts) == _periodic_width_reference(texts)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 9), st.integers(3, 12), st.data())
def test_periodic_width_on_near_periodic_tables(width: int, rows: int, data: st.DataObject) -> None:
    """Label columns then value columns, a few cells changed: the widths that matter are close calls."""
    labels = data.draw(st.integers(1, width - 1))
    texts = [f"项目{c}" if c < labels else str(r * c) for r in range(rows) for c in range(width)]
    for _ in range(data.draw(st.integers(0, 6))):
        i = data.draw(st.integers(0, len(texts) - 1))
        texts[i] = data.draw(_CELL)
    assert _periodic_width(texts) == _periodic_width_reference(texts)


_RAW_LINE = st.text(alphabet=st.sampled_from("ab 中\t\u3000\u00a0|:"), max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(_RAW_LINE, max_size=12), st.integers(1, 5))
def test_text_blocks_keep_every_non_blank_line_with_its_number(lines: list[str], first: int) -> None:
    text = "\n".join(lines)
    blocks = text_blocks(text, Source("x.txt", "text", "utf-8", "", 0), first_line=first)
    expected = [Line(first + i, t) for i, t in enumerate(split_lines(text)) if t and not t.isspace()]
    assert blocks == expected


def test_declared_charset_is_still_used_when_utf8_fails() -> None:
    page = '<html><head><meta charset="big5"></head><body>政府資訊公開年度報告</body></html>'
    assert decode_bytes(page.encode("big5"))[1] == "big5"
    assert decode_bytes(page.replace("big5", "gbk").encode("gbk"))[1] == "gb18030"
    assert decode_bytes(page.encode("utf-8"))[1] == "utf-8"


_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_SPACED_LINE = st.text(alphabet=st.sampled_from(_WHITESPACE + "ab中，１"), max_size=8)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SPACED_LINE, max_size=6))
def test_normalize_lines_strips_every_kind_of_whitespace(texts: list[str]) -> None:
    """normalize_lines skips its per-line strip when no line needs it: never wrongly."""
    assert normalize_lines(texts) == [normalize_line(t) for t in texts]


_REPORT_LINE = st.one_of(
    _RAW_LINE,
    st.sampled_from(["一、总体情况", "发布机构：某局 发布日期：2020-01-01", "打印本页 正文", "规章 |", "0 | |||",
                     "a | b | c |", "（一）主动公开", "　", "浏览次数：12次"]),
    st.text(alphabet=st.sampled_from("一二、。中文字|0 "), min_size=150, max_size=400),  # run-on lines
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_REPORT_LINE, max_size=30), st.integers(1, 5))
def test_a_text_run_assembles_as_its_lines_do(lines: list[str], first: int) -> None:
    """The text reader hands assemble one TextRun; the same lines as Line blocks give the same Document."""
    text = "\n".join(lines)
    src = Source("x.txt", "text", "utf-8", "", 0)
    run = assemble([text_run(text, src, first)], src)
    lines = [Line(first + i, t) for i, t in enumerate(split_lines(text)) if t and not t.isspace()]
    as_lines = assemble(lines, src)
    assert dataclasses.asdict(run) == dataclasses.asdict(as_lines)


def _mostly_gb2312_reference(text: str) -> bool:
    """The definition: a string per character found."""
    import re

    sample = text[:3000]
    wide = len(re.findall("[\u3040-\ufeff]", sample))
    if wide < 10:
        return True
    unified = "".join(re.findall("[\u4e00-\u9fff]", sample))
    return len(unified) - unified.encode("gb2312", errors="replace").count(b"?") >= 0.85 * wide


_MIXED = st.text(alphabet=st.sampled_from("a1 ，。、「」中文國際ぁァ─\ufeff\uff01\U00020000\u2fff\u3040"), max_size=80)


@settings(max_examples=300, deadline=None)
@given(_MIXED, st.integers(0, 3100))
def test_mostly_gb2312_counts_as_the_definition(text: str, pad: int) -> None:
    padded = "中" * pad + text  # also past the 3000-character sample
    assert _mostly_gb2312(text) == _mostly_gb2312_reference(text)
    assert _mostly_gb2312(padded) == _mostly_gb2312_reference(padded)


def _repaired_reference(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    return text if text.count("\ufffd") <= max(2, len(text) // 1000) else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["中文", "a", "\n", "\ufffd", "GBK"]), max_size=2000),
       st.lists(st.integers(0, 255), max_size=12), st.integers(0, 1 << 30))
def test_repaired_utf8_is_the_whole_text_rule(parts: list[str], stray: list[int], seed: int) -> None:
    """The head probe never turns away UTF-8 the whole-text rule keeps (strays anywhere, also at the probe's edge)."""
    data = bytearray("".join(parts).encode("utf-8"))
    for i, b in enumerate(stray):
        data.insert((seed >> i) % (len(data) + 1) if i % 3 else min(len(data), 2047), b)
    data = bytes(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        if not (e.start >= len(data) - 3 and "end of data" in e.reason):
            assert _repaired_utf8(data, e) == _repaired_reference(data)
    gbk = ("".join(parts) + "政府信息公开").encode("gb18030")
    try:
        gbk.decode("utf-8")
    except UnicodeDecodeError as e:
        if not (e.start >= len(gbk) - 3 and "end of data" in e.reason):
            assert _repaired_utf8(gbk, e) == _repaired_reference(gbk)
