from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from bosattning_dialog.app import DEFAULT_PORT, create_app

from tests.integration.anvisning.conftest import Anvisning
from tests.integration.conftest import RunningService, StartService
from tests.integration.kommuntal.conftest import Kommuntal

UNDERRATTELSE = """
mutation($input: UnderrattelsesamtalInput!) { recordUnderrattelsesamtal(input: $input) {
  __typename ... on UnderrattelseSuccess { arendeId } ... on Error { code message field } } }"""

ON_ASSIGNMENT = """
mutation($input: {input_type}!) {{ {field}(input: $input) {{
  __typename
  ... on MottagandeSuccess {{ anvisning {{ anvisningId receptionStatus mottagandedatum
      dateAfterDeadline anvisningssamtalHeldOn receivedOn }} }}
  ... on Error {{ code message field }} }} }}"""


class Dialog:
    """The reception units' service under test, with its tokens."""

    def __init__(self, service: RunningService) -> None:
        self.service = service
        self.mottagning = service.token(roles=["mottagningsenhet"], enhet="MO-1", sub="HSA-MO-1")

    def kommun(self, kommunkod: str) -> str:
        return self.service.token(roles=["kommun"], kommun=kommunkod, sub=f"HSA-K-{kommunkod}")

    async def underrattelse(self, **input: Any) -> dict[str, Any]:
        body = await self.service.graphql(UNDERRATTELSE, {"input": input}, self.mottagning)
        result: dict[str, Any] = body["data"]["recordUnderrattelsesamtal"]
        return result

    async def act(self, field: str, input_type: str, token: str, **input: Any) -> dict[str, Any]:
        query = ON_ASSIGNMENT.format(field=field, input_type=input_type)
        body = await self.service.graphql(query, {"input": input}, token)
        if body.get("errors"):
            return {"errors": body["errors"]}
        result: dict[str, Any] = body["data"][field]
        return result


@pytest.fixture
async def three(
    start_service: StartService,
) -> AsyncIterator[tuple[Kommuntal, Anvisning, Dialog]]:
    from bosattning_anvisning.app import DEFAULT_PORT as APORT
    from bosattning_anvisning.app import create_app as create_anvisning
    from bosattning_kommuntal.app import DEFAULT_PORT as KPORT
    from bosattning_kommuntal.app import create_app as create_kommuntal

    kommuntal = Kommuntal(await start_service("kommuntal", create_kommuntal, KPORT))
    anvisning = Anvisning(await start_service("anvisning", create_anvisning, APORT))
    dialog = Dialog(await start_service("dialog", create_app, DEFAULT_PORT))
    yield kommuntal, anvisning, dialog
