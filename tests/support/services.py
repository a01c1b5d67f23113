"""Throwaway PostgreSQL and Redis servers on free loopback ports, for the scale-out tests."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.daphne import free_port


def _as_postgres(command):
    # PostgreSQL refuses to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _wait(check, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not start within {timeout}s")
        time.sleep(0.1)


@contextlib.contextmanager
def postgres_server():
    """A fresh cluster in a folder of its own, removed afterwards; yields a DATABASE_URL."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        raise RuntimeError("PostgreSQL is not installed: run `make test`, which installs it")
    bin_dir = binaries[-1]
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="collab-pg-"))
    data = folder / "pgdata"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(_as_postgres([f"{bin_dir}/initdb", "-D", str(data), "--auth=trust", "-U", "postgres", "-E", "UTF8"]),
                   check=True, capture_output=True)
    port = free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        _wait(lambda: subprocess.run([f"{bin_dir}/pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode == 0,
              "PostgreSQL")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def redis_server(port=None):
    """A Redis without persistence (on `port`, or a free one); yields a REDIS_URL."""
    if shutil.which("redis-server") is None:
        raise RuntimeError("redis-server is not installed: run `make test`, which installs it")
    port = port or free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True).stdout.strip() == "PONG",
              "Redis")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
