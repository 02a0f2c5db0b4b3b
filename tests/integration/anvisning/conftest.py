from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from bosattning_anvisning.app import DEFAULT_PORT, create_app

from tests.integration.conftest import RunningService, StartService, eventually
from tests.integration.kommuntal.conftest import Kommuntal

REGISTER = """
mutation($input: BosattningsunderlagInput!) { registerBosattningsunderlag(input: $input) {
  __typename
  ... on RegisterBosattningsunderlagSuccess { arende { arendeId persons version } }
  ... on Error { code message field }
} }"""

DECIDE = """
mutation($input: DecideAnvisningInput!) { decideAnvisning(input: $input) {
  __typename
  ... on AnvisningSuccess { anvisning { anvisningId kommunkod year persons deadline status } }
  ... on Error { code message field }
} }"""

CANCEL = """
mutation($input: CancelAnvisningInput!) { cancelAnvisning(input: $input) {
  __typename
  ... on AnvisningSuccess { anvisning { anvisningId status } }
  ... on Error { code message field }
} }"""


def arende_id() -> str:
    """A fresh dossier reference (digits and dashes only)."""
    return f"{uuid.uuid4().int % 10**8:08d}-22"


class Anvisning:
    """The settlement unit's service under test, with its tokens."""

    def __init__(self, service: RunningService) -> None:
        self.service = service
        self.bosattningsenhet = service.token(roles=["bosattningsenhet"], sub="HSA-BE-1")
        self.mottagning = service.token(roles=["mottagningsenhet"], enhet="MO-1", sub="HSA-MO-1")

    async def register(
        self,
        arende_id: str,
        adults: int = 1,
        children: int = 0,
        category: str = "ABO",
        needs: list[str] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        variables = {
            "input": {
                "arendeId": arende_id,
                "category": category,
                "adults": adults,
                "children": children,
                "needs": needs or [],
            }
        }
        body = await self.service.graphql(REGISTER, variables, token or self.mottagning)
        result: dict[str, Any] = body["data"]["registerBosattningsunderlag"]
        return result

    async def decide(self, arende_id: str, kommunkod: str, **extra: Any) -> dict[str, Any]:
        variables = {"input": {"arendeId": arende_id, "kommunkod": kommunkod, **extra}}
        body = await self.service.graphql(DECIDE, variables, self.bosattningsenhet)
        result: dict[str, Any] = body["data"]["decideAnvisning"]
        return result

    async def cancel(self, anvisning_id: str) -> dict[str, Any]:
        body = await self.service.graphql(
            CANCEL, {"input": {"anvisningId": anvisning_id}}, self.bosattningsenhet
        )
        result: dict[str, Any] = body["data"]["cancelAnvisning"]
        return result

    async def counts(self, kommunkod: str, year: int = 2022) -> dict[str, int]:
        query = (
            "query($r: [_Any!]!, $y: Int!) { _entities(representations: $r) "
            "{ ... on Kommun { used(year: $y) received(year: $y) remaining(year: $y) } } }"
        )
        body = await self.service.graphql(
            query,
            {"r": [{"__typename": "Kommun", "kommunkod": kommunkod}], "y": year},
            self.bosattningsenhet,
        )
        result: dict[str, int] = body["data"]["_entities"][0]
        return result

    async def projected(self, kommunkod: str, year: int = 2022) -> int | None:
        row = await self.service.deps.pool.fetchrow(
            "SELECT kommuntal FROM kommuntal WHERE year = $1 AND kommunkod = $2", year, kommunkod
        )
        return None if row is None else int(row["kommuntal"])


async def start_both(start_service: StartService, **extra: str) -> tuple[Kommuntal, Anvisning]:
    """The county service and the settlement unit, with `extra` environment for both."""
    from bosattning_kommuntal.app import DEFAULT_PORT as KPORT
    from bosattning_kommuntal.app import create_app as create_kommuntal

    kommuntal = Kommuntal(await start_service("kommuntal", create_kommuntal, KPORT, **extra))
    anvisning = Anvisning(await start_service("anvisning", create_app, DEFAULT_PORT, **extra))
    return kommuntal, anvisning


@pytest.fixture
async def both(start_service: StartService) -> AsyncIterator[tuple[Kommuntal, Anvisning]]:
    yield await start_both(start_service)


async def kommuntal_decided(
    kommuntal: Kommuntal, anvisning: Anvisning, numbers: dict[str, int], lanstal: int
) -> None:
    """Decide through the county service and wait until the settlement unit projects it."""
    await kommuntal.set_lanstal(2022, "06", lanstal)
    body = await kommuntal.decide(numbers)
    assert body["data"]["decideKommuntal"]["__typename"] == "DecideKommuntalSuccess", body
    first = next(iter(numbers))

    async def projected() -> bool:
        return await anvisning.projected(first) == numbers[first]

    await eventually(projected)
