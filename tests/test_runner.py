"""ogi's runner on the `shop` fixture project: compile, graph, build, artifacts, incremental, selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.runner_support import PROJECTS, ogi, query, shop_env, write_raw  # noqa: F401 - shop_env: the `shop` fixture

EXPECTED = PROJECTS / "shop" / "expected"


def build(shop: dict[str, Path], *extra: str) -> object:
    return ogi("build", "--project-dir", str(shop["project"]), "--raw", str(shop["raw"]),
               "--warehouse", str(shop["warehouse"]), *extra)


def test_compiled_sql_matches_expected(shop: dict[str, Path]) -> None:
    result = ogi("compile", "-q", "--project-dir", str(shop["project"]))
    assert result.exit_code == 0, result.output
    compiled = shop["project"] / "target" / "compiled" / "shop"
    for expected in sorted((EXPECTED / "compiled").glob("*.sql")):
        [actual] = list(compiled.rglob(expected.name))
        want = expected.read_text(encoding="utf-8").replace("{raw}", str(shop["raw"]))
        assert actual.read_text(encoding="utf-8") == want, expected.name


def test_graph_matches_expected(shop: dict[str, Path]) -> None:
    assert ogi("compile", "-q", "--project-dir", str(shop["project"])).exit_code == 0
    manifest = json.loads((shop["project"] / "target" / "manifest.json").read_text(encoding="utf-8"))
    graph = {
        (uid if uid.startswith("source.") else uid.split(".", 2)[2]): sorted(parents)
        for uid, parents in manifest["parent_map"].items()
        if not uid.startswith("test.")
    }
    assert graph == json.loads((EXPECTED / "graph.json").read_text(encoding="utf-8"))


def test_build_materializes_every_kind(shop: dict[str, Path]) -> None:
    result = build(shop)
    assert result.exit_code == 0, result.output
    assert "Published" in result.output
    wh = shop["warehouse"]
    kinds = dict(query(wh, "select table_name, table_type from information_schema.tables"))
    assert kinds["stg_raw__orders"] == "VIEW"
    assert kinds["fct_orders"] == "BASE TABLE"
    assert kinds["countries"] == "BASE TABLE"
    assert "int_orders_enriched" not in kinds  # ephemeral: inlined as a CTE
    # seeds honour column_types: codes keep their leading zeros
    assert query(wh, "select code from countries order by code") == [("001",), ("007",), ("042",)]
    rows = query(wh, "select order_id, amount, currency, country_name from fct_orders order by order_id")
    assert rows[0] == (1, 12.5, "EUR", "Andorra")
    assert len(rows) == 4
    # descriptions persisted as COMMENT ON
    assert query(wh, "select comment from duckdb_tables() where table_name = 'fct_orders'") == [
        ("One row per order, with its customer and country.",)
    ]
    assert ("Amount in units.",) in query(
        wh, "select comment from duckdb_columns() where table_name = 'fct_orders' and column_name = 'amount'"
    )
    # no temp file left next to the warehouse
    assert sorted(p.name for p in wh.parent.glob("shop.duckdb*")) == ["shop.duckdb"]


def test_warn_severity_does_not_fail_the_build(shop: dict[str, Path]) -> None:
    result = build(shop)
    assert result.exit_code == 0
    assert "expression_is_true_fct_orders" in result.output and "WARN" in result.output


def test_artifacts_have_dbts_shape(shop: dict[str, Path]) -> None:
    assert build(shop).exit_code == 0
    target = shop["project"] / "target"
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    node = manifest["nodes"]["model.shop.fct_orders"]
    assert node["depends_on"]["nodes"] == ["model.shop.int_orders_enriched", "seed.shop.countries"]
    assert node["config"]["materialized"] == "table"
    assert node["tags"] == ["marts"]
    assert node["columns"]["amount"]["description"] == "Amount in units."
    assert "select" in node["compiled_code"]
    assert manifest["sources"]["source.shop.raw.orders"]["external_location"].startswith("read_parquet(")
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    assert statuses["model.shop.fct_orders"] == "success"
    assert statuses["seed.shop.countries"] == "success"
    assert all(r["timing"] and r["execution_time"] >= 0 for r in results["results"])
    assert any(s == "warn" for s in statuses.values())
    assert (target / "compiled" / "shop" / "models" / "marts" / "fct_orders.sql").is_file()


def test_incremental_delete_insert_and_full_refresh(shop: dict[str, Path]) -> None:
    assert build(shop).exit_code == 0
    wh = shop["warehouse"]
    assert query(wh, "select ordered_on::varchar, n_orders from fct_order_days order by 1") == [
        ("2024-01-01", 2), ("2024-01-02", 1), ("2024-01-03", 1)
    ]
    # new orders on the last day and a new day: the last day is replaced, earlier days kept
    write_raw(shop["raw"], orders=[(5, 11, 100, "placed", "2024-01-03"), (6, 11, 200, "placed", "2024-01-04")],
              customers=[], part="part-1")
    assert build(shop).exit_code == 0
    assert query(wh, "select ordered_on::varchar, n_orders from fct_order_days order by 1") == [
        ("2024-01-01", 2), ("2024-01-02", 1), ("2024-01-03", 2), ("2024-01-04", 1)
    ]
    # an old day changes: incremental does not see it, --full-refresh does
    write_raw(shop["raw"], orders=[(7, 12, 100, "placed", "2024-01-01")], customers=[], part="part-2")
    assert build(shop).exit_code == 0
    assert query(wh, "select n_orders from fct_order_days where ordered_on = '2024-01-01'") == [(2,)]
    assert build(shop, "--full-refresh").exit_code == 0
    assert query(wh, "select n_orders from fct_order_days where ordered_on = '2024-01-01'") == [(3,)]


def test_incremental_append(shop: dict[str, Path]) -> None:
    model = shop["project"] / "models" / "marts" / "fct_order_log.sql"
    model.write_text(
        "{{ config(materialized='incremental') }}\n"
        "select order_id, status from {{ ref('fct_orders') }}\n"
        "{% if is_incremental() %}where order_id > (select max(order_id) from {{ this }}){% endif %}\n",
        encoding="utf-8",
    )
    assert build(shop).exit_code == 0
    write_raw(shop["raw"], orders=[(9, 11, 100, "placed", "2024-01-05")], customers=[], part="part-1")
    assert build(shop).exit_code == 0
    assert query(shop["warehouse"], "select count(*), max(order_id) from fct_order_log") == [(5, 9)]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (["-s", "fct_orders"], {"fct_orders"}),
        (["-s", "+fct_orders"], {"fct_orders", "int_orders_enriched", "stg_raw__orders", "stg_raw__customers",
                                 "countries"}),
        (["-s", "stg_raw__orders+"], {"stg_raw__orders", "int_orders_enriched", "fct_orders", "fct_order_days"}),
        (["-s", "tag:staging"], {"stg_raw__orders", "stg_raw__customers"}),
        (["-s", "path:models/marts"], {"fct_orders", "fct_order_days"}),
        (["-s", "marts"], {"fct_orders", "fct_order_days"}),
        (["-s", "tag:marts", "--exclude", "fct_order_days"], {"fct_orders"}),
        (["-s", "+fct_order_days,tag:staging"], {"stg_raw__orders", "stg_raw__customers"}),
        (["-s", "stg_raw__orders stg_raw__customers"], {"stg_raw__orders", "stg_raw__customers"}),
    ],
)
def test_selection(shop: dict[str, Path], selector: list[str], expected: set[str]) -> None:
    result = ogi("ls", "--project-dir", str(shop["project"]), "--resource-type", "model",
                 "--resource-type", "seed", "-o", "name", *selector)
    assert result.exit_code == 0, result.output
    assert set(result.stdout.split()) == expected


def test_selection_picks_the_tests_of_selected_models(shop: dict[str, Path]) -> None:
    result = ogi("ls", "--project-dir", str(shop["project"]), "-s", "fct_order_days", "-o", "name")
    assert set(result.stdout.split()) == {"fct_order_days", "unique_fct_order_days_ordered_on"}


def test_select_build_runs_only_the_selection(shop: dict[str, Path]) -> None:
    result = build(shop, "-s", "+fct_orders")
    assert result.exit_code == 0, result.output
    tables = {r[0] for r in query(shop["warehouse"], "select table_name from information_schema.tables")}
    assert tables == {"stg_raw__customers", "stg_raw__orders", "countries", "fct_orders"}
    assert "unique_fct_order_days" not in result.output


def test_run_seed_and_test_commands(shop: dict[str, Path]) -> None:
    common = ["--project-dir", str(shop["project"]), "--warehouse", str(shop["warehouse"])]
    assert ogi("seed", *common).exit_code == 0
    assert query(shop["warehouse"], "select count(*) from countries") == [(3,)]
    result = ogi("run", *common, "--raw", str(shop["raw"]))
    assert result.exit_code == 0, result.output
    assert "test " not in result.output
    result = ogi("test", *common)
    assert result.exit_code == 0, result.output
    assert "PASS=" in result.output and "model main." not in result.output


def test_vars_and_target_from_the_command_line(shop: dict[str, Path]) -> None:
    result = build(shop, "--vars", "{currency: CNY, min_amount: 1000}")
    assert result.exit_code == 0, result.output
    assert query(shop["warehouse"], "select distinct currency from fct_orders") == [("CNY",)]
    assert query(shop["warehouse"], "select count(*) from fct_orders") == [(3,)]


def test_clean_removes_target(shop: dict[str, Path]) -> None:
    assert ogi("compile", "-q", "--project-dir", str(shop["project"])).exit_code == 0
    assert (shop["project"] / "target").is_dir()
    assert ogi("clean", "--project-dir", str(shop["project"])).exit_code == 0
    assert not (shop["project"] / "target").exists()


def test_custom_schema_and_generate_schema_name(shop: dict[str, Path]) -> None:
    project = shop["project"] / "dbt_project.yml"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "      +tags: [staging]", "      +tags: [staging]\n      +schema: staging"), encoding="utf-8")
    assert build(shop).exit_code == 0
    assert ("main_staging", "stg_raw__orders") in query(
        shop["warehouse"], "select table_schema, table_name from information_schema.tables")
    (shop["project"] / "macros" / "schemas.sql").write_text(
        "{% macro generate_schema_name(custom_schema_name, node) -%}\n"
        "{{ custom_schema_name or target.schema }}\n{%- endmacro %}\n", encoding="utf-8")
    shop["warehouse"].unlink()
    assert build(shop).exit_code == 0
    assert ("staging", "stg_raw__orders") in query(
        shop["warehouse"], "select table_schema, table_name from information_schema.tables")


def test_where_config_filters_what_a_test_sees(shop: dict[str, Path]) -> None:
    yml = shop["project"] / "models" / "marts" / "_marts__models.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "      - name: amount\n", "      - name: status\n        data_tests:\n"
        "          - accepted_values:\n              arguments: {values: [shipped]}\n"
        "              config: {where: \"amount > 100\"}\n      - name: amount\n"), encoding="utf-8")
    result = build(shop)
    assert result.exit_code == 0, result.output  # only orders over 100 are checked: all shipped
    yml.write_text(yml.read_text(encoding="utf-8").replace('where: "amount > 100"', 'where: "amount > 1"'),
                   encoding="utf-8")
    result = build(shop)
    assert result.exit_code == 1
    assert "accepted_values_fct_orders_status__shipped" in result.output


def test_a_raw_table_without_files_is_a_clear_error(shop: dict[str, Path]) -> None:
    for path in (shop["raw"] / "customers").glob("*.parquet"):
        path.unlink()
    result = build(shop)
    assert result.exit_code == 2
    assert "models/staging/_sources.yml:" in result.output
    assert "source raw.customers: no files match" in result.output and "ogi ingest" in result.output


def test_an_empty_raw_table_builds(shop: dict[str, Path]) -> None:
    for path in (shop["raw"] / "orders").glob("*.parquet"):
        path.unlink()
    write_raw(shop["raw"], orders=[], customers=[], part="empty")  # ingest's empty Parquet per table
    result = build(shop)
    assert result.exit_code == 0, result.output
    assert query(shop["warehouse"], "select count(*) from fct_orders") == [(0,)]


def test_changing_materialization_replaces_the_relation(shop: dict[str, Path]) -> None:
    model = shop["project"] / "models" / "marts" / "fct_order_days.sql"
    original = model.read_text(encoding="utf-8")
    model.write_text(original.replace("materialized='incremental'", "materialized='view'"), encoding="utf-8")
    assert build(shop).exit_code == 0
    assert query(shop["warehouse"], "select table_type from information_schema.tables "
                                    "where table_name = 'fct_order_days'") == [("VIEW",)]
    model.write_text(original, encoding="utf-8")
    result = build(shop)
    assert result.exit_code == 0, result.output
    assert query(shop["warehouse"], "select table_type from information_schema.tables "
                                    "where table_name = 'fct_order_days'") == [("BASE TABLE",)]
    assert query(shop["warehouse"], "select count(*) from fct_order_days") == [(3,)]


def _test_node(name: str, sql: str) -> object:
    from ogi.nodes import Node

    return Node(f"test.p.{name}", "test", name, "p", Path(f"{name}.sql"), f"{name}.sql", ["p", name],
                compiled_code=sql)


def test_tests_run_together_each_get_their_own_count() -> None:
    """A batch of data tests is one statement: one row (k, failures) per test, put together with UNION
    ALL (not one scalar subquery each, whose cross join DuckDB plans as one join graph); every test
    gets its own count, whatever order DuckDB returns the rows in, and limit / joins / CTEs inside a
    test's SQL stay inside it."""
    import duckdb

    from ogi.materialize import Materializer

    con = duckdb.connect()
    con.execute("create table t as select range as a, range % 4 as b from range(20)")
    con.execute("create table u as select range as a from range(5)")
    tests = [_test_node(f"over_{n}", f"select a from t where a >= {n}") for n in (19, 17, 14, 10, 5)]
    tests.append(_test_node("orphans", "select t.a from t left join u on t.a = u.a where u.a is null"))
    tests.append(_test_node("groups", "with g as (select b, count(*) as n from t group by b) select * from g"))
    limited = _test_node("limited", "select a from t")
    limited.config["limit"] = 7
    tests.append(limited)
    materializer = Materializer(con, read_only=True)
    sql = materializer._batch_sql(tests)
    assert sql.count("union all") == len(tests) - 1 and "0 as test, count(*)" in sql
    alone = [Materializer(con, read_only=True).tests([t])[0].failures for t in tests]
    assert alone == [1, 3, 6, 10, 15, 15, 4, 7]
    assert [o.failures for o in materializer.tests(tests)] == alone
    assert [o.failures for o in materializer.tests(tests[::-1])] == alone[::-1]


def test_tests_reading_one_view_compute_it_once_with_the_same_counts() -> None:
    """Data tests batched together that read the same view get it as one materialized CTE; their
    counts equal each test run on its own, and a test the CTE would break (a column qualified by the
    view's name) still gets its own count (the batch falls back to one statement per test)."""
    import duckdb

    from ogi.materialize import Materializer

    con = duckdb.connect()
    con.execute("create table t as select range as a, range % 3 as b from range(10)")
    con.execute('create view "main"."v" as select a, b, a * 2 as c from t')
    tests = [
        _test_node("nulls", 'select a from "main"."v" where b is null'),
        _test_node("dupes", 'select b from "main"."v" group by b having count(*) > 1'),
        _test_node("small", 'with x as (select * from "main"."v" where c < 6) select * from x'),
        _test_node("joined", 'select * from "main"."v" as l join "main"."t" r on l.a = r.a where r.b = 1'),
    ]
    materializer = Materializer(con, read_only=True)
    sql = materializer._batch_sql(tests)
    assert sql.startswith('with __ogi_view_0 as materialized (select * from "main"."v")')
    assert sql.count('"main"."v"') == 1 and sql.count('"main"."t"') == 1  # a table is left as it is
    alone = [Materializer(con, read_only=True).tests([t])[0].failures for t in tests]
    assert alone == [0, 3, 3, 3]
    assert [o.failures for o in materializer.tests(tests)] == alone
    qualified = [*tests, _test_node("qualified", 'select "v".a from "main"."v" where "v".b = 2')]
    assert [o.failures for o in materializer.tests(qualified)] == [*alone, 3]
