"""Statistics through the API, from a history built through the API (R13, R15).

Seven dibao applications in two townships over March and April 2026, each step on its
own day, then every figure read back as JSON, as CSV and as the chart. The working days
from receipt to decision are counted by hand on the 2026 calendar (Qingming: 5 and
6 April off):

    case  township  received  decided              working days
    c1    T1        Mon 2 Mar approved Wed 11 Mar  7  (3-6, 9-11 March)
    c2    T1        Tue 3 Mar rejected Thu 5 Mar   2
    c3    T1        Wed 4 Mar withdrawn Fri 20 Mar -
    c4    T1        Thu 5 Mar undecided            -  due Thu 2 April: overdue in April
    c5    T2        Wed 1 Apr not accepted 1 Apr   -
    c6    T2        Thu 2 Apr rejected Thu 9 Apr   4  (3, 7, 8, 9 April)
    c7    T2        Wed 1 Apr approved Mon 13 Apr  7  (2, 3, 7-10, 13 April)

and one complaint about c2, received in T1 on 10 April. Read on 20 April.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Api, ScannedClient
from tests.e2e.desk import COUNTY, T1, T2, Desk

PERIOD = f"region={COUNTY}&first_month=2026-03&last_month=2026-04&service=dibao"
FIGURES = (
    "applications",
    "not_accepted",
    "approved",
    "rejected",
    "withdrawn",
    "median_working_days",
    "p90_working_days",
    "overdue",
    "complaints",
    "reports",
)


def figures(
    applications: int = 0,
    not_accepted: int = 0,
    approved: int = 0,
    rejected: int = 0,
    withdrawn: int = 0,
    median: float | None = None,
    p90: int | None = None,
    overdue: int = 0,
    complaints: int = 0,
) -> dict[str, Any]:
    values = (applications, not_accepted, approved, rejected, withdrawn, median, p90, overdue)
    return dict(zip(FIGURES, (*values, complaints, 0), strict=True))


EXPECTED_ROWS = [
    (T1, "dibao", "2026-03", figures(4, 0, 1, 1, 1, 4.5, 7)),
    (T1, "dibao", "2026-04", figures(overdue=1, complaints=1)),
    (T2, "dibao", "2026-04", figures(3, 1, 1, 1, 0, 5.5, 7)),
]
EXPECTED_TOTALS = [
    (COUNTY, None, "2026-03", figures(4, 0, 1, 1, 1, 4.5, 7)),
    (COUNTY, None, "2026-04", figures(3, 1, 1, 1, 0, 5.5, 7, overdue=1, complaints=1)),
]


def build_history(desk: Desk) -> None:
    reject = {"reason": "income_above_standard"}
    desk.at(3, 2)
    c1 = desk.apply(T1, 11)
    desk.to_notice(T1, c1)
    desk.at(3, 3)
    c2 = desk.apply(T1, 12)
    desk.at(3, 4)
    c3 = desk.apply(T1, 13)
    desk.at(3, 5)
    desk.apply(T1, 14)  # c4, never decided
    desk.at(3, 5, 10)
    desk.ok(desk.step(desk.reviewer[T1], c2, "reject", **reject))
    desk.at(3, 11, 10)
    desk.ok(desk.step(desk.approver, c1, "approve"))
    desk.at(3, 20, 10)
    desk.ok(desk.step(desk.clerk[T1], c3, "withdraw", reason="applicant_withdrew"))
    desk.at(4, 1)
    c5 = desk.apply(T2, 15)
    desk.ok(desk.step(desk.clerk[T2], c5, "not_accept", reason="not_resident_here"))
    desk.at(4, 1, 9, 30)
    c7 = desk.apply(T2, 17)
    desk.to_notice(T2, c7)
    desk.at(4, 2)
    c6 = desk.apply(T2, 16)
    desk.at(4, 9, 10)
    desk.ok(desk.step(desk.reviewer[T2], c6, "reject", **reject))
    desk.at(4, 10, 10)
    complaint = {"kind": "complaint", "summary": "对不予批准有异议", "region": T1, "case_id": c2}
    desk.ok(desk.post(desk.clerk[T1], "complaints", complaint), 201)
    desk.at(4, 13, 10)
    desk.ok(desk.step(desk.approver, c7, "approve"))
    desk.at(4, 20, 10)


@pytest.fixture(scope="module")
def desk() -> Iterator[Desk]:
    api = Api()
    with ScannedClient(app=api.app) as client:
        desk = Desk(api, client)
        build_history(desk)
        yield desk


@pytest.fixture(scope="module")
def table(desk: Desk) -> Any:
    return desk.ok(desk.get(desk.supervisor, f"statistics?{PERIOD}"))


def keyed(rows: list[dict[str, Any]]) -> list[tuple[str, str | None, str, dict[str, Any]]]:
    return [(r["region"], r["service"], r["month"], {f: r[f] for f in FIGURES}) for r in rows]


def test_every_figure_of_each_township_and_month_is_as_the_history_says(table):
    assert keyed(table["rows"]) == EXPECTED_ROWS


def test_the_monthly_totals_add_the_townships_up(table):
    assert keyed(table["totals"]) == EXPECTED_TOTALS


def test_the_table_says_what_it_covers(table):
    assert (table["region"], table["first_month"], table["last_month"]) == (
        COUNTY,
        "2026-03",
        "2026-04",
    )
    assert table["as_of"] == "2026-04-20"


def test_rolled_up_to_the_county_the_townships_are_one_row_a_month(desk):
    rolled = desk.ok(desk.get(desk.supervisor, f"statistics?{PERIOD}&level=county"))

    assert keyed(rolled["rows"]) == [
        (COUNTY, "dibao", month, values) for _, _, month, values in EXPECTED_TOTALS
    ]


def test_the_csv_has_the_same_figures_under_chinese_headers(desk, table):
    answer = desk.get(desk.supervisor, f"statistics.csv?{PERIOD}")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    labels = [c["label"] for c in table["columns"]]
    assert header == labels
    codes = [c["code"] for c in table["columns"]]
    as_text = [["" if r[c] is None else str(r[c]) for c in codes] for r in table["rows"]]
    assert rows == as_text
    assert rows[2][codes.index("median_working_days")] == "5.5"


def test_the_chart_shows_each_month_s_totals(desk):
    answer = desk.get(desk.supervisor, f"statistics.svg?{PERIOD}")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    svg = answer.text
    assert svg.startswith("<svg")
    assert 'data-month="2026-03" data-figure="applications" data-value="4"' in svg
    assert 'data-month="2026-04" data-figure="overdue" data-value="1"' in svg
    assert 'data-month="2026-04" data-figure="complaints" data-value="1"' in svg


def test_the_supervisor_s_page_opens_with_the_chart_and_the_table(desk):
    answer = desk.get(desk.supervisor, f"statistics.html?{PERIOD}")

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    page = answer.text
    assert page.count("<svg") == 1
    assert "受理至决定工作日中位数" in page
    assert "<td>370102002</td>" in page


def test_a_period_that_ends_before_it_begins_is_refused(desk):
    query = f"region={COUNTY}&first_month=2026-04&last_month=2026-03"

    answer = desk.get(desk.supervisor, f"statistics?{query}")

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_period"


def test_statistics_of_another_county_are_refused_and_recorded(desk):
    query = "region=370103&first_month=2026-03&last_month=2026-04"

    answer = desk.get(desk.supervisor, f"statistics?{query}")

    assert answer.status_code == 403
    assert (desk.supervisor, "access_refused", "outside_jurisdiction") in desk.api.refusals()
