"""Place names in report text: which written forms are areas, at which level, with which parents.

A dictionary look-up, not a resolver: it reads the committed seeds (seeds/area_aliases.csv,
seeds/areas.csv, seeds/area_history.csv, seeds/area_zones.csv) so that `东洲区`, `关岭县` and
`平潭综合实验区` are recognised as areas and generic words (全区, 社区, 城乡) are not. Choosing the
report's own area among candidates is done in SQL (int_report_areas_resolved); here the parents
are used only to spell the organ's name the way the report does.

Building the dictionary from the ~9 MB of seeds costs ~0.25 s of CPU, so the built tables are kept
in a cache file keyed by the seeds' content (ingest.metadata.cache) and load in ~30 ms.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from operator import itemgetter

from ingest.metadata.cache import cache_key, load, store
from ingest.model import AreaMention, Line
from ingest.native import SOURCE

# From the package's source folder, not __file__: compiled (ingest/native.py) this module is in build/.
SEEDS = SOURCE.parent / "seeds"
MODULE_SOURCE = SOURCE / "metadata" / "places.py"
LEVELS = ("province", "prefecture", "county", "township")
# Official names that are also everyday words in reports (城区 = "the urban area", 矿区 …).
GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新区", "市区", "市辖区", "城关", "城镇", "乡镇", "集镇", "城乡"})
MAX_ALIAS = 16
# A two-character name (和县, 定县) is taken only inside a chain of names or before an organ word:
# on its own it is far more often the tail of a phrase (网上办事大厅和县(区), 指定县档案馆).
SHORT_NAME_NEXT = ("人民政府", "政府", "委", "局", "办")


@dataclass(frozen=True)
class Place:
    code12: str | None  # None for names known only from history or the zones list
    level: str
    chain: tuple[str | None, str | None, str | None]  # province, prefecture, county code12


@dataclass
class Gazetteer:
    # alias -> indices into `table`, whose rows are "code12<TAB>level<TAB>province<TAB>prefecture<TAB>county"
    # ("" for none): plain strings, so that the dictionary loads from the cache file
    # (ingest.metadata.cache) in a few ms; Place objects are made only for the names a report asks about.
    by_alias: dict[str, tuple[int, ...]]
    table: tuple[str, ...]
    # last two characters of every such alias -> the lengths of the aliases ending with them
    tails: dict[str, tuple[int, ...]]
    _made: dict[int, Place] = field(default_factory=dict, repr=False)
    # the last characters of every alias of two characters or more (镇 乡 道 县 区 市 …): a name can
    # only end where one of them stands, and they are rare in text
    end_chars: str = field(init=False, repr=False)
    _level: dict[str, str | None] = field(default_factory=dict, repr=False)  # memo of level()
    _ancestor: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)  # memo of is_ancestor()

    def __post_init__(self) -> None:
        self.end_chars = "".join(sorted({tail[-1] for tail in self.tails}))

    @property
    def ends(self) -> re.Pattern[str]:
        """end_chars as one character class."""
        return re.compile(f"[{''.join(map(re.escape, self.end_chars))}]" if self.end_chars else r"(?!)")

    def places(self, name: str) -> list[Place]:
        return [self._place(i) for i in self.by_alias.get(name, ())]

    def _place(self, i: int) -> Place:
        place = self._made.get(i)
        if place is None:
            code, level, province, prefecture, county = self.table[i].split("\t")
            chain = (province or None, prefecture or None, county or None)
            place = self._made[i] = Place(code or None, level, chain)
        return place

    def levels(self, name: str) -> set[str]:
        return {p.level for p in self.places(name)}

    def level(self, name: str) -> str | None:
        """The one level of the areas written `name`; None when there are several or none. Memoised
        (like the Place objects): a report names the same few areas again and again."""
        try:
            return self._level[name]
        except KeyError:
            levels = self.levels(name)
            level = self._level[name] = levels.pop() if len(levels) == 1 else None
            return level

    def is_ancestor(self, parent: str, child: str) -> bool:
        """True when some area written `parent` is an ancestor of some area written `child` (memoised)."""
        known = self._ancestor.get((parent, child))
        if known is None:
            codes = {p.code12 for p in self.places(parent) if p.code12}
            known = any(c in codes for p in self.places(child) for c in p.chain if c and c != p.code12)
            self._ancestor[parent, child] = known
        return known


SEED_FILES = ("areas.csv", "area_aliases.csv", "area_history.csv", "area_zones.csv")


def _read(name: str, *columns: str) -> list[tuple[str, ...]]:
    """The given columns of every row of a seed CSV ([] when the file is missing). csv.reader and
    one itemgetter per row: DictReader builds a dict of every column, 4x slower on areas.csv."""
    path = SEEDS / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if any(c not in header for c in columns):
            return []
        idx = [header.index(c) for c in columns]
        width, get = max(idx) + 1, itemgetter(*idx, max(idx))  # the extra index keeps a tuple for one column
        return [get(row)[:-1] for row in reader if len(row) >= width]


@cache
def gazetteer() -> Gazetteer:
    """The dictionary of the seeds, from the cache file when it was built from these very seeds
    (and this module), else built from the CSVs and cached for the next process."""
    key = cache_key([*(SEEDS / n for n in SEED_FILES), MODULE_SOURCE])
    tables = load(key)
    if not (isinstance(tables, tuple) and len(tables) == 3):
        tables = _build()
        store(key, tables)
    by_alias, table, tails = tables
    return Gazetteer(by_alias, table, tails)


Tables = tuple[dict[str, tuple[int, ...]], tuple[str, ...], dict[str, tuple[int, ...]]]


def _build() -> Tables:
    """(by_alias, table, tails) from the seed CSVs: only tuples, dicts and strings."""
    chains = {code: "\t".join(parents) for code, *parents in _read(
        "areas.csv", "code12", "province_code12", "prefecture_code12", "county_code12"
    )}  # fmt: skip
    by_alias: dict[str, list[int]] = {}
    table: list[str] = []
    shared: dict[tuple[str, str], int] = {}  # one row per area and level, whatever its aliases
    nothing = "\t\t"
    for alias, code, level in _read("area_aliases.csv", "alias", "code12", "level"):
        i = shared.get((code, level))
        if i is None:
            i = shared[code, level] = len(table)
            table.append(f"{code}\t{level}\t{chains.get(code, nothing)}")
        by_alias.setdefault(alias, []).append(i)
    for name, level in _read("area_history.csv", "name", "level"):  # old names (宣武区, 莱芜市) no longer current
        if name not in by_alias and name not in ("市辖区", "县"):
            by_alias.setdefault(name, []).append(len(table))
            table.append(f"\t{level}\t{nothing}")
    for name, level, host in _read("area_zones.csv", "name", "level", "host_code12"):
        by_alias.setdefault(name, []).append(len(table))
        table.append(f"\t{level}\t{chains.get(host, nothing)}")
    for g in GENERIC_NAMES:
        by_alias.pop(g, None)
    return {a: tuple(ids) for a, ids in by_alias.items()}, tuple(table), _tails(by_alias)


def _tails(by_alias: Mapping[str, object]) -> dict[str, tuple[int, ...]]:
    """The lengths by last two characters of every findable alias (two to MAX_ALIAS characters)."""
    lengths: dict[str, set[int]] = {}
    for a in by_alias:
        if 1 < len(a) <= MAX_ALIAS:
            lengths.setdefault(a[-2:], set()).add(len(a))
    return {t: tuple(sorted(ls)) for t, ls in lengths.items()}


def longest_names(text: str, gaz: Gazetteer) -> dict[int, int]:
    """start -> length of the longest area name starting there (names of 2..MAX_ALIAS characters).

    Found from the rare characters a name can end with (gaz.end_chars): at each of
    them, every length is looked up in the alias dictionary. Each character is looked for with
    str.find, which scans faster than the regex engine does for the class; the order the names are
    found in does not matter (the longest per start is kept, and find_in sorts the starts)."""
    by_alias, tails = gaz.by_alias, gaz.tails
    longest: dict[int, int] = {}
    find = text.find
    for ch in gaz.end_chars:
        end = find(ch, 1) + 1  # (a name has two characters or more: none ends at the first)
        while end:
            sizes = tails.get(text[end - 2 : end])
            if sizes:
                for size in sizes:
                    start = end - size
                    if start >= 0 and text[start:end] in by_alias and longest.get(start, 0) < size:
                        longest[start] = size
            end = find(ch, end) + 1
    return longest


def find_in(text: str, gaz: Gazetteer | None = None, short_ok: bool = False) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of every area name in `text`: leftmost-longest, left to right.

    溧阳市古县街道 gives 溧阳市, 古县街道 (not the county 古县): at each position the longest name
    starting there wins, and the scan resumes after it. A two-character name (盂县, 和县) counts
    only inside a chain of names or before an organ word, unless `short_ok` (an organ's own name).
    """
    gaz = gaz or gazetteer()
    longest = longest_names(text, gaz)
    pos = chained_at = -1
    for start in sorted(longest):
        if start < pos:
            continue
        size = longest[start]
        end = start + size
        if size == 2 and not short_ok:
            if not (start == chained_at or text.startswith(SHORT_NAME_NEXT, end) or end in longest):
                continue
        yield start, end, text[start:end]
        pos = chained_at = end


def mentions(lines: list[Line], text: str | None = None) -> list[AreaMention]:
    """Every area name in the document, in order, with its level when unambiguous.

    The lines are searched as one text joined by newlines (no name holds one, so no name spans
    two lines and each line reads as it would alone); `text` is that join when the caller has it."""
    gaz = gazetteer()
    if text is None:
        text = "\n".join([line.text for line in lines])
    found = list(find_in(text, gaz))
    if not found:
        return []
    if text.count("\n") == len(lines) - 1:
        numbers = []
        at = index = 0  # the line holding offset `at`: names come left to right, so each newline is counted once
        for start, _, _ in found:
            index += text.count("\n", at, start)
            at = start
            numbers.append(lines[index].no)
    else:  # a line holding a newline itself: locate by the lines' lengths
        starts = list(accumulate((len(line.text) + 1 for line in lines), initial=0))
        numbers = [lines[bisect_right(starts, start) - 1].no for start, _, _ in found]
    out = []
    level = gaz.level
    for (_, _, name), no in zip(found, numbers, strict=True):
        out.append(AreaMention(name, level(name), no))
    return out
