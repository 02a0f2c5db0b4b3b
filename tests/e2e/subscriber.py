"""A graphql-ws subscriber of the gateway's live events, for the end-to-end tests."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

from tests.e2e.conftest import Gateway

SUBSCRIBE = "subscription { events { subject eventType aggregateId payload } }"


class Subscriber:
    """One graphql-transport-ws client of the gateway, collecting what it receives."""

    def __init__(self, gateway: Gateway, token: str | None) -> None:
        self.url = gateway.url.replace("http://", "ws://")
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.closing: list[str] = []
        self.ready = asyncio.Event()

    async def run(self) -> None:
        async with websockets.connect(self.url, subprotocols=["graphql-transport-ws"]) as ws:
            params = {"authorization": self.token} if self.token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": params}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
            )
            self.ready.set()
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "next":
                    self.received.append(message["payload"])
                elif message["type"] in ("complete", "error"):
                    self.closing.append(message["type"])
                    return

    def subjects(self) -> set[str]:
        return {p["data"]["events"]["subject"] for p in self.received if p.get("data")}


async def start(subscriber: Subscriber) -> asyncio.Task[None]:
    task = asyncio.create_task(subscriber.run())
    await asyncio.wait_for(subscriber.ready.wait(), 20)
    await asyncio.sleep(1.0)  # the gateway opens its subgraph socket after `subscribe`
    return task
