"""`python -m bosattning_dialog`: serve the reception units' subgraph."""

from __future__ import annotations

from bosattning_runtime.serve import serve

from bosattning_dialog.app import DEFAULT_PORT, SERVICE, create_app


def main() -> None:
    serve(SERVICE, DEFAULT_PORT, create_app)


if __name__ == "__main__":
    main()
