"""Nodes run at once (profiles.yml `threads`, --threads): the same warehouse, the same results in the
same order, the same skips after a failure as a one-at-a-time build; and the scheduler underneath."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest

from ogi.schedule import run_graph
from tests.runner_support import file_digest, ogi, query, shop_env  # noqa: F401 - shop_env: the `shop` fixture


def build(shop: dict[str, Path], threads: int, *extra: str) -> tuple[int, list[str], list[tuple[str, str, str]]]:
    """Exit code, the node lines (timings removed) and run_results' (id, status, message)."""
    result = ogi("build", "--project-dir", str(shop["project"]), "--warehouse", str(shop["warehouse"]),
                 "--threads", str(threads), *extra)
    lines = [re.sub(r" in \d+\.\d+s\]", "]", line) for line in result.output.splitlines()
             if " of " in line or line.startswith("       ")]
    results = json.loads((shop["project"] / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    return result.exit_code, lines, [(r["unique_id"], r["status"], r["message"] or "") for r in results]


def contents(warehouse: Path) -> dict[str, object]:
    tables = [name for (name,) in query(warehouse, "select table_name from information_schema.tables order by 1")]
    out: dict[str, object] = {t: query(warehouse, f'select * from "{t}" order by all') for t in tables}
    out["_comments"] = query(warehouse, "select table_name, column_name, comment from duckdb_columns() "
                                        "where comment is not null order by all")
    out["_relation_comments"] = query(warehouse, "select table_name, comment from duckdb_tables() "
                                                 "union all select view_name, comment from duckdb_views() "
                                                 "where not internal order by all")
    return out


def test_two_threads_build_what_one_builds(shop: dict[str, Path]) -> None:
    code1, lines1, results1 = build(shop, 1, "--full-refresh")
    assert code1 == 0, lines1
    one = contents(shop["warehouse"])
    shop["warehouse"].unlink()
    code2, lines2, results2 = build(shop, 2)
    assert code2 == 0, lines2
    assert contents(shop["warehouse"]) == one
    assert one["_comments"]  # descriptions were written as comments
    assert lines2 == lines1 and results2 == results1  # reported in the same order, same statuses


def test_two_threads_rebuild_reuses_like_one(shop: dict[str, Path]) -> None:
    assert build(shop, 2)[0] == 0
    code, _, results = build(shop, 2)
    assert code == 0
    assert any(message.startswith("reused") for _, _, message in results)


def edit(shop: dict[str, Path], rel: str, old: str, new: str) -> None:
    path = shop["project"] / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(("rel", "old", "new"), [
    # a failing data test: the models reading what it tests are skipped
    ("models/staging/_staging__models.yml", "values: [placed, shipped, returned]", "values: [placed, shipped]"),
    # a failing model: what reads it is skipped
    ("models/marts/fct_orders.sql", "enriched.amount,", "enriched.amount, cast('x' || enriched.status as int) as boom,"),
], ids=["failing-test", "failing-model"])
def test_failures_skip_the_same_nodes_with_two_threads(shop: dict[str, Path], rel: str, old: str, new: str) -> None:
    assert build(shop, 1)[0] == 0
    before = file_digest(shop["warehouse"])
    edit(shop, rel, old, new)
    code1, lines1, results1 = build(shop, 1)
    code2, lines2, results2 = build(shop, 2)
    assert code1 == code2 == 1
    assert any(status == "skipped" for _, status, _ in results1)
    assert (lines2, results2) == (lines1, results1)
    assert file_digest(shop["warehouse"]) == before
    assert not list(shop["warehouse"].parent.glob("shop.duckdb.tmp-*"))


def test_a_model_a_failing_test_skips_is_never_run_with_two_threads(shop: dict[str, Path],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipped means not run: a model waits for the tests on what it reads, so it never spends time
    (or fails, or fills the disk) on data a test has rejected."""
    from ogi.materialize import Materializer

    edit(shop, "models/staging/_staging__models.yml", "values: [placed, shipped, returned]", "values: [placed, shipped]")
    ran: list[str] = []
    model = Materializer.model

    def spy(self: Materializer, node: object, incremental: bool) -> object:
        ran.append(node.unique_id)  # type: ignore[attr-defined]
        return model(self, node, incremental)  # type: ignore[arg-type]

    monkeypatch.setattr(Materializer, "model", spy)
    code, _, results = build(shop, 2, "--full-refresh")
    skipped = {uid for uid, status, _ in results if status == "skipped" and uid.startswith("model.")}
    assert code == 1 and skipped
    assert not skipped & set(ran), sorted(skipped & set(ran))


def test_threads_option_must_be_positive(shop: dict[str, Path]) -> None:
    result = ogi("build", "--project-dir", str(shop["project"]), "--warehouse", str(shop["warehouse"]), "--threads", "0")
    assert result.exit_code == 2 and "--threads" in result.output


# ---------------------------------------------------------------- the scheduler


GRAPH = {"a": set(), "b": set(), "c": {"a"}, "d": {"a", "b"}, "e": {"c", "d"}, "f": {"b"}, "g": set()}
ORDER = ["a", "b", "c", "d", "f", "g", "e"]


def _run(threads: int, fail: set[str] = frozenset(), rank: dict[str, int] | None = None,
         batchable: set[str] = frozenset(), max_batch: int = 1) -> dict[str, object]:
    lock = threading.Lock()
    state: dict[str, object] = {"running": 0, "most": 0, "started": [], "done": set(), "emitted": [],
                                "finished": [], "batches": []}

    def decide(uid: str) -> str | None:
        assert threading.current_thread() is threading.main_thread()
        return "skipped" if GRAPH[uid] & {u for u, r in state["finished"] if r != "ok"} else None

    def work(uids: list[str]) -> list[str]:
        with lock:
            for uid in uids:
                assert GRAPH[uid] <= state["done"], uid  # every dependency finished before it started
            state["running"] += 1
            state["most"] = max(state["most"], state["running"])
            state["started"].extend(uids)
            state["batches"].append(list(uids))
        time.sleep(0.02)
        with lock:
            state["running"] -= 1
            state["done"].update(uids)
        return ["error" if uid in fail else "ok" for uid in uids]

    def finished(uid: str, result: str) -> None:
        state["finished"].append((uid, result))
        state["done"].add(uid)

    run_graph(ORDER, GRAPH, threads, decide, work, finished, lambda uid, r: state["emitted"].append((uid, r)), rank,
              batchable, max_batch)
    return state


def test_run_graph_one_thread_runs_in_order() -> None:
    state = _run(1)
    assert state["started"] == ORDER and state["most"] == 1
    assert state["emitted"] == [(u, "ok") for u in ORDER]


def test_run_graph_threads_respect_dependencies_and_report_in_order() -> None:
    state = _run(3)
    assert state["most"] > 1 and state["most"] <= 3
    assert [u for u, _ in state["emitted"]] == ORDER
    assert sorted(state["started"]) == sorted(ORDER)


def test_run_graph_skips_what_reads_a_failure() -> None:
    state = _run(2, fail={"a"})
    emitted = dict(state["emitted"])
    assert emitted["a"] == "error" and emitted["c"] == "skipped" and emitted["d"] == "skipped"
    assert emitted["e"] == "skipped" and emitted["b"] == emitted["f"] == emitted["g"] == "ok"
    assert "c" not in state["started"] and "e" not in state["started"]


def test_run_graph_rank_starts_low_ranks_first() -> None:
    state = _run(2, rank={"b": 1, "f": 1})  # ready at the start: a, b, g; b waits for a free thread
    assert set(state["started"][:2]) == {"a", "g"}


def test_run_graph_batches_consecutive_batchable_nodes_when_one_thread() -> None:
    state = _run(1, batchable={"f", "g"}, max_batch=4)  # f and g are next to each other in ORDER
    assert state["batches"] == [["a"], ["b"], ["c"], ["d"], ["f", "g"], ["e"]]
    assert [u for u, _ in state["emitted"]] == ORDER


def test_run_graph_batches_only_batchable_nodes_with_threads() -> None:
    state = _run(2, batchable={"c", "f", "g"}, max_batch=4, fail={"c"})
    assert all(len(b) == 1 or set(b) <= {"c", "f", "g"} for b in state["batches"])
    assert [u for u, _ in state["emitted"]] == ORDER
    assert dict(state["emitted"])["e"] == "skipped"  # c failed, in a batch or not


def test_run_graph_batch_size_is_capped() -> None:
    state = _run(1, batchable={"f", "g"}, max_batch=1)
    assert all(len(b) == 1 for b in state["batches"])


def test_a_test_that_errors_among_tests_run_together_gets_its_own_error(shop: dict[str, Path]) -> None:
    """Tests ready together run in one statement; when one of them errors, each runs on its own: the
    others keep the status a clean build gives them (or are skipped behind the error)."""
    assert build(shop, 1)[0] == 0
    clean = {uid: s for uid, s, _ in build(shop, 1)[2] if uid.startswith("test.")}
    (shop["project"] / "tests" / "data" / "assert_status_is_a_number.sql").write_text(
        "select order_id from {{ ref('fct_orders') }} where cast('x' || order_id as int) < 0\n", encoding="utf-8")
    runs = [build(shop, threads) for threads in (1, 2)]
    assert runs[0][1:] == runs[1][1:]
    code, _, results = runs[1]
    assert code == 1
    status = {uid: (s, m) for uid, s, m in results if uid.startswith("test.")}
    boom = next(uid for uid in status if "assert_status_is_a_number" in uid)
    assert status[boom][0] == "error" and "Conversion Error" in status[boom][1]
    assert all(status[uid][0] in (s, "skipped") for uid, s in clean.items())
    assert sum(status[uid][0] == "pass" for uid in clean) > 3


def test_run_graph_tells_how_many_nodes_are_under_way() -> None:
    """on_running(batches) is called on the calling thread once the nodes it started are under way,
    with the nodes of the work() calls running then (what DuckDB's threads are sized to)."""
    lock = threading.Lock()
    seen: list[tuple[int, int]] = []
    running = {"now": 0}

    def work(uids: list[str]) -> list[str]:
        with lock:
            running["now"] += 1
        time.sleep(0.02)
        with lock:
            running["now"] -= 1
        return ["ok" for _ in uids]

    def on_running(batches: list[list[str]]) -> None:
        assert threading.current_thread() is threading.main_thread()
        assert all(uid in ORDER for batch in batches for uid in batch)
        with lock:
            seen.append((len(batches), running["now"]))

    run_graph(ORDER, GRAPH, 2, lambda uid: None, work, lambda uid, r: None, lambda uid, r: None,
              on_running=on_running)
    assert {n for n, _ in seen} == {1, 2}  # a, b and g start two at a time; e runs alone at the end
    assert all(1 <= n <= 2 and now <= n for n, now in seen)  # never more than submitted (some may have ended)


class _Counting:
    """A DuckDB connection that records the SET statements it executes."""

    def __init__(self) -> None:
        import duckdb

        self.con = duckdb.connect(config={"threads": "4"})
        self.sets: list[str] = []

    def execute(self, sql: str) -> object:
        if sql.startswith("set "):
            self.sets.append(sql)
        return self.con.execute(sql)

    def threads(self) -> int:
        return int(self.con.execute("select current_setting('threads')").fetchone()[0])


def test_engine_threads_leave_room_for_the_nodes_running_at_once() -> None:
    from ogi.warehouse import EngineThreads

    con = _Counting()
    engine = EngineThreads(con)
    assert engine.configured == 4

    def share(running: int) -> int:
        engine.share(running)
        engine.wait()
        return con.threads()

    assert share(1) == 4 and con.sets == []  # one node: every thread, nothing to change
    assert share(2) == 3
    assert share(2) == 3
    assert share(3) == 2
    assert share(9) == 1  # never below one
    assert share(1) == 4
    engine.share(2)
    engine.restore()
    assert con.threads() == 4
    assert con.sets[:5] == ["set threads = 3", "set threads = 2", "set threads = 1", "set threads = 4",
                            "set threads = 3"]  # only when the count changes
    assert con.sets[5:] in ([], ["set threads = 4"])  # the last 3 was applied, or superseded by the restore
    engine.restore()
    assert len(con.sets) <= 6


def test_a_two_thread_build_shares_duckdb_threads_among_short_nodes_only(shop: dict[str, Path],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Nodes without a last run time (a first build) keep every DuckDB thread; once run_results.json
    says they are short, the nodes running at once share them; the configured count is back for the
    build's last checkpoint."""
    from ogi import warehouse

    asked: list[int] = []
    restored: list[int] = []
    share, restore = warehouse.EngineThreads.share, warehouse.EngineThreads.restore

    def spy_share(self: warehouse.EngineThreads, running: int) -> None:
        asked.append(running)
        share(self, running)

    def spy_restore(self: warehouse.EngineThreads) -> None:
        restore(self)
        restored.append(int(self.con.execute("select current_setting('threads')").fetchone()[0]))

    monkeypatch.setattr(warehouse.EngineThreads, "share", spy_share)
    monkeypatch.setattr(warehouse.EngineThreads, "restore", spy_restore)
    (shop["project"] / "target" / "run_results.json").unlink(missing_ok=True)
    code, lines, _ = build(shop, 2)
    assert code == 0, lines
    assert asked and set(asked) == {1}  # no times known: nothing lowered
    asked.clear()
    shop["warehouse"].unlink()
    code, lines, _ = build(shop, 2)
    assert code == 0, lines
    assert 2 in asked  # the shop's nodes are short: two at once share DuckDB's threads
    assert len(restored) == 2 and restored[0] == restored[1] >= 1


def test_last_times_count_only_on_the_same_inputs(shop: dict[str, Path]) -> None:
    """The last run's times decide which nodes share DuckDB's threads only when they were taken on the
    data this run reads: not after a source file changed, nor when the sources read another folder."""
    import os

    from ogi import artifacts
    from ogi.runner import Session

    assert build(shop, 2)[0] == 0

    def times(raw: Path) -> dict[str, float]:
        session = Session(shop["project"], raw=raw, partial_parse=False)
        nodes = session.compile(command="build", quiet=True, validate=False)
        return artifacts.last_execution_times(session.manifest, same_inputs=nodes)

    assert times(shop["raw"])  # the same files as the last build
    files = [p for p in shop["raw"].rglob("*") if p.is_file()]
    assert files
    later = (shop["project"] / "target" / "run_results.json").stat().st_mtime + 5
    os.utime(files[0], (later, later))
    assert times(shop["raw"]) == {}  # new data since the times were taken
    moved = shop["raw"].parent / "raw_elsewhere"
    shop["raw"].rename(moved)
    for path in moved.rglob("*"):
        os.utime(path, (0, 0))
    assert times(moved) == {}  # another folder: the sources' compiled SQL differs
