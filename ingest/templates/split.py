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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ingest.cellvalue import parse_cell
from ingest.templates.tokens import Token, glued_digits

MAX_ROW_CANDIDATES = 512
MAX_TABLE_NODES = 200_000
MAX_SOLUTIONS = 64


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
def _value(text: str) -> float | None:
    cv = parse_cell(text)
    return cv.value if cv.status == "reported" else None


def _holds(values: Sequence[float | None], parts: tuple[int, ...], total: int) -> bool:
    vals = [values[i] for i in parts]
    t = values[total]
    if t is None or any(v is None for v in vals):
        return True  # a blank or '/' leaves the identity unchecked
    return abs(sum(v for v in vals if v is not None) - t) < 1e-6


@dataclass
class _Atom:
    text: str
    splittable: bool


def _atoms(tokens: Sequence[Token], merge_spaces: bool) -> list[_Atom]:
    """One atom per token; with `merge_spaces` (FM-11) adjacent bare-digit runs become one
    splittable atom, i.e. the space between them is no longer a forced cell boundary."""
    atoms: list[_Atom] = []
    prev_bare = False
    for t in tokens:
        bare = t.kind == "run" and re.fullmatch(r"\d+", t.text) is not None
        if merge_spaces and bare and prev_bare:
            atoms[-1] = _Atom(atoms[-1].text + t.text, True)
        else:
            atoms.append(_Atom(t.text, t.kind == "run" and glued_digits(t.text)))
        prev_bare = bare
    return atoms


def _cuts(atom: _Atom) -> list[int]:
    """Positions inside a splittable run where a cell may end (before any decimal/unit tail)."""
    m = re.match(r"\d+", atom.text)
    n = len(m.group(0)) if m else 0
    return list(range(1, n)) if atom.splittable else []


def row_candidates(tokens: Sequence[Token], width: int, rule: RowRule = NO_RULE,
                   merge_spaces: bool = False, limit: int = MAX_ROW_CANDIDATES) -> tuple[list[list[str]], bool]:
    """All ways to cut `tokens` into `width` cells satisfying `rule` (capped at `limit`);
    the flag is True when the cap was hit. Cells are cut one at a time, so an identity prunes
    the search as soon as its cells exist."""
    atoms = _atoms(tokens, merge_spaces)
    cuts = [_cuts(a) for a in atoms]
    # the most cells atoms[i:] can still give
    capacity = [0] * (len(atoms) + 1)
    for i in range(len(atoms) - 1, -1, -1):
        capacity[i] = capacity[i + 1] + 1 + len(cuts[i])
    out: list[list[str]] = []
    cells: list[str] = []
    values: list[float | None] = []
    overflow = False

    def push(piece: str) -> bool:
        cells.append(piece)
        values.append(_value(piece))
        return all(_holds(values, p, t) for p, t in rule.checks_at(len(cells) - 1))

    def pop() -> None:
        cells.pop()
        values.pop()

    def walk(ai: int, off: int) -> None:
        nonlocal overflow
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
        inner = [c for c in cuts[ai] if c > off]
        if left > capacity[ai + 1] + 1 + len(inner):
            return
        text = atoms[ai].text
        for e in inner:
            piece = text[off:e]
            if len(piece) > 1 and piece[0] == "0":
                break  # every longer piece from here starts with 0 too
            if push(piece):
                walk(ai, e)
            pop()
        if _ok_tail(text[off:], atoms[ai].splittable):
            if push(text[off:]):
                walk(ai + 1, 0)
            pop()

    walk(0, 0)
    return out, overflow


def _ok_tail(piece: str, splittable: bool) -> bool:
    """The last cell of a run: no leading zero on a multi-digit integer part ('05', '05.3')."""
    if not splittable:
        return True
    digits = re.match(r"\d*", piece).group(0)  # type: ignore[union-attr]
    return not (len(digits) > 1 and digits.startswith("0"))


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


def _column_ok(assign: dict[int, list[str]], rule: ColumnRule, width: int) -> bool:
    for c in range(width):
        lhs = [_value(assign[r][c]) for r in rule.plus]
        rhs = [_value(assign[r][c]) for r in rule.minus]
        if any(v is None for v in lhs + rhs):
            continue
        if abs(sum(v for v in lhs if v is not None) - sum(v for v in rhs if v is not None)) > 1e-6:
            return False
    return True


def solve_table(rows: dict[int, Sequence[Token]], width: int, rule: RowRule = NO_RULE,
                column_rules: Sequence[ColumnRule] = (), names: dict[int, str] | None = None) -> TableSolution:
    """Settle each row's cells; rows are keyed by position, `names` label them in warnings."""
    names = names or {}
    sol = TableSolution()
    options: dict[int, list[list[str]]] = {}
    for pos, toks in rows.items():
        name = names.get(pos, str(pos))
        if not toks:
            sol.rows[pos] = RowResult(None, "no values")
            continue
        cands, overflow = row_candidates(toks, width, rule)
        if not cands and not overflow and rule.sums:
            free, free_overflow = row_candidates(toks, width, NO_RULE)
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
    assign: dict[int, list[str]] = dict(fixed)  # type: ignore[arg-type]
    exhausted = False

    def ready(cr: ColumnRule) -> bool:
        return all(r in assign for r in cr.rows)

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
        for k, cand in enumerate(options[p]):
            assign[p] = cand
            if all(_column_ok(assign, cr, width) for cr in useful if p in cr.rows and ready(cr)):
                dfs(i + 1, [*chosen, k])
            del assign[p]

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
