"""Fingerprints of what a node's result is made from, so a rebuild can keep what would come out the same.

A model's table or view, or a data test's pass, depends only on its compiled SQL (and the docs and
settings it is written with) and on what it reads: seeds (their CSV bytes and load settings), other
models (their own fingerprints, as recorded in the warehouse file they are in), external sources
(their files' paths, sizes, modification times and inodes). When all of that is the same as when the
warehouse's relation was made, building it again gives the same result, so the runner keeps it.

Never reused (fingerprint None): incremental models (their state is the point), anything whose SQL
calls a volatile function (random, now, current_date…) or reads files other than through a declared
source, anything reading a source that is not a file pattern, and anything downstream of those.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from typing import Any

from ogi.manifest import Manifest
from ogi.nodes import Node

# Bump when what a fingerprint covers changes, so fingerprints written by an older ogi never match.
VERSION = "1"

_VOLATILE = re.compile(
    r"\b(?:random|uuid|gen_random_uuid|uuidv[47]|now|get_current_time|get_current_timestamp|today|"
    r"transaction_timestamp|nextval|currval|setseed|getenv|current_setting|read_\w+|glob|parquet_scan|"
    r"csv_scan|sniff_csv|parquet_metadata|parquet_schema|query|query_table)\s*\("
    r"|\b(?:current_date|current_time|current_timestamp|current_localtime|current_localtimestamp)\b"
    r"|\b(?:from|join)\s+'[^']*[./*\\]",  # a replacement scan: from 'data/x.parquet'
    re.I,
)
_LITERAL = re.compile(r"'((?:[^']|'')*)'")


def state_key(node: Node) -> str:
    """Where a node's fingerprint is recorded in the warehouse: its relation, or a test's id."""
    if node.resource_type == "test":
        return node.unique_id
    rel = node.relation()
    return f"{rel.schema}.{rel.identifier}".lower()


class Fingerprints:
    """`of(node, states)`: the fingerprint of `node` given `states`, the fingerprints recorded for the
    relations currently in the warehouse being built (None: never reuse this node)."""

    def __init__(self, manifest: Manifest) -> None:
        from ogi.engine import duckdb_module

        self.manifest = manifest
        self.engine = f"{VERSION}/{duckdb_module().__version__}"
        self._sources: dict[str, str | None] = {}
        self._models: dict[str, str | None] = {}

    def of(self, node: Node, states: dict[str, str]) -> str | None:
        if node.resource_type not in ("model", "test") or node.materialized == "incremental":
            return None
        code = node.compiled_code
        if code is None:
            return None
        parents: list[str] = []
        for uid in sorted(set(node.depends_on)):
            fp = self._parent(uid, states)
            if fp is None:
                return None
            parent = self.manifest.sources.get(uid)
            if parent is not None and parent.external_location:
                code = code.replace(parent.external_location, "")
            parents.append(f"{uid}={fp}")
        if _VOLATILE.search(self._without_ephemeral_sources(node, code)):
            return None
        payload: dict[str, Any] = {
            "engine": self.engine, "id": node.unique_id, "kind": node.materialized, "sql": node.compiled_code,
            "parents": parents, "config": _settings(node),
        }
        if node.resource_type == "model":
            payload["docs"] = [node.description, sorted((c.name, c.description) for c in node.columns.values())]
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def _without_ephemeral_sources(self, node: Node, code: str) -> str:
        """Ephemeral parents are inlined: their declared sources' read expressions are not file reads
        of this node's own making either."""
        for source in self.manifest.sources_read_by(node):
            if source.external_location:
                code = code.replace(source.external_location, "")
        return code

    def _parent(self, uid: str, states: dict[str, str]) -> str | None:
        source = self.manifest.sources.get(uid)
        if source is not None:
            if uid not in self._sources:
                self._sources[uid] = source_fingerprint(source)
            return self._sources[uid]
        node = self.manifest.nodes.get(uid)
        if node is None:
            return None
        if node.materialized == "ephemeral":
            return self.of(node, states)
        recorded = states.get(state_key(node))
        if node.resource_type != "model" or recorded is None:
            return recorded
        # A parent left out of this run (-s/--exclude) may be a view over files that changed since it was
        # recorded: its relation then no longer gives what was recorded, so only a parent whose inputs
        # still give the recorded fingerprint lets its children be reused.
        if uid not in self._models:
            self._models[uid] = self.of(node, states)
        return recorded if self._models[uid] == recorded else None


def _settings(node: Node) -> dict[str, Any]:
    keep = ("materialized", "persist_docs", "severity", "error_if", "warn_if", "limit", "where",
            "store_failures", "_resolved_schema", "alias")
    return {k: node.config.get(k) for k in keep if k in node.config}


def source_files(source: Node) -> list[str] | None:
    """The files an external source reads: every string in its read expression taken as a glob. None
    when the source is not read from files."""
    location = source.external_location or ""
    if not re.search(r"\bread_\w+\s*\(", location, re.I):
        return None
    found: list[str] = []
    for literal in _LITERAL.findall(location):
        found.extend(glob.glob(literal.replace("''", "'"), recursive=True, include_hidden=True))
    return found


def source_fingerprint(source: Node) -> str | None:
    """The files an external source reads: every string in its read expression taken as a glob (path,
    size, mtime, inode of each match). None when the source is not read from files."""
    location = source.external_location or ""
    if not re.search(r"\bread_\w+\s*\(", location, re.I):
        return None
    parts = [location]
    for literal in _LITERAL.findall(location):
        pattern = literal.replace("''", "'")
        matches = sorted(glob.glob(pattern, recursive=True, include_hidden=True))
        parts.append(f"{pattern}: {len(matches)} files")
        for path in matches:
            try:
                st = os.stat(path)
            except OSError:
                return None
            parts.append(f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}|{st.st_ino}|{st.st_ctime_ns}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()
