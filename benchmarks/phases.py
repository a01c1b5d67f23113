"""Running a Node benchmark script in phases (benchmarks/phases.js): a hook called where its measured part begins and ends."""

import json
import subprocess
import tempfile
import threading

PHASES = ("ops", "done")


def run_in_phases(command, at_phase, env=None, timeout=900):
    """Run `command` with --phases; at_phase(name) is called for "ops" (the script waits for it to
    return before its first op) and "done" (after its last ack). Returns the script's last JSON line."""
    with tempfile.TemporaryFile("w+") as errors, subprocess.Popen(
        [*command, "--phases"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True,
    ) as process:
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            seen, last = [], None
            for line in process.stdout:
                message = json.loads(line)
                if isinstance(message, dict) and message.get("phase") in PHASES:
                    seen.append(message["phase"])
                    at_phase(message["phase"])
                    if message["phase"] == "ops":
                        process.stdin.write("go\n")
                        process.stdin.flush()
                else:
                    last = message
            process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:  # at_phase raised: the script would wait for its go forever
                process.kill()
        errors.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{command[:2]} failed ({process.returncode}): {errors.read()[-2000:]}")
    if seen != list(PHASES) or last is None:
        raise RuntimeError(f"{command[:2]} marked the phases {seen} and printed {'no' if last is None else 'a'} result")
    return last
