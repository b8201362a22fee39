"""File on disk -> Document. Minimal first version (UTF-8 text only); the ingest work replaces it
with real decoding, normalisation and layout for text, HTML, Markdown, .docx and PDF."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from ingest.model import Document, Line


def load_document(path: str | Path) -> Document:
    p = Path(path)
    data = p.read_bytes()
    text = data.decode("utf-8-sig")
    lines = [Line(i + 1, unicodedata.normalize("NFKC", t)) for i, t in enumerate(text.splitlines())]
    return Document(
        source_path=str(p),
        source_format="text",
        encoding="utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        lines=lines,
    )
