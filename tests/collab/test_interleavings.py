"""Hypothesis: any interleaving of socket edits, API edits, renames and stale saves keeps each log whole.

A stale instance saved at any moment, an op made against any older
version, API edits from threads: afterwards collab_check finds nothing
and the text is what the log replays to.
"""

import itertools

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab import api
from collab.errors import CollabError
from documents.models import Document, Visibility
from tests.collab.wsclient import RawClient

pytestmark = pytest.mark.django_db(transaction=True)
_keys = itertools.count()

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=5)  # NUL is refused (test_submit)
titles = st.text(st.characters(exclude_characters="\x00"), max_size=10)  # NUL is refused (test_models)
steps = st.one_of(
    st.tuples(st.just("socket"), st.integers(0, 3), st.floats(0, 1), texts),  # made some versions ago
    st.tuples(st.just("api"), st.integers(0, 3), st.floats(0, 1), texts),
    st.tuples(st.just("replace"), texts),
    st.tuples(st.just("rename"), titles),
    st.tuples(st.just("visibility"), st.sampled_from(list(Visibility))),
    st.tuples(st.just("stale save"), titles),
)


def insert(text, fraction, what):
    position = int(len(text) * fraction)
    return [position, what] if position else [what]


async def play(key, owner, program):
    client = RawClient(owner)
    assert await client.connect()
    stale = await sync_to_async(Document.objects.get)(key=key)
    seq = itertools.count(1)
    try:
        for step in program:
            kind = step[0]
            if kind in ("socket", "api"):
                head = await sync_to_async(Document.objects.get)(key=key)
                version = max(1, head.version - step[1])
                text = await api.atext_at(key, version=version)
                op = insert(text, step[2], step[3])
                if kind == "socket":
                    number = next(seq)
                    await client.send({"a": "op", "c": "documents", "d": key, "v": version, "src": client.id, "seq": number, "op": op})
                    # The ops it missed come first, then the ack: the reply to this seq without an op.
                    while (reply := await client.receive()).get("seq") != number or "op" in reply:
                        pass
                    assert "error" not in reply, reply["error"]
                else:
                    await sync_to_async(api.submit)(key, op, version=version)
            elif kind == "replace":
                await sync_to_async(api.replace_text)(key, step[1])
            elif kind == "rename":
                fresh = await sync_to_async(Document.objects.get)(key=key)
                fresh.title = step[1]
                await sync_to_async(fresh.save)()
            elif kind == "visibility":
                fresh = await sync_to_async(Document.objects.get)(key=key)
                fresh.visibility = step[1]
                await sync_to_async(fresh.save)()
            else:  # an instance read at the start, saved now
                stale.title = step[1]
                await sync_to_async(stale.save)()
    finally:
        await client.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(program=st.lists(steps, min_size=1, max_size=12))
def test_any_interleaving_keeps_the_log_whole(program, make_user):
    key = f"mix{next(_keys)}"
    owner = make_user()
    Document.objects.create(key=key, content="start", created_by=owner)
    try:
        async_to_sync(play)(key, owner, program)
    except CollabError as error:
        pytest.fail(f"{error.code}: {error.message}")
    call_command("collab_check", key)
    document = Document.objects.get(key=key)
    assert api.text_at(key, version=document.version) == document.content
