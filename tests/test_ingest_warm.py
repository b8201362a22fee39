"""templates.warm() builds every template-wide table the template parser builds lazily: after it, a
fresh process extracting reports of both templates builds none of its own (the parent of a pool
warms once, the forked workers inherit; ingest.pipeline._warm_parsers)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CODE = """
import sys
from ingest import templates
from ingest.extract import extract
from ingest.read import load_document
from ingest.templates import cleantables, labels, parse

templates.warm()
lazy = (labels.template_spec, parse._label_runs, parse._marked_runs, parse._search_order,
        parse._label_chars, parse._label_candidates, cleantables._table_columns, parse._appeals_fields)
before = [f.cache_info().misses for f in lazy]
seen = set()
for path in sys.argv[1:]:
    seen.add(extract(load_document(path)).template)
after = [f.cache_info().misses for f in lazy]
assert {"2019", "2021"} <= seen, seen
assert before == after, [(f.__name__, a - b) for f, a, b in zip(lazy, after, before) if a != b]
"""


def test_warm_builds_every_template_table() -> None:
    reports = sorted(str(p) for p in (ROOT / "tests/fixtures/reports").iterdir()
                     if p.suffix in (".txt", ".html", ".md"))
    subprocess.run([sys.executable, "-c", _CODE, *reports], cwd=ROOT, check=True, timeout=120)
