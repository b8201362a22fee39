"""One reader per container format: bytes -> ordered blocks (Lines and structural Tables).

Each module exposes `read(data: bytes, src: Source) -> list[Block]`, may fill `src.page_meta`,
`src.encoding` and `src.warnings`, and raises ingest.errors.IngestError for bad input. The shared
text path (ingest.assemble) turns the blocks into a Document.
"""
