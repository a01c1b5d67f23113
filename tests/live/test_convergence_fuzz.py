"""Seeded convergence fuzz: real clients edit at random, dropping and regaining their sockets.

At the end every client, a fresh fetch and the database agree, versions
are contiguous and no (src, seq) was committed twice. LIVE_FUZZ_SEEDS
changes how many seeds run; a failure names its seed.
"""

import os
import random

import pytest

SEEDS = range(int(os.environ.get("LIVE_FUZZ_SEED", "1")), int(os.environ.get("LIVE_FUZZ_SEED", "1")) + int(os.environ.get("LIVE_FUZZ_SEEDS", "20")))
CLIENTS = 3
STEPS = 40


@pytest.mark.parametrize("seed", SEEDS)
def test_random_edits_and_disconnects_converge(seed, site, clients, user):
    rng = random.Random(seed)
    name, key = user(), f"fuzz-{seed}-{rng.getrandbits(32):x}"
    names = [f"f{i}" for i in range(CLIENTS)]
    clients.share(names, name, key, text="start 🌍")
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
            clients.edit_at_random(rng, client, key)
    for client in offline:
        clients("reconnect", name=client)
    final = clients.assert_converged(site, names, key, context=f"seed {seed}: ")
    clients.open("fresh", name)
    fresh = clients("fetch", name="fresh", id=key)
    assert (fresh["v"], fresh["data"]) == (final["v"], final["data"]), f"seed {seed}: a fresh fetch differs"
    errors = [clients("errors", name=client) for client in names]
    assert not any(errors), f"seed {seed}: client errors {errors}"
