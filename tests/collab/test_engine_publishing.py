"""The committer answers every submitter whose op it committed, whatever becomes of publishing it."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from collab import engine
from collab.submit import Submission

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("process_local", [True, False], ids=["in-memory layer", "Redis"])
async def test_a_failed_publish_is_logged_and_the_committer_goes_on(make_user, make_document, monkeypatch, caplog, process_local):
    """Found in review: a publish raising (Redis gone for a moment) ended the committer's task,
    leaving that batch's submitters and every later one without an answer."""
    user = await sync_to_async(make_user)()
    for key in ("d", "e"):
        await sync_to_async(make_document)(key=key, content="", created_by=user)
    published = []

    async def publish_op(key, row):
        published.append(key)
        if len(published) == 1:
            raise ConnectionError("the channel layer went away")

    monkeypatch.setattr(engine, "publish_op", publish_op)
    monkeypatch.setattr(engine.watcher, "process_local", staticmethod(lambda: process_local))
    monkeypatch.setattr(engine.watcher, "others_watching", lambda key, excluded: 1)  # someone else has it open
    first = await asyncio.wait_for(engine.submit(Submission(key="d", version=None, src="s", seq=1, user=user, op=["x"])), 5)
    second = await asyncio.wait_for(engine.submit(Submission(key="e", version=None, src="s", seq=2, user=user, op=["y"])), 5)
    assert (first.version, second.version) == (1, 1) and published == ["d", "e"]
    assert "could not publish the ops committed to 'd'" in caplog.text
