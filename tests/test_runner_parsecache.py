"""The parsed project kept in target/ (ogi.parsecache): an unchanged project loads from it, and every
input a parse depends on makes it a miss when it changes."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ogi import Session
from ogi.parsecache import FILE, ParseCache, unchanged
from tests.runner_support import ogi, query, shop_env  # noqa: F401 - shop_env: the `shop` fixture


def exit_code(*args: str) -> int:
    result: Any = ogi(*args)
    return int(result.exit_code)


def session(project: Path, **kwargs: Any) -> Session:
    return Session(project, **kwargs)


def compiled(project: Path, **kwargs: Any) -> tuple[bool, dict[str, str]]:
    """(the manifest came from the kept parse, every compiled node's SQL) after one compile."""
    s = session(project, **kwargs)
    hit = s.manifest.parse_cache is not None and s.manifest.parse_cache.hit
    nodes = s.compile()
    return hit, {n.unique_id: n.compiled_code or "" for n in nodes}


def manifest_json(project: Path) -> str:
    """target/manifest.json's text without its metadata (a time and the process's invocation id)."""
    text = (project / "target" / "manifest.json").read_text(encoding="utf-8")
    metadata = json.loads(text)["metadata"]
    head = '{"metadata": ' + json.dumps(metadata, ensure_ascii=False) + ", "
    assert text.startswith(head)
    return text[len(head):]


def kept(project: Path) -> bool:
    """Whether the next Session loads the manifest from target/."""
    cache = Session(project).manifest.parse_cache
    return cache is not None and cache.hit


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- hits --------------------------------------------------------------------------------------------


def test_an_unchanged_project_loads_the_same_manifest_and_sql(shop: dict[str, Path]) -> None:
    project = shop["project"]
    fresh_hit, fresh = compiled(project, partial_parse=False)
    fresh_manifest = manifest_json(project)
    assert not fresh_hit and not (project / "target" / FILE).exists()  # --no-partial-parse writes nothing
    first_hit, first = compiled(project)
    assert not first_hit and (project / "target" / FILE).is_file()
    again_hit, again = compiled(project)
    assert again_hit and again == first == fresh
    assert manifest_json(project) == fresh_manifest  # target/manifest.json is still written, and right


def test_manifest_json_of_another_selection_is_not_the_kept_one(shop: dict[str, Path]) -> None:
    project = shop["project"]
    compiled(project)
    assert compiled(project)[0]  # manifest.json's text kept for every node compiled
    selected = session(project)
    assert selected.manifest.parse_cache is not None and selected.manifest.parse_cache.hit
    selected.compile(["fct_orders"])
    kept_text = manifest_json(project)
    Session(project, partial_parse=False).compile(["fct_orders"])
    assert manifest_json(project) == kept_text


def test_a_kept_parse_does_not_import_jinja(shop: dict[str, Path]) -> None:
    project = shop["project"]
    code = ("import sys\nfrom ogi import Session\n"
            f"s = Session({str(project)!r})\ns.compile()\n"
            "print(s.manifest.parse_cache.hit, 'jinja2' in sys.modules)")

    def run() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env=os.environ).stdout.strip()

    assert run() == "False True"
    assert run() == "True False"


def test_a_build_from_the_kept_parse_builds_the_same_warehouse(shop: dict[str, Path]) -> None:
    args = ["--raw", str(shop["raw"]), "--warehouse", str(shop["warehouse"]), "--project-dir", str(shop["project"])]
    assert exit_code("build", *args) == 0
    first = query(shop["warehouse"], "select * from fct_orders order by order_id")
    statuses = results(shop["project"])
    shop["warehouse"].unlink()
    assert kept(shop["project"])  # (the in-process build left $OGI_WAREHOUSE on --warehouse)
    assert exit_code("build", *args) == 0
    assert query(shop["warehouse"], "select * from fct_orders order by order_id") == first
    assert results(shop["project"]) == statuses


def results(project: Path) -> list[tuple[str, str, str | None]]:
    """(node, status, compiled SQL) of every result in target/run_results.json."""
    data = json.loads((project / "target" / "run_results.json").read_text(encoding="utf-8"))
    return [(r["unique_id"], r["status"], r["compiled_code"]) for r in data["results"]]


# -- what makes it a miss ------------------------------------------------------------------------------


def _miss_after(project: Path, change: Any, **kwargs: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Compile twice (the second a hit), apply `change`, and compile again: it must be a miss, and its
    SQL that of a parse without the cache."""
    compiled(project, **kwargs)
    assert compiled(project, **kwargs)[0]
    before = compiled(project, **kwargs)[1]
    change()
    hit, after = compiled(project, **kwargs)
    assert not hit
    assert after == compiled(project, partial_parse=False, **kwargs)[1]
    return before, after


def test_an_edited_model_is_a_miss_even_with_its_size_and_mtime_kept(shop: dict[str, Path]) -> None:
    model = shop["project"] / "models" / "marts" / "fct_orders.sql"
    st = model.stat()

    def change() -> None:
        edit(model, "as currency", "as currenc_")  # the same size
        os.utime(model, ns=(st.st_atime_ns, st.st_mtime_ns))

    before, after = _miss_after(shop["project"], change)
    assert "currenc_" in after["model.shop.fct_orders"] and "currenc_" not in before["model.shop.fct_orders"]


@pytest.mark.parametrize("what", ["macro", "yaml", "seed yaml", "singular test", "dbt_project", "profiles",
                                  "new model", "removed model", "seed csv", "new docs"])
def test_a_changed_project_file_is_a_miss(shop: dict[str, Path], what: str) -> None:
    project = shop["project"]
    changes = {
        "macro": lambda: edit(project / "macros" / "money.sql", ", 2)", ", 3)"),
        "yaml": lambda: edit(project / "models" / "marts" / "_marts__models.yml", "description:", "description: x"),
        "seed yaml": lambda: edit(project / "seeds" / "_seeds.yml", "description:", "description: y"),
        "singular test": lambda: edit(project / "tests" / "data" / "assert_amounts_not_negative.sql", "<", "< -1 +"),
        "dbt_project": lambda: edit(project / "dbt_project.yml", "currency: EUR", "currency: USD"),
        "profiles": lambda: edit(project / "profiles.yml", "threads: 1", "threads: 2"),
        "new model": lambda: (project / "models" / "marts" / "fct_new.sql").write_text("select 1 as x\n"),
        "removed model": lambda: (project / "models" / "marts" / "fct_order_days.sql").unlink(),
        "seed csv": lambda: (project / "seeds" / "countries.csv").write_text("code,name,population\nPT,P,1\n"),
        "new docs": lambda: (project / "models" / "docs.md").write_text("{% docs x %}X{% enddocs %}\n"),
    }
    _miss_after(project, changes[what])


def test_cli_vars_target_and_read_env_vars_are_part_of_the_key(shop: dict[str, Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project = shop["project"]
    compiled(project)
    assert kept(project)
    assert not compiled(project, vars={"currency": "JPY"})[0]
    assert "'JPY'" in compiled(project, vars={"currency": "JPY"})[1]["model.shop.fct_orders"]
    assert compiled(project, vars={"currency": "JPY"})[0]
    assert not compiled(project)[0]  # back to no --vars: the file now holds the JPY parse
    other = shop["raw"].parent / "other_raw"
    monkeypatch.setenv("OGI_RAW", str(other))  # read by the sources' external_location through env_var()
    s = session(project)
    assert not s.manifest.parse_cache.hit  # type: ignore[union-attr]
    assert str(other) in (s.manifest.sources["source.shop.raw.orders"].external_location or "")
    monkeypatch.delenv("OGI_RAW")  # unset: env_var's default
    s = session(project)
    assert not s.manifest.parse_cache.hit  # type: ignore[union-attr]
    assert "read_parquet('raw/" in (s.manifest.sources["source.shop.raw.orders"].external_location or "")
    monkeypatch.setenv("OGI_WAREHOUSE", str(shop["warehouse"]))  # profiles.yml's env_var: target.path
    s = session(project)
    assert not s.manifest.parse_cache.hit and s.manifest.target.path == str(shop["warehouse"])  # type: ignore[union-attr]
    with pytest.raises(Exception, match="target 'prod'"):
        session(project, target="prod")  # --target is in the key: not served the dev parse


def test_another_python_or_ogi_is_a_miss(shop: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    import ogi.parsecache as parsecache

    project = shop["project"]
    module = tmp_path / "fake_ogi_module.py"
    module.write_text("x = 1\n")
    os.utime(module, ns=(1, 10**18))  # not racy: decided by stat
    original = parsecache._library_files
    monkeypatch.setattr(parsecache, "_library_files", lambda: [*original(), str(module)])
    compiled(project)
    assert kept(project)
    module.write_text("x = 2\n")  # ogi's own code changed
    assert not kept(project)
    compiled(project)
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert not kept(project)


def test_clean_and_no_partial_parse(shop: dict[str, Path]) -> None:
    project = shop["project"]
    compiled(project)
    assert (project / "target" / FILE).is_file()
    assert not compiled(project, partial_parse=False)[0]
    assert exit_code("ls", "--project-dir", str(project), "--no-partial-parse") == 0
    assert exit_code("clean", "--project-dir", str(project)) == 0
    assert not (project / "target" / FILE).exists()


# -- impure templates ----------------------------------------------------------------------------------


@pytest.mark.parametrize("expression", ["{{ modules.datetime.date.today() }}", "{{ [1, 2] | random }}",
                                        "{{ log('hello', info=True) }}", "{{ exceptions.warn('w') }}",
                                        "{{ lipsum(1) }}"])
def test_an_impure_template_is_never_kept(shop: dict[str, Path], expression: str) -> None:
    project = shop["project"]
    (project / "models" / "marts" / "fct_impure.sql").write_text(f"select '{expression}' as x\n")
    s = session(project)
    s.compile()
    assert s.manifest.impure
    assert not (project / "target" / FILE).exists()
    assert not kept(project)


def test_a_template_reading_only_re_and_quiet_logs_is_kept(shop: dict[str, Path]) -> None:
    project = shop["project"]
    (project / "models" / "marts" / "fct_pure.sql").write_text(
        "select '{{ modules.re.escape('a.b') }}{{ log('quiet') }}' as x\n")
    compiled(project)
    assert kept(project)


# -- compiled SQL per compile key ------------------------------------------------------------------


def test_is_incremental_and_full_refresh_get_their_own_compiled_sql(shop: dict[str, Path]) -> None:
    args = ["--raw", str(shop["raw"]), "--warehouse", str(shop["warehouse"]), "--project-dir", str(shop["project"])]
    day = shop["project"] / "target" / "compiled" / "shop" / "models" / "marts" / "fct_order_days.sql"
    assert exit_code("build", *args) == 0
    assert "max(ordered_on)" not in day.read_text(encoding="utf-8")
    for _ in range(2):  # the table exists now: is_incremental() is true (rendered once, then kept)
        assert exit_code("build", *args) == 0
        assert "max(ordered_on)" in day.read_text(encoding="utf-8")
    assert exit_code("build", *args, "--full-refresh") == 0
    assert "max(ordered_on)" not in day.read_text(encoding="utf-8")
    with open(shop["project"] / "target" / FILE, "rb") as handle:
        pickle.load(handle)
        _, kept_sql, _ = pickle.load(handle)
    assert len(kept_sql) >= 2


def test_a_macro_edited_after_the_load_and_undone_leaves_no_stale_sql(tmp_path: Path) -> None:
    """A kept parse's macros are read again only when a new compile key needs them: if they changed
    since the load, SQL compiled from them is not kept (else undoing the edit would serve it)."""
    (tmp_path / "models").mkdir()
    (tmp_path / "macros").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: aba\nversion: '1'\nconfig-version: 2\nprofile: aba\n")
    (tmp_path / "profiles.yml").write_text("aba:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: w.duckdb}\n")
    (tmp_path / "models" / "inc.sql").write_text("{{ config(materialized='incremental') }} select {{ pick() }} as x")
    macro = tmp_path / "macros" / "m.sql"
    macro.write_text("{% macro pick() %}1{% endmacro %}\n")

    def inc_sql(existing: dict[str, str], **kwargs: Any) -> tuple[bool, str]:
        s = session(tmp_path, **kwargs)
        s.compile(command="build", existing=existing, quiet=True)
        hit = s.manifest.parse_cache is not None and s.manifest.parse_cache.hit
        return hit, (s.manifest.nodes["model.aba.inc"].compiled_code or "").strip()

    assert inc_sql({}) == (False, "select 1 as x")
    assert inc_sql({}) == (True, "select 1 as x")
    s = session(tmp_path)
    assert s.manifest.parse_cache is not None and s.manifest.parse_cache.hit
    macro.write_text("{% macro pick() %}2{% endmacro %}\n")  # after the load, before the new key renders
    s.compile(command="build", existing={"main.inc": "table"}, quiet=True)
    macro.write_text("{% macro pick() %}1{% endmacro %}\n")  # undone: the kept parse's bytes again
    fresh = inc_sql({"main.inc": "table"}, partial_parse=False)[1]
    assert fresh == "select 1 as x"
    assert inc_sql({"main.inc": "table"})[1] == fresh


# -- a damaged file, racing writers, racy stats ---------------------------------------------------------


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage", "truncated", "foreign"])
def test_a_damaged_cache_is_a_miss_and_is_written_again(shop: dict[str, Path], damage: Any) -> None:
    project = shop["project"]
    path = project / "target" / FILE
    compiled(project)
    good = compiled(project)[1]
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "foreign":
        with open(path, "rb") as handle:
            header = pickle.load(handle)
        with open(path, "wb") as handle:  # a right header, then something else than a manifest
            pickle.dump(header, handle)
            pickle.dump((pickle.dumps({"not": "a manifest"}), {}, None), handle)
    else:
        path.write_bytes(damage)
    hit, sql = compiled(project)
    assert not hit and sql == good
    assert kept(project)


def test_concurrent_compiles_each_see_a_whole_file(shop: dict[str, Path]) -> None:
    project = shop["project"]
    code = f"from ogi import Session\nSession({str(project)!r}).compile()\n"
    runs = [subprocess.Popen([sys.executable, "-c", code], env=os.environ, stderr=subprocess.PIPE) for _ in range(4)]
    for run in runs:
        assert run.wait() == 0, run.stderr.read() if run.stderr else ""
    assert kept(project)
    assert not [p for p in (project / "target").iterdir() if p.name.startswith(FILE + ".")]  # no temporaries


def test_a_folder_linked_into_itself_is_walked_once(tmp_path: Path) -> None:
    from ogi.parsecache import walk

    (tmp_path / "models" / "sub").mkdir(parents=True)
    (tmp_path / "models" / "sub" / "a.sql").write_text("select 1\n")
    (tmp_path / "models" / "sub" / "loop").symlink_to(tmp_path / "models")
    assert walk(tmp_path, ["models", "missing"]) == [str(tmp_path / "models" / "sub" / "a.sql")]


def test_files_are_read_as_path_read_text_reads_them(tmp_path: Path) -> None:
    from ogi.parsecache import FileLog

    path = tmp_path / "m.sql"
    for data in (b"select 1\r\nfrom x\r\n", b"a\rb\n", "\ufeff-- \u8868\n".encode()):
        path.write_bytes(data)
        assert FileLog().read_text(path) == path.read_text(encoding="utf-8")


def test_a_racy_or_changed_stat_is_decided_by_the_bytes(tmp_path: Path) -> None:
    """A file whose ctime was within RACY_NS of its stat is compared by digest (a rewrite in the same
    clock tick would leave every stat field alike); a stat-only entry that changed or was racy is a miss."""
    from ogi.parsecache import FileLog

    path = tmp_path / "m.sql"
    path.write_text("select 1\n")
    log = FileLog()
    log.read_text(path)
    entry = log.entries[str(path)]
    assert entry[4] == 0  # just written: racy
    st = path.stat()
    assert unchanged({str(path): entry}) is not None  # same bytes
    path.write_text("select 2\n")  # same size
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert unchanged({str(path): entry}) is None
    settled = ("read", st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, entry[5])
    assert unchanged({str(path): settled}) is None  # the ctime moved: bytes compared, and they differ
    assert unchanged({str(path): ("stat", st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns, None)}) is None
    now = path.stat()
    assert unchanged({str(path): ("stat", now.st_size, now.st_mtime_ns, now.st_ino, 0, entry[5])}) is None
    current = ("stat", now.st_size, now.st_mtime_ns, now.st_ino, 0, log.entries[str(path)][5])
    log.entries.clear()
    log.look(str(path), time.time_ns())
    assert log.entries[str(path)][5] is not None  # racy: its digest is kept
    assert unchanged({str(path): log.entries[str(path)]}) is not None
    del current
    assert unchanged({str(tmp_path / "gone"): ("absent",)}) is not None
    assert unchanged({str(path): ("absent",)}) is None


def test_the_key_covers_direct_environment_reads(shop: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    key = ParseCache(shop["project"], None, {}).key
    monkeypatch.setenv("DBT_PROFILES_DIR", str(shop["project"]))
    assert ParseCache(shop["project"], None, {}).key != key
    monkeypatch.delenv("DBT_PROFILES_DIR")
    monkeypatch.setenv("OGI_TARGET", "prod")
    assert ParseCache(shop["project"], None, {}).key != key
