"""The whole-text fast paths of reading give what the line-by-line definitions give.

normalize_lines (one NFKC / control / space pass over a run of lines) against normalize_line on
each line; chrome.suspect_lines against strip_chrome / meta_line on each line; the control-byte
count of decode against the character count it replaces; is_traditional's GB2312 shortcut
(_traditional_chars against the set intersection it replaces).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import chrome
from ingest.decode import DecodeError, decode_bytes
from ingest.normalize import (
    _traditional_chars,
    _traditional_only,
    is_traditional,
    nfkc,
    normalize_line,
    normalize_lines,
)

# Characters that normalisation treats specially: full-width forms, spaces of every kind, controls,
# line breaks inside a line (HTML text nodes), combining marks, compatibility characters.
_TRICKY = "ab 12１２（）：\t\n\r\x00\x0b\x0c\x1c\x85\u00a0\u3000\u200b\u2028\ufeff\u1680\u00ad中文ｶﾞ\u0301e\u2460\uf900"
_LINE = st.text(alphabet=st.sampled_from(_TRICKY), max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=8))
def test_normalize_lines_is_normalize_line_per_line(texts: list[str]) -> None:
    assert normalize_lines(texts) == [normalize_line(t) for t in texts]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_TRICKY + "，。：；！？Ａｚ\uff5e\uff01\u0300\u3099\u309a\u304b\uff76"), max_size=16))
def test_nfkc_fast_path_is_unicode_nfkc(text: str) -> None:
    import unicodedata

    assert nfkc(text) == unicodedata.normalize("NFKC", text)


_CHROME_BITS = ["打印本页", "【关闭】", "浏览次数:12次", "发布机构:某局", "索引号:1", "时间:2020", "当前位置:首页>公开",
                "mso-font {a:b}", "X-NONE", "正文", "一、总体情况", " ", "|", ":"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_CHROME_BITS), max_size=4).map("".join), max_size=6))
def test_suspect_lines_cover_every_line_chrome_or_meta_would_touch(texts: list[str]) -> None:
    suspect = chrome.suspect_lines(texts)
    for i, text in enumerate(texts):
        if i not in suspect:
            assert chrome.strip_chrome(text) == text
            assert chrome.meta_line(text) is None


_WORD_BITS = ["扫一扫", "一扫", "打印", "打", "印", "关闭", "字体", "浏览", "分享到", "当前位置", "保存本页", "links.tsv",
              "links", "{", "}", "X-NONE", "X-", "索引号", ":", "\n", " ", "中"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORD_BITS), max_size=6).map("".join), max_size=8))
def test_suspect_lines_are_the_lines_a_regex_of_the_words_finds(texts: list[str]) -> None:
    """One str.find pass per word gives the lines that the alternation of the words finds."""
    import re

    words = re.compile("|".join(map(re.escape, chrome._SUSPECT_LITERALS)))
    joined = "\n" + "\n".join(texts)
    starts = [m.start() for m in words.finditer(joined)] + [m.start() + 1 for m in chrome._META_START.finditer(joined)]
    assert chrome.suspect_lines(texts) == {joined.count("\n", 0, i) - 1 for i in starts}


def test_control_characters_counted_from_bytes_as_from_text() -> None:
    body = "政府信息公开\n".encode() * 10
    assert decode_bytes(body + b"\x01\x02")[1] == "utf-8"  # a few controls are noise
    with pytest.raises(DecodeError) as e:
        decode_bytes(body + b"\x01" * 40)  # many: not text
    assert e.value.kind in ("undecodable", "binary")


def test_control_bytes_of_a_long_file_count_in_its_head_and_tail() -> None:
    """The head's count (taken for the binary check) plus the rest's is the whole file's."""
    body = "政府信息公开\n".encode() * 600  # 11,400 bytes, 4,200 characters: longer than the head
    assert len(body) > 8192
    # 4,320 characters allow 0.02 * 4,320 + 2 = 88 controls: 60 + 60 are too many together,
    # though neither the head's 60 nor the tail's 60 alone would be
    with pytest.raises(DecodeError) as e:
        decode_bytes(b"\x01" * 60 + body + b"\x01" * 60)
    assert e.value.kind == "undecodable"
    with pytest.raises(DecodeError):
        decode_bytes(body + b"\x01" * 120)  # all after the head
    assert decode_bytes(b"\x01" * 40 + body + b"\x01" * 40)[1] == "utf-8"


@pytest.mark.parametrize("data", [b"", b" ", b" \t\r\n\x0b\x0c "])
def test_empty_or_blank_file(data: bytes) -> None:
    with pytest.raises(DecodeError) as e:
        decode_bytes(data)
    assert e.value.kind == "empty"


def test_is_traditional_shortcut_agrees_with_the_character_sets() -> None:
    trad = sorted(_traditional_only())[:40]
    simplified = "政府信息公开工作年度报告一二三四五六七八九十" * 3
    assert not is_traditional(simplified)
    assert not is_traditional(simplified + "—")  # not GB2312: the full comparison, still simplified
    assert is_traditional("".join(trad) + simplified)


_HAN_MIX = "政府信息公开年报鄠嵛吒後捱榘麴為與幾國說—·•–\u00a0㎡,.a1 &#;" + "".join(sorted(_traditional_only())[:30])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_HAN_MIX), max_size=60))
def test_traditional_chars_is_the_set_intersection(text: str) -> None:
    assert _traditional_chars(text) == set(text) & _traditional_only()


def _html_rows(body: str) -> list[list[tuple[str, int | None, bool, bool]]]:
    from pathlib import Path

    from ingest.read import document_from_bytes

    doc = document_from_bytes(f"<html><body>\n{body}\n</body></html>".encode(), Path("t.html"))
    assert len(doc.tables) == 1
    return [[(c.text, c.line, c.is_header, c.origin) for c in row] for row in doc.tables[0].rows]


def test_html_cell_text_of_nested_markup_and_line_breaks() -> None:
    rows = _html_rows("<table><tr><td>a<p>b<b>c</b>d</p>e</td><td>x<br>y</td></tr>\n"
                      "<tr><td><p>项目</p></td><td>\n 1 2 \n</td></tr></table>")  # fmt: skip
    assert [[t for t, *_ in row] for row in rows] == [["abcd e", "x y"], ["项目", "1 2"]]  # </p> and <br> separate words
    assert [row[0][1] for row in rows] == [2, 3]


def test_html_grid_spans_padding_and_headers() -> None:
    rows = _html_rows(
        "<table><thead><tr><th>项目</th><th colspan='2'>数量</th></tr></thead>\n"
        "<tr><td rowspan='2'>申请</td><td>a</td><td>1</td></tr>\n"
        "<tr><td>b</td><td>2</td></tr>\n"
        "<tr><td>c</td><td>3</td></tr></table>"
    )
    assert rows[0] == [("项目", 2, True, True), ("数量", 2, True, True), ("数量", 2, True, False)]
    assert rows[1] == [("申请", 3, False, True), ("a", 3, False, True), ("1", 3, False, True)]
    assert rows[2] == [("申请", 3, False, False), ("b", 4, False, True), ("2", 4, False, True)]
    assert rows[3] == [("c", 5, False, True), ("3", 5, False, True), ("", 5, False, False)]  # padding


def test_text_lines_keep_order_around_chrome_meta_and_run_on_lines() -> None:
    from pathlib import Path

    from ingest.read import document_from_bytes

    long = "一、总体情况" + "我们做了工作。" * 30 + "二、主动公开政府信息情况" + "内容。" * 10
    text = "\n".join(["标题行", "发布机构：某局  发布日期：2020-01-01", "打印本页 正文第一句", "\u3000\u3000", long, "末行  两个空格"])
    doc = document_from_bytes(text.encode(), Path("t.txt"))
    assert [(ln.no, ln.text[:8]) for ln in doc.lines] == [
        (1, "标题行"), (3, "正文第一句"), (5, "一、总体情况我们"), (5, "二、主动公开政府"), (6, "末行 两个空格")]  # fmt: skip
    assert doc.page_meta["organ"] == "某局"


def _reference_grid(spec: list[list[tuple[str, int, int]]]) -> list[list[tuple[int, int, str, bool]]]:
    """The expanded grid by the plain definition: a column -> cell dict per row; each cell takes the
    first free column once any rowspan has been seen, its span copies overwrite what they reach."""
    grid: dict[int, dict[int, tuple[int, int, str, bool]]] = {}
    row_spans = False
    n_rows = width = 0
    for r, cells in enumerate(spec):
        taken = grid.setdefault(r, {})
        c = 0
        for text, rs, cs in cells:
            if row_spans:
                while c in taken:
                    c += 1
            row_spans = row_spans or rs > 1
            for dr in range(rs):
                for dc in range(cs):
                    grid.setdefault(r + dr, {})[c + dc] = (r + dr, c + dc, text, dr == 0 and dc == 0)
            n_rows = max(n_rows, r + rs)
            c += cs
            width = max(width, c)
    return [[grid.get(i, {}).get(j) or (i, j, "", False) for j in range(width)] for i in range(max(n_rows, len(spec)))]


_SPAN_CELL = st.tuples(st.sampled_from(["a", "b", "1", "—"]), st.integers(1, 3), st.integers(1, 3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_SPAN_CELL, min_size=1, max_size=4), min_size=1, max_size=5))
def test_html_grid_of_overlapping_spans_is_the_plain_definition(spec: list[list[tuple[str, int, int]]]) -> None:
    from lxml import etree

    from ingest.readers.html import _table

    rows = "".join("<tr>" + "".join(f'<td rowspan="{rs}" colspan="{cs}">{t}</td>' for t, rs, cs in cells) + "</tr>\n"
                   for cells in spec)  # fmt: skip
    table = _table(etree.fromstring(f"<html><body><table>\n{rows}</table></body></html>", etree.HTMLParser()).find(".//table"))
    expected = _reference_grid(spec)
    if sum(1 for row in expected for _, _, t, _ in row if t) < 2:
        return  # fewer than two grid positions filled: not a table
    assert table is not None and table.width == len(expected[0])
    assert [[(c.row, c.col, c.text, c.origin) for c in row] for row in table.rows] == expected
