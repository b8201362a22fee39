"""Figures stated in prose -> FigureRecords (the pre-2019 vocabulary, whatever the template).

    sentences.split_sentences   Document -> sentences with line and headings
    families.run_families       sentences -> figures, running the phrasing families in order:
      zeros                     stated zeros (未收到…申请, 未发生…复议诉讼, 无…收费) and 'N为零'
      applications              applications received, channels, cumulative; responses
      appeals                   行政复议 / 行政诉讼 / 申诉举报
      fees                      fees collected and waived
      disclosure                proactive totals, channels, breakdowns (category, unit, key area)
    state                       units, the quantity pattern, the running State
    labels                      cleaning of the Chinese labels breakdown facts use as measure

Prose figures are kept whatever the template: in a 2019/2021 report they restate the tables
(origin prose; the table wins in ingest.facts). When a statistics appendix states the same key
with another value, both are kept and the document gets a warning.
"""

from __future__ import annotations

from ingest.appendix import has_combined_fees_row
from ingest.model import Document, FigureRecord, Line
from ingest.prose.families import run_families
from ingest.prose.sentences import split_sentences
from ingest.prose.state import State

_last: tuple[Document, list[Line], int, State] | None = None


def prose_state(doc: Document) -> State:
    """The families' run over the document's sentences. The statistics appendix asks for it (prose
    figures settle ambiguous runs) just before extract_figures does: the last result is kept for the
    same, unchanged document so the prose is read once."""
    global _last
    if _last is not None and _last[0] is doc and _last[1] is doc.lines and _last[2] == len(doc.lines):
        return _last[3]
    state = run_families(split_sentences(doc))
    _last = (doc, doc.lines, len(doc.lines), state)
    return state


def extract_figures(doc: Document, template: str) -> list[FigureRecord]:
    try:
        state = prose_state(doc)
    except Exception as exc:  # a bad document must not stop a batch
        doc.warnings.append(f"prose: extraction failed ({type(exc).__name__}: {exc}); no prose figures")
        return []
    doc.warnings.extend(state.warnings)
    return _without_subsumed_fees(state.figures, doc)


def _without_subsumed_fees(figures: list[FigureRecord], doc: Document) -> list[FigureRecord]:
    """An appendix row giving fees and waivers as one amount covers the prose's 'no fees' zero."""
    if not any(f.section == "fees" and f.status == "stated_zero" for f in figures):
        return figures
    if not has_combined_fees_row(doc):
        return figures
    return [f for f in figures if not (f.section == "fees" and f.status == "stated_zero")]
