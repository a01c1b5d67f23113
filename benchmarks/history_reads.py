"""Reading any version of a document with 100,000 ops: in the engine, as `nf` over a live socket, and the history slider.

    .venv/bin/python benchmarks/history_reads.py [--ops N] [--reads N]

Builds a document from the first N patches of the automerge-paper trace
(committed through the engine, so milestones are kept as in production),
then reads it at random versions: collab.api.text_at in this process,
ShareDB snapshot fetches (`nf`) from a live daphne on the same database,
and the history page's slider (its JSON: text and authors), the first
move (when no milestone knows its authors yet) timed apart. Targets:
under 50 ms for a fetch at any version, under 100 ms for a slider move.
Writes benchmarks/results/history_reads.json.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import traces  # noqa: E402
from benchmarks.results_file import write_results  # noqa: E402


def percentiles(samples_ms):
    ordered = sorted(samples_ms)
    pick = lambda fraction: round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2)  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "max": round(ordered[-1], 2)}


def build(key, ops):
    from django.db import transaction

    from collab import ot, store
    from collab.api import create_document

    start, edits, _ = traces.load("automerge-paper")
    create_document(key, start)
    document = store.load_document(key)
    with transaction.atomic():  # one commit for the lot: building is not what is measured
        text = document.content
        for op in edits[:ops]:
            text = ot.apply(text, op)
            store.commit(document, "edit", op, "", None, None, text, document.type)
    return document.version


def read_in_process(key, head, reads, rng):
    from collab import api

    samples = []
    for version in (rng.randrange(1, head + 1) for _ in range(reads)):
        began = time.perf_counter()
        api.text_at(key, version=version)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def read_over_socket(database_url, database_path, key, head, reads, rng):
    from tests.support.daphne import running_daphne, site_env
    from tests.support.live import LiveSite
    from tests.support.rawsocket import RawWebSocket

    production = {"DEBUG": "0", "SECRET_KEY": os.environ["SECRET_KEY"]}
    with running_daphne(database_url, **production) as base:
        site = LiveSite(base, database_path, site_env(database_url, **production))
        site.create_user("reader")
        site.manage_shell(f"from documents.models import Document; d = Document.objects.get(key={key!r}); d.visibility = 'link_view'; d.save()")
        browser = site.browse("reader")
        ws = RawWebSocket(site.ws_url, origin=base, cookie=browser.cookie_header())
        ws.receive_json()
        fetches = []
        for number, version in enumerate((rng.randrange(1, head + 1) for _ in range(reads)), start=1):
            began = time.perf_counter()
            reply = ws.request({"a": "nf", "id": number, "c": "documents", "d": key, "v": version})
            fetches.append((time.perf_counter() - began) * 1000)
            assert reply["v"] == version and "data" in reply, reply
        ws.close()
        began = time.perf_counter()
        browser.get(f"/d/{key}/history/{head}.json")
        first_move = (time.perf_counter() - began) * 1000
        moves = []
        for version in (rng.randrange(1, head + 1) for _ in range(reads)):
            began = time.perf_counter()
            browser.get(f"/d/{key}/history/{version}.json")
            moves.append((time.perf_counter() - began) * 1000)
    return fetches, first_move, moves


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        url = f"sqlite:///{path}"
        os.environ.update({"DATABASE_URL": url, "DEBUG": "0", "SECRET_KEY": "history-benchmark-only-" + "h" * 40,
                           "DJANGO_SETTINGS_MODULE": "config.settings"})
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        began = time.perf_counter()
        head = build("history", args.ops)
        print(f"built a document at version {head} in {time.perf_counter() - began:.0f} s")
        from django.db import connection

        connection.close()
        rng = random.Random(100)
        engine = percentiles(read_in_process("history", head, args.reads, rng))
        fetches, first_move, moves = read_over_socket(url, path, "history", head, args.reads, rng)
        socket, slider = percentiles(fetches), percentiles(moves)
    from collab.conf import collab_settings

    row = {"ops": head - 1, "milestone_interval": collab_settings()["MILESTONE_INTERVAL"], "reads": args.reads,
           "text_at_ms": engine, "nf_over_socket_ms": socket, "slider_first_move_ms": round(first_move, 1), "slider_move_ms": slider}
    print(f"text_at at a random version: p50 {engine['p50']} ms, p99 {engine['p99']} ms, max {engine['max']} ms")
    print(f"nf over the socket:          p50 {socket['p50']} ms, p99 {socket['p99']} ms, max {socket['max']} ms (target < 50 ms)")
    print(f"history slider, first move:  {first_move:.0f} ms (no milestone knew its authors yet)")
    print(f"history slider, later moves: p50 {slider['p50']} ms, p99 {slider['p99']} ms, max {slider['max']} ms (target < 100 ms)")
    write_results("history_reads", [row], setup="embedded SQLite, DEBUG off")


if __name__ == "__main__":
    main()
