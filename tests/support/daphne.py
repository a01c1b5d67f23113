"""Start the real site under daphne on a free port, with its own database."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# As `make run` starts it: twice COLLAB's message limit, so a client going over gets the server's clear error.
DAPHNE_OPTIONS = ["--websocket-max-message-size", "2097152"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DEBUG": "1", "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **extra})
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )


def wait_until_serving(url, process, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}: {Path(process.log_path).read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=1)
            return
        time.sleep(0.1)
    raise TimeoutError(f"daphne did not answer {url} within {timeout}s")


class BaseURL(str):
    """The base URL of a running daphne, which also knows its log file: `log_path`, kept after the server stops."""


class DaphneServer:
    """One daphne process serving config.asgi on a fixed port, which a test may kill and start again."""

    def __init__(self, env, port=None, preexec_fn=None, options=()):
        self.env, self.port, self.preexec_fn, self.options = env, port or free_port(), preexec_fn, list(options)
        self.base = BaseURL(f"http://127.0.0.1:{self.port}")
        # The server's log goes to a file: a pipe nobody reads would fill and stall it.
        self.log = tempfile.NamedTemporaryFile("w+", prefix="daphne-", suffix=".log", delete=False)
        self.base.log_path = self.log.name
        self.process = None

    def command(self):
        # A listen backlog of 4,096, not Twisted's 50: many clients come back at once after a restart.
        return [str(BIN / "daphne"), "-v", "1", "-e", f"tcp:port={self.port}:interface=127.0.0.1:backlog=4096", *DAPHNE_OPTIONS,
                *self.options, "config.asgi:application"]

    def start(self):
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, text=True, preexec_fn=self.preexec_fn,
        )
        self.process.log_path = self.log.name
        wait_until_serving(self.base + "/accounts/login/", self.process)
        return self

    def kill(self):
        """SIGKILL: no shutdown, no flushing, as a crash or an OOM kill."""
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


class UvicornServer(DaphneServer):
    """The same site under uvicorn (uvloop, httptools, websockets), the documented alternative."""

    def command(self):
        return [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
                "--loop", "uvloop", "--http", "httptools", "--ws", "websockets", "--ws-max-size", "2097152",
                "--backlog", "4096", "--no-access-log", "--log-level", "warning", *self.options]


SERVERS = {"daphne": DaphneServer, "uvicorn": UvicornServer}


@contextlib.contextmanager
def running_daphne(database_url, server="daphne", **extra_env):
    """Migrate the database, then serve config.asgi on 127.0.0.1 (under daphne, or `server`); yields the base URL (a BaseURL)."""
    env = site_env(database_url, **extra_env)
    manage(env, "migrate", "--noinput")
    server = SERVERS[server](env).start()
    try:
        yield server.base
    finally:
        server.stop()
        server.log.close()
