"""Run the load scenarios against our server (daphne, embedded SQLite) and ShareDB's own.

    .venv/bin/python benchmarks/load.py [--scenario NAME ...] [--ops-scale X]

Each scenario runs benchmarks/load.js (real ShareDB clients) against a fresh
daphne and against benchmarks/reference_server.js (ShareDB, MemoryDB), both
in this run, prints their JSON lines and the ratios, and writes everything
to benchmarks/results/load.json.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results_file import write_results  # noqa: E402
from tests.support.daphne import running_daphne, site_env  # noqa: E402
from tests.support.live import LiveSite  # noqa: E402
from tests.support.node import node_env, require_node  # noqa: E402

HERE = Path(__file__).resolve().parent
# name: (clients, documents, ops per client, ops/s per client; 0 = next op on ack)
SCENARIOS = {
    "2x1": (2, 1, 500, 0),
    "20x1": (20, 1, 100, 0),
    "100x10": (100, 10, 40, 0),
    "200x200": (200, 200, 25, 0),
    "200x200@5": (200, 200, 25, 5),
}


def run_load(url, origin, cookie, label, clients, docs, ops, rate):
    command = ["node", str(HERE / "load.js"), "--url", url, "--origin", origin, "--label", label,
               "--clients", str(clients), "--docs", str(docs), "--ops", str(ops), "--rate", str(rate)]
    if cookie:
        command += ["--cookie", cookie]
    output = subprocess.run(command, env=node_env(), capture_output=True, text=True, timeout=600)
    if output.returncode != 0:
        raise RuntimeError(f"load.js failed: {output.stderr[-2000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def ratio(ours, theirs):
    return round(ours / theirs, 2) if ours and theirs else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="default: all")
    parser.add_argument("--ops-scale", type=float, default=1.0, help="multiply ops per client (default 1)")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne", help="our ASGI server (default daphne)")
    args = parser.parse_args()
    require_node()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/load.sqlite3"
        # As deployed: DEBUG off (Django would otherwise record every query).
        production = {"DEBUG": "0", "SECRET_KEY": "load-benchmark-only-" + "k" * 40, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        with running_daphne(url, server=args.server, **production) as base:
            site = LiveSite(base, Path(folder) / "load.sqlite3", site_env(url, **production))
            site.create_user("load")
            cookie = site.login("load")
            reference = subprocess.Popen(["node", str(HERE / "reference_server.js")], env=node_env(),
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            try:
                port = json.loads(reference.stdout.readline())["port"]
                for name in args.scenario or list(SCENARIOS):
                    clients, docs, ops, rate = SCENARIOS[name]
                    ops = max(1, int(ops * args.ops_scale))
                    ours = run_load(site.ws_url, base, cookie, "ours", clients, docs, ops, rate)
                    theirs = run_load(f"ws://127.0.0.1:{port}", base, None, "sharedb", clients, docs, ops, rate)
                    row = {
                        "scenario": name, "ours": ours, "sharedb": theirs,
                        "ratio_ops_per_s": ratio(ours["committed_ops_per_s"], theirs["committed_ops_per_s"]),
                        "ratio_ack_p99": ratio(ours["ack_ms"]["p99"], theirs["ack_ms"]["p99"]),
                    }
                    rows.append(row)
                    print(json.dumps(ours))
                    print(json.dumps(theirs))
                    print(f"{name}: ops/s ours/sharedb = {row['ratio_ops_per_s']}, ack p99 ours/sharedb = {row['ratio_ack_p99']}")
            finally:
                reference.stdin.close()
                reference.wait(timeout=10)
    write_results("load" if args.server == "daphne" else f"load-{args.server}", rows,
                  setup=f"{args.server}, embedded SQLite + in-memory channel layer, DEBUG off")

if __name__ == "__main__":
    main()
