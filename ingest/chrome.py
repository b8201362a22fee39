"""Page chrome and container metadata: what a web page wraps around a report.

- `split_crawl_header`: the crawler's header (标题: / 发布时间: / 发布机构: / 原文链接: … up to a
  `==== 正文 ====` line) becomes page_meta and leaves the body.
- `meta_line`: a short line made only of `key: value` pairs of page metadata (索引号, 发布机构,
  发布日期, 来源, 浏览 …, also pipe-separated as a layout table) is page_meta, not body text.
- `strip_chrome`: navigation and widget text (扫一扫在手机上查看当前页面, 打印本页, 关闭窗口,
  字体大中小, 浏览次数, leaked MS-Word CSS) is cut out of a line.
"""

from __future__ import annotations

import re

# Chinese page-metadata keys -> page_meta keys. The value is kept as printed (raw string).
META_KEYS: dict[str, str] = {
    "标题": "title",
    "信息名称": "title",
    "名称": "title",
    "发布时间": "published",
    "发布日期": "published",
    "公开日期": "published",
    "生成日期": "generated",
    "成文日期": "written",
    "日期": "published",
    "时间": "published",
    "发布机构": "organ",
    "发布单位": "organ",
    "发文机关": "organ",
    "发布部门": "organ",
    "信息来源": "source",
    "来源": "source",
    "原文链接": "url",
    "索引号": "index_no",
    "文号": "doc_no",
    "发文字号": "doc_no",
    "栏目": "column",
    "主题分类": "topic",
    "公开方式": "disclosure_mode",
    "公开范围": "disclosure_scope",
    "公开时限": "disclosure_period",
    "浏览次数": "views",
    "浏览": "views",
    "点击数": "views",
    "本地目录": "local_path",
}
# Keys strong enough to mark a line as page metadata on their own (时间/日期/名称 are too common).
_STRONG = {k for k in META_KEYS if k not in ("时间", "日期", "名称", "栏目")}
_KEY_ALT = "|".join(sorted(META_KEYS, key=len, reverse=True))
_PAIR = re.compile(rf"({_KEY_ALT})\s*[:：]\s*\|?\s*")
_CRAWL_BODY = re.compile(r"^=+\s*正文\s*=+$")
_CRAWL_KEY = re.compile(r"^([^\s:：]{1,8})\s*[:：]\s?(.*)$")
_MAX_META_LINE = 160

_CHROME = re.compile(
    r"扫一扫在手机上查看当前页面|扫一扫在手机打开当前页|打印本页|关闭窗口|保存本页|【\s*打印\s*】|【\s*关闭\s*】"
    r"|[【\[]?\s*字体\s*[:：]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小[】\]]?\s*[】\]]?"
    r"|浏览次数\s*[:：]\s*\d*\s*次?|浏览\s*[:：]\s*\d+\s*次|分享到\s*[:：]?|当前位置\s*[:：]\s*(?:[^\s|。>]{1,20}\s*[>»›]\s*)*[^\s|。>]{0,20}\s*\|?"
    r"|页面链接与图片详见\s*links\.tsv\s*\(同目录\)"
)
# Word's HTML export leaks its style sheet as text: `Normal 0 7.8 磅 … X-NONE /* Style Definitions */ table.MsoNormalTable {…}`.
_WORD_CSS = re.compile(r"(?:Normal\s+0\s.{0,120}?X-NONE\s*)?(?:/\*.*?\*/\s*)?(?:[\w.#:-]+\s*\{[^{}]*\}\s*)+")
_WORD_PREAMBLE = re.compile(r"Normal\s+0\s+[\d.]+\s*磅.{0,120}?X-NONE\s*")


def split_crawl_header(lines: list[str]) -> tuple[dict[str, str], int]:
    """(page_meta, index of the first body line). No header → ({}, 0)."""
    if "正文" not in "".join(lines[:40]):
        return {}, 0  # no `==== 正文 ====` line (the common case, one substring search)
    for i, line in enumerate(lines[:40]):
        if _CRAWL_BODY.match(line.strip()):
            meta: dict[str, str] = {}
            for head in lines[:i]:
                m = _CRAWL_KEY.match(head.strip())
                if m and m.group(2).strip():
                    key = META_KEYS.get(m.group(1))
                    if key:
                        meta.setdefault(key, m.group(2).strip())
            return meta, i + 1
    return {}, 0


def meta_line(line: str) -> dict[str, str] | None:
    """The page metadata of a line made only of `key: value` pairs, else None."""
    if len(line) > _MAX_META_LINE or ("：" not in line and ":" not in line):
        return None
    pairs = list(_PAIR.finditer(line))
    if not pairs or pairs[0].start() > 0 or not any(p.group(1) in _STRONG for p in pairs):
        return None
    meta: dict[str, str] = {}
    for p, nxt in zip(pairs, [*pairs[1:], None], strict=True):
        value = line[p.end() : nxt.start() if nxt else len(line)]
        value = value.strip(" |'\"")
        if value:
            meta.setdefault(META_KEYS[p.group(1)], value)
    return meta


def strip_chrome(line: str) -> str:
    """The line without navigation/widget text; may return an empty string."""
    if "{" in line and ("mso-" in line or "Style Definitions" in line):
        line = _WORD_CSS.sub(" ", line)
    if "X-NONE" in line:
        line = _WORD_PREAMBLE.sub(" ", line)
    return _CHROME.sub("", line).strip() if _has_chrome_hint(line) else line


_HINT_LITERALS = ("扫一扫", "打印", "关闭", "字体", "浏览", "分享到", "当前位置", "保存本页", "links.tsv")
_HINT = re.compile("|".join(map(re.escape, _HINT_LITERALS)))
# Anything that may make strip_chrome change a line: a chrome word, a brace or X-NONE (Word's CSS)
# (each looked for by str.find, which skips through the text far faster than a regex tries each
# position against the words' first characters) …
_SUSPECT_LITERALS = (*_HINT_LITERALS, "{", "X-NONE")
# … or meta_line accept it: a page-metadata key at the start of a line, then a colon.
# (The lookahead on the keys' first characters lets most lines fail before the 29-way alternation.)
_META_START = re.compile(rf"\n(?=[{''.join(sorted({k[0] for k in META_KEYS}))}])(?:{_KEY_ALT})\s*[:：]")


def _has_chrome_hint(line: str) -> bool:
    return _HINT.search(line) is not None


def suspect_lines(texts: list[str]) -> set[int]:
    """Indices of the texts that may hold page chrome or be a page-metadata line; for every other
    text strip_chrome is the identity and meta_line is None. One regex pass over the whole text
    (metadata keys after a newline) and one str.find pass per chrome word."""
    joined = "\n" + "\n".join(texts)
    starts = [m.start() + 1 for m in _META_START.finditer(joined)]
    for word in _SUSPECT_LITERALS:  # every place a word occurs (no word holds a newline)
        at = joined.find(word)
        while at >= 0:
            starts.append(at)
            at = joined.find(word, at + 1)
    if not starts:
        return set()
    out: set[int] = set()
    line, at = -1, 0  # the text index at offset `at` of `joined`
    for i in sorted(starts):  # newlines counted once, from one start to the next
        line += joined.count("\n", at, i)
        at = i
        out.add(line)
    return out
