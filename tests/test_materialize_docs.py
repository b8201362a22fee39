"""persist_docs on a relation the node just created: the columns it comments are exactly DuckDB's."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ogi.materialize import Materializer
from ogi.nodes import Column, Node


def _node(kind: str, schema: str, name: str, sql: str, columns: dict[str, str]) -> Node:
    return Node(
        unique_id=f"model.p.{name}", resource_type="model", name=name, package_name="p",
        path=Path(f"models/{name}.sql"), original_file_path=f"models/{name}.sql", fqn=["p", name],
        config={"materialized": kind, "_resolved_schema": schema}, description=f"the {kind}",
        columns={k: Column(k, v) for k, v in columns.items()}, compiled_code=sql,
    )


def _comments(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[tuple[str, str | None]]:
    return con.execute(
        "select column_name, comment from duckdb_columns() where schema_name = ? and table_name = ? "
        "order by column_index", [schema, name]).fetchall()


@pytest.mark.parametrize("kind", ["view", "table"])
def test_fresh_relation_comments_its_own_columns(kind: str) -> None:
    con = duckdb.connect()
    con.execute('create schema "s.x"')
    sql = 'select 1 as "Mixed Case", 2 as "quo""te", 3 as plain, 4 as undocumented'
    # YAML names match case-insensitively; a described column the relation lacks is left alone
    node = _node(kind, "s.x", 'we"ird.name', sql,
                 {"mixed case": "m", 'QUO"TE': "q", "plain": "p", "missing": "x"})
    materializer = Materializer(con, relations={}, states={})
    materializer.begin()
    outcome = materializer.model(node, incremental=False)
    materializer.persist_docs(node, fresh=outcome.fresh)
    materializer.commit()
    assert _comments(con, "s.x", 'we"ird.name') == [
        ("Mixed Case", "m"), ('quo"te', "q"), ("plain", "p"), ("undocumented", None)]
    table = "duckdb_views" if kind == "view" else "duckdb_tables"
    assert con.execute(f"select comment from {table}() where schema_name = 's.x'").fetchall() == [(f"the {kind}",)]


def test_column_names_are_duckdbs_and_a_missing_relation_raises() -> None:
    con = duckdb.connect()
    con.execute("create view v as select 1 as a, 2 as B, 3 as \"c d\"")
    materializer = Materializer(con, relations={}, states={})
    assert materializer._column_names('"main"."v"') == ["a", "B", "c d"]
    with pytest.raises(duckdb.CatalogException):
        materializer._column_names('"main"."nope"')


class _NoBind:
    """A connection without `_bind`: the columns come from the query."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.description: list[tuple[str, ...]] | None = None

    def execute(self, sql: str) -> None:
        self._con.execute(sql)
        self.description = self._con.description


def test_column_names_without_bind_are_the_querys() -> None:
    con = duckdb.connect()
    con.execute("create view v as select 1 as a, 2 as B, 3 as \"c d\"")
    materializer = Materializer(con, relations={}, states={})
    bound = materializer._column_names('"main"."v"')
    materializer.con = _NoBind(con)
    assert materializer._column_names('"main"."v"') == bound == ["a", "B", "c d"]


class _OtherBind(_NoBind):
    """A connection whose private `_bind` gives another shape: the query is asked instead."""

    def _bind(self, sql: str) -> object:
        return {"names": ["wrong"]}


def test_column_names_with_a_bind_of_another_shape_are_the_querys() -> None:
    con = duckdb.connect()
    con.execute("create view v as select 1 as a, 2 as B, 3 as \"c d\"")
    materializer = Materializer(con, relations={}, states={})
    materializer.con = _OtherBind(con)
    assert materializer._column_names('"main"."v"') == ["a", "B", "c d"]
