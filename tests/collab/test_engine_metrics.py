"""The committer's batches in /metrics: their sizes, their time in the database thread, its CPU, and the waits."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from prometheus_client import REGISTRY

from collab import engine
from collab.submit import Submission

pytestmark = pytest.mark.django_db(transaction=True)
SAMPLES = [
    "collab_commit_batch_ops_count", "collab_commit_batch_ops_sum",
    "collab_commit_batch_seconds_count", "collab_commit_batch_seconds_sum",
    "collab_commit_batch_cpu_seconds_total",
    "collab_commit_wait_seconds_count", "collab_commit_wait_seconds_sum",
]


def samples():
    return {name: REGISTRY.get_sample_value(name) or 0.0 for name in SAMPLES}


async def test_each_batch_is_counted_with_its_submissions_its_time_its_cpu_and_the_wait_before_it(make_user, make_document, monkeypatch):
    user = await sync_to_async(make_user)()
    for index in range(5):
        await sync_to_async(make_document)(key=f"k{index}", content="", created_by=user)
    real_commit_batch = engine.commit_batch

    def slow(requests):
        time.sleep(0.05)  # in the database, without using its CPU
        return real_commit_batch(requests)

    monkeypatch.setattr(engine, "commit_batch", slow)
    before = samples()
    await asyncio.wait_for(asyncio.gather(*(
        engine.submit(Submission(key=f"k{index}", version=None, src="s", seq=1, user=user, op=["x"])) for index in range(5))), 10)
    grew = {name: value - before[name] for name, value in samples().items()}

    # The first alone, at once; the four that came meanwhile together, after waiting for it.
    assert (grew["collab_commit_batch_ops_count"], grew["collab_commit_batch_ops_sum"]) == (2, 5)
    assert grew["collab_commit_batch_seconds_count"] == 2 and grew["collab_commit_batch_seconds_sum"] >= 0.1
    assert 0 < grew["collab_commit_batch_cpu_seconds_total"] < 0.05  # the sleeps are not CPU
    assert grew["collab_commit_wait_seconds_count"] == 2 and grew["collab_commit_wait_seconds_sum"] >= 0.045
