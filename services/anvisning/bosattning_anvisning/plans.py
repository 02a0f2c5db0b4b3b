"""Annual plan rules (årsplanering, S8): proposed, decided, changed with a reason. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bosattning_contracts.arsplanering import ArsplaneringStatus as PlanStatus
from bosattning_runtime.guards import check_free_text

from bosattning_anvisning import planning
from bosattning_anvisning.domain import Capacity, fail

__all__ = ["Arsplanering", "PlanStatus", "decide", "needs_override", "propose"]


@dataclass(frozen=True)
class Arsplanering:
    year: int
    kommunkod: str
    version: int
    kommuntal: int
    months: tuple[int, ...]
    status: PlanStatus
    reason: str | None
    material: str | None
    changed_by: str
    changed_at: datetime

    def stale(self, capacity: Capacity | None) -> bool:
        """The kommuntal changed since this plan was made: it must be decided again."""
        return capacity is None or capacity.kommuntal != self.kommuntal


def _next_version(current: Arsplanering | None) -> int:
    return 1 if current is None else current.version + 1


def propose(
    current: Arsplanering | None,
    capacity: Capacity,
    profile: planning.MonthlyProfile,
    by: str,
    at: datetime,
) -> Arsplanering:
    """The default proposal: the kommuntal spread by the monthly profile."""
    months = planning.spread(capacity.kommuntal, profile)
    return Arsplanering(
        capacity.year,
        capacity.kommunkod,
        _next_version(current),
        capacity.kommuntal,
        months,
        PlanStatus.PROPOSED,
        None,
        None,
        by,
        at,
    )


def decide(
    current: Arsplanering | None,
    capacity: Capacity | None,
    months: tuple[int, ...] | None,
    reason: str | None,
    material: str | None,
    by: str,
    at: datetime,
) -> Arsplanering:
    """Decide a plan (the proposal, or given months); after a first decision it is a change,
    which needs a reason and may name the municipality's material."""
    if capacity is None:
        raise fail("KOMMUNTAL_NOT_FOUND", "no kommuntal for this municipality and year", "year")
    if months is None:
        if current is None or current.status is not PlanStatus.PROPOSED:
            raise fail("PLAN_NOT_PROPOSED", "give the months, or propose a plan first", "months")
        months = current.months
    checked = planning.check_plan(months, capacity.kommuntal)
    changing = current is not None and current.status is PlanStatus.DECIDED
    if changing and not reason:
        raise fail("REASON_REQUIRED", "a change of a decided plan states its reason", "reason")
    text = None if reason is None else check_free_text(reason, "reason")
    ref = None if material is None else check_free_text(material, "material")
    return Arsplanering(
        capacity.year,
        capacity.kommunkod,
        _next_version(current),
        capacity.kommuntal,
        checked,
        PlanStatus.DECIDED,
        text,
        ref,
        by,
        at,
    )


def needs_override(
    plan: Arsplanering | None, capacity: Capacity, assigned_so_far: int, persons: int, month: int
) -> bool:
    """Beyond a decided, current plan (cumulatively); without one, assignments stay
    possible within capacity and are only flagged."""
    if plan is None or plan.status is not PlanStatus.DECIDED or plan.stale(capacity):
        return False
    return planning.beyond_plan(assigned_so_far, persons, plan.months, month)
