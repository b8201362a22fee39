"""Word .docx: body paragraphs and tables in document order (python-docx).

Line numbers are 1-based positions of body blocks: each paragraph is one line, each table row
one line. Merged cells: python-docx repeats a horizontally merged cell and a vertically merged
one is a `vMerge="continue"` cell; both become span-filled positions (`origin=False`) that copy
the text of the merge's first cell.
"""

from __future__ import annotations

import io

from ingest.assemble import Block, Source
from ingest.errors import IngestError
from ingest.model import Cell, Line, Table
from ingest.pipetables import mark_headers


def read(data: bytes, src: Source) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as e:
        raise IngestError("parse_error", f"not a readable .docx file: {e}") from e
    src.encoding = "docx"
    props = document.core_properties
    if props.title:
        src.page_meta.setdefault("title", props.title)
    blocks: list[Block] = []
    no = 0
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            no += 1
            text = Paragraph(el, document).text
            if text.strip():
                blocks.append(Line(no, text))
        elif tag == "tbl":
            table = _table(DocxTable(el, document), no + 1)
            no += max(1, len(table.rows) if table else 1)
            if table is not None:
                blocks.append(table)
    return blocks


def _table(t, first_line: int) -> Table | None:  # noqa: ANN001 - python-docx table
    rows: list[list[Cell]] = []
    above: list = []
    for r, row in enumerate(t.rows):
        out: list[Cell] = []
        tcs = [c._tc for c in row.cells]
        for j, cell in enumerate(row.cells):
            tc = tcs[j]
            left_same = j > 0 and tcs[j - 1] is tc
            vmerge = tc.vMerge == "continue" or (j < len(above) and above[j][0] is tc)
            if vmerge and j < len(rows[-1] if rows else []):
                text = rows[-1][j].text
            elif left_same:
                text = out[-1].text
            else:
                text = cell.text
            out.append(Cell(r, j, " ".join(text.split()), first_line + r, origin=not (left_same or vmerge)))
        above = [(tc, None) for tc in tcs]
        rows.append(out)
    if sum(len(r) for r in rows) < 2:
        return None
    width = max(len(r) for r in rows)
    mark_headers(rows, set())
    return Table(index=0, rows=rows, kind="docx", start_line=first_line, end_line=first_line + len(rows) - 1,
                 width=width)
