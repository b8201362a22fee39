"""Every command and query in README.md runs and gives sensible output (docs that cannot drift).

```sql blocks run against warehouse.duckdb.example (read-only); ```sh blocks run, in order, with
bash in a scratch copy of the project whose warehouse.duckdb.example is the committed one (or, until
that is committed, one built from data/reports). Only `make build` / `make test` are not run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
import yaml
from sqlglot import exp

from ogi.query import run_query
from tests.analyst_project import scratch_project

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE = ROOT / "warehouse.duckdb.example"
BIN = Path(sys.executable).parent
NOT_RUN = {"make build", "make test"}


def blocks(language: str) -> list[str]:
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)
            if lang == language]


def run(command: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("OGI_WAREHOUSE", None)
    env.pop("OGI_RAW", None)
    return subprocess.run(["bash", "-eo", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch project: the repo's project files linked in, models copied (the README adds one)."""
    work = scratch_project(tmp_path_factory.mktemp("readme"))
    if EXAMPLE.is_file():
        shutil.copy(EXAMPLE, work / EXAMPLE.name)
    else:  # not committed yet: build it from the bundled reports the way scripts/build_example.sh does
        # (into data/raw, so that the README's own `ogi ingest` finds every file already read)
        done = run(f"ogi ingest data/reports --raw data/raw && ogi build --raw data/raw --warehouse {EXAMPLE.name}",
                   work)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        shutil.rmtree(work / "target")
    return work


@pytest.fixture(scope="module")
def example(workspace: Path) -> Path:
    return workspace / EXAMPLE.name


def test_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```\w*\n(.*?)```", text, re.S)
    assert first and first.group(1).split("\n")[:2] == ["make build", "make test"]


def test_readme_has_the_tour_questions() -> None:
    assert len(blocks("sql")) >= 4
    assert len(blocks("sh")) >= 5


@pytest.mark.parametrize("sql", blocks("sql"), ids=lambda sql: sql.splitlines()[0][:40])
def test_sql_block_runs_and_returns_its_columns(sql: str, example: Path) -> None:
    frame = run_query(sql, example)
    tree = sqlglot.parse_one(sql, read="duckdb")
    assert isinstance(tree, exp.Query)
    assert frame.columns == tree.named_selects, "the query's columns changed"
    assert frame.height > 0, "the query returns no rows on the example warehouse"
    assert any(frame[column].null_count() < frame.height for column in frame.columns)
    for column in frame.columns:  # shares are shares
        if column.endswith("_rate"):
            values = [float(v) for v in frame[column].drop_nulls().to_list()]
            assert all(0 <= v <= 1 for v in values), f"{column} outside [0, 1]: {values}"
    order = tree.args.get("order")
    if order and tree.args.get("limit") and len(order.expressions) == 1 and order.expressions[0].args.get("desc"):
        key = frame[order.expressions[0].this.name].drop_nulls().to_list()
        assert key == sorted(key, reverse=True)


def test_sh_blocks_run_in_order(workspace: Path) -> None:
    for block in blocks("sh"):
        lines = [line for line in block.splitlines() if line.strip() and line.strip() not in NOT_RUN]
        if not lines:
            continue
        done = run("\n".join(lines), workspace)
        assert done.returncode == 0, f"README block failed:\n{block}\nstdout:\n{done.stdout[-3000:]}\n" \
                                     f"stderr:\n{done.stderr[-3000:]}"
        assert done.stdout.strip(), f"README block printed nothing:\n{block}"
    # what the blocks promise exists
    exports = workspace / "exports"
    assert (exports / "rpt_organ_year.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (exports / "rpt_organ_year.xlsx").is_file() and (exports / "fct_report_facts.parquet").is_file()
    assert (workspace / "target" / "docs" / "index.html").is_file()
    assert run_query("select count(*) as n from rpt_denials_by_year", workspace / "warehouse.duckdb")["n"][0] > 0


def test_yaml_snippet_is_valid_model_yaml() -> None:
    (snippet,) = blocks("yaml")
    (model,) = yaml.safe_load(snippet)
    assert model["name"] == "rpt_denials_by_year"
    assert "rpt_denials_by_year.sql" in "".join(blocks("sh"))
    assert all("name" in column for column in model["columns"])


def test_crontab_line_is_well_formed() -> None:
    (crontab,) = blocks("crontab")
    entries = [line.split(None, 5) for line in crontab.splitlines() if line.strip() and not line.startswith("#")]
    assert entries and all(len(fields) == 6 and "make build" in fields[5] for fields in entries)
