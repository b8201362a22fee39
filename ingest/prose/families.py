"""Phrasing families: the ways reports state the pre-2019 figures in a sentence.

Each family is a function (sentence, state) -> None that records figures on the state. They run
in order over every sentence; the state carries what earlier sentences established (the year's
proactive total, an open "其中…" breakdown, the item a following "历年累计…" belongs to).

A number is only a figure when it has a unit and sits in one of these phrasings; dates that lost
their 年/月, phone numbers, document numbers, percentages and page counters have no unit or no
phrasing and never match.
"""

from __future__ import annotations

import re

from ingest.prose.appeals import appeals
from ingest.prose.applications import applications, responses
from ingest.prose.disclosure import (
    bare_cumulative,
    breakdown,
    key_areas,
    list_without_total,
    may_open_list,
    proactive,
)
from ingest.prose.fees import fees
from ingest.prose.sentences import Sentence
from ingest.prose.state import CASE_UNITS, COUNT_UNITS, ITEM_UNITS, MONEY_UNITS, State
from ingest.prose.zeros import printed_nil, stated_zeros

# Text of a flattened 2019/2021 template table, or a digit run of a table: not prose.
_TABLE_WORDS_RE = re.compile(
    r"结果维持|结果纠正|尚未审结|本年新收|上年结转|不予处理|其他处理|本年制发|现行有效|"
    r"处理决定数量|本年收费金额|商业企业|科研机构|社会公益组织|法律服务机构|未经复议直接起诉|复议后起诉"
)
_TABLE_DIGITS_RE = re.compile(r"\d(?:\s\d){4,}|\d{6,}(?![\d,.万条件个次元人项份宗篇])")
_FIVE_DIGITS_RE = re.compile(r"\d[\d\s]{4}")  # what both digit patterns start with (a cheaper scan)


def _is_table_text(text: str) -> bool:
    if _TABLE_WORDS_RE.search(text):
        return True
    return _FIVE_DIGITS_RE.search(text) is not None and _TABLE_DIGITS_RE.search(text) is not None


# A superset of every quantity the families read (a numeral, 余/多, then the first character of one
# of their units): a sentence without one can only state a zero in words or move the breakdown state.
# Every family builds its quantities from these unit lists (or a subset of them).
FAMILY_UNITS = frozenset(COUNT_UNITS + CASE_UNITS + MONEY_UNITS + ITEM_UNITS + ("次",))
_UNIT_CHARS = "".join(sorted({u[0] for u in FAMILY_UNITS}))
_UNIT_CHAR_RE = re.compile(f"[{_UNIT_CHARS}]")
# (a numeral right after 第 is an ordinal: a quantity's number never starts there, and one that ends
# on such a character is that one character long; '第一项' is no count, '第十二项' still may be)
# (the look-behind sits after the numeral so the engine can skip ahead to a numeral)
_MAY_COUNT_RE = re.compile(rf"[\d零〇○一二两三四五六七八九十百千万](?<!第.)\s*[余多]?\s*[{_UNIT_CHARS}]")
# every negation stated_zeros reads (无/未/没/不…, 免费) has one of these characters
_MAY_ZERO_RE = re.compile(r"[无未没不免]")
# stated_zeros records nothing unless the sentence names what did not happen (or is a bare '…无。')
_ZERO_TOPIC_RE = re.compile(r"复议|诉讼|申请|费|减免|无偿提供")


def _may_state_zero(text: str) -> bool:
    """Can stated_zeros record anything? Every clause it reads must name a topic, unless the sentence
    is a bare nil ('无。', '…的情况：没有'), whose topic is the heading's."""
    return _ZERO_TOPIC_RE.search(text) is not None or text.rstrip("。.")[-1:] in ("无", "有")


def _may_print_nil(text: str) -> bool:
    """Can printed_nil record anything? Every printed nil (_NIL of ingest.prose.zeros) holds 为零 or 为0."""
    return "为零" in text or "为0" in text


def run_families(sentences: list[Sentence]) -> State:
    st = State()
    for i, s in enumerate(sentences):
        text = s.text
        zero = _MAY_ZERO_RE.search(text) is not None and _may_state_zero(text)
        counts = _UNIT_CHAR_RE.search(text) is not None and _MAY_COUNT_RE.search(text) is not None
        nil = _may_print_nil(text)
        if not (zero or counts or nil or st.breakdown_left or text.startswith("其中") or may_open_list(text)):
            continue  # nothing to read and no breakdown to open or run on: as if skipped as table text
        if _is_table_text(text):
            continue
        st.index = i  # (read only by the families below)
        st.prev_end = sentences[i - 1].raw[-1:] if i else ""
        before = len(st.figures)
        if zero:
            stated_zeros(s, st)
        if nil:
            printed_nil(s, st)
        if counts:
            applications(s, st)
            responses(s, st)
            appeals(s, st)
            fees(s, st)
        if len(st.figures) > before:
            st.breakdown_left = 0
            continue
        if breakdown(s, st) or not counts:
            continue
        if proactive(s, st):
            continue
        list_without_total(s, st)
        bare_cumulative(s, st)
        key_areas(s, st)
    return st
