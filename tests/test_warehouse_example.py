"""warehouse.duckdb.example must be what data/reports builds today: every mart, row for row.

Regenerate it with scripts/build_example.sh when a change to ingest or the models is intended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "warehouse.duckdb.example"
MARTS = sorted(p.stem for p in (ROOT / "models" / "marts").rglob("*.sql"))


def _ogi(*args: str) -> subprocess.CompletedProcess[str]:
    ogi = Path(sys.executable).with_name("ogi")
    return subprocess.run(
        [str(ogi), *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if k not in ("OGI_RAW", "OGI_WAREHOUSE")},
    )


# Provenance, not content: the parser version carries a fingerprint of ingest's code, so it changes
# with every edit to ingest/ even when no figure does.
PROVENANCE = ("parser_version",)


def _mart_rows(path: Path, mart: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        cols = [r[0] for r in con.execute(f"describe {mart}").fetchall() if r[0] not in PROVENANCE]
        select = ", ".join(f'"{c}"' for c in cols)
        return con.execute(f"select {select} from {mart} order by all").fetchall()


def _mart_columns(path: Path, mart: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"describe {mart}").fetchall()


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not EXAMPLE.exists():
        pytest.skip("warehouse.duckdb.example is not committed yet (scripts/build_example.sh writes it)")
    tmp = tmp_path_factory.mktemp("example")
    ingest = _ogi("ingest", "data/reports", "--raw", str(tmp / "raw"))
    assert ingest.returncode == 0, ingest.stdout[-3000:] + ingest.stderr[-3000:]
    build = _ogi("build", "--raw", str(tmp / "raw"), "--warehouse", str(tmp / "w.duckdb"))
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return tmp / "w.duckdb"


@pytest.mark.slow
@pytest.mark.parametrize("mart", MARTS)
def test_example_mart_matches_a_fresh_build(rebuilt: Path, mart: str) -> None:
    assert _mart_columns(rebuilt, mart) == _mart_columns(EXAMPLE, mart), (
        f"{mart}: columns differ from warehouse.duckdb.example; run scripts/build_example.sh"
    )
    fresh, committed = _mart_rows(rebuilt, mart), _mart_rows(EXAMPLE, mart)
    assert len(fresh) == len(committed), f"{mart}: {len(fresh)} rows now, {len(committed)} in the example"
    assert fresh == committed, f"{mart}: content differs from warehouse.duckdb.example; run scripts/build_example.sh"
