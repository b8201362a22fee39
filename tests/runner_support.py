"""Helpers for the runner's tests: a fresh copy of a fixture project, raw Parquet for it, the CLI."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ogi.cli import app

PROJECTS = Path(__file__).parent / "fixtures" / "projects"

ORDERS = [
    (1, 10, 1250, "placed", "2024-01-01"),
    (2, 11, 99900, "shipped", "2024-01-01"),
    (3, 10, 500, "returned", "2024-01-02"),
    (4, 12, 150000, "shipped", "2024-01-03"),
]
CUSTOMERS = [(10, "Ana", "001"), (11, "Bo", "007"), (12, "Cy", "042")]


def write_raw(raw: Path, orders: list[tuple] = ORDERS, customers: list[tuple] = CUSTOMERS, part: str = "part-0") -> None:
    """Raw Parquet like ingest writes it: <raw>/<table>/*.parquet."""
    con = duckdb.connect()
    for table in ("orders", "customers"):
        (raw / table).mkdir(parents=True, exist_ok=True)
    con.execute("create table o (order_id int, customer_id int, amount_cents bigint, status varchar, ordered_on date)")
    if orders:
        con.executemany("insert into o values (?, ?, ?, ?, ?)", orders)
    con.execute(f"copy o to '{raw / 'orders' / (part + '.parquet')}'")
    con.execute("create table c (customer_id int, customer_name varchar, country_code varchar)")
    if customers:
        con.executemany("insert into c values (?, ?, ?)", customers)
    con.execute(f"copy c to '{raw / 'customers' / (part + '.parquet')}'")
    con.close()


def shop_project(tmp: Path) -> dict[str, Path]:
    """The `shop` fixture project copied under `tmp`, with its raw Parquet and a warehouse path."""
    raw = tmp / "raw"
    write_raw(raw)
    return {"project": copy_project(tmp), "raw": raw, "warehouse": tmp / "shop.duckdb"}


def copy_project(tmp: Path, name: str = "shop") -> Path:
    project = tmp / name
    shutil.copytree(PROJECTS / name, project, ignore=shutil.ignore_patterns("target", "expected"))
    return project


def ogi(*args: str) -> object:
    """Run the CLI in-process; returns typer's Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(name="shop")
def shop_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """The `shop` project (shop_project) with $OGI_RAW on its raw folder and $OGI_WAREHOUSE on a file
    no test reads, so a command that forgets --warehouse cannot touch the test's warehouse."""
    paths = shop_project(tmp_path)
    monkeypatch.setenv("OGI_RAW", str(paths["raw"]))
    monkeypatch.setenv("OGI_WAREHOUSE", str(tmp_path / "unused.duckdb"))
    return paths
