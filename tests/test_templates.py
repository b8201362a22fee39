"""ingest.cellvalue, the label seed and the digit-run splitter, as usage examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cellvalue import parse_cell
from ingest.model import Document, Line
from ingest.templates import extract_tables
from ingest.templates.labels import LABELS_CSV, template_spec
from ingest.templates.split import APPEALS_15, NO_RULE, ROW_TOTAL_7, ColumnRule, row_candidates, solve_table
from ingest.templates.tokens import Token

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "value", "status", "unit"),
    [
        ("", None, "blank", None),
        ("  ", None, "blank", None),
        ("/", None, "na_marker", None),
        ("-", None, "na_marker", None),
        ("—", None, "na_marker", None),
        ("无", None, "na_marker", None),
        ("不适用", None, "na_marker", None),
        ("见附件", None, "text", None),
        ("0", 0, "reported", None),
        ("+3", 3, "reported", None),
        ("-1", -1, "reported", None),
        ("1,234", 1234, "reported", None),
        ("12.5", 12.5, "reported", None),
        ("0.00", 0, "reported", None),
        ("251000元", 251000, "reported", "元"),
        ("3万元", 3, "reported", "万元"),
        ("１２", 12, "reported", None),
        ("１ ２", 12, "reported", None),
        ("－５", -5, "reported", None),
    ],
)
def test_parse_cell(text: str, value: float | None, status: str, unit: str | None) -> None:
    cv = parse_cell(text)
    assert (cv.value, cv.status, cv.unit) == (value, status, unit)


def test_seed_copy_is_the_same_file() -> None:
    """seeds/template_labels.csv (read by the warehouse) is byte-identical to the package's copy."""
    assert (REPO / "seeds" / "template_labels.csv").read_bytes() == LABELS_CSV.read_bytes()


def test_seed_describes_both_templates() -> None:
    t21, t19 = template_spec("2021"), template_spec("2019")
    assert len(t21.tables["applications"].rows) == 25 and len(t19.tables["applications"].rows) == 23
    assert len(t21.tables["applications"].columns) == 7
    assert "disclosure_art20_9" in t19.tables and "disclosure_art20_9" not in t21.tables
    other = [r for r in t21.tables["applications"].rows if r.item == "other_other"][0]
    assert other.group == "(六)其他处理" and other.label == "3.其他"
    assert [c.measure for c in t19.tables["disclosure_art20_5"].columns] == [
        "prior_year_items", "change_this_year", "decisions"]
    with pytest.raises(ValueError):
        template_spec("2008")


def _runs(*texts: str) -> list[Token]:
    return [Token("run", t, 1) for t in texts]


def test_a_run_with_one_digit_per_cell_has_one_split() -> None:
    cands, _ = row_candidates(_runs("2000002"), 7, ROW_TOTAL_7)
    assert cands == [["2", "0", "0", "0", "0", "0", "2"]]


def test_no_leading_zero_settles_a_run() -> None:
    cands, _ = row_candidates(_runs("0011"), 3)
    assert cands == [["0", "0", "11"]]


def test_row_identity_settles_two_digit_cells() -> None:
    cands, _ = row_candidates(_runs("690000069"), 7, ROW_TOTAL_7)
    assert cands == [["69", "0", "0", "0", "0", "0", "69"]]


def test_spaces_are_boundaries_but_glued_digits_may_split() -> None:
    cands, _ = row_candidates(_runs("20", "0", "0", "0", "02"), 7, ROW_TOTAL_7)
    assert cands == [["2", "0", "0", "0", "0", "0", "2"]]


def test_ambiguous_run_is_left_unplaced() -> None:
    sol = solve_table({0: _runs("2433")}, 3, NO_RULE, (), {0: "行政规范性文件"})
    assert sol.rows[0].cells is None and "3 possible splits" in (sol.rows[0].reason or "")
    assert any("行政规范性文件" in w for w in sol.warnings)


def test_decimal_and_unit_stay_with_the_last_cell() -> None:
    cands, _ = row_candidates(_runs("3922533.2元"), 2)
    assert ["3", "922533.2元"] in cands and len(cands) == 6


def test_appeals_blocks_prune_the_search() -> None:
    cands, _ = row_candidates(_runs("10", "0", "1", "200", "0", "0", "0", "0", "0", "0", "00"), 15, APPEALS_15)
    assert cands == [["1", "0", "0", "1", "2"] + ["0"] * 10]


def test_column_identities_settle_rows_the_row_identity_cannot() -> None:
    # rows: 0 new, 1 carried, 2 granted (the only outcome), 3 processed, 4 carried to next year.
    # 'granted' printed as the run "110" is 11|0 or 1|10; R2 (processed = outcomes) picks 11|0.
    rows = {0: _runs("11", "0"), 1: _runs("0", "0"), 2: _runs("110"), 3: _runs("11", "0"), 4: _runs("0", "0")}
    rules = [ColumnRule((0, 1), (3, 4)), ColumnRule((3,), (2,))]
    sol = solve_table(rows, 2, NO_RULE, rules, {})
    assert sol.rows[2].cells == ["11", "0"]
    # when processed is itself a glued run, both readings satisfy every identity: nothing is guessed
    rows = {0: _runs("110"), 1: _runs("0", "0"), 2: _runs("110"), 3: _runs("110"), 4: _runs("0", "0")}
    sol = solve_table(rows, 2, NO_RULE, rules, {})
    assert all(sol.rows[p].cells is None for p in (0, 2, 3))


def test_fm11_split_number_rejoined_only_when_arithmetic_proves_it() -> None:
    sol = solve_table({0: _runs("1", "2", "0", "0", "0", "0", "0", "12")}, 7, ROW_TOTAL_7, (), {})
    assert sol.rows[0].cells == ["12", "0", "0", "0", "0", "0", "12"]
    sol = solve_table({0: _runs("1", "2", "0", "0", "0", "0", "0", "0")}, 7, NO_RULE, (), {})
    assert sol.rows[0].cells is None


def _doc(*lines: str) -> Document:
    return Document("mem.txt", "text", "utf-8", "0" * 64, 0, [Line(i + 1, t) for i, t in enumerate(lines)])


def test_template_is_read_from_the_headers_not_the_year() -> None:
    assert extract_tables(_doc())[0] == "unknown"
    assert extract_tables(_doc("2021年本镇未收到政府信息公开申请。"))[0] == "pre2019"
    t, cells, _ = extract_tables(_doc("2018年报告", "第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 1 2 3"))
    assert t == "2021" and [c.value for c in cells if c.item == "regulations"] == [1, 2, 3]
    t, _, _ = extract_tables(_doc("第二十条第(一)项 信息内容 本年新制作数量 本年新公开数量 对外公开总数量 规章 1 2 3"))
    assert t == "2019"
    # table 四 alone is the same in both templates: cells, but no template claimed
    t, cells, _ = extract_tables(_doc("行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 " + "0 " * 15))
    assert t == "unknown" and len([c for c in cells if c.status == "reported"]) == 15


def test_odd_input_never_raises() -> None:
    for lines in [("|",), (" | ||",), ("第二十条第(一)项",), ("三、收到和处理政府信息公开申请情况", "申请人情况"),
                  ("一、本年新收政府信息公开申请数量" + "9" * 400,), ("行政复议行政诉讼结果维持" + "1" * 200,)]:
        template, cells, warnings = extract_tables(_doc(*lines))
        assert template in ("2019", "2021", "unknown", "pre2019")
        assert all(c.status in ("reported", "blank", "na_marker", "text", "unplaced") for c in cells)


def test_unit_written_in_a_cell_wins_over_the_header() -> None:
    _, cells, _ = extract_tables(_doc("第二十条第(八)项", "信息内容 本年收费金额(单位:万元)", "行政事业性收费 3940元"))
    fee = next(c for c in cells if c.item == "administrative_fees")
    assert (fee.value, fee.unit) == (3940, "元")


def test_mixed_report_keeps_table_three_rows_of_its_own_layout() -> None:
    rows = ["一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1", "(六)其他处理 1 0 0 0 0 0 1", "(七)总计 1 0 0 0 0 0 1"]
    t, cells, warnings = extract_tables(_doc("第二十条第(一)项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 0 0 0",
                                             "三、收到和处理政府信息公开申请情况", "申请人情况", *rows))
    assert t == "2021"
    assert [c.value for c in cells if c.item == "other_handling"] == [1, 0, 0, 0, 0, 0, 1]
    assert any("2019 layout" in w for w in warnings)


def test_row_labels_match_without_their_enumeration() -> None:
    _, cells, _ = extract_tables(_doc("三、收到和处理政府信息公开申请情况", "申请人情况",
                                      "本年新收政府信息公开申请数量 2 0 0 0 0 0 2", "属于国家秘密 1 0 0 0 0 0 1",
                                      "信访举报投诉类申请 1 0 0 0 0 0 1"))
    got = {(c.item, c.measure): c.value for c in cells if c.status == "reported"}
    assert got[("new_received", "total")] == 2
    assert got[("denied_state_secret", "natural_person")] == 1
    assert got[("not_processed_petition_complaint", "total")] == 1


def test_dash_before_a_number_in_a_signed_column_is_not_guessed() -> None:
    # 2019 行政强制 '--2-': '-' | -2 | '-'  or  '--' | 2 | '-': both fit three cells
    row = [Token("na", "--", 1), Token("run", "2", 1), Token("na", "-", 1)]
    assert solve_table({0: row}, 3, signed=True).rows[0].cells is None
    # an applications row has no signed cells: '-' is a marker
    assert solve_table({0: row}, 3).rows[0].cells == ["--", "2", "-"]
