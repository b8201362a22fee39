"""The node graph: ordering, cycle detection and dbt's selection syntax.

Selection: space-separated union, comma intersection; `+x` ancestors, `x+` descendants
(`2+x`, `x+1` limit depth), `@x`; methods `tag:`, `path:`, `source:`, `resource_type:`,
`config.<key>:`, `fqn:`, and plain names (model name, or a folder of the fqn), with `*` globs.
Tests are selected indirectly when one of their parents is (dbt's default "eager" mode).
"""

from __future__ import annotations

import fnmatch
import heapq
import re
from collections.abc import Iterable
from pathlib import PurePosixPath

from ogi.errors import CompilationError, GraphError
from ogi.manifest import Manifest, ref_line
from ogi.nodes import Node

_ATOM = re.compile(r"^(?P<at>@)?(?P<up>\d*\+)?(?P<body>.+?)(?P<down>\+\d*)?$")


class Graph:
    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.nodes = manifest.all_nodes()
        self.parents: dict[str, list[str]] = {uid: list(n.depends_on) for uid, n in self.nodes.items()}
        self.children: dict[str, list[str]] = {uid: [] for uid in self.nodes}
        for uid, parents in self.parents.items():
            for parent in parents:
                self.children[parent].append(uid)
        self.check_cycles()

    # -- structure -------------------------------------------------------------------------

    def check_cycles(self) -> None:
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(uid: str) -> None:
            state[uid] = 1
            stack.append(uid)
            for parent in self.parents[uid]:
                if state.get(parent) == 1:
                    cycle = stack[stack.index(parent):] + [parent]
                    self._raise_cycle(cycle)
                if parent not in state:
                    visit(parent)
            stack.pop()
            state[uid] = 2

        import sys

        sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
        for uid in sorted(self.nodes):
            if uid not in state:
                visit(uid)

    def _raise_cycle(self, cycle: list[str]) -> None:
        # cycle is [a, b, ..., a] following parent edges: a depends on b, ...
        names = [self.nodes[u].name for u in cycle]
        first, second = self.nodes[cycle[0]], self.nodes[cycle[1]]
        line = ref_line(first.raw_code, second.name) if first.raw_code else first.yaml_line
        chain = " -> ".join(reversed(names))
        raise GraphError(f"dependency cycle: {chain}", first.original_file_path, line)

    def effective_parents(self, uid: str) -> set[str]:
        """Parents, looking through ephemeral models (which never run on their own)."""
        out: set[str] = set()
        for parent in self.parents[uid]:
            node = self.nodes[parent]
            if node.resource_type == "model" and node.materialized == "ephemeral":
                out |= self.effective_parents(parent)
            else:
                out.add(parent)
        return out

    def effective_children(self, uid: str) -> set[str]:
        """Children, looking through ephemeral models."""
        out: set[str] = set()
        for child in self.children.get(uid, []):
            node = self.nodes[child]
            if node.resource_type == "model" and node.materialized == "ephemeral":
                out |= self.effective_children(child)
            else:
                out.add(child)
        return out

    def ancestors(self, uid: str, depth: int | None = None) -> set[str]:
        return self._walk(uid, self.parents, depth)

    def descendants(self, uid: str, depth: int | None = None) -> set[str]:
        return self._walk(uid, self.children, depth)

    @staticmethod
    def _walk(start: str, edges: dict[str, list[str]], depth: int | None) -> set[str]:
        seen: set[str] = set()
        frontier = [start]
        level = 0
        while frontier and (depth is None or level < depth):
            nxt = []
            for uid in frontier:
                for other in edges.get(uid, []):
                    if other not in seen:
                        seen.add(other)
                        nxt.append(other)
            frontier = nxt
            level += 1
        return seen

    def order(self, selected: Iterable[str], with_test_edges: bool = False, ephemeral: bool = False) -> list[str]:
        """Selected nodes in dependency order (sources excluded); in build mode a model's tests run
        before its children, so a failing test can stop them."""
        chosen = {uid for uid in selected if self.nodes[uid].resource_type != "source"
                  and (ephemeral or self.nodes[uid].materialized != "ephemeral")}
        extra: dict[str, set[str]] = {uid: set() for uid in chosen}
        if with_test_edges:
            for uid in chosen:
                node = self.nodes[uid]
                if node.resource_type != "test":
                    continue
                test_parents = set(self.parents[uid])
                for parent in test_parents:
                    for child in self.effective_children(parent):
                        if child in chosen and self.nodes[child].resource_type != "test" and child != uid:
                            if test_parents <= self.ancestors(child):
                                extra[child].add(uid)
        indegree: dict[str, int] = {}
        downstream: dict[str, list[str]] = {uid: [] for uid in chosen}
        for uid in chosen:
            parents = set(self.parents[uid]) if ephemeral else self.effective_parents(uid)
            ups = {p for p in parents if p in chosen} | extra[uid]
            indegree[uid] = len(ups)
            for up in ups:
                downstream[up].append(uid)
        rank = {"seed": 0, "test": 1, "model": 2}
        ready = [(rank[self.nodes[u].resource_type], u) for u, d in indegree.items() if d == 0]
        heapq.heapify(ready)
        out: list[str] = []
        while ready:
            _, uid = heapq.heappop(ready)
            out.append(uid)
            for nxt in downstream[uid]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    heapq.heappush(ready, (rank[self.nodes[nxt].resource_type], nxt))
        if len(out) != len(chosen):  # only possible through test edges; fall back to plain order
            return self.order(chosen, False, ephemeral) if with_test_edges else out
        return out

    # -- selection -------------------------------------------------------------------------

    def select(
        self,
        select: list[str] | None,
        exclude: list[str] | None = None,
        resource_types: tuple[str, ...] = ("model", "seed", "test"),
    ) -> list[str]:
        """Unique ids matching `select` (everything when empty) minus `exclude`, tests added eagerly."""
        everything = {u for u, n in self.nodes.items() if n.resource_type != "source"}
        if select:
            chosen = self._union(select)
            tests = {
                u for u in everything
                if self.nodes[u].resource_type == "test" and set(self.parents[u]) & chosen
            }
            chosen |= tests
        else:
            chosen = set(everything)
        if exclude:
            chosen -= self._union(exclude)
        return [u for u in chosen if self.nodes[u].resource_type in resource_types]

    def _union(self, specs: list[str]) -> set[str]:
        result: set[str] = set()
        for spec in specs:
            for token in spec.split():
                parts = [self._atom(p) for p in token.split(",") if p]
                if parts:
                    result |= set.intersection(*parts)
        return result

    def _atom(self, token: str) -> set[str]:
        match = _ATOM.match(token)
        if not match:
            raise CompilationError(f"cannot read selector '{token}'")
        body = match.group("body")
        base = self._method(body)
        if not base:
            raise CompilationError(f"selector '{token}' matches nothing")
        result = set(base)
        up, down = match.group("up"), match.group("down")
        for uid in base:
            if match.group("at"):
                for child in self.descendants(uid) | {uid}:
                    result |= {child} | self.ancestors(child)
            if up:
                result |= self.ancestors(uid, int(up[:-1]) if up[:-1] else None)
            if down:
                result |= self.descendants(uid, int(down[1:]) if down[1:] else None)
        return result

    def _method(self, body: str) -> set[str]:
        method, _, value = body.partition(":") if ":" in body else ("", "", body)
        nodes = self.nodes
        if method == "tag":
            return {u for u, n in nodes.items() if any(fnmatch.fnmatchcase(t, value) for t in n.tags)}
        if method == "path":
            want = PurePosixPath(value.rstrip("/"))
            return {
                u for u, n in nodes.items()
                if n.resource_type != "source"
                and (PurePosixPath(n.original_file_path) == want or want in PurePosixPath(n.original_file_path).parents
                     or fnmatch.fnmatchcase(n.original_file_path, value))
            }
        if method == "source":
            src, _, table = value.partition(".")
            return {
                u for u, n in nodes.items()
                if n.resource_type == "source" and fnmatch.fnmatchcase(n.source_name or "", src)
                and fnmatch.fnmatchcase(n.name, table or "*")
            }
        if method == "resource_type":
            return {u for u, n in nodes.items() if n.resource_type == value}
        if method.startswith("config."):
            key = method.split(".", 1)[1]
            return {u for u, n in nodes.items() if str(n.config.get(key)) == value
                    or (isinstance(n.config.get(key), list) and value in n.config[key])}
        if method in ("", "fqn"):
            return {u for u, n in nodes.items() if n.resource_type != "source" and self._fqn_match(n, value)}
        raise CompilationError(f"selector method '{method}:' is not supported")

    @staticmethod
    def _fqn_match(node: Node, value: str) -> bool:
        if fnmatch.fnmatchcase(node.name, value):
            return True
        parts = value.split(".")
        fqn = node.fqn
        for i in range(len(fqn) - len(parts) + 1):
            window = fqn[i:i + len(parts)]
            if all(fnmatch.fnmatchcase(a, b) for a, b in zip(window, parts, strict=True)) and (
                i + len(parts) <= len(fqn) - 1 or window[-1] == node.name
            ):
                return True
        return False

