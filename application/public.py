"""Public information without an account (R2): the service guides, the policy basis and
how to object or complain."""

from __future__ import annotations

from attrs import frozen

from application.dependencies import Dependencies
from domain.notices import default_complaint
from domain.policy import ObjectionRoute, ServiceGuide
from domain.services import Department, Service


@frozen
class ComplaintRoutes:
    """Where a person objects to a decision, and where each department takes complaints."""

    objection: ObjectionRoute | None
    complaints: tuple[tuple[Department, str], ...]


def service_guides(deps: Dependencies) -> tuple[ServiceGuide, ...]:
    """The guide of every service, in the order of RULES.md."""
    return tuple(deps.policy.guide(service) for service in Service)


def service_guide(deps: Dependencies, service: Service) -> ServiceGuide:
    return deps.policy.guide(service)


def complaint_routes(deps: Dependencies) -> ComplaintRoutes:
    complaints = tuple((d, default_complaint(d)) for d in Department)
    return ComplaintRoutes(deps.policy.parameters.objection_route, complaints)
