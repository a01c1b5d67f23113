"""load.py's server CPU figure: the CPU time a process used, read from /proc, in seconds."""

import os
import time

from benchmarks.load import cpu_seconds


def test_the_cpu_a_process_uses_is_counted_and_waiting_is_not():
    start = cpu_seconds([os.getpid()])
    deadline = time.process_time() + 0.3
    while time.process_time() < deadline:
        pass
    busy = cpu_seconds([os.getpid()]) - start
    time.sleep(0.3)
    idle = cpu_seconds([os.getpid()]) - start - busy
    assert 0.25 <= busy <= 0.6 and idle < 0.05
