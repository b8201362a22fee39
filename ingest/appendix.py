"""Pre-2019 statistics appendices (附表 / 统计表, layouts A/B/C of REPORT_FORMATS §7) -> keyed cells.

The table is read from its text whatever shape it arrived in: one cell per line (" |" ends),
cells spaced on one line, or cells glued with no separator at all
("主动公开信息数条4251516" = 条 | 425 | 1516). Rows are found by their unit column (a unit
directly followed by digits ends a label). A glued digit run is split only when exactly one split
fits: cumulative >= annual, the table's own sums (a total = its "其中" channels, received =
channels, answered = categories) and, as a last tie-break, the same figure stated in the prose.
Anything else yields no fact (status `unplaced`) and a warning.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.model import Cell, CellRecord, Document, Table
from ingest.numbers import to_yuan

Num = int | float  # a printed value: int, or float when it has a decimal point (a union, kept as is when compiled)

TABLE = "statistics_appendix"
_COL_WORDS = (
    r"\d{4}\s*年\s*度?|本\s*年\s*度|本\s*期\s*实\s*际|本\s*年\s*累\s*计|历\s*年\s*累\s*计|统\s*计\s*数|累\s*计|"
    r"数\s*量|数\s*值|全\s*年"
)
_HEADER_RE = re.compile(
    r"(?:(?:指\s*标\s*名\s*称|统\s*计\s*指\s*标)\s*(?:计\s*量\s*)?(?:单\s*位)?|"
    r"(?:统\s*计\s*)?(?:项\s*目|指\s*标)\s*(?:名\s*称\s*)?(?:计\s*量\s*)?单\s*位)\s*(?:代\s*码)?\s*"
    rf"(?P<cols>(?:(?:{_COL_WORDS})\s*)+)"
)
# the first character of every _HEADER_RE match (指标名称, 统计指标, 项目…单位, 指标…单位)
_HEADER_FIRST_RE = re.compile("[指统项]")


def _headers(text: str) -> Iterator[re.Match[str]]:
    """_HEADER_RE.finditer(text), 5x faster: a match only starts at one of its first characters, which
    a character class finds quickly, and the pattern (its optional 统计 first) keeps the engine from
    skipping ahead by itself: it tries the whole pattern at every position."""
    end = 0
    for c in _HEADER_FIRST_RE.finditer(text):
        if c.start() >= end and (m := _HEADER_RE.match(text, c.start())) is not None:
            yield m
            end = m.end()


def _first_header(text: str) -> re.Match[str] | None:
    """_HEADER_RE.search(text)."""
    return next(_headers(text), None)


_UNITS = "万元|人次|件次|条|件|个|次|元|人|项|篇|份"
# A unit directly followed by digits ends a row label: "…申请数条00", "…公开数 条 1630 20080".
_ANCHOR_RE = re.compile(
    rf"[(（]?(?:单位[:：])?(?P<unit>{_UNITS})[)）]?\s*(?P<nums>\d(?:\d|[ \t]|,(?=\d)|\.(?=\d))*)"
)
_MAX_LABEL = 60


@dataclass(frozen=True, slots=True)
class RowMatch:
    label: str  # the text since the previous row's digits, up to the unit
    unit: str
    nums: str
    start: int  # where the label starts
    end: int  # where the digits end


def _row_matches(body: str) -> list[RowMatch]:
    """Rows of a flattened table: every unit followed by digits, with the digit-free label before it."""
    out = []
    prev_end = 0
    for a in _ANCHOR_RE.finditer(body):
        gap = body[prev_end : a.start()]
        cut = max((i for i, ch in enumerate(gap) if ch.isdigit()), default=-1) + 1
        cut = max(cut, len(gap) - _MAX_LABEL)
        label = gap[cut:]
        stripped = label.lstrip()
        if stripped:
            start = prev_end + cut + (len(label) - len(stripped))
            out.append(RowMatch(stripped, a.group("unit"), a.group("nums"), start, a.end()))
        prev_end = a.end()
    return out


_ENUM_START_RE = re.compile(r"^[.、．]")
# A note in brackets inside a label: "(不同渠道和方式公开相同信息计1条)" - its digits are not values.
_NOTE_RE = re.compile(r"[(（](?!单位)[^()（）]{3,40}[)）]")
_MAX_COMBOS = 20000


@dataclass
class Row:
    index: int
    label: str
    unit: str
    tokens: list[str]  # one per column, or a single glued run
    line: int | None
    enumerated: bool
    key: tuple[str, str, str] | None  # (section, item, base measure)
    candidates: list[tuple[Num, ...]] = field(default_factory=list)


# ---------------------------------------------------------------- finding the table


_PIPE_END_RE = re.compile(r"\s*\|+\s*$")
_SPACE_RE = re.compile(r"\s")
_ENUM_DOT_LEAD_RE = re.compile(r"^[.、．]\s*")
_QIZHONG_LEAD_RE = re.compile(r"^其中\s*[:：]?\s*")


_last_flat: tuple[Document, list, int, frozenset[int], tuple[str, list[tuple[int, int]]]] | None = None


def _flatten(doc: Document, skip: set[int] | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The document as one string (pipe cells unpiped, lines joined by spaces) + (offset, line) marks.
    The last result is kept for the same, unchanged document and skip set: extract_appendix and then
    the prose's has_combined_fees_row ask for the same one. Callers must not change it."""
    global _last_flat
    key = frozenset(skip) if skip else frozenset()
    last = _last_flat
    if last is not None and last[0] is doc and last[1] is doc.lines and last[2] == len(doc.lines) and last[3] == key:
        return last[4]
    flat = _flatten_now(doc, key)
    _last_flat = (doc, doc.lines, len(doc.lines), key, flat)
    return flat


def _flatten_now(doc: Document, skip: frozenset[int]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    for line in doc.lines:
        if skip and line.no in skip:
            continue
        text = line.text.rstrip()
        if text.endswith("|"):
            # one closing pipe (the usual cell): what the pattern removes is it and the spaces before it
            text = text[:-1].rstrip() if text[-2:-1] != "|" else _PIPE_END_RE.sub("", text)
        text = text.strip()
        marks.append((pos, line.no))
        parts.append(text)
        pos += len(text) + 1
    return " ".join(parts), marks


def _line_at(marks: list[tuple[int, int]], offset: int) -> int | None:
    line = None
    for start, no in marks:
        if start > offset:
            break
        line = no
    return line


def _columns(cols: str) -> list[str]:
    """Column kinds: annual, cumulative, or period (an earlier year / 本期: read, not kept)."""
    out = []
    names = [re.sub(r"\s", "", m.group()) for m in re.finditer(_COL_WORDS, cols)]
    years = [int(n[:4]) for n in names if re.match(r"\d{4}", n)]
    for name in names:
        if "历年" in name or name == "累计":
            out.append("cumulative")
        elif "本期" in name or (re.match(r"\d{4}", name) and int(name[:4]) < max(years)):
            out.append("period")
        else:
            out.append("annual")
    return out


def _rows(
    body: str,
    base: int,
    marks: list[tuple[int, int]],
    ncols: int,
    has_code: bool = False,
    same_year: bool = False,
) -> list[Row]:
    """`same_year`: the columns are 本期实际 | 本年累计, which in an annual report count the same year."""
    rows: list[Row] = []
    matches = _table_matches(body)
    enum = 0  # the enumerator ("1." "2、") of the current row, 0 when it has none
    next_code: int | None = 1  # the 代码 the next row should carry (Layout C forms number rows 01, 02, …)
    for i, (m, label, enumerated, key) in enumerate(_keyed(matches)):
        enum = (enum + 1 if enum else 1) if enumerated else 0
        nums = m.nums.strip()
        nxt = matches[i + 1] if i + 1 < len(matches) else None
        # "…41815092.政府公报公开": the next row's enumerator is glued to this row's digits.
        if nxt is not None and nxt.start == m.end and _ENUM_START_RE.match(nxt.label):
            nums = _drop_enumerator(nums, enum + 1 if enum else 1)
        tokens = nums.split()
        trusted = True
        if has_code:
            tokens, next_code, trusted = _drop_row_code(tokens, ncols, next_code)
        row = Row(len(rows), label, m.unit, tokens, _line_at(marks, base + m.start), enumerated, key)
        row.candidates = _candidates(tokens, ncols, same_year) if trusted else []
        rows.append(row)
    _distrust_glued_runs_when_cells_are_missing(rows, ncols)
    _distrust_lone_runs_in_spaced_tables(rows, ncols)
    return rows


def _table_matches(body: str) -> list[RowMatch]:
    """The rows of a flattened table body, its bracketed notes blanked (offsets kept for line numbers)."""
    return _row_matches(_NOTE_RE.sub(lambda n: " " * len(n.group()), body))


def _keyed(matches: list[RowMatch]) -> Iterator[tuple[RowMatch, str, bool, tuple[str, str, str] | None]]:
    """(row, its label, enumerated, its key) of each row: an enumerated ('1.' '其中') row's label is
    read under the (section, item) of the latest row that is not."""
    context: tuple[str, str] | None = None  # (section, item) of the latest parent row
    for m in matches:
        raw_label = m.label.strip()
        enumerated = bool(_ENUM_START_RE.match(raw_label)) or raw_label.startswith("其中")
        label = _SPACE_RE.sub("", _QIZHONG_LEAD_RE.sub("", _ENUM_DOT_LEAD_RE.sub("", raw_label)))
        key = map_label(label, context if enumerated else None)
        if not enumerated:
            context = (key[0], key[1]) if key else None
        yield m, label, enumerated, key


def _distrust_lone_runs_in_spaced_tables(rows: list[Row], ncols: int) -> None:
    """Where the table's cells are spaced ('1630 20080'), a row with one run ('19') lacks a cell
    (blank, or the text was cut off): its digits are not a glued run to split."""
    if ncols >= 2 and any(len(r.tokens) > 1 for r in rows):
        for r in rows:
            if len(r.tokens) == 1:
                r.candidates = []


def _distrust_glued_runs_when_cells_are_missing(rows: list[Row], ncols: int) -> None:
    """A glued run too short for its columns ('行政复议数件0' in a 2-column table) shows the table has
    blank cells; then '425' may be 425 | (blank) rather than 4 | 25, so no glued run is split - except
    one that cannot be a single cell ('00', '012': a count has no leading zero) and splits one way."""
    if ncols < 2:
        return
    glued = [r for r in rows if len(r.tokens) == 1]
    if any(len(r.tokens[0]) < ncols for r in glued):
        for r in glued:
            run = r.tokens[0]
            if not (len(run) >= 2 and run[0] == "0" and len(r.candidates) == 1):
                r.candidates = []


def _drop_row_code(tokens: list[str], ncols: int, expected: int | None) -> tuple[list[str], int | None, bool]:
    """Take the 代码 column's value off a row's digits: (tokens left, next code, digits trusted).

    Layout C forms number their rows 01, 02, …. Spaced cells ('01 110 110') drop their first token.
    Glued ('01110110') the code can only be cut off when it is known — the row's expected two-digit
    sequence number; otherwise the digits are not trusted (no split), never cut at a guess.
    """
    code = f"{expected:02d}" if expected is not None else None
    if len(tokens) > ncols or (code and len(tokens) > 1 and tokens[0] == code):
        first = tokens[0]
        return tokens[1:], (int(first) + 1 if first.isdigit() else None), True
    if len(tokens) == 1 and len(tokens) < ncols or (ncols == 1 and len(tokens) == 1 and code):
        run = tokens[0]
        if code and run.startswith(code) and len(run) > len(code):
            return [run[len(code) :]], expected + 1, True  # type: ignore[operator]
        return tokens, None, False
    return tokens, (expected + 1 if expected is not None else None), True


def _drop_enumerator(nums: str, expected: int) -> str:
    """'1630 20080 2' -> '1630 20080'; glued '41815092' with next item 2. -> '4181509'."""
    tokens = nums.split()
    if len(tokens) > 1:
        return " ".join(tokens[:-1])
    e = str(expected)
    if nums.endswith(e) and len(nums) > len(e):
        return nums[: -len(e)]
    return nums[:-1] if len(nums) > 1 else nums


_DECIMAL_RE = re.compile(r"\d+(?:\.\d+)?")


def _candidates(tokens: list[str], ncols: int, same_year: bool = False) -> list[tuple[Num, ...]]:
    """Every way the printed digits can fill the columns (cumulative >= annual for 2 columns; the
    two equal halves when both columns count the same year, if the run has them)."""
    vals = [t.replace(",", "") for t in tokens]
    if len(vals) == ncols:
        if not all(map(_DECIMAL_RE.fullmatch, vals)):
            return []
        return [tuple(int(v) if "." not in v else float(v) for v in vals)]
    if len(vals) != 1 or ncols != 2 or not vals[0].isdigit():
        return []
    run = vals[0]
    out: list[tuple[Num, ...]] = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(b) >= int(a):
            out.append((int(a), int(b)))
    if same_year:
        return [c for c in out if c[0] == c[1]] or out
    return out


# ---------------------------------------------------------------- labels -> keys


_BARE_CHANNEL_RE = re.compile(r"^(?:政府|政务)?(?:公报|网站|微博|微信)$|^其[他它]方式$")


def map_label(label: str, context: tuple[str, str] | None = None) -> tuple[str, str, str] | None:
    """An indicator name -> (section, item, base measure); None when no canonical key fits.

    `context` is the (section, item) of the parent row an enumerated '其中' row sits under, so a
    bare '当面' or '同意公开' under 申请总数 / 答复总数 still finds its key. A label with a note in
    brackets ('主动公开政府信息数(不同渠道和方式公开相同信息计1条)') is read without the note when
    the whole label fits no key.
    """
    key = _map_label(label, context)
    if key is None and _NOTE_RE.search(label):
        key = _map_label(_NOTE_RE.sub("", label), context)
    return key


# a bracketed note: holds a digit or is long ('(不同渠道和方式公开相同信息计1条)'), not a name part like '(传真)'
_NOTE_RE = re.compile(r"[（(](?=[^)）]*\d|[^)）]{7,})[^)）]*[)）]")


# a section heading row of the table ('三、行政复议、诉讼和举报情况'), alone or glued before a label
_SECTION_ROW_RE = re.compile(r"^[一二三四五六七八九十]{1,2}、.{0,24}?情况")


# the patterns labels are read with (compiled once: re's module functions look each up per call)
_LABEL_NOISE_RE = re.compile(r"[\s()（）:：]")
_CHANNELS_PREFIX_RE = re.compile(r"^通过不同渠道和方式公开")
_COMPLAINT_RE = re.compile(r"申诉|举报|投诉")
_FEE_RE = re.compile(r"收费|费用")
_FEES_COLLECTED_RE = re.compile(r"收费|收取.*费|费用")
_PROACTIVE_TOTAL_RE = re.compile(r"主动公开.*(?:信息|文件)(?:总)?数$")
_APPLICATION_MEASURES = tuple((re.compile(p), m) for p, m in (
    (r"当面", "in_person"),
    (r"信函.*传真|传真.*信函", "letter_fax"),
    (r"传真", "fax"),
    (r"信函|信件", "letter"),
    (r"电子邮件", "email"),
    (r"网上|网络|在线", "online"),
    (r"其[它他]", "other"),
    (r"总数|申请数|受理", "total"),
))
_RESPONSE_MEASURES = tuple((re.compile(p), m) for p, m in (
    (r"部分公开", "partially_granted"),
    (r"不予公开|否决|不同意公开", "denied"),
    (r"同意公开", "granted"),
    (r"其[它他]", "other"),
    (r"答复(?:总)?数", "total"),
))
_DISCLOSURE_ITEMS = tuple((re.compile(p), i) for p, i in (
    (r"网站", "proactive_items_website"),
    (r"^其[他它]方式$", "proactive_items_other_channels"),
    (r"公报", "proactive_items_gazette"),
    (r"微博", "proactive_items_weibo"),
    (r"微信", "proactive_items_wechat"),
))


def _map_label(label: str, context: tuple[str, str] | None) -> tuple[str, str, str] | None:
    s = _SECTION_ROW_RE.sub("", _LABEL_NOISE_RE.sub("", label))
    if not s:
        return None
    s = _CHANNELS_PREFIX_RE.sub("", s)
    fee = _fee_key(s)
    if fee is not None:
        return fee
    if context == ("applications", "applications_received") and "答复" not in s:
        return _application_key(s + "申请")
    if context == ("applications", "responses"):
        return _response_key(s + "答复")
    if _BARE_CHANNEL_RE.match(s):
        return _disclosure_key(s)
    if "申请" in s and "答复" not in s and "复议" not in s and "诉讼" not in s:
        return _application_key(s)
    if "答复" in s:
        return _response_key(s)
    if _COMPLAINT_RE.search(s):
        return ("appeals", "complaints", "total")
    if "复议" in s:
        return ("appeals", "administrative_reconsideration", "total")
    if "诉讼" in s:
        return ("appeals", "administrative_litigation", "total")
    if _RESPONSE_CATEGORY_RE.search(s):  # Layout C lists '同意公开', '同意部分公开' with no 其中 or 答复
        return _response_key(s + "答复")
    if "公开" in s:
        return _disclosure_key(s)
    return None


_RESPONSE_CATEGORY_RE = re.compile(r"同意(?:部分)?公开|不予公开|不同意公开|否决公开")


def _fee_key(s: str) -> tuple[str, str, str] | None:
    if "经费" in s or "支出" in s:
        return None
    if "减免" in s and _FEE_RE.search(s):
        return ("fees", "fees_and_waivers_combined", "amount_yuan")
    if "减免" in s:
        return ("fees", "fee_waivers", "amount_yuan")
    if _FEES_COLLECTED_RE.search(s):
        return ("fees", "fees_collected", "amount_yuan")
    return None


def _application_key(s: str) -> tuple[str, str, str] | None:
    for pattern, measure in _APPLICATION_MEASURES:
        if pattern.search(s):
            return ("applications", "applications_received", measure)
    return None


def _response_key(s: str) -> tuple[str, str, str] | None:
    for pattern, measure in _RESPONSE_MEASURES:
        if pattern.search(s):
            return ("applications", "responses", measure)
    return None


def _disclosure_key(s: str) -> tuple[str, str, str] | None:
    if "规范性文件" in s:
        return None
    for pattern, item in _DISCLOSURE_ITEMS:
        if pattern.search(s):
            return ("disclosure", item, "total")
    if _PROACTIVE_TOTAL_RE.search(s):
        return ("disclosure", "proactive_items", "total")
    return None


# ---------------------------------------------------------------- choosing splits

_SUM_PARENTS = {
    ("disclosure", "proactive_items"),
    ("applications", "applications_received"),
    ("applications", "responses"),
}


def _groups(rows: list[Row]) -> list[list[Row]]:
    """A parent row with the enumerated '其中' rows under it; other rows alone."""
    groups: list[list[Row]] = []
    for row in rows:
        if row.enumerated and groups:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _sums_hold(group: list[Row], combo: tuple[tuple[Num, ...], ...], ncols: int) -> bool:
    parent = group[0]
    if parent.key is None or (parent.key[0], parent.key[1]) not in _SUM_PARENTS or len(group) < 2:
        return True
    for c in range(ncols):
        if combo[0][c] != sum(v[c] for v in combo[1:]):
            return False
    return True


def _resolve(
    group: list[Row], ncols: int, hints: dict[tuple[str, str, str], float]
) -> dict[int, tuple[Num, ...] | None]:
    """Row index -> its values when exactly one reading survives, else None."""
    if any(not r.candidates for r in group):
        return {r.index: (r.candidates[0] if len(r.candidates) == 1 else None) for r in group}
    size = 1
    for r in group:
        size *= len(r.candidates)
    if size > _MAX_COMBOS:
        return {r.index: (r.candidates[0] if len(r.candidates) == 1 else None) for r in group}
    combos = list(itertools.product(*(r.candidates for r in group)))
    summed = [c for c in combos if _sums_hold(group, c, ncols)]
    combos = summed or combos
    hinted = [c for c in combos if all(_agrees(r, v, hints) for r, v in zip(group, c, strict=True))]
    combos = hinted or combos
    out: dict[int, tuple[Num, ...] | None] = {}
    for pos, r in enumerate(group):
        readings = {c[pos] for c in combos}
        out[r.index] = readings.pop() if len(readings) == 1 else None
    return out


def _agrees(row: Row, values: tuple[Num, ...], hints: dict[tuple[str, str, str], float]) -> bool:
    if row.key is None or row.key not in hints or not values:
        return True
    return float(values[0]) == hints[row.key]


# ---------------------------------------------------------------- cells


def _cells(
    rows: list[Row], cols: list[str], resolved: dict[int, tuple[Num, ...] | None], table_no: int
) -> list[CellRecord]:
    out = []
    for row in rows:
        values = resolved.get(row.index)
        if values is None:
            raw = " ".join(row.tokens)
            warning = f"appendix row {row.label!r}: digits {raw!r} cannot be split into {len(cols)} columns with confidence"
            out.append(
                CellRecord(
                    TABLE,
                    row.index,
                    2,
                    raw,
                    "unplaced",
                    None,
                    row.unit,
                    row.label,
                    None,
                    line=row.line,
                    warning=warning,
                    table_index=table_no,
                )
            )
            continue
        for c, (col, value) in enumerate(zip(cols, values, strict=True)):
            if col == "period":
                continue
            section = item = measure = None
            if row.key is not None:
                section, item, base = row.key
                measure = base if col == "annual" else f"{base}_cumulative"
            amount = to_yuan(float(value), row.unit) if section == "fees" else float(value)
            out.append(
                CellRecord(
                    TABLE,
                    row.index,
                    2 + c,
                    str(value),
                    "reported",
                    amount,
                    row.unit,
                    row.label,
                    col,
                    section,
                    item,
                    measure,
                    row.line,
                    table_no,
                )
            )
    return out


def _prose_hints(doc: Document) -> dict[tuple[str, str, str], float]:
    from ingest.prose import prose_state

    state = prose_state(doc)
    return {
        (f.section, f.item, f.measure): f.value
        for f in state.figures
        if f.value is not None and f.status == "reported"
    }


def extract_appendix(doc: Document, template: str) -> list[CellRecord]:
    if template in ("2019", "2021"):
        return []
    try:
        return _extract(doc)
    except Exception as exc:  # a bad document must not stop a batch
        doc.warnings.append(f"appendix: extraction failed ({type(exc).__name__}: {exc}); no appendix cells")
        return []


def has_combined_fees_row(doc: Document) -> bool:
    """Does a statistics appendix give fees and waivers as one amount ('收费及减免金额')?"""
    text = "\n".join([line.text for line in doc.lines])
    if "减" not in text or "免" not in text:
        return False  # the row's label needs both characters
    if _first_header(text.replace("|", "")) is None:
        # a header in the flattened document is one here too: it holds no pipe, and between its lines
        # (a space in the flattening) there is only space, where the pattern has only \s*
        return False
    flat = _flatten(doc)[0]
    first = _first_header(flat)
    if first is None or "减" not in flat[first.end() :] or "免" not in flat[first.end() :]:
        return False
    return ("fees", "fees_and_waivers_combined") in _items(flat)


def appendix_items(doc: Document) -> set[tuple[str, str]]:
    """(section, item) of every keyed row of the document's statistics appendices (no values)."""
    return _items(_flatten(doc)[0])


def _items(flat: str) -> set[tuple[str, str]]:
    """(section, item) of every keyed row (the keys _rows gives, without reading the rows' digits)."""
    out: set[tuple[str, str]] = set()
    for h in _headers(flat):
        for _, _, _, key in _keyed(_table_matches(flat[h.end() :])):
            if key is not None:
                out.add((key[0], key[1]))
    return out


def _extract(doc: Document) -> list[CellRecord]:
    out, covered = _from_grids(doc)
    flat, marks = _flatten(doc, covered)
    headers = list(_headers(flat))
    if not headers:
        return out
    hints = _prose_hints(doc)
    for n, h in enumerate(headers):
        cols = _columns(h.group("cols"))
        if not cols:
            continue
        end = headers[n + 1].start() if n + 1 < len(headers) else len(flat)
        header = re.sub(r"\s", "", h.group())
        same_year = "本期" in header and "本年累计" in header and cols == ["period", "annual"]
        rows = _rows(flat[h.end() : end], h.end(), marks, len(cols), "代码" in header, same_year)
        resolved: dict[int, tuple[Num, ...] | None] = {}
        for group in _groups(rows):
            resolved.update(_resolve(group, len(cols), hints))
        cells = _cells(rows, cols, resolved, n)
        doc.warnings.extend(c.warning for c in cells if c.warning)
        _compare_with_prose(doc, cells, hints)
        out.extend(cells)
    return out


def _compare_with_prose(
    doc: Document, cells: list[CellRecord], hints: dict[tuple[str, str, str], float]
) -> None:
    for c in cells:
        key = (c.section, c.item, c.measure)
        if c.status == "reported" and key in hints and c.value != hints[key]:  # type: ignore[comparison-overlap]
            doc.warnings.append(
                f"prose and appendix disagree on {'/'.join(str(k) for k in key)}: prose {hints[key]}, table {c.value} (both kept)"
            )


# ---------------------------------------------------------------- real grids (HTML / docx / markdown)

_GRID_HEADER_RE = re.compile(r"指标名称|统计指标")
_NA_MARKERS = ("/", "-", "—", "－", "无", "不适用")


def _from_grids(doc: Document) -> tuple[list[CellRecord], set[int]]:
    """Appendices the reader already rebuilt as grids: cells are distinct, nothing to split."""
    out: list[CellRecord] = []
    covered: set[int] = set()
    for table in doc.tables:
        cells = _grid_table_cells(table)
        if cells is None:
            continue
        out.extend(cells)
        covered.update(c.line for row in table.rows for c in row if c.line is not None)
    return out, covered


_HEADER_CHAR = "指"  # in both header words (指标名称, 统计指标): a row without it holds no header


def _grid_header_row(rows: list[list[Cell]]) -> int | None:
    """The first row with a cell naming the indicator column (指标名称 / 统计指标, spaces ignored).
    Only rows holding the character both words share are stripped and searched."""
    for i, row in enumerate(rows):
        if any(_HEADER_CHAR in c.text for c in row) and any(_GRID_HEADER_RE.search(_SPACE_RE.sub("", c.text))
                                                                for c in row):
            return i
    return None


def _grid_table_cells(table: Table) -> list[CellRecord] | None:
    head = _grid_header_row(table.rows)
    if head is None:
        return None
    sub = _SPACE_RE.sub
    texts = [[sub("", c.text) for c in row] for row in table.rows[head:]]  # row head + i is texts[i]
    col_kind: dict[int, str] = {}
    unit_col = None
    for j, t in enumerate(texts[0]):
        kinds = _columns(t)
        if len(kinds) == 1:
            col_kind[j] = kinds[0]
        elif "单位" in t:
            unit_col = j
    if not col_kind:
        return None
    out: list[CellRecord] = []
    context: tuple[str, str] | None = None
    for r in range(head + 1, len(table.rows)):
        row = table.rows[r]
        row_texts = texts[r - head]
        label = row_texts[0] if row_texts else ""
        if not label or _DIGITS_ONLY_RE.fullmatch(label):
            continue
        enumerated = bool(_ENUMERATED_RE.match(label))
        label = _ENUM_NUMBER_RE.sub("", _QIZHONG_RE.sub("", label))
        key = map_label(label, context if enumerated else None)
        if not enumerated:
            context = (key[0], key[1]) if key else None
        unit = row_texts[unit_col] if unit_col is not None and unit_col < len(row_texts) else None
        for j, kind in col_kind.items():
            if j >= len(row) or kind == "period":
                continue
            out.append(_grid_cell(table, row[j], r, j, label, unit, kind, key))
    return out


_DIGITS_ONLY_RE = re.compile(r"[\d.,]*")
_ENUMERATED_RE = re.compile(r"^(?:其中|\d{1,2}[.、．])")
_QIZHONG_RE = re.compile(r"^其中[:：]?")
_ENUM_NUMBER_RE = re.compile(r"^\d{1,2}[.、．]")
_GRID_NUMBER_RE = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")


def _grid_cell(
    table: Table,
    cell: Cell,
    r: int,
    j: int,
    label: str,
    unit: str | None,
    kind: str,
    key: tuple[str, str, str] | None,
) -> CellRecord:
    raw = cell.text.strip()
    number = _GRID_NUMBER_RE.fullmatch(raw.replace(" ", ""))
    value: float | None = None
    if not raw:
        status = "blank"
    elif raw in _NA_MARKERS:
        status = "na_marker"
    elif number:
        status, value = "reported", float(raw.replace(",", "").replace(" ", ""))
    else:
        status = "text"
    section = item = measure = None
    if key is not None:
        section, item, base = key
        measure = base if kind == "annual" else f"{base}_cumulative"
        if section == "fees" and value is not None:
            value = to_yuan(value, unit)
    return CellRecord(
        TABLE, r, j, raw, status, value, unit, label, kind, section, item, measure, cell.line, table.index
    )
