"""Replay the editing traces through collab.ot.apply and through the JS reference.

    .venv/bin/python benchmarks/trace_replay.py [--rounds N] [trace ...]

Prints ops/s per trace for our apply, for plain str slicing (the floor
validation must stay near) and for ot-text-unicode in Node on the same ops,
the ratio to the reference, and the peak memory of one replay. Writes the
figures to benchmarks/results/trace_replay.json.
"""

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import traces  # noqa: E402
from benchmarks.results_file import write_results  # noqa: E402
from collab import ot  # noqa: E402
from tests.support.node import JsonLineProcess  # noqa: E402


def replay(doc, ops):
    apply = ot.apply
    for op in ops:
        doc = apply(doc, op)
    return doc


def replay_slicing(doc, patches):
    for position, deleted, inserted in patches:
        doc = doc[:position] + inserted + doc[position + deleted:]
    return doc


def best_rate(function, start, items, expected, rounds):
    best = 0.0
    for _ in range(rounds):
        began = time.perf_counter()
        result = function(start, items)
        elapsed = time.perf_counter() - began
        assert result == expected, "replay did not reach endContent"
        best = max(best, len(items) / elapsed)
    return best


def peak_memory(start, ops):
    tracemalloc.start()
    replay(start, ops)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def as_patches(ops):
    patches = []
    for op in ops:
        position = op[0] if type(op[0]) is int else 0
        deleted = next((c["d"] for c in op if type(c) is dict), 0)
        inserted = op[-1] if type(op[-1]) is str else ""
        patches.append((position, deleted, inserted))
    return patches


def measure(name, rounds, reference):
    start, ops, expected = traces.load(name)
    ours = best_rate(replay, start, ops, expected, rounds)
    slicing = best_rate(replay_slicing, start, as_patches(ops), expected, rounds)
    answer = reference.call("replay", start, ops, rounds)["ok"]
    assert answer["doc"] == expected, "the reference did not reach endContent"
    return {
        "trace": name, "ops": len(ops), "ours_ops_per_s": round(ours), "slicing_ops_per_s": round(slicing),
        "reference_ops_per_s": round(answer["opsPerSecond"]), "ratio_to_reference": round(ours / answer["opsPerSecond"], 1),
        "peak_memory_bytes": peak_memory(start, ops), "end_length": len(expected),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=traces.NAMES)
    parser.add_argument("--rounds", type=int, default=5, help="best of N timed replays (default 5)")
    args = parser.parse_args()
    reference = JsonLineProcess("ot_reference.js")
    rows = []
    print(f"{'trace':22} {'ops':>8} {'ours ops/s':>12} {'slicing':>12} {'JS ref':>10} {'ratio':>6} {'peak MiB':>9}")
    for name in args.names:
        row = measure(name, args.rounds, reference)
        rows.append(row)
        print(f"{name:22} {row['ops']:>8} {row['ours_ops_per_s']:>12,} {row['slicing_ops_per_s']:>12,} "
              f"{row['reference_ops_per_s']:>10,} {row['ratio_to_reference']:>5}x {row['peak_memory_bytes'] / 2**20:>9.2f}")
    reference.close()
    write_results("trace_replay", rows)

if __name__ == "__main__":
    main()
