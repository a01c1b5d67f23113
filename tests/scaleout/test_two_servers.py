"""The scale-out path: two daphne processes on one PostgreSQL, ops fanned out through Redis.

Clients on either server edit one document at once; the processes race
for each version (the loser retries) and each forwards the other's ops.
"""

import random

import pytest

from tests.collab.ot.generate import random_op
from tests.live.test_sharedb_client import wait_until
from tests.support.daphne import running_daphne, site_env
from tests.support.live import LiveSite, ShareDBClients
from tests.support.services import postgres_server, redis_server

SECRET = {"SECRET_KEY": "scale-out-tests-only-" + "s" * 40}  # one key, so a session works on both


class PostgresSite(LiveSite):
    def query(self, sql, *params):
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()


@pytest.fixture(scope="module")
def two_servers():
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {"REDIS_URL": redis_url, **SECRET}
        with running_daphne(database_url, **env) as first, running_daphne(database_url, **env) as second:
            sites = []
            for base in (first, second):
                site = PostgresSite(base, None, site_env(database_url, **env))
                site.database_url = database_url
                sites.append(site)
            yield sites


def test_clients_on_two_servers_converge(two_servers):
    first, second = two_servers
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
            name = rng.choice(names)
            text = clients("state", name=name, id="scaled")["data"]
            assert text is not None, f"{name} lost the document: {[clients('errors', name=n) for n in names]}"
            op = random_op(rng, text, tidy=True)
            if op:
                clients("submit", name=name, id="scaled", op=op, expected=text)
        for name in names:
            clients("settle", name=name, id="scaled")
        wait_until(lambda: len({(s["v"], s["data"]) for s in (clients("state", name=n, id="scaled") for n in names)}) == 1)
        final = clients("state", name="a1", id="scaled")
        [(content, version)] = first.query("SELECT content, version FROM documents_document WHERE key = ?", "scaled")
        assert (content, version) == (final["data"], final["v"])
        rows = first.query(
            "SELECT o.version, o.src, o.seq FROM documents_operation o JOIN documents_document d ON d.id = o.document_id "
            "WHERE d.key = ? ORDER BY o.version", "scaled",
        )
        assert [row[0] for row in rows] == list(range(final["v"]))
        assert len({(row[1], row[2]) for row in rows}) == len(rows)
        assert {server_of[row[1]] for row in rows} == {first, second}  # both servers committed ops
        errors = {name: clients("errors", name=name) for name in names}
        assert not any(errors.values()), errors
    finally:
        clients.close()
