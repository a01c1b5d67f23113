"""Seeded convergence fuzz: real clients edit at random, dropping and regaining their sockets.

At the end every client, a fresh fetch and the database agree, versions
are contiguous and no (src, seq) was committed twice. LIVE_FUZZ_SEEDS
changes how many seeds run; a failure names its seed.
"""

import os
import random

import pytest

from tests.collab.ot.generate import random_op
from tests.live.test_sharedb_client import wait_until

SEEDS = range(int(os.environ.get("LIVE_FUZZ_SEED", "1")), int(os.environ.get("LIVE_FUZZ_SEED", "1")) + int(os.environ.get("LIVE_FUZZ_SEEDS", "20")))
CLIENTS = 3
STEPS = 40


@pytest.mark.parametrize("seed", SEEDS)
def test_random_edits_and_disconnects_converge(seed, site, clients, user):
    rng = random.Random(seed)
    name, key = user(), f"fuzz-{seed}-{rng.getrandbits(32):x}"
    names = [f"f{i}" for i in range(CLIENTS)]
    for client in names:
        clients.open(client, name)
    clients("create", name=names[0], id=key, text="start 🌍")
    for client in names:
        clients("subscribe", name=client, id=key)
    offline = set()
    for _ in range(STEPS):
        client = rng.choice(names)
        roll = rng.random()
        if roll < 0.1 and client not in offline:
            clients("drop", name=client)
            offline.add(client)
        elif roll < 0.2 and client in offline:
            clients("reconnect", name=client)
            offline.discard(client)
        else:
            text = clients("state", name=client, id=key)["data"]
            assert text is not None, f"seed {seed}: {client} lost its document: {clients('errors', name=client)}"
            op = random_op(rng, text, tidy=True)
            if op:
                # A stale op (remote ops arrived meanwhile) is skipped, like a keystroke never typed.
                clients("submit", name=client, id=key, op=op, expected=text)
    for client in offline:
        clients("reconnect", name=client)
    finals = [clients("settle", name=client, id=key) for client in names]
    try:
        wait_until(lambda: len({(s["v"], s["data"]) for s in (clients("state", name=c, id=key) for c in names)}) == 1)
    except AssertionError:
        states = {c: clients("state", name=c, id=key) for c in names}
        raise AssertionError(f"seed {seed}: clients differ: {states}, database {site.document(key)}") from None
    final = clients("state", name=names[0], id=key)
    clients.open("fresh", name)
    fresh = clients("fetch", name="fresh", id=key)
    assert (fresh["v"], fresh["data"]) == (final["v"], final["data"]), f"seed {seed}: a fresh fetch differs"
    assert site.document(key)[:2] == (final["data"], final["v"]), f"seed {seed}: the database differs"
    rows = site.operations(key)
    assert [row[0] for row in rows] == list(range(final["v"])), f"seed {seed}: versions are not contiguous"
    assert len({(row[2], row[3]) for row in rows}) == len(rows), f"seed {seed}: an op was committed twice"
    errors = [clients("errors", name=client) for client in names]
    assert not any(errors), f"seed {seed}: client errors {errors}"
    assert all(not state["pending"] for state in finals)
