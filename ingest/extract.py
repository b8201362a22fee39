"""Run every extractor over one Document and return an Extraction.

The extractors each own one concern (ingest.templates: the 2019/2021 tables; ingest.appendix:
pre-2019 statistics appendices; ingest.prose: figures in sentences; ingest.metadata: who/when/where).
This module only strings them together; it holds no knowledge of reports itself.
"""

from __future__ import annotations

from ingest import appendix, metadata, prose, templates
from ingest.model import Document, Extraction


def extract(doc: Document) -> Extraction:
    template, cells, warnings = templates.extract_tables(doc)
    cells = cells + appendix.extract_appendix(doc, template)
    figures = prose.extract_figures(doc, template)
    meta = metadata.extract_meta(doc)
    status = "ok" if (cells or figures) else "no_facts"
    return Extraction(
        template=template,
        meta=meta,
        cells=cells,
        figures=figures,
        warnings=[*doc.warnings, *warnings, *meta.warnings],
        status=status,
    )
