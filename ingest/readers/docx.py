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
    """Read the table's XML directly (python-docx's cell API is quadratic on merged tables)."""
    from docx.oxml.ns import qn

    rows: list[list[Cell]] = []
    for r, tr in enumerate(t._tbl.tr_lst):
        out: list[Cell] = []
        for tc in tr.tc_lst:
            span = max(1, min(50, tc.grid_span or 1))
            col = len(out)
            above = rows[-1][col] if rows and col < len(rows[-1]) else None
            if tc.vMerge == "continue" and above is not None:
                text, origin = above.text, False
            else:
                paras = ("".join(x.text or "" for x in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p")))
                text, origin = " ".join(" ".join(paras).split()), True
            for k in range(span):
                out.append(Cell(r, col + k, text, first_line + r, origin=origin and k == 0))
        rows.append(out)
    if sum(len(r) for r in rows) < 2:
        return None
    width = max(len(r) for r in rows)
    mark_headers(rows, set())
    return Table(index=0, rows=rows, kind="docx", start_line=first_line, end_line=first_line + len(rows) - 1,
                 width=width)
