"""What every adapter of the storage port promises (STYLE 7; P3, P5).

`UnitOfWorkContract` is abstract and not collected: an adapter's test class subclasses
it and builds, in `make_uow()`, a new unit of work over one storage shared by the test.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from adapters.memory.storage import InMemoryStore, InMemoryUnitOfWork
from domain.cases import Case
from domain.inquiries import Consultation
from domain.lifecycle import Step, apply
from domain.policy import AgeRule
from domain.scenario import react
from domain.services import Channel, Service
from ports.errors import ConcurrencyConflict, DuplicateOpenCase, NotFound
from ports.storage import CaseQuery, UnitOfWork
from tests.factories import (
    COUNTY,
    OTHER_TOWNSHIP,
    T0,
    TOWNSHIP,
    make_actor,
    make_case,
    make_scenario,
    resident_id,
    rules_for,
)

PERSON = resident_id(1)
OTHER_PERSON = resident_id(2)
LATER = T0 + timedelta(hours=1)


def withdraw(case: Case, at: datetime = LATER) -> None:
    step = Step(actor=make_actor(region=case.region), at=at, reason="applicant_withdrew")
    apply(case, "withdraw", step, rules_for(case.service, case.region))


def transfer(case: Case, to_officer: str, at: datetime = LATER) -> None:
    actor = make_actor(region=case.region)
    step = Step(actor=actor, at=at, reason="workload", to_officer=to_officer)
    apply(case, "transfer", step, rules_for(case.service, case.region))


def make_consultation(consultation_id: str = "consultation-0001") -> Consultation:
    return Consultation(
        id=consultation_id,
        channel=Channel.PHONE,
        question="低保需要哪些材料？",
        received_at=T0,
        first_responder="clerk-1",
        responsible="clerk-1",
        region=TOWNSHIP,
        service=Service.DIBAO,
    )


class UnitOfWorkContract(ABC):
    @abstractmethod
    def make_uow(self) -> UnitOfWork:
        """A new unit of work over the storage this test shares."""

    def commit_new(self, *cases: Case) -> None:
        with self.make_uow() as uow:
            for case in cases:
                uow.cases.add(case)
            uow.commit()

    def stored(self, case_id: str) -> Case:
        with self.make_uow() as uow:
            return uow.cases.get(case_id)

    def ids_found(self, query: CaseQuery) -> list[str]:
        with self.make_uow() as uow:
            return [c.id for c in uow.cases.find(query)]

    # -- round trip and isolation --

    def test_a_committed_case_reads_back_with_equal_fields(self):
        case = make_case("case-0001")
        self.commit_new(case)

        loaded = self.stored("case-0001")

        assert loaded == case

    def test_a_new_case_is_stored_at_version_1_and_its_object_says_so(self):
        case = make_case("case-0001")

        self.commit_new(case)

        assert (self.stored("case-0001").version, case.version) == (1, 1)

    def test_a_loaded_case_changed_without_commit_leaves_the_stored_case_unchanged(self):
        self.commit_new(make_case("case-0001"))

        with self.make_uow() as uow:
            case = uow.cases.get("case-0001")
            transfer(case, "clerk-2")
            uow.cases.save(case)

        assert self.stored("case-0001").responsible == "clerk-1"

    def test_a_case_added_then_rolled_back_is_not_stored(self):
        with self.make_uow() as uow:
            uow.cases.add(make_case("case-0001"))

            uow.rollback()
            uow.commit()

        with pytest.raises(NotFound):
            self.stored("case-0001")

    def test_a_committed_change_raises_the_stored_version_by_one(self):
        self.commit_new(make_case("case-0001"))

        with self.make_uow() as uow:
            case = uow.cases.get("case-0001")
            transfer(case, "clerk-2")
            uow.cases.save(case)
            uow.commit()

        assert (self.stored("case-0001").version, case.version) == (2, 2)

    def test_a_second_commit_in_one_block_applies_what_was_staged_after_the_first(self):
        with self.make_uow() as uow:
            case = make_case("case-0001")
            uow.cases.add(case)
            uow.commit()
            transfer(case, "clerk-2")
            uow.cases.save(case)

            uow.commit()

        assert self.stored("case-0001").responsible == "clerk-2"

    @pytest.mark.parametrize("repository", ["cases", "scenarios", "consultations"])
    def test_an_unknown_id_raises_not_found(self, repository: str):
        with self.make_uow() as uow, pytest.raises(NotFound):
            getattr(uow, repository).get("no-such-id")

    def test_adding_a_case_whose_id_is_stored_fails_the_commit(self):
        self.commit_new(make_case("case-0001", person=PERSON))
        duplicate = make_case("case-0001", person=OTHER_PERSON)

        with pytest.raises(ConcurrencyConflict):
            self.commit_new(duplicate)

    def test_a_stored_id_is_named_as_a_conflict_before_the_open_case_rule(self):
        self.commit_new(make_case("case-0001", person=PERSON))

        with pytest.raises(ConcurrencyConflict) as refused:
            self.commit_new(make_case("case-0001", person=PERSON, at=LATER))

        assert (refused.value.kind, refused.value.record_id) == ("case", "case-0001")
        assert refused.value.expected_version == 0
        assert self.stored("case-0001").version == 1

    # -- optimistic concurrency (P5) --

    def test_of_two_units_that_loaded_one_version_the_second_to_commit_conflicts(self):
        """P5: exactly one of two officers acting on the same version succeeds."""
        self.commit_new(make_case("case-0001"))
        with self.make_uow() as first, self.make_uow() as second:
            mine, theirs = first.cases.get("case-0001"), second.cases.get("case-0001")
            transfer(mine, "clerk-2")
            transfer(theirs, "clerk-3")
            first.cases.save(mine)
            second.cases.save(theirs)
            first.commit()

            with pytest.raises(ConcurrencyConflict):
                second.commit()

    def test_a_conflicting_commit_leaves_the_winners_case_stored(self):
        """P5: no lost update; the loser's change is not applied."""
        self.commit_new(make_case("case-0001"))
        with self.make_uow() as first, self.make_uow() as second:
            mine, theirs = first.cases.get("case-0001"), second.cases.get("case-0001")
            transfer(mine, "clerk-2")
            transfer(theirs, "clerk-3")
            first.cases.save(mine)
            second.cases.save(theirs)
            first.commit()

            with pytest.raises(ConcurrencyConflict):
                second.commit()

        assert (self.stored("case-0001").responsible, self.stored("case-0001").version) == (
            "clerk-2",
            2,
        )

    def test_a_failed_commit_applies_none_of_its_changes(self):
        """P5: the whole unit of work is refused, not just the conflicting case."""
        self.commit_new(make_case("case-0001"))
        with self.make_uow() as first, self.make_uow() as second:
            theirs = second.cases.get("case-0001")
            first.cases.save(first.cases.get("case-0001"))
            first.commit()
            second.consultations.add(make_consultation())
            second.cases.save(theirs)

            with pytest.raises(ConcurrencyConflict):
                second.commit()

        with self.make_uow() as uow, pytest.raises(NotFound):
            uow.consultations.get("consultation-0001")

    def test_of_twenty_concurrent_transitions_on_one_version_exactly_one_commits(self):
        """P5: 20 officers load version 1 at once; one wins and 19 get a conflict."""
        self.commit_new(make_case("case-0001"))
        everyone_loaded = threading.Barrier(20, timeout=10)

        def act(officer: int) -> str:
            with self.make_uow() as uow:
                case = uow.cases.get("case-0001")
                everyone_loaded.wait()
                transfer(case, f"clerk-{officer + 2}")
                uow.cases.save(case)
                try:
                    uow.commit()
                except ConcurrencyConflict:
                    return "conflict"
                return "committed"

        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(act, range(20)))

        assert (results.count("committed"), results.count("conflict")) == (1, 19)

    # -- one open case per person and service (P3) --

    def test_a_second_open_case_of_a_person_and_service_is_refused(self):
        """P3: at most one open case per person and service."""
        self.commit_new(make_case("case-0001", person=PERSON))

        with pytest.raises(DuplicateOpenCase) as refused:
            self.commit_new(make_case("case-0002", person=PERSON, at=LATER))

        assert (refused.value.case_id, refused.value.service) == ("case-0001", "dibao")

    def test_two_open_cases_of_a_person_and_service_in_one_unit_are_refused(self):
        """P3: staged cases count as much as stored ones."""
        first = make_case("case-0001", person=PERSON)
        second = make_case("case-0002", person=PERSON)

        with pytest.raises(DuplicateOpenCase):
            self.commit_new(first, second)

    def test_a_closed_earlier_case_does_not_block_a_new_application(self):
        """P3: only open cases count."""
        earlier = make_case("case-0001", person=PERSON)
        withdraw(earlier)
        self.commit_new(earlier)

        self.commit_new(make_case("case-0002", person=PERSON, at=LATER))

        assert self.stored("case-0002").is_open

    def test_a_case_closed_in_the_same_unit_does_not_block_its_successor(self):
        """P3: the check counts the staged state of every case."""
        self.commit_new(make_case("case-0001", person=PERSON))

        with self.make_uow() as uow:
            earlier = uow.cases.get("case-0001")
            withdraw(earlier)
            uow.cases.save(earlier)
            uow.cases.add(make_case("case-0002", person=PERSON, at=LATER))
            uow.commit()

        assert [c.is_open for c in self.cases_of(PERSON)] == [False, True]

    def test_a_person_may_hold_open_cases_of_different_services(self):
        self.commit_new(make_case("case-0001", person=PERSON))

        self.commit_new(make_case("case-0002", person=PERSON, service=Service.TEMPORARY))

        assert len(self.cases_of(PERSON)) == 2

    def test_another_persons_open_case_of_the_same_service_does_not_block(self):
        self.commit_new(make_case("case-0001", person=PERSON))

        self.commit_new(make_case("case-0002", person=OTHER_PERSON))

        assert self.stored("case-0002").is_open

    # -- queries --

    def cases_of(self, person) -> list[Case]:
        with self.make_uow() as uow:
            return uow.cases.of_person(person)

    def test_of_person_lists_every_case_of_the_person_oldest_first(self):
        closed = make_case("case-0003", person=PERSON, at=T0)
        withdraw(closed)
        self.commit_new(
            make_case("case-0001", person=PERSON, at=LATER),
            make_case("case-0002", person=OTHER_PERSON, at=T0),
            closed,
        )

        cases = self.cases_of(PERSON)

        assert [c.id for c in cases] == ["case-0003", "case-0001"]

    def store_varied_cases(self) -> None:
        hr = make_case("case-0004", service=Service.UNEMPLOYMENT_REGISTRATION, at=T0)
        closed = make_case("case-0003", person=resident_id(3), at=T0 + timedelta(hours=2))
        withdraw(closed, at=T0 + timedelta(hours=3))
        handed_over = make_case("case-0002", person=resident_id(2), region=OTHER_TOWNSHIP)
        transfer(handed_over, "clerk-9")
        self.commit_new(
            make_case("case-0001", person=resident_id(1), at=T0),
            handed_over,
            closed,
            hr,
        )

    def test_find_filters_by_service(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(service=Service.UNEMPLOYMENT_REGISTRATION))

        assert found == ["case-0004"]

    def test_find_filters_by_state(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(state="closed"))

        assert found == ["case-0003"]

    def test_find_within_a_county_includes_every_township_of_it(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(within=COUNTY))

        assert found == ["case-0001", "case-0002", "case-0004", "case-0003"]

    def test_find_within_a_township_leaves_out_the_other_townships(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(within=OTHER_TOWNSHIP))

        assert found == ["case-0002"]

    def test_find_filters_by_the_officer_responsible(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(responsible="clerk-9"))

        assert found == ["case-0002"]

    def test_find_open_only_leaves_out_closed_cases(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(open_only=True))

        assert "case-0003" not in found

    def test_find_orders_by_receipt_time_then_id(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery())

        assert found == ["case-0001", "case-0002", "case-0004", "case-0003"]

    def test_find_pages_with_limit_and_offset(self):
        self.store_varied_cases()

        found = self.ids_found(CaseQuery(limit=2, offset=1))

        assert found == ["case-0002", "case-0004"]

    # -- scenarios and consultations --

    def test_a_scenario_in_its_parallel_branches_reads_back_in_the_same_configuration(self):
        scenario = make_scenario(history_clear=True)
        with self.make_uow() as uow:
            uow.scenarios.add(scenario)
            uow.commit()

        with self.make_uow() as uow:
            loaded = uow.scenarios.get(scenario.id)

        assert (loaded.configuration, loaded.events, loaded.version) == (
            scenario.configuration,
            scenario.events,
            1,
        )

    def test_a_stored_scenario_continues_from_its_stored_configuration(self):
        with self.make_uow() as uow:
            uow.scenarios.add(make_scenario(history_clear=True))
            uow.commit()

        with self.make_uow() as uow:
            loaded = uow.scenarios.get("scenario-0001")
            react(loaded, "dibao_granted", at=LATER, age_rule=AgeRule())

        assert loaded.is_in("dibao_in_payment")

    def test_unfinished_lists_running_scenarios_oldest_first_without_finished_ones(self):
        finished = make_scenario("scenario-0001", person=resident_id(1), at=T0)
        react(finished, "history_blocked", at=T0, age_rule=AgeRule())
        later = make_scenario("scenario-0002", person=resident_id(2), at=LATER)
        earlier = make_scenario("scenario-0003", person=resident_id(3), history_clear=True)
        with self.make_uow() as uow:
            for scenario in (finished, later, earlier):
                uow.scenarios.add(scenario)
            uow.commit()

        with self.make_uow() as uow:
            unfinished = uow.scenarios.unfinished()

        assert [s.id for s in unfinished] == ["scenario-0003", "scenario-0002"]

    def test_a_consultation_reads_back_with_equal_fields(self):
        consultation = make_consultation()
        with self.make_uow() as uow:
            uow.consultations.add(consultation)
            uow.commit()

        with self.make_uow() as uow:
            loaded = uow.consultations.get(consultation.id)

        assert loaded == consultation

    def test_an_answered_consultation_is_stored_at_the_next_version(self):
        with self.make_uow() as uow:
            uow.consultations.add(make_consultation())
            uow.commit()

        with self.make_uow() as uow:
            consultation = uow.consultations.get("consultation-0001")
            consultation.answer_with("身份证、户口簿和承诺书", actor=make_actor(), at=LATER)
            uow.consultations.save(consultation)
            uow.commit()
        with self.make_uow() as uow:
            loaded = uow.consultations.get("consultation-0001")

        assert (loaded.is_open, loaded.version) == (False, 2)


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    def setup_method(self) -> None:
        self.store = InMemoryStore()

    def make_uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def test_a_unit_of_work_reads_its_own_staged_case(self):
        with self.make_uow() as uow:
            uow.cases.add(make_case("case-0001"))

            loaded = uow.cases.get("case-0001")

        assert loaded.id == "case-0001"
