"""Run the load scenarios against our server and ShareDB's own, in the same run.

    .venv/bin/python benchmarks/load.py [--setup NAME ...] [--scenario NAME ...] [--ops-scale X] [--server daphne|uvicorn]

Setups:
  embedded    our server on SQLite + the in-memory channel layer, against
              ShareDB with its MemoryDB;
  scaleout    one, then two of our server processes on PostgreSQL + Redis
              (clients spread across them), against ShareDB with
              sharedb-postgres on the same PostgreSQL cluster.
Scenarios run benchmarks/load.js (real ShareDB clients); "trace" runs
benchmarks/replay.js (one client replaying a real editing trace, one op in
flight). Embedded under daphne, the scenarios where each client has a
document of its own also run against the floor: the same daphne serving a
bare Channels consumer that acks every op from nothing
(benchmarks/stack_floor.py), what daphne and Channels cost before any of
our work. Prints each side's JSON line and the ratios, and writes everything
to benchmarks/results/load.json (load-uvicorn.json with --server uvicorn).
Each side also gets the CPU its server processes used while the ops were
sent, per committed op (`server_cpu_ms_per_op`): what a core buys; the
clients' connecting, creating and subscribing before it are left out
(benchmarks/phases.py). Ours also gets its committer's batches from its
/metrics (`committer`) over the same part: how many, their mean size, their
mean time in the database thread and that thread's CPU in them, and how
long each batch's first submission waited for it.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import floor  # noqa: E402
from benchmarks.phases import run_in_phases  # noqa: E402
from benchmarks.results_file import write_results  # noqa: E402
from benchmarks.traces import TRACES  # noqa: E402
from tests.support.daphne import SERVERS, DaphneServer, manage, site_env  # noqa: E402
from tests.support.live import LiveSite  # noqa: E402
from tests.support.node import node_env, require_node  # noqa: E402
from tests.support.services import postgres_server, redis_server  # noqa: E402

HERE = Path(__file__).resolve().parent
# name: (clients, documents, ops per client, ops/s per client; 0 = next op on ack)
SCENARIOS = {
    "2x1": (2, 1, 500, 0),
    "20x1": (20, 1, 100, 0),
    "100x10": (100, 10, 40, 0),
    "200x200": (200, 200, 25, 0),
    "200x200@5": (200, 200, 25, 5),
    "trace": None,  # the first TRACE_OPS ops of TRACE, one client, one op in flight
}
SETUP_SCENARIOS = {
    "embedded": list(SCENARIOS),
    "scaleout": ["20x1", "100x10", "200x200", "trace"],
}
TRACE, TRACE_OPS = "automerge-paper", 5000
# As deployed: DEBUG off (Django would otherwise record every query).
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "load-benchmark-only-" + "k" * 40, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}


def run_node(script, args, at_phase):
    """The script's result, its last JSON line; at_phase is called where its measured part begins and ends."""
    return run_in_phases(["node", str(HERE / script), *args], at_phase, env=node_env())


def cpu_seconds(pids):
    """User + system CPU time the processes have used so far (Linux's /proc)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 counting the pid and name
    return ticks / os.sysconf("SC_CLK_TCK")


COMMITTER_SAMPLES = ("collab_commit_batch_submissions_count", "collab_commit_batch_submissions_sum", "collab_commit_batch_seconds_sum",
                     "collab_commit_batch_cpu_seconds_total", "collab_commit_wait_seconds_sum")


def committer_samples(urls):
    """The committer's batch metrics, summed over our server processes (each one's /metrics);
    None if one cannot be read: the run goes on without them."""
    totals = dict.fromkeys(COMMITTER_SAMPLES, 0.0)
    for url in urls:
        try:
            with urllib.request.urlopen(url.replace("ws://", "http://").split("/ws/")[0] + "/metrics", timeout=10) as response:
                text = response.read().decode()
        except OSError as error:  # urllib's errors included
            print(f"load.py: no committer figures: {url}'s /metrics: {error}", file=sys.stderr)
            return None
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name in totals:
                    totals[sample.name] += sample.value
    return totals


def committer_figures(before, after):
    """Per batch, over the scenario: submissions (ops, creates, resent ops), ms in the database thread,
    its CPU ms, and how long the batch's first submission waited."""
    if before is None or after is None:
        return None
    grew = {name: after[name] - before[name] for name in COMMITTER_SAMPLES}
    batches = grew["collab_commit_batch_submissions_count"]
    if batches <= 0:  # none, or a process restarted meanwhile
        return None
    each = {name: grew[name] / batches for name in COMMITTER_SAMPLES}  # per batch
    return {"batches": int(batches), "submissions_per_batch": round(each["collab_commit_batch_submissions_sum"], 2),
            "batch_ms": round(each["collab_commit_batch_seconds_sum"] * 1000, 3),
            "batch_cpu_ms": round(each["collab_commit_batch_cpu_seconds_total"] * 1000, 3),
            "first_waited_ms": round(each["collab_commit_wait_seconds_sum"] * 1000, 3)}


def measured(name, urls, origin, cookie, label, ops_scale, server_pids, ours=False):
    """run_scenario's figures, with the servers' CPU per committed op (and, for ours, its committer's batches)
    from the clients' first op until every client has every op: their connecting, creating and subscribing
    before, and their closing after, left out."""
    marks = {}

    def at_phase(phase):
        # /metrics is read outside the measured part: reading it costs the server CPU too.
        if phase == "ops":
            samples = committer_samples(urls) if ours else None
            marks[phase] = cpu_seconds(server_pids), samples
        else:
            cpu = cpu_seconds(server_pids)
            marks[phase] = cpu, committer_samples(urls) if ours else None

    result = run_scenario(name, urls, origin, cookie, label, ops_scale, at_phase)
    (cpu_before, samples_before), (cpu_after, samples_after) = marks["ops"], marks["done"]
    ops = result.get("committed_ops", result.get("ops"))
    result["server_cpu_ms_per_op"] = round((cpu_after - cpu_before) * 1000 / ops, 3) if ops else None
    if ours:
        result["committer"] = committer_figures(samples_before, samples_after)
    return result


def run_scenario(name, urls, origin, cookie, label, ops_scale, at_phase):
    common = ["--url", ",".join(urls), "--origin", origin, "--label", label] + (["--cookie", cookie] if cookie else [])
    if name == "trace":
        ops = max(1, int(TRACE_OPS * ops_scale))
        return run_node("replay.js", [*common, "--trace", str(TRACES / f"{TRACE}.json.gz"), "--ops", str(ops)], at_phase)
    clients, docs, ops, rate = SCENARIOS[name]
    ops = max(1, int(ops * ops_scale))
    return run_node("load.js", [*common, "--clients", str(clients), "--docs", str(docs), "--ops", str(ops), "--rate", str(rate)], at_phase)


@contextlib.contextmanager
def serving(server_class, env, count):
    """`count` server processes on one database; yields (their ws URLs, the Cookie of a signed-in user, their pids)."""
    servers = []
    try:
        for _ in range(count):
            servers.append(server_class(env).start())
        site = LiveSite(servers[0].base, None, env)
        with contextlib.suppress(subprocess.CalledProcessError):  # already there from an earlier round
            site.create_user("load")
        yield [LiveSite(s.base, None, env).ws_url for s in servers], site.login("load"), [s.process.pid for s in servers]
    finally:
        for server in servers:
            server.stop()


@contextlib.contextmanager
def reference_server(*args):
    """ShareDB's server (benchmarks/reference_server.js); yields its ws URL and pid."""
    process = subprocess.Popen(["node", str(HERE / "reference_server.js"), *args], env=node_env(),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield f"ws://127.0.0.1:{json.loads(process.stdout.readline())['port']}", process.pid
    finally:
        process.stdin.close()
        process.wait(timeout=10)


@contextlib.contextmanager
def embedded(server_class):
    """[(label, our ws URLs, cookie, our pids, ShareDB's (ws URL, pid), the floor's (ws URL, pid) or None)]
    for SQLite + in-memory layer vs MemoryDB."""
    with tempfile.TemporaryDirectory() as folder:
        env = site_env(f"sqlite:///{folder}/load.sqlite3", **PRODUCTION)
        manage(env, "migrate", "--noinput")
        with serving(server_class, env, 1) as (urls, cookie, pids), reference_server() as theirs, contextlib.ExitStack() as stack:
            bare = None
            if server_class is DaphneServer:
                url, _, pid = stack.enter_context(floor.floor_serving(env))
                bare = url, pid
            yield [("embedded", urls, cookie, pids, theirs, bare)]


@contextlib.contextmanager
def scaled_out(server_class):
    """The same for PostgreSQL + Redis, one and two of our processes, vs sharedb-postgres."""
    import psycopg

    with postgres_server() as database_url, redis_server() as redis_url:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("CREATE DATABASE sharedb")
        env = site_env(database_url, REDIS_URL=redis_url, **PRODUCTION)
        manage(env, "migrate", "--noinput")
        with reference_server("--postgres", database_url.rsplit("/", 1)[0] + "/sharedb") as theirs:
            def rounds():
                for count in (1, 2):
                    with serving(server_class, env, count) as (urls, cookie, pids):
                        yield (f"scaleout-{count}p", urls, cookie, pids, theirs, None)
            yield rounds()


def alone_on_its_document(name):
    """Whether each client of the scenario works on a document of its own: the floor broadcasts nothing."""
    return name == "trace" or SCENARIOS[name][0] == SCENARIOS[name][1]


def ratio(ours, theirs):
    return round(ours / theirs, 2) if ours and theirs else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setup", action="append", choices=list(SETUP_SCENARIOS), help="default: all")
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="default: all of the setup's")
    parser.add_argument("--ops-scale", type=float, default=1.0, help="multiply ops per client (default 1)")
    parser.add_argument("--server", choices=list(SERVERS), default="daphne", help="our ASGI server (default daphne)")
    args = parser.parse_args()
    require_node()
    rows = []
    for setup in args.setup or list(SETUP_SCENARIOS):
        names = [name for name in SETUP_SCENARIOS[setup] if not args.scenario or name in args.scenario]
        with (embedded if setup == "embedded" else scaled_out)(SERVERS[args.server]) as rounds:
            for label, urls, cookie, pids, (theirs, their_pid), bare in rounds:
                origin = urls[0].replace("ws://", "http://").split("/ws/")[0]
                for name in names:
                    ours = measured(name, urls, origin, cookie, "ours", args.ops_scale, pids, ours=True)
                    sharedb = measured(name, [theirs], origin, None, "sharedb", args.ops_scale, [their_pid])
                    row = {
                        "setup": label, "scenario": name, "ours": ours, "sharedb": sharedb,
                        "ratio_ops_per_s": ratio(ours["committed_ops_per_s"], sharedb["committed_ops_per_s"]),
                        "ratio_ack_p99": ratio(ours["ack_ms"]["p99"], sharedb["ack_ms"]["p99"]),
                        "ratio_server_cpu_per_op": ratio(ours["server_cpu_ms_per_op"], sharedb["server_cpu_ms_per_op"]),
                    }
                    print(json.dumps(ours))
                    print(json.dumps(sharedb))
                    if bare is not None and alone_on_its_document(name):
                        alone = row["daphne_channels_floor"] = measured(name, [bare[0]], origin, None, "floor", args.ops_scale, [bare[1]])
                        row["ratio_ops_per_s_to_floor"] = ratio(ours["committed_ops_per_s"], alone["committed_ops_per_s"])
                        print(json.dumps(alone))
                    rows.append(row)
                    print(f"{label} {name}: ops/s ours/sharedb = {row['ratio_ops_per_s']}, ack p99 ours/sharedb = {row['ratio_ack_p99']}, "
                          f"server CPU per op ours/sharedb = {row['ratio_server_cpu_per_op']}"
                          + (f", ops/s ours/floor = {row['ratio_ops_per_s_to_floor']}" if "ratio_ops_per_s_to_floor" in row else "")
                          + (f"; our batches: {batch['submissions_per_batch']} submissions, {batch['batch_ms']} ms in the database thread "
                             f"({batch['batch_cpu_ms']} ms its CPU), the first op waited {batch['first_waited_ms']} ms"
                             if (batch := ours["committer"]) else ""),
                          flush=True)
    write_results("load" if args.server == "daphne" else f"load-{args.server}", rows,
                  setup=f"{args.server}; embedded: SQLite + in-memory layer vs ShareDB MemoryDB; "
                        "scaleout: PostgreSQL + Redis vs ShareDB + sharedb-postgres; DEBUG off")


if __name__ == "__main__":
    main()
