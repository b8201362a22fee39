"""Pre-2019 statistics appendices: the three text shapes, glued digit runs, layouts A/B/C."""

from __future__ import annotations

from ingest.appendix import extract_appendix, map_label
from ingest.model import CellRecord, Document, Line


def _doc(text: str) -> Document:
    lines = [Line(i + 1, t) for i, t in enumerate(text.splitlines())]
    return Document("appendix.txt", "text", "utf-8", "", len(text.encode()), lines)


def _facts(cells: list[CellRecord]) -> dict[str, float | None]:
    return {
        f"{c.section}/{c.item}/{c.measure}": c.value
        for c in cells
        if c.status == "reported" and c.section and c.item and c.measure
    }


LAYOUT_A_ONE_CELL_PER_LINE = """(二)附表。
指 标 名 称 |
单位 |
2018年 |
历年累计 |
主动公开文件数 |
条 |
1630 |
20080 |
其中:1.政府网站公开数 |
条 |
1630 |
20080 |
2.政府公报公开数 |
条 |
0 |
0 |
受理政府信息公开申请总数 |
条 |
192 |
608 |
其中:1.当面申请数 |
条 |
2 |
58 |
2.网络申请数 |
条 |
65 |
148 |
3.信函、传真申请数 |
条 |
125 |
402 |
行政复议数 |
件 |
5 |
25 |
扫一扫在手机上查看当前页面"""


def test_one_cell_per_line_layout_a() -> None:
    cells = extract_appendix(_doc(LAYOUT_A_ONE_CELL_PER_LINE), "pre2019")
    assert _facts(cells) == {
        "disclosure/proactive_items/total": 1630,
        "disclosure/proactive_items/total_cumulative": 20080,
        "disclosure/proactive_items_website/total": 1630,
        "disclosure/proactive_items_website/total_cumulative": 20080,
        "disclosure/proactive_items_gazette/total": 0,
        "disclosure/proactive_items_gazette/total_cumulative": 0,
        "applications/applications_received/total": 192,
        "applications/applications_received/total_cumulative": 608,
        "applications/applications_received/in_person": 2,
        "applications/applications_received/in_person_cumulative": 58,
        "applications/applications_received/online": 65,
        "applications/applications_received/online_cumulative": 148,
        "applications/applications_received/letter_fax": 125,
        "applications/applications_received/letter_fax_cumulative": 402,
        "appeals/administrative_reconsideration/total": 5,
        "appeals/administrative_reconsideration/total_cumulative": 25,
    }
    assert all(c.table == "statistics_appendix" for c in cells)
    website = next(c for c in cells if c.item == "proactive_items_website" and c.measure == "total")
    assert website.line == 10 and website.row_label == "政府网站公开数"  # the row label's line


SPACED = (
    "附件1：统计表 指标名称 计量 单位 2011 年度 历年累计 主动公开信息数 条 425 1516 其中：1.网站公开 条 418 1509 "
    "2.政府公报公开 条 7 7 受理依申请公开信息总数 条 3 9 其中：1.当面申请数 条 1 4 2.传真申请数 条 0 1 "
    "3.电子邮件申请数 条 2 4 对申请的答复数 条 3 9 行政申诉数 条 0 0 附件下载"
)


def test_spaced_on_one_line() -> None:
    facts = _facts(extract_appendix(_doc(SPACED), "pre2019"))
    assert facts["disclosure/proactive_items/total"] == 425
    assert facts["disclosure/proactive_items_gazette/total_cumulative"] == 7
    assert facts["applications/applications_received/fax_cumulative"] == 1
    assert facts["applications/applications_received/email"] == 2
    assert facts["applications/responses/total_cumulative"] == 9
    assert facts["appeals/complaints/total"] == 0
    assert len(facts) == 18


def test_glued_run_split_by_the_tables_own_sums() -> None:
    text = "指标名称计量单位2011年度历年累计主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77行政复议数条00"
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts == {
        "disclosure/proactive_items/total": 425,
        "disclosure/proactive_items/total_cumulative": 1516,
        "disclosure/proactive_items_website/total": 418,
        "disclosure/proactive_items_website/total_cumulative": 1509,
        "disclosure/proactive_items_gazette/total": 7,
        "disclosure/proactive_items_gazette/total_cumulative": 7,
        "appeals/administrative_reconsideration/total": 0,
        "appeals/administrative_reconsideration/total_cumulative": 0,
    }


def test_ambiguous_glued_run_is_unplaced_with_a_warning() -> None:
    doc = _doc("指标名称计量单位2015年度历年累计行政复议数件1215")
    cells = extract_appendix(doc, "pre2019")
    assert _facts(cells) == {}
    assert [c.status for c in cells] == ["unplaced"]
    assert cells[0].raw_text == "1215" and cells[0].warning
    assert any("1215" in w for w in doc.warnings)


def test_prose_figure_breaks_a_tie_and_disagreement_is_flagged() -> None:
    text = (
        "2015年主动公开政府信息2949条。\n"
        "指标名称计量单位2015年度历年累计主动公开文件数条294981916其中：1、政府网站公开数条2949819162、政府公报公开数条00"
        "行政复议数件35"
    )
    doc = _doc(text)
    facts = _facts(extract_appendix(doc, "pre2019"))
    assert facts["disclosure/proactive_items/total"] == 2949
    assert facts["disclosure/proactive_items_website/total_cumulative"] == 81916
    assert facts["appeals/administrative_reconsideration/total"] == 3
    assert not any("disagree" in w for w in doc.warnings)
    doc2 = _doc("全年主动公开政府信息500条。\n指标名称 单位 2015年 历年累计 主动公开信息数 条 400 5000")
    facts2 = _facts(extract_appendix(doc2, "pre2019"))
    assert facts2["disclosure/proactive_items/total"] == 400
    assert any("disagree" in w for w in doc2.warnings)


def test_layout_b_single_column_with_notes_and_fees_in_10k_yuan() -> None:
    text = (
        "政府信息公开情况统计表 统计指标 单位 统计数 一、主动公开情况 "
        "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) 条 120 其中：主动公开规范性文件数 条 5 "
        "通过不同渠道和方式公开: 政府公报 条 0 政府网站 条 100 三、依申请公开情况 (一)收到申请数 件 6 "
        "其中：1.当面申请数 件 2 2.传真申请数 件 0 3.网络申请数 件 4 4.信函申请数 件 0 "
        "四、行政复议数量 件 1 六、举报投诉数量 件 0 七、依申请公开信息收取的费用 万元 0.5 "
        "八、政府信息公开专项经费 万元 3"
    )
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts == {
        "disclosure/proactive_items/total": 120,
        "disclosure/proactive_items_gazette/total": 0,
        "disclosure/proactive_items_website/total": 100,
        "applications/applications_received/total": 6,
        "applications/applications_received/in_person": 2,
        "applications/applications_received/fax": 0,
        "applications/applications_received/online": 4,
        "applications/applications_received/letter": 0,
        "appeals/administrative_reconsideration/total": 1,
        "appeals/complaints/total": 0,
        "fees/fees_collected/amount_yuan": 5000,
    }


def test_layout_c_period_columns_keep_the_annual_one() -> None:
    text = "指标名称 计量单位 代码 本期实际 本年累计 主动公开信息数 条 01 12 130 行政复议数 件 02 0 1"
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts == {
        "disclosure/proactive_items/total": 130,
        "appeals/administrative_reconsideration/total": 1,
    }


def test_unknown_indicator_kept_raw_but_not_a_fact() -> None:
    cells = extract_appendix(
        _doc("指标名称 单位 2012年 历年累计 召开政府信息公开工作会议数 次 3 20"), "pre2019"
    )
    assert [(c.row_label, c.value, c.item) for c in cells] == [
        ("召开政府信息公开工作会议数", 3, None),
        ("召开政府信息公开工作会议数", 20, None),
    ]


def test_template_reports_get_no_appendix_cells() -> None:
    assert extract_appendix(_doc(SPACED), "2019") == []
    assert extract_appendix(_doc(SPACED), "2021") == []


def test_no_table_and_garbage_give_nothing() -> None:
    assert extract_appendix(_doc("2018年我区共主动公开政府信息1630条。"), "pre2019") == []
    garbage = extract_appendix(
        _doc("指标名称 单位 2018年 历年累计 ||| 条 条 条 99999999999999999999"), "pre2019"
    )
    assert _facts(garbage) == {} and all(c.status == "unplaced" and c.warning for c in garbage)


def test_label_mapping() -> None:
    assert map_label("接受行政诉讼、举报数") == ("appeals", "complaints", "total")
    assert map_label("政府信息公开收费减免金额") == ("fees", "fees_and_waivers_combined", "amount_yuan")
    assert map_label("否决公开答复数") == ("applications", "responses", "denied")
    assert map_label("同意部分公开答复数") == ("applications", "responses", "partially_granted")
    assert map_label("其它形式申请数") == ("applications", "applications_received", "other")
    assert map_label("当面", ("applications", "applications_received")) == (
        "applications",
        "applications_received",
        "in_person",
    )
    assert map_label("主动公开规范性文件数") is None


def test_grid_from_the_reader_keeps_blank_and_na_cells_unsplit() -> None:
    from ingest.model import Cell, Table

    grid = [
        ["指标名称", "单位", "2015年", "历年累计"],
        ["主动公开信息数", "条", "12", ""],
        ["其中：1.网站公开数", "条", "12", "/"],
        ["政府信息公开收费金额", "万元", "0.5", "1"],
    ]
    rows = [[Cell(r, c, t, line=10 + r) for c, t in enumerate(row)] for r, row in enumerate(grid)]
    lines = [Line(10 + r, f"{t} |") for r, row in enumerate(grid) for t in row]
    doc = Document("a.html", "html", "utf-8", "", 0, lines, tables=[Table(0, rows, "html", width=4)])
    cells = extract_appendix(doc, "pre2019")
    got = {(c.item, c.measure): (c.status, c.value) for c in cells}
    assert got == {
        ("proactive_items", "total"): ("reported", 12),
        ("proactive_items", "total_cumulative"): ("blank", None),
        ("proactive_items_website", "total"): ("reported", 12),
        ("proactive_items_website", "total_cumulative"): ("na_marker", None),
        ("fees_collected", "amount_yuan"): ("reported", 5000),
        ("fees_collected", "amount_yuan_cumulative"): ("reported", 10000),
    }
    assert all(c.line and c.line >= 11 for c in cells)


def test_other_header_words_and_two_year_columns() -> None:
    text = "统计项目 单位 2017年 2018年 主动公开政府信息数 条 300 350 行政复议数 件 1 2"
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts == {
        "disclosure/proactive_items/total": 350,
        "appeals/administrative_reconsideration/total": 2,
    }
    facts = _facts(extract_appendix(_doc("项目 单位 数量 行政诉讼数 件 4"), "pre2019"))
    assert facts == {"appeals/administrative_litigation/total": 4}


def test_unit_in_brackets_after_the_label() -> None:
    text = "指标名称 2014年 历年累计 依申请公开信息收取的费用(元) 120 300 行政复议数(件) 1 4"
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts == {
        "fees/fees_collected/amount_yuan": 120,
        "fees/fees_collected/amount_yuan_cumulative": 300,
        "appeals/administrative_reconsideration/total": 1,
        "appeals/administrative_reconsideration/total_cumulative": 4,
    }


def test_glued_table_with_blank_cells_is_not_split() -> None:
    doc = _doc("指标名称计量单位2016年度历年累计主动公开信息数条425行政复议数件0")
    cells = extract_appendix(doc, "pre2019")
    assert _facts(cells) == {} and [c.status for c in cells] == ["unplaced", "unplaced"]


def test_layout_c_glued_row_codes_are_cut_off_only_when_they_are_the_expected_sequence() -> None:
    # Glued Layout C: "条 | 01 | 110 | 110" prints as "条01110110"; the code must not become digits
    # of a count. 申请总数件02 + 22: the runs after the codes split under received = channels.
    text = (
        "指标名称计量单位代码本期实际本年累计主动公开信息数条01110110申请总数件0222"
        "其中：当面申请件0300网上申请件0411信函、传真申请件0511"
    )
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts["applications/applications_received/total"] == 2
    assert facts["applications/applications_received/in_person"] == 0
    assert facts["applications/applications_received/online"] == 1
    assert all(v is None or v < 100 for k, v in facts.items() if k.startswith("applications/")), facts
    # A code out of sequence is not guessed at: that row's digits stay unplaced.
    cells = extract_appendix(_doc("指标名称计量单位代码本期实际本年累计主动公开信息数条07110110"), "pre2019")
    assert _facts(cells) == {} and [c.status for c in cells] == ["unplaced"]


def test_label_with_a_bracketed_note_and_section_rows() -> None:
    # The note '(…计1条)' holds a digit and would hide the key; a name part like '(传真)' is kept.
    assert map_label("主动公开政府信息数(不同渠道和方式公开相同信息计1条)") == (
        "disclosure",
        "proactive_items",
        "total",
    )
    assert map_label("信函(传真)申请数") == ("applications", "applications_received", "letter_fax")
    # A section row ('三、行政复议、诉讼和举报情况') is no indicator, alone or glued before the next label.
    assert map_label("三、行政复议、诉讼和举报情况") is None
    assert map_label("四、收费情况") is None
    assert map_label("三、行政复议、诉讼和举报情况行政复议数量") == (
        "appeals",
        "administrative_reconsideration",
        "total",
    )


def test_glued_layout_b_with_section_rows_and_a_note() -> None:
    text = (
        "统计指标单位统计数一、主动公开情况主动公开政府信息数（不同渠道和方式公开相同信息计1条）条1839"
        "其中：政府网站条1780政府公报条59三、行政复议、诉讼和举报情况行政复议数量件2行政诉讼数量件1举报投诉数量件0"
    )
    facts = _facts(extract_appendix(_doc(text), "pre2019"))
    assert facts["disclosure/proactive_items/total"] == 1839
    assert facts["appeals/administrative_reconsideration/total"] == 2
    assert facts["appeals/administrative_litigation/total"] == 1
    assert facts["appeals/complaints/total"] == 0


def test_layout_c_glued_same_year_columns_split_into_equal_halves() -> None:
    # 本期实际 | 本年累计 of an annual report count the same year: '110110' is 110 | 110, not 1 | 10110.
    text = "指标名称计量单位代码本期实际本年累计主动公开信息数条01110110"
    assert _facts(extract_appendix(_doc(text), "pre2019")) == {"disclosure/proactive_items/total": 110}
    # Without equal halves the run stays ambiguous (12|130 or 1|2130): unplaced.
    cells = extract_appendix(_doc("指标名称计量单位代码本期实际本年累计主动公开信息数条0112130"), "pre2019")
    assert [c.status for c in cells] == ["unplaced"]


def test_layout_c_response_categories_without_qizhong() -> None:
    # Layout C lists 同意公开 / 同意部分公开 under 对申请的答复总数 with no 其中 and no 答复 in the label.
    text = (
        "指标名称 计量单位 代码 本期实际 本年累计 对申请的答复总数 件 06 3 3 同意公开 件 07 2 2 "
        "同意部分公开 件 08 1 1 否决公开答复总数 件 09 0 0"
    )
    assert _facts(extract_appendix(_doc(text), "pre2019")) == {
        "applications/responses/total": 3,
        "applications/responses/granted": 2,
        "applications/responses/partially_granted": 1,
        "applications/responses/denied": 0,
    }


def test_glued_table_with_blank_cells_still_splits_runs_that_cannot_be_one_cell() -> None:
    # '行政复议数件0' shows blank cells, so '425' stays unplaced; '00' and '012' cannot be one count.
    doc = _doc("指标名称计量单位2016年度历年累计主动公开信息数条425申请总数件00行政复议数件0行政诉讼数件012")
    cells = extract_appendix(doc, "pre2019")
    assert _facts(cells) == {
        "applications/applications_received/total": 0,
        "applications/applications_received/total_cumulative": 0,
        "appeals/administrative_litigation/total": 0,
        "appeals/administrative_litigation/total_cumulative": 12,
    }
    assert [c.status for c in cells if c.row_label in ("主动公开信息数", "行政复议数")] == [
        "unplaced",
        "unplaced",
    ]


def test_a_lone_run_in_a_spaced_table_is_not_split() -> None:
    # '19' may be 192 cut off, or one cell with the other blank: never 1 | 9.
    for text in (
        "指标名称 单位 2018年 历年累计 主动公开文件数 条 1630 20080 受理政府信息公开申请总数 条 19",
        "指标名称 单位 2018年 历年累计\n主动公开文件数 |\n条 |\n1630 |\n20080 |\n受理政府信息公开申请总数 |\n条 |\n19 |",
        "指标名称 单位 2018年 历年累计 受理政府信息公开申请总数 条 19 主动公开文件数 条 1630 20080 其他",
    ):
        cells = extract_appendix(_doc(text), "pre2019")
        assert [
            c.status for c in cells if c.row_label.endswith(("申请总数", "公开文件数")) and c.raw_text == "19"
        ] == ["unplaced"], text


def test_header_scan_equals_the_pattern_search() -> None:
    """_headers (a character-class scan, then a match at each candidate) finds what _HEADER_RE.finditer finds."""
    import random

    from ingest.appendix import _HEADER_RE, _headers

    rng = random.Random(3)
    fragments = ("指", "标", "名", "称", "统", "计", "项", "目", "计量", "单", "位", "代码", " ", "\n", "本年度",
                 "2018年", "历年累计", "累计", "数量", "全年", "指标", "统计指标", "|", "一")  # fmt: skip
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(fragments) for _ in range(rng.randrange(0, 16)))
        expected = [(m.span(), m.group("cols")) for m in _HEADER_RE.finditer(text)]
        assert [(m.span(), m.group("cols")) for m in _headers(text)] == expected, text
        found += bool(expected)
    assert found > 500
