"""Tests marked `pure_python` swap functions inside ingest modules (monkeypatch) to switch a code path
off; compiled modules (ingest/native.py) call each other directly, past such a swap. In a compiled
process they are skipped, and `make test` runs them in a second, pure-Python pass
(OGI_PURE_PYTHON=1 pytest -m pure_python)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    marked = [item for item in items if "pure_python" in item.keywords]
    if not marked:
        return
    from ingest import native

    if native.status().startswith("compiled"):
        skip = pytest.mark.skip(reason="pure_python test in a compiled process: "
                                       "run with OGI_PURE_PYTHON=1 (make test does)")
        for item in marked:
            item.add_marker(skip)
