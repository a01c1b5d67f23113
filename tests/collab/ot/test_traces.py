"""Real editing traces replayed through apply end at the text their authors wrote."""

import pytest

from benchmarks import traces
from collab import ot


@pytest.mark.parametrize("name", traces.NAMES)
def test_trace_replays_to_its_end_content(name):
    doc, ops, expected = traces.load(name)
    for op in ops:
        doc = ot.apply(doc, op)
    assert doc == expected


def test_patch_to_op_leaves_out_empty_parts():
    assert traces.patch_to_op(0, 0, "x") == ["x"]
    assert traces.patch_to_op(3, 2, "") == [3, {"d": 2}]
    assert traces.patch_to_op(3, 1, "yz") == [3, {"d": 1}, "yz"]
