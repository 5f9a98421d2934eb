"""`jiuzhu demo`: the joint scenario in memory for sample households that take every path.

Each household is data: who they are, what the registries know of them, and what the
officers decide. The driver below acts as the officers would, through the application
layer only, and prints each household's timeline with Chinese labels and stable codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone

from attrs import frozen

from adapters.clock import FixedClock
from adapters.ids import SequentialIds
from adapters.memory.registries import (
    InMemoryAssistancePlatform,
    InMemoryDisabilityRegister,
    InMemoryUnemploymentRegistry,
)
from adapters.memory.storage import InMemoryStore
from application.case_events import apply_case_event, record_dispute
from application.commands import ApplyCaseEvent, RecordConsultation, SubmitApplication
from application.consultations import record_consultation
from application.dependencies import Dependencies
from application.intake import submit_application
from application.queries import TimelineEntry, get_scenario, timeline_of
from domain.actors import Actor, Role
from domain.benefits import BenefitDecision, DibaoHousehold, SubsidyAmount
from domain.cases import STATE_LABELS, Case
from domain.errors import RuleRefused
from domain.facts import (
    AssistanceRecord,
    CheckWarning,
    DisabilityStatus,
    RecordStatus,
)
from domain.identity import ResidentId, Sex, check_character
from domain.money import Money
from domain.notices import OneTimeNotice, render_text
from domain.particulars import InsuranceClaim
from domain.regions import RegionCode
from domain.scenario import STATE_LABELS as SCENARIO_LABELS
from domain.services import Channel, Service
from entrypoints.bootstrap import bootstrap_in_memory
from entrypoints.worker import Worker
from ports.errors import RegistryError
from ports.outbox import EntryStatus
from ports.registries import AssistancePlatform, DisabilityRegister, UnemploymentRegistry

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
GRANT, REFUSE = "grant", "refuse"
DIBAO_MATERIALS = ("id_card", "household_register", "commitment", "check_authorization")


@frozen
class Household:
    """A sample applicant, what the registries hold on them, and the officers' decisions."""

    key: str
    name: str
    birth: date
    township: str
    paths: str
    history: tuple[AssistanceRecord, ...] = ()
    registered: bool = False
    severe_disability_subsidy: bool = False
    warnings: tuple[CheckWarning, ...] = ()
    capability_level: int = 3
    dibao: str = GRANT
    registration: str = GRANT
    registration_first: bool = False
    recognition: str = GRANT
    subsidy: str = GRANT
    missing: tuple[str, ...] = ()
    dispute: bool = False
    channel: Channel = Channel.WINDOW
    objection: bool = False  # an objection during the public notice (公示, R1)
    members: int = 2  # found by the township's investigation (R1)
    monthly_income: str = "600"  # yuan, the household's
    severe_disability_monthly: str | None = None  # yuan, where the register says


VEHICLE_WARNING = CheckWarning("vehicle_owned", "家庭成员名下登记有机动车辆一辆", "车辆管理部门")

HOUSEHOLDS: tuple[Household, ...] = (
    Household(
        "H1",
        "张桂兰",
        date(1951, 3, 8),
        "370112001",
        "75岁；未享受重度残疾人护理补贴；能力评估3级；未失业登记，登记不予批准",
        capability_level=3,
        registration=REFUSE,
        missing=("commitment", "check_authorization"),
    ),
    Household(
        "H2",
        "李建国",
        date(1974, 5, 20),
        "370102001",
        "52岁；已失业登记；认定通过；社保补贴批准（县级审核确认的地区）",
        registered=True,
        channel=Channel.APP,
    ),
    Household(
        "H3",
        "赵淑芬",
        date(1966, 6, 1),
        "370112001",
        "恰满60岁；已享受重度残疾人护理补贴；先办结失业登记；认定未通过",
        severe_disability_subsidy=True,
        registration_first=True,
        recognition=REFUSE,
    ),
    Household(
        "H4",
        "孙立军",
        date(1981, 9, 12),
        "370112001",
        "平台显示正在享受低保，不予受理",
        history=(AssistanceRecord(Service.DIBAO, RecordStatus.RECEIVING, date(2024, 4, 1)),),
    ),
    Household(
        "H5",
        "周红梅",
        date(1958, 1, 30),
        "370112001",
        "平台显示特困供养申请办理中，不予受理",
        history=(AssistanceRecord(Service.TEKUN, RecordStatus.PENDING, date(2026, 11, 20)),),
    ),
    Household(
        "H6",
        "吴志强",
        date(1988, 11, 2),
        "370112001",
        "核对报告预警，申请人提出异议；低保不予批准；失业登记随后通过，就业分支结束",
        warnings=(VEHICLE_WARNING,),
        dispute=True,
        dibao=REFUSE,
    ),
    Household(
        "H7",
        "郑玉珍",
        date(1958, 7, 15),
        "370112001",
        "68岁；能力评估1级，护理补贴不予批准；失业登记不予批准",
        capability_level=1,
        registration=REFUSE,
    ),
    Household(
        "H8",
        "钱卫东",
        date(1971, 2, 3),
        "370112001",
        "55岁；公示期间有人提出异议，重新调查后再次公示；已失业登记；认定通过；社保补贴不予批准",
        registered=True,
        subsidy=REFUSE,
        objection=True,
    ),
    Household(
        "H9",
        "冯丽",
        date(1967, 4, 4),
        "370112001",
        "59岁；已失业登记，认定申请等待低保结果；低保不予批准，等待中的分支结束",
        registered=True,
        dibao=REFUSE,
    ),
    Household(
        "H10",
        "韩德明",
        date(1944, 10, 9),
        "370112001",
        "82岁；重度残疾人护理补贴每月60元低于老年人护理补贴，就高领取老年人护理补贴",
        severe_disability_subsidy=True,
        severe_disability_monthly="60",
        members=1,
        monthly_income="300",
        registration=REFUSE,
    ),
)


@frozen
class Staff:
    """The officers of one county: window, review, confirmation, HR and assessment."""

    clerk: Actor
    reviewer: Actor
    approver: Actor
    hr: Actor
    assessor: Actor


def _staff(county: str, approver_region: str, prefix: str) -> Staff:
    township = f"{county}001"

    def actor(key: str, name: str, role: Role, region: str) -> Actor:
        return Actor(f"{prefix}-{key}", name, [role], RegionCode(region))

    return Staff(
        clerk=actor("clerk", "刘敏", Role.WINDOW_CLERK, township),
        reviewer=actor("reviewer", "陈刚", Role.REVIEWER, township),
        approver=actor("approver", "王芳", Role.APPROVER, approver_region),
        hr=actor("hr", "何军", Role.HR_OFFICER, county),
        assessor=actor("assessor", "马丽", Role.ASSESSOR, county),
    )


STAFF = {
    # In the default policy the township confirms; the sample county 370102 confirms itself.
    "370112": _staff("370112", "370112001", "lc"),
    "370102": _staff("370102", "370102", "lx"),
}


def resident_id(household: Household, sequence: int) -> str:
    """A valid ID number for the sample person (GB 11643 check character computed)."""
    first17 = f"{household.township[:6]}{household.birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


OFFICER_ATTEMPTS = 30  # how often an officer tries a step again while a registry is down
SETTLE_ROUNDS = 30  # ten-minute rounds the outbox gets to catch up


@frozen
class RegistryPorts:
    """What the use cases call for the three registries."""

    platform: AssistancePlatform
    unemployment: UnemploymentRegistry
    disability: DisabilityRegister


@frozen
class SampleRegistries:
    """Where the sample people are seeded: in memory, or a simulator's registries."""

    platform: InMemoryAssistancePlatform
    unemployment: InMemoryUnemploymentRegistry
    disability: InMemoryDisabilityRegister

    @classmethod
    def in_memory(cls, clock: FixedClock) -> SampleRegistries:
        return cls(
            InMemoryAssistancePlatform(clock=clock),
            InMemoryUnemploymentRegistry(),
            InMemoryDisabilityRegister(),
        )


class Demo:
    """Drives the households through the application layer, as officers would."""

    def __init__(
        self,
        out: Callable[[str], None] = print,
        *,
        clock: FixedClock | None = None,
        registries: SampleRegistries | None = None,
        ports: RegistryPorts | None = None,
    ) -> None:
        """In memory by default; `registries` are where the sample people are seeded
        (a simulator's), `ports` what the use cases call (HTTP adapters to it)."""
        self.clock = clock or FixedClock(START)
        sample = registries or SampleRegistries.in_memory(self.clock)
        self.platform = sample.platform
        self.unemployment = sample.unemployment
        self.disability = sample.disability
        calls = ports or RegistryPorts(sample.platform, sample.unemployment, sample.disability)
        self.store = InMemoryStore()
        self.deps: Dependencies = bootstrap_in_memory(
            clock=self.clock,
            ids=SequentialIds(),
            store=self.store,
            platform=calls.platform,
            unemployment=calls.unemployment,
            disability=calls.disability,
        )
        self.worker = Worker(self.deps, self.store.outbox, worker_id="demo")
        self.out = out
        self.summaries: list[str] = []

    def run(self, households: Iterable[Household] = HOUSEHOLDS) -> list[str]:
        self._consultation()
        for number, household in enumerate(households, start=1):
            self._household(household, number)
        self.out("\n== 汇总 summary")
        for line in self.summaries:
            self.out(line)
        return self.summaries

    def _consultation(self) -> None:
        staff = STAFF["370112"]
        result = record_consultation(
            self.deps,
            staff.clerk,
            RecordConsultation(
                "低保需要带哪些材料？", "370112001", Channel.PHONE, Service.DIBAO, "来电群众"
            ),
        )
        self.out("== 咨询 consultation (R10, R11)")
        self.out(f"首问负责人 first responder: {result.consultation.first_responder}")
        if result.notice is not None:
            self.out(render_text(result.notice))

    def _household(self, household: Household, number: int) -> None:
        staff = STAFF[household.township[:6]]
        person = resident_id(household, 100 + number * 2 + 1)
        self._seed(household, ResidentId.parse(person, today=self.clock.now().date()))
        supplied = [m for m in DIBAO_MATERIALS if m not in household.missing]
        intake = submit_application(
            self.deps,
            staff.clerk,
            SubmitApplication(
                Service.DIBAO,
                person,
                household.name,
                household.township,
                household.channel,
                frozenset(supplied),
            ),
        )
        self.out(f"\n== {household.key} {household.name}  {intake.case.applicant.resident_id}")
        self.out(f"   路径 paths: {household.paths}")
        self.out(_indent(_notice_brief(intake.notice)))
        self.settle()
        if intake.scenario is None or not self._case(intake.case.id).is_open:
            self._print(household, intake.case.scenario_id)
            return
        dibao = intake.case.id
        self.settle()
        self._prepare_dibao(household, staff, dibao)
        if household.registration_first:
            self._work_linked(
                household, staff, intake.case.scenario_id, only=Service.UNEMPLOYMENT_REGISTRATION
            )
        self._decide_dibao(household, staff, dibao)
        for _ in range(12):
            self.settle()
            if not self._work_linked(household, staff, intake.case.scenario_id):
                break
        self._print(household, intake.case.scenario_id)

    def _seed(self, household: Household, person: ResidentId) -> None:
        if household.history:
            self.platform.seed_history(person, *household.history)
        if household.warnings:
            self.platform.seed_warnings(person, *household.warnings)
        if household.registered:
            self.unemployment.seed_registered(person, date(2026, 6, 1))
        if household.severe_disability_subsidy:
            monthly = household.severe_disability_monthly
            amount = Money.yuan(monthly) if monthly is not None else None
            status = DisabilityStatus(
                True, grade=1, category="肢体", severe_nursing_monthly=amount
            )
            self.disability.seed(person, status)

    def _tick(self, hours: float = 1.5) -> None:
        """Move the demo clock on, within office hours (9:00 to 17:00)."""
        moment = self.clock.advance(hours=hours)
        if moment.hour >= 17 or moment.hour < 9:
            next_day = (moment + timedelta(days=1 if moment.hour >= 17 else 0)).date()
            self.clock.set(datetime.combine(next_day, START.timetz()))

    def _act(self, actor: Actor, case_id: str, event: str, **kwargs: object) -> None:
        """One officer's step; a registry that does not answer is tried again later, as an
        officer would after a "try again" answer (P9: nothing is guessed meanwhile)."""
        self._tick()
        command = ApplyCaseEvent(case_id, event, **kwargs)  # type: ignore[arg-type]
        for _attempt in range(OFFICER_ATTEMPTS - 1):
            try:
                apply_case_event(self.deps, actor, command)
            except RegistryError:
                pass
            except RuleRefused as refused:
                if refused.code != "decision_on_hold" or refused.rule != "R6":
                    raise  # only the wait for the history check (R6) passes by itself
            else:
                return
            self.clock.advance(minutes=5)
            self.settle()
        apply_case_event(self.deps, actor, command)

    def settle(self) -> None:
        """Let the outbox catch up: registry writes, and scenarios waiting on a registry,
        retried as time passes (P8)."""
        for _round in range(SETTLE_ROUNDS):
            self.worker.drain()
            if not self._waiting():
                return
            self.clock.advance(minutes=10)

    def _waiting(self) -> bool:
        return any(state.status is EntryStatus.PENDING for state in self.store.outbox.states())

    def _prepare_dibao(self, household: Household, staff: Staff, dibao: str) -> None:
        if household.missing:
            self._act(staff.clerk, dibao, "request_materials")
            self._tick(hours=48)
            self._act(staff.clerk, dibao, "supply_materials", materials=household.missing)
        self._act(staff.reviewer, dibao, "record_check_report")
        if household.dispute:
            self._tick()
            record_dispute(
                self.deps,
                staff.clerk,
                dibao,
                evidence=("车辆管理部门出具的车辆已转让登记证明",),
                note="申请人称车辆已于2025年转让",
            )
            self._act(staff.reviewer, dibao, "record_check_report")
        self._act(staff.reviewer, dibao, "verify", particulars=_household_found(household))

    def _decide_dibao(self, household: Household, staff: Staff, dibao: str) -> None:
        if household.dibao == GRANT:
            self._act(staff.reviewer, dibao, "publish_notice")
            if household.objection:
                self._tick(hours=48)
                self._act(
                    staff.clerk,
                    dibao,
                    "object",
                    reason="objection_received",
                    note="村民反映申请人有经营收入",
                )
                self._tick(hours=24)
                found = _household_found(household)
                self._act(
                    staff.reviewer,
                    dibao,
                    "verify",
                    particulars=found,
                    note="经重新调查，异议不成立",
                )
                self._act(staff.reviewer, dibao, "publish_notice")
            notice = self.deps.policy.guide(Service.DIBAO).notice_procedure
            assert notice is not None
            self._tick(hours=24 * (notice.notice_days + 1))  # 公示 runs its days (R1)
            self._act(staff.approver, dibao, "approve")
            self._act(staff.approver, dibao, "grant")
        else:
            self._act(
                staff.approver,
                dibao,
                "reject",
                reason="income_above_standard",
                note="经入户调查，家庭月人均收入高于当地低保标准",
            )

    def _work_linked(
        self,
        household: Household,
        staff: Staff,
        scenario_id: str | None,
        only: Service | None = None,
    ) -> bool:
        """Take one step on every open linked case; False when nothing could move."""
        assert scenario_id is not None
        view = get_scenario(self.deps, staff.hr, scenario_id)
        moved = False
        for branch in view.branches:
            for linked in branch.cases:
                if linked.service is Service.DIBAO or linked.state in (
                    "closed",
                    "benefit_granted",
                ):
                    continue
                if only is not None and linked.service is not only:
                    continue
                moved |= self._step_linked(household, staff, linked.service, linked.case_id)
        return moved

    def _case(self, case_id: str) -> Case:
        with self.deps.uow() as uow:
            return uow.cases.get(case_id)

    def _step_linked(
        self, household: Household, staff: Staff, service: Service, case_id: str
    ) -> bool:
        case = self._case(case_id)
        officer = staff.hr if service.department.value == "human_resources" else staff.reviewer
        decision = {
            Service.UNEMPLOYMENT_REGISTRATION: household.registration,
            Service.EMPLOYMENT_DIFFICULTY: household.recognition,
            Service.FLEXIBLE_INSURANCE_SUBSIDY: household.subsidy,
            Service.ELDERLY_NURSING: GRANT if household.capability_level >= 2 else REFUSE,
        }[service]
        if service is Service.ELDERLY_NURSING and case.assessment is None:
            self._tick(hours=24)
            self._act(
                staff.assessor,
                case_id,
                "record_assessment",
                assessment_level=household.capability_level,
                assessors=("马丽", "孙强"),
            )
            return True
        if case.hold is not None:
            return False
        if case.state == "received" and decision == GRANT:
            self._act(officer, case_id, "verify")
            return True
        approver = staff.hr if officer is staff.hr else staff.approver
        if decision == GRANT:
            self._act(approver, case_id, "approve", particulars=_claim_at_approval(case))
            self._act(approver, case_id, "grant")
        else:
            self._act(officer, case_id, "reject", reason=REFUSAL_REASONS[service])
        return True

    def _print(self, household: Household, scenario_id: str | None) -> None:
        assert scenario_id is not None
        staff = STAFF[household.township[:6]]
        view = get_scenario(self.deps, staff.hr, scenario_id)
        with self.deps.uow() as uow:
            cases = [
                uow.cases.get(view.scenario.case_of(s))
                for s in [Service.DIBAO, *view.scenario.linked_cases]
            ]
        lines = []
        for case in cases:
            for entry in timeline_of(case.events):
                lines.append((entry.at, 0, _case_line(case, entry)))
        for event in view.history:
            for move in event.moves:
                label = SCENARIO_LABELS.get(move.branch, "联办")
                text = (
                    f"联办·{label}: {SCENARIO_LABELS[move.from_state]} → "
                    f"{SCENARIO_LABELS[move.to_state]}  [{move.rule} {move.reason}]"
                )
                lines.append((event.at.isoformat(timespec="seconds"), 1, text))
        self.out("   时间线 timeline:")
        for at, _, text in sorted(lines, key=lambda line: (line[0], line[1])):
            self.out(f"   {at[5:16].replace('T', ' ')}  {text}")
        self.summaries.append(_summary(household, view.status, cases))


REFUSAL_REASONS = {
    Service.UNEMPLOYMENT_REGISTRATION: "receives_pension",
    Service.EMPLOYMENT_DIFFICULTY: "no_qualifying_category",
    Service.FLEXIBLE_INSURANCE_SUBSIDY: "not_flexibly_employed",
    Service.ELDERLY_NURSING: "assessment_not_qualifying",
}


def _case_line(case: Case, entry: TimelineEntry) -> str:
    reason = f" {entry.reason}" if entry.reason else ""
    note = f"  “{entry.note}”" if entry.note else ""
    return (
        f"{case.service.label}: {entry.event_label}（{entry.event}）→ {entry.to_label}"
        f"  [{entry.rule}{reason}] {entry.actor_id}{note}"
    )


def _household_found(household: Household) -> DibaoHousehold:
    """The household as the township's investigation records it (R1)."""
    income = Money.yuan(household.monthly_income)
    return DibaoHousehold(household.members, household.members, income)


def _claim_at_approval(case: Case) -> InsuranceClaim | None:
    """What the HR officer records when approving the insurance subsidy (R9)."""
    if case.service is not Service.FLEXIBLE_INSURANCE_SUBSIDY:
        return None
    sex = case.applicant.resident_id.sex
    category = "male" if sex is Sex.MALE else "female_worker"
    return InsuranceClaim(Money.yuan("1050"), category)


def _summary(household: Household, status: str, cases: list[Case]) -> str:
    parts = []
    for case in cases:
        state = case.closure.outcome.label if case.closure else STATE_LABELS[case.state]
        parts.append(f"{case.service.label}={state}{_amount(case)}")
    return f"{household.key} {household.name}: {SCENARIO_LABELS[status]}；" + "，".join(parts)


def _amount(case: Case) -> str:
    """The benefit computed at confirmation, as the summary shows it."""
    benefit = case.benefit
    if isinstance(benefit, BenefitDecision):
        return f"（每月{benefit.monthly}，自{benefit.starts_on:%Y-%m-%d}起）"
    if isinstance(benefit, SubsidyAmount):
        return f"（{benefit.amount}）"
    return ""


def _notice_brief(notice: OneTimeNotice) -> str:
    """The lines of the one-time notice that differ per applicant (R11)."""
    lines = [f"{notice.title}：{'予以受理' if notice.accepted else '不予受理'}"]
    if notice.deadline is not None:
        provisional = "（暂定，跨越节假日安排未公布的年度）" if notice.deadline_provisional else ""
        lines.append(f"办理期限至 {notice.deadline:%Y-%m-%d}{provisional}")
    if notice.missing_materials:
        lines.append(
            "尚需补正材料（一次性告知）：" + "、".join(n for _, n in notice.missing_materials)
        )
    lines += [f"理由：{r.text}［{r.rule} {r.code}］" for r in notice.reasons]
    lines += [f"待查询：{p}" for p in notice.pending]
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join(f"   | {line}" for line in text.splitlines())


def run_demo(out: Callable[[str], None] = print) -> list[str]:
    """Run every sample household; returns the one-line summaries."""
    return Demo(out).run()
