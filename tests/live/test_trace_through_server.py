"""A real editing trace, op by op through the server with the ShareDB client (benchmarks/replay.js), ends as the trace does."""

import json
import subprocess

from benchmarks.traces import TRACES
from tests.support.node import ROOT, node_env


def test_the_first_ops_of_a_real_trace_leave_exactly_the_traces_text(site, user):
    # Within one user's burst of ops (COLLAB OPS_BURST, 200): the benchmarks lift the limits, the live site does not.
    name = user()
    result = subprocess.run(
        ["node", str(ROOT / "benchmarks" / "replay.js"), "--url", site.ws_url, "--origin", site.base, "--cookie", site.login(name),
         "--trace", str(TRACES / "automerge-paper.json.gz"), "--ops", "190", "--label", "test"],
        env=node_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    replayed = json.loads(result.stdout.strip().splitlines()[-1])
    assert replayed["ops"] == 190 and replayed["matches_trace"] is True
