"""The warehouse's generic test macros, rendered alone and run on small tables that break them."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import jinja2
import pytest

MACROS = Path(__file__).resolve().parents[1] / "macros" / "warehouse_tests.sql"


def _test_body(name: str) -> str:
    text = MACROS.read_text(encoding="utf-8")
    match = re.search(r"\{%\s*test\s+" + name + r"\(.*?\)\s*%\}(.*?)\{%\s*endtest\s*%\}", text, re.S)
    assert match, name
    return match.group(1)


def _failures(rows: list[tuple[str, str, int]], hash_prefilter: bool) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    con.execute("create table t (a varchar, b varchar, n integer)")
    con.executemany("insert into t values (?, ?, ?)", rows)
    sql = jinja2.Template(_test_body("unique_grain")).render(
        model="t", columns=["a", "b"], hash_prefilter=hash_prefilter
    )
    return con.execute(sql).fetchall()


@pytest.mark.parametrize("hash_prefilter", [False, True])
def test_unique_grain_passes_on_a_unique_composite_key(hash_prefilter: bool) -> None:
    assert _failures([("r1", "x", 1), ("r1", "y", 2), ("r2", "x", 3)], hash_prefilter) == []


@pytest.mark.parametrize("hash_prefilter", [False, True])
def test_unique_grain_names_each_duplicated_key_once(hash_prefilter: bool) -> None:
    rows = [("r1", "x", 1), ("r1", "x", 2), ("r1", "y", 3), ("r2", "y", 4), ("r2", "y", 5), ("r2", "y", 6)]
    got = _failures(rows, hash_prefilter)
    assert sorted(got) == [("r1", "x", 2), ("r2", "y", 3)]
