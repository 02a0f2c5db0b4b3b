"""The dead-letter fields are the operators' alone (DESIGN §5), and refuse malformed input."""

from __future__ import annotations

from bosattning_runtime.auth import Role

from tests.integration.kommuntal.conftest import Kommuntal
from tests.operators import DEAD_LETTERS, REPLAY, Operator

REPLAY_ONE = {"input": {"sequence": 1}}


OTHER_ROLES = [[role.value] for role in Role if role is not Role.operator] + [[]]


async def test_every_role_but_operator_is_forbidden_to_list_or_replay(
    kommuntal: Kommuntal,
) -> None:
    for roles in OTHER_ROLES:
        token = kommuntal.service.token(roles=roles, lan=["06"], kommun="0680", enhet="MO-1")
        for query, variables in ((DEAD_LETTERS, {}), (REPLAY, REPLAY_ONE)):
            body = await kommuntal.service.graphql(query, variables, token)

            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (roles, body)
            assert body["data"] is None


async def test_without_a_token_both_fields_are_unauthenticated(kommuntal: Kommuntal) -> None:
    for query, variables in ((DEAD_LETTERS, {}), (REPLAY, REPLAY_ONE)):
        body = await kommuntal.service.graphql(query, variables)

        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body


async def test_a_malformed_list_request_is_bad_user_input(kommuntal: Kommuntal) -> None:
    token = kommuntal.service.token(roles=["operator"], sub="HSA-OPS-1")
    malformed: list[dict[str, object]] = [
        {"consumer": "anvisning.>"},
        {"after": "not-a-cursor"},
        {"first": 0},
        {"first": 501},
    ]

    for variables in malformed:
        body = await kommuntal.service.graphql(DEAD_LETTERS, variables, token)

        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (variables, body)


async def test_an_operator_sees_an_empty_list_and_cannot_replay_sequence_zero(
    kommuntal: Kommuntal,
) -> None:
    operator = Operator(kommuntal.service.graphql, kommuntal.service.token(roles=["operator"]))

    listed = await operator.dead_letters()
    refused = await operator.replay(0)

    assert listed == {"totalCount": 0, "hasNextPage": False, "endCursor": None, "items": []}
    assert (refused["__typename"], refused["code"]) == ("ValidationError", "INVALID_SEQUENCE")
