"""The `ogi` command line. `main()` is the console script: a runner command (build, run, seed, test) whose
options are all plain is read here and run at once, without importing typer (~60 ms of every start:
its import and the building of every command's parameters); anything else (--help, other commands,
an option spelled another way, a bad value) goes to the typer app of ogi/cli_app.py, which also has
the complete option definitions and help. `from ogi.cli import app` is that app.

Heavy modules (duckdb, sqlglot, jinja2) are imported inside the commands so `ogi --help` is fast.
Exit status: 0 success, 1 a model or error-severity test failed, 2 the project could not run
(compilation/validation error, locked warehouse).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ogi.runner import NodeResult, RunReport, Session

RED, GREEN, YELLOW = 31, 32, 33  # ANSI colours, on a terminal only (as click.secho)


def style(text: str, color: int | None, stream: TextIO) -> str:
    isatty = getattr(stream, "isatty", None)
    return f"\x1b[{color}m{text}\x1b[0m" if color and isatty is not None and isatty() else text


def echo(text: str, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(text + "\n")
    stream.flush()


def secho(text: str, color: int | None, err: bool = False) -> None:
    echo(style(text, color, sys.stderr if err else sys.stdout), err)


def _fail(message: str, code: int = 2) -> None:
    secho(f"error: {message}", RED, err=True)
    raise SystemExit(code)


def _session(project_dir: Path | None, target: str | None, vars: str | None,
             warehouse: str | None = None, raw: str | None = None, partial_parse: bool = True) -> Session:
    from ogi.errors import OgiError
    from ogi.runner import Session

    parsed: dict[str, Any] = {}
    if vars:
        import yaml

        try:
            loaded = yaml.safe_load(vars)
        except yaml.YAMLError as exc:
            _fail(f"--vars is not valid YAML: {exc}")
        if not isinstance(loaded, dict):
            _fail("--vars must be a mapping, e.g. '{year: 2023}'")
        parsed = loaded
    try:
        return Session(project_dir, target=target, vars=parsed, warehouse=warehouse, raw=raw,
                       partial_parse=partial_parse)
    except OgiError as exc:
        _fail(str(exc))
        raise  # unreachable


def _print_result(result: NodeResult, index: int, total: int) -> None:
    labels = {
        "success": ("OK", GREEN), "pass": ("PASS", GREEN), "warn": ("WARN", YELLOW), "fail": ("FAIL", RED),
        "error": ("ERROR", RED), "skipped": ("SKIP", YELLOW),
    }
    label, color = labels.get(result.status, (result.status.upper(), None))
    what = {"seed": "seed", "model": "model", "test": "test"}.get(result.resource_type, result.resource_type)
    name = result.relation or result.name
    text = f"{index:>4} of {total} {what} {name} "
    echo(f"{text:.<72} [{style(label, color, sys.stdout)} in {result.execution_time:.2f}s]")
    if result.message and result.status in ("error", "fail", "warn", "skipped"):
        echo(f"       {result.message}")


def _finish(report: RunReport) -> None:
    counts = report.counts()
    ok = counts.get("success", 0) + counts.get("pass", 0)
    echo(
        f"\nDone in {report.elapsed:.2f}s. PASS={ok} WARN={counts.get('warn', 0)} "
        f"ERROR={counts.get('error', 0) + counts.get('fail', 0)} SKIP={counts.get('skipped', 0)} "
        f"TOTAL={len(report.results)}"
    )
    reused = sum(1 for r in report.results if r.message.startswith("reused"))
    if reused:
        echo(f"{reused} reused as they were: nothing they are made from changed (--full-refresh runs them all)")
    if report.error:
        _fail(report.error)
    if report.failures():
        for failed in report.failures():
            secho(f"failed: {failed.name} ({failed.location}): {failed.message}", RED, err=True)
        if report.command != "test":
            secho(f"{report.warehouse} left unchanged (the last good build stays in place)", None, err=True)
        raise SystemExit(1)
    if report.published:
        echo(f"Published {report.warehouse}")


def _execute(command: str, project_dir: Path | None, target: str | None, vars: str | None,
             warehouse: str | None, raw: str | None, select: list[str] | None, exclude: list[str] | None,
             full_refresh: bool = False, fail_fast: bool = False, threads: int | None = None,
             partial_parse: bool = True) -> None:
    from ogi.errors import OgiError

    global _RAN_RUNNER_COMMAND
    _RAN_RUNNER_COMMAND = True  # main() may leave without the interpreter's clean-up
    try:
        session = _session(project_dir, target, vars, warehouse, raw, partial_parse)
    except KeyboardInterrupt:  # while the project is read: nothing was opened or built yet
        secho("interrupted before the build started; nothing changed", RED, err=True)
        raise SystemExit(130) from None
    if threads is not None:
        if threads < 1:
            _fail("--threads must be 1 or more")
        session.threads = threads
    try:
        report = session.execute(command, select, exclude, full_refresh=full_refresh, fail_fast=fail_fast,
                                 on_result=_print_result)
    except OgiError as exc:
        _fail(str(exc))
        return
    except KeyboardInterrupt:
        unchanged = "" if command == "test" else f"; {session.warehouse} left unchanged"
        secho(f"interrupted{unchanged}", RED, err=True)
        raise SystemExit(130) from None
    _finish(report)


# -- the runner commands without typer --------------------------------------------------------------

_COMMON_VALUES = {"--select": "select", "-s": "select", "--exclude": "exclude", "--warehouse": "warehouse",
                  "-w": "warehouse", "--threads": "threads", "--project-dir": "project_dir", "--target": "target",
                  "-t": "target", "--vars": "vars"}
_COMMON_FLAGS = {"--partial-parse": ("partial_parse", True), "--no-partial-parse": ("partial_parse", False)}
_FAIL_FAST = {"--fail-fast": ("fail_fast", True), "-x": ("fail_fast", True)}
# command → (options taking a value, flags): what ogi/cli_app.py declares for it (a test compares them)
FAST_OPTIONS: dict[str, tuple[dict[str, str], dict[str, tuple[str, bool]]]] = {
    "build": ({**_COMMON_VALUES, "--raw": "raw"}, {**_COMMON_FLAGS, **_FAIL_FAST, "--full-refresh": ("full_refresh", True)}),
    "run": ({**_COMMON_VALUES, "--raw": "raw"}, {**_COMMON_FLAGS, **_FAIL_FAST, "--full-refresh": ("full_refresh", True)}),
    "test": ({**_COMMON_VALUES, "--raw": "raw"}, {**_COMMON_FLAGS, **_FAIL_FAST}),
    "seed": (dict(_COMMON_VALUES), dict(_COMMON_FLAGS)),
}


def plain_options(argv: list[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, its keyword arguments for _execute) when `argv` is a runner command with plain options
    only (`--name value`, `--name=value`, `-s value`, flags), else None (typer reads it)."""
    if not argv or argv[0] not in FAST_OPTIONS:
        return None
    command, (values, flags) = argv[0], FAST_OPTIONS[argv[0]]
    got: dict[str, Any] = {"select": [], "exclude": [], "project_dir": None, "target": None, "vars": None,
                           "warehouse": None, "raw": None, "threads": None}
    rest = argv[1:]
    while rest:
        token, rest = rest[0], rest[1:]
        name, eq, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in flags and not eq:
            key, value = flags[name]
            got[key] = value
            continue
        if name not in values:
            return None  # --help, an argument, a combined short option, a typo: typer's message
        if not eq:
            if not rest or rest[0].startswith("-"):
                return None
            inline, rest = rest[0], rest[1:]
        key = values[name]
        if key in ("select", "exclude"):
            got[key].append(inline)
        elif key == "threads":
            if not (inline.isascii() and inline.isdigit()):
                return None
            got[key] = int(inline)
        else:
            got[key] = Path(inline) if key == "project_dir" else inline
    got["select"] = got["select"] or None
    got["exclude"] = got["exclude"] or None
    return command, got


def main() -> None:
    """The console script. After a runner command (build, run, seed, test) the process leaves without
    the interpreter's clean-up (~20 ms of freeing every module and object, and DuckDB's static
    destructors): by then the command has closed its connections and files, published or discarded
    its working copy and joined its threads, and the output is flushed here."""
    plain = plain_options(sys.argv[1:])
    try:
        if plain is not None:
            command, options = plain
            _warm_engine()
            _execute(command, **options)
            raise SystemExit(0)
        from ogi.cli_app import app

        app()
    except SystemExit as exc:
        if _RAN_RUNNER_COMMAND:
            _exit_now(exc.code)
        raise


def _warm_engine() -> None:
    """Import DuckDB's extension on a thread of its own while the project is read: loading the
    library (~20 ms) overlaps with the main thread's own imports and parse instead of coming after
    them, on the way to the build's first connection (ogi.engine is what that connection imports)."""
    import threading

    def load() -> None:
        from ogi.engine import duckdb_module

        duckdb_module()

    threading.Thread(target=load, name="ogi-engine", daemon=True).start()


def __getattr__(name: str) -> Any:
    if name == "app":  # the typer app (ogi/cli_app.py), imported when asked for
        from ogi.cli_app import app

        return app
    raise AttributeError(name)


_RAN_RUNNER_COMMAND = False


def _exit_now(code: object) -> None:
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    main()
