"""The whole-text fast paths of reading give what the line-by-line definitions give.

normalize_lines (one NFKC / control / space pass over a run of lines) against normalize_line on
each line; chrome.suspect_lines against strip_chrome / meta_line on each line; the control-byte
count of decode against the character count it replaces; is_traditional's GB2312 shortcut.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import chrome
from ingest.decode import DecodeError, decode_bytes
from ingest.normalize import _traditional_only, is_traditional, normalize_line, normalize_lines

# Characters that normalisation treats specially: full-width forms, spaces of every kind, controls,
# line breaks inside a line (HTML text nodes), combining marks, compatibility characters.
_TRICKY = "ab 12１２（）：\t\n\r\x00\x0b\x0c\x1c\x85\u00a0\u3000\u200b\u2028\ufeff\u1680\u00ad中文ｶﾞ\u0301e\u2460\uf900"
_LINE = st.text(alphabet=st.sampled_from(_TRICKY), max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, max_size=8))
def test_normalize_lines_is_normalize_line_per_line(texts: list[str]) -> None:
    assert normalize_lines(texts) == [normalize_line(t) for t in texts]


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


def test_control_characters_counted_from_bytes_as_from_text() -> None:
    body = "政府信息公开\n".encode() * 10
    assert decode_bytes(body + b"\x01\x02")[1] == "utf-8"  # a few controls are noise
    with pytest.raises(DecodeError) as e:
        decode_bytes(body + b"\x01" * 40)  # many: not text
    assert e.value.kind in ("undecodable", "binary")


def test_is_traditional_shortcut_agrees_with_the_character_sets() -> None:
    trad = sorted(_traditional_only())[:40]
    simplified = "政府信息公开工作年度报告一二三四五六七八九十" * 3
    assert not is_traditional(simplified)
    assert not is_traditional(simplified + "—")  # not GB2312: the full comparison, still simplified
    assert is_traditional("".join(trad) + simplified)
