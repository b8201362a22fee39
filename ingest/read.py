"""File on disk -> Document: pick the reader for the format, then the shared text path.

    load_document(path, manifest_row=None) -> Document

Formats: text (.txt and unknown text), HTML (.html/.htm/.shtml/…), Markdown (.md), Word (.docx),
PDF (.pdf). Anything else (.doc, .xls, .jpg, .zip …) raises IngestError("unsupported_format").
A manifest row (path, url, title, published, organ) fills page_meta where the document is silent.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

from ingest.assemble import Block, Source, assemble
from ingest.errors import IngestError
from ingest.model import Document

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".csv": "text",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".jsp": "html",
    ".asp": "html",
    ".aspx": "html",
    ".php": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".pdf": "pdf",
}
# Known binary containers we do not read (yet); anything unknown is sniffed.
UNSUPPORTED = {
    ".doc", ".xls", ".xlsx", ".wps", ".et", ".ppt", ".pptx", ".rtf", ".odt", ".zip", ".rar", ".7z",
    ".gz", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".mp4", ".exe", ".ofd",
}  # fmt: skip
MANIFEST_KEYS = ("title", "published", "organ", "url")
_READERS = ("text", "html", "markdown", "docx", "pdf")
MAX_BYTES = 64 * 1024 * 1024


def format_of(path: Path, head: bytes) -> str:
    """The reader to use, from the extension and, for unknown extensions, the first bytes."""
    ext = path.suffix.lower()
    if FORMATS.get(ext, "text") == "text" and _looks_like_html(head):
        return "html"  # a crawler saved the page source as .txt
    if ext in FORMATS:
        return FORMATS[ext]
    if ext in UNSUPPORTED:
        raise IngestError("unsupported_format", f"{ext} files are not read by ogi (convert to .docx, .pdf or text)")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        raise IngestError("unsupported_format", "a zip container that is not a .docx file")
    return "text"


def _looks_like_html(head: bytes) -> bool:
    lowered = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered or b"<table" in lowered


def load_document(path: str | Path, manifest_row: Mapping[str, str] | None = None) -> Document:
    p = Path(path)
    data = p.read_bytes()
    return document_from_bytes(data, p, manifest_row)


def document_from_bytes(data: bytes, path: Path, manifest_row: Mapping[str, str] | None = None) -> Document:
    if len(data) > MAX_BYTES:
        raise IngestError("too_large", f"{len(data)} bytes; reports above {MAX_BYTES} bytes are not read")
    fmt = format_of(path, data[:4096])
    src = Source(str(path), fmt, "", hashlib.sha256(data).hexdigest(), len(data))
    blocks = _reader(fmt)(data, src)
    doc = assemble(blocks, src)
    for key in MANIFEST_KEYS:
        value = (manifest_row or {}).get(key)
        if value and not doc.page_meta.get(key):
            doc.page_meta[key] = str(value)
    return doc


@cache
def _reader(fmt: str) -> Callable[[bytes, Source], list[Block]]:
    """The reader module's `read`, guarded; the module is imported on first use (lxml,
    python-docx, pypdf are heavy) and then remembered (importlib.import_module costs microseconds
    even for a loaded module). `read` itself is looked up at each call."""
    return _guarded(importlib.import_module(f"ingest.readers.{fmt if fmt in _READERS else 'text'}"))


def _guarded(module: ModuleType) -> Callable[[bytes, Source], list[Block]]:
    def run(data: bytes, src: Source) -> list[Block]:
        try:
            return module.read(data, src)  # type: ignore[no-any-return]
        except IngestError:
            raise
        except Exception as e:  # a damaged container must become an error row, not a crash
            raise IngestError("parse_error", f"{type(e).__name__}: {e}"[:500]) from e

    return run
