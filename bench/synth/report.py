"""Assemble one synthetic report (blocks + ground truth) from a seeded random stream."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from bench.synth import appendix, figures, prose, template_tables
from bench.synth.ambiguity import glued_recoverable, spaced_recoverable
from bench.synth.areas import Organ, pick_organ
from bench.synth.layout import Block, Chrome, Heading, Para, PCell, TableBlock, TruthKey, nfkc, normalise_grid
from bench.synth.prose import TruthFigure
from bench.synth.render import FORMATS, RENDERERS, render_html

ERAS = ("pre2019", "2019", "2021")
TEMPLATE_DAMAGE = ("blank_cells", "na_marker", "missing_table", "broken_arithmetic", "label_variant",
                   "fullwidth_digits", "thousands_sep", "no_title", "dropped_chars")
PRE2019_DAMAGE = ("no_title", "dropped_chars", "missing_table", "blank_cells")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROW_RULES = {"applications": "row_total", "appeals": "blocks_of_5"}


@dataclass(frozen=True, slots=True)
class TruthCell:
    table_name: str
    section: str
    item: str
    measure: str
    value: float | None
    status: str  # reported | blank | na_marker
    text: str  # the cell as printed
    ambiguous_in: tuple[str, ...] = ()  # renderings in which this cell cannot be placed for sure


@dataclass
class SynthReport:
    """One generated report: render it in any format; its ground truth is in truth_cells/figures."""

    id: str
    meta: dict[str, Any]
    blocks: list[Block]
    truth_figures: list[TruthFigure]
    damage: list[str]
    arithmetic_holds: bool = True
    html_encoding: str = "utf-8"
    _cells: list[TruthCell] | None = field(default=None, repr=False)

    def render(self, fmt: str) -> bytes:
        if fmt not in RENDERERS:
            raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
        if fmt == "html":
            return render_html(self.blocks, self.meta["title"], self.html_encoding)
        return RENDERERS[fmt](self.blocks, self.meta["title"])

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]

    def grids(self) -> list[list[list[str]]]:
        """The expanded, normalised grid of every table: what each rendering must reproduce."""
        return [normalise_grid(t.grid()) for t in self.tables()]

    @property
    def truth_cells(self) -> list[TruthCell]:
        if self._cells is None:
            self._cells = _truth_cells(self.tables())
        return self._cells

    def facts(self) -> list[dict[str, Any]]:
        """Facts in the shape of tests/fixtures/reports/*.json (a table cell wins over prose)."""
        out: dict[tuple[str, str, str], dict[str, Any]] = {}
        for c in self.truth_cells:
            out[(c.section, c.item, c.measure)] = {"section": c.section, "item": c.item, "measure": c.measure,
                                                   "value": c.value, "approx": False, "status": c.status}
        for f in self.truth_figures:
            out.setdefault((f.section, f.item, f.measure), {
                "section": f.section, "item": f.item, "measure": f.measure,
                "value": f.value, "approx": f.approx, "status": f.status})
        return list(out.values())

    def truth_json(self) -> dict[str, Any]:
        m = self.meta
        return {
            "id": self.id,
            "organ": m["organ"],
            "area": m["area"],
            "area_code": m["area_code"],
            "organ_kind": m["organ_kind"],
            "level": m["level"],
            "report_year": m["report_year"],
            "published": m["published"],
            "template": m["template"],
            "facts": self.facts(),
            "cells": [
                {"table_name": c.table_name, "section": c.section, "item": c.item, "measure": c.measure,
                 "value": c.value, "status": c.status, "text": c.text, "ambiguous_in": list(c.ambiguous_in)}
                for c in self.truth_cells
            ],
            "damage": self.damage,
            "arithmetic_holds": self.arithmetic_holds,
            "notes": f"synthetic report ({m['template']} template); damage: {', '.join(self.damage) or 'none'}",
        }


def _truth_cells(tables: list[TableBlock]) -> list[TruthCell]:
    out = []
    for t in tables:
        rule = _ROW_RULES.get(t.name)
        for r in t.data_rows:
            cells = [c for c in t.rows[r] if c.key is not None]
            texts = [nfkc(c.text) for c in cells]
            amb: list[str] = []
            if not glued_recoverable(texts, rule):
                amb.append("glued")
            if not spaced_recoverable(texts):
                amb.append("oneline")
            for c in cells:
                k = c.key
                assert k is not None and c.status is not None
                out.append(TruthCell(k.table_name, k.section, k.item, k.measure, c.value, c.status, c.text, tuple(amb)))
    return out


# ---------------------------------------------------------------- cell formatting and damage


def _fmt(v: float, key: TruthKey, damage: list[str], rng: random.Random) -> str:
    if key.measure == "change_this_year" and v:
        s = f"{int(v):+d}"
    elif float(v).is_integer():
        s = f"{int(v):,}" if "thousands_sep" in damage and v >= 1000 and rng.random() < 0.7 else str(int(v))
    else:
        s = f"{v:.2f}".rstrip("0").rstrip(".")
    if "fullwidth_digits" in damage and rng.random() < 0.5:
        s = s.translate(_FULLWIDTH)
    return s


def _blank_some(tables: list[TableBlock], rng: random.Random, marker: str, status: str) -> None:
    """Zeros printed as empty cells or '/', the way many organs fill the template (FM-6)."""
    rate = rng.uniform(0.2, 0.9)
    for t in tables:
        for row in t.rows:
            for c in row:
                if c.key is not None and c.value == 0 and rng.random() < rate:
                    c.text, c.value, c.status = marker, None, status


def _break_arithmetic(tables: list[TableBlock], rng: random.Random) -> bool:
    """Misprint one total so that a template identity fails (FM-25); False when there is none to break."""
    for t in tables:
        if t.name in ("applications", "appeals"):
            totals = [c for row in t.rows for c in row
                      if c.key is not None and c.key.measure == "total" and c.status == "reported"]
            if totals:
                c = rng.choice(totals)
                c.value = (c.value or 0) + rng.randint(1, 3)
                c.text = str(int(c.value))
                return True
    return False


# ---------------------------------------------------------------- report bodies


def _chrome_head(rng: random.Random, organ: Organ, published: str, year: int) -> list[Block]:
    return [
        Chrome(f"索引号：{organ.area_code}-{rng.randint(10**7, 10**8 - 1)}/{year + 1}-{rng.randint(1, 999):05d}"),
        Chrome(f"发布机构：{organ.name}    发布日期：{published}"),
        Chrome(f"来源：{organ.name}    浏览次数：{rng.randint(20, 40000)}次"),
    ]


def _chrome_tail() -> list[Block]:
    return [Chrome("扫一扫在手机上查看当前页面"), Chrome("【打印本页】 【关闭窗口】")]


def _intro(organ: Organ, year: int, damage: list[str]) -> Para:
    period = f"自{year}年1月1日起至{year}年12月31日止"
    if "dropped_chars" in damage:
        period = f"自{year}11日起至{year}1231日止"  # 年/月 lost (FM-12)
    return Para(f"本报告根据《中华人民共和国政府信息公开条例》要求，由{organ.name}编制。"
                f"本报告中所列数据的统计期限{period}。如对本报告有疑问，请与{organ.name}办公室联系。")


def _short(organ: Organ) -> str:
    return "我" + ("街道" if organ.township and organ.township.endswith("街道") else
                  "镇" if organ.level == "township" else "局" if organ.kind == "department" else "区")


def _template_body(rng: random.Random, organ: Organ, year: int, template: str, damage: list[str]) -> tuple[list[Block], bool]:
    act = figures.activity(rng, organ)
    vals: dict[tuple[str, str, str], float] = {}
    vals |= figures.disclosure_2021(rng, act, organ) if template == "2021" else figures.disclosure_2019(rng, act, organ)
    vals |= figures.applications(rng, act, template)
    vals |= figures.appeals(rng, act)

    def cell(key: TruthKey) -> PCell:
        v = vals[(key.section, key.item, key.measure)]
        return PCell(_fmt(v, key, damage, rng), key=key, value=v, status="reported")

    variant = "label_variant" in damage
    labels = {}
    if variant:
        labels = {"corner": "（本列数据的勾稽关系为：第一项和第二项之和，等于第三项和第四项之和）",
                  "carried_to_next_year": "四、结转下一年度继续办理"}
    disclosure = (template_tables.disclosure_2021(cell, "规范性文件" if variant else "行政规范性文件")
                  if template == "2021" else template_tables.disclosure_2019(cell))
    apps = template_tables.applications_table(template, cell, labels)
    appeals = template_tables.appeals_table(cell)
    tables = [disclosure, apps, appeals]
    if "blank_cells" in damage:
        _blank_some(tables, rng, "", "blank")
    if "na_marker" in damage:
        _blank_some(tables, rng, rng.choice(("/", "-", "—", "无")), "na_marker")
    holds = not ("broken_arithmetic" in damage and _break_arithmetic(tables, rng))
    if "missing_table" in damage:
        gone = rng.choices(tables, weights=(2, 1, 6))[0]
        tables = [t if t is not gone else None for t in tables]  # type: ignore[misc]
    short = _short(organ)
    body: list[Block] = [Heading("一、总体情况")]
    body += [Para(p.format(year=year, short=short)) for p in prose.OVERVIEW]
    body += [Para(rng.choice(prose.PLATFORM))]
    heads = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况")
    for head, t in zip(heads, tables, strict=True):
        body.append(Heading(head))
        if t is not None:
            body.append(t)
    body += [Heading("五、存在的主要问题及改进情况"), *(Para(p) for p in prose.PROBLEMS)]
    body += [Heading("六、其他需要报告的事项"), Para(prose.OTHER_2021[0] if template == "2021" else prose.OTHER_2021[1])]
    return body, holds


def _pre2019_body(rng: random.Random, organ: Organ, year: int, damage: list[str]) -> tuple[list[Block], list[TruthFigure]]:
    act = figures.activity(rng, organ)
    f = figures.pre2019(rng, act, year)
    short = _short(organ)
    facts: list[TruthFigure] = []
    body: list[Block] = [Heading("一、概述")]
    body += [Para(p.format(year=year, short=short)) for p in prose.OVERVIEW[:2]]
    sections = (
        ("二、主动公开政府信息情况", prose.proactive_sentence),
        ("三、依申请公开政府信息情况", prose.applications_sentence),
        ("四、政府信息公开的收费及减免情况", prose.fees_sentence),
        ("五、因政府信息公开申请行政复议、提起行政诉讼的情况", prose.appeals_sentence),
    )
    for head, sentence in sections:
        body.append(Heading(head))
        if head.startswith("五") and rng.random() < 0.2:
            body.append(Para(rng.choice(prose.PLATFORM)))
            continue  # not mentioned: no appeals facts (FM-9)
        text, said = sentence(rng, f, year)
        body.append(Para(text))
        facts += said
    body += [Heading("六、存在的主要问题及改进措施"), *(Para(p) for p in prose.PROBLEMS)]
    body += [Heading("七、其他需要报告的事项"), Para("无其他需要报告的事项。")]
    if rng.random() < 0.45:
        layout = rng.choice("AABC")

        def cell(key: TruthKey | None, v: float) -> PCell:
            return PCell(appendix._num(v), key=key, value=v, status="reported")

        table = appendix.LAYOUTS[layout](f, year, cell)
        if "blank_cells" in damage:
            _blank_some([table], rng, "", "blank")
        body += [Heading("附表：政府信息公开情况统计表")]
        if "missing_table" not in damage:
            body.append(table)
    return body, facts


# ---------------------------------------------------------------- the public entry points


def _published(rng: random.Random, year: int, template: str) -> str:
    start = dt.date(year + 1, 1, 10) if template != "pre2019" else dt.date(year + 1, 2, 15)
    return (start + dt.timedelta(days=rng.randint(0, 75))).isoformat()


def make_report(seed: int, index: int, eras: tuple[str, ...] = ERAS, damage_rate: float = 0.3) -> SynthReport:
    """The index-th report of a seeded corpus (independent of the others, so it can be made alone)."""
    rng = random.Random(f"ogi-synth:{seed}:{index}")
    era = rng.choice(eras)
    organ = pick_organ(rng)
    if era == "pre2019":
        year = 2019 if rng.random() < 0.04 else rng.randint(2008, 2018)  # FM-1: old layout after 2019
    elif era == "2019":
        year = rng.choice((2019, 2020))
    else:
        year = rng.randint(2021, 2025)
    kinds = TEMPLATE_DAMAGE if era != "pre2019" else PRE2019_DAMAGE
    damage = sorted(rng.sample(kinds, rng.choice((1, 1, 2, 3)))) if rng.random() < damage_rate else []
    published = _published(rng, year, era)
    title = f"{organ.name}{year}年政府信息公开工作年度报告"
    truth_figs: list[TruthFigure] = []
    holds = True
    if era == "pre2019":
        body, truth_figs = _pre2019_body(rng, organ, year, damage)
    else:
        body, holds = _template_body(rng, organ, year, era, damage)
    blocks: list[Block] = [*_chrome_head(rng, organ, published, year)]
    if "no_title" not in damage:
        blocks.append(Heading(title))
    blocks.append(_intro(organ, year, damage))
    blocks += body
    blocks.append(Para(f"{organ.name}    {published[:4]}年{int(published[5:7])}月{int(published[8:])}日"))
    blocks += _chrome_tail()
    meta = {
        "organ": organ.name, "organ_kind": organ.kind, "level": organ.level, "area": organ.area(),
        "area_code": organ.area_code, "report_year": year, "published": published, "template": era,
        "title": title if "no_title" not in damage else None,
    }
    encoding = "gbk" if rng.random() < 0.2 else "utf-8"
    return SynthReport(f"synth-{seed}-{index:06d}", meta, blocks, truth_figs, damage, holds, encoding)


def generate(seed: int, n: int, eras: tuple[str, ...] = ERAS, damage_rate: float = 0.3, start: int = 0) -> list[SynthReport]:
    """n reports of the corpus `seed` (indices start … start+n-1); same arguments, same reports."""
    for e in eras:
        if e not in ERAS:
            raise ValueError(f"unknown era {e!r}; known: {', '.join(ERAS)}")
    return [make_report(seed, i, eras, damage_rate) for i in range(start, start + n)]
