"""The template parser alone against the template-era report fixtures: every table fact exact.

tests/test_fixture_reports.py checks the whole extraction (prose included); this file checks only
the cells ingest.templates produces. A digit run that the text alone cannot settle must come back
`unplaced` (never a guess): those are listed here with the run, and the test asserts both that
they are unplaced and that nothing else differs.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ingest.facts import facts_of
from ingest.model import Extraction, ReportMeta
from ingest.read import load_document
from ingest.templates import extract_tables
from tests.fixture_reports import diff_facts, expected_facts, load_fixtures

# fixture id -> {item: raw run} of rows the text cannot settle (expected values came from HTML/prose)
UNSETTLED: dict[str, dict[str, str]] = {
    "003_370a2057b485fcf4": {},
    "d01": {},
    "d02": {},
    "d03": {},
    "d04": {"normative_documents": "2433"},
    "d05": {
        "administrative_licensing": "51037",
        "other_management_services": "60149",
        "administrative_penalty": "5340103",
        "administrative_coercion": "3100",
        "government_procurement": "156805947.43元",
    },
    "d06": {"government_procurement": "3922533.2元"},
    "d07": {"normative_documents": "13013"},
    "d08": {},
    "d17": {},  # the glued appeals row is settled by the arithmetic plus the prose restatement
}
FIXTURES = {fx.id: fx for fx in load_fixtures()}


@pytest.mark.parametrize("fid", sorted(UNSETTLED))
def test_template_tables_match_expected(fid: str) -> None:
    fx = FIXTURES[fid]
    template, cells, _ = extract_tables(load_document(fx.path))
    assert template == fx.expected["template"]
    facts = facts_of(Extraction(template=template, meta=ReportMeta(), cells=cells))
    actual = {f.key: (f.value, f.status, f.approx) for f in facts}
    unsettled = UNSETTLED[fid]
    expected = {
        k: v for k, v in expected_facts(fx).items()
        if k[1] not in unsettled and not (k[0] == "appeals" and "appeals" in unsettled)
    }
    problems = diff_facts(expected, actual)
    assert not problems, "\n".join(problems[:40])
    unplaced: dict[str, str] = {}
    for c in cells:
        if c.status == "unplaced":
            key = c.item or c.table
            unplaced[key] = f"{unplaced[key]} {c.raw_text}" if key in unplaced else c.raw_text
    for item, run in unsettled.items():
        assert unplaced.get(item) == run, f"{item}: expected the run {run!r} unplaced, got {unplaced.get(item)!r}"


def test_missing_appeals_table_is_a_warning_not_zeros() -> None:
    template, cells, warnings = extract_tables(load_document(FIXTURES["003_370a2057b485fcf4"].path))
    assert not [c for c in cells if c.section == "appeals"]
    assert any("四" in w and "missing" in w for w in warnings)


def test_cells_keep_raw_labels_and_lines() -> None:
    _, cells, _ = extract_tables(load_document(FIXTURES["003_370a2057b485fcf4"].path))
    c = next(c for c in cells if c.item == "other_unpaid_fees" and c.measure == "total")
    assert c.row_label is not None and "其政府信息申请" in c.row_label  # the variant as printed
    assert c.col_label == "总计" and c.line is not None
    n = next(c for c in cells if c.item == "normative_documents")
    assert n.row_label == "规范性文件"  # 2019 wording in a 2021 table (FM-1)


def test_glued_appeals_row_needs_the_prose_to_settle() -> None:
    """d17's appeals run fits the arithmetic three ways; without the prose it stays unplaced."""
    from ingest.model import Document, Line

    doc = load_document(FIXTURES["d17"].path)
    lines = [ln for ln in doc.lines if "行政复议351" not in ln.text and "其中结果维持25" not in ln.text]
    bare = Document(doc.source_path, doc.source_format, doc.encoding, doc.sha256, doc.size_bytes,
                    [Line(ln.no, ln.text) for ln in lines])
    _, cells, warnings = extract_tables(bare)
    appeals = [c for c in cells if c.table == "appeals"]
    assert appeals and all(c.status == "unplaced" for c in appeals)
    assert any("3 possible splits" in w for w in warnings)


# ---------------------------------------------------------------------------------------------
# Small hand-made fixtures (tests/fixtures/templates/<name>.<ext> + <name>.json)

SMALL = Path(__file__).parent / "fixtures" / "templates"


def _small_fixtures() -> list[Path]:
    return sorted(p for p in SMALL.iterdir() if p.suffix != ".json")


@pytest.mark.parametrize("path", _small_fixtures(), ids=lambda p: p.stem)
def test_small_template_fixture(path: Path) -> None:
    want = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    template, cells, warnings = extract_tables(load_document(path))
    assert template == want["template"]
    facts = {"/".join(f.key): f for f in facts_of(Extraction(template=template, meta=ReportMeta(), cells=cells))}
    for key, (value, status) in want["facts"].items():
        assert key in facts, f"{key} missing"
        f = facts[key]
        assert (f.value, f.status) == (value, status), f"{key}: {(f.value, f.status)} != {(value, status)}"
    assert dict(Counter(f.status for f in facts.values())) == want["fact_counts"]
    for key, unit in want.get("units", {}).items():
        assert facts[key].unit == unit
    assert sorted({c.item or c.table for c in cells if c.status == "unplaced"}) == want["unplaced"]
    if "unkeyed_cells" in want:
        assert sum(1 for c in cells if c.status != "unplaced" and not (c.item and c.measure)) == want["unkeyed_cells"]
    for text in want["warnings"]:
        assert any(text in w for w in warnings), f"no warning mentions {text!r}: {warnings}"


def test_cells_point_at_their_physical_table() -> None:
    _, cells, _ = extract_tables(load_document(SMALL / "shanghai_2019_blanks.html"))
    index = {c.table: c.table_index for c in cells}
    assert index["disclosure_art20_9"] == 0 and index["applications"] == 1 and index["appeals"] == 2
