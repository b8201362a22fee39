"""The cheap checks that let run_families and split_sentences skip work must never skip a figure."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.prose import families, sentences
from ingest.prose.families import _MAY_COUNT_RE, _MAY_ZERO_RE, FAMILY_UNITS

PROSE = Path(families.__file__).parent


def test_count_gate_covers_every_unit_the_families_read() -> None:
    literal = set()
    for path in PROSE.glob("*.py"):
        for group in re.findall(r"q\(\"q\", \(([^)]*)\)\)", path.read_text(encoding="utf-8")):
            literal |= set(re.findall(r"\"([^\"]+)\"", group))
    assert literal <= FAMILY_UNITS, literal - FAMILY_UNITS
    for unit in FAMILY_UNITS:
        for number in ("3", "1,234", "12.5", "三", "一千", "2万"):
            for approx in ("", "余", " 多 "):
                assert _MAY_COUNT_RE.search(f"共{number}{approx}{unit}"), (number, approx, unit)


def test_zero_gate_covers_every_negation() -> None:
    for word in (
        "暂不存在",
        "不存在",
        "暂无",
        "尚无",
        "尚未",
        "暂未",
        "没有",
        "没",
        "未",
        "无",
        "免费提供",
        "无偿提供",
        "不收费",
    ):
        assert _MAY_ZERO_RE.search(word), word


def test_sentence_cuts_equal_the_zero_width_split() -> None:
    rng = random.Random(5)
    alphabet = "。；;！!？?：: \t一二十、（()）abc1"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        assert sentences._pieces(text) == sentences._SPLIT_RE.split(text), text


def test_trailing_cell_strip_equals_the_regex() -> None:
    spaces = {c for c in map(chr, range(sys.maxunicode + 1)) if re.match(r"\s", c)}
    assert set(sentences._SPACE_OR_PIPE) == spaces | {"|"}


def _fragments_text(rng: random.Random, fragments: tuple[str, ...], n: int) -> str:
    return "".join(rng.choice(fragments) for _ in range(rng.randrange(1, n)))


_ZERO_FRAGMENTS = (
    "未", "无", "没有", "暂无", "不", "免费提供", "无偿提供", "不收费", "收取", "费用", "费", "减免", "复议",
    "行政复议", "诉讼", "行政诉讼", "申诉", "举报", "申请", "信息公开", "依申请", "公开", "政府信息", "收到",
    "发生", "情况", "，", "。", "；", "：", "也", "并", "税", "申请人", "答复", "年度", "工作", "有",
)  # fmt: skip


def _sentence(text: str, top: str = "", sub: str = "") -> sentences.Sentence:
    return sentences.Sentence(text, text, 1, top, sub)


def test_zero_topic_gate_never_skips_a_stated_zero() -> None:
    """stated_zeros records nothing in a sentence the topic gate turns away, under any heading."""
    from ingest.prose.families import _may_state_zero
    from ingest.prose.state import State
    from ingest.prose.zeros import stated_zeros

    rng = random.Random(11)
    headings = (
        "",
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "五、政府信息公开收费及减免情况",
        "三、依申请公开情况",
    )
    for _ in range(20000):
        text = _fragments_text(rng, _ZERO_FRAGMENTS, 9)
        st = State()
        stated_zeros(_sentence(text, rng.choice(headings), rng.choice(headings)), st)
        if st.figures or st.warnings:
            assert _MAY_ZERO_RE.search(text) and _may_state_zero(text), text
    assert not _may_state_zero("不断深化政务公开，不公开为例外")
    assert _may_state_zero("本年度无。") and _may_state_zero("收费情况：没有")


def test_nil_gate_never_skips_a_printed_nil() -> None:
    from ingest.prose.families import _may_print_nil
    from ingest.prose.state import State
    from ingest.prose.zeros import printed_nil

    rng = random.Random(12)
    fragments = ("依申请", "信息公开申请", "申请数", "的", "数量", "为", "零", "0", "为零", "为0", "均", "行政复议",
                 "和", "行政诉讼", "案件", "件", "1", "，")  # fmt: skip
    for _ in range(20000):
        text = _fragments_text(rng, fragments, 9)
        st = State()
        printed_nil(_sentence(text), st)
        if st.figures:
            assert _may_print_nil(text), text


def test_count_gate_skips_ordinals_only() -> None:
    from ingest.numbers import quantity_pattern

    quantity = re.compile(quantity_pattern("q", tuple(FAMILY_UNITS)))
    assert not _MAY_COUNT_RE.search("第一项加第二项之和，等于第三项")
    assert _MAY_COUNT_RE.search("第十二项") and _MAY_COUNT_RE.search("共3项")
    rng = random.Random(13)
    fragments = ("第", "一", "十", "二", "3", "12", "1,2", ".5", "万", "余", "多", " ", "近", "条", "件", "项", "次",
                 "元", "万元", "个", "篇", "公开", "，")  # fmt: skip
    for _ in range(20000):
        text = _fragments_text(rng, fragments, 8)
        if quantity.search(text):
            assert _MAY_COUNT_RE.search(text), text


def _word_gated_patterns() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """Every (pattern, words) pair a family checks for a word before it runs the pattern."""
    from ingest.prose import appeals, applications, disclosure

    pairs = [(f"responses:{measure}", regex, words) for regex, measure, words in applications.RESPONSES]
    pairs += [(f"appeals:{item}", regex, words) for regex, item, words in appeals._APPEAL_RES]
    pairs += [
        ("received", applications._RECEIVED_RE, (applications.RECEIVED_WORD,)),
        ("applications_noun", applications._APPLICATIONS_NOUN_RE, (applications.RECEIVED_WORD,)),
        ("both_appeals", appeals._BOTH_APPEALS_RE, (appeals.BOTH_WORD,)),
        ("website", disclosure._WEBSITE_RE, (disclosure.WEBSITE_WORD,)),
        ("total", disclosure._TOTAL_RE, disclosure.TOTAL_WORDS),
    ]
    return pairs


@pytest.mark.parametrize(
    "name,regex,words", _word_gated_patterns(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_match_holds_a_gating_word(name: str, regex: re.Pattern[str], words: tuple[str, ...]) -> None:
    """Strings generated from the pattern itself: each match must hold a word the family checks first."""

    @settings(max_examples=40, suppress_health_check=list(HealthCheck), deadline=None, derandomize=True)
    @given(st.from_regex(regex))
    def check(text: str) -> None:
        m = regex.search(text)
        assert m is not None
        assert any(w in m.group() for w in words), (name, text)

    check()
