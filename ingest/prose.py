"""Figures stated in prose -> FigureRecords. Placeholder until it lands."""

from __future__ import annotations

from ingest.model import Document, FigureRecord


def extract_figures(doc: Document, template: str) -> list[FigureRecord]:
    return []
