"""The machine a run was measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from bosattning_cli.gateway import node_binary


def _cpu_model() -> str:
    with_name = [
        line.split(":", 1)[1].strip()
        for line in _read("/proc/cpuinfo").splitlines()
        if line.startswith("model name")
    ]
    return with_name[0] if with_name else platform.processor() or "unknown"


def _memory_gib() -> float:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _read(path: str) -> str:
    try:
        return Path(path).read_text("utf-8")
    except OSError:
        return ""


def _node_version() -> str:
    try:
        out = subprocess.run(
            [str(node_binary()), "--version"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def describe() -> dict[str, str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{_memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Node": _node_version(),
        "load average at start": " ".join(f"{value:.2f}" for value in load),
    }
