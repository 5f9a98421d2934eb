"""What every adapter of the three registry ports promises (STYLE 7).

Each `...Contract` class is abstract and not collected: an adapter's test class subclasses
it and says how to build a seeded adapter, an unavailable one, and how to count the
effects it recorded. The in-memory adapters run it here; the HTTP ones will too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import pytest

from adapters.clock import FixedClock
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from domain.facts import (
    AssistanceRecord,
    CheckWarning,
    DisabilityStatus,
    RecordStatus,
)
from domain.identity import ResidentId
from domain.services import Service
from ports.errors import RegistryAnswerInvalid, RegistryError, RegistryUnavailable
from ports.registries import (
    AssistancePlatform,
    DisabilityRegister,
    PlatformApplication,
    UnemploymentRegistry,
)
from tests.factories import T0, TOWNSHIP, resident_id

TODAY = T0.date()
RECEIVER = resident_id(1)
APPLICANT = resident_id(2)
STRANGER = resident_id(3)
DIBAO_RECEIVED = AssistanceRecord(
    Service.DIBAO, RecordStatus.RECEIVING, date(2024, 7, 1), reference="SD-2024-0701"
)
HOUSE_WARNING = CheckWarning("real_estate", "名下有两套住房", "不动产登记机构")


def application(case_id: str = "case-0001", person: ResidentId = APPLICANT) -> PlatformApplication:
    return PlatformApplication(case_id, Service.DIBAO, person, TOWNSHIP, T0)


def outcome(call: Callable[[], object]) -> str:
    """Either "answered" or the name of the registry error the call raised."""
    try:
        call()
    except RegistryError as error:
        return type(error).__name__
    return "answered"


# -- the social-assistance data platform --


class AssistancePlatformContract(ABC):
    @abstractmethod
    def make_platform(
        self,
        histories: Mapping[ResidentId, Sequence[AssistanceRecord]] | None = None,
        warnings: Mapping[ResidentId, Sequence[CheckWarning]] | None = None,
    ) -> AssistancePlatform:
        """A platform holding these histories and warnings, whose date today is TODAY."""

    @abstractmethod
    def make_unavailable_platform(self) -> AssistancePlatform:
        """A platform that cannot be reached."""

    @abstractmethod
    def applications_recorded(self, platform: AssistancePlatform) -> int:
        """How many applications the platform holds as recorded."""

    def test_the_history_of_a_person_receiving_dibao_shows_the_record_and_its_status(self):
        platform = self.make_platform(histories={RECEIVER: [DIBAO_RECEIVED]})

        history = platform.history_of(RECEIVER)

        assert history.records == (DIBAO_RECEIVED,)

    def test_a_person_the_platform_holds_no_record_of_has_an_empty_history(self):
        platform = self.make_platform(histories={RECEIVER: [DIBAO_RECEIVED]})

        history = platform.history_of(STRANGER)

        assert history.records == ()

    def test_recording_an_application_twice_returns_the_first_reference(self):
        """P6: the case id is the idempotency key of the write."""
        platform = self.make_platform()
        first = platform.record_application(application())

        again = platform.record_application(application())

        assert again == first

    def test_recording_an_application_twice_records_it_once(self):
        """P6: one effect per case, however often the outbox delivers it."""
        platform = self.make_platform()
        platform.record_application(application())

        platform.record_application(application())

        assert self.applications_recorded(platform) == 1

    def test_applications_of_different_cases_get_different_references(self):
        platform = self.make_platform()
        first = platform.record_application(application("case-0001", APPLICANT))

        second = platform.record_application(application("case-0002", STRANGER))

        assert second != first

    def test_a_check_report_carries_the_warnings_held_for_the_person(self):
        """R12: warnings are reported as data, for a person to weigh."""
        platform = self.make_platform(warnings={APPLICANT: [HOUSE_WARNING]})

        report = platform.check_report(APPLICANT, case_id="case-0001")

        assert report.warnings == (HOUSE_WARNING,)

    def test_a_check_report_for_a_person_without_warnings_has_none(self):
        platform = self.make_platform(warnings={APPLICANT: [HOUSE_WARNING]})

        report = platform.check_report(STRANGER, case_id="case-0002")

        assert not report.has_warnings

    def test_a_check_report_has_a_reference_and_is_issued_today(self):
        platform = self.make_platform()

        report = platform.check_report(APPLICANT, case_id="case-0001")

        assert report.reference
        assert report.issued_on == TODAY

    @pytest.mark.parametrize(
        "operation",
        [
            pytest.param(lambda p: p.history_of(RECEIVER), id="history_of"),
            pytest.param(lambda p: p.record_application(application()), id="record"),
            pytest.param(lambda p: p.check_report(APPLICANT, case_id="c"), id="check_report"),
        ],
    )
    def test_an_unavailable_platform_raises_instead_of_answering(
        self, operation: Callable[[AssistancePlatform], object]
    ):
        """P9: no outage is ever read as "no history"."""
        platform = self.make_unavailable_platform()

        with pytest.raises(RegistryUnavailable):
            operation(platform)


class TestInMemoryAssistancePlatform(AssistancePlatformContract):
    def make_platform(self, histories=None, warnings=None) -> InMemoryAssistancePlatform:
        return InMemoryAssistancePlatform(
            clock=FixedClock(T0), histories=histories, warnings=warnings
        )

    def make_unavailable_platform(self) -> AssistancePlatform:
        platform = self.make_platform(histories={RECEIVER: [DIBAO_RECEIVED]})
        platform.set_unavailable(True)
        return platform

    def applications_recorded(self, platform: AssistancePlatform) -> int:
        assert isinstance(platform, InMemoryAssistancePlatform)
        return len(platform.recorded)

    def test_the_first_reference_is_sd_1(self):
        platform = self.make_platform()

        reference = platform.record_application(application())

        assert reference == "SD-1"

    def test_a_write_refused_by_an_outage_records_nothing(self):
        """P9: a failed call changes nothing on the registry's side."""
        platform = self.make_platform()
        platform.set_unavailable(True)

        with pytest.raises(RegistryUnavailable):
            platform.record_application(application())

        assert platform.recorded == ()

    def test_fail_next_fails_that_many_calls_then_answers_again(self):
        platform = self.make_platform(histories={RECEIVER: [DIBAO_RECEIVED]})
        platform.fail_next(2)

        outcomes = [outcome(lambda: platform.history_of(RECEIVER)) for _ in range(3)]

        assert outcomes == ["RegistryUnavailable", "RegistryUnavailable", "answered"]

    def test_fail_next_raises_the_error_it_is_given(self):
        """P9: a malformed answer is an error too, never an empty history."""
        platform = self.make_platform(histories={RECEIVER: [DIBAO_RECEIVED]})
        platform.fail_next(1, RegistryAnswerInvalid("assistance_platform", "not JSON"))

        with pytest.raises(RegistryAnswerInvalid):
            platform.history_of(RECEIVER)

    def test_a_write_whose_answer_was_lost_is_recorded_once_when_retried(self):
        """P6: the registry applied it, the caller saw a timeout and delivers again."""
        platform = self.make_platform()
        platform.fail_next(1, after_write=True)
        with pytest.raises(RegistryUnavailable):
            platform.record_application(application())

        reference = platform.record_application(application())

        assert [r.reference for r in platform.recorded] == [reference]

    def test_asking_again_for_a_case_returns_the_same_check_report(self):
        platform = self.make_platform(warnings={APPLICANT: [HOUSE_WARNING]})
        first = platform.check_report(APPLICANT, case_id="case-0001")

        again = platform.check_report(APPLICANT, case_id="case-0001")

        assert again == first


# -- the unemployment registry --


class UnemploymentRegistryContract(ABC):
    @abstractmethod
    def make_registry(
        self, registered: Mapping[ResidentId, date] | None = None
    ) -> UnemploymentRegistry:
        """A registry holding these registrations (person -> registered on)."""

    @abstractmethod
    def make_unavailable_registry(self) -> UnemploymentRegistry:
        """A registry that cannot be reached."""

    @abstractmethod
    def registrations_made(self, registry: UnemploymentRegistry) -> int:
        """How many registrations `register` has made."""

    @abstractmethod
    def recognitions_recorded(self, registry: UnemploymentRegistry) -> int:
        """How many recognitions the registry holds as recorded."""

    def test_a_registered_person_is_reported_registered_since_the_registration(self):
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})

        status = registry.registration_of(RECEIVER)

        assert (status.registered, status.registered_on) == (True, date(2025, 11, 3))

    def test_a_person_the_registry_does_not_hold_is_reported_not_registered(self):
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})

        status = registry.registration_of(STRANGER)

        assert not status.registered

    def test_a_person_just_registered_is_then_reported_registered(self):
        registry = self.make_registry()
        registry.register(APPLICANT, case_id="case-0002", on=TODAY)

        status = registry.registration_of(APPLICANT)

        assert (status.registered, status.registered_on) == (True, TODAY)

    def test_registering_twice_for_a_case_makes_one_registration(self):
        """P6: the case id is the idempotency key of the write."""
        registry = self.make_registry()
        registry.register(APPLICANT, case_id="case-0002", on=TODAY)

        registry.register(APPLICANT, case_id="case-0002", on=TODAY)

        assert self.registrations_made(registry) == 1

    def test_registering_a_registered_person_returns_the_existing_registration(self):
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})

        status = registry.register(RECEIVER, case_id="case-0002", on=TODAY)

        assert (status.registered, status.registered_on) == (True, date(2025, 11, 3))

    def test_registering_a_registered_person_makes_no_new_registration(self):
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})

        registry.register(RECEIVER, case_id="case-0002", on=TODAY)

        assert self.registrations_made(registry) == 0

    def test_recording_a_recognition_twice_records_it_once(self):
        """P6: one effect per case, however often the outbox delivers it."""
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})
        registry.record_recognition(RECEIVER, case_id="case-0003", recognised=True, on=TODAY)

        registry.record_recognition(RECEIVER, case_id="case-0003", recognised=True, on=TODAY)

        assert self.recognitions_recorded(registry) == 1

    @pytest.mark.parametrize(
        "operation",
        [
            pytest.param(lambda r: r.registration_of(RECEIVER), id="registration_of"),
            pytest.param(lambda r: r.register(APPLICANT, case_id="c", on=TODAY), id="register"),
            pytest.param(
                lambda r: r.record_recognition(RECEIVER, case_id="c", recognised=True, on=TODAY),
                id="record_recognition",
            ),
        ],
    )
    def test_an_unavailable_registry_raises_instead_of_answering(
        self, operation: Callable[[UnemploymentRegistry], object]
    ):
        """P9: no outage is ever read as "not registered"."""
        registry = self.make_unavailable_registry()

        with pytest.raises(RegistryUnavailable):
            operation(registry)


class TestInMemoryUnemploymentRegistry(UnemploymentRegistryContract):
    def make_registry(self, registered=None) -> InMemoryUnemploymentRegistry:
        return InMemoryUnemploymentRegistry(registered=registered)

    def make_unavailable_registry(self) -> UnemploymentRegistry:
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})
        registry.set_unavailable(True)
        return registry

    def registrations_made(self, registry: UnemploymentRegistry) -> int:
        assert isinstance(registry, InMemoryUnemploymentRegistry)
        return len(registry.registrations)

    def recognitions_recorded(self, registry: UnemploymentRegistry) -> int:
        assert isinstance(registry, InMemoryUnemploymentRegistry)
        return len(registry.recognitions)

    def test_a_repeated_recognition_keeps_the_first_outcome(self):
        registry = self.make_registry()
        registry.record_recognition(RECEIVER, case_id="case-0003", recognised=True, on=TODAY)

        registry.record_recognition(RECEIVER, case_id="case-0003", recognised=False, on=TODAY)

        assert [r.recognised for r in registry.recognitions] == [True]

    def test_a_registry_back_from_an_outage_answers_again(self):
        registry = self.make_registry({RECEIVER: date(2025, 11, 3)})
        registry.set_unavailable(True)

        registry.set_unavailable(False)

        assert registry.registration_of(RECEIVER).registered


# -- the disability register --


class DisabilityRegisterContract(ABC):
    @abstractmethod
    def make_register(
        self, statuses: Mapping[ResidentId, DisabilityStatus] | None = None
    ) -> DisabilityRegister:
        """A register holding these statuses."""

    @abstractmethod
    def make_unavailable_register(self) -> DisabilityRegister:
        """A register that cannot be reached."""

    def test_a_person_receiving_the_nursing_subsidy_is_reported_with_the_grade(self):
        """R7: the elderly branch ends for a person covered by the disability subsidy."""
        receiving = DisabilityStatus(True, grade=1, category="肢体")
        register = self.make_register({RECEIVER: receiving})

        status = register.status_of(RECEIVER)

        assert status == receiving

    def test_a_person_the_register_does_not_hold_receives_no_subsidy(self):
        register = self.make_register({RECEIVER: DisabilityStatus(True, grade=1)})

        status = register.status_of(STRANGER)

        assert (status.receives_severe_nursing_subsidy, status.grade) == (False, None)

    def test_an_unavailable_register_raises_instead_of_answering(self):
        """P9: no outage is ever read as "no subsidy"."""
        register = self.make_unavailable_register()

        with pytest.raises(RegistryUnavailable):
            register.status_of(RECEIVER)


class TestInMemoryDisabilityRegister(DisabilityRegisterContract):
    def make_register(self, statuses=None) -> InMemoryDisabilityRegister:
        return InMemoryDisabilityRegister(statuses=statuses)

    def make_unavailable_register(self) -> DisabilityRegister:
        register = self.make_register({RECEIVER: DisabilityStatus(True, grade=1)})
        register.set_unavailable(True)
        return register

    def test_a_failure_injected_once_is_followed_by_the_true_answer(self):
        """P9: after the error, the caller asks again and learns the real status."""
        register = self.make_register({RECEIVER: DisabilityStatus(True, grade=1)})
        register.fail_next(1)
        with pytest.raises(RegistryUnavailable):
            register.status_of(RECEIVER)

        status = register.status_of(RECEIVER)

        assert status.receives_severe_nursing_subsidy
