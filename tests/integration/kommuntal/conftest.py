from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bosattning_kommuntal.app import DEFAULT_PORT, create_app

from tests.examples import JONKOPING_2022
from tests.integration.conftest import RunningService, StartService

__all__ = ["JONKOPING_2022", "Kommuntal", "rows"]


SET_LANSTAL = """
mutation($input: SetLanstalInput!) { setLanstal(input: $input) {
  __typename
  ... on SetLanstalSuccess { lanstal { year lanskod version lanstal } }
  ... on Error { code message field }
} }"""

DECIDE = """
mutation($input: KommuntalInput!) { decideKommuntal(input: $input) {
  __typename
  ... on DecideKommuntalSuccess { decision { year lanskod version lanstalVersion total
      rows { kommunkod kommuntal } } }
  ... on Error { code message field }
} }"""

REQUEST_REVISION = """
mutation($input: KommuntalInput!) { requestKommuntalRevision(input: $input) {
  __typename
  ... on RequestKommuntalRevisionSuccess { request { requestId kind status baseVersion } }
  ... on Error { code message field }
} }"""

READ_KOMMUNTAL = """
query($lanskod: String!, $year: Int!) { lan(lanskod: $lanskod) {
  namn
  kommuntal(year: $year) { version total needsNewDivision lanstalVersion
    rows { kommunkod kommuntal kommun { namn } } }
  kommuntalHistory(year: $year) { version }
  kommuntalRevisions(year: $year) { requestId status kind blocking { kommunkod used proposed } }
} }"""


def rows(numbers: dict[str, int]) -> list[dict[str, Any]]:
    return [{"kommunkod": k, "kommuntal": v} for k, v in numbers.items()]


class Kommuntal:
    """The kommuntal service under test, with the tokens its tests use."""

    def __init__(self, service: RunningService) -> None:
        self.service = service
        self.nationell = service.token(roles=["nationell"], sub="HSA-NATIONELL")
        self.lst06 = service.token(roles=["lansstyrelse"], lan=["06"], sub="HSA-LST06")
        self.lst01 = service.token(roles=["lansstyrelse"], lan=["01"], sub="HSA-LST01")

    async def set_lanstal(
        self, year: int, lanskod: str, lanstal: int, **extra: Any
    ) -> dict[str, Any]:
        variables = {
            "input": {
                "year": year,
                "lanskod": lanskod,
                "lanstal": lanstal,
                "reason": "SFS 2021:1234",
                **extra,
            }
        }
        body = await self.service.graphql(SET_LANSTAL, variables, self.nationell)
        result: dict[str, Any] = body["data"]["setLanstal"]
        return result

    async def decide(
        self,
        numbers: dict[str, int] | list[dict[str, Any]],
        *,
        year: int = 2022,
        lanskod: str = "06",
        token: str | None = None,
        reason: str = "Beslut",
        **extra: Any,
    ) -> dict[str, Any]:
        body = await self.service.graphql(
            DECIDE,
            {"input": self._input(numbers, year, lanskod, reason, extra)},
            token or self.lst06,
        )
        return body

    async def request_revision(
        self, numbers: dict[str, int], *, year: int = 2022, lanskod: str = "06", **extra: Any
    ) -> dict[str, Any]:
        body = await self.service.graphql(
            REQUEST_REVISION,
            {"input": self._input(numbers, year, lanskod, "Överenskommelse", extra)},
            self.lst06,
        )
        result: dict[str, Any] = body["data"]["requestKommuntalRevision"]
        return result

    async def read(self, year: int = 2022, lanskod: str = "06") -> dict[str, Any]:
        body = await self.service.graphql(
            READ_KOMMUNTAL, {"lanskod": lanskod, "year": year}, self.lst01
        )
        result: dict[str, Any] = body["data"]["lan"]
        return result

    @staticmethod
    def _input(
        numbers: dict[str, int] | list[dict[str, Any]],
        year: int,
        lanskod: str,
        reason: str,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        listed = rows(numbers) if isinstance(numbers, dict) else numbers
        return {"year": year, "lanskod": lanskod, "rows": listed, "reason": reason, **extra}


@pytest.fixture
async def kommuntal(start_service: StartService) -> AsyncIterator[Kommuntal]:
    yield Kommuntal(await start_service("kommuntal", create_app, DEFAULT_PORT))
