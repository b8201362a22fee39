"""Who, when and where: organ, year, publication date, area mentions. Placeholder until it lands."""

from __future__ import annotations

from ingest.model import Document, ReportMeta


def extract_meta(doc: Document) -> ReportMeta:
    return ReportMeta()
