"""Object-level access (P10): every use case checks the record against the actor."""

from __future__ import annotations

from application.errors import AccessDenied
from domain.actors import Actor
from domain.regions import RegionCode


def ensure_covers(actor: Actor, region: RegionCode, record_id: str) -> None:
    """Refuse unless `region` lies in the actor's jurisdiction."""
    if not actor.covers(region):
        raise AccessDenied("该记录不在您的辖区内", record_id=record_id)
