"""Every way a build can go wrong: the message names the file and line (or the process), and the last
good warehouse stays exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.runner_support import copy_project, file_digest, ogi, query, write_raw


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The shop project, built once successfully."""
    project = copy_project(tmp_path)
    raw = tmp_path / "raw"
    write_raw(raw)
    monkeypatch.setenv("OGI_RAW", str(raw))
    warehouse = tmp_path / "shop.duckdb"
    monkeypatch.setenv("OGI_WAREHOUSE", str(warehouse))
    result = ogi("build", "--project-dir", str(project), "--warehouse", str(warehouse))
    assert result.exit_code == 0, result.output
    return {"project": project, "raw": raw, "warehouse": warehouse}


def rebuild(shop: dict[str, Path]) -> object:
    return ogi("build", "--project-dir", str(shop["project"]), "--warehouse", str(shop["warehouse"]))


def edit(shop: dict[str, Path], rel: str, old: str, new: str) -> None:
    path = shop["project"] / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def assert_fails_untouched(shop: dict[str, Path], code: int, *needles: str) -> str:
    before = file_digest(shop["warehouse"])
    result = rebuild(shop)
    assert result.exit_code == code, result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert file_digest(shop["warehouse"]) == before
    assert not list(shop["warehouse"].parent.glob("shop.duckdb.tmp-*"))
    return result.output


def test_cycle(built: dict[str, Path]) -> None:
    edit(built, "models/staging/stg_raw__customers.sql", "from {{ source('raw', 'customers') }}",
         "from {{ source('raw', 'customers') }}\nwhere customer_id in (select 1 from {{ ref('fct_orders') }})")
    out = assert_fails_untouched(built, 2, "dependency cycle:", "fct_orders", "stg_raw__customers")
    assert ".sql:" in out


def test_unknown_ref(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "ref('countries')", "ref('countrys')")
    assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:6:", "ref('countrys')",
                           "did you mean 'countries'")


def test_unknown_source(built: dict[str, Path]) -> None:
    edit(built, "models/staging/stg_raw__customers.sql", "source('raw', 'customers')", "source('raw', 'clients')")
    assert_fails_untouched(built, 2, "models/staging/stg_raw__customers.sql:5:", "source('raw', 'clients')")


def test_bad_jinja(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "'{{ var(\"currency\") }}' as currency",
         "{% if var('currency') == 'EUR' %}'euro' as currency")
    assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:", "Jinja syntax error")


def test_unsupported_jinja(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "'{{ var(\"currency\") }}' as currency",
         "'{{ adapter.get_relation(this) }}' as currency")
    assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:12:", "outside ogi's supported Jinja subset")


def test_undefined_var(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "var(\"currency\")", "var(\"money\")")
    assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:12:", "var('money') is not defined")


def test_sql_syntax_error(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "    enriched.status,\n", "    enriched.status status_a status_b,\n")
    assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:13:", "SQL syntax error")


def test_unknown_column(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "enriched.ordered_on,", "enriched.ordered_at,")
    out = assert_fails_untouched(built, 2, "models/marts/fct_orders.sql:14:", "column 'ordered_at' does not exist")
    assert "ordered_on" in out  # the upstream columns are listed


def test_unknown_column_from_a_source(built: dict[str, Path]) -> None:
    edit(built, "models/staging/stg_raw__customers.sql", "    country_code\n", "    country\n")
    assert_fails_untouched(built, 2, "models/staging/stg_raw__customers.sql:4:", "column 'country' does not exist")


def test_generic_test_on_a_missing_column(built: dict[str, Path]) -> None:
    edit(built, "models/marts/_marts__models.yml", "- name: order_id", "- name: order_number")
    assert_fails_untouched(built, 2, "models/marts/_marts__models.yml:", "column 'order_number' does not exist")


def test_nothing_runs_when_validation_fails(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "enriched.ordered_on,", "enriched.ordered_at,")
    result = rebuild(built)
    assert result.exit_code == 2
    assert " of " not in result.output  # no node was started


def test_a_first_build_that_fails_validation_leaves_no_file(built: dict[str, Path], tmp_path: Path) -> None:
    """With no warehouse yet, the working copy is opened while the project compiles (ogi.runner): a
    compilation error closes and removes it, and no warehouse appears."""
    edit(built, "models/marts/fct_orders.sql", "    enriched.status,\n", "    enriched.status status_a status_b,\n")
    fresh = tmp_path / "first.duckdb"
    result = ogi("build", "--project-dir", str(built["project"]), "--warehouse", str(fresh))
    assert result.exit_code == 2 and "SQL syntax error" in result.output, result.output
    assert " of " not in result.output  # no node was started
    assert not fresh.exists() and not list(tmp_path.glob("first.duckdb*"))


def test_failing_test_skips_dependents_and_keeps_the_warehouse(built: dict[str, Path]) -> None:
    edit(built, "models/staging/_staging__models.yml", "values: [placed, shipped, returned]",
         "values: [placed, shipped]")
    out = assert_fails_untouched(built, 1, "FAIL", "accepted_values_stg_raw__orders", "left unchanged")
    assert "fct_orders" in out and "skipped because 'accepted_values_stg_raw__orders" in out
    assert query(built["warehouse"], "select count(*) from fct_orders") == [(4,)]


def test_failing_model_names_the_node(built: dict[str, Path]) -> None:
    edit(built, "models/marts/fct_orders.sql", "enriched.amount,", "enriched.amount, cast('x' || enriched.status as int) as boom,")
    out = assert_fails_untouched(built, 1, "failed: fct_orders (models/marts/fct_orders.sql)")
    assert "SKIP" in out  # fct_order_days depends on it


def test_locked_warehouse(built: dict[str, Path]) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
         str(built["warehouse"])],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        out = assert_fails_untouched(built, 2, f"pid {holder.pid}", "close that connection", "--warehouse")
        assert "is open for writing" in out
    finally:
        holder.kill()
        holder.wait()


def test_readers_do_not_block_a_build_and_keep_their_view(built: dict[str, Path]) -> None:
    import duckdb

    reader = duckdb.connect(str(built["warehouse"]), read_only=True)
    try:
        edit(built, "models/marts/fct_orders.sql", "'{{ var(\"currency\") }}' as currency", "'CNY' as currency")
        result = rebuild(built)
        assert result.exit_code == 0, result.output
        assert reader.execute("select distinct currency from fct_orders").fetchall() == [("EUR",)]
    finally:
        reader.close()
    assert query(built["warehouse"], "select distinct currency from fct_orders") == [("CNY",)]


def test_killed_build_leaves_the_warehouse_intact(built: dict[str, Path]) -> None:
    slow = built["project"] / "models" / "marts" / "slow.sql"
    slow.write_text("select sum(a.range * b.range) as n from range(200000) a, range(200000) b\n", encoding="utf-8")
    before = file_digest(built["warehouse"])
    env = {**os.environ, "OGI_RAW": str(built["raw"])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ogi.cli", "build", "--project-dir", str(built["project"]),
         "--warehouse", str(built["warehouse"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )
    temp = built["warehouse"].with_name(f"shop.duckdb.tmp-{proc.pid}")
    deadline = time.time() + 60
    while not temp.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert temp.exists()
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert file_digest(built["warehouse"]) == before
    assert query(built["warehouse"], "select count(*) from fct_orders") == [(4,)]
    slow.unlink()
    result = rebuild(built)  # the next build cleans up the dead build's temp file
    assert result.exit_code == 0, result.output
    assert not temp.exists()


def test_fail_fast_skips_everything_after_the_first_failure(built: dict[str, Path]) -> None:
    edit(built, "seeds/_seeds.yml", "data_tests: [unique, not_null]", "data_tests: [unique, not_null, {accepted_values: {arguments: {values: ['001']}}}]")
    result = ogi("build", "--project-dir", str(built["project"]), "--warehouse", str(built["warehouse"]), "--fail-fast")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if " of " in line]
    first_fail = next(i for i, line in enumerate(lines) if "[FAIL" in line)
    assert all("[SKIP" in line for line in lines[first_fail + 1:])
    assert "stg_raw__customers" in " ".join(lines[first_fail + 1:])
