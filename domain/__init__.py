"""The domain of jiuzhu (救助): case types, the joint scenario, rules and values.

Pure Python: the standard library, attrs and python-statemachine, no I/O, no clock.
These are the names an embedding backend is meant to use; everything else may change.
"""

from domain.actors import Actor, Role, system_actor
from domain.ages import age_on
from domain.calendar import DueDate, WorkingCalendar
from domain.cases import Applicant, Case, CaseEvent, Closure
from domain.deadlines import Deadline, DeadlineStatus, deadline_of
from domain.errors import (
    DomainError,
    IllegalTransition,
    InvalidValue,
    PolicyError,
    RuleRefused,
    TransitionRefused,
)
from domain.facts import (
    AssistanceHistory,
    AssistanceRecord,
    CapabilityAssessment,
    CheckWarning,
    DisabilityStatus,
    HouseholdCheckReport,
    RecordStatus,
    UnemploymentStatus,
)
from domain.identity import ResidentId, Sex
from domain.inquiries import Consultation
from domain.lifecycle import CaseRules, Step, allowed_events, apply, open_case, replay
from domain.money import Money
from domain.notices import OneTimeNotice, render_text
from domain.policy import Policy, ServiceGuide
from domain.policy_defaults import default_policy
from domain.regions import RegionCode, RegionLevel
from domain.scenario import Scenario, react, start
from domain.services import Channel, Department, Outcome, Service

__all__ = [
    "Actor",
    "Applicant",
    "AssistanceHistory",
    "AssistanceRecord",
    "CapabilityAssessment",
    "Case",
    "CaseEvent",
    "CaseRules",
    "Channel",
    "CheckWarning",
    "Closure",
    "Consultation",
    "Deadline",
    "DeadlineStatus",
    "Department",
    "DisabilityStatus",
    "DomainError",
    "DueDate",
    "HouseholdCheckReport",
    "IllegalTransition",
    "InvalidValue",
    "Money",
    "OneTimeNotice",
    "Outcome",
    "Policy",
    "PolicyError",
    "RecordStatus",
    "RegionCode",
    "RegionLevel",
    "ResidentId",
    "Role",
    "RuleRefused",
    "Scenario",
    "Service",
    "ServiceGuide",
    "Sex",
    "Step",
    "TransitionRefused",
    "UnemploymentStatus",
    "WorkingCalendar",
    "age_on",
    "allowed_events",
    "apply",
    "deadline_of",
    "default_policy",
    "open_case",
    "react",
    "render_text",
    "replay",
    "start",
    "system_actor",
]
