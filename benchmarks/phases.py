"""Running a Node benchmark script in phases (benchmarks/phases.js): a hook called where its measured part begins and ends."""

import contextlib
import json
import subprocess
import tempfile
import threading

PHASES = ("ops", "done")


def run_in_phases(command, at_phase, env=None, timeout=900):
    """Run `command` with --phases; at_phase(name) is called for "ops" (before the script's first op)
    and "done" (after its last ack), the script waiting each time until it returns. Returns the
    script's last JSON line; other lines that are not JSON are ignored."""
    with tempfile.TemporaryFile("w+") as errors, subprocess.Popen(
        [*command, "--phases"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True,
    ) as process:
        timed_out = threading.Event()
        watchdog = threading.Timer(timeout, lambda: (timed_out.set(), process.kill()))
        watchdog.start()
        seen, last = [], None
        try:
            for line in process.stdout:
                message = parsed(line)
                if isinstance(message, dict) and message.get("phase") in PHASES:
                    seen.append(message["phase"])
                    at_phase(message["phase"])
                    go_on(process)
                elif message is not None:
                    last = message
            process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:  # at_phase raised: the script would wait for its go forever
                process.kill()
                process.wait()
        errors.seek(0)
        if timed_out.is_set():
            raise RuntimeError(f"{command[:2]} timed out after {timeout} s: {errors.read()[-2000:]}")
        if process.returncode != 0:
            raise RuntimeError(f"{command[:2]} failed ({process.returncode}): {errors.read()[-2000:]}")
    if seen != list(PHASES) or last is None:
        raise RuntimeError(f"{command[:2]} marked the phases {seen} and printed {'no' if last is None else 'a'} result")
    return last


def parsed(line):
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def go_on(process):
    try:
        process.stdin.write("go\n")
        process.stdin.flush()
    except BrokenPipeError:  # the script is gone: its exit status and stderr say why
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
