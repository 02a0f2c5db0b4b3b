"""The deadline watcher in two processes at once (as on two replicas) opens each escalation
once: both processes start their run at the same moment, over the same overdue assignments."""

from __future__ import annotations

import asyncio
import sys
import textwrap

from tests.integration.anvisning.conftest import Anvisning, arende_id
from tests.integration.conftest import eventually
from tests.integration.dialog.conftest import Dialog
from tests.integration.dialog.test_reception import _assigned
from tests.integration.kommuntal.conftest import Kommuntal

OVERDUE = 25
WATCHER = textwrap.dedent("""
    import asyncio, sys
    from datetime import timedelta
    from bosattning_dialog import handlers
    from bosattning_runtime.clock import clock_from_environment
    from bosattning_runtime.db import create_pool

    async def main() -> None:
        pool = await create_pool(sys.argv[1], 4)
        clock = clock_from_environment("test", sys.argv[2])
        deps = handlers.Deps(pool, clock, timedelta(days=14))
        print("ready", flush=True)
        sys.stdin.readline()  # both start at once
        print(await handlers.open_overdue(deps))
        await pool.close()

    asyncio.run(main())
""")


async def _more_assigned(anvisning: Anvisning, dialog: Dialog, count: int) -> None:
    for _ in range(count):
        case = arende_id()
        await anvisning.register(case)
        decided = await anvisning.decide(case, "0680")
        assert decided["__typename"] == "AnvisningSuccess", decided

    async def projected() -> bool:
        known = await dialog.service.deps.pool.fetchval("SELECT count(*) FROM mottagande")
        return bool(known == count + 1)

    await eventually(projected)


async def test_two_watcher_processes_at_once_open_each_missing_reply_once(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    _, anvisning, dialog = three
    await _assigned(*three)
    await _more_assigned(anvisning, dialog, OVERDUE - 1)
    url = dialog.service.database_url
    later = "2022-03-20T09:00:00+01:00"  # past the 14-day reply window
    watchers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WATCHER,
            url,
            later,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for watcher in watchers:
        assert watcher.stdout is not None
        assert (await watcher.stdout.readline()).strip() == b"ready"
    results = await asyncio.gather(*(w.communicate(b"go\n") for w in watchers))

    assert [w.returncode for w in watchers] == [0, 0]
    assert sum(int(out.decode().split()[-1]) for out, _ in results) == OVERDUE
    pool = dialog.service.deps.pool
    per_assignment = await pool.fetch(
        "SELECT anvisning_id, count(*) AS n FROM escalation WHERE kind = 'no_reply' "
        "GROUP BY anvisning_id"
    )
    assert len(per_assignment) == OVERDUE and {r["n"] for r in per_assignment} == {1}
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'escalation.opened'")
        == OVERDUE
    )
