"""Redis down for a moment: an op committed meanwhile still reaches the editors on the other server,
though nobody types again (the publishing server sends it again once Redis is back)."""

import contextlib
import time

import pytest

from tests.support.daphne import DaphneServer, free_port
from tests.support.live import ShareDBClients, wait_until
from tests.support.services import redis_server

from .conftest import PostgresSite


# When the op commits after Redis went down, and how long Redis stays down after: each lines the
# publisher's retries up differently with the other server's reconnecting subscription (found in review:
# with the second timings, a retry Redis took before the subscriber was back was the op's last).
@pytest.mark.parametrize(("before", "after"), [(0, 0), (0.5, 1.6)])
def test_an_op_committed_while_redis_was_down_reaches_the_other_servers_editors(services, before, after):
    database_url, env = services
    port = free_port()
    with contextlib.ExitStack() as redis, contextlib.ExitStack() as daphnes:
        own_env = {**env, "REDIS_URL": redis.enter_context(redis_server(port))}
        first, second = (PostgresSite(daphnes.enter_context(running(own_env)).base, database_url, own_env) for _ in range(2))
        person, key = f"outage-{before}", f"outage-doc-{before}"  # the database is the session's
        first.create_user(person)
        clients = ShareDBClients(first)
        try:
            clients.open("writer", person, site=first)
            clients.open("viewer", person, site=second)
            clients("create", name="writer", id=key, text="ab")
            clients("subscribe", name="viewer", id=key)
            clients("submitAndWait", name="writer", id=key, op=[2, "c"])
            wait_until(lambda: clients("state", name="viewer", id=key)["data"] == "abc", timeout=5)
            redis.close()  # Redis goes down
            time.sleep(before)
            assert clients("submitAndWait", name="writer", id=key, op=[3, "d"])["error"] is None  # committed, acknowledged
            time.sleep(after)
            with redis_server(port):  # and comes back; nobody types again
                wait_until(lambda: clients("state", name="viewer", id=key)["data"] == "abcd", timeout=15)
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
