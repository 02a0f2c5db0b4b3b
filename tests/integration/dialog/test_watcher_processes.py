"""The deadline watcher in two processes at once opens each escalation once."""

from __future__ import annotations

import asyncio
import sys
import textwrap

from tests.integration.anvisning.conftest import Anvisning
from tests.integration.dialog.conftest import Dialog
from tests.integration.dialog.test_reception import _assigned
from tests.integration.kommuntal.conftest import Kommuntal

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
        print(await handlers.open_overdue(deps))
        await pool.close()

    asyncio.run(main())
""")


async def test_two_watcher_processes_at_once_open_each_missing_reply_once(
    three: tuple[Kommuntal, Anvisning, Dialog],
) -> None:
    dialog = three[2]
    await _assigned(*three)
    url = dialog.service.database_url
    later = "2022-03-20T09:00:00+01:00"  # past the 14-day reply window

    async def run() -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", WATCHER, url, later, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await process.communicate()
        assert process.returncode == 0
        return int(out.decode().strip().splitlines()[-1])

    opened = await asyncio.gather(run(), run())

    assert sum(opened) == 1
    pool = dialog.service.deps.pool
    assert await pool.fetchval("SELECT count(*) FROM escalation WHERE kind = 'no_reply'") == 1
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE event_type = 'escalation.opened'")
        == 1
    )
