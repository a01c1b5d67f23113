"""Serving benchmarks/stack_floor.py, daphne and Channels alone: the floor the benchmarks set our server against."""

import contextlib

from tests.support.daphne import DaphneServer

class FloorServer(DaphneServer):
    def command(self):
        return [*super().command()[:-1], "benchmarks.stack_floor:application"]


@contextlib.contextmanager
def floor_serving(env, **options):
    """The floor on the site's settings in `env`; yields its WebSocket URL, its origin and its pid."""
    server = FloorServer(env, **options).start()
    try:
        yield server.base.replace("http://", "ws://") + "/ws/collab/", server.base, server.process.pid
    finally:
        server.stop()
