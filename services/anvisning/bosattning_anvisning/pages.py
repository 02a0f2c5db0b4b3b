"""Cursor pagination over assignments, scoped to what the caller may see (DESIGN §5)."""

from __future__ import annotations

import strawberry
from bosattning_runtime.auth import Principal, Role
from bosattning_runtime.graphql import forbidden
from bosattning_runtime.pages import check_first, decode_cursor, encode_cursor, split_page

from bosattning_anvisning import store
from bosattning_anvisning.types import AInfo, Anvisning, deps_of


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class AnvisningEdge:
    cursor: str
    node: Anvisning


@strawberry.type
class AnvisningConnection:
    edges: list[AnvisningEdge]
    page_info: PageInfo


def scope(principal: Principal, kommunkod: str | None) -> tuple[list[str] | None, list[str] | None]:
    """(municipalities, counties) the caller may list; FORBIDDEN where none."""
    if principal.has_role(Role.bosattningsenhet):
        return ([kommunkod] if kommunkod else None), None
    if principal.has_role(Role.kommun) and principal.kommun:
        if kommunkod not in (None, principal.kommun):
            raise forbidden("a municipality lists its own assignments")
        return [principal.kommun], None
    if principal.has_role(Role.lansstyrelse) or principal.has_role(Role.regional_expert):
        return ([kommunkod] if kommunkod else None), sorted(principal.lan)
    raise forbidden("these assignments are not yours to list")


async def anvisningar(
    info: AInfo,
    principal: Principal,
    year: int,
    kommunkod: str | None,
    first: int,
    after: str | None,
) -> AnvisningConnection:
    check_first(first)
    kommuner, lan = scope(principal, kommunkod)
    async with deps_of(info).pool.acquire() as conn:
        rows = await store.page(conn, year, kommuner, lan, decode_cursor(after), first + 1)
    items, more, end = split_page(rows, first, lambda a: (a.decided_at, a.anvisning_id))
    edges = [
        AnvisningEdge(cursor=encode_cursor(a.decided_at, a.anvisning_id), node=Anvisning.of(a))
        for a in items
    ]
    return AnvisningConnection(edges=edges, page_info=PageInfo(has_next_page=more, end_cursor=end))
