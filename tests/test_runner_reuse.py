"""Work a rebuild reuses: seed tables whose CSV and settings are unchanged (fingerprint kept in the
warehouse) and Jinja code of unchanged templates (kept in target/)."""

from __future__ import annotations

from pathlib import Path

from tests.runner_support import ogi, query, shop_env, write_raw  # noqa: F401 - shop_env: the `shop` fixture


def build(shop: dict[str, Path], *extra: str) -> object:
    result = ogi("build", "--project-dir", str(shop["project"]), "--raw", str(shop["raw"]),
                 "--warehouse", str(shop["warehouse"]), *extra)
    assert result.exit_code == 0, result.output
    return result


def drop_relation(shop: dict[str, Path], name: str) -> None:
    """Drop a relation behind the runner's back, as an analyst might."""
    import duckdb

    con = duckdb.connect(str(shop["warehouse"]))
    con.execute(f"drop table {name} cascade")
    con.close()


def seed_message(shop: dict[str, Path]) -> str | None:
    import json

    results = json.loads((shop["project"] / "target" / "run_results.json").read_text(encoding="utf-8"))
    [seed] = [r for r in results["results"] if r["unique_id"].startswith("seed.")]
    return seed["message"]


def test_unchanged_seed_is_reused_and_changed_seed_reloaded(shop: dict[str, Path]) -> None:
    build(shop)
    assert seed_message(shop) != "unchanged"
    build(shop)
    assert seed_message(shop) == "unchanged"
    assert query(shop["warehouse"], "select count(*) from countries") == [(3,)]
    # the fingerprint is not a table: the warehouse lists only the project's relations
    tables = {r[0] for r in query(shop["warehouse"], "select table_name from information_schema.tables")}
    assert not any(t.startswith("_ogi") for t in tables)

    csv = shop["project"] / "seeds" / "countries.csv"
    csv.write_text(csv.read_text(encoding="utf-8") + "099,Denmark,5900000\n", encoding="utf-8")
    build(shop)
    assert seed_message(shop) != "unchanged"
    assert query(shop["warehouse"], "select count(*) from countries") == [(4,)]

    config = shop["project"] / "dbt_project.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("code: varchar", "code: integer"), encoding="utf-8")
    build(shop)
    assert seed_message(shop) != "unchanged"
    assert query(shop["warehouse"], "select typeof(code) from countries limit 1") == [("INTEGER",)]

    build(shop, "--full-refresh")
    assert seed_message(shop) != "unchanged"


def test_new_seed_is_loaded_before_its_fingerprint_is_asked_for(shop: dict[str, Path]) -> None:
    """Seeds into a new file do not wait for the hashing (a function giving the fingerprints); the
    recorded fingerprint is the seed's, and a seed already in the file is compared with it first."""
    import duckdb

    from ogi.materialize import Materializer, seed_fingerprint
    from ogi.runner import Session

    session = Session(shop["project"], warehouse=shop["warehouse"], raw=shop["raw"])
    [seed] = [n for n in session.manifest.nodes.values() if n.resource_type == "seed"]
    con = duckdb.connect()
    con.execute("create schema if not exists main")
    asked: list[list[str]] = []

    def fingerprints() -> dict[str, str]:
        asked.append([r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()])
        return {seed.unique_id: seed_fingerprint(seed)}

    fresh = Materializer(con, relations={}, states={}, seed_fingerprints=fingerprints)
    assert fresh.seed(seed).message == ""
    assert asked == [["countries"]]  # asked once, after the table was loaded
    assert fresh.seed_states == {"main.countries": seed_fingerprint(seed)}
    again = Materializer(con, relations={"main.countries": "table"}, states=dict(fresh.seed_states),
                         seed_fingerprints=fingerprints)
    assert again.seed(seed).message == "unchanged"
    assert len(asked) == 2


def test_seed_dropped_from_the_warehouse_is_reloaded(shop: dict[str, Path]) -> None:
    build(shop)
    drop_relation(shop, "countries")
    build(shop)
    assert seed_message(shop) != "unchanged"
    assert query(shop["warehouse"], "select count(*) from countries") == [(3,)]


def test_jinja_code_cache_follows_the_source(tmp_path: Path) -> None:
    from ogi.templating import Templates

    cache = tmp_path / "target" / "jinja.marshal"
    first = Templates(cache)
    assert first.render("{{ 1 + 1 }} a", "m.sql", {}) == "2 a"
    first.code_cache.save()
    second = Templates(cache)
    assert second.code_cache.codes  # reused from the file
    assert second.render("{{ 1 + 1 }} a", "m.sql", {}) == "2 a"
    assert second.render("{{ 2 + 2 }} b", "m.sql", {}) == "4 b"  # an edited file is compiled afresh
    cache.write_bytes(b"not marshal data")
    assert Templates(cache).render("{{ 3 }}", "m.sql", {}) == "3"


# -- models and tests whose inputs are unchanged (ogi.reuse) ------------------------------------------


def messages(shop: dict[str, Path]) -> dict[str, str]:
    """name → run_results message of the last command."""
    import json

    results = json.loads((shop["project"] / "target" / "run_results.json").read_text(encoding="utf-8"))
    return {r["unique_id"].split(".")[2]: r["message"] or "" for r in results["results"]}


REUSED = "reused: inputs unchanged"


def test_rebuild_with_unchanged_inputs_reuses_models_and_passed_tests(shop: dict[str, Path]) -> None:
    build(shop)
    first = messages(shop)
    assert REUSED not in first.values()
    before = query(shop["warehouse"], "select * from fct_orders order by all")
    build(shop)
    again = messages(shop)
    assert again["fct_orders"] == REUSED and again["stg_raw__orders"] == REUSED
    assert again["fct_order_days"] != REUSED  # incremental: always run
    assert any(name.startswith("not_null_") and msg == REUSED for name, msg in again.items())
    assert query(shop["warehouse"], "select * from fct_orders order by all") == before
    # a reused relation keeps its comments
    comments = "select count(comment) from duckdb_columns() where table_name = 'fct_orders'"
    assert query(shop["warehouse"], comments)[0][0] > 0

    build(shop, "--full-refresh")
    assert REUSED not in messages(shop).values()


def test_changed_source_files_rebuild_what_reads_them(shop: dict[str, Path]) -> None:
    build(shop)
    write_raw(shop["raw"], orders=[(9, 13, 700, "placed", "2024-02-01")], customers=[(13, "Di", "001")],
              part="part-1")
    build(shop)
    again = messages(shop)
    assert again["stg_raw__orders"] != REUSED and again["fct_orders"] != REUSED
    assert query(shop["warehouse"], "select count(*) from fct_orders where order_id = 9") == [(1,)]
    assert again["countries"] == "unchanged"  # the seed does not read the raw files


def test_unselected_view_over_changed_files_does_not_let_its_children_be_reused(shop: dict[str, Path]) -> None:
    # The staging view is left out of the run, but it reads the raw files live: a table built on it
    # must not be kept from before the files changed.
    build(shop)
    write_raw(shop["raw"], orders=[(9, 13, 700, "placed", "2024-02-01")], customers=[(13, "Di", "001")],
              part="part-1")
    build(shop, "-s", "fct_orders")
    assert messages(shop)["fct_orders"] != REUSED
    assert query(shop["warehouse"], "select count(*) from fct_orders where order_id = 9") == [(1,)]
    build(shop)  # the view's record catches up with its files
    build(shop, "-s", "fct_orders")
    assert messages(shop)["fct_orders"] == REUSED


def test_changed_model_rebuilds_it_and_its_children_only(shop: dict[str, Path]) -> None:
    build(shop)
    model = shop["project"] / "models" / "marts" / "fct_orders.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- touched\n", encoding="utf-8")
    build(shop)
    again = messages(shop)
    assert again["fct_orders"] != REUSED
    assert again["stg_raw__orders"] == REUSED
    children = [name for name, msg in again.items() if "fct_orders" in name and name != "fct_orders"]
    assert children and all(again[name] != REUSED for name in children)


def test_failing_and_volatile_nodes_always_run(shop: dict[str, Path]) -> None:
    volatile = shop["project"] / "models" / "marts" / "fct_now.sql"
    volatile.write_text("select now() as built_at\n", encoding="utf-8")
    failing = shop["project"] / "tests" / "data" / "assert_never.sql"
    failing.write_text("{{ config(severity='warn') }}\nselect 1 as broken\n", encoding="utf-8")
    build(shop)
    build(shop)
    again = messages(shop)
    assert again["fct_now"] != REUSED
    assert again["assert_never"] != REUSED


def test_relation_dropped_from_the_warehouse_is_rebuilt(shop: dict[str, Path]) -> None:
    build(shop)
    drop_relation(shop, "fct_orders")
    build(shop)
    assert messages(shop)["fct_orders"] != REUSED
    assert query(shop["warehouse"], "select count(*) from fct_orders")[0][0] > 0


def test_source_fingerprint_follows_its_files(tmp_path: Path) -> None:
    from ogi.nodes import Node
    from ogi.reuse import source_fingerprint

    folder = tmp_path / "t"
    folder.mkdir()
    node = Node("source.p.raw.t", "source", "t", "p", tmp_path, "x.yml", ["p", "raw", "t"])
    node.external_location = f"read_parquet('{folder}/*.parquet')"
    empty = source_fingerprint(node)
    (folder / "a.parquet").write_bytes(b"1")
    one = source_fingerprint(node)
    assert empty != one and source_fingerprint(node) == one
    (folder / "a.parquet").write_bytes(b"22")
    assert source_fingerprint(node) != one
    two = source_fingerprint(node)
    (folder / ".hidden.parquet").write_bytes(b"3")  # DuckDB's glob reads dotfiles too
    assert source_fingerprint(node) != two
    node.external_location = "my_db.main.t"
    assert source_fingerprint(node) is None


def test_source_columns_are_read_again_when_the_files_change(shop: dict[str, Path]) -> None:
    import duckdb

    build(shop)
    assert (shop["project"] / "target" / "ogi_source_columns.json").exists()
    part = shop["raw"] / "orders" / "part-0.parquet"
    part.unlink()
    con = duckdb.connect()
    con.execute(f"copy (select 1 as order_id, 10 as customer_id, 5 as amount_cents, date '2024-01-01' as ordered_on) "
                f"to '{part}'")
    con.close()
    result = ogi("build", "--project-dir", str(shop["project"]), "--raw", str(shop["raw"]),
                 "--warehouse", str(shop["warehouse"]))
    assert result.exit_code == 2
    assert "status" in result.output
