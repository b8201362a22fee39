"""Read-only queries against a built warehouse: one-shot (`ogi query "SQL"`) and an interactive prompt.

The library functions are what the CLI and the tests call:

- `open_read_only(path)` — a read-only DuckDB connection, with a clear `WarehouseError` when the
  file is missing or a writer holds it (DuckDB allows many readers or one writer, never both);
- `run_query(sql, path)` — the result as a polars DataFrame (DuckDB → Arrow → polars);
- `render(frame, fmt)` — the shared output formats `table` | `csv` | `json`;
- `repl(path, stdin, stdout)` — a small prompt: statements end with `;`, dot-commands
  `.tables`, `.schema NAME`, `.mode table|csv|json`, `.help`, `.quit`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import duckdb
    import polars as pl

OutputFormat = Literal["table", "csv", "json"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("table", "csv", "json")
DEFAULT_WAREHOUSE = "warehouse.duckdb"


class WarehouseError(Exception):
    """The warehouse cannot be opened or queried; the message says what to do next."""


def default_warehouse() -> str:
    """The warehouse file: $OGI_WAREHOUSE, else warehouse.duckdb."""
    return os.environ.get("OGI_WAREHOUSE") or DEFAULT_WAREHOUSE


def _lock_holder(message: str) -> str:
    """The 'held in PROGRAM (PID n)' part of DuckDB's lock error, or ''."""
    from ogi.warehouse import lock_holder

    found = lock_holder(message)
    return f" (pid {found[1]}: {Path(found[0]).name})" if found else ""


def open_read_only(path: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file; many of these may be open at once."""
    import duckdb

    file = Path(path)
    if not file.is_file():
        raise WarehouseError(
            f"{file} does not exist; build it with `make build` (or `ogi build --warehouse {file}`), "
            "or point --warehouse / $OGI_WAREHOUSE at a built file such as warehouse.duckdb.example"
        )
    try:
        return duckdb.connect(str(file), read_only=True)
    except duckdb.IOException as error:
        text = str(error)
        if "lock" in text.lower():
            raise WarehouseError(
                f"{file} is being written by another process{_lock_holder(text)}; wait for that build "
                "to finish (or close that program) and try again"
            ) from error
        raise WarehouseError(f"cannot open {file}: {text}") from error
    except duckdb.Error as error:
        raise WarehouseError(f"cannot open {file}: {error}") from error


@dataclass
class Result:
    """Rows of one statement as DuckDB returns them: what `ogi query` prints (no dataframe needed)."""

    columns: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def _relation(con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.DuckDBPyRelation | None:
    import duckdb

    try:
        return con.sql(sql)
    except duckdb.Error as error:
        raise WarehouseError(_first_line(str(error))) from error


def fetch_result(con: duckdb.DuckDBPyConnection, sql: str) -> Result:
    """Run one statement on an open connection; its columns, DuckDB types and rows."""
    import duckdb

    relation = _relation(con, sql)
    if relation is None:
        return Result()
    try:
        return Result(list(relation.columns), [str(kind) for kind in relation.types], relation.fetchall())
    except duckdb.Error as error:
        raise WarehouseError(_first_line(str(error))) from error


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str) -> pl.DataFrame:
    """Run one statement and return its rows as a polars DataFrame (DuckDB → Arrow → polars)."""
    import duckdb
    import polars as pl

    relation = _relation(con, sql)
    if relation is None:
        return pl.DataFrame()
    try:
        table = relation.to_arrow_table()
    except duckdb.Error as error:
        raise WarehouseError(_first_line(str(error))) from error
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def query_result(sql: str, warehouse: str | os.PathLike[str]) -> Result:
    """Run SQL against the warehouse opened read-only; the rows as DuckDB returns them."""
    con = open_read_only(warehouse)
    try:
        return fetch_result(con, sql)
    finally:
        con.close()


def run_query(sql: str, warehouse: str | os.PathLike[str]) -> pl.DataFrame:
    """Run SQL against the warehouse opened read-only and return the rows as a polars DataFrame."""
    con = open_read_only(warehouse)
    try:
        return fetch_frame(con, sql)
    finally:
        con.close()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def _plain_text(value: object) -> str:
    """One value as text in a flat file: lists of plain values as 'a; b', deeper values as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple) and all(not isinstance(item, list | tuple | dict) for item in value):
        return "; ".join(_plain_text(item) for item in value)
    if isinstance(value, list | tuple | dict):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def render_json(result: Result) -> str:
    """Rows as a JSON array of objects (Chinese kept as is, decimals as numbers, dates as ISO text)."""
    rows = [{key: _json_value(value) for key, value in row.items()} for row in result.dicts()]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def render_csv(result: Result) -> str:
    """Rows as CSV with a header line (plain UTF-8; `ogi export` adds the BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([_plain_text(value) for value in row] for row in result.rows)
    return buffer.getvalue()


def _is_nested(dtype: object) -> bool:
    import polars as pl

    return isinstance(dtype, pl.List | pl.Array | pl.Struct)


def flatten_nested(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists of plain values as 'a; b' text, anything deeper (structs, lists of structs) as JSON text,
    for the formats that hold only plain values (CSV, XLSX)."""
    import polars as pl

    changes: list[pl.Expr | pl.Series] = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List | pl.Array) and not _is_nested(dtype.inner):
            changes.append(pl.col(name).cast(pl.List(pl.String)).list.join("; ").alias(name))
        elif _is_nested(dtype):
            texts = [None if value is None else json.dumps(_json_value(value), ensure_ascii=False)
                     for value in frame[name].to_list()]
            changes.append(pl.Series(name, texts, dtype=pl.String))
    return frame.with_columns(changes) if changes else frame


def _cell_text(value: object) -> str:
    """A value as people read it: no trailing decimal zeros (DECIMAL 192.000000 shows as 192)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, list | tuple | dict):
        return str(value)
    return _plain_text(value)


NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                 "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


def render_table(result: Result) -> str:
    """Rows as an aligned text table; Chinese characters count as two columns."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for name, kind in zip(result.columns, result.types, strict=True):
        table.add_column(name, justify="right" if kind.startswith(NUMERIC_TYPES) else "left", overflow="fold")
    for row in result.rows:
        table.add_row(*(_cell_text(value) for value in row))
    buffer = io.StringIO()
    Console(file=buffer, width=100_000, color_system=None, highlight=False).print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    count = len(result.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def render(result: Result, fmt: OutputFormat = "table") -> str:
    """Rows in one of the shared output formats."""
    if fmt == "csv":
        return render_csv(result)
    if fmt == "json":
        return render_json(result) + "\n"
    return render_table(result)


def list_relations(con: duckdb.DuckDBPyConnection) -> Result:
    """Tables and views of the warehouse (schema, name, kind), user schemas only."""
    return fetch_result(
        con,
        "select table_schema as schema, table_name as name, "
        "case table_type when 'VIEW' then 'view' else 'table' end as kind "
        "from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog') "
        "order by table_schema, table_name",
    )


def describe_relation(con: duckdb.DuckDBPyConnection, name: str) -> Result:
    """Columns of one table or view: name, type and the stored comment (the YAML description)."""
    safe = name.replace("'", "''")
    return fetch_result(
        con,
        "select column_name as column, data_type as type, coalesce(comment, '') as description "
        f"from duckdb_columns() where table_name = '{safe}' order by column_index",
    )


REPL_HELP = """\
Type SQL ending with ';' to run it. Commands:
  .tables              list tables and views
  .schema NAME         columns of a table or view
  .mode table|csv|json output format
  .help                this text
  .quit                leave (Ctrl-D works too)
"""


class Repl:
    """The interactive prompt of `ogi query` with no SQL: reads statements, prints results."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: IO[str], interactive: bool) -> None:
        self.con = con
        self.out = out
        self.interactive = interactive
        self.fmt: OutputFormat = "table"
        self.failures = 0
        self.pending: list[str] = []

    def _say(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def prompt_text(self) -> str:
        return "   ...> " if self.pending else "ogi> "

    def terminal_lines(self) -> Iterator[str]:
        """Lines typed at a terminal, with line editing and history (readline); Ctrl-C drops the
        statement being typed, Ctrl-D leaves."""
        try:
            import readline  # noqa: F401 - importing it gives input() editing and history
        except ImportError:  # pragma: no cover - Windows without pyreadline
            pass
        while True:
            try:
                yield input(self.prompt_text())
            except KeyboardInterrupt:
                self.pending = []
                self._say("")
            except EOFError:
                return

    def run_statement(self, sql: str) -> None:
        try:
            self._say(render(fetch_result(self.con, sql), self.fmt))
        except WarehouseError as error:
            self.failures += 1
            self._say(f"Error: {error}")

    def run_command(self, line: str) -> bool:
        """Handle a dot-command; False means leave the prompt."""
        word, _, argument = line.strip().partition(" ")
        argument = argument.strip().rstrip(";")
        if word in (".quit", ".exit", ".q"):
            return False
        if word == ".help":
            self._say(REPL_HELP)
        elif word == ".tables":
            self._say(render(list_relations(self.con), self.fmt))
        elif word == ".schema" and argument:
            self._say(render(describe_relation(self.con, argument), self.fmt))
        elif word == ".mode" and argument in OUTPUT_FORMATS:
            self.fmt = argument  # type: ignore[assignment]
        else:
            self.failures += 1
            self._say(f"Error: unknown command {line.strip()!r}; type .help")
        return True

    def loop(self, lines: Iterable[str]) -> int:
        """Read until end of input or .quit; the number of statements that failed."""
        if self.interactive:
            self._say("ogi query — read-only. End statements with ';'. Type .help for commands.")
        self.pending = []
        for line in lines:
            if not self.pending and line.strip().startswith("."):
                if not self.run_command(line):
                    return self.failures
            elif line.strip():
                self.pending.append(line.rstrip("\n"))
                if line.rstrip().endswith(";"):
                    statement, self.pending = "\n".join(self.pending), []
                    self.run_statement(statement)
        if self.pending:
            self.run_statement("\n".join(self.pending))
        if self.interactive:
            self._say("")
        return self.failures


def run_command(command: str, warehouse: str | os.PathLike[str], fmt: OutputFormat = "table",
                stdout: IO[str] | None = None) -> int:
    """Run one dot-command (`.tables`, `.schema NAME`) outside the prompt; 1 if it failed."""
    con = open_read_only(warehouse)
    try:
        prompt = Repl(con, stdout or sys.stdout, interactive=False)
        prompt.fmt = fmt
        prompt.run_command(command)
        return prompt.failures
    finally:
        con.close()


def repl(warehouse: str | os.PathLike[str], stdin: IO[str] | None = None, stdout: IO[str] | None = None,
         fmt: OutputFormat = "table") -> int:
    """Run the interactive prompt on the warehouse; returns how many statements failed."""
    source = stdin or sys.stdin
    con = open_read_only(warehouse)
    try:
        prompt = Repl(con, stdout or sys.stdout, interactive=source.isatty())
        prompt.fmt = fmt
        return prompt.loop(prompt.terminal_lines() if prompt.interactive and source is sys.stdin else source)
    finally:
        con.close()
