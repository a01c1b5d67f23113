"""One of two servers killed with SIGKILL: its clients move to the survivor, nothing acknowledged is lost."""

import random

from tests.live.test_durability import assert_durable
from tests.support.live import ShareDBClients


def test_the_survivor_takes_over_from_a_killed_server(servers):
    (doomed, first), (_, second) = servers(2)
    for person in ("fo0", "fo1"):
        first.create_user(person)
    clients = ShareDBClients(first)
    try:
        on_first, on_second = [f"f{n}" for n in range(6)], [f"s{n}" for n in range(6)]
        names = on_first + on_second
        for index, name in enumerate(names):
            clients.open(name, f"fo{index % 2}", site=first if name in on_first else second)
        key = "failover"
        clients("create", name="s0", id=key, text="two servers\n")
        first.query("UPDATE documents_document SET visibility = 'link_edit' WHERE key = ?", key)
        for name in names:
            clients("subscribe", name=name, id=key)
        rng = random.Random(11)
        for _ in range(80):
            clients.edit_at_random(rng, rng.choice(names), key)
        doomed.kill()
        for name in on_first:
            clients("waitDisconnected", name=name)
        acknowledged = {(a["src"], a["seq"]): a["v"] for name in names for a in clients("acks", name=name)}
        assert_durable(second, key, acknowledged)
        # The survivor's clients keep typing while the others are away...
        for _ in range(30):
            clients.edit_at_random(rng, rng.choice(on_second), key)
        # ...and the others come back to it and resend what was in flight.
        for name in on_first:
            clients("reconnect", name=name, url=second.ws_url)
        for _ in range(30):
            clients.edit_at_random(rng, rng.choice(names), key)
        clients.assert_converged(second, names, key)
        acknowledged.update({(a["src"], a["seq"]): a["v"] for name in names for a in clients("acks", name=name)})
        assert_durable(second, key, acknowledged)
        errors = {name: clients("errors", name=name) for name in names}
        assert not any(errors.values()), errors
    finally:
        clients.close()
