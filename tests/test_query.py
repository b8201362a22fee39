"""`ogi query`: read-only SQL against the warehouse, the shared output flags, the prompt, locks."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ogi.cli import app
from ogi.query import WarehouseError, open_read_only, run_query
from tests.analyst_project import build_warehouse

runner = CliRunner()
OGI = [sys.executable, "-m", "ogi.cli"]


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "w.duckdb")


def test_table_output_is_aligned_and_counts_rows(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "select organ_name, received from fct_requests order by received desc limit 2",
                                 "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["organ_name", "received"]
    assert "北京市人民政府" in lines[2] and lines[2].rstrip().endswith("150")
    assert lines[-1] == "(2 rows)"


def test_csv_output(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "select organ_name, report_year from fct_requests order by 2, 1 limit 1",
                                 "--csv", "-w", str(warehouse)])
    assert result.exit_code == 0
    assert result.output == "organ_name,report_year\n北京市人民政府,2020\n"


def test_json_output_keeps_chinese_and_types(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "select organ_name, received, null as nothing from fct_requests "
                                 "where report_year = 2021 and level = 'county'", "--json", "-w", str(warehouse)])
    assert result.exit_code == 0
    assert json.loads(result.output) == [{"organ_name": "海淀区人民政府", "received": 55, "nothing": None}]


def test_output_flags_are_exclusive(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "select 1", "--csv", "--json", "-w", str(warehouse)])
    assert result.exit_code == 1
    assert "choose one of" in result.output


def test_query_cannot_write(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "drop table fct_requests", "-w", str(warehouse)])
    assert result.exit_code == 1
    assert "read-only" in result.output.lower()
    assert run_query("select count(*) as n from fct_requests", warehouse)["n"][0] == 5


def test_sql_error_is_one_clear_line(warehouse: Path) -> None:
    result = runner.invoke(app, ["query", "select nope from fct_requests", "-w", str(warehouse)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "nope" in result.output


def test_missing_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["query", "select 1", "-w", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "make build" in result.output


def test_warehouse_from_environment(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OGI_WAREHOUSE", str(warehouse))
    result = runner.invoke(app, ["query", "select count(*) as n from fct_requests", "--csv"])
    assert result.output == "n\n5\n"


def test_works_while_another_process_reads(warehouse: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"c = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
                               "print('open', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert run_query("select count(*) as n from fct_requests", warehouse)["n"][0] == 5
    finally:
        holder.kill()
        holder.wait()


def test_a_writer_holding_the_file_gets_a_clear_message(warehouse: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, time\n"
                               f"c = duckdb.connect({str(warehouse)!r})\n"
                               "print('open', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseError) as error:
            open_read_only(warehouse)
        assert f"pid {holder.pid}" in str(error.value)
        assert "being written by another process" in str(error.value)
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    open_read_only(warehouse).close()


def test_interactive_prompt_reads_statements_from_stdin(warehouse: Path) -> None:
    script = "\n".join([
        ".tables",
        "select organ_name,",
        "       received",
        "from fct_requests where report_year = 2020 order by received desc;",
        ".mode csv",
        "select count(*) as n from fct_requests;",
        ".schema fct_requests",
        "select broken;",
        ".quit",
        "select 'never reached';",
    ]) + "\n"
    done = subprocess.run([*OGI, "query", "--warehouse", str(warehouse)], input=script, capture_output=True,
                          text=True, timeout=60)
    out = done.stdout
    assert "fct_requests" in out and "stg_requests" in out                  # .tables
    assert out.index("北京市人民政府") < out.index("海淀区人民政府")            # the multi-line statement
    assert "n\n5\n" in out                                                   # .mode csv
    assert "received,INTEGER,Requests received this year." in out            # .schema with the comment
    assert "Error:" in out and "broken" in out                               # errors do not end the prompt
    assert "never reached" not in out                                        # .quit stops
    assert done.returncode == 1                                              # one statement failed


def test_prompt_exits_zero_when_all_statements_succeed(warehouse: Path) -> None:
    done = subprocess.run([*OGI, "query", "-w", str(warehouse), "--json"], input="select 1 as one;\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"one": 1}]


def test_database_unchanged_by_queries(warehouse: Path) -> None:
    before = warehouse.stat().st_mtime_ns
    run_query("select * from fct_requests", warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select count(*) from raw_requests").fetchone() == (5,)
    con.close()
    assert warehouse.stat().st_mtime_ns == before


def test_dot_commands_work_without_the_prompt(warehouse: Path) -> None:
    tables = runner.invoke(app, ["query", ".tables", "-w", str(warehouse), "--csv"])
    assert tables.exit_code == 0
    assert tables.output.splitlines() == ["schema,name,kind", "main,fct_requests,table", "main,raw_requests,table",
                                          "main,stg_requests,view"]
    schema = runner.invoke(app, ["query", ".schema fct_requests", "-w", str(warehouse)])
    assert "Requests received this year." in schema.output
    assert runner.invoke(app, ["query", ".nope", "-w", str(warehouse)]).exit_code == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses a pseudo-terminal")
def test_prompt_at_a_terminal_shows_prompts_and_leaves_on_ctrl_d(warehouse: Path) -> None:
    import os
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: ogi query on a terminal
        os.execv(sys.executable, [*OGI, "query", "-w", str(warehouse)])
    output = b""

    def read_until(marker: bytes, seconds: float = 30) -> None:
        nonlocal output
        deadline = time.monotonic() + seconds
        while marker not in output and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    output += os.read(fd, 4096)
                except OSError:
                    break

    status: int | None = None
    try:
        read_until(b"ogi> ")
        os.write(fd, b"select count(*) as n\n")
        read_until(b"...> ")
        os.write(fd, b"from fct_requests;\n")
        read_until(b"(1 row)")
        read_until(b"(1 row)\r\nogi> ")
        os.write(fd, b"\x04")  # Ctrl-D
        status = None
        deadline = time.monotonic() + 30
        while status is None and time.monotonic() < deadline:
            read_until(b"never", 0.2)
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else None
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    text = output.decode("utf-8", "replace")
    assert "Type .help for commands" in text and "...> " in text and "(1 row)" in text
    assert status is not None, "ogi query did not leave on Ctrl-D"
    assert os.waitstatus_to_exitcode(status) == 0


def test_csv_and_table_show_lists_booleans_and_decimals_plainly(warehouse: Path) -> None:
    sql = ("select ['甲', '乙'] as tags, [{'k': 1}] as deep, true as ok, 192.000000::decimal(18,6) as n, "
           "0.250000::decimal(18,6) as rate")
    csv_out = runner.invoke(app, ["query", sql, "--csv", "-w", str(warehouse)]).output
    assert csv_out.splitlines() == ["tags,deep,ok,n,rate", '甲; 乙,"[{""k"": 1}]",true,192.000000,0.250000']
    table_out = runner.invoke(app, ["query", sql, "-w", str(warehouse)]).output
    assert table_out.splitlines()[2].split()[-2:] == ["192", "0.25"]
