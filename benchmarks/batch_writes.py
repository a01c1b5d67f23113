"""The committer's batches on PostgreSQL: its writes alone, without a server around them.

    .venv/bin/python benchmarks/batch_writes.py [--documents 94] [--rounds 60] [--size 480000]

Starts a throwaway PostgreSQL, then commits through collab.engine.commit_batch
in this process: batches of one edit on each of N documents (the size of
a scale-out 200 x 200 batch), and one-character edits of one large
document, of plain text and of backslashes (each batch writes the whole
text: how it is escaped on the way matters). For each, a batch's wall
time, this thread's CPU and PostgreSQL's (its processes' CPU from /proc).
Writes benchmarks/results/batch_writes.json.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.results_file import write_results  # noqa: E402
from tests.support.services import postgres_server  # noqa: E402


def postgres_cpu_seconds():
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().split("(", 1)[1].rsplit(")", 1)
        except OSError:  # the process ended meanwhile
            continue
        if name.startswith("postgres"):
            total += sum(int(ticks) for ticks in fields.split()[11:13])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def measured(label, batch, rounds):
    for _ in range(3):
        batch()
    wall, cpu, postgres = time.perf_counter(), time.thread_time(), postgres_cpu_seconds()
    for _ in range(rounds):
        batch()
    row = {
        "scenario": label,
        "batches": rounds,
        "batch_ms": round(1000 * (time.perf_counter() - wall) / rounds, 2),
        "our_cpu_ms": round(1000 * (time.thread_time() - cpu) / rounds, 2),
        "postgres_cpu_ms": round(1000 * (postgres_cpu_seconds() - postgres) / rounds, 2),
    }
    print(row, flush=True)
    return row


def editing(user, keys):
    """A batch of one edit on each document, each at its end (their versions and lengths followed here)."""
    from collab.conf import collab_settings, permission_policy
    from collab.engine import commit_batch, committer
    from collab.submit import Submission, SubmitRequest
    from documents.models import Document

    policy, settings = permission_policy(), collab_settings()
    heads = {key: [Document.objects.get(key=key).version, len(Document.objects.get(key=key).content)] for key in keys}
    seq = iter(range(1, 10**9))

    def batch():
        requests = [SubmitRequest(Submission(key=key, version=version, src="benchmark", seq=next(seq), user=user,
                                             op=[length, "x"] if length else ["x"]), policy, settings, committer.heads)
                    for key, (version, length) in heads.items()]
        for result in commit_batch(requests):
            if isinstance(result, Exception):
                raise result
        for head in heads.values():
            head[0] += 1
            head[1] += 1

    return batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=94, help="documents a batch edits (default 94)")
    parser.add_argument("--rounds", type=int, default=60, help="batches measured per scenario (default 60)")
    parser.add_argument("--size", type=int, default=480_000, help="characters of the large documents (default 480,000)")
    args = parser.parse_args()
    with postgres_server() as database_url:
        os.environ.update(DATABASE_URL=database_url, DEBUG="0", DJANGO_SETTINGS_MODULE="benchmarks.settings")
        os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from documents.models import Document

        call_command("migrate", verbosity=0)
        user = get_user_model().objects.create_user("benchmark")
        small = [f"small-{index}" for index in range(args.documents)]
        for key in small:
            Document(key=key, title=key, content="", created_by=user).save_new(src="", seq=None)
        for key, character in (("plain", "a"), ("backslashes", "\\")):
            Document(key=key, title=key, content=character * args.size, created_by=user).save_new(src="", seq=None)
        rows = [
            measured(f"{args.documents} documents, one edit each", editing(user, small), args.rounds),
            measured(f"one edit of {args.size:,} characters of plain text", editing(user, ["plain"]), args.rounds),
            measured(f"one edit of {args.size:,} backslashes", editing(user, ["backslashes"]), args.rounds),
        ]
    write_results("batch_writes", rows, setup="PostgreSQL, one commit_batch after another in this process")


if __name__ == "__main__":
    main()
