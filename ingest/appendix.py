"""Pre-2019 statistics appendices (附表 / 统计表) -> keyed cells. Placeholder until it lands."""

from __future__ import annotations

from ingest.model import CellRecord, Document


def extract_appendix(doc: Document, template: str) -> list[CellRecord]:
    return []
