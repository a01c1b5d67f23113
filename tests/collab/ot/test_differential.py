"""Our type against the JS reference, ot-text-unicode 4.0.0, running in Node.

Each case has its own seed; a failure prints the seed and the case shrunk
to the fewest components that still disagree. OT_FUZZ_SEED moves the run
to other seeds, OT_FUZZ_CASES changes how many.
"""

import os
import random

import pytest

from collab import ot
from tests.collab.ot.generate import length_after, model_apply, random_doc, random_op

BASE_SEED = int(os.environ.get("OT_FUZZ_SEED", "20261125"))
CASES = int(os.environ.get("OT_FUZZ_CASES", "10000"))

OURS = {
    "apply": ot.apply,
    "transform": ot.transform,
    "compose": ot.compose,
    "transformPosition": ot.transform_position,
}



def cases_for(seed):
    rng = random.Random(seed)
    doc = random_doc(rng)
    op, other = random_op(rng, doc), random_op(rng, doc)
    after = model_apply(doc, op)
    following = random_op(rng, after)
    return [
        ("apply", [doc, op]),
        ("transform", [op, other, "left"]),
        ("transform", [op, other, "right"]),
        ("compose", [op, following]),
        ("transformPosition", [rng.randint(0, len(doc)), op]),
    ]


def ours(fn, args):
    try:
        return {"ok": OURS[fn](*args)}
    except ot.InvalidOp as error:
        return {"error": str(error)}


def disagrees(reference, fn, args):
    theirs = reference.call(fn, *args)
    return "ok" in theirs and theirs != ours(fn, args)


def shrink(reference, fn, args):
    """Drop components one at a time while the disagreement remains."""
    changed = True
    while changed:
        changed = False
        for position, value in enumerate(args):
            if not isinstance(value, list):
                continue
            for index in range(len(value)):
                candidate = list(args)
                candidate[position] = value[:index] + value[index + 1:]
                if disagrees(reference, fn, candidate):
                    args, changed = candidate, True
                    break
    return args


def test_same_results_as_the_reference(reference):
    seeds = range(BASE_SEED, BASE_SEED + CASES)
    requests = [(seed, fn, args) for seed in seeds for fn, args in cases_for(seed)]
    replies = reference.call_many([{"fn": fn, "args": args} for _, fn, args in requests])
    for (seed, fn, args), theirs in zip(requests, replies, strict=True):
        assert "ok" in theirs, f"seed {seed}: the reference refused a generated case {fn}{args}: {theirs}"
        if ours(fn, args) != theirs:
            minimal = shrink(reference, fn, args)
            pytest.fail(
                f"seed {seed} (OT_FUZZ_SEED={seed} OT_FUZZ_CASES=1): {fn} disagrees with the reference.\n"
                f"minimal case: {fn}{minimal!r}\nours: {ours(fn, minimal)}\nreference: {reference.call(fn, *minimal)}"
            )
        if fn == "apply":
            assert theirs["ok"] == model_apply(*args), f"seed {seed}: apply differs from the plain model"
    assert len(requests) == 5 * CASES


def test_generated_ops_fit_their_documents():
    for seed in range(BASE_SEED, BASE_SEED + 200):
        rng = random.Random(seed)
        doc = random_doc(rng)
        op = random_op(rng, doc)
        ot.check(op)
        assert len(model_apply(doc, op)) == length_after(len(doc), op)
