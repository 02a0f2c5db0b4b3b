"""The mailing command (S5): one transaction with its audit row."""

from __future__ import annotations

from typing import Any

from bosattning_runtime import commands
from bosattning_runtime.audit import record_audit
from bosattning_runtime.commands import IdempotencyKey
from bosattning_runtime.db import Connection

from bosattning_dialog import store, utskick
from bosattning_dialog.handlers import Deps
from bosattning_dialog.utskick import Utskick


async def register_utskick(
    deps: Deps, draft: Utskick, key: IdempotencyKey | None
) -> dict[str, Any]:
    """Register a mailing sent to many municipalities, with its sender."""

    async def work(conn: Connection) -> dict[str, Any]:
        registered = utskick.register(draft, deps.clock.today())
        await store.save_utskick(conn, registered)
        await record_audit(
            conn,
            occurred_at=registered.registered_at,
            actor=registered.sender,
            action="registerUtskick",
            aggregate_id=f"utskick:{registered.utskick_id}",
            details={"kind": registered.kind.value, "recipients": len(registered.recipients)},
        )
        return {"utskickId": str(registered.utskick_id)}

    return await commands.execute(deps.pool, key, work)
