"""Object-level access (P10): every use case checks the actor's role and jurisdiction.

A use case first asks `authorise` whether the actor's roles may run it at all and, for a
record, whether the record's region lies in the actor's jurisdiction (a county officer's
region holds its townships; a township officer's only itself). A lifecycle step is then
checked against the policy's permissions for its event (`authorise_step`), before the
domain's own guard checks the same again. Every refusal is recorded in the history with
the rule and the reason, then raised as `AccessDenied`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from application.audit import record_refusal
from application.dependencies import Dependencies
from application.errors import AccessDenied
from domain import lifecycle
from domain.actors import Actor, Role
from domain.regions import RegionCode
from domain.services import Service


class UseCase(StrEnum):
    SUBMIT_APPLICATION = "submit_application"
    APPLY_CASE_EVENT = "apply_case_event"
    READ_CASE = "read_case"
    LIST_CASES = "list_cases"
    READ_DEADLINES = "read_deadlines"
    READ_SCENARIO = "read_scenario"
    RECORD_CONSULTATION = "record_consultation"
    HANDLE_CONSULTATION = "handle_consultation"  # answer it
    TRANSFER_CONSULTATION = "transfer_consultation"  # the supervisor redirects it too
    READ_RESIDENT_ID = "read_resident_id"  # the full number of one case's applicant
    FIND_PERSON = "find_person"  # the cases of a person, by ID number
    MANAGE_STAFF = "manage_staff"
    MOVE_DEMO_CLOCK = "move_demo_clock"
    # service management and supervision (R10, R13 to R15)
    READ_MY_DEADLINES = "read_my_deadlines"  # an officer's own open cases by deadline
    RECORD_COMPLAINT = "record_complaint"
    READ_COMPLAINTS = "read_complaints"
    READ_BOUNCED = "read_bounced"  # records moved back and forth between units
    SPOT_CHECK = "spot_check"  # draw a sample, record findings
    READ_SPOT_CHECKS = "read_spot_checks"
    RECORD_TRAINING = "record_training"
    READ_TRAINING = "read_training"  # anyone's training, and who is untrained
    READ_STATISTICS = "read_statistics"


_W, _R, _A = Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER
_HR, _ASSESSOR, _SUPERVISOR, _AUDITOR = (
    Role.HR_OFFICER,
    Role.ASSESSOR,
    Role.SUPERVISOR,
    Role.AUDITOR,
)
# Whoever handles cases, and whoever reads them to supervise or audit.
_CASE_HANDLERS = frozenset({_W, _R, _A, _HR, _ASSESSOR})
_READERS = _CASE_HANDLERS | {_SUPERVISOR, _AUDITOR}

# Which roles may run each use case (DESIGN.md "who uses it"; a county may change it).
# The administrator manages accounts and reads no case; only those who handle a case
# see its applicant's full ID number (P12).
USE_CASE_ROLES: Mapping[UseCase, frozenset[Role]] = {
    UseCase.SUBMIT_APPLICATION: frozenset({_W, _HR}),
    UseCase.APPLY_CASE_EVENT: _CASE_HANDLERS | {_SUPERVISOR},  # the supervisor transfers
    UseCase.READ_CASE: _READERS,
    UseCase.LIST_CASES: _READERS,
    UseCase.READ_DEADLINES: _READERS,
    UseCase.READ_SCENARIO: _READERS,
    UseCase.RECORD_CONSULTATION: frozenset({_W, _R, _A, _HR}),
    UseCase.HANDLE_CONSULTATION: frozenset({_W, _R, _A, _HR}),
    UseCase.TRANSFER_CONSULTATION: frozenset({_W, _R, _A, _HR, _SUPERVISOR}),  # R10, R15
    UseCase.READ_RESIDENT_ID: frozenset({_W, _R, _A, _HR}),
    UseCase.FIND_PERSON: frozenset({_W, _R, _A, _HR, _SUPERVISOR}),
    UseCase.MANAGE_STAFF: frozenset({Role.ADMINISTRATOR}),
    UseCase.MOVE_DEMO_CLOCK: frozenset({Role.ADMINISTRATOR}),
    UseCase.READ_MY_DEADLINES: _CASE_HANDLERS,
    UseCase.RECORD_COMPLAINT: frozenset({_W, _R, _A, _HR, _SUPERVISOR}),
    # Complaints name staff: read by supervisors and auditors.
    UseCase.READ_COMPLAINTS: frozenset({_SUPERVISOR, _AUDITOR}),
    UseCase.READ_BOUNCED: frozenset({_SUPERVISOR, _AUDITOR}),
    UseCase.SPOT_CHECK: frozenset({_SUPERVISOR}),
    UseCase.READ_SPOT_CHECKS: frozenset({_SUPERVISOR, _AUDITOR}),
    UseCase.RECORD_TRAINING: frozenset({_SUPERVISOR, Role.ADMINISTRATOR}),
    UseCase.READ_TRAINING: frozenset({_SUPERVISOR, Role.ADMINISTRATOR, _AUDITOR}),
    UseCase.READ_STATISTICS: frozenset({_A, _SUPERVISOR, _AUDITOR}),
}

RULE = "P10"


def may(actor: Actor, use_case: UseCase) -> bool:
    return bool(USE_CASE_ROLES[use_case] & actor.roles)


def authorise(
    deps: Dependencies,
    actor: Actor,
    use_case: UseCase,
    *,
    subject: tuple[str, str],
    region: RegionCode | None = None,
) -> None:
    """Refuse, recorded, unless the actor's roles may run `use_case` and `region` (the
    record's, if any) lies in the actor's jurisdiction."""
    if not may(actor, use_case):
        _refuse(deps, actor, use_case, subject, "role_not_allowed", "您的角色不能办理此项业务")
    if region is not None and not actor.covers(region):
        _refuse(deps, actor, use_case, subject, "outside_jurisdiction", "该记录不在您的辖区内")


def authorise_region(
    deps: Dependencies,
    actor: Actor,
    use_case: UseCase,
    region: RegionCode,
    *,
    subject: tuple[str, str],
) -> None:
    """Refuse, recorded, unless `region` lies in the actor's jurisdiction (for a use case
    whose roles were checked before the record was loaded)."""
    if not actor.covers(region):
        _refuse(deps, actor, use_case, subject, "outside_jurisdiction", "该记录不在您的辖区内")


def authorise_step(
    deps: Dependencies, actor: Actor, service: Service, event: str, *, subject: tuple[str, str]
) -> None:
    """Refuse, recorded, a lifecycle step the policy gives to other roles.

    An event the case type does not know is left to the domain (an illegal transition).
    """
    if event != "receive" and event not in lifecycle.event_names(service):
        return
    allowed = deps.policy.permissions.roles_for(service.department, event)
    if not allowed & actor.roles:
        names = "、".join(sorted(r.label for r in allowed)) or "系统"
        _refuse(
            deps,
            actor,
            UseCase.APPLY_CASE_EVENT if event != "receive" else UseCase.SUBMIT_APPLICATION,
            subject,
            "role_not_allowed",
            f"此操作须由以下角色办理：{names}",
            event=event,
        )


def _refuse(
    deps: Dependencies,
    actor: Actor,
    use_case: UseCase,
    subject: tuple[str, str],
    reason: str,
    message: str,
    *,
    event: str = "",
) -> None:
    details = {
        "use_case": use_case.value,
        "roles": ",".join(sorted(actor.roles)),
        "jurisdiction": actor.region.code,
    }
    if event:
        details["event"] = event
    record_refusal(
        deps,
        actor.id,
        "access_refused",
        subject=subject,
        reason=reason,
        rule=RULE,
        details=details,
    )
    raise AccessDenied(message, record_id=subject[1], reason=reason)
