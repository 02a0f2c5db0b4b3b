"""The authorisation matrix: every field of the supergraph × every role × own and foreign
scope, through the real gateway, against DESIGN §5 (`authorisation_operations.py` holds
the table). A field the table does not rate fails the first test: deny by default."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from bosattning_cli.suite import Suite
from bosattning_runtime.devkeys import DevKeys, mint_token
from graphql import GraphQLObjectType, build_schema

from tests.e2e.authorisation_operations import ALL, MUTATIONS, QUERIES, Operation
from tests.e2e.authorisation_rules import PRINCIPALS, Role, Who
from tests.e2e.authorisation_world import World, build_world
from tests.e2e.conftest import Gateway
from tests.e2e.subscriber import Subscriber, start

pytestmark = pytest.mark.e2e

SUPERGRAPH = Path(__file__).parents[2] / "gateway" / "supergraph.graphql"
RATED_TYPES = ("Query", "Mutation", "Subscription", "Lan", "Kommun", "Riket")
# fields of other types that carry a rule of their own in DESIGN §5
RATED_FIELDS = {"Arende.needs"}
SUBGRAPH_QUERIES = {
    "kommuntal": "{ allLan { lanskod } }",
    "anvisning": "{ mottagandeConflicts(year: 2022) { anvisningId } }",
    "dialog": "{ utskick { items { utskickId } } }",
}


@pytest.fixture(scope="module")
def suite_clock_start() -> str:
    return "2022-03-01T09:00:00+01:00"


def token_of(keys: DevKeys, who: Who) -> str:
    return mint_token(
        keys,
        sub=f"HSA-MATRIX-{who.role}-{'own' if who.own else 'foreign'}",
        roles=[who.role],
        lan=who.lan,
        kommun=who.kommun,
        enhet=who.enhet,
    )


@dataclass
class Scene:
    world: World
    subscribers: dict[Who, Subscriber]


@pytest.fixture(scope="module")
async def scene(suite: Suite, dev_keys: DevKeys) -> AsyncIterator[Scene]:
    """Every principal subscribes to live events; then the world is made."""
    gateway = Gateway(suite.gateway_url, dev_keys)
    subscribers = {who: Subscriber(gateway, token_of(dev_keys, who)) for who in PRINCIPALS}
    tasks = [await start(s) for s in subscribers.values()]
    try:
        yield Scene(await build_world(gateway), subscribers)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def rated_fields() -> set[str]:
    schema = build_schema(SUPERGRAPH.read_text())
    fields = set(RATED_FIELDS)
    for name in RATED_TYPES:
        kind = schema.type_map[name]
        assert isinstance(kind, GraphQLObjectType)
        fields |= {f"{name}.{field}" for field in kind.fields}
    return fields


def test_every_field_of_the_supergraph_has_an_authorisation_rule() -> None:
    rules = {operation.key.split(" ")[0] for operation in ALL}

    assert rated_fields() - rules == set(), "fields without a rule: deny by default"
    assert rules - rated_fields() == set(), "rules for fields the supergraph no longer has"


def allowed_by_answer(operation: Operation, body: dict[str, Any], world: World) -> bool:
    """True where the caller got the field; False where FORBIDDEN or filtered out."""
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
    if "FORBIDDEN" in codes:
        return False
    assert not codes, body  # any other error means the matrix called it wrongly
    return operation.seen(body["data"], world) if operation.seen else True


async def mismatches(gateway: Gateway, world: World, operations: Iterable[Operation]) -> list[str]:
    """Each operation with every principal, those it refuses first (they change nothing),
    then those it allows; the cells that disagree with DESIGN §5."""
    wrong = []
    for operation in operations:
        variables = operation.variables(world)
        for who in sorted(PRINCIPALS, key=operation.allowed):
            token = token_of(gateway.keys, who)
            body = await gateway.graphql(operation.document, variables, token)
            expected = operation.allowed(who)
            if allowed_by_answer(operation, body, world) != expected:
                verdict = "allowed" if expected else "refused"
                wrong.append(f"{operation.key} {who.label}: should be {verdict}: {str(body)[:160]}")
    return wrong


async def test_every_query_field_answers_each_role_and_scope_as_design_says(
    gateway: Gateway, scene: Scene
) -> None:
    wrong = await mismatches(gateway, scene.world, QUERIES)

    assert not wrong, "\n".join(wrong)


async def test_every_mutation_answers_each_role_and_scope_as_design_says(
    gateway: Gateway, scene: Scene
) -> None:
    wrong = await mismatches(gateway, scene.world, MUTATIONS)

    assert not wrong, "\n".join(wrong)


async def test_every_operation_without_a_token_is_unauthenticated(
    gateway: Gateway, scene: Scene, suite: Suite
) -> None:
    for operation in [*QUERIES, *MUTATIONS]:
        body = await gateway.graphql(operation.document, operation.variables(scene.world))
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors") or []}
        assert codes == {"UNAUTHENTICATED"}, (operation.key, body)
    for service, query in SUBGRAPH_QUERIES.items():
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.post(suite.service_url(service), json={"query": query})
        codes = {e.get("extensions", {}).get("code") for e in answer.json()["errors"]}
        assert codes == {"UNAUTHENTICATED"}, (service, answer.text)


def _scopes(who: Who) -> set[str]:
    """The world's subjects (all in county 06) DESIGN §5 lets `who` see live."""
    municipality = {"06.0680", "06.lan", "riket.lan"}
    by_role = {
        Role.kommun: municipality if who.own else {"riket.lan"},
        Role.lansstyrelse: (municipality | {"06.lst"}) if who.own else {"riket.lan"},
        Role.nationell: {"06.lan", "riket.lan"},
        Role.operator: set(),
    }
    return by_role.get(who.role, municipality | {"riket.mv"})


async def test_every_role_receives_the_live_events_of_its_scopes_and_no_others(
    scene: Scene,
) -> None:
    def seen(who: Who) -> set[str]:
        subjects = scene.subscribers[who].subjects()
        return {".".join(s.split(".")[1:3]) for s in subjects}

    for _ in range(150):
        if all(seen(who) >= _scopes(who) for who in PRINCIPALS):
            break
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)  # room for anything that should not come

    assert {who.label: seen(who) for who in PRINCIPALS} == {
        who.label: _scopes(who) for who in PRINCIPALS
    }
