"""Page metadata and the title: what the page says about itself before the report starts.

ingest.read fills `Document.page_meta` (keys title, published, organ, url) from crawl headers and
HTML meta. When it is empty (plain text with page chrome left in), the same labelled fields are
read from the first lines here: `标题:`, `发布时间:`, `发布机构:`, `来源:`, `信息名称:` …
"""

from __future__ import annotations

import re

from ingest.model import Document, Line

HEAD_LINES = 15  # page chrome and the title sit in the first lines
CRAWL_BODY = re.compile(r"^=+\s*正文\s*=+$")
# label -> page_meta key; several labels may feed one key, first found wins
LABELS = {
    "标题": "title",
    "信息名称": "title",
    "发布时间": "published",
    "发布日期": "published",
    "公开日期": "published",
    "生成日期": "generated",
    "成文日期": "written",
    "时间": "time",
    "发布机构": "organ",
    "发布单位": "organ",
    "信息来源": "source",
    "来源": "source",
    "原文链接": "url",
}
_LABEL_RE = "|".join(sorted(LABELS, key=len, reverse=True))
FIELD = re.compile(rf"(?<![\u4e00-\u9fff])({_LABEL_RE})\s*[:：]\s*\|?\s*")
# any other label-ish word that ends a value ("浏览:28135次", "所属机构:")
STOP = re.compile(rf"\s*\|?\s*(?:{_LABEL_RE}|[\u4e00-\u9fff]{{1,4}}(?:次数|机构|分类|号|词|字))\s*[:：]|浏览|【|\s\|")
NOT_A_VALUE = re.compile(r"^(?:请选择|无|-+)$")

REPORT_WORDS = re.compile(r"(?:年度?报告|年报|工作报告)")
TITLE_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
PAGE_NO = re.compile(r"^-\s*\d+\s*-\s*")


def page_meta(doc: Document, head: list[Line] | None = None) -> dict[str, str]:
    """doc.page_meta, completed from labelled fields in the first lines (or the crawl header).
    `head`: head_lines(doc.lines) when the caller has it."""
    meta = {k: v for k, v in doc.page_meta.items() if v and v.strip()}
    if head is None:
        head = head_lines(doc.lines)
    for i, line in enumerate(head):
        for key, value in _fields(line.text):
            if not value and key in ("organ", "source") and i + 1 < len(head):
                nxt = head[i + 1].text.strip()  # "发布机构:" with the value on the next line
                value = nxt if 2 <= len(nxt) <= 30 and not FIELD.search(nxt) else ""
            if value and not NOT_A_VALUE.match(value):
                meta.setdefault(key, value)
    return meta


def head_lines(lines: list[Line]) -> list[Line]:
    """The lines before the report starts: page chrome, the crawl header, the title."""
    for i, line in enumerate(lines[:40]):
        if "正文" in line.text and CRAWL_BODY.match(line.text.strip()):
            return lines[: i + 2]  # the crawl header plus the first body line (page chrome)
    return lines[:HEAD_LINES]


def _fields(text: str) -> list[tuple[str, str]]:
    if ":" not in text and "：" not in text:
        return []  # every FIELD ends in a colon
    out = []
    matches = list(FIELD.finditer(text))
    for m in matches:
        rest = text[m.end() :]
        stop = STOP.search(rest)
        value = (rest[: stop.start()] if stop else rest).strip(" '\"|")
        out.append((LABELS[m.group(1)], value))
    return out


def title(doc: Document, meta: dict[str, str], head: list[Line] | None = None) -> str | None:
    """The report's title: page metadata, else the first heading-like line naming a report year.
    `head`: head_lines(doc.lines) when the caller has it."""
    if meta.get("title"):
        return _report_part(_clean(meta["title"]))
    lines = [ln.text.strip() for ln in (head_lines(doc.lines) if head is None else head)]
    for i, text in enumerate(lines):
        if not (REPORT_WORDS.search(text) and TITLE_YEAR.search(text)) or len(text) > 60 or FIELD.search(text):
            continue
        text = _clean(text)
        # a title broken over two lines: "-1-淮安市人民政府" / "2024年政府信息公开工作年度报告"
        if TITLE_YEAR.match(text) and i > 0 and 2 <= len(_clean(lines[i - 1])) <= 30:
            prev = _clean(lines[i - 1])
            if not REPORT_WORDS.search(prev) and not FIELD.search(prev):
                text = prev + text
        return text
    return None


SITE_SEPARATOR = re.compile(r"\s*(?:_|\||｜|——|--|\s-\s)\s*")


def _report_part(title: str) -> str:
    """"平山区2017年…年度报告_本溪市平山区人民政府" → the part naming the report."""
    parts = [p for p in SITE_SEPARATOR.split(title) if p]
    for p in parts:
        if REPORT_WORDS.search(p):
            return p
    return title


def _clean(text: str) -> str:
    return PAGE_NO.sub("", text).strip(" |")
