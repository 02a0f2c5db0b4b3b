from __future__ import annotations

from typing import Any

import pytest
from bosattning_contracts.envelope import Event

from tests.unit.contracts.contracts_samples import build_samples


@pytest.fixture
def samples() -> dict[str, Event[Any]]:
    return build_samples()
