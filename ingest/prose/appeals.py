"""行政复议 / 行政诉讼 / 申诉举报 counts about disclosure (pre-2019 appeals section)."""

from __future__ import annotations

import re

from ingest.numbers import quantity_from_match
from ingest.prose.sentences import Sentence
from ingest.prose.state import APPEAL_WORDS_RE, CASE_UNITS, State, holds_any, q

# (regex, item, words): every match of the regex holds one of the words
_APPEAL_RES = (
    (
        re.compile(r"行政复议(?:案件|案|申请)?(?:数|数量)?(?:共|共计)?(?:为|达)?" + q("q", CASE_UNITS)),
        "administrative_reconsideration",
        ("行政复议",),
    ),
    (
        re.compile(r"行政诉讼(?:案件|案)?(?:数|数量)?(?:共|共计)?(?:为|达)?" + q("q", CASE_UNITS)),
        "administrative_litigation",
        ("行政诉讼",),
    ),
    (
        re.compile(
            r"(?:行政)?(?:申诉|举报)(?:、|和|及)?(?:投诉)?(?:案件|案)?(?:数|数量)?(?:共|共计)?(?:为|达)?"
            + q("q", CASE_UNITS)
        ),
        "complaints",
        ("申诉", "举报"),
    ),
)


_BOTH_APPEALS_RE = re.compile(
    r"行政复议(?:案件)?(?:和|、|及|与)(?:提起)?行政诉讼(?:案件)?(?:数量?)?(?P<each>均|都|皆|各)?(?:共|共计|合计)?(?:为)?"
    + q("q", CASE_UNITS)
)


BOTH_WORD = "行政诉讼"  # what every match of _BOTH_APPEALS_RE holds


def appeals(s: Sentence, st: State) -> None:
    """行政复议N件/次、行政诉讼M件；历年累计…."""
    both = _BOTH_APPEALS_RE.search(s.text) if BOTH_WORD in s.text else None
    qty = quantity_from_match(both, "q") if both else None
    if both and qty is not None and (both.group("each") or qty.value == 0):  # '…和行政诉讼案件0件' = both 0
        st.emit_q(s, "appeals", "administrative_reconsideration", "total", qty)
        st.emit_q(s, "appeals", "administrative_litigation", "total", qty)
    follows_appeal = (
        st.last_item is not None and st.last_item[0] == "appeals" and st.last_item_index == st.index - 1
    )
    if not (
        re.search(r"信息公开|政府信息|依申请|公开申请", s.text)
        or follows_appeal
        or APPEAL_WORDS_RE.search(s.top)
        or APPEAL_WORDS_RE.search(s.sub)
    ):
        return
    if re.search(r"热线|12345|诉求", s.text):
        return
    # a joint '行政复议和行政诉讼…N件' is one figure for both (or their sum): not either one's
    text = (
        s.text[: both.start()] + "，" * (both.end() - both.start()) + s.text[both.end() :] if both else s.text
    )
    for regex, item, words in _APPEAL_RES:
        if item == "complaints" and not (
            APPEAL_WORDS_RE.search(s.text) or "申诉" in s.top or "信息公开" in s.text
        ):
            continue
        if not holds_any(text, words):
            continue  # no match possible
        for m in regex.finditer(text):
            qty = quantity_from_match(m, "q")
            if qty is None:
                continue
            before = s.text[: m.start()]
            measure = "total_cumulative" if re.search(r"历年|累计", before) else "total"
            st.emit_q(s, "appeals", item, measure, qty)
            st.remember("appeals", item)
