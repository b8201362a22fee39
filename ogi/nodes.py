"""The manifest's nodes: models, seeds, data tests and sources, in dbt's vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Relation:
    """A table or view (or an inlined expression, for external sources / ephemeral CTEs)."""

    schema: str | None
    identifier: str
    database: str | None = None
    expression: str | None = None  # rendered verbatim instead of schema.identifier

    @property
    def name(self) -> str:
        return self.identifier

    def render(self) -> str:
        if self.expression is not None:
            return self.expression
        if self.schema:
            return f"{quote(self.schema)}.{quote(self.identifier)}"
        return quote(self.identifier)

    def __str__(self) -> str:
        return self.render()

    def include(self, **_: Any) -> Relation:  # dbt API: this.include(database=False)
        return self


@dataclass
class Column:
    name: str
    description: str = ""
    data_type: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "data_type": self.data_type,
                "meta": self.meta, "tags": self.tags, "constraints": [], "quote": None}


@dataclass
class Node:
    """One node of the graph. `path` is absolute; `original_file_path` is relative to the root."""

    unique_id: str
    resource_type: str  # model | seed | test | source
    name: str
    package_name: str
    path: Path
    original_file_path: str
    fqn: list[str]
    raw_code: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    columns: dict[str, Column] = field(default_factory=dict)
    refs: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    depends_on_macros: list[str] = field(default_factory=list)
    compiled_code: str | None = None
    # sources
    source_name: str | None = None
    identifier: str | None = None
    external_location: str | None = None
    loader: str = ""
    # data tests
    test_metadata: dict[str, Any] | None = None  # {"name", "kwargs", "namespace"}
    attached_node: str | None = None
    column_name: str | None = None
    yaml_line: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def materialized(self) -> str:
        if self.resource_type == "seed":
            return "seed"
        if self.resource_type == "test":
            return "test"
        return str(self.config.get("materialized", "view"))

    @property
    def tags(self) -> list[str]:
        return list(self.config.get("tags", []))

    @property
    def schema(self) -> str:
        return str(self.config.get("_resolved_schema", "main"))

    @property
    def alias(self) -> str:
        return str(self.config.get("alias") or self.identifier or self.name)

    def relation(self) -> Relation:
        if self.resource_type == "source" and self.external_location:
            return Relation(self.schema, self.alias, expression=self.external_location)
        if self.materialized == "ephemeral":
            return Relation(None, f"__dbt__cte__{self.name}", expression=f"__dbt__cte__{self.name}")
        return Relation(self.schema, self.alias)

    @property
    def location(self) -> str:
        """Where to point a user: `path:line` for YAML-defined nodes, the file otherwise."""
        if self.yaml_line:
            return f"{self.original_file_path}:{self.yaml_line}"
        return self.original_file_path
