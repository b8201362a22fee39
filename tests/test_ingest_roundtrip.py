"""Round trips: every rendering of a generated report gives back the same table grids.

bench.synth renders one report as flattened text (§8), HTML with the official spans, Markdown
(expanded grid, spanned positions empty) and .docx (merged cells). The structural readers must
reproduce the generator's expanded grid exactly (span-filled positions compared as empty); the
flattened text cannot carry spans, so it must give the same physical cells in the same order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.synth import generate
from ingest.read import document_from_bytes

N_REPORTS = 240
N_DOCX = 4  # rendering .docx with merged cells is slow in python-docx
REPORTS = generate(seed=11, n=N_REPORTS, eras=("pre2019", "2019", "2021"), damage_rate=0.4)
EXT = {"text": ".txt", "html": ".html", "markdown": ".md", "docx": ".docx"}


def _grid(doc) -> list[list[list[str]]]:  # noqa: ANN001
    return [[[c.text if c.origin else "" for c in row] for row in t.rows] for t in doc.tables]


def _physical(grids: list[list[list[str]]]) -> list[list[str]]:
    return [[text for row in g for text in row if text] for g in grids]


def _doc(report, fmt: str):  # noqa: ANN001, ANN202
    return document_from_bytes(report.render(fmt), Path("r" + EXT[fmt]))


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_structural_renderings_give_the_generators_grid(fmt: str) -> None:
    wrong = [r.id for r in REPORTS if _grid(_doc(r, fmt)) != r.grids()]
    assert not wrong, f"{len(wrong)} of {N_REPORTS} differ, e.g. {wrong[:5]}"


def test_flattened_text_gives_the_same_cells_in_order() -> None:
    wrong = [r.id for r in REPORTS if _physical(_grid(_doc(r, "text"))) != _physical(r.grids())]
    assert not wrong, f"{len(wrong)} of {N_REPORTS} differ, e.g. {wrong[:5]}"


def test_flattened_text_rows_match_the_html_rows() -> None:
    """Row boundaries from the padding rule equal the <tr> boundaries (physical cells per row)."""
    wrong = []
    for r in REPORTS:
        text_rows = [[c.text for c in row] for t in _doc(r, "text").tables for row in t.rows]
        html_rows = [[c.text for c in row if c.origin] for t in _doc(r, "html").tables for row in t.rows]
        if text_rows != html_rows:
            wrong.append(r.id)
    assert not wrong, f"{len(wrong)} differ, e.g. {wrong[:5]}"


@pytest.mark.slow
def test_docx_gives_the_generators_grid() -> None:
    wrong = [r.id for r in REPORTS[:N_DOCX] if _grid(_doc(r, "docx")) != r.grids()]
    assert not wrong
