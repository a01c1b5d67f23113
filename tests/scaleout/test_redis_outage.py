"""Redis down for a moment: an op committed meanwhile still reaches the editors on the other server,
though nobody types again (the publishing server sends it again once Redis is back)."""

import contextlib

from tests.support.daphne import DaphneServer, free_port
from tests.support.live import ShareDBClients, wait_until
from tests.support.services import redis_server

from .conftest import PostgresSite


def test_an_op_committed_while_redis_was_down_reaches_the_other_servers_editors(services):
    database_url, env = services
    port = free_port()
    with contextlib.ExitStack() as redis, contextlib.ExitStack() as daphnes:
        own_env = {**env, "REDIS_URL": redis.enter_context(redis_server(port))}
        first, second = (PostgresSite(daphnes.enter_context(running(own_env)).base, database_url, own_env) for _ in range(2))
        first.create_user("outage")
        clients = ShareDBClients(first)
        try:
            clients.open("writer", "outage", site=first)
            clients.open("viewer", "outage", site=second)
            clients("create", name="writer", id="outage-doc", text="ab")
            clients("subscribe", name="viewer", id="outage-doc")
            clients("submitAndWait", name="writer", id="outage-doc", op=[2, "c"])
            wait_until(lambda: clients("state", name="viewer", id="outage-doc")["data"] == "abc", timeout=5)
            redis.close()  # Redis goes down
            assert clients("submitAndWait", name="writer", id="outage-doc", op=[3, "d"])["error"] is None  # committed, acknowledged
            with redis_server(port):  # and comes back; nobody types again
                wait_until(lambda: clients("state", name="viewer", id="outage-doc")["data"] == "abcd", timeout=15)
            assert clients("errors", name="viewer") == []
        finally:
            clients.close()


@contextlib.contextmanager
def running(env):
    server = DaphneServer(env).start()
    try:
        yield server
    finally:
        server.stop()
