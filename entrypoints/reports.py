"""The monthly statistics as a supervisor reads them: plain records (for JSON), CSV and an
SVG chart. The SVG is written here, by hand, with Chinese labels: no plotting library.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from application.statistics import StatisticsTable
from domain.statistics import MonthlyFigures

# (code, Chinese label) of every column, in order; the codes are the JSON keys.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("region", "地区代码"),
    ("service", "事项代码"),
    ("service_label", "事项"),
    ("month", "月份"),
    ("applications", "申请数"),
    ("not_accepted", "不予受理"),
    ("approved", "批准"),
    ("rejected", "不予批准"),
    ("withdrawn", "撤回"),
    ("median_working_days", "受理至决定工作日中位数"),
    ("p90_working_days", "受理至决定工作日第90百分位"),
    ("overdue", "超期"),
    ("complaints", "投诉"),
    ("reports", "举报"),
)

NO_SERVICE_LABEL = "未涉及具体事项"


def record_of(row: MonthlyFigures) -> dict[str, str | int | float | None]:
    """One row as a flat record, keyed by the column codes."""
    return {
        "region": row.region.code,
        "service": row.service.value if row.service else None,
        "service_label": row.service.label if row.service else NO_SERVICE_LABEL,
        "month": str(row.month),
        "applications": row.applications,
        "not_accepted": row.not_accepted,
        "approved": row.approved,
        "rejected": row.rejected,
        "withdrawn": row.withdrawn,
        "median_working_days": row.median_working_days,
        "p90_working_days": row.p90_working_days,
        "overdue": row.overdue,
        "complaints": row.complaints,
        "reports": row.reports,
    }


def statistics_records(table: StatisticsTable) -> dict[str, object]:
    """The table as JSON-ready data: the rows and the monthly totals."""
    return {
        "region": table.region.code,
        "first_month": str(table.first),
        "last_month": str(table.last),
        "as_of": table.as_of,
        "columns": [{"code": code, "label": label} for code, label in COLUMNS],
        "rows": [record_of(row) for row in table.rows],
        "totals": [record_of(row) for row in table.totals],
    }


def statistics_csv(table: StatisticsTable, *, byte_order_mark: bool = True) -> str:
    """The rows as CSV, the Chinese labels as the header; a BOM so spreadsheets read
    the file as UTF-8. An empty figure (no decision that month) is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(label for _, label in COLUMNS)
    for row in table.rows:
        record = record_of(row)
        writer.writerow("" if record[code] is None else record[code] for code, _ in COLUMNS)
    return ("\ufeff" if byte_order_mark else "") + out.getvalue()


# -- the chart --

# (figure, Chinese label, colour) of each bar in a month's group.
BARS: tuple[tuple[str, str, str], ...] = (
    ("applications", "申请", "#4e79a7"),
    ("approved", "批准", "#59a14f"),
    ("rejected", "不予批准", "#e15759"),
    ("not_accepted", "不予受理", "#f28e2b"),
    ("withdrawn", "撤回", "#9c755f"),
    ("overdue", "超期", "#b07aa1"),
    ("complaints", "投诉", "#edc948"),
)

_BAR, _GAP, _LEFT, _TOP, _PLOT_HEIGHT = 12, 18, 56, 48, 220
_FONT = "font-family=\"'Noto Sans CJK SC','Microsoft YaHei',sans-serif\""


def statistics_svg(table: StatisticsTable, *, title: str = "") -> str:
    """A grouped bar chart of the monthly totals: one group per month, one bar per figure,
    a legend, and each bar's value in its tooltip (<title>)."""
    totals = table.totals
    heading = (
        title or f"{table.region.code} 各月办理情况（{table.first.label}至{table.last.label}）"
    )
    group_width = len(BARS) * _BAR + _GAP
    width = max(_LEFT + max(len(totals), 1) * group_width + 24, _LEFT + _legend_width() + 16)
    height = _TOP + _PLOT_HEIGHT + 80
    top = _scale_top(max((_value(t, f) for t in totals for f, _, _ in BARS), default=0))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(heading)}>',
        f"<title>{escape(heading)}</title>",
        f'<text x="{_LEFT}" y="24" font-size="16" {_FONT}>{escape(heading)}</text>',
        *_axis(top, width),
    ]
    for index, row in enumerate(totals):
        x0 = _LEFT + index * group_width + _GAP // 2
        for bar, (figure, label, colour) in enumerate(BARS):
            value = _value(row, figure)
            bar_height = round(_PLOT_HEIGHT * value / top) if top else 0
            y = _TOP + _PLOT_HEIGHT - bar_height
            parts.append(
                f'<rect class="bar" data-month="{row.month}" data-figure="{figure}" '
                f'data-value="{value}" x="{x0 + bar * _BAR}" y="{y}" width="{_BAR - 2}" '
                f'height="{bar_height}" fill="{colour}">'
                f"<title>{escape(f'{row.month.label} {label}：{value}')}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + len(BARS) * _BAR / 2:.0f}" y="{_TOP + _PLOT_HEIGHT + 18}" '
            f'font-size="12" text-anchor="middle" {_FONT}>{escape(row.month.label)}</text>'
        )
    parts.extend(_legend(_TOP + _PLOT_HEIGHT + 44))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _value(row: MonthlyFigures, figure: str) -> int:
    value = getattr(row, figure)
    assert isinstance(value, int)
    return value


def _scale_top(largest: int) -> int:
    """A round number at or above the largest value (1, 2, 5, 10, 20, 50 ...)."""
    if largest <= 0:
        return 0
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= largest:
                return factor * step
        step *= 10


def _axis(top: int, width: int) -> Sequence[str]:
    """The value axis: gridlines at 0, a quarter, half, three quarters and the top."""
    lines = []
    for quarter in range(5):
        value = top * quarter / 4
        y = _TOP + _PLOT_HEIGHT - round(_PLOT_HEIGHT * quarter / 4)
        label = f"{value:g}" if top else "0"
        lines.append(
            f'<line x1="{_LEFT}" y1="{y}" x2="{width - 16}" y2="{y}" stroke="#ddd" />'
            f'<text x="{_LEFT - 6}" y="{y + 4}" font-size="11" text-anchor="end" {_FONT}>'
            f"{label}</text>"
        )
    return lines


def _legend_item_width(label: str) -> int:
    return 16 + 13 * len(label) + 14  # the swatch, the label in 12px CJK, a gap


def _legend_width() -> int:
    return sum(_legend_item_width(label) for _, label, _ in BARS)


def _legend(y: int) -> Sequence[str]:
    items, x = [], _LEFT
    for _figure, label, colour in BARS:
        items.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}" />'
            f'<text x="{x + 16}" y="{y}" font-size="12" {_FONT}>{escape(label)}</text>'
        )
        x += _legend_item_width(label)
    return items
