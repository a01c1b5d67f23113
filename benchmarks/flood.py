"""Does one flooding client slow down everyone else? Another client's ping round trip, with and without a flood.

    .venv/bin/python benchmarks/flood.py [--seconds N]

A bystander pings the server every 20 ms and records each round trip,
first alone, then while a flooder in another process sends pings, fetches
and 20,000-id bulk requests as fast as its sockets take them, over as many
connections as its user may open, reconnecting whenever the server closes
one. The server runs with the default COLLAB limits, DEBUG off. Target: the
bystander's p99 under the flood at most twice its p99 alone. Writes
benchmarks/results/flood.json.
"""

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results_file import write_results  # noqa: E402
from tests.support.daphne import running_daphne, site_env  # noqa: E402
from tests.support.live import LiveSite  # noqa: E402
from tests.support.rawsocket import Closed, RawWebSocket  # noqa: E402

PING_EVERY = 0.02
FLOOD_CONNECTIONS = 20  # the default MAX_CONNECTIONS_PER_USER
PING = json.dumps({"a": "pp"})
FETCH = json.dumps({"a": "f", "c": "documents", "d": "flooded"})
HUGE_BULK = json.dumps({"a": "bf", "c": "documents", "b": [f"id{n}" for n in range(20_000)]})


def flood_message(n):
    """Pings and fetches in turn, and every fiftieth a bulk fetch of 20,000 ids."""
    return HUGE_BULK if n % 50 == 49 else (PING, FETCH)[n % 2]


def percentile(values, fraction):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 2) if ordered else None


def bystander(ws_url, origin, cookie, seconds):
    """Round trips of pings, in ms, one every PING_EVERY seconds."""
    ws = RawWebSocket(ws_url, origin=origin, cookie=cookie)
    ws.receive_json()
    rtts, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        ws.send_json({"a": "pp"})
        while ws.receive_json() != {"a": "pp"}:
            pass
        rtts.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0.0, PING_EVERY - (time.perf_counter() - started)))
    ws.close()
    return rtts


def flood_one(ws_url, origin, cookie, stop, counts):
    sent = 0
    while not stop.is_set():
        try:
            ws = RawWebSocket(ws_url, origin=origin, cookie=cookie)
            reader = threading.Thread(target=drain, args=(ws, counts), daemon=True)
            reader.start()
            while not stop.is_set():
                ws.send_text(flood_message(sent))
                sent += 1
                counts["sent"] += 1
                if not reader.is_alive():
                    break
        except (OSError, ConnectionRefusedError):
            counts["refused"] += 1
            time.sleep(0.05)


def drain(ws, counts):
    try:
        while True:
            ws.receive()
            counts["received"] += 1
    except Closed as closed:
        counts[f"closed {closed.code}"] = counts.get(f"closed {closed.code}", 0) + 1
    except OSError:
        counts["dropped"] += 1


def flooder(ws_url, origin, cookie, seconds, queue):
    stop, counts = threading.Event(), {"sent": 0, "received": 0, "refused": 0, "dropped": 0}
    threads = [threading.Thread(target=flood_one, args=(ws_url, origin, cookie, stop, counts), daemon=True)
               for _ in range(FLOOD_CONNECTIONS)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    queue.put(counts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/flood.sqlite3"
        production = {"DEBUG": "0", "SECRET_KEY": "flood-benchmark-only-" + "k" * 40}
        with running_daphne(url, **production) as base:
            site = LiveSite(base, Path(folder) / "flood.sqlite3", site_env(url, **production))
            for name in ("bystander", "flooder"):
                site.create_user(name)
            bystander_cookie, flooder_cookie = site.login("bystander"), site.login("flooder")
            calm = bystander(site.ws_url, base, bystander_cookie, args.seconds)
            queue = multiprocessing.Queue()
            flood = multiprocessing.Process(target=flooder, args=(site.ws_url, base, flooder_cookie, args.seconds + 2, queue))
            flood.start()
            time.sleep(1)  # the flood is under way
            stormy = bystander(site.ws_url, base, bystander_cookie, args.seconds)
            counts = queue.get()
            flood.join()
    row = {
        "bystander_alone_ms": {"p50": percentile(calm, 0.5), "p99": percentile(calm, 0.99), "pings": len(calm)},
        "bystander_under_flood_ms": {"p50": percentile(stormy, 0.5), "p99": percentile(stormy, 0.99), "pings": len(stormy)},
        "flooder": counts,
    }
    row["p99_ratio"] = round(row["bystander_under_flood_ms"]["p99"] / row["bystander_alone_ms"]["p99"], 2)
    print(json.dumps(row, indent=2))
    print(f"bystander ping p99: {row['bystander_alone_ms']['p99']} ms alone, {row['bystander_under_flood_ms']['p99']} ms "
          f"under the flood ({row['p99_ratio']}x; target <= 2x)")
    write_results("flood", [row], setup="daphne, embedded SQLite + in-memory channel layer, DEBUG off, default COLLAB limits")


if __name__ == "__main__":
    main()
