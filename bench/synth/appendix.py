"""Pre-2019 statistics appendices (附表), layouts A, B and C of REPORT_FORMATS §7."""

from __future__ import annotations

from collections.abc import Callable

from bench.synth.layout import PCell, TableBlock, TruthKey

Key = tuple[str, str, str]
T = "statistics_appendix"

# (label, unit, section, item, measure) — measure of the annual column.
_ROWS_A = (
    ("主动公开文件数", "条", "disclosure", "proactive_items", "total"),
    ("其中：1.政府网站公开数", "条", "disclosure", "proactive_items_website", "total"),
    ("2.政府公报公开数", "条", "disclosure", "proactive_items_gazette", "total"),
    ("受理政府信息公开申请总数", "条", "applications", "applications_received", "total"),
    ("其中：1.当面申请数", "条", "applications", "applications_received", "in_person"),
    ("2.网络申请数", "条", "applications", "applications_received", "online"),
    ("3.信函、传真申请数", "条", "applications", "applications_received", "letter_fax"),
    ("对申请的答复总数", "条", "applications", "responses", "total"),
    ("其中：1.同意公开答复数", "条", "applications", "responses", "granted"),
    ("2.同意部分公开答复数", "条", "applications", "responses", "partially_granted"),
    ("3.不予公开答复数", "条", "applications", "responses", "denied"),
    ("4.其他类型答复数", "条", "applications", "responses", "other"),
    ("接受行政申诉、举报数", "件", "appeals", "complaints", "total"),
    ("行政复议数", "件", "appeals", "administrative_reconsideration", "total"),
    ("行政诉讼数", "件", "appeals", "administrative_litigation", "total"),
)

_ROWS_B: tuple[tuple[str, str, str, str, str] | str, ...] = (
    "一、主动公开情况",
    ("主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "disclosure", "proactive_items", "total"),
    ("其中：政府网站", "条", "disclosure", "proactive_items_website", "total"),
    ("政府公报", "条", "disclosure", "proactive_items_gazette", "total"),
    "二、依申请公开情况",
    ("收到申请数", "件", "applications", "applications_received", "total"),
    ("1.当面申请数", "件", "applications", "applications_received", "in_person"),
    ("2.网络申请数", "件", "applications", "applications_received", "online"),
    ("3.信函、传真申请数", "件", "applications", "applications_received", "letter_fax"),
    ("申请答复数", "件", "applications", "responses", "total"),
    ("1.同意公开答复数", "件", "applications", "responses", "granted"),
    ("2.同意部分公开答复数", "件", "applications", "responses", "partially_granted"),
    ("3.不同意公开答复数", "件", "applications", "responses", "denied"),
    ("4.其他情形答复数", "件", "applications", "responses", "other"),
    "三、行政复议、诉讼和举报情况",
    ("行政复议数量", "件", "appeals", "administrative_reconsideration", "total"),
    ("行政诉讼数量", "件", "appeals", "administrative_litigation", "total"),
    ("举报投诉数量", "件", "appeals", "complaints", "total"),
    "四、收费情况",
    ("依申请公开信息收取的费用", "万元", "fees", "fees_collected", "amount_yuan"),
)

_ROWS_C = (
    ("主动公开信息数", "条", "disclosure", "proactive_items", "total"),
    ("申请总数", "件", "applications", "applications_received", "total"),
    ("其中：当面申请", "件", "applications", "applications_received", "in_person"),
    ("网上申请", "件", "applications", "applications_received", "online"),
    ("信函、传真申请", "件", "applications", "applications_received", "letter_fax"),
    ("对申请的答复总数", "件", "applications", "responses", "total"),
    ("同意公开", "件", "applications", "responses", "granted"),
    ("同意部分公开", "件", "applications", "responses", "partially_granted"),
    ("否决公开答复总数", "件", "applications", "responses", "denied"),
    ("行政复议数", "件", "appeals", "administrative_reconsideration", "total"),
    ("行政诉讼数", "件", "appeals", "administrative_litigation", "total"),
    ("行政申诉数", "件", "appeals", "complaints", "total"),
)

Cell = Callable[[TruthKey | None, float], PCell]


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def layout_a(f: dict[Key, float], year: int, cell: Cell) -> TableBlock:
    """Fujian style: 指 标 名 称 | 单位 | YYYY年 | 历年累计 (4 cells a row, no row-end marks)."""
    rows = [[PCell(x, header=True) for x in ("指 标 名 称", "单位", f"{year}年", "历年累计")]]
    for label, unit, sec, item, m in _ROWS_A:
        rows.append([PCell(label), PCell(unit),
                     cell(TruthKey(T, sec, item, m), f[(sec, item, m)]),
                     cell(TruthKey(T, sec, item, m + "_cumulative"), f[(sec, item, m + "_cumulative")])])
    return TableBlock(rows, 4, "appendix", list(range(1, len(rows))))


def layout_b(f: dict[Key, float], year: int, cell: Cell) -> TableBlock:
    """National 2015–2018 style: 统计指标 | 单位 | 统计数, with category banner rows."""
    rows = [[PCell(x, header=True) for x in ("统计指标", "单位", "统计数")]]
    data = []
    for spec in _ROWS_B:
        if isinstance(spec, str):
            rows.append([PCell(spec, 3)])
            continue
        label, unit, sec, item, m = spec
        v = f[(sec, item, m)]
        c = cell(TruthKey(T, sec, item, m), v)
        if unit == "万元":  # printed in 万元, the fact is in yuan (VOCABULARY: fees)
            c.text = _num(round(v / 10000, 4)) if c.status == "reported" else c.text
        data.append(len(rows))
        rows.append([PCell(label), PCell(unit), c])
    return TableBlock(rows, 3, "appendix", data)


def layout_c(f: dict[Key, float], year: int, cell: Cell) -> TableBlock:
    """Provincial form: 指标名称 | 计量单位 | 代码 | 本期实际 | 本年累计 (annual report: both the year)."""
    rows = [[PCell(x, header=True) for x in ("指标名称", "计量单位", "代码", "本期实际", "本年累计")]]
    for i, (label, unit, sec, item, m) in enumerate(_ROWS_C, start=1):
        v = f[(sec, item, m)]
        annual = cell(TruthKey(T, sec, item, m), v)
        period = PCell(annual.text)
        rows.append([PCell(label), PCell(unit), PCell(f"{i:02d}"), period, annual])
    return TableBlock(rows, 5, "appendix", list(range(1, len(rows))))


LAYOUTS = {"A": layout_a, "B": layout_b, "C": layout_c}
