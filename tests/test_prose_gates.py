"""The cheap checks that let run_families and split_sentences skip work must never skip a figure."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

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
