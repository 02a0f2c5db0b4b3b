"""Where the development suite keeps its keys, data and logs."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STATE_DIR = REPO_ROOT / ".bosattning"


def state_dir_of(option: Path | None) -> Path:
    """The state directory an option (or `BOSATTNING_STATE_DIR`) names, or the default."""
    return (option or DEFAULT_STATE_DIR).absolute()
