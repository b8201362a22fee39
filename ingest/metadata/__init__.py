"""Who, when and where: organ, report year, publication date and area mentions of a report.

    header.page_meta / header.title   what the page says about itself
    dates                              published date and report year (REPORT_FORMATS §1.3)
    places                             area names in the text (dictionary from seeds/)
    organ                              organ name, kind, level, scope

Resolving the mentioned areas to one coded area is the warehouse's job
(models/intermediate/int_report_areas_resolved.sql).
"""

from __future__ import annotations

from collections import Counter

from ingest.metadata import dates, header, organ, places
from ingest.model import Document, ReportMeta


def extract_meta(doc: Document) -> ReportMeta:
    head = header.head_lines(doc.lines)
    meta = header.page_meta(doc, head)
    title = header.title(doc, meta, head)
    text = "\n".join([line.text for line in doc.lines])  # doc.text, built once for every reader here
    published = dates.published(meta)
    year, year_source, year_warnings = dates.report_year(title, text, meta.get("title"), published)

    gaz = places.gazetteer()
    mentions = places.mentions(doc.lines, text)
    counts = Counter(m.name for m in mentions)
    meta_organ = meta.get("organ") or meta.get("source")
    who = organ.build(organ.organ_from_title(title), meta_organ, text, counts, gaz)
    warnings = [*year_warnings, *who.warnings]
    if not gaz.by_alias:
        warnings.append("area seeds not found: no area mentions")
    return ReportMeta(
        title=title,
        organ_name=who.name,
        organ_source=who.source,
        organ_kind=who.kind,
        level=who.level,
        scope=who.scope,
        area_mentions=mentions,
        report_year=year,
        report_year_source=year_source,
        published_date=published,
        warnings=warnings,
    )
