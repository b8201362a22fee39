"""The template label seed (template_labels.csv) as Python objects.

template_labels.csv, next to this module, is the single source of truth for the labels of the
2019 and 2021 template tables: every block banner, column, row and rowspan group, each with the
canonical key it maps to, plus loose variants seen in the wild (variant=true). seeds/
template_labels.csv is the same file for the SQL warehouse (tests/test_templates_labels.py
asserts the two are identical).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

from ingest.native import SOURCE
from ingest.templates.stream import fold_key

LABELS_CSV = SOURCE / "templates" / "template_labels.csv"  # not __file__: compiled, this module is in build/
TEMPLATE_NAMES = ("2019", "2021")


@dataclass(frozen=True)
class RowSpec:
    table: str
    position: int
    item: str
    labels: tuple[str, ...]  # canonical first, then variants
    group: str | None
    width: int

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(frozen=True)
class ColumnSpec:
    table: str
    position: int
    measure: str
    labels: tuple[str, ...]
    unit: str | None

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass(eq=False)  # compared and hashed by identity: one object per table of a cached template
class TableSpec:
    name: str
    section: str
    width: int = 0
    block_labels: tuple[str, ...] = ()
    rows: list[RowSpec] = field(default_factory=list)
    columns: list[ColumnSpec] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)

    def column(self, position: int) -> ColumnSpec | None:
        for c in self.columns:
            if c.position == position:
                return c
        return None


@dataclass
class TemplateSpec:
    template: str
    tables: dict[str, TableSpec]

    def disclosure_tables(self) -> list[TableSpec]:
        return [t for n, t in self.tables.items() if n.startswith("disclosure_art20_")]


def _int(text: str) -> int:
    return int(text) if text.strip() else 0


def _read_rows() -> list[dict[str, str]]:
    with LABELS_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _merge(specs: dict[tuple[str, int], tuple[str, list[str], dict[str, str]]], key: tuple[str, int],
           label: str, rec: dict[str, str]) -> None:
    if key in specs:
        specs[key][1].append(label)
    else:
        specs[key] = (label, [label], rec)


@cache
def template_spec(template: str) -> TemplateSpec:
    """Tables, rows, columns and headers of one template, from the seed."""
    if template not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {template!r}; expected one of {TEMPLATE_NAMES}")
    tables: dict[str, TableSpec] = {}
    shared_headers: dict[str, list[str]] = {}
    rows: dict[tuple[str, int], tuple[str, list[str], dict[str, str]]] = {}
    cols: dict[tuple[str, int], tuple[str, list[str], dict[str, str]]] = {}
    for rec in _read_rows():
        if rec["template"] != template:
            continue
        name, kind, label = rec["table_name"], rec["label_kind"], rec["label"]
        if kind == "header" and name == "disclosure":
            shared_headers.setdefault("disclosure", []).append(label)
            continue
        spec = tables.setdefault(name, TableSpec(name, rec["section"]))
        if kind == "block":
            spec.block_labels = (*spec.block_labels, label)
            spec.width = _int(rec["width"])
        elif kind == "row":
            _merge(rows, (name, _int(rec["position"])), label, rec)
        elif kind == "column":
            _merge(cols, (name, _int(rec["position"])), label, rec)
        elif kind == "header":
            spec.headers.append(label)
        elif kind == "group":
            spec.groups.append(label)
        else:
            raise ValueError(f"{LABELS_CSV.name}: unknown label_kind {kind!r}")
    for (name, pos), (_, labels, rec) in sorted(rows.items(), key=lambda kv: kv[0]):
        tables[name].rows.append(
            RowSpec(name, pos, rec["item"], tuple(labels), rec["group_label"] or None, _int(rec["width"]))
        )
    for (name, pos), (_, labels, rec) in sorted(cols.items(), key=lambda kv: kv[0]):
        tables[name].columns.append(ColumnSpec(name, pos, rec["measure"], tuple(labels), rec["unit"] or None))
    for spec in tables.values():
        if spec.name.startswith("disclosure_art20_"):
            spec.headers.extend(shared_headers.get("disclosure", []))
        if not spec.width:
            spec.width = max((r.width for r in spec.rows), default=0)
    return TemplateSpec(template, tables)


def all_label_keys(template: str) -> set[str]:
    """Every label of a template in folded form (used to tell labels from stray words)."""
    spec = template_spec(template)
    out: set[str] = set()
    for t in spec.tables.values():
        out.update(fold_key(x) for x in t.block_labels)
        out.update(fold_key(x) for x in t.headers)
        out.update(fold_key(x) for x in t.groups)
        for r in t.rows:
            out.update(fold_key(x) for x in r.labels)
        for c in t.columns:
            out.update(fold_key(x) for x in c.labels)
    return out
