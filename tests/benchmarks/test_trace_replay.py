"""The benchmark still runs and checks its replays (its figures are not asserted)."""

from benchmarks import trace_replay
from tests.support.node import JsonLineProcess


def test_trace_replay_measures_one_trace():
    reference = JsonLineProcess("ot_reference.js")
    try:
        row = trace_replay.measure("sveltecomponent", 1, reference)
    finally:
        reference.close()
    assert row["ops"] == 19749 and row["end_length"] == 18451
    assert row["ours_ops_per_s"] > 0 and row["reference_ops_per_s"] > 0 and row["peak_memory_bytes"] > 0
