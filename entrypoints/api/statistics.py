"""Monthly statistics per region and service (R13, R15): as JSON, as CSV, as an SVG chart
and as a page a supervisor opens in a browser. Every form is rendered from one table,
computed from the stored cases' own events (`application.statistics`)."""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal

from litestar import MediaType, Request, Response, Router, get
from litestar.params import FromQuery, QueryParameter
from litestar.security.jwt import Token
from msgspec import Struct

from application.statistics import StatisticsQuery, StatisticsTable, service_statistics
from domain.actors import Actor
from domain.errors import InvalidValue
from domain.regions import RegionLevel
from domain.services import Service
from domain.statistics import Month, MonthlyFigures
from entrypoints import reports
from entrypoints.api.problems import responses
from entrypoints.api.services import Services

AuthRequest = Request[Actor, Token, Any]
MonthQuery = Annotated[
    str, QueryParameter(pattern=r"^20[0-9]{2}-(0[1-9]|1[0-2])$", description="年月，如 2026-03")
]
LevelName = Literal["province", "city", "county", "township"]
MAX_MONTHS = 60
CSV = "text/csv; charset=utf-8"
SVG = "image/svg+xml"

# -- wire --


class Column(Struct, kw_only=True):
    code: str
    label: str


class FiguresOut(Struct, kw_only=True):
    """One region, service and month; `service` is null for complaints naming none."""

    region: str
    service: Service | None
    service_label: str
    month: str
    applications: int
    not_accepted: int
    approved: int
    rejected: int
    withdrawn: int
    median_working_days: float | None  # from receipt to decision; null with no decision
    p90_working_days: int | None
    overdue: int
    complaints: int
    reports: int


class StatisticsOut(Struct, kw_only=True):
    region: str
    first_month: str
    last_month: str
    as_of: str
    columns: list[Column]
    rows: list[FiguresOut]
    totals: list[FiguresOut]  # per month, over every row


def _figures(row: MonthlyFigures) -> FiguresOut:
    return FiguresOut(
        region=row.region.code,
        service=row.service,
        service_label=row.service.label if row.service else reports.NO_SERVICE_LABEL,
        month=str(row.month),
        applications=row.applications,
        not_accepted=row.not_accepted,
        approved=row.approved,
        rejected=row.rejected,
        withdrawn=row.withdrawn,
        median_working_days=row.median_working_days,
        p90_working_days=row.p90_working_days,
        overdue=row.overdue,
        complaints=row.complaints,
        reports=row.reports,
    )


def statistics_out(table: StatisticsTable) -> StatisticsOut:
    return StatisticsOut(
        region=table.region.code,
        first_month=str(table.first),
        last_month=str(table.last),
        as_of=table.as_of,
        columns=[Column(code=code, label=label) for code, label in reports.COLUMNS],
        rows=[_figures(r) for r in table.rows],
        totals=[_figures(r) for r in table.totals],
    )


def page(table: StatisticsTable) -> str:
    """The chart and the table on one Chinese page."""
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in reports.COLUMNS)
    body = []
    for row in table.rows:
        record = reports.record_of(row)
        cells = ("" if record[code] is None else str(record[code]) for code, _ in reports.COLUMNS)
        body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    title = f"{table.region.code} 办理情况统计（{table.first.label}至{table.last.label}）"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
        "</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>统计截至 {html.escape(table.as_of)}</p>"
        f"<figure>{reports.statistics_svg(table, title=title)}</figure>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        "</body></html>\n"
    )


def _table(
    services: Services,
    actor: Actor,
    region: str | None,
    first_month: str,
    last_month: str,
    service: Service | None,
    level: LevelName | None,
) -> StatisticsTable:
    first, last = Month.parse(first_month), Month.parse(last_month)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    if not 1 <= span <= MAX_MONTHS:
        message = f"统计期间须为1至{MAX_MONTHS}个月，且结束月份不早于开始月份"
        raise InvalidValue("last_month", message, code="invalid_period")
    query = StatisticsQuery(
        within=region or actor.region.code,
        first_month=first_month,
        last_month=last_month,
        service=service,
        level=RegionLevel[level.upper()] if level is not None else None,
    )
    return service_statistics(services.deps, actor, query)


_SUMMARY = "按地区、事项、月份统计：申请、不予受理、批准、不予批准、撤回、办理工作日、超期、投诉"
RegionQuery = Annotated[str | None, QueryParameter(pattern=r"^[0-9]{2,12}$")]
LevelQuery = Annotated[LevelName | None, QueryParameter(description="按此级别汇总地区")]


@get("/statistics", sync_to_thread=True, summary=_SUMMARY, responses=responses(401, 403))
def as_json(
    request: AuthRequest,
    services: Services,
    first_month: MonthQuery,
    last_month: MonthQuery,
    region: RegionQuery = None,
    service: FromQuery[Service | None] = None,
    level: LevelQuery = None,
) -> StatisticsOut:
    table = _table(services, request.user, region, first_month, last_month, service, level)
    return statistics_out(table)


@get(
    "/statistics.csv",
    sync_to_thread=True,
    media_type=CSV,
    summary="统计表（CSV，中文表头）",
    responses=responses(401, 403),
)
def as_csv(
    request: AuthRequest,
    services: Services,
    first_month: MonthQuery,
    last_month: MonthQuery,
    region: RegionQuery = None,
    service: FromQuery[Service | None] = None,
    level: LevelQuery = None,
) -> Response[str]:
    table = _table(services, request.user, region, first_month, last_month, service, level)
    name = f"statistics-{table.region.code}-{table.first}-{table.last}.csv"
    return Response(
        reports.statistics_csv(table),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@get(
    "/statistics.svg",
    sync_to_thread=True,
    media_type=SVG,
    summary="统计图（SVG，各月合计）",
    responses=responses(401, 403),
)
def as_svg(
    request: AuthRequest,
    services: Services,
    first_month: MonthQuery,
    last_month: MonthQuery,
    region: RegionQuery = None,
    service: FromQuery[Service | None] = None,
    level: LevelQuery = None,
) -> str:
    table = _table(services, request.user, region, first_month, last_month, service, level)
    return reports.statistics_svg(table)


@get(
    "/statistics.html",
    sync_to_thread=True,
    media_type=MediaType.HTML,
    summary="统计页面（统计图与统计表）",
    responses=responses(401, 403),
)
def as_page(
    request: AuthRequest,
    services: Services,
    first_month: MonthQuery,
    last_month: MonthQuery,
    region: RegionQuery = None,
    service: FromQuery[Service | None] = None,
    level: LevelQuery = None,
) -> str:
    table = _table(services, request.user, region, first_month, last_month, service, level)
    return page(table)


def router() -> Router:
    return Router(path="/api/v1", route_handlers=[as_json, as_csv, as_svg, as_page], tags=["统计"])
