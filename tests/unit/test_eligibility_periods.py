"""Waits and once-only rules: month arithmetic (民法典 第二百零二条), the 6-month wait after a
refusal, the same cause of temporary assistance once a year, dibao and tekun never together."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.eligibility import (
    ExclusiveHolding,
    HoldingStatus,
    PastRefusal,
    PriorHelp,
    exclusive_conflicts,
    exclusive_finding,
    months_after,
    refusal_wait,
    same_cause_within_a_year,
)
from domain.eligibility_defaults import default_eligibility_parameters
from domain.facts import AssistanceRecord, RecordStatus
from domain.services import Service

WAIT = default_eligibility_parameters().refusal_wait_months
ONE_DAY = timedelta(days=1)


# -- months_after --


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 8, 31), 6, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # a leap year
        (date(2026, 1, 15), 6, date(2026, 7, 15)),  # the same day of the month
        (date(2025, 10, 31), 3, date(2026, 1, 31)),  # across the new year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a year after 29 February
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_months_after_lands_on_the_same_day_or_the_last_day_of_the_month(day, months, expected):
    assert months_after(day, months) == expected


@given(day=st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)))
def test_a_day_up_to_the_28th_keeps_its_day_of_the_month(day):
    start = day.replace(day=min(day.day, 28))

    later = months_after(start, 6)

    assert (later.day, (later.year * 12 + later.month) - (start.year * 12 + start.month)) == (
        start.day,
        6,
    )


# -- the wait after a refusal (dibao, tekun) --


def wait_on(today: date, refused_on: date, *, declared_change: str = "", months: int = WAIT):
    refusals = [PastRefusal(Service.DIBAO, refused_on, "DB-2025-0007")]
    return refusal_wait(
        Service.DIBAO, refusals, today, months=months, declared_change=declared_change
    )


@pytest.mark.parametrize(
    ("today", "waiting"),
    [
        (date(2026, 2, 27), True),  # the day before
        (date(2026, 2, 28), True),  # the last day of the wait
        (date(2026, 3, 1), False),  # the day after
    ],
)
def test_refused_on_31_august_the_wait_ends_on_28_february(today, waiting):
    """The 6 months run from 1 September through 28 February (民法典 第二百零一、二百零二条)."""
    found = wait_on(today, date(2025, 8, 31))

    assert (found is not None and found.met is False) is waiting


@pytest.mark.parametrize(
    ("today", "waiting"),
    [(date(2024, 2, 28), True), (date(2024, 2, 29), True), (date(2024, 3, 1), False)],
)
def test_in_a_leap_year_the_wait_after_31_august_ends_on_29_february(today, waiting):
    found = wait_on(today, date(2023, 8, 31))

    assert (found is not None) is waiting


@pytest.mark.parametrize(
    ("today", "waiting"),
    [(date(2026, 7, 14), True), (date(2026, 7, 15), True), (date(2026, 7, 16), False)],
)
def test_refused_mid_month_the_wait_ends_on_the_same_day_six_months_on(today, waiting):
    found = wait_on(today, date(2026, 1, 15))

    assert (found is not None) is waiting


def test_an_application_on_the_day_of_the_refusal_is_within_the_wait():
    found = wait_on(date(2026, 1, 15), date(2026, 1, 15))

    assert found is not None
    assert found.met is False


def test_a_declared_change_of_circumstances_meets_the_wait_and_is_recorded():
    found = wait_on(date(2026, 2, 1), date(2025, 12, 1), declared_change="家庭成员因病失去工作")

    assert found is not None
    assert found.met is True
    assert "家庭成员因病失去工作" in found.text


def test_a_blank_declaration_is_no_declared_change():
    found = wait_on(date(2026, 2, 1), date(2025, 12, 1), declared_change="   ")

    assert found is not None
    assert found.met is False


def test_the_wait_text_names_the_refusal_and_when_the_wait_ends():
    found = wait_on(date(2026, 2, 1), date(2025, 8, 31))

    assert found is not None
    assert ("DB-2025-0007" in found.text, "2026年2月28日" in found.text) == (True, True)


def test_a_refusal_of_another_service_does_not_make_dibao_wait():
    refusals = [PastRefusal(Service.TEKUN, date(2026, 1, 5), "TK-1")]

    found = refusal_wait(
        Service.DIBAO, refusals, date(2026, 2, 1), months=WAIT, declared_change=""
    )

    assert found is None


def test_the_wait_counts_from_the_latest_refusal():
    refusals = [
        PastRefusal(Service.DIBAO, date(2025, 1, 10), "DB-old"),
        PastRefusal(Service.DIBAO, date(2025, 11, 10), "DB-new"),
    ]

    found = refusal_wait(
        Service.DIBAO, refusals, date(2026, 1, 5), months=WAIT, declared_change=""
    )

    assert found is not None
    assert "DB-new" in found.text


def test_a_full_id_number_in_a_declaration_is_masked_in_the_finding():
    """P12."""
    number = "11010519491231002X"

    found = wait_on(date(2026, 2, 1), date(2025, 12, 1), declared_change=f"{number}已失业")

    assert found is not None
    assert (number in found.text, "110***********002X" in found.text) == (False, True)


@given(
    refused_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    months=st.integers(min_value=1, max_value=24),
)
def test_the_wait_holds_on_its_last_day_and_is_over_the_day_after(refused_on, months):
    last = months_after(refused_on, months)

    on_last = wait_on(last, refused_on, months=months)
    after = wait_on(last + ONE_DAY, refused_on, months=months)

    assert (on_last is not None, after is None) == (True, True)


# -- temporary assistance: the same cause once a year --


def help_on(today: date, helped_on: date, cause: str = "fire"):
    return same_cause_within_a_year(cause, [PriorHelp("fire", helped_on, "LS-0001")], today)


@pytest.mark.parametrize(
    ("days", "within"),
    [(364, True), (365, True), (366, False)],
)
def test_the_same_cause_is_within_a_year_up_to_the_same_date_a_year_later(days, within):
    """2025-03-10 to 2026-03-10 is 365 days: the same date a year later is still within."""
    today = date(2026, 3, 10) + timedelta(days=days - 365)

    found = help_on(today, date(2025, 3, 10))

    assert (found is not None) is within


@pytest.mark.parametrize(
    ("days", "within"),
    [(365, True), (366, True), (367, False)],
)
def test_across_29_february_the_year_is_366_days(days, within):
    helped_on = date(2023, 3, 10)

    found = help_on(helped_on + timedelta(days=days), helped_on)

    assert (found is not None) is within


@pytest.mark.parametrize(
    ("today", "within"),
    [(date(2025, 2, 28), True), (date(2025, 3, 1), False)],
)
def test_a_year_after_29_february_ends_on_28_february(today, within):
    found = help_on(today, date(2024, 2, 29))

    assert (found is not None) is within


def test_help_for_another_cause_does_not_count():
    found = help_on(date(2025, 6, 1), date(2025, 3, 10), cause="serious_illness")

    assert found is None


def test_help_for_the_same_cause_within_the_year_is_a_finding_not_met():
    found = help_on(date(2025, 6, 1), date(2025, 3, 10))

    assert found is not None
    assert (found.met, "LS-0001" in found.text) == (False, True)


# -- dibao and tekun never together --


def holding(service: Service, status: HoldingStatus) -> ExclusiveHolding:
    return ExclusiveHolding(service, f"{service.value}-1", status)


@pytest.mark.parametrize(
    ("approving", "held"),
    [(Service.DIBAO, Service.TEKUN), (Service.TEKUN, Service.DIBAO)],
)
@pytest.mark.parametrize("status", [HoldingStatus.APPROVED, HoldingStatus.RECEIVING])
def test_approving_one_conflicts_with_the_other_approved_or_received(approving, held, status):
    """Dibao and tekun are not received together (POLICY-FACTS, tag ?)."""
    other = holding(held, status)

    assert exclusive_conflicts(approving, [other]) == (other,)


@pytest.mark.parametrize(
    "status", [HoldingStatus.APPLYING, HoldingStatus.ENDED, HoldingStatus.REFUSED]
)
def test_an_application_under_way_ended_or_refused_does_not_conflict(status):
    other = holding(Service.TEKUN, status)

    assert exclusive_conflicts(Service.DIBAO, [other]) == ()


def test_a_holding_of_the_same_service_is_not_an_exclusive_conflict():
    same = holding(Service.DIBAO, HoldingStatus.RECEIVING)

    assert exclusive_conflicts(Service.DIBAO, [same]) == ()


def test_other_services_never_conflict_with_dibao_or_tekun():
    tekun = holding(Service.TEKUN, HoldingStatus.RECEIVING)

    assert exclusive_conflicts(Service.TEMPORARY, [tekun]) == ()


def test_a_pending_platform_record_is_only_an_application():
    record = AssistanceRecord(Service.TEKUN, RecordStatus.PENDING, date(2026, 1, 5), "TK-9")

    assert ExclusiveHolding.from_record(record).status is HoldingStatus.APPLYING


def test_the_conflict_finding_names_what_the_person_holds():
    tekun = holding(Service.TEKUN, HoldingStatus.RECEIVING)

    found = exclusive_finding(Service.DIBAO, [tekun])

    assert found is not None
    assert (found.met, "tekun-1" in found.text, found.rule) == (False, True, "R1")


def test_no_conflict_gives_no_finding():
    assert exclusive_finding(Service.DIBAO, []) is None
