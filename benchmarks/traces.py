"""The real editing traces in tests/data/traces (see its README for source and licence)."""

import gzip
import json
from pathlib import Path

TRACES = Path(__file__).resolve().parent.parent / "tests" / "data" / "traces"
NAMES = ["automerge-paper", "seph-blog1", "friendsforever_flat", "clownschool_flat", "sveltecomponent"]


def patch_to_op(position, deleted, inserted):
    """A trace patch as a text-unicode op: [pos?, {"d": n}?, "text"?]."""
    op = [position] if position else []
    if deleted:
        op.append({"d": deleted})
    if inserted:
        op.append(inserted)
    return op


def load(name):
    """(start text, ops in order, expected end text) of one trace."""
    with gzip.open(TRACES / f"{name}.json.gz", "rt", encoding="utf-8") as file:
        trace = json.load(file)
    ops = [patch_to_op(*patch) for txn in trace["txns"] for patch in txn["patches"]]
    return trace["startContent"], ops, trace["endContent"]
