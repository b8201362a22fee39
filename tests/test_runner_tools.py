"""ogi's tooling around the runner: lineage, transpiling, the library API, a light CLI start."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runner_support import copy_project, ogi, query, write_raw


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = copy_project(tmp_path)
    write_raw(tmp_path / "raw")
    monkeypatch.setenv("OGI_RAW", str(tmp_path / "raw"))
    monkeypatch.setenv("OGI_WAREHOUSE", str(tmp_path / "shop.duckdb"))
    return project


def test_column_lineage_reaches_sources_and_seeds(shop: Path) -> None:
    result = ogi("lineage", "--project-dir", str(shop), "fct_order_days.amount")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fct_order_days.amount (model)  = SUM(")
    assert any("<- fct_orders.amount (model)" in line for line in lines)
    assert any("stg_raw__orders.amount (model)  = ROUND(source.amount_cents / 100.0, 2)" in line for line in lines)
    assert lines[-1].strip() == "<- raw.orders.amount_cents (source)"
    result = ogi("lineage", "--project-dir", str(shop), "fct_orders.country_name")
    assert result.stdout.splitlines() == ["fct_orders.country_name (model)  = countries.name",
                                          "  <- countries.name (seed)"]


def test_model_lineage_lists_neighbours_and_columns(shop: Path) -> None:
    result = ogi("lineage", "--project-dir", str(shop), "fct_orders")
    assert result.exit_code == 0, result.output
    assert "parents:     countries, int_orders_enriched" in result.stdout
    assert "downstream:  fct_order_days" in result.stdout
    assert "columns:     order_id, amount, currency, status, ordered_on, customer_name, country_name" in result.stdout


def test_lineage_of_an_unknown_model(shop: Path) -> None:
    result = ogi("lineage", "--project-dir", str(shop), "fct_nothing.x")
    assert result.exit_code == 2
    assert "no model or seed named 'fct_nothing'" in result.output


@pytest.mark.parametrize(("dialect", "marker"), [("spark", "`main`.`fct_orders`"), ("trino", '"main"."fct_orders"'),
                                                 ("postgres", '"main"."fct_orders"')])
def test_compile_transpiles(shop: Path, dialect: str, marker: str) -> None:
    result = ogi("compile", "--project-dir", str(shop), "--dialect", dialect, "-s", "fct_order_days")
    assert result.exit_code == 0, result.output
    assert marker in result.stdout
    assert (shop / "target" / f"compiled_{dialect}" / "shop" / "models" / "marts" / "fct_order_days.sql").is_file()


def test_compile_rejects_an_unknown_dialect(shop: Path) -> None:
    result = ogi("compile", "--project-dir", str(shop), "--dialect", "klingon")
    assert result.exit_code == 2
    assert "unknown SQL dialect 'klingon'" in result.output


def test_library_api(shop: Path, tmp_path: Path) -> None:
    from ogi import Session

    session = Session(shop, warehouse=tmp_path / "api.duckdb")
    models = {m.name: m for m in session.manifest.models()}
    assert models["fct_orders"].description == "One row per order, with its customer and country."
    assert models["fct_orders"].depends_on == ["model.shop.int_orders_enriched", "seed.shop.countries"]
    assert {t.name for t in session.manifest.tests_of("model.shop.fct_order_days")} == {
        "unique_fct_order_days_ordered_on"
    }
    compiled = session.compile(["fct_orders"])
    assert compiled[0].compiled_code is not None and "__dbt__cte__int_orders_enriched" in compiled[0].compiled_code
    report = session.execute("build")
    assert report.success and report.published
    assert {r.status for r in report.results} <= {"success", "pass", "warn"}


def test_cli_start_imports_no_engine() -> None:
    code = "import sys, ogi.cli; print(sorted(m for m in ('duckdb', 'sqlglot', 'jinja2', 'polars') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_build_runs_on_the_native_engine_without_the_duckdb_package(shop: Path, tmp_path: Path) -> None:
    """`ogi build` connects through `_duckdb` (ogi.engine): the `duckdb` package's Python layer (~0.08 s
    of every start) is never imported, and the warehouse is built all the same."""
    warehouse = tmp_path / "native.duckdb"
    code = ("import sys\nimport ogi.cli\nfrom ogi import Session\n"
            f"report = Session({str(shop)!r}, warehouse={str(warehouse)!r}).execute('build')\n"
            "print(report.published, 'duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "True False", out.stdout + out.stderr
    assert query(warehouse, "select count(*) from main.fct_orders") == [(4,)]


def test_the_console_script_leaves_at_once_with_the_commands_exit_status(shop: Path, tmp_path: Path) -> None:
    """main() ends a runner command with os._exit (no interpreter clean-up): the status is the
    command's, every line is written, the warehouse is published; nothing after main() runs."""
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        code = ("import sys\nfrom ogi.cli import main\n"
                f"sys.argv = ['ogi', *{list(args)!r}]\n"
                "try:\n    main()\nfinally:\n    print('after main')\n")
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    warehouse = str(tmp_path / "quick.duckdb")
    built = run("build", "--project-dir", str(shop), "--warehouse", warehouse)
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stdout.rstrip().endswith(f"Published {warehouse}") and "after main" not in built.stdout
    assert query(Path(warehouse), "select count(*) from main.fct_orders") == [(4,)]
    missing = run("test", "--project-dir", str(shop), "--warehouse", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "does not exist yet" in missing.stderr and "after main" not in missing.stdout
    listed = run("ls", "--project-dir", str(shop), "-s", "fct_orders", "-o", "name")
    assert listed.returncode == 0 and listed.stdout.splitlines()[0] == "fct_orders"
    assert listed.stdout.splitlines()[-1] == "after main"  # other commands end as usual


def test_the_engine_is_the_packages_own_and_falls_back_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import _duckdb
    import duckdb

    from ogi import engine

    engine.duckdb_module.cache_clear()
    try:
        native = engine.duckdb_module()
        assert native is _duckdb
        assert native.connect is duckdb.connect and native.Error is duckdb.Error
        assert native.InterruptException is duckdb.InterruptException
        monkeypatch.delattr(_duckdb, "InterruptException")  # an extension without what the runner uses
        engine.duckdb_module.cache_clear()
        assert engine.duckdb_module() is duckdb
    finally:
        monkeypatch.undo()
        engine.duckdb_module.cache_clear()


def test_a_command_with_plain_options_does_not_import_pydantic(shop: Path) -> None:
    code = ("import sys\nfrom ogi.cli import main\n"
            f"sys.argv = ['ogi', 'ls', '--project-dir', {str(shop)!r}, '-s', 'fct_orders', '-o', 'name']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('pydantic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "fct_orders" and lines[-1] == "False", out.stdout + out.stderr


@pytest.mark.parametrize(("annotation", "raw", "expected"), [
    (str, "a.duckdb", "a.duckdb"), (Path, "x/y", Path("x/y")), (int, " 3 ", 3), (float, "2.5", 2.5),
    (bool, "yes", True), (bool, "0", False), (list[str], ("a", "b"), ["a", "b"]),
    (list[Path], ["p"], [Path("p")]),
])
def test_plain_coercion_converts_like_typer(annotation: object, raw: object, expected: object) -> None:
    from typer._coercion import resolve_type_descriptor
    from typer.core import build_runtime_param
    from typer.models import OptionInfo

    import ogi.cli_app  # noqa: F401  (installs the plain coercion)

    runtime = build_runtime_param(resolve_type_descriptor(annotation, OptionInfo()))
    assert type(runtime).__name__ == "PlainRuntimeParam"
    assert runtime._coerce_value(raw, param=None, ctx=None) == expected


def test_plain_coercion_rejects_bad_values() -> None:
    import typer

    app = typer.Typer()

    @app.command()
    def cmd(n: int = typer.Option(1, "--n", min=1), flag: bool = typer.Option(False, "--flag")) -> None:
        typer.echo(f"n={n}")

    from typer.testing import CliRunner

    import ogi.cli_app  # noqa: F401  (installs the plain coercion)

    runner = CliRunner()
    assert runner.invoke(app, ["--n", "4"]).output == "n=4\n"
    for bad in ("0", "x"):
        result = runner.invoke(app, ["--n", bad])
        assert result.exit_code == 2 and "Invalid value for '--n'" in result.output, result.output


def test_yaml_cache_returns_fresh_parsed_files_and_sees_edits(tmp_path: Path) -> None:
    from ogi.filecache import FileCache
    from ogi.yamlfile import YamlCache, line_of

    source, store = tmp_path / "m.yml", tmp_path / "target" / "ogi_yaml.pickle"
    source.write_text("version: 2\nmodels:\n  - name: a\n", encoding="utf-8")
    first = YamlCache(store).load(source)
    cache = YamlCache(store)
    cache.load(source)
    cache.save()
    again = YamlCache(store)
    hit = again.load(source)
    assert hit == first and line_of(hit["models"][0]) == 3 and not again.dirty
    hit["models"].clear()  # a caller's change does not reach the next load
    assert again.load(source) == first
    source.write_text("version: 2\nmodels:\n  - name: b\n", encoding="utf-8")
    assert YamlCache(store).load(source)["models"][0]["name"] == "b"
    store.write_bytes(b"not a pickle")
    assert YamlCache(store).load(source)["models"][0]["name"] == "b"
    # a cache file that reads but holds a damaged entry for this very file: parsed again
    text = source.read_text(encoding="utf-8")
    for damaged in (b"\x80\x05garbage", 17):
        store.write_bytes(marshal.dumps({"tag": "yaml-2", "values": {FileCache._key(str(source), text): damaged}}))
        assert YamlCache(store).load(source)["models"][0]["name"] == "b"


def test_an_unchanged_project_is_read_without_yaml_and_edits_are_seen(shop: Path, tmp_path: Path) -> None:
    """dbt_project.yml, profiles.yml and the property files come from target/'s YAML cache when
    unchanged (yaml is not even imported); an edited dbt_project.yml is parsed again, under dbt's
    default target-path and under another one."""
    code = ("import sys\nfrom ogi import Session\n"
            f"s = Session({str(shop)!r})\n"
            "print(s.manifest.vars['currency'], s.manifest.project.target_path, 'yaml' in sys.modules)")

    def run() -> str:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    assert run() == "EUR target True"  # a new project: parsed, and the cache written
    assert run() == "EUR target False"
    config = shop / "dbt_project.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("currency: EUR", "currency: USD"), encoding="utf-8")
    assert run() == "USD target True"
    assert run() == "USD target False"
    config.write_text(config.read_text(encoding="utf-8").replace("target-path: target", "target-path: out"),
                      encoding="utf-8")
    assert run() == "USD out True"
    assert run() == "USD out True"  # dbt_project.yml itself: parsed each time (it says where the cache is)
    assert (shop / "out" / "ogi_yaml.marshal").is_file()


def test_a_working_copy_is_opened_unsynced_with_direct_checkpoints(tmp_path: Path) -> None:
    """The working copy's settings are given when it is opened (no header sync for a new file); the
    published warehouse is synced once by Publication.publish."""
    from ogi.warehouse import connect

    work = connect(tmp_path / "work.duckdb", working_copy=True)
    plain = connect(tmp_path / "plain.duckdb")
    settings = "select current_setting('fsync_mode'), current_setting('checkpoint_threshold'), current_setting('enable_progress_bar')"
    assert work.execute(settings).fetchall() == [("none", "0 bytes", False)]
    assert plain.execute(settings).fetchall()[0][0] != "none"
    work.close()
    plain.close()



def test_a_working_copy_synced_early_is_published_whole_or_discarded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sync_early() syncs the finished working copy on a thread while its connection closes; publish()
    waits for it and syncs again (what closing wrote) before the replace; a copy synced early and then
    discarded (the build failed after all) leaves the last warehouse as it was."""
    import os

    from ogi.warehouse import Publication, connect

    synced: list[str] = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), fsync(fd))[1])
    warehouse = tmp_path / "wh.duckdb"

    def build(publication: Publication, sql: str) -> None:  # a finished working copy, synced early
        con = connect(publication.path, working_copy=True)
        con.execute(sql)
        con.execute("checkpoint")
        publication.sync_early()
        con.close()

    with Publication(warehouse) as publication:
        build(publication, "create table t as select range as i from range(1000)")
        publication.publish()
    assert synced == [str(publication.path)] * 2  # early, then once more before the replace
    assert not publication.path.exists()
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from t").fetchone() == (1000,)
    con.close()
    before = warehouse.read_bytes()
    with Publication(warehouse) as publication:
        build(publication, "create table u as select 1 as x")
    assert warehouse.read_bytes() == before and not publication.path.exists()


def test_a_working_copy_log_is_folded_early_only_when_no_other_write_is_open(tmp_path: Path) -> None:
    """fold_wal_early checkpoints a grown write-ahead log between nodes: not while another cursor's write
    transaction is open (then nothing changes and no error escapes), nor below the size; a reader does
    not stop it. The folded file holds what was committed, and later commits go on as before."""
    from ogi.warehouse import connect, fold_wal_early

    path = tmp_path / "work.duckdb"
    wal = tmp_path / "work.duckdb.wal"
    con = connect(path, working_copy=True)
    other = con.cursor()
    other.execute("begin transaction")
    other.execute("create table pending as select range as i from range(10)")
    con.execute("create table done as select range as i, range::varchar as s from range(20000)")
    assert wal.stat().st_size > 1000  # the open write kept the commit from checkpointing
    assert not fold_wal_early(con, path, min_bytes=1)
    assert wal.stat().st_size > 1000
    assert not fold_wal_early(con, path, min_bytes=wal.stat().st_size + 1)
    other.execute("rollback")
    other.execute("begin transaction")
    assert other.execute("select count(*) from done").fetchall() == [(20000,)]  # a reader
    assert fold_wal_early(con, path, min_bytes=1)
    assert not wal.exists() or wal.stat().st_size == 0
    other.execute("commit")
    assert not fold_wal_early(con, path, min_bytes=1)  # nothing left to fold
    con.execute("create table later as select 1 as x")
    con.close()
    check = connect(path, read_only=True)
    assert check.execute("select count(*), max(s) from done").fetchall() == [(20000, "9999")]
    assert check.execute("select count(*) from later").fetchall() == [(1,)]
    check.close()

def test_the_validation_cache_is_rewritten_only_when_a_check_changed(shop: Path) -> None:
    from ogi import Session

    cache = shop / "target" / "ogi_validation.json"
    Session(shop).compile()
    written = cache.stat().st_mtime_ns - 10**10  # marked as written ten seconds earlier
    os.utime(cache, ns=(written, written))
    Session(shop).compile()
    assert cache.stat().st_mtime_ns == written  # the same checks: the file is left as it is
    model = sorted((shop / "models").rglob("*.sql"))[0]
    model.write_text(model.read_text(encoding="utf-8") + "\n-- edited\n", encoding="utf-8")
    Session(shop).compile()
    assert cache.stat().st_mtime_ns != written


def test_a_damaged_validation_cache_entry_is_checked_again(shop: Path) -> None:
    """ogi_validation.json that parses but holds entries of another shape: those models are
    validated again (it once failed every command with AttributeError until target/ was deleted)."""
    from ogi import Session

    cache = shop / "target" / "ogi_validation.json"
    Session(shop).compile()
    entries = json.loads(cache.read_text(encoding="utf-8"))
    damaged = dict.fromkeys(entries, [])
    first = next(iter(entries))
    damaged[first] = {"key": entries[first]["key"], "columns": 3}
    cache.write_text(json.dumps(damaged), encoding="utf-8")
    Session(shop).compile()
    assert json.loads(cache.read_text(encoding="utf-8")) == entries


def test_ctrl_c_while_the_project_is_read_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C before the build starts (reading and compiling the project) exits 130 with a line
    saying nothing changed, not silently through typer's own handler."""
    from typer.testing import CliRunner

    import ogi.cli as cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_session", interrupted)
    result = CliRunner().invoke(cli.app, ["build"])
    assert result.exit_code == 130 and "interrupted before the build started; nothing changed" in result.output
