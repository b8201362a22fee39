"""Numbers as reports print them: Arabic and Chinese numerals, approximations, units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.numbers import find_quantities, parse_numeral, to_yuan


@pytest.mark.parametrize(
    ("text", "value", "approx", "unit"),
    [
        ("近800条", 800, True, "条"),
        ("一千余人次", 1000, True, "人次"),
        ("二十三件", 23, False, "件"),
        ("1,234件", 1234, False, "件"),
        ("约4900人次", 4900, True, "人次"),
        ("20多条", 20, True, "条"),
        ("50余个", 50, True, "个"),
        ("100件以上", 100, True, "件"),
        ("300条左右", 300, True, "条"),
        ("0.5万元", 0.5, False, "万元"),
        ("两千份", 2000, False, "份"),
        ("近 2000余件次", 2000, True, "件次"),
        ("1.2万条", 12000, False, "条"),
        ("12万余条", 120000, True, "条"),
    ],
)
def test_quantity(text: str, value: float, approx: bool, unit: str) -> None:
    (q,) = find_quantities(text)
    assert (q.value, q.approx, q.unit) == (value, approx, unit)


@pytest.mark.parametrize(
    "text",
    [
        "201811日",
        "20181231日止",
        "515上午9:0011:30",
        "电话:0943-6210092",
        "〔2019〕60号",
        "率100%",
        "第二十条",
        "数十条",
        "上千件",
        "几百条",
    ],
)
def test_no_quantity_without_a_unit(text: str) -> None:
    assert find_quantities(text) == []


def test_parse_numeral_and_money() -> None:
    assert parse_numeral("一百零五") == 105
    assert parse_numeral("〇") == 0
    assert parse_numeral("abc") is None
    assert to_yuan(1.5, "万元") == 15000
    assert to_yuan(120, "元") == 120


@given(st.integers(min_value=0, max_value=10**9))
def test_arabic_round_trip(n: int) -> None:
    (q,) = find_quantities(f"共{n:,}条")
    assert q.value == n and not q.approx
