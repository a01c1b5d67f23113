"""benchmarks/phases.py: a script's measured part, marked by the script and waited for by it."""

import sys
import textwrap

import pytest

from benchmarks.phases import run_in_phases


def script(body):
    return [sys.executable, "-c", textwrap.dedent(body)]


MARKING = """
    import json, pathlib, sys
    print(json.dumps({"phase": "ops"}), flush=True)
    go = sys.stdin.readline().strip()
    ready = pathlib.Path(sys.argv[1]).exists()  # written by at_phase("ops"): it had returned before the first op
    print(json.dumps({"phase": "done"}), flush=True)
    print(json.dumps({"go": go, "ready": ready, "phased": "--phases" in sys.argv}))
"""


def test_the_script_waits_for_the_hook_before_its_ops_and_its_last_line_is_the_result(tmp_path):
    marker, calls = tmp_path / "ready", []

    def at_phase(phase):
        calls.append(phase)
        if phase == "ops":
            marker.write_text("")

    result = run_in_phases([*script(MARKING), str(marker)], at_phase, timeout=30)
    assert calls == ["ops", "done"]
    assert result == {"go": "go", "ready": True, "phased": True}


def test_a_script_that_marks_no_phases_is_an_error():
    with pytest.raises(RuntimeError, match=r"marked the phases \[\]"):
        run_in_phases(script('import json; print(json.dumps({"ops": 1}))'), lambda phase: None, timeout=30)


def test_a_failing_script_is_an_error_with_what_it_said():
    with pytest.raises(RuntimeError, match="no server here"):
        run_in_phases(script('import sys; sys.exit("no server here")'), lambda phase: None, timeout=30)


def test_a_failing_hook_stops_the_script_instead_of_leaving_it_waiting(tmp_path):
    def at_phase(phase):
        raise ValueError("could not read the CPU")

    with pytest.raises(ValueError, match="could not read the CPU"):
        run_in_phases([*script(MARKING), str(tmp_path / "ready")], at_phase, timeout=30)


def test_a_script_that_hangs_is_stopped_at_the_timeout():
    with pytest.raises(RuntimeError, match="failed"):
        run_in_phases(script("import time; time.sleep(60)"), lambda phase: None, timeout=0.5)
