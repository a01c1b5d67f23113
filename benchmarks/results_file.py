"""Benchmark figures written with what made them: the command, the machine, the time."""

import json
import os
import platform
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name, rows, setup=""):
    """Write benchmarks/results/<name>.json and say where."""
    path = RESULTS / f"{name}.json"
    RESULTS.mkdir(exist_ok=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    path.write_text(json.dumps({
        "command": " ".join(["benchmarks/" + Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": machine + (f", {setup}" if setup else ""),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": rows,
    }, indent=2) + "\n")
    print(f"written to {path}")
