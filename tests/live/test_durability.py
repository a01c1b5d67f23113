"""A server killed with SIGKILL while 20 people type: nothing acknowledged is lost, nothing applied twice.

Acknowledgements come only after the commit, and a client that resends an
op after reconnecting (with its old connection id, which the restarted
server accepts as the same user's) gets it acknowledged once.
"""

import random

from tests.support.daphne import DaphneServer, manage, site_env
from tests.support.live import LiveSite, ShareDBClients

CLIENTS = 20
PEOPLE = 4
EDITS = 160


def type_then_crash(clients, names, key, server, rng):
    """Everyone types; the server is killed with ops still in flight. Returns what was acknowledged."""
    for _ in range(EDITS):
        clients.edit_at_random(rng, rng.choice(names), key)
    server.kill()
    for name in names:
        clients("waitDisconnected", name=name)
    return {(ack["src"], ack["seq"]): ack["v"] for name in names for ack in clients("acks", name=name)}


def assert_durable(site, key, acknowledged):
    committed = {(src, seq): version for version, _, src, seq in site.operations(key)}
    lost = {ids: version for ids, version in acknowledged.items() if committed.get(ids) != version}
    assert not lost, f"acknowledged but not committed at that version: {lost}"


def test_sigkill_while_twenty_people_type_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "crash.sqlite3"
    env = site_env(f"sqlite:///{path}")
    manage(env, "migrate", "--noinput")
    server = DaphneServer(env).start()
    site = LiveSite(server.base, path, env)
    people = [f"typist{n}" for n in range(PEOPLE)]
    for person in people:
        site.create_user(person)
    clients = ShareDBClients(site)
    try:
        names = [f"c{n}" for n in range(CLIENTS)]
        for index, name in enumerate(names):
            clients.open(name, people[index % PEOPLE])
        key = "crash-test"
        clients("create", name=names[0], id=key, text="before the crash 🌍\n")
        site.query("UPDATE documents_document SET visibility = 'link_edit' WHERE key = ?", key)
        for name in names:
            clients("subscribe", name=name, id=key)
        acknowledged = type_then_crash(clients, names, key, server, random.Random(8))
        assert len(acknowledged) > 20, "too few acks before the kill: the test would prove little"
        assert_durable(site, key, acknowledged)
        server.start()  # the same port and database file
        for name in names:
            clients("reconnect", name=name)
        final = clients.assert_converged(site, names, key)
        print(f"{len(acknowledged)} ops acknowledged before the kill, {final['v']} versions after the restart")
        assert_durable(site, key, acknowledged)
        errors = {name: clients("errors", name=name) for name in names}
        assert not any(errors.values()), errors
    finally:
        clients.close()
        server.stop()
