"""`bosattning-kommuntal` / `python -m bosattning_kommuntal`: serve the county boards' subgraph."""

from __future__ import annotations

from bosattning_runtime.serve import serve

from bosattning_kommuntal.app import DEFAULT_PORT, SERVICE, create_app


def main() -> None:
    serve(SERVICE, DEFAULT_PORT, create_app)


if __name__ == "__main__":
    main()
