"""Persisted documents for production frontends: only the manifest's operations run."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from bosattning_runtime.devkeys import mint_token

from tests.e2e.conftest import Gateway

pytestmark = pytest.mark.e2e

MANIFEST = Path(__file__).resolve().parents[2] / "gateway" / "persisted-documents.json"


@pytest.fixture(scope="module")
def suite_gateway_env() -> dict[str, str]:
    return {"GATEWAY_PERSISTED_DOCUMENTS": str(MANIFEST), "GATEWAY_PERSISTED_ONLY": "true"}


def test_every_persisted_document_is_keyed_by_its_sha256() -> None:
    manifest: dict[str, str] = json.loads(MANIFEST.read_text("utf-8"))

    assert manifest
    assert all(hashlib.sha256(doc.encode()).hexdigest() == key for key, doc in manifest.items())


async def _post(gateway: Gateway, body: dict[str, Any], token: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            gateway.url, json=body, headers={"authorization": f"Bearer {token}"}
        )
    result: dict[str, Any] = response.json()
    return result


async def test_a_persisted_document_runs_and_an_arbitrary_one_is_refused(
    gateway: Gateway,
) -> None:
    token = mint_token(gateway.keys, sub="HSA-PD", roles=["bosattningsenhet"])
    counties = "query Counties { allLan { lanskod namn } }"
    digest = hashlib.sha256(counties.encode()).hexdigest()

    persisted = await _post(
        gateway, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}, token
    )
    arbitrary = await _post(gateway, {"query": "{ allLan { lanskod } }"}, token)

    assert len(persisted["data"]["allLan"]) == 21
    assert arbitrary.get("errors") and not arbitrary.get("data")
