"""What every storage adapter promises for service management (R10, R13 to R15).

`ManagementStorageContract` is abstract and not collected: each adapter's test class
builds, in `make_uow()`, a unit of work over one storage shared by the test, whose case
deadlines come from `DUE_ON` (the composition root's `running_deadline`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, datetime, timedelta

import pytest

from adapters.holiday_calendar import china_calendar
from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from domain import complaints as machine
from domain.actors import Role
from domain.cases import Case
from domain.complaints import Complaint, ComplaintKind, ComplaintStep
from domain.inquiries import Consultation
from domain.lifecycle import Step, apply
from domain.policy_defaults import default_policy
from domain.regions import RegionCode
from domain.services import Channel, Department, Service
from domain.spot_checks import SampleCriteria, SpotCheck, Verdict, draw_spot_check
from domain.training import TrainingSession, new_session
from domain.units import Unit
from entrypoints.bootstrap import running_deadline
from ports.errors import ConcurrencyConflict, NotFound
from ports.storage import CaseQuery, RecordQuery, UnitOfWork
from tests.factories import (
    COUNTY,
    OTHER_TOWNSHIP,
    T0,
    TOWNSHIP,
    make_actor,
    make_case,
    resident_id,
    rules_for,
)

POLICY = default_policy()
DUE_ON = running_deadline(POLICY, china_calendar())
SUPERVISOR = make_actor(Role.SUPERVISOR, actor_id="supervisor-1", region=COUNTY)
CLERK = make_actor()
TOWNSHIP_CIVIL = Unit(TOWNSHIP, Department.CIVIL_AFFAIRS)
COUNTY_HR = Unit(COUNTY, Department.HUMAN_RESOURCES)


def complaint(
    complaint_id: str = "complaint-0001",
    *,
    kind: ComplaintKind = ComplaintKind.COMPLAINT,
    at: datetime = T0,
    region: RegionCode = TOWNSHIP,
    case_id: str | None = None,
) -> Complaint:
    return machine.receive_complaint(
        complaint_id=complaint_id,
        kind=kind,
        channel=Channel.LETTER,
        summary="反映低保审核超期",
        region=region,
        step=ComplaintStep(make_actor(region=region), at),
        rules=POLICY.supervision,
        unit=Unit(region, Department.CIVIL_AFFAIRS),
        complainant="李四",
        case_id=case_id,
        service=Service.DIBAO,
    )


def moved(record: Complaint, unit: Unit, minutes: int = 30) -> None:
    step = ComplaintStep(
        SUPERVISOR, record.last_event_at + timedelta(minutes=minutes), to_unit=unit, reason="职责"
    )
    machine.apply(record, "transfer", step, POLICY.supervision)


def consultation(consultation_id: str = "consultation-0001") -> Consultation:
    return Consultation(
        id=consultation_id,
        channel=Channel.PHONE,
        question="失业登记在哪里办？",
        received_at=T0,
        first_responder="clerk-1",
        responsible="clerk-1",
        region=TOWNSHIP,
        unit=TOWNSHIP_CIVIL,
    )


def decided_case(case_id: str, serial: int) -> Case:
    case = make_case(case_id, person=resident_id(serial))
    step = Step(make_actor(Role.REVIEWER, actor_id="reviewer-1"), T0 + timedelta(hours=1))
    apply(
        case,
        "reject",
        Step(step.actor, step.at, reason="income_above_standard"),
        rules_for(case.service),
    )
    return case


def spot_check(population: list[Case]) -> SpotCheck:
    return draw_spot_check(
        check_id="spot_check-0001",
        criteria=SampleCriteria(COUNTY, T0.date(), T0.date()),
        population=population,
        size=2,
        seed="seed-0001",
        actor=SUPERVISOR,
        at=T0 + timedelta(days=1),
    )


def session(session_id: str = "training-0001", held_on: date = date(2026, 2, 26)):
    return new_session(
        session_id=session_id,
        title="业务培训",
        region=COUNTY,
        held_on=held_on,
        hours=2,
        actor=SUPERVISOR,
        at=T0,
        today=T0.date(),
    )


class ManagementStorageContract(ABC):
    @abstractmethod
    def make_uow(self) -> UnitOfWork:
        """A new unit of work over the storage this test shares, deadlines from DUE_ON."""

    def commit(self, *records: object) -> None:
        with self.make_uow() as uow:
            for record in records:
                if isinstance(record, Complaint):
                    uow.complaints.add(record)
                elif isinstance(record, Consultation):
                    uow.consultations.add(record)
                elif isinstance(record, SpotCheck):
                    uow.spot_checks.add(record)
                elif isinstance(record, TrainingSession):
                    uow.training.add(record)
                elif isinstance(record, Case):
                    uow.cases.add(record)
            uow.commit()

    # -- complaints and reports --

    def test_a_committed_complaint_reads_back_with_equal_fields_at_version_1(self):
        stored = complaint()
        moved(stored, COUNTY_HR)
        self.commit(stored)

        with self.make_uow() as uow:
            loaded = uow.complaints.get("complaint-0001")

        assert (loaded, loaded.version) == (stored, 1)

    def test_an_unknown_complaint_raises_not_found(self):
        with self.make_uow() as uow, pytest.raises(NotFound):
            uow.complaints.get("complaint-9999")

    def test_of_two_units_changing_one_complaint_version_the_second_conflicts(self):
        """P5 for complaints too."""
        self.commit(complaint())
        with self.make_uow() as first, self.make_uow() as second:
            mine = first.complaints.get("complaint-0001")
            theirs = second.complaints.get("complaint-0001")
            moved(mine, COUNTY_HR)
            moved(theirs, Unit(OTHER_TOWNSHIP, Department.CIVIL_AFFAIRS))
            first.complaints.save(mine)
            second.complaints.save(theirs)
            first.commit()

            with pytest.raises(ConcurrencyConflict):
                second.commit()

    def found(self, query: RecordQuery) -> list[str]:
        with self.make_uow() as uow:
            return [c.id for c in uow.complaints.find(query)]

    def store_varied_complaints(self) -> None:
        later = complaint("complaint-0002", kind=ComplaintKind.REPORT, at=T0 + timedelta(days=3))
        elsewhere = complaint("complaint-0003", region=OTHER_TOWNSHIP, case_id="case-0007")
        bounced = complaint("complaint-0004", at=T0 + timedelta(hours=1))
        moved(bounced, COUNTY_HR)
        closed = complaint("complaint-0005", at=T0 + timedelta(days=10))
        for event, step in (
            (
                "verify",
                ComplaintStep(
                    SUPERVISOR, T0 + timedelta(days=11), text="不属实", substantiated=False
                ),
            ),
            ("answer", ComplaintStep(SUPERVISOR, T0 + timedelta(days=11, hours=1), text="已答复")),
        ):
            machine.apply(closed, event, step, POLICY.supervision)
        self.commit(later, elsewhere, bounced, closed, complaint())

    def test_find_lists_complaints_by_receipt_time_then_id(self):
        self.store_varied_complaints()

        assert self.found(RecordQuery()) == [
            "complaint-0001",
            "complaint-0003",
            "complaint-0004",
            "complaint-0002",
            "complaint-0005",
        ]

    def test_find_within_a_township_leaves_out_the_others_and_follows_a_transfer(self):
        self.store_varied_complaints()

        assert self.found(RecordQuery(within=TOWNSHIP)) == [
            "complaint-0001",
            "complaint-0002",
            "complaint-0005",
        ]

    def test_find_filters_complaints_by_kind(self):
        self.store_varied_complaints()

        assert self.found(RecordQuery(kind=ComplaintKind.REPORT)) == ["complaint-0002"]

    def test_find_filters_complaints_by_the_case_they_name(self):
        self.store_varied_complaints()

        assert self.found(RecordQuery(case_id="case-0007")) == ["complaint-0003"]

    def test_find_lists_only_records_that_moved_between_units(self):
        self.store_varied_complaints()

        assert self.found(RecordQuery(moved_between_units=True)) == ["complaint-0004"]

    def test_find_filters_by_the_local_day_of_receipt(self):
        self.store_varied_complaints()

        found = self.found(RecordQuery(received_from=T0.date() + timedelta(days=1)))

        assert found == ["complaint-0002", "complaint-0005"]

    def test_find_open_only_leaves_out_a_closed_complaint(self):
        self.store_varied_complaints()
        with self.make_uow() as uow:
            answered = uow.complaints.get("complaint-0005")
            step = ComplaintStep(
                SUPERVISOR, T0 + timedelta(days=12), satisfaction=machine.Satisfaction.SATISFIED
            )
            machine.apply(answered, "close", step, POLICY.supervision)
            uow.complaints.save(answered)
            uow.commit()

        assert "complaint-0005" not in self.found(RecordQuery(open_only=True))

    def test_a_unit_of_work_finds_the_complaint_it_staged(self):
        with self.make_uow() as uow:
            uow.complaints.add(complaint())

            found = [c.id for c in uow.complaints.find(RecordQuery(within=TOWNSHIP))]

        assert found == ["complaint-0001"]

    # -- consultations --

    def test_find_lists_a_consultation_moved_to_another_unit(self):
        still = consultation("consultation-0002")
        away = consultation()
        away.transfer(to_officer="", to_unit=COUNTY_HR, reason="人社业务", actor=CLERK, at=T0)
        self.commit(still, away)

        with self.make_uow() as uow:
            found = [c.id for c in uow.consultations.find(RecordQuery(moved_between_units=True))]

        assert found == ["consultation-0001"]

    # -- spot checks --

    def test_a_spot_check_reads_back_with_its_seed_sample_and_findings(self):
        population = [decided_case(f"case-000{n}", n) for n in range(1, 5)]
        check = spot_check(population)
        self.commit(check)
        with self.make_uow() as uow:
            loaded = uow.spot_checks.get(check.id)
            case = next(c for c in population if c.id == loaded.sample[0])
            loaded.record_finding(
                case,
                verdict=Verdict.COMPLIANT,
                text="规范",
                staff_id="reviewer-1",
                actor=SUPERVISOR,
                at=T0 + timedelta(days=2),
            )
            uow.spot_checks.save(loaded)
            uow.commit()

        with self.make_uow() as uow:
            again = uow.spot_checks.get(check.id)

        assert (again.seed, again.sample, again.version) == (check.seed, check.sample, 2)
        assert [f.staff_id for f in again.findings] == ["reviewer-1"]

    def test_spot_checks_within_a_region_are_listed_oldest_draw_first(self):
        self.commit(spot_check([]))

        with self.make_uow() as uow:
            in_county = [c.id for c in uow.spot_checks.within(COUNTY)]
            elsewhere = uow.spot_checks.within(RegionCode("370103"))

        assert (in_county, elsewhere) == (["spot_check-0001"], [])

    # -- training --

    def test_a_session_is_found_by_who_attended_it_in_the_year_it_was_held(self):
        held = session()
        held.attend("clerk-1", "王敏", actor=SUPERVISOR, at=T0)
        self.commit(held)

        with self.make_uow() as uow:
            this_year = [s.id for s in uow.training.attended_by("clerk-1", 2026)]
            last_year = uow.training.attended_by("clerk-1", 2025)
            someone_else = uow.training.attended_by("reviewer-1", 2026)

        assert (this_year, last_year, someone_else) == (["training-0001"], [], [])

    def test_attendance_added_later_is_found_after_the_save(self):
        self.commit(session())
        with self.make_uow() as uow:
            held = uow.training.get("training-0001")
            held.attend("reviewer-1", "李强", actor=SUPERVISOR, at=T0)
            uow.training.save(held)
            uow.commit()

        with self.make_uow() as uow:
            found = [s.id for s in uow.training.attended_by("reviewer-1", 2026)]
            version = uow.training.get("training-0001").version

        assert (found, version) == (["training-0001"], 2)

    def test_sessions_held_in_a_year_are_listed_by_day_held(self):
        self.commit(
            session("training-0002", date(2026, 1, 20)),
            session("training-0001", date(2026, 2, 26)),
            session("training-0003", date(2025, 12, 1)),
        )

        with self.make_uow() as uow:
            held = [s.id for s in uow.training.held_in(2026)]

        assert held == ["training-0002", "training-0001"]

    # -- cases by their stored deadline (R13) --

    def cases_due_by(self, day: date) -> list[str]:
        with self.make_uow() as uow:
            return [c.id for c in uow.cases.find(CaseQuery(due_by=day, limit=100))]

    def test_find_due_by_lists_the_open_cases_whose_deadline_falls_by_that_day(self):
        """Received 2 March 2026: the 20 working days end on 30 March."""
        self.commit(
            make_case("case-0001", person=resident_id(1)),
            make_case("case-0002", person=resident_id(2), at=T0 + timedelta(days=7)),
        )

        assert (self.cases_due_by(date(2026, 3, 30)), self.cases_due_by(date(2026, 3, 29))) == (
            ["case-0001"],
            [],
        )

    def test_find_due_by_leaves_out_a_decided_case(self):
        self.commit(decided_case("case-0001", 1))

        assert self.cases_due_by(date(2026, 12, 31)) == []

    def test_find_due_by_counts_a_case_paused_for_materials_up_to_its_last_step(self):
        """The stored day is the earliest the deadline can fall: 30 March here."""
        paused = make_case("case-0001", materials=frozenset({"id_card"}))
        step = Step(CLERK, T0 + timedelta(hours=1))
        apply(paused, "request_materials", step, rules_for(Service.DIBAO))
        self.commit(paused)

        assert self.cases_due_by(date(2026, 3, 30)) == ["case-0001"]

    def test_a_unit_of_work_holds_its_staged_cases_to_due_by_too(self):
        with self.make_uow() as uow:
            uow.cases.add(make_case("case-0001"))

            early = uow.cases.find(CaseQuery(due_by=date(2026, 3, 1)))

        assert early == []


class TestInMemoryManagementStorage(ManagementStorageContract):
    def setup_method(self) -> None:
        self.store = InMemoryStore()

    def make_uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, due_on=DUE_ON)

    def test_a_unit_of_work_without_a_deadline_function_matches_no_case_on_due_by(self):
        with InMemoryUnitOfWork(self.store) as uow:
            uow.cases.add(make_case("case-0001"))
            uow.commit()

        with InMemoryUnitOfWork(self.store) as uow:
            found = uow.cases.find(CaseQuery(due_by=date(2026, 12, 31)))

        assert found == []
