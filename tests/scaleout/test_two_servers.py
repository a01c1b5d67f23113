"""The scale-out path: two daphne processes on one PostgreSQL, ops fanned out through Redis.

Clients on either server edit one document at once; the processes race
for each version (the loser retries) and each forwards the other's ops.
"""

import random

from tests.support.live import ShareDBClients


def test_clients_on_two_servers_converge(servers):
    (_, first), (_, second) = servers(2)
    first.create_user("scale")
    clients = ShareDBClients(first)
    try:
        names = ["a1", "a2", "b1", "b2"]
        server_of = {}
        for name in names:
            site = first if name.startswith("a") else second
            server_of[clients.open(name, "scale", site=site)["id"]] = site
        clients("create", name="a1", id="scaled", text="shared 🌍")
        for name in names:
            clients("subscribe", name=name, id="scaled")
        rng = random.Random(2026)
        for _ in range(60):
            clients.edit_at_random(rng, rng.choice(names), "scaled")
        clients.assert_converged(first, names, "scaled")
        assert {server_of[row[2]] for row in first.operations("scaled")} == {first, second}  # both servers committed
        errors = {name: clients("errors", name=name) for name in names}
        assert not any(errors.values()), errors
    finally:
        clients.close()
