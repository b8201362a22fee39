"""Run a graph of nodes on up to N threads, each node once its dependencies have finished, and hand
the results back in the given (topological) order, so what is printed and recorded reads the same
whatever ran at the same time.

    run_graph(order, deps, threads, decide, work, on_finished, on_emit, rank)

`decide(uid)` runs on the calling thread when a node's dependencies are done: it returns a result to
take without running the node (e.g. skipped after an upstream failure), or None to run it.
`work(uid)` computes a node's result, on a worker thread when threads > 1.
`on_finished(uid, result)` sees each result as soon as it is known (any order), before a node that
depends on it is decided; `on_emit(uid, result)` sees them in `order`. Both run on the calling thread.
`rank`: among nodes ready at the same time, lower ranks start first (then earlier in `order`).
With threads <= 1 every node runs on the calling thread in `order`, one at a time.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

R = TypeVar("R")


def run_graph(
    order: list[str], deps: dict[str, set[str]], threads: int,
    decide: Callable[[str], R | None], work: Callable[[str], R],
    on_finished: Callable[[str, R], None], on_emit: Callable[[str, R], None],
    rank: dict[str, int] | None = None,
) -> None:
    if threads <= 1:
        for uid in order:
            result = decide(uid)
            if result is None:
                result = work(uid)
            on_finished(uid, result)
            on_emit(uid, result)
        return
    _Parallel(order, deps, threads, decide, work, on_finished, on_emit, rank or {}).run()


class _Parallel(Generic[R]):
    def __init__(self, order: list[str], deps: dict[str, set[str]], threads: int,
                 decide: Callable[[str], R | None], work: Callable[[str], R],
                 on_finished: Callable[[str, R], None], on_emit: Callable[[str, R], None],
                 rank: dict[str, int]) -> None:
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
        running: dict[Future[R], str] = {}
        with ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="ogi-node") as pool:
            try:
                while len(self.results) < len(self.order):
                    while self.ready and len(running) < self.threads:
                        uid = self.order[heapq.heappop(self.ready)[1]]
                        result = self.decide(uid)
                        if result is None:
                            running[pool.submit(self.work, uid)] = uid
                        else:
                            self._finish(uid, result)
                    if not running:
                        if not self.ready and len(self.results) < len(self.order):
                            raise RuntimeError("run_graph: dependencies that never finish (a cycle?)")
                        continue
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in sorted(done, key=lambda f: self.index[running[f]]):
                        self._finish(running.pop(future), future.result())
            finally:
                for future in running:  # an exception above: let running nodes end before the pool closes
                    future.cancel()

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
