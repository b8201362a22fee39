"""ogi/cli.py reads a runner command with plain options itself (no typer import); it must read them
exactly as the typer app of ogi/cli_app.py does, and leave everything else to typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import ogi.cli as cli
import ogi.cli_app as cli_app
from tests.runner_support import query, shop_env  # noqa: F401 - shop_env: the `shop` fixture

EXECUTE_ARGS = ("command", "project_dir", "target", "vars", "warehouse", "raw", "select", "exclude",
                "full_refresh", "fail_fast", "threads", "partial_parse")
DEFAULTS = {"full_refresh": False, "fail_fast": False, "partial_parse": True}


@pytest.mark.parametrize("command", sorted(cli.FAST_OPTIONS))
def test_the_plain_options_are_the_typer_commands_options(command: str) -> None:
    click_command = get_command(cli_app.app).commands[command]  # type: ignore[attr-defined]
    values, flags = cli.FAST_OPTIONS[command]
    typer_values: set[str] = set()
    typer_flags: set[str] = set()
    for param in click_command.params:
        names = set(param.opts) | set(param.secondary_opts)
        (typer_flags if param.is_flag else typer_values).update(names)
    assert set(values) == typer_values
    assert set(flags) == typer_flags - {"--help"}


def typer_reading(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def capture(*args: Any, **kwargs: Any) -> None:
        seen.update(DEFAULTS)
        seen.update(zip(EXECUTE_ARGS, args, strict=False))
        seen.update(kwargs)

    monkeypatch.setattr(cli_app, "_execute", capture)
    result = CliRunner().invoke(cli_app.app, argv)
    assert result.exit_code == 0, result.output
    return seen


@pytest.mark.parametrize("argv", [
    ["build"],
    ["build", "--raw", "r", "--warehouse", "w.duckdb", "--full-refresh"],
    ["build", "-s", "+fct_a", "-s", "tag:x", "--exclude", "path:m", "--threads=3", "-x", "-w", "a b.duckdb"],
    ["run", "--select=fct_a+", "--project-dir", "p", "-t", "prod", "--vars", "{year: 2023}", "--no-partial-parse"],
    ["test", "--raw", "r", "--fail-fast", "--partial-parse", "--threads", "1"],
    ["seed", "-s", "countries", "--target", "dev", "--warehouse=w"],
])
def test_plain_options_read_as_typer_reads_them(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    plain = cli.plain_options(argv)
    assert plain is not None
    command, options = plain
    assert {"command": command, **DEFAULTS, **options} == typer_reading(argv, monkeypatch)


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["build", "--help"], ["build", "-h"], ["build", "--threads", "x"], ["build", "--threads", "³"],
    ["build", "-xs", "a"], ["build", "-sfct"], ["build", "fct_a"], ["build", "--select"], ["build", "-s", "-x"],
    ["build", "--full-refresh=1"], ["build", "--nope"], ["seed", "--raw", "r"], ["test", "--full-refresh"],
    ["ls"], ["compile"], ["build", "--"],
])
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert cli.plain_options(argv) is None


def test_a_plain_build_does_not_import_typer(shop: dict[str, Path], tmp_path: Path) -> None:
    warehouse = tmp_path / "plain.duckdb"
    code = ("import sys\nfrom ogi.cli import main\n"
            f"sys.argv = ['ogi', 'build', '--project-dir', {str(shop['project'])!r}, '--warehouse', {str(warehouse)!r}]\n"
            "main()\n")
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith(f"Published {warehouse}")
    assert " typer" not in run.stderr and "click" not in run.stderr
    assert query(warehouse, "select count(*) from main.fct_orders") == [(4,)]
    failing = subprocess.run([sys.executable, "-c", code.replace("'build'", "'build', '-s', 'nothing_by_this_name'")],
                             capture_output=True, text=True)
    assert failing.returncode == 2 and "error: selector 'nothing_by_this_name' matches nothing" in failing.stderr
