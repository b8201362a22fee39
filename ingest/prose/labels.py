"""Clean the Chinese labels that breakdown facts use as their measure.

A breakdown of published items by kind, key area or unit keeps the label as printed, minus the
words around it that are not part of the name: enumerators ("(二)", "1."), time words
("2018年度"), filler ("方面的", "相关", "各类"), and the generic tail "信息" of a list of kinds
("政策、规范性文件类信息" -> "政策、规范性文件类"). A unit other than 条/件 is kept as "(份)".
"""

from __future__ import annotations

import re

_ENUM_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{0,3}[)）]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,3}是)"
)
_LEAD_RE = re.compile(
    r"^(?:其中|另外|此外|同时|并|及|和|以及|共|共计|合计|累计|全年|今年|本年度?|当年)[:：,，、]?"
)
_TIME_RE = re.compile(r"^.*?\d{4}年(?:度)?(?:以来|至今)?")
_PAREN_RE = re.compile(r"[（(][^)）]*[)）]")
_PLAIN_UNITS = ("条", "件")


def strip_enumerator(text: str) -> str:
    prev = None
    while prev != text:
        prev = text
        text = _ENUM_RE.sub("", text).strip(" :：,，、;；")
        text = _LEAD_RE.sub("", text)
    return text


def with_unit(label: str, unit: str | None) -> str:
    return label if unit is None or unit in _PLAIN_UNITS else f"{label}({unit})"


def category_label(raw: str, unit: str | None) -> str | None:
    """'(二)政策、规范性文件类信息' -> '政策、规范性文件类'; None when nothing name-like is left."""
    label = strip_enumerator(raw)
    label = re.sub(r"类的?信息$", "类", label)
    if "、" in label and label.endswith("信息") and len(label) > 4:
        label = label[:-2]
    label = re.sub(r"信息数$", "信息", label)
    label = re.sub(r"(?:共|共计|合计|等)+$", "", label)
    return _checked(with_unit(label, unit))


def key_area_label(raw: str, unit: str | None) -> str | None:
    """'抚顺市…办事处2017年度部门决算' -> '部门决算'; '安全生产方面的监管执法信息情况' -> '安全生产监管执法信息'."""
    label = strip_enumerator(_PAREN_RE.sub("", raw))
    label = _TIME_RE.sub("", label)
    label = re.sub(r"^(?:了|各类|各种|相关|有关)+", "", label)
    label = label.replace("方面的", "").replace("方面", "")
    label = re.sub(r"(?:情况|共|共计|合计|数)+$", "", label)
    if "等" in label:
        # 'A、B等C信息' names the kind C (A, B are examples); 'A等C信息' and 'A等信息' keep A
        head, _, tail = label.rpartition("等")
        label = tail if "、" in head and tail not in ("信息", "") else head + tail
    if _ACTION_END_RE.search(label):  # '公开建设项目环评行政审批46条' counts items of 审批 information
        label += "信息"
    return _checked(with_unit(label, unit))


# an administrative action (not a document): N 条 of it are N items of information about it
_ACTION_END_RE = re.compile(r"(?:审批|许可|处罚|执法|监管|检查|核准|备案|验收|强制)$")


def unit_label(raw: str) -> str | None:
    """'主动公开的政府信息，县直各单位' -> '县直各单位'."""
    label = re.split(r"[,，:：;；]", raw)[-1]
    label = _TIME_RE.sub("", label)
    label = strip_enumerator(label)
    return _checked(label)


def _checked(label: str) -> str | None:
    label = label.strip(" :：,，、;；")
    if label.startswith(("的", "了", "是", "在")):
        return None
    if not (2 <= len(label) <= 40) or re.search(r"\d|%|占", label.split("(")[0]):
        return None
    return label
