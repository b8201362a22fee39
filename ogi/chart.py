"""Small SVG charts drawn from query rows, for the docs site (no JavaScript, no external library).

`share_bars_svg(rows, spec)` draws small multiples — one panel per `facet` value — of 100 %-stacked
bars, one bar per `x` value, showing how the `parts` columns split, with the `total` column printed
above each bar. Which columns to use comes from the caller (an analysis's `meta.ogi_chart`), so this
module knows nothing about what the numbers mean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

PALETTE = ("#2b8a3e", "#8ce99a", "#e03131", "#f59f00", "#868e96", "#1c7ed6", "#ae3ec9", "#495057")
PANEL_HEIGHT = 150
BAR_WIDTH = 26
BAR_GAP = 12
MARGIN = 44


@dataclass
class ChartSpec:
    """Which columns of the rows to draw; labels name them for people."""

    x: str
    parts: list[str]
    facet: str | None = None
    total: str | None = None
    title: str = ""
    caption: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    facet_order: list[str] = field(default_factory=list)

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> ChartSpec:
        return cls(
            x=str(meta["x"]),
            parts=[str(part) for part in meta["parts"]],
            facet=meta.get("facet"),
            total=meta.get("total"),
            title=str(meta.get("title") or ""),
            caption=str(meta.get("caption") or ""),
            labels={str(key): str(value) for key, value in (meta.get("labels") or {}).items()},
            facet_order=[str(value) for value in meta.get("facet_order") or []],
        )

    def label(self, column: str) -> str:
        return self.labels.get(column, column.replace("_", " "))


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _format_count(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:,.0f}"


def _facets(rows: Sequence[Mapping[str, Any]], spec: ChartSpec) -> list[str]:
    present = list(dict.fromkeys(str(row.get(spec.facet)) for row in rows)) if spec.facet else [""]
    ordered = [value for value in spec.facet_order if value in present]
    return ordered + sorted(value for value in present if value not in ordered)


def _xs(rows: Sequence[Mapping[str, Any]], spec: ChartSpec) -> list[str]:
    return sorted({str(row.get(spec.x)) for row in rows})


def _bar(x: float, base: float, height: float, shares: list[tuple[str, float]], title: str) -> list[str]:
    """One 100 % bar, stacked bottom-up in the order of the parts."""
    parts = [f'<g class="bar"><title>{escape(title)}</title>']
    top = base
    for colour, share in shares:
        if share <= 0:
            continue
        h = share * height
        top -= h
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="{BAR_WIDTH}" height="{h:.1f}" fill="{colour}"/>')
    parts.append("</g>")
    return parts


def _panel(rows: Sequence[Mapping[str, Any]], spec: ChartSpec, facet: str, xs: list[str], offset: float) -> list[str]:
    """One small multiple, `offset` pixels down: the bars of one facet value, its title and axis labels."""
    top, height, left = offset + 34.0, PANEL_HEIGHT - 74.0, float(MARGIN)
    base = top + height
    width = len(xs) * (BAR_WIDTH + BAR_GAP) + BAR_GAP
    out = [f'<g class="panel" data-facet="{escape(facet)}">',
           f'<text x="{left}" y="{offset + 14}" class="facet">{escape(facet or spec.title)}</text>',
           f'<line x1="{left}" y1="{base}" x2="{left + width}" y2="{base}" class="axis"/>']
    by_x = {str(row.get(spec.x)): row for row in rows if not spec.facet or str(row.get(spec.facet)) == facet}
    for index, x_value in enumerate(xs):
        x = left + BAR_GAP + index * (BAR_WIDTH + BAR_GAP)
        out.append(f'<text x="{x + BAR_WIDTH / 2:.1f}" y="{base + 14}" class="tick">{escape(x_value)}</text>')
        row = by_x.get(x_value)
        if row is None:
            continue
        values = [(_number(row.get(part)) or 0.0) for part in spec.parts]
        whole = sum(value for value in values if value > 0)
        total = _number(row.get(spec.total)) if spec.total else whole
        out.append(f'<text x="{x + BAR_WIDTH / 2:.1f}" y="{top - 4}" class="total">{_format_count(total)}</text>')
        if whole <= 0:
            out.append(f'<rect x="{x}" y="{top}" width="{BAR_WIDTH}" height="{height}" class="empty"/>')
            continue
        shares = [(PALETTE[i % len(PALETTE)], value / whole) for i, value in enumerate(values)]
        tooltip = f"{facet} {x_value}: " + ", ".join(
            f"{spec.label(part)} {value:,.0f} ({value / whole:.0%})" for part, value in zip(spec.parts, values, strict=True)
        )
        out.extend(_bar(x, base, height, shares, tooltip))
    out.append("</g>")
    return out


def _text_width(text: str) -> float:
    """Rough width of 11px text: wide (CJK) characters count double."""
    return 6.5 * len(text) + 5 * sum(1 for ch in text if ord(ch) > 0x2E80)


def _legend(spec: ChartSpec, y: float) -> list[str]:
    out, x = ['<g class="legend">'], float(MARGIN)
    for index, part in enumerate(spec.parts):
        label = spec.label(part)
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[index % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 14}" y="{y}" class="key">{escape(label)}</text>')
        x += 28 + _text_width(label)
    out.append("</g>")
    return out


def share_bars_svg(rows: Sequence[Mapping[str, Any]], spec: ChartSpec) -> str:
    """The chart as one standalone SVG element ('' when there are no rows); facets stacked vertically."""
    if not rows:
        return ""
    xs = _xs(rows, spec)
    facets = _facets(rows, spec)
    legend_height = 26
    body: list[str] = []
    for index, facet in enumerate(facets):
        body.extend(_panel(rows, spec, facet, xs, legend_height + index * PANEL_HEIGHT))
    height = legend_height + len(facets) * PANEL_HEIGHT + 10
    caption = spec.caption or ("bars: shares of the parts" + (f"; number above: {spec.label(spec.total)}"
                                                              if spec.total else "") + "; dashed: no part stated")
    legend_width = sum(28 + _text_width(spec.label(part)) for part in spec.parts)
    width = int(max(2 * MARGIN + len(xs) * (BAR_WIDTH + BAR_GAP) + BAR_GAP,
                    2 * MARGIN + legend_width, 2 * MARGIN + _text_width(caption), 480))
    style = ("<style>.facet{font:600 12px sans-serif}.tick,.total{font:10px sans-serif;"
             "text-anchor:middle;fill:#333}.key,.caption{font:11px sans-serif;fill:#333}.axis{stroke:#999}"
             ".empty{fill:#f1f3f5;stroke:#ced4da;stroke-dasharray:3 2}</style>")
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(spec.title)}</title>{style}',
        *_legend(spec, 14),
        *body,
        f'<text x="{MARGIN}" y="{height - 4}" class="caption">{escape(caption)}</text>',
        "</svg>",
    ])
