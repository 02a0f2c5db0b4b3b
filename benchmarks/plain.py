"""The plain endpoint the GraphQL layer is measured against: starlette + asyncpg, no GraphQL.

It verifies the bearer token like a subgraph does and reads the county's kommuntal in force
with the kommuntal service's own store function (the same SQL on the same tables), then
answers the JSON the subgraph answers for the same question. Run as
`python -m benchmarks.plain` with PLAIN_DATABASE_URL, PLAIN_PORT and BOSATTNING_JWKS_FILE.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from bosattning_contracts.reference import kommun_by_kod
from bosattning_kommuntal import store
from bosattning_runtime.auth import TokenVerifier, principal_from_authorization_header
from bosattning_runtime.db import close_pool, create_pool
from bosattning_runtime.errors import AuthenticationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def create_app(database_url: str, verifier: TokenVerifier) -> Starlette:
    resources: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        resources["pool"] = await create_pool(database_url)
        try:
            yield
        finally:
            await close_pool(resources["pool"])

    async def kommuntal(request: Request) -> Response:
        try:
            principal_from_authorization_header(request.headers.get("authorization"), verifier)
        except AuthenticationError as error:
            return JSONResponse({"error": str(error)}, status_code=401)
        lanskod, year = request.path_params["lanskod"], request.path_params["year"]
        async with resources["pool"].acquire() as conn:
            decision = await store.current_decision(conn, year, lanskod)
        if decision is None:
            return JSONResponse({"data": {"lan": {"kommuntal": None}}})
        rows = [
            {
                "kommuntal": r.kommuntal,
                "kommun": {"kommunkod": r.kommunkod, "namn": _namn(r.kommunkod)},
            }
            for r in decision.rows
        ]
        answer = {"total": decision.total, "rows": rows}
        return JSONResponse({"data": {"lan": {"kommuntal": answer}}})

    routes = [Route("/lan/{lanskod}/kommuntal/{year:int}", kommuntal)]
    return Starlette(routes=routes, lifespan=lifespan)


def _namn(kommunkod: str) -> str:
    kommun = kommun_by_kod(kommunkod)
    return kommun.namn if kommun else ""


def main() -> None:
    jwks = json.loads(Path(os.environ["BOSATTNING_JWKS_FILE"]).read_text("utf-8"))
    app = create_app(os.environ["PLAIN_DATABASE_URL"], TokenVerifier(jwks=jwks))
    port = int(os.environ["PLAIN_PORT"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
