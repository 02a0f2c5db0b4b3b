"""The closed list of coded needs in a settlement basis (bosättningsunderlag).

A settlement unit matches a household to housing and a municipality on these
codes alone, never on free text about a person. Need codes are personal data
(DESIGN §5): they stay in the settlement unit's database and appear in no
event, log or trace.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["NeedCode"]


class NeedCode(StrEnum):
    """A coded need of a household, from a closed list."""

    ACCESSIBLE_HOUSING = "accessible_housing"
    """Tillgänglighetsanpassad bostad / housing adapted for reduced mobility."""
    NO_STAIRS = "no_stairs"
    """Bostad utan trappor (hiss eller entréplan) / step-free housing, lift or entrance level."""
    GROUND_FLOOR = "ground_floor"
    """Bostad i markplan / housing on the ground floor."""
    LARGE_HOUSEHOLD_HOUSING = "large_household_housing"
    """Bostad för stort hushåll / housing with room for a large household."""
    SINGLE_ROOM_NEEDED = "single_room_needed"
    """Eget rum behövs / a member of the household needs a room of their own."""
    ALLERGY_ADAPTED_HOUSING = "allergy_adapted_housing"
    """Allergianpassad bostad / housing adapted for allergies."""
    NEAR_HOSPITAL_CARE = "near_hospital_care"
    """Närhet till sjukhusvård / close to a hospital."""
    NEAR_SPECIALIST_CARE = "near_specialist_care"
    """Närhet till specialistvård / close to specialist care."""
    NEAR_PUBLIC_TRANSPORT = "near_public_transport"
    """Närhet till kollektivtrafik / close to public transport."""
    SCHOOL_SPECIAL_SUPPORT = "school_special_support"
    """Skola med särskilt stöd / a school that can give a child special support."""
