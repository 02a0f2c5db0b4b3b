"""Every field of the supergraph that the matrix checks: how to call it, and who may.

Queries read the world; a filtered list (`seen`) counts as allowed only when the world's
record is in it. Mutations name the world's records with input the service refuses on
domain grounds after authorising (a date in the future, an unknown municipality), so an
allowed caller gets a typed error and changes nothing, while a refused one gets FORBIDDEN.
Mutations that change who may act next (hand-over, then resolution) are listed in the order
the matrix runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.authorisation_rules import (
    AGENCY,
    AS_THE_CASE,
    COUNTY_PICTURE,
    EVERYONE,
    KOMMUN_COUNTS,
    MEETING_READERS,
    MEETING_WRITERS,
    NATIONAL_PICTURE,
    PLAN,
    Allowed,
    Role,
    any_of,
    either,
    own,
    roles,
)
from tests.e2e.authorisation_world import World

Variables = Callable[[World], dict[str, Any]]
Seen = Callable[[dict[str, Any], World], bool]


@dataclass(frozen=True)
class Operation:
    """One field: the document that reaches it, its variables, and who DESIGN §5 allows."""

    key: str
    document: str
    allowed: Allowed
    variables: Variables = field(default=lambda w: {})
    seen: Seen | None = None


def _ids(items: list[dict[str, Any]], name: str) -> set[str]:
    return {item[name] for item in items}


def _on_lan(name: str, selection: str = "", args: str = "") -> Operation:
    return Operation(
        f"Lan.{name}", f'{{ lan(lanskod: "06") {{ {name}{args} {selection} }} }}', EVERYONE
    )


def _on_kommun(name: str, selection: str = "", args: str = "") -> Operation:
    return Operation(
        f"Kommun.{name}",
        f'{{ kommun(kommunkod: "0680") {{ {name}{args} {selection} }} }}',
        EVERYONE,
    )


def _on_riket(name: str, args: str = "") -> Operation:
    return Operation(f"Riket.{name}", f"{{ riket {{ {name}{args} }} }}", EVERYONE)


def _rule(operation: Operation, allowed: Allowed) -> Operation:
    return Operation(
        operation.key, operation.document, allowed, operation.variables, operation.seen
    )


Y = "(year: 2022)"

QUERIES = [
    Operation(
        "Query.arende",
        "query($a: String!) { arende(arendeId: $a) { arendeId persons } }",
        AS_THE_CASE,
        lambda w: {"a": w.arende_id},
    ),
    Operation(
        "Arende.needs",
        "query($a: String!) { arende(arendeId: $a) { needs } }",
        either(roles(Role.bosattningsenhet), own(Role.mottagningsenhet, Role.kommun)),
        lambda w: {"a": w.arende_id},
    ),
    Operation(
        "Query.anvisningar",
        '{ anvisningar(year: 2022, kommunkod: "0680") { edges { node { anvisningId } } } }',
        either(
            roles(Role.bosattningsenhet), own(Role.kommun, Role.lansstyrelse, Role.regional_expert)
        ),
        seen=lambda d, w: (
            w.anvisning_id in {e["node"]["anvisningId"] for e in d["anvisningar"]["edges"]}
        ),
    ),
    Operation(
        "Query.mottagandeConflicts",
        "{ mottagandeConflicts(year: 2022) { __typename } }",
        roles(Role.bosattningsenhet),
    ),
    Operation(
        "Query.mottagande",
        "query($x: UUID!) { mottagande(anvisningId: $x) { anvisningId receptionStatus } }",
        AS_THE_CASE,
        lambda w: {"x": w.anvisning_id},
    ),
    Operation(
        "Query.meeting",
        "query($m: UUID!) { meeting(meetingId: $m) { meetingId status } }",
        MEETING_READERS,
        lambda w: {"m": w.meeting_id},
    ),
    Operation(
        "Query.meetings",
        "{ meetings(first: 500) { items { meetingId } } }",
        MEETING_READERS,
        seen=lambda d, w: w.meeting_id in _ids(d["meetings"]["items"], "meetingId"),
    ),
    Operation(
        "Query.countiesWithoutLanstraff",
        "{ countiesWithoutLanstraff(year: 2022) { lanskod } }",
        any_of(AGENCY),
    ),
    Operation(
        "Query.utskick",
        "{ utskick(first: 500) { items { utskickId } } }",
        either(any_of(AGENCY), own(Role.kommun)),
        seen=lambda d, w: w.utskick_id in _ids(d["utskick"]["items"], "utskickId"),
    ),
    Operation("Query.allLan", "{ allLan { lanskod } }", EVERYONE),
    Operation("Query.lan", '{ lan(lanskod: "06") { lanskod } }', EVERYONE),
    Operation("Query.allKommuner", '{ allKommuner(lanskod: "06") { kommunkod } }', EVERYONE),
    Operation("Query.kommun", '{ kommun(kommunkod: "0680") { kommunkod } }', EVERYONE),
    Operation("Query.riket", "{ riket { id } }", EVERYONE),
    # dead letters: the operators' alone
    Operation(
        "Query.deadLetters", "{ deadLetters(first: 1) { totalCount } }", roles(Role.operator)
    ),
    Operation("Query.lanstal", "{ lanstal(year: 2022) { lanstal } }", EVERYONE),
    # the county: reference data, länstal and kommuntal are for every role
    _on_lan("lanskod"),
    _on_lan("namn"),
    _on_lan("kommuner", "{ kommunkod }"),
    _on_lan("lanstal", "{ lanstal }", Y),
    _on_lan("lanstalHistory", "{ lanstal }", Y),
    _on_lan("kommuntal", "{ total }", Y),
    _on_lan("kommuntalHistory", "{ total }", Y),
    _on_lan("kommuntalRevisions", "{ __typename }", Y),
    _rule(_on_lan("inbox", "{ eventId }"), own(Role.lansstyrelse)),
    # counts on Lan: every agency role
    _rule(_on_lan("anvisningTotals", "{ used }", Y), any_of(AGENCY)),
    _rule(_on_lan("selfSettled", args=Y), any_of(AGENCY)),
    # the rest of the county's situation picture: its readers only
    _rule(_on_lan("planMonths", "{ planned }", Y), COUNTY_PICTURE),
    _rule(_on_lan("planChanges", "{ reason }", Y), COUNTY_PICTURE),
    _rule(_on_lan("openEscalations"), COUNTY_PICTURE),
    _rule(_on_lan("escalationsByKind", "{ __typename }"), COUNTY_PICTURE),
    _rule(_on_lan("lastAvstamning"), COUNTY_PICTURE),
    _rule(_on_lan("lastLanstraff"), COUNTY_PICTURE),
    # the municipality
    _on_kommun("kommunkod"),
    _on_kommun("namn"),
    _on_kommun("lan", "{ lanskod }"),
    _on_kommun("kommuntal", args=Y),
    _rule(_on_kommun("used", args=Y), KOMMUN_COUNTS),
    _rule(_on_kommun("received", args=Y), KOMMUN_COUNTS),
    _rule(_on_kommun("remaining", args=Y), KOMMUN_COUNTS),
    _rule(_on_kommun("selfSettled", args=Y), KOMMUN_COUNTS),
    _rule(_on_kommun("pendingReceptions"), KOMMUN_COUNTS),
    _rule(_on_kommun("openEscalations"), KOMMUN_COUNTS),
    _rule(_on_kommun("arsplanering", "{ __typename }", Y), PLAN),
    # the country: its key for every role, its totals the national picture's
    _on_riket("id"),
    _rule(_on_riket("lanstal", Y), NATIONAL_PICTURE),
    _rule(_on_riket("countiesDecided", Y), NATIONAL_PICTURE),
    _rule(_on_riket("anvisningTotals", "(year: 2022) { used }"), NATIONAL_PICTURE),
    _rule(_on_riket("openEscalations"), NATIONAL_PICTURE),
]


def _mutation(name: str, input_type: str, allowed: Allowed, input: Variables) -> Operation:
    return Operation(
        f"Mutation.{name}",
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}",
        allowed,
        lambda w: {"input": input(w)},
    )


FUTURE = "2099-01-01"
UNKNOWN_KOMMUN = "9999"
UNIT = own(Role.mottagningsenhet)

MUTATIONS = [
    _mutation(
        "setLanstal",
        "SetLanstalInput",
        roles(Role.nationell),
        lambda w: {"year": 2022, "lanskod": "06", "lanstal": -1, "reason": "matrix"},
    ),
    _mutation(
        "decideKommuntal",
        "KommuntalInput",
        own(Role.lansstyrelse),
        lambda w: {"year": 2022, "lanskod": "06", "rows": [], "reason": "matrix"},
    ),
    _mutation(
        "requestKommuntalRevision",
        "KommuntalInput",
        own(Role.lansstyrelse),
        lambda w: {"year": 2022, "lanskod": "06", "rows": [], "reason": "matrix"},
    ),
    _mutation(
        "acknowledgeNotification",
        "AcknowledgeInput",
        own(Role.lansstyrelse),
        lambda w: {"eventId": w.notification_id},
    ),
    _mutation(
        "registerBosattningsunderlag",
        "BosattningsunderlagInput",
        UNIT,
        lambda w: {
            "arendeId": w.arende_id,
            "category": "ABO",
            "adults": 0,
            "children": 0,
            "needs": [],
        },
    ),
    _mutation(
        "decideAnvisning",
        "DecideAnvisningInput",
        roles(Role.bosattningsenhet),
        lambda w: {"arendeId": w.arende_id, "kommunkod": UNKNOWN_KOMMUN},
    ),
    _mutation(
        "proposeArsplanering",
        "ProposeArsplaneringInput",
        roles(Role.bosattningsenhet),
        lambda w: {"year": 2022, "kommunkoder": [UNKNOWN_KOMMUN]},
    ),
    _mutation(
        "decideArsplanering",
        "DecideArsplaneringInput",
        roles(Role.bosattningsenhet),
        lambda w: {"year": 2022, "kommunkod": UNKNOWN_KOMMUN},
    ),
    _mutation(
        "changeArsplanering",
        "ChangeArsplaneringInput",
        roles(Role.bosattningsenhet),
        lambda w: {"year": 2022, "kommunkod": UNKNOWN_KOMMUN, "months": [], "reason": "m"},
    ),
    _mutation(
        "recordUnderrattelsesamtal",
        "UnderrattelsesamtalInput",
        # a new case: any reception unit may start one, it becomes the case's unit
        roles(Role.mottagningsenhet),
        lambda w: {
            "arendeId": w.fresh_arende_id,
            "category": "ABO",
            "outcome": "OWN_HOUSING",
            "kommunkod": UNKNOWN_KOMMUN,
            "adults": 1,
            "children": 0,
            "settledOn": FUTURE,
        },
    ),
    _mutation(
        "recordAnvisningssamtal",
        "AnvisningssamtalInput",
        UNIT,
        lambda w: {"anvisningId": w.anvisning_id, "heldOn": FUTURE},
    ),
    _mutation(
        "recordKontakt",
        "KontaktInput",
        UNIT,
        lambda w: {"anvisningId": w.anvisning_id, "kind": "PHONE", "contactedOn": FUTURE},
    ),
    _mutation(
        "reportUtskrivningUtanMottagande",
        "DischargeInput",
        UNIT,
        lambda w: {"anvisningId": w.anvisning_id, "dischargedOn": FUTURE},
    ),
    _mutation(
        "reportMottagandedatum",
        "MottagandedatumInput",
        own(Role.kommun),
        lambda w: {"anvisningId": w.anvisning_id, "mottagandedatum": "2021-01-01"},
    ),
    _mutation(
        "reportMottagande",
        "MottagandeInput",
        own(Role.kommun),
        lambda w: {"anvisningId": w.anvisning_id, "receivedOn": FUTURE},
    ),
    _mutation(
        "reportCannotReceive",
        "CannotReceiveInput",
        own(Role.kommun),
        lambda w: {"kommunkod": "0680", "months": [], "reason": "matrix"},
    ),
    _mutation(
        "proposeMeeting",
        "MeetingProposalInput",
        MEETING_WRITERS,
        lambda w: {"kind": "AVSTAMNING", "lanskod": "06", "kommunkoder": [UNKNOWN_KOMMUN]},
    ),
    _mutation(
        "scheduleMeeting",
        "MeetingScheduleInput",
        MEETING_WRITERS,
        lambda w: {"meetingId": w.meeting_id, "scheduledOn": "2000-01-01"},
    ),
    _mutation(
        "recordMeetingHeld",
        "MeetingHeldInput",
        MEETING_WRITERS,
        lambda w: {"meetingId": w.meeting_id, "heldOn": FUTURE},
    ),
    _mutation(
        "registerUtskick",
        "UtskickInput",
        either(roles(Role.bosattningsenhet), own(Role.lansstyrelse)),
        lambda w: {
            "subject": "matrix",
            "kind": "OTHER",
            "recipients": [UNKNOWN_KOMMUN],
            "sentOn": "2022-03-01",
            "lanskod": "06",
        },
    ),
    _mutation(
        "cancelAnvisning",
        "CancelAnvisningInput",
        roles(Role.bosattningsenhet),
        lambda w: {"anvisningId": w.unknown_id},
    ),
    # an escalation not handed over: its case's reception unit acts, the expert not yet
    _mutation(
        "handOverEscalation",
        "EscalationInput",
        UNIT,
        lambda w: {"escalationId": w.escalation_to_hand_over},
    ),
    # after the hand-over (the allowed call above did it): the county's regional expert
    Operation(
        "Mutation.resolveEscalation (handed over)",
        "mutation($input: EscalationInput!) { resolveEscalation(input: $input) { __typename } }",
        own(Role.regional_expert),
        lambda w: {"input": {"escalationId": w.escalation_to_hand_over}},
    ),
    _mutation(
        "resolveEscalation",
        "EscalationInput",
        UNIT,
        lambda w: {"escalationId": w.escalation_open},
    ),
    # sequence 0 is no dead letter's: an operator gets a typed error, nothing is replayed
    _mutation(
        "replayDeadLetter", "ReplayDeadLetterInput", roles(Role.operator), lambda w: {"sequence": 0}
    ),
]

SUBSCRIPTIONS = [Operation("Subscription.events", "", EVERYONE)]

ALL = [*QUERIES, *MUTATIONS, *SUBSCRIPTIONS]
