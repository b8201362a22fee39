"""Run nodes on a DuckDB connection: seeds (read_csv), view / table / incremental models, data tests,
and descriptions persisted as COMMENT ON."""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ogi.engine import duckdb_module
from ogi.errors import CompilationError
from ogi.nodes import Node, quote


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def existing_relations(con: Any) -> dict[str, str]:
    """Lower-cased "schema.name" → 'table' | 'view' for the connection's own database."""
    rows = con.execute(
        "select schema_name, table_name, 'table' from duckdb_tables() "
        "where database_name = current_database() and not temporary "
        "union all select schema_name, view_name, 'view' from duckdb_views() "
        "where database_name = current_database() and not internal and not temporary"
    ).fetchall()
    return {f"{schema}.{name}".lower(): kind for schema, name, kind in rows}


def seed_sql(node: Node) -> str:
    """`create or replace table … as select * from read_csv(…)` honouring column_types and delimiter.

    When column_types names every column of the CSV's header, the CSV is read without DuckDB's
    sniffer (standard quoting, the columns in header order): the same table, at half the cost."""
    delimiter = str(node.config.get("delimiter") or ",")
    types = {str(k): str(v) for k, v in (node.config.get("column_types") or {}).items()}
    header = _csv_header(str(node.path), delimiter) if types else None
    if header is not None and sorted(header) == sorted(types) and len(set(header)) == len(header):
        columns = ", ".join(f"{sql_string(name)}: {sql_string(types[name])}" for name in header)
        options = ["header = true", "auto_detect = false", f"delim = {sql_string(delimiter)}",
                   "quote = '\"'", "escape = '\"'", f"columns = {{{columns}}}"]
    else:
        options = ["header = true", "auto_detect = true"]
        if node.config.get("delimiter"):
            options.append(f"delim = {sql_string(delimiter)}")
        if types:
            pairs = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in types.items())
            options.append(f"types = {{{pairs}}}")
    source = f"read_csv({sql_string(str(node.path))}, {', '.join(options)})"
    return f"create or replace table {node.relation().render()} as select * from {source}"


def _csv_header(path: str, delimiter: str) -> list[str] | None:
    """The column names of a CSV's first line (None when it cannot be read as one plain CSV row)."""
    import csv

    if len(delimiter) != 1:
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return None
    rows = list(csv.reader([first], delimiter=delimiter))
    return rows[0] if rows and rows[0] and all(rows[0]) else None


def seed_fingerprints(nodes: list[Node]) -> dict[str, str]:
    """seed_fingerprint of each seed whose file can be read (one that cannot is left to the seed's
    own run, which reports it)."""
    out: dict[str, str] = {}
    for node in nodes:
        try:
            out[node.unique_id] = seed_fingerprint(node)
        except OSError:
            continue
    return out


SEED_STATES = '"main"."_ogi_seed_states"'


def seed_fingerprint(node: Node) -> str:
    """A hash of everything a seed's table is made from: the load statement (relation, column_types,
    delimiter, file path) and the CSV's bytes. SHA-256 (CPUs hash it in hardware: half blake2b's
    time on the bundled 9 MB of seeds)."""
    digest = hashlib.sha256(seed_sql(node).encode("utf-8"))
    with open(node.path, "rb") as csv:
        while chunk := csv.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def seed_states_sql(states: dict[str, str]) -> str:
    """Where the fingerprints of loaded seeds, built models and passed tests are kept (ogi.reuse): a
    table macro in the warehouse. A macro (not a table) so the warehouse's table listing stays the
    project's; it commits and rolls back with what it describes."""
    rows = ", ".join(f"({sql_string(key)}, {sql_string(value)})" for key, value in sorted(states.items()))
    return (f"create or replace macro {SEED_STATES}() as table "
            f"select * from (values {rows}) states(relation, fingerprint)")


def loaded_seed_states(con: Any) -> dict[str, str]:
    """Lower-cased "schema.relation" (or a test's id) → fingerprint recorded when it was last made in this file.
    Call outside a transaction (a warehouse without the macro raises, which would abort one)."""
    duckdb = duckdb_module()

    try:
        rows = con.execute(f"select relation, fingerprint from {SEED_STATES}()").fetchall()
    except duckdb.Error:
        return {}
    return {str(key): str(value) for key, value in rows}


@dataclass
class Outcome:
    status: str  # success | error | fail | warn | pass
    message: str = ""
    failures: int | None = None
    rows_affected: int | None = None
    fresh: bool = False  # the relation was created by this node (it has no comments yet)


class Materializer:
    REUSED = "reused: inputs unchanged"

    def __init__(self, con: Any, full_refresh: bool = False, read_only: bool = False,
                 relations: dict[str, str] | None = None, fingerprints: Any = None,
                 states: dict[str, str] | None = None,
                 seed_fingerprints: Callable[[], dict[str, str]] = dict) -> None:
        """`relations`: existing_relations(con) when the caller has just read it (`states`: likewise
        loaded_seed_states(con), e.g. {} for a new file; `seed_fingerprints`: a function returning the
        seed_fingerprint of seeds by unique_id (taken before they are loaded), called when a seed
        first needs one: a seed loaded into a new file is loaded before its fingerprint is asked for,
        so it does not wait for the hashing). `fingerprints`: an
        ogi.reuse.Fingerprints; models and tests whose fingerprint matches the one recorded with
        their relation are kept as they are (not with --full-refresh, never when read-only).

        Each seed or model runs in a transaction of its own, committed when it is done (a build writes
        into a working copy that is published only when everything succeeded, ogi.warehouse), so nodes
        can run at the same time on cursors of the same database: `for_thread()` gives the calling
        thread a materializer on its own cursor that shares this one's bookkeeping."""
        self.con = con
        self.fingerprints = fingerprints if not read_only else None
        self.read_only = read_only
        self.full_refresh = full_refresh
        self.relations = dict(relations) if relations is not None else existing_relations(con)
        self.seed_states = dict(states) if states is not None else loaded_seed_states(con)
        self._seed_fingerprints = seed_fingerprints
        self._recorded_states = dict(self.seed_states)
        self.schemas: set[str] = set()
        self._local = threading.local()
        self._cursors: list[Any] = []
        self._lock = threading.Lock()

    def for_thread(self) -> Materializer:
        """A materializer on the calling thread's own cursor (created on first use), sharing the
        relations, recorded fingerprints and schemas of this one."""
        bound = getattr(self._local, "bound", None)
        if bound is None:
            cursor = self.con.cursor()
            cursor.execute("set enable_progress_bar = false")
            bound = copy.copy(self)
            bound.con = cursor
            with self._lock:
                self._cursors.append(cursor)
            self._local.bound = bound
        return bound

    def interrupt(self) -> None:
        """Stop the queries running on every cursor (Ctrl-C while nodes run at once)."""
        with self._lock:
            cursors = list(self._cursors)
        for con in (*cursors, self.con):
            try:
                con.interrupt()
            except Exception:  # noqa: BLE001 — a closed cursor has nothing to stop
                pass

    def close_cursors(self) -> None:
        with self._lock:
            cursors, self._cursors = self._cursors, []
        for cursor in cursors:
            cursor.close()

    def ensure_schemas(self, nodes: list[Node]) -> None:
        """Create up front the schemas the seeds and models will be built in (two nodes running at
        once must not both create one)."""
        if self.read_only:
            return
        for node in nodes:
            if node.resource_type in ("seed", "model") and node.materialized != "ephemeral":
                self._ensure_schema(node.schema)

    def _ensure_schema(self, schema: str) -> None:
        if schema not in self.schemas:
            self.con.execute(f"create schema if not exists {quote(schema)}")
            self.schemas.add(schema)

    def _drop_if_kind(self, node: Node, keep: str) -> None:
        rel = node.relation()
        key = f"{rel.schema}.{rel.identifier}".lower()
        kind = self.relations.get(key)
        if kind and kind != keep:
            self.con.execute(f"drop {kind} if exists {rel.render()} cascade")

    def _record(self, node: Node, kind: str) -> None:
        rel = node.relation()
        self.relations[f"{rel.schema}.{rel.identifier}".lower()] = kind

    def _fingerprint(self, node: Node) -> str | None:
        return self.fingerprints.of(node, self.seed_states) if self.fingerprints is not None else None

    def _reusable(self, node: Node, fingerprint: str | None, kind: str) -> bool:
        from ogi.reuse import state_key

        key = state_key(node)
        return (fingerprint is not None and not self.full_refresh and self.seed_states.get(key) == fingerprint
                and (kind == "test" or self.relations.get(key) == kind))

    def _remember(self, node: Node, fingerprint: str | None) -> None:
        from ogi.reuse import state_key

        key = state_key(node)
        if fingerprint is None:
            self.seed_states.pop(key, None)
        else:
            self.seed_states[key] = fingerprint

    def write_states(self) -> None:
        """Record the fingerprints of what this run made (ogi.reuse), when they changed."""
        if self.read_only or self.seed_states == self._recorded_states:
            return
        self.con.execute(seed_states_sql(self.seed_states))
        self._recorded_states = dict(self.seed_states)

    def begin(self) -> None:
        if not self.read_only:
            self.con.execute("begin transaction")

    def commit(self) -> None:
        if not self.read_only:
            self.con.execute("commit")

    def rollback(self) -> None:
        """Undo the failed node's transaction (and keep the cursor usable)."""
        if self.read_only:
            return
        try:
            self.con.execute("rollback")
        except Exception:  # noqa: BLE001 — no transaction open
            pass
        self._enable_optimizer()

    def seed(self, node: Node) -> Outcome:
        """Load the CSV; skipped when this file already holds the table loaded from the same bytes with
        the same settings (its recorded fingerprint matches), unless --full-refresh."""
        rel = node.relation()
        key = f"{rel.schema}.{rel.identifier}".lower()
        fingerprint = None
        if not self.full_refresh and self.relations.get(key) == "table" and key in self.seed_states:
            fingerprint = self._seed_fingerprint(node)
            if self.seed_states[key] == fingerprint:
                return Outcome("success", "unchanged")
        self._ensure_schema(node.schema)
        self._drop_if_kind(node, "table")
        self.con.execute(seed_sql(node))
        self._record(node, "table")
        self.seed_states[key] = fingerprint or self._seed_fingerprint(node)
        return Outcome("success", fresh=True)

    def _seed_fingerprint(self, node: Node) -> str:
        """The seed's fingerprint taken before it was loaded (hashed now when there is none)."""
        return self._seed_fingerprints().get(node.unique_id) or seed_fingerprint(node)

    def model(self, node: Node, incremental: bool) -> Outcome:
        kind = node.materialized
        sql = node.compiled_code or ""
        if kind == "ephemeral":
            return Outcome("success", "ephemeral")
        fingerprint = self._fingerprint(node)
        if self._reusable(node, fingerprint, kind):
            return Outcome("success", self.REUSED)
        self._ensure_schema(node.schema)
        rel = node.relation().render()
        if kind == "view":
            self._drop_if_kind(node, "view")
            self.con.execute(f"create or replace view {rel} as (\n{sql}\n)")
            self._record(node, "view")
        elif kind == "table" or (kind == "incremental" and not incremental):
            self._drop_if_kind(node, "table")
            self.con.execute(f"create or replace table {rel} as (\n{sql}\n)")
            self._record(node, "table")
        elif kind == "incremental":
            self._incremental(node, sql)
        else:
            raise CompilationError(
                f"materialization '{kind}' is not supported (view, table, incremental, ephemeral)",
                node.original_file_path,
            )
        self._remember(node, fingerprint)
        return Outcome("success", fresh=kind == "view" or kind == "table" or not incremental)

    def _incremental(self, node: Node, sql: str) -> None:
        rel = node.relation().render()
        strategy = node.config.get("incremental_strategy") or (
            "delete+insert" if node.config.get("unique_key") else "append"
        )
        temp = quote(f"{node.alias}__dbt_tmp")
        self.con.execute(f"create or replace temp table {temp} as (\n{sql}\n)")
        if strategy == "delete+insert":
            key = node.config.get("unique_key")
            if not key:
                raise CompilationError("delete+insert needs a unique_key", node.original_file_path)
            keys = [key] if isinstance(key, str) else list(key)
            cols = ", ".join(quote(k.strip()) if re.fullmatch(r"\w+", k.strip()) else k for k in keys)
            self.con.execute(f"delete from {rel} where ({cols}) in (select {cols} from {temp})")
        elif strategy != "append":
            raise CompilationError(
                f"incremental_strategy '{strategy}' is not supported (append, delete+insert)",
                node.original_file_path,
            )
        self.con.execute(f"insert into {rel} by name select * from {temp}")
        self.con.execute(f"drop table {temp}")

    def test(self, node: Node) -> Outcome:
        """One data test (tests() with one node): its outcome, or the error it raised."""
        outcome = self.tests([node])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def tests(self, nodes: list[Node]) -> list[Outcome | Exception]:
        """Several data tests: their failure counts in one statement (one round trip, one statement's
        fixed cost); when that statement fails, each test on its own, so every test still gets its
        own status, count and message. A test's outcome, or the error it raised."""
        duckdb = duckdb_module()

        out: dict[int, Outcome | Exception] = {}
        run: list[tuple[int, Node, str | None]] = []
        for i, node in enumerate(nodes):
            fingerprint = self._fingerprint(node)
            if self._reusable(node, fingerprint, "test"):
                out[i] = Outcome("pass", self.REUSED, 0)
            else:
                run.append((i, node, fingerprint))
        counts: list[int] | None = None
        if len(run) > 1:
            try:
                rows = dict(self.con.execute(self._batch_sql([node for _, node, _ in run])).fetchall())
                counts = [int(rows[k]) for k in range(len(run))] if len(rows) == len(run) else None
            except duckdb.InterruptException:
                raise  # Ctrl-C: not a reason to run each test on its own
            except duckdb.Error:
                counts = None
        for k, (i, node, fingerprint) in enumerate(run):
            try:
                outcome = self._judge(node, counts[k]) if counts is not None else self._test(node)
            except duckdb.InterruptException:
                raise
            except (duckdb.Error, CompilationError) as exc:
                out[i] = exc
                self._remember(node, None)
                continue
            self._remember(node, fingerprint if outcome.status == "pass" and not outcome.failures else None)
            out[i] = outcome
        return [out[i] for i in range(len(nodes))]

    def _batch_sql(self, nodes: list[Node]) -> str:
        """One statement counting the failures of several tests: a row (k, failures) for the k-th test,
        the tests' counts put together with UNION ALL. (Not as scalar subqueries, one column each:
        DuckDB plans those as one cross join of every test's query, whose join order costs more to
        plan than the tests take to run; a UNION ALL's branches are planned each on its own, and the
        statement costs less CPU than the tests run one by one.) A view that two or more of them read
        is computed once for all of them (a materialized common table expression in its place);
        should a test's SQL not survive that (a column qualified by the view's name), the statement
        fails and each test runs on its own (tests())."""
        sqls = [_count_sql(node, k) for k, node in enumerate(nodes)]
        readers: dict[str, int] = {}
        for sql in sqls:
            for text in {m.group(3) for m in _FROM_RELATION.finditer(sql)}:
                if self.relations.get(_relation_key(text)) == "view":
                    readers[text] = readers.get(text, 0) + 1
        shared = [text for text, count in readers.items() if count > 1]
        ctes = []
        for k, text in enumerate(shared):
            name = f"__ogi_view_{k}"
            ctes.append(f"{name} as materialized (select * from {text})")
            pattern = re.compile(r"(?i)\b(from|join)(\s+)" + re.escape(text) + r'(?![\w".])')
            sqls = [pattern.sub(r"\g<1>\g<2>" + name, sql) for sql in sqls]
        return (f"with {', '.join(ctes)}\n" if ctes else "") + "\nunion all\n".join(sqls)

    def _test(self, node: Node) -> Outcome:
        failures = int(self.con.execute(_count_sql(node)).fetchone()[0])
        return self._judge(node, failures)

    def _judge(self, node: Node, failures: int) -> Outcome:
        error_if = str(node.config.get("error_if", "!= 0"))
        warn_if = str(node.config.get("warn_if", "!= 0"))
        if node.config.get("severity", "error") == "error" and _threshold(failures, error_if):
            return Outcome("fail", f"Got {failures} result{'s' if failures != 1 else ''}, configured to fail if {error_if}", failures)
        if _threshold(failures, warn_if):
            return Outcome("warn", f"Got {failures} result{'s' if failures != 1 else ''}, configured to warn if {warn_if}", failures)
        return Outcome("pass", "", failures)

    def persist_docs(self, node: Node, fresh: bool = False) -> None:
        """Descriptions from YAML as COMMENT ON (the relation and its existing columns), in the node's
        transaction. `fresh`: the relation was just created, so it has no comment to compare with."""
        if node.materialized in ("ephemeral", "test") or not (node.description or node.columns):
            return
        rel = node.relation()
        kind = self.relations.get(f"{rel.schema}.{rel.identifier}".lower())
        if not kind:
            return
        described = {c.name.lower(): c.description for c in node.columns.values() if c.description}
        if fresh:
            current: str | None = None
            columns: list[tuple[str, str | None]] = (
                [(name, None) for name in self._column_names(rel.render())] if described else [])
        else:
            current, columns = self._comments(str(rel.schema), rel.identifier)
        statements = []
        if node.description and current != node.description:
            statements.append(f"comment on {kind} {rel.render()} is {sql_string(node.description)}")
        for column, comment in columns:
            text = described.get(column.lower())
            if text and comment != text:
                statements.append(f"comment on column {rel.render()}.{quote(column)} is {sql_string(text)}")
        if statements:
            # one-line DDL statements: the query optimizer has nothing to do but costs a third of each
            self.con.execute("pragma disable_optimizer")
            try:
                self.con.execute(";\n".join(statements))
            finally:
                self._enable_optimizer()

    def _column_names(self, relation: str) -> list[str]:
        """The relation's columns as DuckDB has them (names, order, case). Where the connection can bind
        a statement without running it (the pinned extension's `_bind`, which DuckDB's own relation API
        uses), a view's query is bound but neither optimized nor planned: a quarter less CPU than the
        `select * … limit 0` used otherwise. A relation that does not exist raises either way."""
        sql = f"select * from {relation}"
        bind = getattr(self.con, "_bind", None)
        if bind is not None:
            bound = bind(sql)
            names = bound[0] if isinstance(bound, tuple) and bound else None
            if isinstance(names, list) and all(isinstance(name, str) for name in names):
                return names
            # a private method whose shape changed: the public way below
        self.con.execute(f"{sql} limit 0")
        return [str(d[0]) for d in self.con.description or []]

    def _comments(self, schema: str, name: str) -> tuple[str | None, list[tuple[str, str | None]]]:
        """A relation's comment and its columns' (name, comment), from the catalog."""
        args = (schema, name)
        columns = self.con.execute(
            "select column_name, comment from duckdb_columns() where database_name = current_database() "
            "and schema_name = ? and table_name = ? order by column_index", args).fetchall()
        row = self.con.execute(
            "select comment from duckdb_tables() where database_name = current_database() and schema_name = ? "
            "and table_name = ? union all select comment from duckdb_views() where database_name = current_database() "
            "and not internal and schema_name = ? and view_name = ?", args + args).fetchone()
        return (row[0] if row else None), [(str(c), m) for c, m in columns]

    def _enable_optimizer(self) -> None:
        duckdb = duckdb_module()

        try:
            self.con.execute("pragma enable_optimizer")
        except duckdb.Error:  # an aborted transaction: rollback() enables it again
            pass


_FROM_RELATION = re.compile(r'(?i)\b(from|join)(\s+)("(?:[^"]|"")+"\."(?:[^"]|"")+")(?![\w".])')


def _relation_key(text: str) -> str:
    """'"schema"."name"' → the lower-cased "schema.name" of existing_relations()."""
    schema, name = (part.replace('""', '"') for part in re.findall(r'"((?:[^"]|"")+)"', text)[:2])
    return f"{schema}.{name}".lower()


def _count_sql(node: Node, key: int | None = None) -> str:
    """A data test's failing rows counted, wrapped as dbt wraps it (`key`: with a first column
    holding it, the test's place in a batch)."""
    sql = node.compiled_code or ""
    limit = node.config.get("limit")
    inner = f"{sql}\nlimit {int(limit)}" if limit else sql
    label = f"{key} as test, " if key is not None else ""
    return f"select {label}count(*) from (\n{inner}\n) dbt_internal_test"


def _threshold(failures: int, condition: str) -> bool:
    match = re.fullmatch(r"\s*(!=|<>|>=|<=|==|=|>|<)\s*(-?\d+)\s*", condition)
    if not match:
        raise CompilationError(f"cannot read test threshold {condition!r} (use e.g. '>10' or '!=0')")
    op, n = match.group(1), int(match.group(2))
    return {
        "!=": failures != n, "<>": failures != n, ">=": failures >= n, "<=": failures <= n,
        "==": failures == n, "=": failures == n, ">": failures > n, "<": failures < n,
    }[op]
