"""Appeals figures the report restates in its own prose, used only to choose among the splits of
a glued table-四 row that the arithmetic leaves open.

Reports often say, in 总体情况 or section 四, "行政复议351件，其中结果维持72件，结果纠正64件，
其他结果178件，尚未审结37件；行政诉讼46件，其中结果维持25件…". Those numbers never become cells
here: they only discard splits that contradict them, and a split is kept only when exactly one
survives. Litigation figures in prose cover both table blocks (未经复议直接起诉 + 复议后起诉).
"""

from __future__ import annotations

import re

from ingest.templates.stream import Stream

_OUTCOMES = (("结果维持", 0), ("维持", 0), ("结果纠正", 1), ("纠正", 1), ("其他结果", 2), ("尚未审结", 3), ("未审结", 3))
_SUBJECT = re.compile(r"(行政复议|行政诉讼)(?:案件)?(?:共)?(\d+)件")
_STOP = re.compile(r"[;。]|行政复议|行政诉讼")


def stated_appeals(stream: Stream, table_region: tuple[int, int]) -> dict[str, dict[int, int]]:
    """{'reconsideration' | 'litigation': {measure index 0–4 (4 = total): value}} from prose
    outside the table; empty when the prose states nothing or contradicts itself."""
    out: dict[str, dict[int, int]] = {}
    key = stream.key
    for m in _SUBJECT.finditer(key):
        if table_region[0] <= m.start() < table_region[1]:
            continue
        if "信息公开" not in key[max(0, m.start() - 12):m.start()]:
            continue  # only figures stated about disclosure appeals (政府信息公开行政复议…)
        name = "reconsideration" if m.group(1) == "行政复议" else "litigation"
        found = {4: int(m.group(2))}
        stop = _STOP.search(key, m.end())
        tail = key[m.end():stop.start() if stop else m.end() + 80][:80]
        for label, idx in _OUTCOMES:
            if idx in found:
                continue
            o = re.search(re.escape(label) + r"(\d+)件", tail)
            if o:
                found[idx] = int(o.group(1))
        if name in out and out[name] != found:
            return {}  # two different statements: trust neither
        out[name] = found
    return out


def agrees(cells: list[float | None], stated: dict[str, dict[int, int]]) -> bool:
    """Whether a 15-cell appeals reading agrees with every figure the prose states."""
    for name, figures in stated.items():
        for idx, value in figures.items():
            if name == "reconsideration":
                got = cells[idx]
            else:
                a, b = cells[5 + idx], cells[10 + idx]
                got = None if a is None or b is None else a + b
            if got is None or abs(got - value) > 1e-9:
                return False
    return True
