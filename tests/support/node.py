"""Run Node programs from tests/node with the packages pinned in frontend/."""

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "frontend" / "node_modules"
SCRIPTS = ROOT / "tests" / "node"


def node_env():
    return {**os.environ, "NODE_PATH": str(NODE_MODULES)}


def require_node():
    if shutil.which("node") is None or not NODE_MODULES.is_dir():
        raise RuntimeError("Node or frontend/node_modules is missing: run `make test`, which installs them.")


class JsonLineProcess:
    """A long-running Node script answering one JSON line per JSON line."""

    def __init__(self, script):
        require_node()
        self.process = subprocess.Popen(
            ["node", str(SCRIPTS / script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=node_env(), text=True, encoding="utf-8", bufsize=1,
        )

    def call_many(self, requests):
        """Send all requests, then read all replies: one round trip for a batch."""
        lines = [json.dumps(request, ensure_ascii=False) + "\n" for request in requests]

        def write():
            self.process.stdin.write("".join(lines))
            self.process.stdin.flush()

        # Written from a thread: both pipes can fill while Node answers.
        writer = threading.Thread(target=write)
        writer.start()
        replies = [json.loads(self.process.stdout.readline()) for _ in lines]
        writer.join()
        return replies

    def call(self, fn, *args):
        return self.call_many([{"fn": fn, "args": list(args)}])[0]

    def command(self, cmd, args):
        return self.call_many([{"cmd": cmd, "args": args}])[0]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
