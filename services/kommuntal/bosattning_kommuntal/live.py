"""Live events through the gateway: a subscription to what the token may see on the bus."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from bosattning_runtime.graphql import principal_of
from bosattning_runtime.live import live_messages
from graphql import GraphQLError
from strawberry.scalars import JSON

from bosattning_kommuntal.types import KInfo, deps_of


@strawberry.type(description="An event on the bus, as published (ids, codes, counts, dates).")
class LiveEvent:
    subject: str
    event_type: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: datetime
    payload: JSON


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The events your token may see, live (DESIGN §5); "
        "the subscription ends when the token expires."
    )
    async def events(self, info: KInfo) -> AsyncGenerator[LiveEvent, None]:
        principal = principal_of(info)
        nc = deps_of(info).nats()
        if nc is None:
            raise GraphQLError("the bus is not reachable yet", extensions={"code": "UNAVAILABLE"})
        async for message in live_messages(nc, principal):
            event = json.loads(message.data)
            yield LiveEvent(
                subject=message.subject,
                event_type=event["event_type"],
                aggregate_id=event["aggregate_id"],
                aggregate_version=event["aggregate_version"],
                occurred_at=datetime.fromisoformat(event["occurred_at"]),
                payload=event["payload"],
            )
