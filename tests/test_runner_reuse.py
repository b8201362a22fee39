"""Work a rebuild reuses: seed tables whose CSV and settings are unchanged (fingerprint kept in the
warehouse) and Jinja code of unchanged templates (kept in target/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runner_support import copy_project, ogi, query, write_raw


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    project = copy_project(tmp_path)
    raw = tmp_path / "raw"
    write_raw(raw)
    monkeypatch.setenv("OGI_RAW", str(raw))
    return {"project": project, "raw": raw, "warehouse": tmp_path / "shop.duckdb"}


def build(shop: dict[str, Path], *extra: str) -> object:
    result = ogi("build", "--project-dir", str(shop["project"]), "--raw", str(shop["raw"]),
                 "--warehouse", str(shop["warehouse"]), *extra)
    assert result.exit_code == 0, result.output
    return result


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


def test_seed_dropped_from_the_warehouse_is_reloaded(shop: dict[str, Path]) -> None:
    import duckdb

    build(shop)
    con = duckdb.connect(str(shop["warehouse"]))
    con.execute("drop table countries cascade")
    con.close()
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
