"""benchmarks/phases.py and phases.js: a script's measured part, marked by the script and waited for by it."""

import json
import sys
import textwrap
import time

import pytest

from benchmarks.phases import run_in_phases
from tests.support.node import ROOT, node_env, require_node


def script(body):
    return [sys.executable, "-c", textwrap.dedent(body)]


MARKING = """
    import json, pathlib, sys
    marker = pathlib.Path(sys.argv[1])
    print("a line that is not JSON", flush=True)
    print(json.dumps({"phase": "ops"}), flush=True)
    go = sys.stdin.readline().strip()
    began = marker.read_text() if marker.exists() else None  # written by at_phase("ops") after a pause
    print(json.dumps({"phase": "done"}), flush=True)
    sys.stdin.readline()
    ended = marker.read_text()
    print(json.dumps({"go": go, "began": began, "ended": ended, "phased": "--phases" in sys.argv}))
"""


def test_the_script_waits_for_the_hook_at_both_ends_and_its_last_json_line_is_the_result(tmp_path):
    marker, calls = tmp_path / "marker", []

    def at_phase(phase):
        calls.append(phase)
        time.sleep(0.3)  # a script that did not wait would read the marker before it is written
        marker.write_text(phase)

    result = run_in_phases([*script(MARKING), str(marker)], at_phase, timeout=30)
    assert calls == ["ops", "done"]
    assert result == {"go": "go", "began": "ops", "ended": "done", "phased": True}


def test_a_script_that_marks_no_phases_is_an_error():
    with pytest.raises(RuntimeError, match=r"marked the phases \[\]"):
        run_in_phases(script('import json; print(json.dumps({"ops": 1}))'), lambda phase: None, timeout=30)


def test_a_failing_script_is_an_error_with_what_it_said():
    with pytest.raises(RuntimeError, match=r"failed \(1\): no server here"):
        run_in_phases(script('import sys; sys.exit("no server here")'), lambda phase: None, timeout=30)


def test_a_script_that_dies_while_the_hook_runs_is_an_error_with_what_it_said():
    dying = 'import json, sys; print(json.dumps({"phase": "ops"}), flush=True); sys.stderr.write("boom"); sys.exit(3)'
    with pytest.raises(RuntimeError, match=r"failed \(3\): boom"):
        run_in_phases(script(dying), lambda phase: time.sleep(0.5), timeout=30)


def test_a_failing_hook_stops_the_script_instead_of_leaving_it_waiting(tmp_path):
    def at_phase(phase):
        raise ValueError("could not read the CPU")

    with pytest.raises(ValueError, match="could not read the CPU"):
        run_in_phases([*script(MARKING), str(tmp_path / "marker")], at_phase, timeout=30)


def test_a_script_that_hangs_is_stopped_at_the_timeout():
    with pytest.raises(RuntimeError, match="timed out after 0.5 s"):
        run_in_phases(script("import time; time.sleep(60)"), lambda phase: None, timeout=0.5)


# A Node script as load.js is: phases.js, and open handles (its sockets) that keep it alive.
NODE = f"""
const {{ opsBegin, opsDone }} = require({json.dumps(str(ROOT / "benchmarks" / "phases.js"))});
const alive = setInterval(() => {{}}, 1000);
(async () => {{
  await opsBegin();
  const began = Date.now();
  await opsDone();
  console.log(JSON.stringify({{ waited: true, ms: Date.now() - began }}));
  clearInterval(alive);
  process.exit(0);
}})().catch((error) => {{ console.error(String(error)); process.exit(1); }});
"""


def node_script(tmp_path):
    require_node()
    path = tmp_path / "phased.js"
    path.write_text(NODE)
    return ["node", str(path)]


def test_phases_js_waits_at_both_ends(tmp_path):
    calls = []

    def at_phase(phase):
        calls.append(phase)
        time.sleep(0.2)

    result = run_in_phases(node_script(tmp_path), at_phase, env=node_env(), timeout=60)
    assert calls == ["ops", "done"] and result["waited"] and result["ms"] >= 150  # waited for the "done" hook


def test_a_node_script_whose_hook_fails_is_stopped_not_left_waiting(tmp_path):
    started = time.monotonic()

    def at_phase(phase):
        raise ValueError("no /metrics")

    with pytest.raises(ValueError, match="no /metrics"):
        run_in_phases(node_script(tmp_path), at_phase, env=node_env(), timeout=60)
    assert time.monotonic() - started < 20
