"""parse.find_anchors searches each run of label characters once and skips the taken-character
bookkeeping for labels no other label can overlap; it must find exactly what the plain greedy
search (every label, longest first, each occurrence taken when none of its characters is) finds,
on text made of labels, their pieces and values."""

from __future__ import annotations

import random
from operator import itemgetter

import pytest

from ingest.templates.labels import TableSpec, template_spec
from ingest.templates.parse import (
    Anchor,
    _can_overlap,
    _label_candidates,
    _label_chars,
    _marked_runs,
    find_anchors,
    label_spans,
    marked_runs_pattern,
)
from ingest.templates.stream import CELL_END, ROW_END, Stream, _fold


def _greedy(key_text: str, region: tuple[int, int], specs: tuple[TableSpec, ...]) -> list[Anchor]:
    a, b = region
    cands = sorted((c for spec in specs for c in _label_candidates(spec)), key=lambda c: -len(c[1]))
    seen: set[str] = set()
    taken = bytearray(max(b - a, 0))
    out: list[Anchor] = []
    for kind, key, label, table, row in cands:
        if key in seen:
            continue
        seen.add(key)
        start = key_text.find(key, a, b)
        while start >= 0:
            end = start + len(key)
            if taken.find(1, start - a, end - a) < 0:
                taken[start - a:end - a] = b"\x01" * (end - start)
                out.append(Anchor(kind, start, end, label, table, row))
            start = key_text.find(key, end, b)
    return sorted(out, key=itemgetter(1))


def _spec_sets() -> list[tuple[TableSpec, ...]]:
    out: list[tuple[TableSpec, ...]] = []
    for t in ("2019", "2021"):
        spec = template_spec(t)
        out += [tuple(spec.disclosure_tables()), (spec.tables["applications"],), (spec.tables["appeals"],)]
    return out


_FILLERS = (".", "1.", "12.", "3.5", "0", "7", "—", "/", "-", "+2", "无", "(", ")", "x", "..")


def _glued_labels(keys: list[str], rng: random.Random, max_parts: int, fillers: tuple[str, ...]) -> str:
    """Labels, pieces of labels and fillers glued together into one text."""
    parts = []
    for _ in range(rng.randint(1, max_parts)):
        k = rng.choice(keys)
        i, j = sorted((rng.randint(0, len(k)), rng.randint(0, len(k))))
        parts.append(rng.choice((k, k, k[i:], k[:j], k[i:j], *(rng.choice(fillers) for _ in range(2)))))
    return "".join(parts)


@pytest.mark.parametrize("glue", ["numbers", "fillers"])
@pytest.mark.parametrize("specs", _spec_sets(), ids=lambda s: "+".join(t.name for t in s))
def test_find_anchors_is_the_plain_greedy_search(specs: tuple[TableSpec, ...], glue: str) -> None:
    """find_anchors searches each run of label characters on its own (a digit only before a '.'):
    labels glued to numbers, dots, markers and each other must still read as one greedy search."""
    keys = [c[1] for spec in specs for c in _label_candidates(spec)]
    rng = random.Random(len(keys) + (glue == "fillers"))
    fillers = tuple(str(n) for n in range(100)) if glue == "numbers" else _FILLERS
    for _ in range(350):
        text = _glued_labels(keys, rng, 14, fillers)
        a = rng.randint(0, len(text) // 3)
        b = rng.randint(a, len(text))
        stream = Stream(text, text, [0], [1], [0], None)
        assert find_anchors(stream, (a, b), specs) == _greedy(text, (a, b), specs), text


@pytest.mark.parametrize("specs", _spec_sets(), ids=lambda s: "+".join(t.name for t in s))
def test_label_spans_are_the_anchors_in_raw(specs: tuple[TableSpec, ...]) -> None:
    """label_spans reads runs of label characters with their raw offsets (cached by folded text):
    each label's row, label, raw start and raw end must be find_anchors' anchor mapped through raw_index,
    on raw text with cell marks, line ends, spaces and quotes inside and between labels."""
    keys = [c[2] for spec in specs for c in _label_candidates(spec)]  # printed labels
    gaps = ("", "", CELL_END + "\n", CELL_END, "\n", " ", ROW_END + "\n", "“", "0" + CELL_END + "\n", "1.", "、")
    rng = random.Random(len(keys) + 2)
    for _ in range(300):
        parts = []
        for _ in range(rng.randint(1, 12)):
            k = rng.choice(keys)
            cut = rng.randint(0, len(k))
            parts.append(rng.choice((k, k, k[:cut] + rng.choice(gaps) + k[cut:], k[cut:])))
            parts.append(rng.choice(gaps))
        raw = "".join(parts)
        key, key_starts, raw_starts, marked = _fold(raw)
        stream = Stream(raw, key, [0], [1], key_starts, raw_starts, marked=marked)
        a = rng.randint(0, len(key) // 3)
        b = rng.randint(a, len(key))
        anchors = find_anchors(stream, (a, b), specs)
        expected = ([anc.row for anc in anchors], [anc.label for anc in anchors],
                    [stream.raw_index(anc.start) for anc in anchors],
                    [stream.raw_index(anc.end - 1) + 1 for anc in anchors])
        assert label_spans(stream, (a, b), specs) == expected, raw


def test_labels_overlap_when_they_can_share_a_character() -> None:
    assert _can_overlap("其他结果", "结果维持")  # 其他结果维持
    assert _can_overlap("结果维持", "其他结果")
    assert _can_overlap("总计", "(七)总计")  # one holds the other
    assert not _can_overlap("规章", "行政许可")


@pytest.mark.parametrize("specs", _spec_sets(), ids=lambda s: "+".join(t.name for t in s))
def test_marked_runs_pattern_finds_the_plain_runs(specs: tuple[TableSpec, ...]) -> None:
    """parse._marked_runs (written for the regex engine's fast scan) finds the same runs as the
    plain pattern, on labels glued to digits, dots, CELL_ENDs and other text."""
    anywhere, before_dot = _label_chars(specs)
    plain = marked_runs_pattern(anywhere, before_dot)
    fast = _marked_runs(specs)
    keys = [c[1] for spec in specs for c in _label_candidates(spec)]
    fillers = (*_FILLERS, CELL_END, CELL_END * 2, CELL_END + ".", "1" + CELL_END + ".", "8" + CELL_END, "用", "9.")
    rng = random.Random(7)
    for _ in range(400):
        text = _glued_labels(keys, rng, 8, fillers)
        start = rng.randint(0, 3)
        assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in plain.finditer(text, start)], text
