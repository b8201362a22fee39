"""Run a graph of nodes on up to N threads, each node once its dependencies have finished, and hand
the results back in the given (topological) order, so what is printed and recorded reads the same
whatever ran at the same time.

    run_graph(order, deps, threads, decide, work, on_finished, on_emit, rank)

`decide(uid)` runs on the calling thread when a node's dependencies are done: it returns a result to
take without running the node (e.g. skipped after an upstream failure), or None to run it.
`work(uids)` computes nodes' results on a worker thread (a single one when threads <= 1), so the
calling thread, which waits, takes Ctrl-C at once: then `interrupt()` is called to stop the work
running, and KeyboardInterrupt goes up. One node per call, or several `batchable` ones ready
together (at most `max_batch`; e.g. data tests, run in one statement).
`on_finished(uid, result)` sees each result as soon as it is known (any order), before a node that
depends on it is decided; `on_emit(uid, result)` sees them in `order`. Both run on the calling thread.
`rank`: among nodes ready at the same time, lower ranks start first (then earlier in `order`).
`on_running(batches)`: with threads, called on the calling thread whenever the nodes started are under
way, with the node lists of the work() calls running at once (e.g. to size the engine's own threads).
With threads <= 1 every node runs in `order`, one at a time (or a run of consecutive batchable
nodes together).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

R = TypeVar("R")


def run_graph(
    order: list[str], deps: dict[str, set[str]], threads: int,
    decide: Callable[[str], R | None], work: Callable[[list[str]], list[R]],
    on_finished: Callable[[str, R], None], on_emit: Callable[[str, R], None],
    rank: dict[str, int] | None = None, batchable: Collection[str] = (), max_batch: int = 1,
    interrupt: Callable[[], None] | None = None, on_running: Callable[[list[list[str]]], None] | None = None,
) -> None:
    if threads <= 1:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ogi-one") as pool:
            def in_background(uids: list[str]) -> list[R]:
                # the calling thread waits, so Ctrl-C reaches it (and `interrupt`) while a query runs
                try:
                    return pool.submit(work, uids).result()
                except BaseException:
                    if interrupt is not None:
                        interrupt()
                    raise

            _sequential(order, decide, in_background, on_finished, on_emit, set(batchable), max_batch)
        return
    _Parallel(order, deps, threads, decide, work, on_finished, on_emit, rank or {}, set(batchable),
              max_batch, interrupt, on_running).run()


def _sequential(order: list[str], decide: Callable[[str], R | None], work: Callable[[list[str]], list[R]],
                on_finished: Callable[[str, R], None], on_emit: Callable[[str, R], None],
                batchable: set[str], max_batch: int) -> None:
    """In `order`, one at a time; a run of consecutive batchable nodes goes to work() together."""
    pending: list[str] = []  # batchable nodes decided to run, not run yet
    decided: dict[str, R] = {}

    def flush() -> None:
        ran = dict(zip(pending, work(pending), strict=True)) if pending else {}
        for uid in held:
            result = decided.pop(uid) if uid in decided else ran[uid]
            on_finished(uid, result)
            on_emit(uid, result)
        pending.clear()
        held.clear()

    held: list[str] = []  # the nodes of the current run, in order
    for uid in order:
        if uid not in batchable or len(held) >= max_batch:
            flush()
        result = decide(uid)
        if uid in batchable:
            held.append(uid)
            if result is None:
                pending.append(uid)
            else:
                decided[uid] = result
            continue
        if result is None:
            [result] = work([uid])
        on_finished(uid, result)
        on_emit(uid, result)
    flush()


class _Parallel(Generic[R]):
    def __init__(self, order: list[str], deps: dict[str, set[str]], threads: int,
                 decide: Callable[[str], R | None], work: Callable[[list[str]], list[R]],
                 on_finished: Callable[[str, R], None], on_emit: Callable[[str, R], None],
                 rank: dict[str, int], batchable: set[str], max_batch: int,
                 interrupt: Callable[[], None] | None = None,
                 on_running: Callable[[list[list[str]]], None] | None = None) -> None:
        self.batchable, self.max_batch = batchable, max_batch
        self.on_running = on_running
        self.interrupt = interrupt
        self.order = order
        self.index = {uid: i for i, uid in enumerate(order)}
        self.key = {uid: (rank.get(uid, 0), i) for i, uid in enumerate(order)}
        self.waiting = {uid: {d for d in deps.get(uid, ()) if d in self.index} for uid in order}
        self.children: dict[str, list[str]] = {uid: [] for uid in order}
        for uid, parents in self.waiting.items():
            for parent in parents:
                self.children[parent].append(uid)
        self.threads = threads
        self.decide, self.work = decide, work
        self.on_finished, self.on_emit = on_finished, on_emit
        self.ready: list[tuple[int, int]] = [self.key[u] for u in order if not self.waiting[u]]
        heapq.heapify(self.ready)
        self.results: dict[str, R] = {}
        self.emitted = 0

    def run(self) -> None:
        running: dict[Future[list[R]], list[str]] = {}
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="ogi-node") as pool:
            try:
                while len(self.results) < len(self.order):
                    while self.ready and len(running) < self.threads:
                        batch = self._next_batch(self.threads - len(running))
                        if batch:
                            running[pool.submit(self.work, batch)] = batch
                    if running and self.on_running is not None:
                        self.on_running(list(running.values()))
                    if not running:
                        if not self.ready and len(self.results) < len(self.order):
                            raise RuntimeError("run_graph: dependencies that never finish (a cycle?)")
                        continue
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: self.index[running[f][0]]):
                        batch = running.pop(future)
                        for uid, result in zip(batch, future.result(), strict=True):
                            self._finish(uid, result)
            except BaseException:  # Ctrl-C or an error: stop the running nodes' work, not wait it out
                if self.interrupt is not None:
                    self.interrupt()
                raise
            finally:
                for future in running:  # an exception above: let running nodes end before the pool closes
                    future.cancel()

    def _next_batch(self, free: int) -> list[str]:
        """The next ready node to run, with the batchable ones ready after it when it is batchable
        (as many as share the free threads evenly, at most max_batch); [] when it was decided."""
        uid = self.order[heapq.heappop(self.ready)[1]]
        result = self.decide(uid)
        if result is not None:
            self._finish(uid, result)
            return []
        batch = [uid]
        if uid in self.batchable:
            ready = sum(1 for _, i in self.ready if self.order[i] in self.batchable)
            size = min(self.max_batch, max(1, -(-(ready + 1) // free)))
            while len(batch) < size and self.ready and self.order[self.ready[0][1]] in self.batchable:
                more = self.order[heapq.heappop(self.ready)[1]]
                result = self.decide(more)
                if result is None:
                    batch.append(more)
                else:
                    self._finish(more, result)
        return batch

    def _finish(self, uid: str, result: R) -> None:
        self.results[uid] = result
        self.on_finished(uid, result)
        for child in self.children[uid]:
            waiting = self.waiting[child]
            waiting.discard(uid)
            if not waiting:
                heapq.heappush(self.ready, self.key[child])
        while self.emitted < len(self.order) and self.order[self.emitted] in self.results:
            done = self.order[self.emitted]
            self.emitted += 1
            self.on_emit(done, self.results[done])
