"""Is a table row still recoverable once its cells run together?

In the `glued` rendering a row's values become one string (`规范性文件6856`, a whole appeals row as
`000000000000000`). A parser may split such a run only when the template arithmetic leaves one
possibility. This module counts the splits consistent with the row's own identity (R3 for a
Table 三 row, R4 for the appeals row, none elsewhere); a row is recoverable when exactly one split
survives. Column identities (R1/R2) could settle more rows, so a row flagged ambiguous here may
still be recoverable by a cleverer parser: tests should accept either the value or `unplaced`.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[+-]?(?:0|[1-9]\d*)(?:\.\d+)?|/|-|—|无")
MAX_RUN = 48  # longer runs are flagged ambiguous without searching


def _number(tok: str) -> float | None:
    try:
        return float(tok)
    except ValueError:
        return None


def _holds(vals: tuple[float | None, ...], rule: str | None) -> bool:
    if rule is None or any(v is None for v in vals):
        return True
    if rule == "row_total":  # Table 三: total = the six applicant columns
        return abs(sum(vals[:-1]) - vals[-1]) < 1e-9  # type: ignore[arg-type,operator]
    if rule == "blocks_of_5":  # Table 四: each block total = its four outcomes
        return all(abs(sum(vals[i:i + 4]) - vals[i + 4]) < 1e-9 for i in range(0, len(vals), 5))  # type: ignore[arg-type,operator]
    raise ValueError(rule)


@lru_cache(maxsize=65536)
def count_splits(run: str, k: int, rule: str | None, limit: int = 2) -> int:
    """Number of ways (capped at `limit`) to cut `run` into k value tokens satisfying `rule`."""
    if len(run) > MAX_RUN:
        return limit
    found = 0

    def walk(pos: int, vals: tuple[float | None, ...]) -> None:
        nonlocal found
        if found >= limit:
            return
        if len(vals) == k:
            if pos == len(run) and _holds(vals, rule):
                found += 1
            return
        if len(run) - pos < k - len(vals):
            return
        for end in range(pos + 1, len(run) + 1):
            tok = run[pos:end]
            if _TOKEN.fullmatch(tok):
                walk(end, (*vals, _number(tok)))

    walk(0, ())
    return found


def glued_recoverable(texts: list[str], rule: str | None) -> bool:
    """True when the row's values, run together, split back in exactly one way."""
    if any(t.strip() == "" for t in texts):
        return False  # a blank cell leaves no trace once cells are run together
    run = "".join(t.strip() for t in texts).replace(",", "")
    return count_splits(run, len(texts), rule) == 1


def spaced_recoverable(texts: list[str]) -> bool:
    """Cells separated by spaces: only a blank cell loses its position."""
    return all(t.strip() != "" for t in texts)
