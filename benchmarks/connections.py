"""Many idle subscribed connections: server memory per connection, and the time for a storm of them to connect.

    .venv/bin/python benchmarks/connections.py [--clients 2000 10000] [--docs 100]

For each count N, against a fresh daphne of ours (embedded SQLite, DEBUG
off, the per-user limits lifted), against the same daphne serving a bare
Channels consumer with canned replies (benchmarks/stack_floor.py: what
daphne and Channels cost before any of our work) and against ShareDB's
own server (MemoryDB), in the same run: N real ShareDB clients connect and subscribe
at once (benchmarks/connections.js), as after a restart; meanwhile one
person types 5 ops a second (benchmarks/load.js), whose ack latency shows
whether the storm locks out those already editing. Then, all idle, the
server's resident memory over its own before the storm, per connection.
Targets: 10,000 in at most 20 s; at most 25 KiB a connection. Writes
benchmarks/results/connections.json.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floor import floor_serving  # noqa: E402
from benchmarks.load import PRODUCTION  # noqa: E402
from benchmarks.results_file import write_results  # noqa: E402
from tests.support.daphne import DaphneServer, manage, site_env  # noqa: E402
from tests.support.live import LiveSite  # noqa: E402
from tests.support.node import node_env, require_node  # noqa: E402

HERE = Path(__file__).resolve().parent
SETTLE_SECONDS = 3


def more_files():
    """Each connection is a file descriptor, at both ends: raise the soft limit to the hard one."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def storm(url, origin, cookie, clients, docs, prefix, server_pid):
    """(seconds for all to connect and subscribe, failures, KiB per idle connection, the typist's ack latencies)."""
    base = ["--url", url, "--origin", origin] + (["--cookie", cookie] if cookie else [])
    subprocess.run(["node", str(HERE / "connections.js"), *base, "--clients", str(docs), "--docs", str(docs), "--prefix", prefix],
                   input="", env=node_env(), capture_output=True, text=True, check=True, timeout=120)  # the documents exist, warm
    time.sleep(SETTLE_SECONDS)
    before = rss_kib(server_pid)
    typist = subprocess.Popen(["node", str(HERE / "load.js"), *base, "--clients", "1", "--docs", "1", "--ops", "200", "--rate", "5",
                               "--label", "typist"], env=node_env(), stdout=subprocess.PIPE, text=True, preexec_fn=more_files)
    time.sleep(1)
    crowd = subprocess.Popen(["node", str(HERE / "connections.js"), *base, "--clients", str(clients), "--docs", str(docs), "--prefix", prefix],
                             env=node_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, preexec_fn=more_files)
    ready = json.loads(crowd.stdout.readline())
    time.sleep(SETTLE_SECONDS)
    after = rss_kib(server_pid)
    typing = json.loads(typist.communicate(timeout=120)[0].strip().splitlines()[-1])
    crowd.stdin.close()
    crowd.wait(timeout=60)
    connected = clients - ready["failed"]
    return {"clients": clients, "seconds": ready["seconds"], "failed": ready["failed"],
            "kib_per_connection": round((after - before) / connected, 1) if connected else None, "typist_ack_ms": typing["ack_ms"]}


# Handshakes that wait their turn are accepted, not refused after daphne's 5 s (see docs/deploy.md).
PATIENT_DAPHNE = {"preexec_fn": more_files, "options": ["--websocket_connect_timeout", "120"]}


def ours(clients, docs):
    with tempfile.TemporaryDirectory() as folder:
        env = site_env(f"sqlite:///{folder}/connections.sqlite3", **PRODUCTION)
        manage(env, "migrate", "--noinput")
        server = DaphneServer(env, **PATIENT_DAPHNE).start()
        try:
            site = LiveSite(server.base, Path(folder) / "connections.sqlite3", env)
            site.create_user("crowd")
            return storm(site.ws_url, server.base, site.login("crowd"), clients, docs, "ours", server.process.pid)
        finally:
            server.stop()


def floor(clients, docs):
    with tempfile.TemporaryDirectory() as folder:
        with floor_serving(site_env(f"sqlite:///{folder}/floor.sqlite3", **PRODUCTION), **PATIENT_DAPHNE) as (url, origin, pid):
            return storm(url, origin, None, clients, docs, "floor", pid)


def sharedb(clients, docs):
    reference = subprocess.Popen(["node", str(HERE / "reference_server.js")], env=node_env(), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, preexec_fn=more_files)
    try:
        port = json.loads(reference.stdout.readline())["port"]
        return storm(f"ws://127.0.0.1:{port}", "http://127.0.0.1", None, clients, docs, "sharedb", reference.pid)
    finally:
        reference.stdin.close()
        reference.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--docs", type=int, default=100)
    args = parser.parse_args()
    require_node()
    more_files()
    rows = []
    for count in args.clients:
        row = {"clients": count, "ours": ours(count, args.docs), "daphne_channels_floor": floor(count, args.docs),
               "sharedb": sharedb(count, args.docs)}
        rows.append(row)
        for name in ("ours", "daphne_channels_floor", "sharedb"):
            result = row[name]
            print(f"{count} clients, {name:21}: all subscribed in {result['seconds']} s ({result['failed']} failed), "
                  f"{result['kib_per_connection']} KiB each; a typist's ack p99 {result['typist_ack_ms']['p99']} ms meanwhile")
    write_results("connections", rows, setup="daphne, embedded SQLite + in-memory channel layer, DEBUG off, limits lifted; "
                                             "the floor: the same daphne, a Channels consumer with canned replies; "
                                             "ShareDB with MemoryDB")


if __name__ == "__main__":
    main()
