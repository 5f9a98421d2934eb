"""Monthly statistics per region and service from the stored history, every figure
checked against a known history; and the same table as records, CSV and SVG.

The history, all dibao cases of township 370102001 in 2026 (working days counted on
China's calendar; the limit is 20 working days):

    case  received  decided                          working days  limit ends
    A     2 Mar     approved 10 Mar                  6             (not missed)
    B     3 Mar     rejected 5 Mar                   2
    C     4 Mar     withdrawn 6 Mar                  -
    D     5 Mar     not accepted 5 Mar               -
    E     9 Mar     approved 1 Apr (noticed 10 Mar)  17            (not missed)
    F     2 Mar     still open on 15 Apr             -             30 Mar, missed
    G     2 Mar     rejected 2 Apr                   23            30 Mar, missed
    H     1 Apr     rejected 3 Apr                   2
    I     2 Apr     still open on 15 Apr             -             (not yet due)
    J     2 Mar     rejected 30 Mar, its last day    20            30 Mar, met

and two complaints about B in March, a report about dibao in April, and a complaint
about no service in March.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, time

import pytest

from application.commands import RecordComplaint, TransferRecord
from application.complaints import record_complaint, transfer_complaint
from application.errors import AccessDenied
from application.statistics import StatisticsQuery, StatisticsTable, service_statistics
from domain.complaints import ComplaintKind
from domain.regions import RegionCode, RegionLevel
from domain.services import Service
from domain.statistics import Month, MonthlyFigures, totals_by_month
from entrypoints.reports import statistics_csv, statistics_records, statistics_svg
from ports.storage import CaseQuery
from tests.factories import COUNTY, CST, TOWNSHIP, resident_id
from tests.unit.app_helpers import World

MARCH, APRIL = Month(2026, 3), Month(2026, 4)


def on(month: int, day: int, hour: int = 9) -> datetime:
    return datetime.combine(date(2026, month, day), time(hour), tzinfo=CST)


class History:
    """Drives the cases of the module docstring through the use cases."""

    def __init__(self) -> None:
        self.world = World()
        self.serial = 0

    def receive(self, month: int, day: int) -> str:
        self.serial += 1
        self.world.clock.set(on(month, day))
        return self.world.submit_dibao(resident_id(self.serial)).case.id

    def at(self, month: int, day: int, hour: int = 10) -> None:
        self.world.clock.set(on(month, day, hour))

    def step(self, case_id: str, event: str, actor: str = "approver", **kw: object) -> None:
        self.world.step(getattr(self.world.staff, actor), case_id, event, **kw)

    def notice(self, case_id: str, month: int, day: int) -> None:
        self.at(month, day)
        self.world.prepare_and_verify_dibao(case_id)
        self.step(case_id, "publish_notice", actor="reviewer")

    def complain(self, month: int, day: int, **kw: object) -> None:
        self.at(month, day)
        command = RecordComplaint(summary="办理过程有意见", region=str(TOWNSHIP), **kw)  # type: ignore[arg-type]
        record_complaint(self.world.deps, self.world.staff.clerk, command)


@pytest.fixture(scope="module")
def history() -> History:
    h = History()
    a = h.receive(3, 2)
    h.notice(a, 3, 2)
    h.at(3, 10)
    h.step(a, "approve")
    b = h.receive(3, 3)
    h.at(3, 5)
    h.step(b, "reject", reason="income_above_standard")
    c = h.receive(3, 4)
    h.at(3, 6)
    h.step(c, "withdraw", actor="clerk", reason="applicant_withdrew")
    d = h.receive(3, 5)
    h.at(3, 5, 15)
    h.step(d, "not_accept", actor="clerk", reason="not_in_difficulty")
    e = h.receive(3, 9)
    h.notice(e, 3, 10)
    h.at(4, 1)
    h.step(e, "approve")
    h.receive(3, 2)  # F
    g = h.receive(3, 2)
    h.at(4, 2)
    h.step(g, "reject", reason="income_above_standard")
    hh = h.receive(4, 1)
    h.at(4, 3)
    h.step(hh, "reject", reason="income_above_standard")
    h.receive(4, 2)  # I
    j = h.receive(3, 2)
    h.at(3, 30, 16)
    h.step(j, "reject", reason="income_above_standard")
    h.complain(3, 12, kind=ComplaintKind.COMPLAINT, case_id=b)
    h.complain(3, 20, kind=ComplaintKind.COMPLAINT, case_id=b)
    h.complain(3, 25, kind=ComplaintKind.COMPLAINT)
    h.complain(4, 8, kind=ComplaintKind.REPORT, service=Service.DIBAO)
    h.at(4, 15)
    return h


def table(history: History, **kw: object) -> StatisticsTable:
    query = StatisticsQuery(str(COUNTY), "2026-03", "2026-04", **kw)  # type: ignore[arg-type]
    return service_statistics(history.world.deps, history.world.staff.supervisor, query)


def dibao_row(history: History, month: Month) -> MonthlyFigures:
    rows = table(history, service=Service.DIBAO).rows
    return next(r for r in rows if r.month == month)


def figures(row: MonthlyFigures) -> dict[str, object]:
    return {
        "applications": row.applications,
        "not_accepted": row.not_accepted,
        "approved": row.approved,
        "rejected": row.rejected,
        "withdrawn": row.withdrawn,
        "median": row.median_working_days,
        "p90": row.p90_working_days,
        "overdue": row.overdue,
        "complaints": row.complaints,
        "reports": row.reports,
    }


def test_march_figures_of_dibao_in_the_township(history):
    row = dibao_row(history, MARCH)

    assert (row.region, row.service) == (TOWNSHIP, Service.DIBAO)
    assert figures(row) == {
        "applications": 8,  # A to G, and J
        "not_accepted": 1,  # D
        "approved": 1,  # A
        "rejected": 2,  # B, and J on its last day
        "withdrawn": 1,  # C
        "median": 6.0,  # of 2 (B), 6 (A) and 20 (J)
        "p90": 20,
        "overdue": 2,  # F and G, whose limit ended on 30 March; J was decided that day
        "complaints": 2,  # about B
        "reports": 0,
    }


def test_april_figures_of_dibao_in_the_township(history):
    row = dibao_row(history, APRIL)

    assert figures(row) == {
        "applications": 2,  # H and I
        "not_accepted": 0,
        "approved": 1,  # E
        "rejected": 2,  # G and H
        "withdrawn": 0,
        "median": 17.0,  # of 2 (H), 17 (E), 23 (G)
        "p90": 23,
        "overdue": 0,
        "complaints": 0,
        "reports": 1,
    }


def test_the_durations_behind_the_median_are_each_decisions_working_days(history):
    rows = {r.month: r.decision_working_days for r in table(history, service=Service.DIBAO).rows}

    assert rows == {MARCH: (2, 6, 20), APRIL: (2, 17, 23)}


def test_a_complaint_naming_no_service_has_a_row_of_its_own(history):
    rows = table(history).rows

    unnamed = [r for r in rows if r.service is None]

    assert [(r.month, r.complaints) for r in unnamed] == [(MARCH, 1)]


def test_the_linked_cases_the_scenario_opened_count_under_their_own_service(history):
    rows = table(history).rows

    services = {r.service for r in rows}

    assert Service.DIBAO in services
    assert services - {Service.DIBAO, None}  # the employment branch's cases


def test_rolled_up_to_the_county_the_figures_are_the_townships(history):
    township = table(history, service=Service.DIBAO).rows
    county = table(history, service=Service.DIBAO, level=RegionLevel.COUNTY).rows

    assert [r.region for r in county] == [COUNTY, COUNTY]
    assert [figures(r) for r in county] == [figures(r) for r in township]


def test_the_monthly_totals_sum_the_rows(history):
    result = table(history, service=Service.DIBAO)

    assert [(t.month, t.applications, t.rejected) for t in result.totals] == [
        (MARCH, 8, 2),
        (APRIL, 2, 2),
    ]


def test_the_figures_agree_with_the_cases_as_stored(history):
    """Every approval counted is an approve event in the stored history of a case."""
    world = history.world
    with world.deps.uow() as uow:
        stored = uow.cases.find(CaseQuery(service=Service.DIBAO, limit=100))
    approvals = sum(1 for c in stored for e in c.events if e.event == "approve")

    assert approvals == sum(r.approved for r in table(history, service=Service.DIBAO).rows)


def test_p10_a_window_clerk_does_not_read_the_statistics(history):
    query = StatisticsQuery(str(COUNTY), "2026-03", "2026-04")

    with pytest.raises(AccessDenied):
        service_statistics(history.world.deps, history.world.staff.clerk, query)


# -- the same table as records, CSV and SVG --


def test_the_records_carry_every_figure_under_its_code(history):
    records = statistics_records(table(history, service=Service.DIBAO))

    march = records["rows"][0]  # type: ignore[index]
    assert march == {
        "region": "370102001",
        "service": "dibao",
        "service_label": "最低生活保障",
        "month": "2026-03",
        "applications": 8,
        "not_accepted": 1,
        "approved": 1,
        "rejected": 2,
        "withdrawn": 1,
        "median_working_days": 6.0,
        "p90_working_days": 20,
        "overdue": 2,
        "complaints": 2,
        "reports": 0,
    }


def test_the_csv_has_a_chinese_header_and_one_line_per_row(history):
    text = statistics_csv(table(history, service=Service.DIBAO))

    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))

    assert lines[0][:5] == ["地区代码", "事项代码", "事项", "月份", "申请数"]
    assert lines[1] == [
        "370102001",
        "dibao",
        "最低生活保障",
        "2026-03",
        "8",
        "1",
        "1",
        "2",
        "1",
        "6.0",
        "20",
        "2",
        "2",
        "0",
    ]
    assert len(lines) == 3


def test_the_csv_starts_with_a_byte_order_mark_for_spreadsheets(history):
    text = statistics_csv(table(history, service=Service.DIBAO))

    assert text.startswith("\ufeff地区代码")


SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_is_svg_with_one_bar_per_figure_and_month(history):
    svg = ET.fromstring(statistics_svg(table(history, service=Service.DIBAO)))

    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]

    assert len(bars) == 2 * 7
    values = {(b.get("data-month"), b.get("data-figure")): b.get("data-value") for b in bars}
    assert values[("2026-03", "applications")] == "8"
    assert values[("2026-04", "rejected")] == "2"


def test_the_tallest_bar_is_the_largest_figure(history):
    svg = ET.fromstring(statistics_svg(table(history, service=Service.DIBAO)))

    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"]
    tallest = max(bars, key=lambda b: float(b.get("height", "0")))

    assert (tallest.get("data-month"), tallest.get("data-figure")) == ("2026-03", "applications")


def test_the_chart_has_a_chinese_title_month_labels_and_legend(history):
    svg = ET.fromstring(statistics_svg(table(history, service=Service.DIBAO)))

    texts = [t.text for t in svg.iter(f"{SVG}text")]

    assert any(t and "各月办理情况" in t for t in texts)
    assert {"2026年3月", "2026年4月", "申请", "批准", "不予批准", "超期", "投诉"} <= set(texts)


def test_a_month_without_any_case_is_drawn_with_empty_bars():
    region = RegionCode("370102")
    empty = StatisticsTable(
        region, MARCH, APRIL, "2026-04-15", (), totals_by_month((), MARCH, APRIL, region=region)
    )

    svg = ET.fromstring(statistics_svg(empty))

    heights = {r.get("height") for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"}
    assert heights == {"0"}


def test_months_parse_from_their_codes_and_carry_chinese_labels():
    assert (Month.parse("2026-03"), Month(2026, 12).next(), MARCH.label) == (
        MARCH,
        Month(2027, 1),
        "2026年3月",
    )


def test_a_complaint_counts_where_it_was_received_after_moving_to_another_township():
    world = World()
    world.tick()
    complaint = record_complaint(
        world.deps,
        world.staff.clerk,
        RecordComplaint(ComplaintKind.COMPLAINT, "窗口未一次性告知", str(TOWNSHIP)),
    )
    world.tick()
    transfer_complaint(
        world.deps,
        world.staff.supervisor,
        TransferRecord(complaint.id, "属地办理", to_unit="370102002/civil_affairs"),
    )
    query = StatisticsQuery(str(TOWNSHIP), "2026-03", "2026-03")

    rows = service_statistics(world.deps, world.staff.supervisor, query).rows

    assert [(r.region, r.complaints) for r in rows] == [(TOWNSHIP, 1)]
