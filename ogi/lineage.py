"""Lineage: a model's upstream and downstream nodes, and column-level lineage through sqlglot.

`describe_lineage(session, "fct_x.col")` follows a column through every model back to the seeds and
sources it comes from; `describe_lineage(session, "fct_x")` lists the model's columns and neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ogi.errors import OgiError
from ogi.validate import SOURCE_SCHEMA

if TYPE_CHECKING:
    from ogi.nodes import Node
    from ogi.runner import Session


@dataclass
class ColumnOrigin:
    """One step of a column's lineage: `node_name.column`, with what it is made from."""

    node: str
    column: str
    resource_type: str
    expression: str = ""
    parents: list[ColumnOrigin] = field(default_factory=list)

    def lines(self, depth: int = 0) -> list[str]:
        pad = "  " * depth + ("<- " if depth else "")
        text = f"{pad}{self.node}.{self.column} ({self.resource_type})"
        if self.expression:
            text += f"  = {self.expression}"
        out = [text]
        for parent in self.parents:
            out.extend(parent.lines(depth + 1))
        return out


def _relation_index(session: Session) -> dict[tuple[str, str], Node]:
    index: dict[tuple[str, str], Node] = {}
    for node in session.manifest.all_nodes().values():
        if node.resource_type == "source" and node.external_location:
            index[(SOURCE_SCHEMA, f"{node.source_name}__{node.name}")] = node
        elif node.resource_type in ("model", "seed", "source"):
            rel = node.relation()
            index[(str(rel.schema), rel.identifier)] = node
    return index


def column_lineage(session: Session, model: str, column: str, max_depth: int = 30) -> ColumnOrigin:
    """The tree of columns `model.column` is computed from, model by model."""
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.lineage import lineage

    session.compile(validate=True, quiet=True, existing={})  # lineage of the full-refresh form
    validator = session.validator
    assert validator is not None
    index = _relation_index(session)
    mapping = validator.mapping()

    def trace(node: Node, col: str, depth: int) -> ColumnOrigin:
        origin = ColumnOrigin(node.name if node.resource_type != "source" else f"{node.source_name}.{node.name}",
                              col, node.resource_type if node.materialized != "ephemeral" else "ephemeral model")
        if node.resource_type != "model" or depth > max_depth or not node.compiled_code:
            return origin
        sql = validator.sql_for_check(node.compiled_code)
        try:
            root = lineage(col, sql, schema=mapping, dialect="duckdb")
        except SqlglotError as error:
            origin.expression = f"(lineage unavailable: {str(error).splitlines()[0]})"
            return origin
        origin.expression = root.expression.sql(dialect="duckdb") if root.expression is not None else ""
        if origin.expression.lower().endswith(f" as {col.lower()}"):
            origin.expression = origin.expression[: -len(f" as {col}")]
        seen: set[tuple[str, str]] = set()
        for leaf in root.walk():
            if not isinstance(leaf.source, exp.Table) or leaf.downstream:
                continue
            table = leaf.source
            parent = index.get((table.db, table.name))
            leaf_col = leaf.name.split(".")[-1]
            if parent is None or (parent.unique_id, leaf_col) in seen:
                continue
            seen.add((parent.unique_id, leaf_col))
            origin.parents.append(trace(parent, leaf_col, depth + 1))
        return origin

    node = session.manifest.by_name(model, ("model", "seed"))
    if node is None:
        raise OgiError(f"no model or seed named '{model}'")
    return trace(node, column, 0)


def describe_lineage(session: Session, target: str) -> str:
    """Text for `ogi lineage MODEL[.COLUMN]`."""
    if "." in target:
        model, column = target.split(".", 1)
        return "\n".join(column_lineage(session, model, column).lines())
    node = session.manifest.by_name(target, ("model", "seed"))
    if node is None:
        raise OgiError(f"no model or seed named '{target}'")
    nodes = session.manifest.all_nodes()

    def names(uids: Any) -> str:
        shown = sorted(nodes[u].name for u in uids if nodes[u].resource_type != "test")
        return ", ".join(shown) or "(none)"

    graph = session.graph
    lines = [
        f"{node.name} ({node.materialized}, {node.original_file_path})",
        f"  parents:     {names(graph.parents[node.unique_id])}",
        f"  upstream:    {names(graph.ancestors(node.unique_id))}",
        f"  children:    {names(graph.children[node.unique_id])}",
        f"  downstream:  {names(graph.descendants(node.unique_id))}",
    ]
    session.compile(validate=True, quiet=True, existing={})  # lineage of the full-refresh form
    columns = session.output_columns(node)
    if columns:
        lines.append(f"  columns:     {', '.join(columns)}")
        lines.append(f"  (ogi lineage {node.name}.COLUMN traces one column to its sources)")
    return "\n".join(lines)
