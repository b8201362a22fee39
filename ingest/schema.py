"""Arrow schemas of the raw Parquet tables: the contract between ingest (Python) and the models (SQL).

Layout on disk: <raw>/<table>/*.parquet for table in reports, cells, figures, errors, so a model
reads `read_parquet('<raw>/cells/*.parquet')`. Column names avoid SQL keywords (table_name,
row_index, col_index). Change a column here, in ingest.model and in models/staging together.
"""

from __future__ import annotations

import pyarrow as pa

AREA_MENTION = pa.struct([("name", pa.string()), ("level", pa.string()), ("line", pa.int32())])

REPORTS = pa.schema(
    [
        ("report_id", pa.string()),  # first 16 hex chars of source_sha256
        ("source_path", pa.string()),  # first path seen
        ("source_paths", pa.list_(pa.string())),  # every path with this content
        ("source_sha256", pa.string()),
        ("source_format", pa.string()),  # text | html | markdown | docx | pdf
        ("encoding", pa.string()),
        ("size_bytes", pa.int64()),
        ("title", pa.string()),
        ("organ_name", pa.string()),
        ("organ_source", pa.string()),
        ("organ_kind", pa.string()),
        ("level", pa.string()),
        ("scope", pa.string()),
        ("area_mentions", pa.list_(AREA_MENTION)),
        ("report_year", pa.int32()),
        ("report_year_source", pa.string()),
        ("published_date", pa.date32()),
        ("url", pa.string()),
        ("template", pa.string()),  # pre2019 | 2019 | 2021 | unknown
        ("parser_version", pa.string()),
        ("status", pa.string()),  # ok | no_facts | image_only | not_a_report
        ("warnings", pa.list_(pa.string())),
        ("n_cells", pa.int32()),
        ("n_figures", pa.int32()),
    ]
)

CELLS = pa.schema(
    [
        ("report_id", pa.string()),
        ("table_name", pa.string()),  # disclosure_art20_1 … | applications | appeals | statistics_appendix | other
        ("table_index", pa.int32()),
        ("row_index", pa.int32()),
        ("col_index", pa.int32()),
        ("raw_row_label", pa.string()),
        ("raw_col_label", pa.string()),
        ("section", pa.string()),
        ("item", pa.string()),
        ("measure", pa.string()),
        ("raw_text", pa.string()),
        ("value", pa.float64()),
        ("status", pa.string()),  # reported | blank | na_marker | text | unplaced
        ("unit", pa.string()),
        ("line", pa.int32()),
        ("warning", pa.string()),
    ]
)

FIGURES = pa.schema(
    [
        ("report_id", pa.string()),
        ("section", pa.string()),
        ("item", pa.string()),
        ("measure", pa.string()),
        ("value", pa.float64()),
        ("status", pa.string()),  # reported | stated_zero
        ("approx", pa.bool_()),
        ("stated_zero", pa.bool_()),
        ("unit", pa.string()),
        ("sentence", pa.string()),
        ("line", pa.int32()),
    ]
)

ERRORS = pa.schema(
    [
        ("source_path", pa.string()),
        ("source_sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("error_kind", pa.string()),  # unsupported_format | undecodable | binary | empty | parse_error | …
        ("reason", pa.string()),
        ("parser_version", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {"reports": REPORTS, "cells": CELLS, "figures": FIGURES, "errors": ERRORS}
