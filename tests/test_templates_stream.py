"""ingest.templates.stream keeps its position maps as runs; they must agree with a plain
character-by-character reading of the same text (also when NFKC changes lengths)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from ingest.model import Cell, Document, Line, Table
from ingest.templates.regions import _APPS_START, _apps_start, _next_section
from ingest.templates.stream import (
    _DROP,
    _FOLD,
    CELL_END,
    ROW_END,
    TABLE_END,
    Stream,
    _fold,
    _lines_raw,
    _piece_ends,
    build_stream,
    piece_ends_between,
    pipe_cells,
)

_ALPHABET = "规章 1２3|①㈠（）【】、，“”\u3000\t" + CELL_END + "ﬁ"


def _reference(raw: str) -> tuple[str, list[int]]:
    """key and key position -> raw position, one character at a time."""
    chars: list[str] = []
    pos: list[int] = []
    for i, c in enumerate(raw):
        for ch in unicodedata.normalize("NFKC", c).translate(_FOLD):
            if ch not in _DROP:
                chars.append(ch)
                pos.append(i)
    return "".join(chars), pos


@pytest.mark.parametrize("seed", range(40))
def test_run_maps_agree_with_a_per_character_reading(seed: int) -> None:
    rng = random.Random(seed)
    lines = [Line(n + 1, "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 12))))
             for n in range(rng.randint(1, 8))]
    stream = build_stream(Document("mem.txt", "text", "utf-8", "0" * 64, 0, lines))
    key, pos = _reference(stream.raw)
    if len(unicodedata.normalize("NFKC", stream.raw)) == len(stream.raw):
        assert stream.key == key
        for k, i in enumerate(pos):
            assert stream.raw_index(k) == i
            assert stream.raw_end(k + 1) == i + 1
    else:  # the slow path folds character by character: exactly the reference
        assert stream.key == key
        assert [stream.raw_index(k) for k in range(len(key))] == pos
    assert stream.raw_index(len(key)) == len(stream.raw)
    # every raw character reports the line it came from
    at = 0
    for line in lines:
        assert stream.raw.startswith(line.text, at) or "|" in line.text
        end = stream.raw.index("\n", at)
        assert {stream.line_at(i) for i in range(at, end + 1)} == {line.no}
        at = end + 1


_PIPE_LINE = re.compile(r"^(?P<body>.*?)\s?\|(?: \|+)?\s*$")  # the one-regex reading pipe_cells replaced


def _pipe_cells_by_regex(text: str) -> list[str] | None:
    if not text.rstrip().endswith("|"):
        return None
    m = _PIPE_LINE.match(text.rstrip())
    if m is None:
        return None
    body = m["body"]
    return [c.strip() for c in body.split("|")] if "|" in body else [body.strip()]


@pytest.mark.parametrize("seed", range(20))
def test_pipe_cells_reads_like_the_pipe_line_pattern(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        text = "".join(rng.choice("a1| |\u3000\t|\n|") for _ in range(rng.randint(0, 9)))
        assert pipe_cells(text) == _pipe_cells_by_regex(text), repr(text)
    for text in ("规章 |", "| |||", "|", "a | ||", "a  | |", "a|| ||", " | |", "\u3000|"):
        assert pipe_cells(text) == _pipe_cells_by_regex(text), repr(text)


def test_piece_ends_are_the_newlines_and_cell_ends() -> None:
    for raw in ("", "a", "\n", "a\x1fb\n\x1f\x1f", "规章\x1f1\x1f\n\n"):
        assert _piece_ends(raw) == [i for i, c in enumerate(raw) if c in "\n\x1f"]


_NEXT_SECTION = re.compile(r"(?:^|(?<=[^\d(]))[五六七]\.(?=\S)")  # the pattern _next_section replaced


@pytest.mark.parametrize("seed", range(10))
def test_next_section_finds_what_the_lookbehind_pattern_found(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        key = "".join(rng.choice("五六七.(1٣ 四a") for _ in range(rng.randint(0, 12)))
        start = rng.randint(0, len(key))
        m = _NEXT_SECTION.search(key, start)
        assert _next_section(key, start) == (m.start() if m else None), (key, start)


def test_piece_ends_between_are_the_slice_s_own() -> None:
    rng = random.Random(3)
    for _ in range(500):
        raw = "".join(rng.choice("ab\n\x1f") for _ in range(rng.randint(0, 16)))
        a = rng.randint(0, len(raw))
        b = rng.randint(a, len(raw))
        assert piece_ends_between(raw, a, b) == [e for e in _piece_ends(raw) if a <= e < b], (raw, a, b)


def _grid_parts_by_comprehension(table: Table) -> tuple[list[str], list[int | None]]:
    """What _add_grid gave before its single loop: cells (no span fillers), rows, the grid's end."""
    texts: list[str] = []
    lines: list[int | None] = []
    for row in table.rows:
        cells = [cell for cell in row if cell.origin]
        texts += [cell.text.replace("\n", " ") + CELL_END for cell in cells]
        lines += [cell.line for cell in cells]
        texts.append(ROW_END + "\n")
        lines.append(row[-1].line if row else None)
    texts.append(TABLE_END + "\n")
    lines.append(table.end_line)
    return texts, lines


@pytest.mark.parametrize("seed", range(10))
def test_grid_enters_the_stream_cell_by_cell(seed: int) -> None:
    rng = random.Random(seed)
    rows = [[Cell(r, c, "".join(rng.choice("规章 1\n") for _ in range(rng.randint(0, 4))), rng.choice((None, r + 2)),
                  origin=rng.random() > 0.2)
             for c in range(rng.randint(0, 4))] for r in range(rng.randint(1, 5))]  # (a grid has rows)
    table = Table(0, rows, "html", start_line=2, end_line=9)
    doc = Document("mem.html", "html", "utf-8", "0" * 64, 0, [Line(1, "前言"), Line(2, "表"), Line(10, "后记")], tables=[table])
    texts, lines = _grid_parts_by_comprehension(table)
    stream = build_stream(doc)
    assert stream.raw == "前言\n" + "".join(texts) + "后记\n"
    at = len("前言\n")
    for text, no in zip(texts, lines, strict=True):
        assert stream.line_at(at) == no or (no is None and at in stream.line_starts)
        at += len(text)


@pytest.mark.parametrize("seed", range(5))
def test_apps_start_finds_what_the_pattern_found(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ("(", "一.", "一", ".", "本列数据", "的", "勾稽关系", "申请人情况", "申请人", "本年新收政府信息公开申请数量", "x")
    for _ in range(1000):
        key = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        start = rng.randint(0, len(key))
        m = _APPS_START.search(key, start)
        assert _apps_start(key, start) == (m.start() if m else None), (key, start)


@pytest.mark.parametrize("seed", range(30))
def test_lines_without_a_pipe_enter_the_stream_as_they_are(seed: int) -> None:
    """_lines_raw reads a '|'-free line as itself (no pipe_cells call, no memo) and any other line
    as pipe_cells reads it: the same text as reading every line through pipe_cells."""
    rng = random.Random(seed)
    texts = ["".join(rng.choice("规章 12|\t ") for _ in range(rng.randint(0, 10))) for _ in range(20)]
    def reference(text: str) -> str:
        cells = pipe_cells(text)
        return text + "\n" if cells is None else CELL_END.join(cells) + CELL_END + "\n"
    assert _lines_raw(texts) == [reference(t) for t in texts]


def test_key_starts_are_read_from_marked_when_first_asked() -> None:
    raw = "一、 规章\x1f12 |\n（二）\u3000总计" + CELL_END + ROW_END + "\n"
    key, key_starts, raw_starts, marked = _fold(raw)
    assert key_starts is None and raw_starts is None and marked is not None
    stream = Stream(raw, key, [0], [1], None, None, marked=marked)
    _, pos = _reference(raw)
    assert [stream.raw_index(k) for k in range(len(key))] == pos
    runs = marked.split(CELL_END)
    assert stream.key_starts == [sum(map(len, runs[:j])) for j in range(len(runs))]
    with pytest.raises(ValueError):
        _ = Stream(raw, key, [0], [1], None, None).key_starts


@pytest.mark.parametrize("seed", range(20))
def test_raw_index_without_the_runs_is_the_runs_reading(seed: int) -> None:
    """A marked stream answers raw_index from `marked` (Stream._kept_at) until its runs are read:
    the same positions as through key_starts, at every key position."""
    rng = random.Random(seed)
    for _ in range(40):
        raw = "".join(rng.choice("规章 1２|\t\n“" + CELL_END + ROW_END) for _ in range(rng.randint(1, 60)))
        key, _, _, marked = _fold(raw)
        if marked is None or not key:
            continue
        lazy = Stream(raw, key, [0], [1], None, None, marked=marked)
        eager = Stream(raw, key, [0], [1], None, None, marked=marked)
        assert eager.key_starts is not None
        for k in range(-len(key), len(key) + 2):
            assert lazy.raw_index(k) == eager.raw_index(k)
        assert lazy._key_starts is None  # (answered without reading the runs)
