"""Live events for subscriptions: what a token may see on the bus (DESIGN §5, "live events")."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from bosattning_contracts.reference import kommun_by_kod
from bosattning_contracts.scope import SUBJECT_ROOT
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from bosattning_runtime.auth import Principal, Role

MIGRATIONSVERKET = (
    Role.bosattningsenhet,
    Role.mottagningsenhet,
    Role.vidarebosattning,
    Role.regional_expert,
)


def may_see(principal: Principal, subject: str) -> bool:
    """A municipality its own subjects, its county's `lan` and `riket.lan`; a county board all
    of its county including `lst`, and `riket.lan`; Migrationsverket everything but `lst`;
    `nationell` the `lan` scopes; anyone else nothing."""
    parts = subject.split(".")
    if len(parts) < 4 or parts[0] != SUBJECT_ROOT:
        return False
    region, audience = parts[1], parts[2]
    if any(principal.has_role(role) for role in MIGRATIONSVERKET) and audience != "lst":
        return True
    if principal.has_role(Role.nationell) and audience == "lan":
        return True
    public = region == "riket" and audience == "lan"
    if principal.has_role(Role.lansstyrelse) and (region in principal.lan or public):
        return True
    kommun = kommun_by_kod(principal.kommun or "") if principal.has_role(Role.kommun) else None
    return kommun is not None and (
        public or (region == kommun.lanskod and audience in (kommun.kommunkod, "lan"))
    )


async def live_messages(nc: NatsClient, principal: Principal) -> AsyncIterator[Msg]:
    """The bus's messages this token may see, live, until its token expires."""
    queue: asyncio.Queue[Msg] = asyncio.Queue(maxsize=1000)

    async def deliver(message: Msg) -> None:
        if may_see(principal, message.subject) and not queue.full():
            queue.put_nowait(message)

    subscriptions = [await nc.subscribe(f"{SUBJECT_ROOT}.>", cb=deliver)]
    try:
        while True:
            remaining = (principal.expires_at - datetime.now(UTC)).total_seconds()
            if remaining <= 0:
                return  # token expiry (wall time) ends the subscription
            try:
                yield await asyncio.wait_for(queue.get(), timeout=remaining)
            except TimeoutError:
                return
    finally:
        for subscription in subscriptions:
            await subscription.unsubscribe()
