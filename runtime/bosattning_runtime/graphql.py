"""GraphQL pieces every subgraph shares: typed errors, authentication, permissions, the view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError, GraphQLResolveInfo, default_field_resolver
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.permission import BasePermission
from strawberry.types import Info

from bosattning_runtime.auth import (
    AGENCY_ROLES,
    Principal,
    TokenVerifier,
    may_read_county_picture,
    principal_from_authorization_header,
)
from bosattning_runtime.errors import AuthenticationError, DomainError

DepsT = TypeVar("DepsT")

# Root fields anyone may ask for: the gateway needs `_service` to compose.
PUBLIC_ROOT_FIELDS = frozenset({"__typename", "__schema", "__type", "_service"})


@dataclass
class RequestContext(Generic[DepsT]):
    """What a resolver sees: the verified principal (or why there is none) and the service."""

    deps: DepsT
    principal: Principal | None
    auth_error: str | None
    request: Request | WebSocket | None = None
    response: Response | WebSocket | None = None
    loaders: dict[str, Any] = field(default_factory=dict)
    connection_params: dict[str, Any] | None = None


def principal_of(info: Info[RequestContext[Any], None]) -> Principal:
    """The caller; resolvers behind the deny-by-default extension always have one."""
    principal = info.context.principal
    if principal is None:
        raise GraphQLError("authentication required", extensions={"code": "UNAUTHENTICATED"})
    return principal


def _unauthenticated(context: Any) -> GraphQLError | None:
    if getattr(context, "principal", None) is not None:
        return None
    reason = getattr(context, "auth_error", None) or "a bearer token is required"
    return GraphQLError(reason, extensions={"code": "UNAUTHENTICATED"})


def _authenticated(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any) -> Any:
        error = _unauthenticated(info.context)
        if error is not None:
            raise error
        return resolve(root, info, *args, **kwargs)

    return guarded


def deny_unauthenticated(schema: strawberry.federation.Schema) -> None:
    """Deny by default: no root field but the public ones resolves (or, for a subscription,
    subscribes) without a valid token. Only the root fields are wrapped: a schema
    extension's `resolve` hook would run for every field of every answer, and cost a
    quarter of the time of a 49-row list (BENCHMARKS.md)."""
    compiled = schema._schema
    roots = (compiled.query_type, compiled.mutation_type, compiled.subscription_type)
    for root in (r for r in roots if r is not None):
        for name, root_field in root.fields.items():
            if name in PUBLIC_ROOT_FIELDS:
                continue
            root_field.resolve = _authenticated(root_field.resolve or default_field_resolver)
            if root_field.subscribe is not None:
                root_field.subscribe = _authenticated(root_field.subscribe)


Rule = Callable[[Principal, Mapping[str, Any]], bool]


def permission(name: str, rule: Rule, message: str) -> type[BasePermission]:
    """A permission class: FORBIDDEN unless `rule(principal, field arguments)` holds."""

    def has_permission(self: BasePermission, source: Any, info: Info, **kwargs: Any) -> bool:
        principal = info.context.principal
        return principal is not None and rule(principal, kwargs)

    return type(
        name,
        (BasePermission,),
        {
            "message": message,
            "error_extensions": {"code": "FORBIDDEN"},
            "has_permission": has_permission,
        },
    )


@strawberry.federation.interface(
    description="A rule or input problem, returned in a mutation payload."
)
class Error:
    code: str
    message: str
    field: str | None


@strawberry.federation.type(
    shareable=True, description="The input breaks a rule; nothing was changed."
)
class ValidationError(Error):
    pass


@strawberry.federation.type(shareable=True, description="Something the input names does not exist.")
class NotFound(Error):
    pass


@strawberry.federation.type(
    shareable=True, description="The input conflicts with the current state."
)
class Conflict(Error):
    pass


def user_error(error: DomainError) -> ValidationError | NotFound | Conflict:
    """Map a domain error to its typed GraphQL error by its code's suffix."""
    if error.code.endswith("_NOT_FOUND"):
        return NotFound(code=error.code, message=error.message, field=error.field)
    if error.code.endswith("_CONFLICT") or error.code == "IDEMPOTENCY_KEY_REUSED":
        return Conflict(code=error.code, message=error.message, field=error.field)
    return ValidationError(code=error.code, message=error.message, field=error.field)


ERROR_TYPES = (ValidationError, NotFound, Conflict)


class SubgraphView(GraphQL[RequestContext[Any], None]):
    """The strawberry ASGI view: verifies the bearer token into the request context."""

    def __init__(
        self,
        schema: strawberry.federation.Schema,
        verifier: TokenVerifier,
        deps: Any,
        *,
        development: bool,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if development else None,
            allow_queries_via_get=False,
        )
        self._verifier = verifier
        self._deps = deps

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext[Any]:
        header = request.headers.get("authorization")
        principal: Principal | None = None
        auth_error: str | None = None
        if header is not None:
            try:
                principal = principal_from_authorization_header(header, self._verifier)
            except AuthenticationError as error:
                auth_error = str(error)
        return RequestContext(self._deps, principal, auth_error, request, response)

    async def on_ws_connect(self, context: RequestContext[Any]) -> None:
        """A subscription's token may come in `connection_init` (browsers cannot set headers
        on a WebSocket); the gateway forwards it there per user. No valid token: the socket
        stays open and every operation on it is refused as UNAUTHENTICATED."""
        header = (context.connection_params or {}).get("authorization")
        if not isinstance(header, str) or context.principal is not None:
            return
        try:
            context.principal = principal_from_authorization_header(header, self._verifier)
            context.auth_error = None
        except AuthenticationError as error:
            context.auth_error = str(error)


def subgraph_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Sequence[type] = (),
) -> strawberry.federation.Schema:
    """A federation 2.9 subgraph schema, deny-by-default, with parser and validation caches."""
    schema = strawberry.federation.Schema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        federation_version="2.9",
        extensions=[ParserCache, ValidationCache],
    )
    deny_unauthenticated(schema)
    return schema


K = TypeVar("K")
V = TypeVar("V")


def loader(
    info: Info[RequestContext[Any], None],
    name: str,
    load: Callable[[list[K]], Awaitable[list[V]]],
) -> DataLoader[K, V]:
    """The request's DataLoader called `name`: entities and fields that need rows by key
    are fetched in one statement per request, never one per entity."""
    loaders = info.context.loaders
    if name not in loaders:
        loaders[name] = DataLoader(load_fn=load)
    found: DataLoader[K, V] = loaders[name]
    return found


def command_input(value: Any) -> dict[str, Any]:
    """A mutation input as the idempotency fingerprint sees it: without the key itself."""
    data: dict[str, Any] = strawberry.asdict(value)
    data.pop("idempotency_key", None)
    return data


def by_year_loader(
    info: Info[RequestContext[Any], None],
    name: str,
    pool: Any,
    fetch: Callable[[Any, int, list[str]], Awaitable[Mapping[str, V]]],
) -> DataLoader[tuple[int, str], V | None]:
    """A loader of rows by (year, code): one `fetch` per year of the request's keys."""

    async def load(keys: list[tuple[int, str]]) -> list[V | None]:
        found: dict[tuple[int, str], V] = {}
        async with pool.acquire() as conn:
            for year in {y for y, _ in keys}:
                rows = await fetch(conn, year, [code for y, code in keys if y == year])
                found.update({(year, code): value for code, value in rows.items()})
        return [found.get(key) for key in keys]

    return loader(info, name, load)


def forbidden(message: str) -> GraphQLError:
    """The caller is known but may not do or see this (DESIGN §5)."""
    return GraphQLError(message, extensions={"code": "FORBIDDEN"})


def require_agency(info: Info[RequestContext[Any], None], message: str) -> None:
    """County and national totals are for the agencies' roles only."""
    if not principal_of(info).roles & AGENCY_ROLES:
        raise forbidden(message)


def require_county_picture(info: Info[RequestContext[Any], None], lanskod: str) -> None:
    """The parts of a county's situation picture beyond its counts are for its readers."""
    if not may_read_county_picture(principal_of(info), lanskod):
        raise forbidden("this county's situation picture is not yours to read")
