"""Label-anchored reading of the template tables: anchors -> rows of tokens -> keyed CellRecords.

Within a table's region every label of the template (banners, headers, columns, rowspan groups,
rows, with their loose variants) is located, longest label first so that 行政规范性文件 is not
read as 规范性文件 and (七)总计 not as 总计. A row's values are the tokens between its label and
the next label. Rowspan group labels are anchors too (FM-5), so '3.其他' can only be the row
under (六)其他处理 that the template lists there. Column order comes from the template, not from
the header's DOM order (FM-3). Glued digit runs are cut by ingest.templates.split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from itertools import count, repeat
from operator import itemgetter
from typing import NamedTuple

from ingest.cellvalue import CellValue, parse_cell
from ingest.model import CellRecord, new_cell
from ingest.templates.fastpath import (
    clean_row_values,
    explicit_solution,
    settles_as_printed,
    table_tail_tokens,
)
from ingest.templates.labels import ColumnSpec, RowSpec, TableSpec, TemplateSpec
from ingest.templates.memo import BoundedMemo
from ingest.templates.restated import agrees, stated_appeals
from ingest.templates.split import (
    APPEALS_15,
    NO_RULE,
    ROW_TOTAL_7,
    ColumnRule,
    RowResult,
    RowRule,
    capacity_short,
    cell_number,
    row_options,
    solve_table,
)
from ingest.templates.stream import CELL_END, ROW_END, Stream, fold_key
from ingest.templates.tokens import Token, is_value, tokens_between

_ENUM = re.compile(r"^(?:\d{1,2}\.|\([一二三四五六七八九十]{1,2}\)|[一二三四五六七八九十]{1,2}\.)")
# An unknown row in the applications table is kept (raw label, no key) when its label says so.
_EXTRA_ROW_WORDS = re.compile(r"小计|合计|其中|其他|其它|无法联系")


class Anchor(NamedTuple):  # a tuple: dozens per table
    kind: str  # block | header | column | group | row
    start: int  # Stream.key positions
    end: int
    label: str  # canonical label
    table: str | None = None
    row: RowSpec | None = None


_Candidate = tuple[str, str, str, str | None, RowSpec | None]  # kind, folded key, label, table, row


@cache
def _label_candidates(spec: TableSpec) -> tuple[_Candidate, ...]:
    """Every label of one table in folded form, in the order find_anchors tries equal lengths."""
    cands: list[_Candidate] = []
    cands += [("block", fold_key(b), b, spec.name, None) for b in spec.block_labels]
    cands += [("header", fold_key(h), h, spec.name, None) for h in spec.headers]
    cands += [("group", fold_key(g), g, spec.name, None) for g in spec.groups]
    for c in spec.columns:
        cands += [("column", fold_key(v), c.label, spec.name, None) for v in c.labels]
    for r in spec.rows:
        cands += [("row", fold_key(v), r.label, spec.name, r) for v in r.labels]
        # the label without its enumeration (属于国家秘密 for 1.属于国家秘密), when still distinctive
        cands += [("row", bare, r.label, spec.name, r) for v in r.labels
                  if len(bare := _ENUM.sub("", fold_key(v))) >= 4 and bare != fold_key(v)]
    return tuple(cands)


# folded key, its length, as many taken marks, the candidate, and whether an occurrence must be
# checked against (an earlier key can overlap it) / marked for (a later key can overlap it) the
# characters taken
_Probe = tuple[str, int, bytes, _Candidate, bool, bool]


def _can_overlap(x: str, y: str) -> bool:
    """Whether occurrences of x and y can share a character: one holds the other, or an end of
    one is a start of the other."""
    return x in y or y in x or not _ends(x).isdisjoint(_starts(y)) or not _ends(y).isdisjoint(_starts(x))


@cache
def _ends(key: str) -> frozenset[str]:
    """The key's proper non-empty suffixes."""
    return frozenset(key[i:] for i in range(1, len(key)))


@cache
def _starts(key: str) -> frozenset[str]:
    """The key's proper non-empty prefixes."""
    return frozenset(key[:i] for i in range(1, len(key)))


@cache
def _search_order(specs: tuple[TableSpec, ...]) -> tuple[_Probe, ...]:
    """The candidates of `specs`, longest key first (stable), each key once: a repeated key can
    only find the occurrences its first candidate already took or rejected."""
    cands = sorted((c for spec in specs for c in _label_candidates(spec)), key=lambda c: -len(c[1]))
    seen: set[str] = set()
    unique: list[_Candidate] = []
    for c in cands:
        if c[1] not in seen:
            seen.add(c[1])
            unique.append(c)
    keys = [c[1] for c in unique]
    return tuple((k, len(k), b"\x01" * len(k), c,
                  any(_can_overlap(k, e) for e in keys[:i]), any(_can_overlap(k, e) for e in keys[i + 1:]))
                 for i, (k, c) in enumerate(zip(keys, unique, strict=True)))


_new_anchor = tuple.__new__  # Anchor(...) through NamedTuple's Python-level __new__ costs more per anchor


def find_anchors(stream: Stream, region: tuple[int, int], specs: Sequence[TableSpec]) -> list[Anchor]:
    """Every label occurrence in the region, longest labels first, without overlaps.

    A label can only occur inside a run of characters that label keys hold (_label_runs), and
    what the search decides inside one run never depends on another run (an occurrence, the
    characters it takes and the ones it checks all lie in its run). So the anchors of a region
    are those of each of its runs, each run text searched once (_run_anchors) and then shifted
    to where it sits; a template's label runs recur from report to report."""
    key_specs = tuple(specs)
    found: list[Anchor] = []
    for m in _label_runs(key_specs).finditer(stream.key, *region):
        got = _run_anchors(key_specs, m.group())
        if got:
            at = m.start()
            found += [_new_anchor(Anchor, (kind, start + at, end + at, label, table, row))
                      for kind, start, end, label, table, row in got]
    return found  # runs in order, each run's anchors by start: sorted by start


# label_spans: each label's row (None for a banner, header, column or group label), its canonical
# label, where it starts in raw and where it ends there (after its last key character)
LabelSpans = tuple[list["RowSpec | None"], list[str], list[int], list[int]]


def label_spans(stream: Stream, region: tuple[int, int], specs: Sequence[TableSpec]) -> LabelSpans:
    """The labels find_anchors finds, as columns (LabelSpans). When the stream folds character by
    character (Stream.marked), each run of label characters is read once per distinct folded
    text, raw offsets included (_run_spans)."""
    marked = stream.marked
    if marked is None:
        anchors = find_anchors(stream, region, specs)
        return ([anc.row for anc in anchors], [anc.label for anc in anchors],
                stream.raw_indices([anc.start for anc in anchors]),
                [e + 1 for e in stream.raw_indices([anc.end - 1 for anc in anchors])])
    key_specs = tuple(specs)
    a, b = region
    rows: list[RowSpec | None] = []
    labels: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    if b <= a:
        return rows, labels, starts, ends
    memo = _spans_memo(key_specs)
    for m in _marked_runs(key_specs).finditer(marked, stream.raw_index(a), stream.raw_index(b - 1) + 1):
        got = memo[m.group()]
        if got[0]:
            at = m.start()
            rows += got[0]
            labels += got[1]
            if len(got[0]) == 1:  # (most runs hold one label)
                starts.append(at + got[2][0])
                ends.append(at + got[3][0])
            else:
                starts += map(at.__add__, got[2])
                ends += map(at.__add__, got[3])
    return rows, labels, starts, ends


# distinct run texts a table set's memo keeps before it starts afresh: ~0.5 kB a run, <= ~1 MB a
# table set (six in all); the 10k corpus in one process reads 1,216 distinct runs (hit rate 0.995)
_SPANS_MEMO_SIZE = 2048


@cache  # one memo per set of tables (TableSpec hashes by identity)
def _spans_memo(specs: tuple[TableSpec, ...]) -> BoundedMemo[str, _RunSpans]:
    """_run_spans(specs, text) by the run's folded text: label runs repeat across reports."""
    return BoundedMemo(partial(_run_spans, specs), _SPANS_MEMO_SIZE)


_RunSpans = tuple[tuple["RowSpec | None", ...], tuple[str, ...], tuple[int, ...], tuple[int, ...]]


def _run_spans(specs: tuple[TableSpec, ...], text: str) -> _RunSpans:
    """label_spans of one run, `text` being its folded raw (dropped characters as CELL_END): the
    anchors of its key, with offsets into `text`."""
    at = [i for i, ch in enumerate(text) if ch != CELL_END]  # where each key character sits
    key = text.replace(CELL_END, "")
    anchors = _anchors_in(key, 0, len(key), specs)
    return (tuple(anc.row for anc in anchors), tuple(anc.label for anc in anchors),
            tuple(at[anc.start] for anc in anchors), tuple(at[anc.end - 1] + 1 for anc in anchors))


@cache
def _label_chars(specs: tuple[TableSpec, ...]) -> tuple[str, str]:
    """The characters that can belong to a label occurrence, as two regex character classes:
    those of label keys, and (apart) those that every key only holds right before a '.' (the
    digit of '1.属于国家秘密'), which count only where a '.' follows them; '' for an empty one."""
    keys = [probe[0] for probe in _search_order(specs)]
    chars = set("".join(keys))
    before_dot = {c for c in chars if all(k[i + 1:i + 2] == "." for k in keys for i, ch in enumerate(k) if ch == c)}
    return _char_class(chars - before_dot), _char_class(before_dot)


def _char_class(chars: set[str]) -> str:
    return f"[{''.join(map(re.escape, sorted(chars)))}]" if chars else ""


@cache
def _label_runs(specs: tuple[TableSpec, ...]) -> re.Pattern[str]:
    """Maximal runs of characters that can belong to a label occurrence, in Stream.key."""
    anywhere, before_dot = _label_chars(specs)
    alternatives = [anywhere + "+"] if anywhere else []  # (a run of them at once: much faster)
    if before_dot:
        alternatives.append(before_dot + r"(?=\.)")
    return re.compile(f"(?:{'|'.join(alternatives)})+" if alternatives else "(?!)")


@cache
def _marked_runs(specs: tuple[TableSpec, ...]) -> re.Pattern[str]:
    """_label_runs in Stream.marked, where each dropped character is a CELL_END: the same runs,
    from their first key character to their last, with the CELL_ENDs between.

    Written to start with one plain character class (a label character, or a before-dot digit
    checked by a lookbehind once taken), so that the regex engine skips the characters no run
    can start with in its fast scan: the language of marked_runs_pattern, ~30% less to search."""
    anywhere, before_dot = _label_chars(specs)
    if not anywhere:
        return marked_runs_pattern(anywhere, before_dot)
    if not before_dot:
        return re.compile(f"{anywhere}{anywhere}*(?:{CELL_END}*{anywhere}+)*")
    first = anywhere[:-1] + before_dot[1:]  # one class of both
    unit = f"(?:{anywhere}+|{before_dot}(?={CELL_END}*\\.))"
    return re.compile(f"{first}(?<!{before_dot}(?!{CELL_END}*\\.)){anywhere}*(?:{CELL_END}*{unit})*")


def marked_runs_pattern(anywhere: str, before_dot: str) -> re.Pattern[str]:
    """The runs of _marked_runs written plainly: a run is one or more units (a run of label
    characters, or a before-dot digit followed by a '.' past any CELL_ENDs), CELL_ENDs between."""
    alternatives = [anywhere + "+"] if anywhere else []
    if before_dot:
        alternatives.append(before_dot + f"(?={CELL_END}*\\.)")
    if not alternatives:
        return re.compile("(?!)")
    one = f"(?:{'|'.join(alternatives)})"
    return re.compile(f"{one}(?:{CELL_END}*{one})*")


# a pure function of the run's text; label runs repeat across reports. Only streams whose NFKC changes
# lengths come here (label_spans): 67 distinct runs in 5,000 reports of the 10k corpus
@lru_cache(maxsize=2048)
def _run_anchors(specs: tuple[TableSpec, ...], text: str) -> tuple[Anchor, ...]:
    return tuple(_anchors_in(text, 0, len(text), specs))


def _anchors_in(key: str, a: int, b: int, specs: tuple[TableSpec, ...]) -> list[Anchor]:
    """Every label occurrence in key[a:b], longest labels first, without overlaps."""
    find = key.find
    taken = bytearray(b if b > a else 0)  # indexed like the key; only [a, b) is used
    is_free = taken.find
    found: list[Anchor] = []
    add = found.append
    for key_, n, marks, (kind, _, label, table, row), check, mark in _search_order(specs):
        start = find(key_, a, b)
        if start < 0:
            continue
        if not (check or mark):  # no other label can overlap it: every occurrence is an anchor
            while start >= 0:
                end = start + n
                add(_new_anchor(Anchor, (kind, start, end, label, table, row)))
                start = find(key_, end, b)
            continue
        while start >= 0:
            end = start + n
            if not check or is_free(1, start, end) < 0:  # none of its characters taken yet
                if mark:
                    taken[start:end] = marks
                add(_new_anchor(Anchor, (kind, start, end, label, table, row)))
            start = find(key_, end, b)
    found.sort(key=_START)
    return found


_START = itemgetter(1)  # Anchor.start


_LABEL_GAPS = re.compile(r"[\s\x1f\x1e|]+")


def _raw_label(stream: Stream, raw_start: int, raw_end: int) -> str:
    """A label as printed: raw[raw_start:raw_end] with its gaps (spaces, cell marks) as one space."""
    return _printed_label(stream.raw[raw_start:raw_end])


@lru_cache(maxsize=8192)  # a pure function of the text; labels repeat across reports
def _printed_label(text: str) -> str:
    return _LABEL_GAPS.sub(" ", text).strip()


@dataclass
class RowRead:
    row: RowSpec
    raw_label: str
    line: int | None
    values: list[Token]
    free_text: bool = True  # the label sits in free text (not a grid or `cell |` line)


@dataclass
class ExtraRow:
    raw_label: str
    line: int | None
    values: list[Token]


def _value_groups(tokens: list[Token]) -> list[tuple[list[Token], list[Token]]]:
    """[(words, values), …]: each run of word tokens with the value tokens after it."""
    words: list[Token] = []
    values: list[Token] = []
    groups = [(words, values)]
    for t in tokens:
        if is_value(t):
            values.append(t)
        elif values:
            words, values = [t], []
            groups.append((words, values))
        else:
            words.append(t)
    return groups


# What may stand between a header label and the next label when there is nothing to read: the
# label's cell end, a line end, a grid row end (no cell, so no blank cell either).
_NOTHING_AFTER = frozenset(("", CELL_END, "\n", CELL_END + "\n", CELL_END + ROW_END + "\n", ROW_END + "\n"))


def read_rows(stream: Stream, region: tuple[int, int], specs: Sequence[TableSpec],
              keep_extra: bool, warnings: list[str], signed: bool = False) -> tuple[list[RowRead], list[ExtraRow]]:
    anchors = find_anchors(stream, region, specs)
    rows: list[RowRead] = []
    extras: list[ExtraRow] = []
    done: set[tuple[str, int]] = set()
    raw, line_at = stream.raw, stream.line_at
    # in raw: where each label starts, where it ends (raw_end: a label is never empty), and where
    # the text after it stops (the next label's start, the region's end)
    label_starts = stream.raw_indices([anc.start for anc in anchors])
    label_ends = [e + 1 for e in stream.raw_indices([anc.end - 1 for anc in anchors])]
    stops = label_starts[1:] + [stream.raw_index(region[1])] if label_starts else []  # no label: no stop
    for anc, label_start, start, end in zip(anchors, label_starts, label_ends, stops, strict=True):
        row = anc.row  # only a `row` anchor has one
        if row is None and not keep_extra:
            continue  # a header's values can only make non-standard rows, and none are kept
        if row is not None and (row.table, row.position) in done:
            warnings.append(f"{anc.table}: row '{anc.label}' printed twice; the repeat is ignored")
            continue
        if row is not None and (clean := clean_row_values(stream, start, end)) is not None:
            done.add((row.table, row.position))
            rows.append(RowRead(row, _printed_label(raw[label_start:start]), line_at(label_start), clean, False))
            continue
        if row is None and stream.raw[start:end] in _NOTHING_AFTER:
            continue  # a header cell followed by the next label: no values, no non-standard row
        groups = _value_groups(tokens_between(stream, start, end, signed=signed, row_only=True))
        later: list[tuple[list[Token], list[Token]]] = []
        if not any(values for _, values in groups):  # nothing in the grid row: read on past it
            groups = _value_groups(tokens_between(stream, start, end, signed=signed))
        elif keep_extra and (row_end := stream.raw.find(ROW_END, start, end)) >= 0:
            # the grid rows up to the next label: non-standard rows, if any
            later = _value_groups(tokens_between(stream, row_end + 1, end, signed=signed))
        if row is None:
            rest = groups
            own: list[Token] = []
        else:
            lead_words, own = groups[0]
            rest = groups[1:]
            if not own and len(groups) > 1 and len(groups[1][0]) <= 2:
                own, rest = groups[1][1], groups[2:]  # a broken label tail before the values
            done.add((row.table, row.position))
            free = stream.raw[start:start + 1] not in (CELL_END, "")
            label_start = stream.raw_index(anc.start)
            rows.append(RowRead(row, _raw_label(stream, label_start, start), stream.line_at(label_start), own, free))
        for words, values in rest + later:
            if not values or not words:
                continue
            label = "".join(w.text for w in words)
            if keep_extra and (any(w.kind == "cell" for w in words) or _EXTRA_ROW_WORDS.search(label)):
                extras.append(ExtraRow(label, words[0].line, values))
                warnings.append(f"{anc.table}: non-standard row '{label}' kept with its raw label, no key")
    return rows, extras


# ---------------------------------------------------------------------------------------------


Layout = Sequence["ColumnSpec | str"]  # template columns; a str is a non-standard column's raw label


_Fields = tuple[str | None, str | None, str | None]  # col_label, measure, default unit
_NO_FIELDS: _Fields = (None, None, None)


def _column_fields(layout: Layout, c: int) -> _Fields:
    """(col_label, measure, default unit) of physical value column c."""
    col = layout[c] if c < len(layout) else None
    if isinstance(col, ColumnSpec):
        return col.label, col.measure, col.unit
    return col, None, None


def _records_for_row(spec: TableSpec, read: RowRead, cells: list[str] | None, reason: str | None,
                     fields: Sequence[_Fields]) -> list[CellRecord]:
    """`fields`: _column_fields of every layout column, computed once per table."""
    values = read.values
    line = values[0].line if values else read.line
    position, row_label, item = read.row.position, read.raw_label, read.row.item
    if cells is None:
        return [CellRecord(table=spec.name, row=position, col=-1, raw_text=t.text, status="unplaced",
                           row_label=row_label, section=spec.section, item=item, line=t.line or line, warning=reason)
                for t in values]
    if len(fields) < len(cells):
        fields = [*fields, *[_NO_FIELDS] * (len(cells) - len(fields))]
    lines = [t.line or line for t in values] if len(values) == len(cells) else repeat(line)
    name, section = spec.name, spec.section
    out: list[CellRecord] = []
    append = out.append
    for c, text, (label, measure, unit), cell_line in zip(count(), cells, fields, lines):
        status, value, unit = _cell_reading(text, unit)
        # positional: the fields of CellRecord in order (a keyword call costs twice as much per cell;
        # tests/test_templates_fastpath.py pins the order)
        append(new_cell(CellRecord, (name, position, c, text, status, value, unit, row_label, label, section, item, measure,
                          cell_line, None, reason if measure else _NON_STANDARD_COLUMN)))
    return out


_NO_NAMES: dict[int, str] = {}
_NON_STANDARD_COLUMN = "non-standard column: kept with its raw label, not mapped to a key"


# a pure function of the cell text and the column's default unit. 10k corpus, 5,000 reports in one
# process: 3,954 distinct (hit rate 0.961), ~0.2 kB an entry: <= ~3.5 MB when full
@lru_cache(maxsize=16384)
def _cell_reading(text: str, default_unit: str | None) -> tuple[str, float | None, str | None]:
    """(status, value, unit) of a settled cell: its own unit, else the column's for a reported number."""
    cv = parse_cell(text)
    return cv.status, cv.value, cv.unit or (default_unit if cv.status == "reported" else None)


def _blank_row(spec: TableSpec, read: RowRead, layout: Layout) -> list[CellRecord]:
    out = []
    for c in range(len(layout)):
        label, measure, _ = _column_fields(layout, c)
        out.append(CellRecord(table=spec.name, row=read.row.position, col=c, raw_text="", status="blank",
                              row_label=read.raw_label, col_label=label, section=spec.section, item=read.row.item,
                              measure=measure, line=read.line))
    return out


def _extra_records(spec: TableSpec, extras: list[ExtraRow]) -> list[CellRecord]:
    out = []
    for e in extras:
        for i, t in enumerate(e.values):
            cv = parse_cell(t.text)
            out.append(CellRecord(table=spec.name, row=-1, col=i, raw_text=t.text,
                                  status=cv.status if t.kind == "cell" or not _glued(t) else "unplaced",
                                  value=cv.value if t.kind == "cell" or not _glued(t) else None, unit=cv.unit,
                                  row_label=e.raw_label, section=spec.section, line=t.line,
                                  warning="non-standard row: kept raw, not mapped to a key"))
    return out


def _glued(t: Token) -> bool:
    from ingest.templates.tokens import glued_digits

    return t.kind == "run" and glued_digits(t.text)


def table_records(spec: TableSpec, reads: list[RowRead], rule: RowRule, column_rules: Sequence[ColumnRule],
                  warnings: list[str], *, label_spans: bool = False, blanks_vanish: bool = False,
                  layout: Layout | None = None, signed: bool = False) -> list[CellRecord]:
    cols: Layout = layout if layout is not None else spec.columns
    width = len(cols)
    values: dict[int, Sequence[Token]] = {r.row.position: r.values for r in reads if r.values}
    sol = explicit_solution(values, width, rule, _NO_NAMES)  # (it names nothing)
    if sol is None:  # some row needs the search (runs, span fillers, a failing identity)
        names = {r.row.position: f"{spec.name} '{r.row.label}'" for r in reads if r.values}
        sol = solve_table(values, width, rule, column_rules, names, label_spans=label_spans,
                          cuts_need_identity=blanks_vanish, signed=signed)
    warnings.extend(sol.warnings)
    fields = [_column_fields(cols, c) for c in range(width)]
    out: list[CellRecord] = []
    for read in reads:
        if not read.values:
            out.extend(_blank_row(spec, read, cols))
            continue
        res = sol.rows[read.row.position]
        out.extend(_records_for_row(spec, read, res.cells, res.reason, fields))
    return out


_SUBTOTAL = re.compile(r"法人或其他组织小计|小计|合计")


def applications_layout(stream: Stream, region: tuple[int, int], spec: TableSpec) -> tuple[Layout, RowRule]:
    """The value columns of table 三: the template's seven, plus a non-standard subtotal column
    (法人或其他组织小计, FM-17) when the header prints one — placed where the header puts it
    relative to the organisation columns, with its own identity (subtotal = the five)."""
    a, b = region
    first_row = stream.key.find(fold_key(spec.rows[0].label), a, b)
    header = stream.key[a:first_row if first_row >= 0 else b]
    m = _SUBTOTAL.search(header)
    if m is None:
        return spec.columns, ROW_TOTAL_7
    first_org = header.find(fold_key(spec.columns[1].label))
    cols: list[ColumnSpec | str] = list(spec.columns)
    at = 1 if 0 <= m.start() < first_org else 6
    cols.insert(at, m.group(0))
    orgs = tuple(range(at + 1, at + 6)) if at == 1 else (1, 2, 3, 4, 5)
    person = 0
    rule = RowRule(((tuple(sorted((person, *orgs))), 7), (orgs, at)))
    return cols, rule


def _blanks_vanish(reads: list[RowRead], template: TemplateSpec, signed: bool) -> bool:
    """Evidence in free text that empty cells leave no trace: a row label followed directly by
    the next label, or fewer digits than cells."""
    for r in reads:
        width = len(template.tables[r.row.table].columns)
        if not r.values and r.free_text:
            return True
        if capacity_short(r.values, width, signed):
            return True
    return False


def applications_rules(spec: TableSpec) -> list[ColumnRule]:
    """R1 and R2, per value column (a non-standard column obeys them too)."""
    pos = {r.item: r.position for r in spec.rows}
    outcomes = tuple(p for item, p in pos.items()
                     if item not in ("new_received", "carried_over", "total_processed", "carried_to_next_year"))
    return [
        ColumnRule((pos["new_received"], pos["carried_over"]), (pos["total_processed"], pos["carried_to_next_year"])),
        ColumnRule((pos["total_processed"],), outcomes),
    ]


def read_template_tables(stream: Stream, template: TemplateSpec, apps_template: TemplateSpec,
                         regions_disclosure: tuple[int, int] | None,
                         regions_apps: tuple[int, int] | None, warnings: list[str]) -> list[CellRecord]:
    d_specs = template.disclosure_tables()
    signed = template.template == "2019"  # 本年增/减 is a signed change
    d_reads: list[RowRead] = []
    a_reads: list[RowRead] = []
    extras: list[ExtraRow] = []
    if regions_disclosure is not None:
        d_reads, _ = read_rows(stream, regions_disclosure, d_specs, keep_extra=False, warnings=warnings, signed=signed)
    apps = apps_template.tables["applications"]
    if regions_apps is not None:
        a_reads, extras = read_rows(stream, regions_apps, [apps], keep_extra=True, warnings=warnings)
    vanish = _blanks_vanish(d_reads, template, signed) or _blanks_vanish(a_reads, template, False)
    if vanish:
        warnings.append("blank cells leave no trace in this text: glued runs are cut only where an identity checks them")
    out: list[CellRecord] = []
    for spec in d_specs:
        mine = [r for r in d_reads if r.row.table == spec.name]
        out += table_records(spec, mine, NO_RULE, (), warnings, blanks_vanish=vanish, signed=signed)
    if regions_apps is not None:
        layout, rule = applications_layout(stream, regions_apps, apps)
        if len(layout) != len(apps.columns):
            warnings.append("applications: non-standard column "
                            f"'{next(c for c in layout if isinstance(c, str))}' kept with its raw label, no key")
        out += table_records(apps, a_reads, rule, applications_rules(apps), warnings, label_spans=True,
                             blanks_vanish=vanish, layout=layout)
        out += _extra_records(apps, extras)
    return out


def read_appeals(stream: Stream, region: tuple[int, int], template: TemplateSpec, warnings: list[str]) -> list[CellRecord]:
    """Table 四: one unlabeled row of 15 values after the last header label."""
    spec = template.tables["appeals"]
    _, labels, label_starts, label_ends = label_spans(stream, region, [spec])
    if not labels:
        return []
    start, end = label_ends[-1], stream.raw_index(region[1])
    tokens = table_tail_tokens(stream, start, end)
    if tokens is None:
        tokens = tokens_between(stream, start, end, signed=False)
    groups = _value_groups(tokens)
    values = groups[0][1] or (groups[1][1] if len(groups) > 1 else [])
    if not values:  # the header printed and its row left empty, as a row label with no values
        warnings.append("appeals: header present but no values; its 15 cells read as blank")
        return [_appeals_cell(spec, i, "", parse_cell(""), None, labels[-1], None)
                for i in range(15)]
    explicit = _appeals_settled(spec, values)
    if explicit is not None:  # 15 explicit cells whose identities hold: explicit_solution's reading
        return [new_cell(CellRecord, ("appeals", 0, i, text, status, value, unit, block, col, "appeals", item, measure,
                                      t.line, None, None))
                for (i, text, status, value, unit, block, col, item, measure), t in zip(explicit, values, strict=True)]
    sol = explicit_solution({0: values}, 15, APPEALS_15, {0: "appeals"})
    if sol is None:
        sol = solve_table({0: values}, 15, APPEALS_15, (), {0: "appeals"}, label_spans=True)
    res = sol.rows[0]
    if res.cells is None and res.options > 1:
        settled = _settle_by_prose(stream, region, values)
        if settled is not None:
            res = RowResult(settled, "settled by the figures the report's prose restates")
            sol.warnings = [w for w in sol.warnings if not w.startswith("appeals:")]
            sol.warnings.append("appeals: glued run settled by the arithmetic plus the prose restatement")
    warnings.extend(sol.warnings)
    raw_label = "".join(labels[:2])
    if res.cells is None:
        return [CellRecord(table="appeals", row=0, col=-1, raw_text=t.text, status="unplaced", section="appeals",
                           row_label=raw_label, line=t.line, warning=res.reason) for t in values]
    line = stream.line_at(label_starts[-1])
    if len(res.cells) != 15 or len(_appeals_fields(spec)) != 15:  # (neither happens: 15 cells, 3 blocks of 5)
        return [_appeals_cell(spec, i, text, parse_cell(text), res.reason,
                              raw_label, values[i].line if len(values) == 15 else values[0].line or line)
                for i, text in enumerate(res.cells)]
    lines = [t.line for t in values] if len(values) == 15 else repeat(values[0].line or line)
    reason = res.reason
    # as _appeals_cell builds each (positional: CellRecord's fields in order)
    return [new_cell(CellRecord, ("appeals", 0, i, text, status, value, unit, block, col, "appeals", item, measure,
                                  cell_line, None, reason))
            for i, text, (block, col, item, measure, col_unit), cell_line in zip(count(), res.cells,
                                                                                  _appeals_fields(spec), lines)
            for status, value, unit in (_cell_reading(text, col_unit),)]


# one settled cell of table 四: (col, raw_text, status, value, unit, row_label, col_label, item, measure)
_AppealsCell = tuple[int, str, str, "float | None", "str | None", str, "str | None", str, "str | None"]
# rows kept before the memo starts afresh: ~2.1 kB a 15-cell row (sys.getsizeof over key and cells),
# <= ~2.2 MB a template; the 10k corpus in one process needs ~650 rows a template (hit rate 0.80)
_APPEALS_MEMO_SIZE = 1024


def _appeals_settled(spec: TableSpec, values: list[Token]) -> tuple[_AppealsCell, ...] | None:
    """Table 四's cells when its values are 15 explicit cells that explicit_solution settles as
    printed (within the digit cap, APPEALS_15 holding), with each cell's reading; None otherwise.
    Memoised per template by the cell texts."""
    if len(values) != 15 or any(t.kind != "cell" for t in values):
        return None
    return _appeals_memo(spec)[tuple(t.text for t in values)]


@cache  # TableSpec hashes by identity: one memo per template's table 四
def _appeals_memo(spec: TableSpec) -> BoundedMemo[tuple[str, ...], tuple[_AppealsCell, ...] | None]:
    return BoundedMemo(partial(_settle_appeals, spec), _APPEALS_MEMO_SIZE)


def _settle_appeals(spec: TableSpec, texts: tuple[str, ...]) -> tuple[_AppealsCell, ...] | None:
    if not settles_as_printed(texts, 15, APPEALS_15.sums):
        return None
    fields = _appeals_fields(spec)
    if len(fields) != 15:
        return None
    return tuple((i, text, *_cell_reading(text, col_unit), block, col, item, measure)
                 for i, text, (block, col, item, measure, col_unit) in zip(count(), texts, fields))


@cache
def _appeals_layout(spec: TableSpec) -> tuple[list[RowSpec], list[ColumnSpec | None]]:
    """Table 四's five-column blocks in order, and its five columns."""
    return sorted(spec.rows, key=lambda r: r.position), [spec.column(c) for c in range(5)]


_AppealsField = tuple[str, str | None, str, str | None, str | None]


@cache
def _appeals_fields(spec: TableSpec) -> tuple[_AppealsField, ...]:
    """Per cell of table 四: (row_label, col_label, item, measure, default unit), as _appeals_cell reads them."""
    blocks, columns = _appeals_layout(spec)
    return tuple((block.label, col.label if col else None, block.item, col.measure if col else None,
                  col.unit if col else None)
                 for block in blocks[:3] for col in columns)


def _settle_by_prose(stream: Stream, region: tuple[int, int], values: list[Token]) -> list[str] | None:
    stated = stated_appeals(stream, region)
    if not stated:
        return None
    options, overflow = row_options(values, 15, APPEALS_15, label_spans=True)
    fits = [o for o in options if agrees([cell_number(c) for c in o], stated)]
    return fits[0] if len(fits) == 1 and not overflow else None


def _appeals_cell(spec: TableSpec, i: int, text: str, cv: CellValue, warning: str | None, raw_label: str,
                  line: int | None) -> CellRecord:
    blocks, columns = _appeals_layout(spec)
    block, col = blocks[i // 5], columns[i % 5]
    return CellRecord(
        table="appeals", row=0, col=i, raw_text=text, status=cv.status, value=cv.value,
        unit=cv.unit or (col.unit if col and cv.status == "reported" else None),
        row_label=block.label, col_label=col.label if col else None, section="appeals", item=block.item,
        measure=col.measure if col else None, line=line, warning=warning,
    )
