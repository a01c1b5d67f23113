"""Where our server's time goes while a benchmark runs: py-spy on every Python process it starts.

    .venv/bin/python benchmarks/profile.py NAME -- load.py --setup embedded --scenario 200x200
    .venv/bin/python benchmarks/profile.py storm -- connections.py --clients 2000

Runs benchmarks/<script> under `py-spy record --subprocesses --threads`,
then writes benchmarks/results/profiles/NAME.txt: for each server process
(daphne or uvicorn) its threads' shares of the samples, and per thread the
functions holding the most samples (inclusive; idle waits and the
server's start-up left out).
"""

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROFILES = HERE / "results" / "profiles"
SERVERS = ("daphne", "uvicorn")
IDLE = ("EpollSelector.select", "_worker", "select", "wait")  # a thread waiting for work or for I/O
START_UP = "_find_and_load"  # a module being imported: the server starting, not serving
TOP = 30
COMMON = 0.85  # a function in more of a thread's samples than this is its frame (the loop, the worker), not news


def parse(raw):
    """{(process, thread): Counter(function -> samples, inclusive)}, and {(process, thread): total samples}."""
    inclusive, totals = collections.defaultdict(collections.Counter), collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        process = next((frame for frame in frames if frame.startswith("process ") and any(s in frame for s in SERVERS)), None)
        thread = next((frame.split(":")[-1].strip() for frame in frames if frame.startswith("thread ")), "?")
        if process is None or frames[-1].split(" (")[0] in IDLE or any(frame.startswith(START_UP) for frame in frames):
            continue
        key = (process.split(":")[0], thread)
        totals[key] += int(count)
        for name in dict.fromkeys(frame.split(" (")[0] for frame in frames if not frame.startswith(("process ", "thread "))):
            inclusive[key][name] += int(count)
    return inclusive, totals


def summary(raw):
    inclusive, totals = parse(raw)
    lines = []
    for process in sorted({process for process, _ in totals}):
        busy = sum(count for (p, _), count in totals.items() if p == process)
        lines.append(f"{process}: {busy} busy samples")
        for (p, thread), count in totals.most_common():
            if p != process:
                continue
            lines.append(f"  thread {thread}: {100 * count / busy:.0f}% of the busy samples")
            news = [(name, n) for name, n in inclusive[(p, thread)].most_common() if n <= COMMON * count]
            lines.extend(f"    {100 * n / count:5.1f}%  {name}" for name, n in news[:TOP])
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="the profile's name: benchmarks/results/profiles/NAME.txt")
    parser.add_argument("benchmark", nargs=argparse.REMAINDER, help="-- SCRIPT [ARGS]: a script in benchmarks/ and its arguments")
    args = parser.parse_args()
    benchmark = [item for item in args.benchmark if item != "--"]
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if spy is None or not benchmark:
        sys.exit("profile.py: needs py-spy (installed by `make test`) and a benchmark: profile.py NAME -- load.py [ARGS]")
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "samples.txt"
        subprocess.run([spy, "record", "--subprocesses", "--threads", "--idle", "--rate", "100", "--format", "raw", "--output", str(raw),
                        "--", sys.executable, str(HERE / benchmark[0]), *benchmark[1:]], check=True)
        text = f"# .venv/bin/python benchmarks/profile.py {args.name} -- {' '.join(benchmark)}\n" + summary(raw)
    PROFILES.mkdir(parents=True, exist_ok=True)
    (PROFILES / f"{args.name}.txt").write_text(text)
    print(text)
    print(f"written to {PROFILES / (args.name + '.txt')}")


if __name__ == "__main__":
    main()
