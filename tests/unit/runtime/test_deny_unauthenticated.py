"""Deny by default on the root fields only: queries, mutations, entities and subscriptions
without a principal are refused; nested fields run unguarded (and fast)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import strawberry
from bosattning_runtime.auth import Principal
from bosattning_runtime.graphql import RequestContext, subgraph_schema


@strawberry.federation.type(keys=["code"])
class Thing:
    code: str

    @classmethod
    def resolve_reference(cls, code: str) -> Thing:
        return cls(code=code)


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing]:
        return [Thing(code="a"), Thing(code="b")]


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:
        yield 1


SCHEMA = subgraph_schema(query=Query, subscription=Subscription, types=[Thing])
PRINCIPAL = Principal(
    "HSA-1", frozenset({"nationell"}), frozenset(), None, None, datetime(2099, 1, 1, tzinfo=UTC), ""
)


def context(principal: Principal | None) -> RequestContext[None]:
    return RequestContext(None, principal, None if principal else "a bearer token is required")


async def run(query: str, principal: Principal | None) -> Any:
    return await SCHEMA.execute(query, context_value=context(principal))


async def test_a_root_field_without_a_principal_is_unauthenticated() -> None:
    refused = await run("{ things { code } }", None)
    answered = await run("{ things { code } }", PRINCIPAL)

    assert refused.errors and refused.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    assert answered.errors is None and answered.data == {"things": [{"code": "a"}, {"code": "b"}]}


async def test_entities_are_refused_but_the_service_sdl_and_typename_are_public() -> None:
    entities = '{ _entities(representations: [{__typename: "Thing", code: "a"}]) { __typename } }'

    refused = await run(entities, None)
    public = await run("{ __typename _service { sdl } }", None)

    assert refused.errors and refused.errors[0].extensions == {"code": "UNAUTHENTICATED"}
    assert public.errors is None and "Thing" in public.data["_service"]["sdl"]


async def test_a_subscription_without_a_principal_is_refused_before_it_starts() -> None:
    results = []
    for principal in (None, PRINCIPAL):
        stream = await SCHEMA.subscribe("subscription { ticks }", context_value=context(principal))
        results.append([result async for result in stream])  # type: ignore[union-attr]

    refused, answered = results
    assert refused[0].errors[0].extensions == {"code": "UNAUTHENTICATED"}
    assert len(refused) == 1 and answered[0].data == {"ticks": 1}
