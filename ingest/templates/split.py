"""Split value tokens into a row's cells, using the template arithmetic as constraints.

Scraped text often glues a row's cells together (`规范性文件6856`, `一、…数量2000002`). A row of
known width is cut into cells in every way allowed by:

- tokens: an explicit cell or a signed/decimal/comma number is one cell; a run of bare digits
  (free text) is one or more cells; whitespace between tokens is always a cell boundary;
- no leading zeros: a multi-digit cell never starts with '0' ("05" is not a value);
- the row's own identities (`RowRule`: Table 三 total = six applicant columns; Table 四 each
  block's total = its four outcomes), checked as soon as their cells are cut.

`solve_table` then combines rows under the column identities (Table 三 R1/R2) and keeps a row
only when every assignment of all the rows that satisfies every identity gives it the same
cells. Nothing is guessed: a row left with several possibilities is reported ambiguous.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from math import comb
from typing import cast

from ingest.cellvalue import parse_cell
from ingest.templates.tokens import Token, glued_digits

MAX_ROW_CANDIDATES = 512
MAX_ROW_NODES = 100_000  # search steps for one row before it is declared ambiguous
MAX_CELL_DIGITS = 12  # no template cell holds more digits (money has decimals after them)
MAX_TABLE_NODES = 200_000
MAX_SOLUTIONS = 64
_BARE_DIGITS = re.compile(r"\d+")
_INT_PART = re.compile(r"[+-]?(\d*)")
_DIGITS_BEFORE_COMMA = re.compile(r"[+-]?(\d+),")
_SIGN_AND_DIGITS = re.compile(r"([+-]?)(\d+)")


@dataclass(frozen=True)
class RowRule:
    """sum(cells[i] for i in parts) == cells[total], for each (parts, total)."""

    sums: tuple[tuple[tuple[int, ...], int], ...] = ()

    def checks_at(self, index: int) -> list[tuple[tuple[int, ...], int]]:
        return _checks_at(self, index)


@lru_cache(maxsize=256)
def _checks_at(rule: RowRule, index: int) -> list[tuple[tuple[int, ...], int]]:
    return [(p, t) for p, t in rule.sums if max(*p, t) == index]


NO_RULE = RowRule()
ROW_TOTAL_7 = RowRule((((0, 1, 2, 3, 4, 5), 6),))
APPEALS_15 = RowRule(tuple((tuple(range(b, b + 4)), b + 4) for b in (0, 5, 10)))


@lru_cache(maxsize=8192)
def cell_number(text: str) -> float | None:
    cv = parse_cell(text)
    return cv.value if cv.status == "reported" else None


def _holds(values: Sequence[float | None], parts: tuple[int, ...], total: int) -> bool:
    t = values[total]
    if t is None:
        return True  # a blank or '/' leaves the identity unchecked
    s: float = 0.0
    for i in parts:
        v = values[i]
        if v is None:
            return True
        s += v
    return abs(s - t) < 1e-6


holds = _holds  # for ingest.templates.fastpath


@dataclass
class _Atom:
    text: str
    splittable: bool
    dashes: bool = False  # a run of one marker character ('——'): one cell or one per character


def _atoms(tokens: Sequence[Token], merge_spaces: bool) -> list[_Atom]:
    """One atom per token; with `merge_spaces` (FM-11) adjacent bare-digit runs become one
    splittable atom, i.e. the space between them is no longer a forced cell boundary."""
    atoms: list[_Atom] = []
    prev_bare = False
    for t in tokens:
        bare = t.kind == "run" and _BARE_DIGITS.fullmatch(t.text) is not None
        if merge_spaces and bare and prev_bare:
            atoms[-1] = _Atom(atoms[-1].text + t.text, True)
        elif t.kind == "na" and len(t.text) > 1 and len(set(t.text)) == 1:
            atoms.append(_Atom(t.text, True, dashes=True))
        else:
            atoms.append(_Atom(t.text, t.kind == "run" and glued_digits(t.text)))
        prev_bare = bare
    return atoms


def _cuts(atom: _Atom) -> list[int]:
    """Positions inside a splittable atom where a cell may end (a sign stays with the first
    cell, a decimal/unit tail with the last)."""
    if not atom.splittable:
        return []
    if atom.dashes:
        return list(range(1, len(atom.text)))
    m = _SIGN_AND_DIGITS.match(atom.text)
    if m is None:
        return []
    sign, digits = len(m.group(1)), len(m.group(2))
    return list(range(sign + 1, sign + digits))


def row_candidates(tokens: Sequence[Token], width: int, rule: RowRule = NO_RULE,
                   merge_spaces: bool = False, limit: int = MAX_ROW_CANDIDATES) -> tuple[list[list[str]], bool]:
    """All ways to cut `tokens` into `width` cells satisfying `rule` (capped at `limit`);
    the flag is True when the cap was hit. Cells are cut one at a time, so an identity prunes
    the search as soon as its cells exist."""
    atoms = _atoms(tokens, merge_spaces)
    if len(atoms) >= width or not any(a.splittable for a in atoms):
        texts = [a.text for a in atoms]
        over = sum(map(len, texts)) > width * MAX_CELL_DIGITS
        tails_ok = all(a.dashes or _ok_tail(a.text, True) for a in atoms if a.splittable)
        return (_uncut(texts, width, rule) if tails_ok and not over else []), over
    cuts = [_cuts(a) for a in atoms]
    # the most cells atoms[i:] can still give
    capacity = [0] * (len(atoms) + 1)
    for i in range(len(atoms) - 1, -1, -1):
        capacity[i] = capacity[i + 1] + 1 + len(cuts[i])
    out: list[list[str]] = []
    cells: list[str] = []
    values: list[float | None] = []
    overflow = sum(len(a.text) for a in atoms) > width * MAX_CELL_DIGITS
    nodes = 0
    checks = [rule.checks_at(i) for i in range(width + 1)]  # the identities completed by cell i

    def push(piece: str) -> bool:
        """Add a cell (pop() takes it back); False when an identity it completes fails."""
        cells.append(piece)
        values.append(cell_number(piece))
        done = checks[len(cells) - 1]
        return not done or all(_holds(values, p, t) for p, t in done)

    pop_cell, pop_value = cells.pop, values.pop

    def walk(ai: int, off: int) -> None:
        nonlocal overflow, nodes
        nodes += 1
        if nodes > MAX_ROW_NODES:
            overflow = True
        if overflow:
            return
        left = width - len(cells)
        if ai == len(atoms):
            if left == 0:
                if len(out) >= limit:
                    overflow = True
                else:
                    out.append(list(cells))
            return
        if left < len(atoms) - ai:
            return
        inner = cuts[ai][bisect_right(cuts[ai], off):]  # the cut positions after off (ascending)
        if left > capacity[ai + 1] + 1 + len(inner):
            return
        text = atoms[ai].text
        dashes = atoms[ai].dashes
        for e in inner:
            piece = text[off:e]
            if not dashes and (_leading_zero(piece) or e - off > MAX_CELL_DIGITS):
                break  # every longer piece from here fails too
            if push(piece):
                walk(ai, e)
            pop_cell()
            pop_value()
        if dashes or _ok_tail(text[off:], atoms[ai].splittable):
            if push(text[off:]):
                walk(ai + 1, 0)
            pop_cell()
            pop_value()

    walk(0, 0)
    return out, overflow


def _uncut(texts: list[str], width: int, rule: RowRule) -> list[list[str]]:
    """The search's result when no atom may be cut (every atom yields at least one cell, so with
    as many atoms as cells, or no splittable atom, each atom is one cell): the one reading with
    one cell per atom when the counts match and `rule` holds; else none. The caller checks the
    tails and the digit cap (a row over width × MAX_CELL_DIGITS is never searched)."""
    if len(texts) != width:
        return []
    if rule.sums:
        values = [cell_number(t) for t in texts]
        if not all(_holds(values, p, t) for p, t in rule.sums if max(*p, t) < width):
            return []
    return [texts]


def _leading_zero(piece: str) -> bool:
    """The integer part (after a sign) has two or more digits and starts with '0'."""
    if piece[:1] in ("+", "-"):
        piece = piece[1:]
    return len(piece) > 1 and piece[0] == "0" and piece[1].isdecimal()


def _ok_tail(piece: str, splittable: bool) -> bool:
    """The last cell of a run: no leading zero on a multi-digit integer part ('05', '05.3'), and
    a thousands-separated number keeps 1–3 digits before its first comma ('1,758', not '21,758'
    when the 2 belongs to the cell before: both are tried, this only rejects '0,758'/'1231,758')."""
    if not splittable:
        return True
    digits = _INT_PART.match(piece).group(1)  # type: ignore[union-attr]
    if len(digits) > MAX_CELL_DIGITS:
        return False
    if "," in piece:
        head = _DIGITS_BEFORE_COMMA.match(piece)
        if head is None or len(head.group(1)) > 3 or head.group(1).startswith("0"):
            return False
    return not (len(digits) > 1 and digits.startswith("0"))  # no leading zero


# ---------------------------------------------------------------------------------------------
# Whole tables


@dataclass(frozen=True)
class ColumnRule:
    """For every column c: sum(+cells[r][c] for r in plus) == sum(cells[r][c] for r in minus)."""

    plus: tuple[int, ...]
    minus: tuple[int, ...]

    @property
    def rows(self) -> tuple[int, ...]:
        return self.plus + self.minus


@dataclass
class RowResult:
    cells: list[str] | None  # the settled cells, or None when unsettled
    reason: str | None = None  # why unsettled (or a note on a settled row)
    options: int = 0


@dataclass
class TableSolution:
    rows: dict[int, RowResult] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _sum(values: list[float | None]) -> float:
    """sum() of values known to hold no None (typed, so that compiled code does not take it for an int)."""
    return sum(cast("list[float]", values))


def _column_values_ok(values: dict[int, list[float | None]], rule: ColumnRule, width: int) -> bool:
    """The column identity on parsed cell numbers; a column with a blank or marker is unchecked."""
    for c in range(width):
        lhs = [values[r][c] for r in rule.plus]
        rhs = [values[r][c] for r in rule.minus]
        if None in lhs or None in rhs:
            continue
        if abs(_sum(lhs) - _sum(rhs)) > 1e-6:
            return False
    return True


def without_span_fillers(tokens: Sequence[Token], width: int, label_spans: bool = False) -> list[list[Token]]:
    """An expanded grid (Markdown, some PDF grids) repeats no text in the positions a colspan or
    rowspan covers: it prints them empty. When a row of explicit cells has more cells than the
    template width, drop surplus empty cells in every possible way; the distinct results are
    returned (one when settled). With `label_spans` (a table whose value cells never span:
    applications, appeals) empty cells right after the label are the label's own span and go
    first."""
    if len(tokens) <= width or not all(t.kind == "cell" for t in tokens):
        return [list(tokens)]
    surplus = len(tokens) - width
    if sum(1 for t in tokens if t.text == "") < surplus:
        return [list(tokens)]
    lead = 0
    while lead < len(tokens) and tokens[lead].text == "":
        lead += 1
    if not label_spans:
        lead = 0
    elif lead >= surplus:
        return [list(tokens[surplus:])]
    base = list(tokens[lead:])
    blanks = [i for i, t in enumerate(base) if t.text == ""]
    need = surplus - lead
    if comb(len(blanks), need) > 4096:
        return [list(tokens)]
    seen: dict[tuple[str, ...], list[Token]] = {}
    for drop in combinations(blanks, need):
        seq = [t for i, t in enumerate(base) if i not in drop]
        seen.setdefault(tuple(t.text for t in seq), seq)
    return list(seen.values())


def sign_variants(tokens: Sequence[Token], signed: bool = False, limit: int = 64) -> list[list[Token]]:
    """In glued text '5-3' is 5 then -3, or 5, a '-' marker, then 3; in a signed column '--2'
    is '-' then -2 as well as '--' (or '-', '-') then 2. Every reading (capped at `limit`;
    '+' is never a marker)."""
    out: list[list[Token]] = [[]]
    for t in tokens:
        alts = [[t]]
        if t.kind == "run" and t.text.startswith("-") and len(t.text) > 1:
            alts.append([Token("na", "-", t.line), Token("run", t.text[1:], t.line)])
        grown = [[*o, *a] for o in out for a in alts]
        if signed and t.kind == "run" and t.text[:1].isdigit():
            for o in out:  # the last dash of a marker run before the number may be its sign
                if o and o[-1].kind == "na" and set(o[-1].text) == {"-"}:
                    rest = [Token("na", o[-1].text[1:], o[-1].line)] if len(o[-1].text) > 1 else []
                    grown.append([*o[:-1], *rest, Token("run", "-" + t.text, t.line)])
        out = grown
        if len(out) > limit:
            return [list(tokens)]
    return out


def row_options(tokens: Sequence[Token], width: int, rule: RowRule, label_spans: bool = False,
                signed: bool = False) -> tuple[list[list[str]], bool]:
    """Every reading of a row (sign readings, span fillers and cuts) that satisfies `rule`."""
    return _candidates(tokens, width, rule, label_spans, signed)


def _candidates(tokens: Sequence[Token], width: int, rule: RowRule, label_spans: bool,
                signed: bool = False) -> tuple[list[list[str]], bool]:
    if len(tokens) <= width and all(t.kind == "cell" for t in tokens):
        # explicit cells: no sign reading, no span filler, no cut (row_candidates' uncut case)
        texts = [t.text for t in tokens]
        over = sum(map(len, texts)) > width * MAX_CELL_DIGITS
        return (_uncut(texts, width, rule) if not over else []), over
    out: list[list[str]] = []
    overflow = False
    variants = [v for sv in sign_variants(tokens, signed) for v in without_span_fillers(sv, width, label_spans)]
    for variant in variants:
        cands, over = row_candidates(variant, width, rule)
        overflow = overflow or over
        out += [c for c in cands if c not in out]
    return out, overflow


def _needs_cut(tokens: Sequence[Token], width: int) -> bool:
    """Fewer tokens than cells: any reading must cut a run or split a '-5' into '-' and 5."""
    return len(tokens) < width


def capacity_short(tokens: Sequence[Token], width: int, signed: bool = False) -> bool:
    """True when free-text tokens cannot give `width` cells however the runs are cut: cells
    vanished (blanks) from the text."""
    if not tokens or any(t.kind == "cell" for t in tokens):
        return False
    return all(sum(1 + len(_cuts(a)) for a in _atoms(v, merge_spaces=False)) < width for v in sign_variants(tokens, signed))


def _printed_as_is(tokens: Sequence[Token], width: int, label_spans: bool) -> tuple[list[list[str]], bool]:
    """Readings that take every token as one cell (no run cut), ignoring the identities."""
    out: list[list[str]] = []
    for v in without_span_fillers(tokens, width, label_spans):
        if len(v) == width:
            cells = [t.text for t in v]
            if cells not in out:
                out.append(cells)
    return out, False


def solve_table(rows: dict[int, Sequence[Token]], width: int, rule: RowRule = NO_RULE,
                column_rules: Sequence[ColumnRule] = (), names: dict[int, str] | None = None,
                label_spans: bool = False, cuts_need_identity: bool = False, signed: bool = False) -> TableSolution:
    """Settle each row's cells; rows are keyed by position, `names` label them in warnings.

    `cuts_need_identity`: the report shows that blank cells vanish from its text (a row with no
    values, or fewer digits than cells), so a glued run is cut only when an identity checks it."""
    names = names or {}
    sol = TableSolution()
    options: dict[int, list[list[str]]] = {}
    for pos, toks in rows.items():
        name = names.get(pos, str(pos))
        if not toks:
            sol.rows[pos] = RowResult(None, "no values")
            continue
        if cuts_need_identity and not rule.sums and _needs_cut(toks, width):
            reason = "blank cells vanish in this report's text, and no identity checks a cut"
            sol.rows[pos] = RowResult(None, reason, 0)
            sol.warnings.append(f"{name}: run left unplaced ({reason})")
            continue
        cands, overflow = _candidates(toks, width, rule, label_spans, signed)
        if not cands and not overflow and rule.sums:
            # Printed one value per cell but the identity fails (FM-25): keep what was printed.
            # Never when a run had to be cut: a vanished blank can fake any cut.
            free, free_overflow = _printed_as_is(toks, width, label_spans)
            if len(free) == 1 and not free_overflow:
                sol.rows[pos] = RowResult(free[0], "the row's arithmetic does not hold (kept as printed)", 1)
                sol.warnings.append(f"{name}: printed values fail the row identity")
                continue
            merged, m_overflow = row_candidates(toks, width, rule, merge_spaces=True)
            if len(merged) == 1 and not m_overflow:
                sol.rows[pos] = RowResult(merged[0], "split numbers rejoined (FM-11) by the row identity", 1)
                sol.warnings.append(f"{name}: adjacent numbers rejoined because only that satisfies the row identity")
                continue
        if overflow:
            sol.rows[pos] = RowResult(None, f"more than {MAX_ROW_CANDIDATES} ways to split", MAX_ROW_CANDIDATES)
            sol.warnings.append(f"{name}: ambiguous digit run left unplaced (more than {MAX_ROW_CANDIDATES} splits)")
        elif not cands:
            sol.rows[pos] = RowResult(None, f"cannot be cut into {width} cells", 0)
            sol.warnings.append(f"{name}: values do not fit the template's {width} cells; left unplaced")
        elif len(cands) == 1:
            sol.rows[pos] = RowResult(cands[0], None, 1)
        else:
            options[pos] = cands
    if options:
        _settle_with_columns(sol, options, width, column_rules, names)
    return sol


def _settle_with_columns(sol: TableSolution, options: dict[int, list[list[str]]], width: int,
                         column_rules: Sequence[ColumnRule], names: dict[int, str]) -> None:
    fixed = {p: r.cells for p, r in sol.rows.items() if r.cells is not None}
    useful = [cr for cr in column_rules if all(r in fixed or r in options for r in cr.rows)]
    undecided = [p for p in options if any(p in cr.rows for cr in useful)]
    for p in options:
        if p not in undecided:
            reason = f"{len(options[p])} possible splits and no identity to choose"
            sol.rows[p] = RowResult(None, reason, len(options[p]))
            sol.warnings.append(f"{names.get(p, str(p))}: ambiguous digit run left unplaced ({reason})")
    if not undecided:
        return
    order = sorted(undecided, key=lambda p: len(options[p]))
    seen: dict[int, set[int]] = {p: set() for p in order}
    solutions = 0
    nodes = 0
    # Cell numbers of every row option, parsed once; the column identities are checked on them.
    values: dict[int, list[float | None]] = {r: [cell_number(x) for x in cells] for r, cells in fixed.items()}
    option_values = {p: [[cell_number(x) for x in cand] for cand in options[p]] for p in order}
    # The rules to check once order[i] is chosen: those on it whose rows are all assigned by then.
    checks: list[list[ColumnRule]] = []
    for i, p in enumerate(order):
        assigned = set(fixed) | set(order[: i + 1])
        checks.append([cr for cr in useful if p in cr.rows and all(r in assigned for r in cr.rows)])
    exhausted = False

    def dfs(i: int, chosen: list[int]) -> None:
        nonlocal solutions, nodes, exhausted
        if exhausted:
            return
        nodes += 1
        if nodes > MAX_TABLE_NODES or solutions > MAX_SOLUTIONS:
            exhausted = True
            return
        if i == len(order):
            solutions += 1
            for p, k in zip(order, chosen, strict=True):
                seen[p].add(k)
            return
        p = order[i]
        rules = checks[i]
        for k, vals in enumerate(option_values[p]):
            values[p] = vals
            if all(_column_values_ok(values, cr, width) for cr in rules):
                dfs(i + 1, [*chosen, k])
            del values[p]

    dfs(0, [])
    for p in order:
        name = names.get(p, str(p))
        if exhausted:
            sol.rows[p] = RowResult(None, "too many combinations to settle by the column identities", len(options[p]))
        elif solutions == 0:
            sol.rows[p] = RowResult(None, f"{len(options[p])} possible splits, none fits the column identities", len(options[p]))
        elif len(seen[p]) == 1:
            sol.rows[p] = RowResult(options[p][next(iter(seen[p]))], "settled by the column identities", len(options[p]))
        else:
            sol.rows[p] = RowResult(None, f"{len(seen[p])} splits fit every identity", len(options[p]))
        if sol.rows[p].cells is None:
            sol.warnings.append(f"{name}: ambiguous digit run left unplaced ({sol.rows[p].reason})")
