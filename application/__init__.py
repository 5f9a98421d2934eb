"""Use cases of jiuzhu: one function per command or query, over the ports.

An embedding backend builds a `Dependencies` with adapters of its own and calls these.
"""

from application.case_events import (
    CaseEventResult,
    apply_case_event,
    record_assessment,
    record_dispute,
    resume_scenario,
)
from application.commands import (
    AnswerConsultation,
    ApplyCaseEvent,
    RecordConsultation,
    SubmitApplication,
    TransferConsultation,
)
from application.consultations import (
    ConsultationResult,
    answer_consultation,
    record_consultation,
    transfer_consultation,
)
from application.dependencies import Dependencies
from application.errors import AccessDenied
from application.intake import IntakeResult, submit_application
from application.queries import (
    CaseView,
    DeadlineItem,
    ScenarioView,
    cases_by_deadline,
    get_case,
    get_scenario,
    list_cases,
)

__all__ = [
    "AccessDenied",
    "AnswerConsultation",
    "ApplyCaseEvent",
    "CaseEventResult",
    "CaseView",
    "ConsultationResult",
    "DeadlineItem",
    "Dependencies",
    "IntakeResult",
    "RecordConsultation",
    "ScenarioView",
    "SubmitApplication",
    "TransferConsultation",
    "answer_consultation",
    "apply_case_event",
    "cases_by_deadline",
    "get_case",
    "get_scenario",
    "list_cases",
    "record_assessment",
    "record_consultation",
    "record_dispute",
    "resume_scenario",
    "submit_application",
    "transfer_consultation",
]
