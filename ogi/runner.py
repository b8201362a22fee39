"""Run a project: compile, validate, then seed / run / test / build against an atomically
published DuckDB warehouse, and record dbt-shaped results.

    session = Session(Path("."), warehouse="warehouse.duckdb", raw="data/raw")
    report = session.execute("build", select=["+fct_x"])
    report.success, report.results
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ogi import artifacts
from ogi.compiler import Compiler
from ogi.errors import OgiError, ValidationError
from ogi.graph import Graph
from ogi.manifest import Manifest, load_manifest
from ogi.nodes import Node
from ogi.parsecache import manifest_key

COMMAND_TYPES: dict[str, tuple[str, ...]] = {
    "build": ("seed", "model", "test"),
    "run": ("model",),
    "seed": ("seed",),
    "test": ("test",),
    "compile": ("model", "test"),
}


@dataclass
class NodeResult:
    unique_id: str
    name: str
    resource_type: str
    status: str  # success | error | skipped | pass | fail | warn
    message: str = ""
    execution_time: float = 0.0
    failures: int | None = None
    started_at: str = ""
    completed_at: str = ""
    relation: str = ""
    location: str = ""
    thread_id: str = "Thread-1"

    @property
    def failed(self) -> bool:
        return self.status in ("error", "fail")


@dataclass
class RunReport:
    command: str
    warehouse: Path
    select: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    full_refresh: bool = False
    results: list[NodeResult] = field(default_factory=list)
    elapsed: float = 0.0
    published: bool = False
    error: str | None = None  # a whole-run error (compilation, validation, lock)

    @property
    def success(self) -> bool:
        return self.error is None and not any(r.failed for r in self.results)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def failures(self) -> list[NodeResult]:
        return [r for r in self.results if r.failed]


SHORT_NODE = 0.5  # seconds: a node (or batch of tests) whose last run took less shares DuckDB's threads


def _thread_id() -> str:
    """The worker's name as run_results.json records it: Thread-1 on the calling thread, Thread-2… for
    the node threads (ThreadPoolExecutor names them ogi-node_0, ogi-node_1, …)."""
    name = threading.current_thread().name
    prefix = "ogi-node_"
    return f"Thread-{int(name[len(prefix):]) + 2}" if name.startswith(prefix) else "Thread-1"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Session:
    """A loaded project plus where it builds: the library entry point behind every command."""

    def __init__(
        self,
        project_dir: Path | str | None = None,
        *,
        target: str | None = None,
        vars: dict[str, Any] | None = None,
        warehouse: str | Path | None = None,
        raw: str | Path | None = None,
        partial_parse: bool = True,
    ) -> None:
        """`partial_parse`: load the parsed project from target/ when nothing it was made from changed
        (ogi.parsecache; dbt's --no-partial-parse turns it off)."""
        from ogi.project import find_project_root

        if raw is not None:
            os.environ["OGI_RAW"] = str(raw)
        if warehouse is not None:
            os.environ["OGI_WAREHOUSE"] = str(warehouse)
        self.root = find_project_root(Path(project_dir) if project_dir else None)
        self.manifest: Manifest = load_manifest(self.root, target, vars, partial_parse)
        self.graph = Graph(self.manifest)
        self.warehouse = Path(warehouse) if warehouse is not None else Path(self.manifest.target.path)
        self.validator: Any = None  # ogi.validate.Validator after a validated compile
        self.threads = self.manifest.target.threads  # nodes run at once (profiles.yml `threads`, --threads)
        self._artifacts: _Background | None = None  # target/ files being written while a build runs
        self._compiles = 0

    def output_columns(self, node: Node) -> list[str]:
        """A model's or seed's columns as sqlglot sees them (after compile); [] when unknown."""
        if self.validator is None:
            return []
        if node.materialized == "ephemeral":
            return list(self.validator.ephemeral_columns.get(node.unique_id, []))
        rel = node.relation()
        return list(self.validator.schema.get(str(rel.schema), {}).get(rel.identifier, {}))

    # -- compile ---------------------------------------------------------------------------

    def existing_relations(self) -> dict[str, str]:
        """Relations in the current warehouse (read-only peek; empty when there is none)."""
        if not self.warehouse.exists():
            return {}
        from ogi.engine import duckdb_module
        from ogi.materialize import existing_relations

        duckdb = duckdb_module()

        try:
            con = duckdb.connect(str(self.warehouse), read_only=True)
        except duckdb.Error:
            return {}
        try:
            return existing_relations(con)
        finally:
            con.close()

    def compile(
        self,
        select: list[str] | None = None,
        exclude: list[str] | None = None,
        *,
        command: str = "compile",
        existing: dict[str, str] | None = None,
        full_refresh: bool = False,
        validate: bool = True,
        quiet: bool = False,
        background: bool = False,
    ) -> list[Node]:
        """Compile (and sqlglot-validate) the selected nodes; write target/compiled and manifest.json
        (`background`: on a thread of their own, while the nodes run; see `_artifacts`)."""
        selected = self.graph.select(select, exclude, COMMAND_TYPES[command])
        order = self.graph.order(selected, with_test_edges=command == "build")
        if existing is None:
            existing = self.existing_relations()
        compiler = Compiler(self.manifest, existing, full_refresh)
        every = self.graph.order(self.graph.select(None, None, ("seed", "model", "test")), ephemeral=True)
        compiler.compile_all(order)
        if validate and os.environ.get("OGI_SKIP_VALIDATION") != "1":
            compiler.compile_all([u for u in every if self.manifest.nodes[u].resource_type == "model"])
            self._validate(every, set(order), compiler.prefix_lines)
        nodes = [self.manifest.nodes[u] for u in order]
        self._compiles += 1  # manifest.json's text is kept only for a Session's first compile
        kept_as = manifest_key(compiler.compile_key(), self.manifest.nodes) if self._compiles == 1 else None
        if background:
            self._artifacts = _Background(self._write_artifacts, nodes, quiet, kept_as)
        else:
            self._write_artifacts(nodes, quiet, kept_as)
        return nodes

    def _write_artifacts(self, nodes: list[Node], quiet: bool, kept_as: str | None = None) -> None:
        if self.manifest._templates is not None:
            self.manifest._templates.code_cache.save()
        if not quiet:
            artifacts.write_compiled(self.manifest, nodes)
            artifacts.write_manifest(self.manifest, kept_as)
        if self.manifest.parse_cache is not None:
            self.manifest.parse_cache.save(self.manifest)

    def _check_source_files(self, nodes: list[Node]) -> None:
        """Every external source a selected model reads must have files (a clear error, before any SQL)."""
        from ogi.validate import missing_files

        needed: dict[str, set[str]] = {}
        for node in nodes:
            for source in self.manifest.sources_read_by(node):
                needed.setdefault(source.unique_id, set()).add(node.name)
        for uid, users in sorted(needed.items()):
            source = self.manifest.sources[uid]
            pattern = missing_files(source)
            if pattern:
                raise OgiError(
                    f"source {source.source_name}.{source.name}: no files match {pattern} (read by "
                    f"{', '.join(sorted(users))}); run `ogi ingest` into that folder or point --raw / $OGI_RAW at it",
                    source.original_file_path, source.yaml_line,
                )

    def _validate(self, every: list[str], selected: set[str], prefix_lines: dict[str, int]) -> None:
        from ogi.validate import Validator

        validator = Validator(self.manifest, prefix_lines)
        self.validator = validator
        cache = self.manifest.project.target_dir / "ogi_validation.json"
        validator.load_cache(cache)
        for uid in every:
            node = self.manifest.nodes[uid]
            if node.resource_type == "test" and uid not in selected:
                continue
            try:
                validator.check(node)
            except ValidationError:
                if uid in selected:
                    raise
        validator.save_cache(cache)

    # -- execute ---------------------------------------------------------------------------

    def execute(
        self,
        command: str,
        select: list[str] | None = None,
        exclude: list[str] | None = None,
        *,
        full_refresh: bool = False,
        fail_fast: bool = False,
        on_result: Callable[[NodeResult, int, int], None] | None = None,
    ) -> RunReport:
        """seed | run | test | build. Never raises for a node failure: read the report."""
        report = RunReport(command, self.warehouse, list(select or []), list(exclude or []), full_refresh)
        started = time.perf_counter()
        try:
            if command == "test":
                self._run_tests_read_only(report, select, exclude, fail_fast, on_result)
            else:
                self._run_and_publish(report, command, select, exclude, full_refresh, fail_fast, on_result)
        except OgiError as exc:
            report.error = str(exc)
        except OSError as exc:  # full disk, read-only folder, …: the last good warehouse is untouched
            where = exc.filename or self.warehouse
            report.error = (f"cannot write {where}: {exc.strerror or exc}; {self.warehouse} is unchanged "
                            f"(free some space, or build with --warehouse in a writable folder)")
        report.elapsed = time.perf_counter() - started
        artifacts.write_run_results(self.manifest, report)
        return report

    def _run_and_publish(
        self, report: RunReport, command: str, select: list[str] | None, exclude: list[str] | None,
        full_refresh: bool, fail_fast: bool, on_result: Callable[[NodeResult, int, int], None] | None,
    ) -> None:

        from ogi.materialize import Materializer, existing_relations, seed_fingerprints
        from ogi.warehouse import Publication, connect

        seeds = [self.manifest.nodes[uid] for uid in self.graph.select(select, exclude, ("seed",))
                 ] if "seed" in COMMAND_TYPES[command] else []
        with Publication(self.warehouse) as publication:
            # DuckDB opens the file without holding the GIL: a new working copy (it holds nothing, so
            # compiling does not need it) is opened while the project compiles; the seeds' bytes are
            # hashed meanwhile too (hashlib does not hold the GIL either), and a seed asks for its
            # fingerprint only once it needs it (a new file's seeds: after they are loaded)
            opening = _Background(lambda: connect(publication.path, working_copy=True), name="ogi-open")
            hashing = _Background(seed_fingerprints, seeds, name="ogi-hash")
            con: Any = None
            try:
                if publication.copied:
                    con = opening.join()
                    existing = existing_relations(con)
                else:
                    existing = {}
                nodes = self.compile(select, exclude, command=command, existing=existing,
                                     full_refresh=full_refresh, background=True)
                self._check_source_files(nodes)
                if con is None:
                    con = opening.join()
                from ogi.reuse import Fingerprints

                materializer = Materializer(con, full_refresh, relations=existing,
                                            fingerprints=Fingerprints(self.manifest),
                                            states=None if publication.copied else {},
                                            seed_fingerprints=hashing.join)
                materializer.ensure_schemas(nodes)
                compiler = Compiler(self.manifest, existing, full_refresh)
                self._run_nodes(report, nodes, materializer, compiler, fail_fast, on_result,
                                with_test_edges=command == "build", working_copy=publication.path)
                if report.success:
                    materializer.write_states()
                    con.execute("checkpoint")
                    publication.sync_early()  # the file is complete: its sync overlaps closing the connection
            finally:
                if con is None:  # compiling failed while the working copy was being opened
                    con = opening.join(raise_error=False)
                if con is not None:
                    con.close()
                hashing.join(raise_error=False)
                written, self._artifacts = self._artifacts, None
                if written is not None:  # raises what writing target/ raised (then nothing is published)
                    written.join(raise_error=sys.exc_info()[0] is None)
            if report.success:
                publication.publish()
                report.published = True

    def _run_tests_read_only(
        self, report: RunReport, select: list[str] | None, exclude: list[str] | None, fail_fast: bool,
        on_result: Callable[[NodeResult, int, int], None] | None,
    ) -> None:

        from ogi.materialize import Materializer
        from ogi.warehouse import connect

        if not self.warehouse.exists():
            raise OgiError(f"{self.warehouse} does not exist yet; run `ogi build` first")
        con = connect(self.warehouse, read_only=True)
        try:
            from ogi.materialize import existing_relations

            existing = existing_relations(con)
            nodes = self.compile(select, exclude, command="test", existing=existing)
            materializer = Materializer(con, read_only=True, relations=existing)
            self._run_nodes(report, nodes, materializer, Compiler(self.manifest, existing), fail_fast, on_result,
                            with_test_edges=False)
        finally:
            con.close()

    def _run_nodes(
        self, report: RunReport, nodes: list[Node], materializer: Any, compiler: Compiler, fail_fast: bool,
        on_result: Callable[[NodeResult, int, int], None] | None, with_test_edges: bool,
        working_copy: Path | None = None,
    ) -> None:
        """Every node in dependency order; what depends on a failure is skipped. Results are reported
        in `nodes`' order whatever ran at the same time.

        With the profile's `threads` (or --threads) above 1 (and without --fail-fast), that many nodes
        run at once, each on its own cursor. A node starts once everything it waits for is done: what
        it reads and, in a build, the data tests on what it reads, so a model a failing test skips is
        never run (it might be costly or fail on the data the test rejected), as one thread does.

        `working_copy`: the file being built; with threads, a node's thread checkpoints it after the
        node when its write-ahead log has grown (ogi.warehouse.fold_wal_early), overlapping with the
        other threads' nodes what the build's last checkpoint would do alone.

        With threads, DuckDB's own worker threads are sized to the nodes running at once
        (ogi.warehouse.EngineThreads), so the threads at work do not outnumber DuckDB's thread count."""

        from ogi.schedule import run_graph
        from ogi.warehouse import EngineThreads, fold_wal_early

        order = [node.unique_id for node in nodes]
        position = {uid: i for i, uid in enumerate(order)}
        by_id = {node.unique_id: node for node in nodes}
        blockers = self._blockers(nodes) if with_test_edges else {}
        reads = {uid: set(self.graph.effective_parents(uid)) for uid in by_id}
        waits_for = {uid: reads[uid] | set(blockers.get(uid, [])) for uid in by_id}
        total = len(nodes)
        threads = 1 if fail_fast else max(1, self.threads)
        failed_now: set[str] = set()  # failed (or not run) so far: what reads them cannot run
        blocked: dict[str, str] = {}  # in reporting order: uid → the failed node upstream that skips it
        culprits: dict[str, str] = {}

        def skipped(node: Node, culprit: str) -> NodeResult:
            culprits[node.unique_id] = culprit
            stamp = _stamp()
            return NodeResult(node.unique_id, node.name, node.resource_type, "skipped",
                              f"skipped because '{culprit}' failed upstream", location=node.location,
                              relation=_relation_text(node), started_at=stamp, completed_at=stamp)

        def decide(uid: str) -> NodeResult | None:
            if fail_fast and report.failures():
                return skipped(by_id[uid], report.failures()[0].name)
            if threads == 1:
                return upstream_failure(uid)
            if any(p in failed_now for p in waits_for[uid]):
                return skipped(by_id[uid], "?")  # the culprit is settled when it is reported
            return None

        def upstream_failure(uid: str) -> NodeResult | None:
            upstream = sorted((p for p in waits_for[uid] if p in blocked), key=position.__getitem__)
            return skipped(by_id[uid], blocked[upstream[0]]) if upstream else None

        def work(uids: list[str]) -> list[NodeResult]:
            bound = materializer.for_thread() if threads > 1 else materializer
            started, t0 = _stamp(), time.perf_counter()
            thread = _thread_id()
            results = [NodeResult(uid, by_id[uid].name, by_id[uid].resource_type, "success",
                                  location=by_id[uid].location, relation=_relation_text(by_id[uid]),
                                  started_at=started, thread_id=thread) for uid in uids]
            if len(uids) == 1:
                outcomes: list[Any] = [self._attempt(by_id[uids[0]], bound, compiler)]
            else:  # data tests run together (Materializer.tests): each its share of the time
                outcomes = bound.tests([by_id[uid] for uid in uids])
            elapsed, completed = (time.perf_counter() - t0) / len(uids), _stamp()
            if working_copy is not None and threads > 1:  # not timed as the node's
                fold_wal_early(bound.con, working_copy)
            for result, outcome in zip(results, outcomes, strict=True):
                if isinstance(outcome, BaseException):
                    result.status, result.message = "error", _first_line(str(outcome))
                else:
                    result.status, result.message, result.failures = outcome.status, outcome.message, outcome.failures
                result.execution_time, result.completed_at = elapsed, completed
            return results

        def finished(uid: str, result: NodeResult) -> None:
            if result.failed or result.status == "skipped":
                failed_now.add(uid)

        def emit(uid: str, result: NodeResult) -> None:
            if threads > 1 or result.status == "skipped":
                result = upstream_failure(uid) or result
            if result.status == "skipped":
                blocked[uid] = culprits[uid]
            elif result.failed:
                blocked[uid] = by_id[uid].name
            report.results.append(result)
            if on_result is not None:
                on_result(result, len(report.results), total)

        # what reads a node waits for it, and in a build a model also waits for the tests on what it reads
        deps = waits_for
        rank = self._priorities(order, waits_for) if threads > 1 else {}
        tests = [uid for uid in order if by_id[uid].resource_type == "test"] if not fail_fast else []
        engine = EngineThreads(materializer.con) if threads > 1 and not materializer.read_only else None
        last = artifacts.last_execution_times(self.manifest, same_inputs=nodes) if engine is not None else {}

        def share(batches: list[list[str]]) -> None:
            """DuckDB's threads shared with the nodes running, when each of them took little time in the
            last run on the same inputs; a node that took long (or is new, or the data changed) keeps
            every thread, since a long query's parallelism is decided when it starts (EngineThreads)."""
            assert engine is not None
            short = all(sum(last.get(uid, SHORT_NODE) for uid in batch) < SHORT_NODE for batch in batches)
            engine.share(len(batches) if short else 1)

        try:
            run_graph(order, deps, threads, decide, work, finished, emit, rank, tests, max_batch=8,
                      interrupt=materializer.interrupt, on_running=share if engine is not None else None)
        finally:
            materializer.close_cursors()
            if engine is not None:
                engine.restore()

    def _priorities(self, order: list[str], waits_for: dict[str, set[str]]) -> dict[str, int]:
        """Which ready node to start first when nodes run at once: the one with the longest chain of
        work still waiting on it (its own time plus its slowest waiter's chain, in the times of the
        last run in target/run_results.json, 1 ms where unknown), so a data test that models wait for
        goes before one nothing waits for. A hint for the order of work only: results do not depend on it."""
        seconds = artifacts.last_execution_times(self.manifest)
        waiters: dict[str, list[str]] = {uid: [] for uid in order}
        for uid in order:
            for parent in waits_for[uid]:
                if parent in waiters:
                    waiters[parent].append(uid)
        chain: dict[str, float] = {}
        for uid in reversed(order):  # `order` runs every node after what it waits for
            chain[uid] = seconds.get(uid, 0.001) + max((chain[w] for w in waiters[uid]), default=0.0)
        return {uid: -round(chain[uid] * 1e6) for uid in order}

    def _blockers(self, nodes: list[Node]) -> dict[str, list[str]]:
        """In build: a model also waits for the tests on its parents (a failing test skips it)."""
        chosen = {n.unique_id for n in nodes}
        out: dict[str, list[str]] = {}
        for node in nodes:
            if node.resource_type != "test":
                continue
            parents = set(node.depends_on)
            for parent in parents:
                for child in self.graph.effective_children(parent):
                    if child in chosen and self.graph.nodes[child].resource_type != "test":
                        if parents <= self.graph.ancestors(child):
                            out.setdefault(child, []).append(node.unique_id)
        return out

    def _attempt(self, node: Node, materializer: Any, compiler: Compiler) -> Any:
        """_run_one's outcome, or the DuckDB or ogi error it raised."""
        from ogi.engine import duckdb_module

        duckdb = duckdb_module()

        try:
            return self._run_one(node, materializer, compiler)
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None  # Ctrl-C (or the other thread's stop): the build ends here
        except (duckdb.Error, OgiError) as exc:
            return exc

    def _run_one(self, node: Node, materializer: Any, compiler: Compiler) -> Any:
        """One node in a transaction of its own (a test only reads)."""
        if node.resource_type == "test":
            return materializer.test(node)
        materializer.begin()
        try:
            if node.resource_type == "seed":
                outcome = materializer.seed(node)
            else:
                rel = node.relation()
                exists = f"{rel.schema}.{rel.identifier}".lower() in materializer.relations
                incremental = node.materialized == "incremental" and exists and compiler.is_incremental(node)
                outcome = materializer.model(node, incremental=incremental)
            # a reused relation keeps its comments (its fingerprint covers the descriptions)
            if (node.config.get("persist_docs", {"relation": True, "columns": True})
                    and outcome.message != materializer.REUSED):
                materializer.persist_docs(node, fresh=outcome.fresh)
            materializer.commit()
        except BaseException:
            materializer.rollback()
            raise
        return outcome


class _Background:
    """A function run on a thread of its own; join() waits for it and returns what it returned (or
    raises what it raised)."""

    def __init__(self, function: Callable[..., Any], *args: Any, name: str = "ogi-artifacts") -> None:
        self._error: BaseException | None = None
        self._value: Any = None

        def run() -> None:
            try:
                self._value = function(*args)
            except BaseException as exc:  # noqa: BLE001 — handed to join()
                self._error = exc

        self._thread = threading.Thread(target=run, name=name, daemon=True)
        self._thread.start()

    def join(self, raise_error: bool = True) -> Any:
        self._thread.join()
        if self._error is not None and raise_error:
            raise self._error
        return self._value


def _relation_text(node: Node) -> str:
    if node.resource_type in ("test",) or node.materialized == "ephemeral":
        return ""
    rel = node.relation()
    return f"{rel.schema}.{rel.identifier}"


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines[:3]) if lines else text
