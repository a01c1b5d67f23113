"""The committer's batches in /metrics: their sizes, their time in the database thread, its CPU, and the waits."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from prometheus_client import REGISTRY

from collab import engine
from collab.submit import Submission

pytestmark = pytest.mark.django_db(transaction=True)
IN_THE_DATABASE = 0.25  # each batch, held there by a sleep: time, not CPU
SAMPLES = {
    "batches": ("collab_commit_batch_submissions_count", {}), "submissions": ("collab_commit_batch_submissions_sum", {}),
    "seconds": ("collab_commit_batch_seconds_sum", {}), "cpu": ("collab_commit_batch_cpu_seconds_total", {}),
    "waits": ("collab_commit_wait_seconds_sum", {}), "short waits": ("collab_commit_wait_seconds_bucket", {"le": "0.01"}),
}


def samples():
    return {name: REGISTRY.get_sample_value(sample, labels) or 0.0 for name, (sample, labels) in SAMPLES.items()}


def burn_cpu(seconds):
    """Keep this (the event loop's) thread busy: the database thread's CPU must not count it."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


async def test_each_batch_is_counted_with_its_submissions_its_time_its_cpu_and_the_first_wait(make_user, make_document, monkeypatch):
    user = await sync_to_async(make_user)()
    for index in range(6):
        await sync_to_async(make_document)(key=f"k{index}", content="", created_by=user)
    real_commit_batch = engine.commit_batch

    def slow(requests):
        time.sleep(IN_THE_DATABASE)
        return real_commit_batch(requests)

    monkeypatch.setattr(engine, "commit_batch", slow)

    def op(key, seq):
        return asyncio.ensure_future(engine.submit(Submission(key=key, version=None, src="s", seq=seq, user=user, op=["x"])))

    async def busy_period(first_key, second_key, third_key, seq):
        """One op committed alone at once; two that come while it is in the database go together after it."""
        before = samples()
        ops = [op(first_key, seq)]
        await asyncio.sleep(0.01)
        ops.append(op(second_key, seq))  # waits about IN_THE_DATABASE for its batch: the first of it
        await asyncio.sleep(0)  # it comes now
        burn_cpu(0.1)
        await asyncio.sleep(0.05)
        ops.append(op(third_key, seq))  # joins it, later
        await asyncio.wait_for(asyncio.gather(*ops), 10)
        return {name: value - before[name] for name, value in samples().items()}

    for grew in [await busy_period("k0", "k1", "k2", 1), await asyncio.sleep(0.3) or await busy_period("k3", "k4", "k5", 1)]:
        assert (grew["batches"], grew["submissions"]) == (2, 3)
        assert grew["seconds"] >= 2 * IN_THE_DATABASE
        assert 0 < grew["cpu"] < 0.05  # neither the sleeps nor the event loop's CPU
        # The first batch's op waited for nothing, the second's from when it came (not from when the
        # last one came, nor from an earlier busy period) until the first batch was done.
        assert grew["short waits"] == 1 and IN_THE_DATABASE - 0.1 < grew["waits"] < IN_THE_DATABASE + 0.1


async def test_submitters_are_answered_whatever_the_metrics_do(make_user, make_document, monkeypatch):
    """Found in review: the metrics sat between a batch's outcome and its hand-back to the event loop."""
    from collab import metrics

    user = await sync_to_async(make_user)()
    await sync_to_async(make_document)(key="k", content="", created_by=user)

    def broken(*args):
        raise RuntimeError("a metric that fails")

    for metric in (metrics.commit_batch_submissions, metrics.commit_batch_seconds, metrics.commit_wait_seconds):
        monkeypatch.setattr(metric, "observe", broken)
    for seq in (1, 2):  # and the line goes on committing
        submission = Submission(key="k", version=None, src="s", seq=seq, user=user, op=["x"])
        assert (await asyncio.wait_for(engine.submit(submission), 5)).version == seq
