"""`python -m bosattning_anvisning`: serve the settlement unit's subgraph."""

from __future__ import annotations

from bosattning_runtime.serve import serve

from bosattning_anvisning.app import DEFAULT_PORT, SERVICE, create_app


def main() -> None:
    serve(SERVICE, DEFAULT_PORT, create_app)


if __name__ == "__main__":
    main()
