"""Every projection equals its source of truth, exactly: the check that ends each fault scenario.

Sources are the owning service's tables and its outbox; projections are the other
services' tables fed by the bus, the stream itself and the consumers' inboxes.
Each check returns what differs (empty when equal), so a failure names the rows.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import asyncpg
import nats
from bosattning_anvisning.app import DEFINITION as ANVISNING
from bosattning_dialog.app import DEFINITION as DIALOG
from bosattning_kommuntal.app import DEFINITION as KOMMUNTAL
from bosattning_runtime.bus import DEAD_LETTER_STREAM, STREAM
from nats.js import JetStreamContext

from tests.faults.cluster import SERVICES, Cluster

OUTBOX = """
SELECT event_id, event_type, subject, sent_at IS NOT NULL AS sent,
       body::jsonb ->> 'aggregate_id' AS aggregate_id,
       (body::jsonb ->> 'aggregate_version')::int AS version
FROM outbox"""
CURRENT_KOMMUNTAL = """
SELECT d.year, d.lanskod, r.kommunkod, r.kommuntal, d.version
FROM kommuntal_decision d JOIN kommuntal_row r USING (year, lanskod, version)
WHERE d.version = (SELECT max(m.version) FROM kommuntal_decision m
                   WHERE m.year = d.year AND m.lanskod = d.lanskod)"""
PROJECTED_KOMMUNTAL = "SELECT year, lanskod, kommunkod, kommuntal, decision_version FROM kommuntal"
ASSIGNMENTS = """
SELECT anvisning_id, arende_id, kommunkod, year, persons, status, status = 'cancelled' AS cancelled
FROM anvisning"""
RECEPTIONS = """
SELECT anvisning_id, arende_id, kommunkod, year, persons, anvisning_version, cancelled,
       received_on IS NOT NULL AS received
FROM mottagande"""


@dataclass(frozen=True)
class Consumer:
    service: str
    durable: str
    subjects: tuple[str, ...]


def consumers() -> list[Consumer]:
    """Every durable consumer of the suite, as the services define them."""
    # the definitions only build their handlers here: no dependencies are needed
    subscriptions = {
        "kommuntal": KOMMUNTAL.subscriptions(None),  # type: ignore[arg-type]
        "anvisning": ANVISNING.subscriptions(None),  # type: ignore[arg-type]
        "dialog": DIALOG.subscriptions(None),  # type: ignore[arg-type]
    }
    return [
        Consumer(service, s.durable, s.subjects)
        for service, listed in subscriptions.items()
        for s in listed
    ]


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS wildcards: `*` is one token, a final `>` one or more."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for index, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > index
        if index >= len(tokens) or token not in ("*", tokens[index]):
            return False
    return len(wanted) == len(tokens)


def differ(what: str, source: Iterable[Hashable], projection: Iterable[Hashable]) -> list[str]:
    """Equal as multisets, or a line naming a few rows missing from and extra in `projection`."""
    expected, actual = Counter(source), Counter(projection)
    if expected == actual:
        return []
    missing, extra = expected - actual, actual - expected
    return [
        f"{what}: {sum(missing.values())} missing, e.g. {list(missing)[:3]}; "
        f"{sum(extra.values())} extra, e.g. {list(extra)[:3]}"
    ]


@dataclass
class Snapshot:
    """The rows every check compares, read once per round."""

    rows: dict[str, dict[str, list[asyncpg.Record]]]
    stream_subjects: dict[str, int]
    dead_letters: int
    consumer_state: dict[str, tuple[int, int]]

    def of(self, service: str, table: str) -> list[asyncpg.Record]:
        return self.rows[service][table]

    def outbox(self) -> list[asyncpg.Record]:
        return [row for service in SERVICES for row in self.of(service, "outbox")]


QUERIES = {
    "kommuntal": {
        "current": CURRENT_KOMMUNTAL,
        "open_revisions": "SELECT request_id FROM revision_request WHERE status = 'open'",
        "notifications": "SELECT event_id, lanskod, event_type, aggregate_id FROM notification",
    },
    "anvisning": {
        "kommuntal": PROJECTED_KOMMUNTAL,
        "counts": "SELECT year, kommunkod, used, received FROM kommuntal",
        "open_revisions": "SELECT request_id FROM open_revision",
        "assignments": ASSIGNMENTS,
        "conflicts": "SELECT anvisning_id FROM mottagande_conflict",
    },
    "dialog": {"receptions": RECEPTIONS},
}


@asynccontextmanager
async def _jetstream(url: str) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(url, connect_timeout=2, allow_reconnect=False)
    try:
        yield nc.jetstream()
    finally:
        await nc.close()


async def snapshot(cluster: Cluster) -> Snapshot:
    rows: dict[str, dict[str, list[asyncpg.Record]]] = {}
    for service in SERVICES:
        conn = await asyncpg.connect(cluster.database_urls[service], timeout=5)
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                tables = {"outbox": OUTBOX, "inbox": "SELECT consumer, event_id FROM inbox"}
                rows[service] = {
                    name: await conn.fetch(sql)
                    for name, sql in {**tables, **QUERIES[service]}.items()
                }
        finally:
            await conn.close()
    async with _jetstream(cluster.nats.url) as js:
        stream = await js.stream_info(STREAM, subjects_filter=">")
        dead = await js.stream_info(DEAD_LETTER_STREAM)
        state = {}
        for consumer in consumers():
            info = await js.consumer_info(STREAM, consumer.durable)
            state[consumer.durable] = (info.num_pending or 0, info.num_ack_pending or 0)
    return Snapshot(rows, dict(stream.state.subjects or {}), dead.state.messages, state)


def published_once(s: Snapshot) -> list[str]:
    """Every outbox row is marked sent and is in the stream exactly once (by subject)."""
    unsent = [r["event_type"] for r in s.outbox() if not r["sent"]]
    problems = [f"outbox: {len(unsent)} rows unsent, e.g. {unsent[:3]}"] if unsent else []
    outboxes = Counter(r["subject"] for r in s.outbox())
    return problems + differ("stream messages by subject", outboxes.elements(), _elements(s))


def _elements(s: Snapshot) -> Iterable[str]:
    return Counter(s.stream_subjects).elements()


def consumed_once(s: Snapshot) -> list[str]:
    """Each consumer's inbox holds exactly the events on its subjects, none pending, none dead."""
    problems = [f"{s.dead_letters} dead letters"] if s.dead_letters else []
    for consumer in consumers():
        pending, unacked = s.consumer_state[consumer.durable]
        if pending or unacked:
            problems.append(f"{consumer.durable}: {pending} pending, {unacked} unacknowledged")
        expected = [
            r["event_id"]
            for r in s.outbox()
            if any(subject_matches(p, r["subject"]) for p in consumer.subjects)
        ]
        received = [
            r["event_id"]
            for r in s.of(consumer.service, "inbox")
            if r["consumer"] == consumer.durable
        ]
        problems += differ(f"inbox of {consumer.durable}", expected, received)
    return problems


def kommuntal_projected(s: Snapshot) -> list[str]:
    """The settlement unit's kommuntal = each county's current decision, row by row;
    it holds a cap exactly for the revision requests the county service has open."""
    current = [tuple(r) for r in s.of("kommuntal", "current")]
    projected = [tuple(r) for r in s.of("anvisning", "kommuntal")]
    return differ("anvisning kommuntal projection", current, projected) + differ(
        "open revisions",
        [r["request_id"] for r in s.of("kommuntal", "open_revisions")],
        [r["request_id"] for r in s.of("anvisning", "open_revisions")],
    )


def assignments_projected(s: Snapshot) -> list[str]:
    """The reception units hold one record per assignment, at its last published version."""
    published: dict[str, int] = {}
    for r in s.of("anvisning", "outbox"):
        if r["event_type"] in ("anvisning.decided", "anvisning.cancelled"):
            key = r["aggregate_id"].removeprefix("anvisning:")
            published[key] = max(published.get(key, 0), r["version"])
    source = [
        (str(r["anvisning_id"]), r["arende_id"], r["kommunkod"], r["year"], r["persons"],
         published.get(str(r["anvisning_id"])), r["cancelled"])
        for r in s.of("anvisning", "assignments")
    ]  # fmt: skip
    projection = [
        (str(r["anvisning_id"]), r["arende_id"], r["kommunkod"], r["year"], r["persons"],
         r["anvisning_version"], r["cancelled"])
        for r in s.of("dialog", "receptions")
    ]  # fmt: skip
    return differ("dialog receptions", source, projection)


def receptions_counted(s: Snapshot) -> list[str]:
    """Each reception the municipalities reported counts once as received, or is kept as a
    conflict where the assignment was cancelled; used and received match the assignments."""
    conflicts = {r["anvisning_id"] for r in s.of("anvisning", "conflicts")}
    reported = [r for r in s.of("dialog", "receptions") if r["received"]]
    received_or_conflict = [
        r["anvisning_id"] for r in s.of("anvisning", "assignments") if r["status"] == "received"
    ] + list(conflicts)
    problems = differ("receptions", [r["anvisning_id"] for r in reported], received_or_conflict)
    expected: Counter[tuple[int, str]] = Counter()
    for r in reported:
        if r["anvisning_id"] not in conflicts:
            expected[(r["year"], r["kommunkod"])] += r["persons"]
    used: Counter[tuple[int, str]] = Counter()
    for r in s.of("anvisning", "assignments"):
        if not r["cancelled"]:
            used[(r["year"], r["kommunkod"])] += r["persons"]
    counts = s.of("anvisning", "counts")
    return (
        problems
        + differ(
            "received persons",
            (+expected).items(),
            [((r["year"], r["kommunkod"]), r["received"]) for r in counts if r["received"]],
        )
        + differ(
            "used places",
            (+used).items(),
            [((r["year"], r["kommunkod"]), r["used"]) for r in counts if r["used"]],
        )
    )


def county_inbox_projected(s: Snapshot) -> list[str]:
    """The county boards' inbox holds exactly the `lst` events, with their county and type."""
    source = [
        (r["event_id"], r["subject"].split(".")[1], r["event_type"], r["aggregate_id"])
        for r in s.outbox()
        if subject_matches("bosattning.*.lst.>", r["subject"])
    ]
    return differ("county inbox", source, [tuple(r) for r in s.of("kommuntal", "notifications")])


CHECKS: tuple[Callable[[Snapshot], list[str]], ...] = (
    published_once,
    consumed_once,
    kommuntal_projected,
    assignments_projected,
    receptions_counted,
    county_inbox_projected,
)


async def assert_projections_equal_sources(cluster: Cluster, within: float = 120.0) -> Snapshot:
    """Wait (bounded) until everything is consumed and every projection equals its
    source; fail naming what still differs. Returns the snapshot that passed."""
    deadline = asyncio.get_running_loop().time() + within
    problems: list[str] = ["not checked yet"]
    while asyncio.get_running_loop().time() < deadline:
        try:
            settled = await snapshot(cluster)
        except (OSError, asyncpg.PostgresError, nats.errors.Error) as error:
            problems = [f"could not read: {error!r}"]
        else:
            problems = [problem for check in CHECKS for problem in check(settled)]
            if not problems:
                return settled
        await asyncio.sleep(0.5)
    raise AssertionError("projections differ from their sources:\n" + "\n".join(problems))
