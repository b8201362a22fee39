"""2019/2021 template tables -> keyed cells. (Owned by the template-era work; placeholder until it lands.)"""

from __future__ import annotations

from ingest.model import CellRecord, Document


def extract_tables(doc: Document) -> tuple[str, list[CellRecord], list[str]]:
    """Return (template, cells, warnings). Placeholder: recognises nothing yet."""
    return "unknown", [], []
