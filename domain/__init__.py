"""The domain of jiuzhu (救助): case types, the joint scenario, rules and values.

Pure Python: the standard library, attrs and python-statemachine, no I/O, no clock.
These are the names an embedding backend is meant to use; everything else may change.
"""

from domain.actors import Actor, Role, system_actor
from domain.ages import age_on
from domain.benefits import (
    BenefitDecision,
    BenefitParameters,
    CareLevel,
    ComputationLine,
    DibaoHousehold,
    DibaoTier,
    DibaoTierTable,
    SelfCareItems,
    SubsidyAmount,
)
from domain.calendar import DueDate, WorkingCalendar
from domain.cases import Applicant, Case, CaseEvent, Closure, EmergencyHelp, PublicNotice
from domain.deadlines import (
    Deadline,
    DeadlineStatus,
    Stage,
    StageDeadline,
    deadline_of,
    stage_deadline_of,
)
from domain.decision_notices import (
    DecisionKind,
    DecisionNotice,
    decision_notice,
    render_decision_text,
)
from domain.decisions import DecisionContext, compute_benefit, propose
from domain.eligibility import EligibilityParameters, Finding, Proposal, TrainingGroup, Verdict
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
from domain.particulars import (
    AppraisalClaim,
    DifficultyDeclaration,
    InsuranceClaim,
    Particulars,
    RegistrationDeclaration,
    TekunCircumstances,
    TemporaryKind,
    TemporaryRequest,
    TrainingClaim,
)
from domain.policy import Policy, ServiceGuide
from domain.policy_defaults import default_policy
from domain.regions import RegionCode, RegionLevel
from domain.scenario import Scenario, react, start
from domain.services import Channel, Department, Outcome, Service

__all__ = [
    "Actor",
    "Applicant",
    "AppraisalClaim",
    "AssistanceHistory",
    "AssistanceRecord",
    "BenefitDecision",
    "BenefitParameters",
    "CapabilityAssessment",
    "CareLevel",
    "Case",
    "CaseEvent",
    "CaseRules",
    "Channel",
    "CheckWarning",
    "Closure",
    "ComputationLine",
    "Consultation",
    "Deadline",
    "DeadlineStatus",
    "DecisionContext",
    "DecisionKind",
    "DecisionNotice",
    "Department",
    "DibaoHousehold",
    "DibaoTier",
    "DibaoTierTable",
    "DifficultyDeclaration",
    "DisabilityStatus",
    "DomainError",
    "DueDate",
    "EligibilityParameters",
    "EmergencyHelp",
    "Finding",
    "HouseholdCheckReport",
    "IllegalTransition",
    "InsuranceClaim",
    "InvalidValue",
    "Money",
    "OneTimeNotice",
    "Outcome",
    "Particulars",
    "Policy",
    "PolicyError",
    "Proposal",
    "PublicNotice",
    "RecordStatus",
    "RegionCode",
    "RegionLevel",
    "RegistrationDeclaration",
    "ResidentId",
    "Role",
    "RuleRefused",
    "Scenario",
    "SelfCareItems",
    "Service",
    "ServiceGuide",
    "Sex",
    "Stage",
    "StageDeadline",
    "Step",
    "SubsidyAmount",
    "TekunCircumstances",
    "TemporaryKind",
    "TemporaryRequest",
    "TrainingClaim",
    "TrainingGroup",
    "TransitionRefused",
    "UnemploymentStatus",
    "Verdict",
    "WorkingCalendar",
    "age_on",
    "allowed_events",
    "apply",
    "compute_benefit",
    "deadline_of",
    "decision_notice",
    "default_policy",
    "open_case",
    "propose",
    "react",
    "render_decision_text",
    "render_text",
    "replay",
    "stage_deadline_of",
    "start",
    "system_actor",
]
