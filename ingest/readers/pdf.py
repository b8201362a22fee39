"""PDF: the text pypdf extracts, page after page, read as plain text.

Line numbers count the lines of the extracted text (pages joined by one newline). A PDF with no
extractable text (a scan) yields no lines and an `image_only` warning; the batch records it.
"""

from __future__ import annotations

import io

from ingest.assemble import Block, Source
from ingest.errors import IngestError
from ingest.readers.text import text_blocks


def read(data: bytes, src: Source) -> list[Block]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as e:
        raise IngestError("parse_error", f"PDF could not be read: {e}") from e
    src.encoding = "pdf"
    text = "\n".join(pages)
    if not text.strip():
        src.warnings.append("image_only: the PDF holds no extractable text (scanned pages?)")
        return []
    return text_blocks(text, src)
