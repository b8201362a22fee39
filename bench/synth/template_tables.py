"""The 2019 and 2021 official tables (REPORT_FORMATS §3/§4) as physical rows with truth keys.

Values come in as {(item, measure): number} per table; the builders only lay them out.
Labels use the official full-width wording; renderers normalise where the real flatteners do.
"""

from __future__ import annotations

from collections.abc import Callable

from bench.synth.layout import PCell, TableBlock, TruthKey

Values = dict[tuple[str, str], float | int | None]
Fmt = Callable[[TruthKey], PCell]

APPLICANT_COLS = (
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("social_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANT_MEASURES = tuple(m for m, _ in APPLICANT_COLS)

DENIED = (
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("denied_three_safeties_one_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party_rights", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_information", "6.属于四类过程性信息"),
    ("denied_law_enforcement_files", "7.属于行政执法案卷"),
    ("denied_administrative_query", "8.属于行政查询事项"),
)
UNABLE = (
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear_after_correction", "3.补正后申请内容仍不明确"),
)
NOT_PROCESSED = (
    ("not_processed_petition_complaint", "1.信访举报投诉类申请"),
    ("not_processed_repeated", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
OTHER_2021 = (
    ("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fees", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
)


def outcome_items(template: str) -> list[str]:
    """The outcome rows that add up to total_processed (R2)."""
    items = ["granted", "partially_granted"]
    items += [i for i, _ in DENIED + UNABLE + NOT_PROCESSED]
    items += [i for i, _ in OTHER_2021] if template == "2021" else ["other_handling"]
    return items


def application_items(template: str) -> list[str]:
    return ["new_received", "carried_over", *outcome_items(template), "total_processed", "carried_to_next_year"]


APPEAL_ITEMS = ("administrative_reconsideration", "litigation_direct", "litigation_after_reconsideration")
APPEAL_MEASURES = ("upheld", "corrected", "other", "pending", "total")
APPEAL_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _h(text: str, colspan: int = 1, rowspan: int = 1) -> PCell:
    return PCell(text, colspan, rowspan, header=True)


def applications_table(template: str, cell: Fmt, labels: dict[str, str] | None = None) -> TableBlock:
    """Table 三: 3 header rows (DOM order ≠ column order) and 23 (2019) or 25 (2021) data rows."""
    lab = labels or {}
    t = "applications"

    def values(item: str, span: int = 1) -> list[PCell]:
        cells = [cell(TruthKey(t, "applications", item, m)) for m in APPLICANT_MEASURES]
        return cells

    rows: list[list[PCell]] = [
        [_h(lab.get("corner", CORNER), 3, 3), _h("申请人情况", 7)],
        [_h("自然人", 1, 2), _h("法人或其他组织", 5), _h("总计", 1, 2)],
        [_h(x) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    data_rows: list[int] = []

    def add(row: list[PCell]) -> None:
        data_rows.append(len(rows))
        rows.append(row)

    add([PCell("一、本年新收政府信息公开申请数量", 3), *values("new_received")])
    add([PCell("二、上年结转政府信息公开申请数量", 3), *values("carried_over")])
    group_rows = 22 if template == "2021" else 20
    add([PCell("三、本年度办理结果", 1, group_rows), PCell("（一）予以公开", 2), *values("granted")])
    add([PCell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 2), *values("partially_granted")])
    for group, members in (("（三）不予公开", DENIED), ("（四）无法提供", UNABLE), ("（五）不予处理", NOT_PROCESSED)):
        for i, (item, label) in enumerate(members):
            head = [PCell(group, 1, len(members))] if i == 0 else []
            add([*head, PCell(label), *values(item)])
    if template == "2021":
        for i, (item, label) in enumerate(OTHER_2021):
            head = [PCell("（六）其他处理", 1, 3)] if i == 0 else []
            add([*head, PCell(label), *values(item)])
    else:
        add([PCell("（六）其他处理", 2), *values("other_handling")])
    add([PCell("（七）总计", 2), *values("total_processed")])
    add([PCell(lab.get("carried_to_next_year", "四、结转下年度继续办理"), 3), *values("carried_to_next_year")])
    return TableBlock(rows, 10, "applications", data_rows)


def appeals_table(cell: Fmt) -> TableBlock:
    """Table 四: 3 header rows and one row of 15 values."""
    rows: list[list[PCell]] = [
        [_h("行政复议", 5), _h("行政诉讼", 10)],
        [*(_h(x, 1, 2) for x in APPEAL_LABELS), _h("未经复议直接起诉", 5), _h("复议后起诉", 5)],
        [_h(x) for x in APPEAL_LABELS * 2],
        [cell(TruthKey("appeals", "appeals", item, m)) for item in APPEAL_ITEMS for m in APPEAL_MEASURES],
    ]
    return TableBlock(rows, 15, "appeals", [3])


def _banner(text: str, width: int) -> list[PCell]:
    return [_h(text, width)]


def disclosure_2021(cell: Fmt, normative_label: str = "行政规范性文件") -> TableBlock:
    """Table 二 of 2021: four 第二十条 blocks in one 4-wide table."""
    rows: list[list[PCell]] = []
    data: list[int] = []

    def add(row: list[PCell]) -> None:
        data.append(len(rows))
        rows.append(row)

    t1 = "disclosure_art20_1"
    rows.append(_banner("第二十条第（一）项", 4))
    rows.append([_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")])
    for item, label in (("regulations", "规章"), ("normative_documents", normative_label)):
        add([PCell(label), *(cell(TruthKey(t1, "disclosure", item, m)) for m in ("issued", "repealed", "in_force"))])
    for t, art, items in (
        ("disclosure_art20_5", "（五）", (("administrative_licensing", "行政许可"),)),
        ("disclosure_art20_6", "（六）", (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制"))),
    ):
        rows.append(_banner(f"第二十条第{art}项", 4))
        rows.append([_h("信息内容"), _h("本年处理决定数量", 3)])
        for item, label in items:
            c = cell(TruthKey(t, "disclosure", item, "decisions"))
            c.colspan = 3
            add([PCell(label), c])
    rows.append(_banner("第二十条第（八）项", 4))
    rows.append([_h("信息内容"), _h("本年收费金额（单位：万元）", 3)])
    c = cell(TruthKey("disclosure_art20_8", "disclosure", "administrative_fees", "amount_10k_yuan"))
    c.colspan = 3
    add([PCell("行政事业性收费"), c])
    return TableBlock(rows, 4, "disclosure", data)


def disclosure_2019(cell: Fmt) -> TableBlock:
    """Table 二 of the 2019 trial format, 5 grid columns, with the header/data colspan drift (FM-4)."""
    rows: list[list[PCell]] = []
    data: list[int] = []

    def add(row: list[PCell]) -> None:
        data.append(len(rows))
        rows.append(row)

    def spanned(key: TruthKey, span: int) -> PCell:
        c = cell(key)
        c.colspan = span
        return c

    t1 = "disclosure_art20_1"
    rows.append(_banner("第二十条第（一）项", 5))
    rows.append([_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量", 2), _h("对外公开总数量")])
    for item, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        ms = ("newly_made", "newly_published", "total_published")
        add([PCell(label), *(spanned(TruthKey(t1, "disclosure", item, m), s) for m, s in zip(ms, (1, 2, 1), strict=True))])
    for t, art, items in (
        ("disclosure_art20_5", "（五）", (("administrative_licensing", "行政许可"), ("other_management_services", "其他对外管理服务事项"))),
        ("disclosure_art20_6", "（六）", (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制"))),
    ):
        rows.append(_banner(f"第二十条第{art}项", 5))
        rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", 2), _h("处理决定数量")])
        ms = ("prior_year_items", "change_this_year", "decisions")
        for item, label in items:
            add([PCell(label), *(spanned(TruthKey(t, "disclosure", item, m), s) for m, s in zip(ms, (2, 1, 1), strict=True))])
    rows.append(_banner("第二十条第（八）项", 5))
    rows.append([_h("信息内容"), _h("上一年项目数量", 2), _h("本年增/减", 2)])
    t8 = "disclosure_art20_8"
    add([PCell("行政事业性收费"), *(spanned(TruthKey(t8, "disclosure", "administrative_fees", m), 2) for m in ("prior_year_items", "change_this_year"))])
    rows.append(_banner("第二十条第（九）项", 5))
    rows.append([_h("信息内容"), _h("采购项目数量", 2), _h("采购总金额", 2)])
    t9 = "disclosure_art20_9"
    add([PCell("政府集中采购"), *(spanned(TruthKey(t9, "disclosure", "government_procurement", m), 2) for m in ("projects", "total_amount"))])
    return TableBlock(rows, 5, "disclosure", data)
