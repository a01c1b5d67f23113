"""A batch's writes to the database (collab.store.PendingWrites): sent together, on SQLite and PostgreSQL,
as they were committed, and what a lost race or a damaged row does to them."""

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab import history, store
from collab.conf import DEFAULTS
from collab.policy import DocumentPolicy
from collab.submit import Submission, SubmitRequest
from documents.models import Document

pytestmark = pytest.mark.django_db
# The committer runs in its own thread, outside any test transaction: it closes a connection
# left in one (close_old_connections), and its rollbacks must be real ones, not savepoints.
in_real_transactions = pytest.mark.django_db(transaction=True)


def writes_sent(queries):
    """[(UPDATE or INSERT, the rows an executemany sent or 1 for one statement)] among Django's captured queries."""
    sent = []
    for query in queries.captured_queries:
        times, _, sql = query["sql"].partition(" times: ")  # how Django logs an executemany
        if not sql:
            times, sql = "1", query["sql"]
        if sql.startswith(("UPDATE", "INSERT")):
            sent.append((sql.split()[0], int(times)))
    return sent


@in_real_transactions
def test_a_batch_sends_its_writes_together_whatever_its_size(make_user, make_document):
    """One UPDATE and one INSERT for the batch, a document's several ops making one move: on SQLite an
    executemany each, on PostgreSQL one statement each (a column an array)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from collab.engine import commit_batch

    user = make_user()
    heads = store.Heads()
    for index in range(30):
        make_document(key=f"d{index}", content="", created_by=user)

    def batch(keys, seq):
        return [SubmitRequest(Submission(key=key, version=None, src="s", seq=seq + offset, user=user, op=["x"]), DocumentPolicy(), DEFAULTS, heads)
                for offset, key in enumerate(keys)]

    def sent(keys, seq):
        with CaptureQueriesContext(connection) as queries:
            assert not [result for result in commit_batch(batch(keys, seq)) if isinstance(result, Exception)]
        return writes_sent(queries)

    def moves_and_inserts(moves, inserts):
        return [("UPDATE", moves), ("INSERT", inserts)] if connection.vendor == "sqlite" else [("UPDATE", 1), ("INSERT", 1)]

    sent([f"d{index}" for index in range(30)], 100)  # the heads are read once, then remembered
    assert sent(["d0", "d1", "d2"], 200) == moves_and_inserts(3, 3)
    assert sent([f"d{index}" for index in range(30)], 300) == moves_and_inserts(30, 30)
    assert sent(["d5"] * 4 + ["d6"], 400) == moves_and_inserts(2, 5)
    assert [Document.objects.get(key=f"d{index}").content for index in (0, 2, 29, 5, 6)] == ["xxx", "xxx", "xx", "xxxxxx", "xxx"]
    assert [Document.objects.get(key=key).version for key in ("d5", "d6")] == [7, 4]
    rows = store.ops_between(Document.objects.get(key="d5").pk, 3)
    assert [(row.version, row.op, row.src, row.seq, row.author_id) for row in rows] == [
        (version, ["x"], "s", seq, user.pk) for version, seq in zip(range(3, 7), range(400, 404), strict=True)]


@in_real_transactions
def test_a_document_moved_by_another_process_during_a_batch_sends_it_round_again_one_by_one(make_user, make_document):
    """The batch's writes go at its end: a lost race shows then, for the whole batch (BatchConflict),
    and each submission is committed alone, transformed over what the other process wrote."""
    from collab.engine import commit_batch

    user = make_user()
    heads = store.Heads()
    for key in ("a", "b"):
        make_document(key=key, content="ab", created_by=user)

    def request(key, op, seq, version=None):
        return SubmitRequest(Submission(key=key, version=version, src="s", seq=seq, user=user, op=op), DocumentPolicy(), DEFAULTS, heads)

    commit_batch([request("a", ["1"], 1), request("b", ["1"], 2)])  # remembered at version 2: "1ab"
    # Another process: "1ab!" at version 3, past the cache.
    SubmitRequest(Submission(key="a", version=2, src="elsewhere", seq=1, user=user, op=[3, "!"]), DocumentPolicy(), DEFAULTS).run()
    results = commit_batch([request("b", [1, "2"], 3, version=2), request("a", [1, "2"], 4, version=2), request("a", [2, "3"], 5, version=3)])
    assert [result.version for result in results] == [2, 3, 4]
    assert [Document.objects.get(key=key).content for key in ("a", "b")] == ["12a3b!", "12ab"]
    assert Document.objects.get(key="a").version == 5
    versions = [row.version for row in store.ops_between(Document.objects.get(key="a").pk, 0)]
    assert versions == [0, 1, 2, 3, 4], "every op once, at its own version"


def test_reads_within_a_batch_see_its_own_writes(make_user, make_document):
    user = make_user()
    make_document(key="d", content="", created_by=user)
    from django.db import transaction

    with transaction.atomic(), store.writes_together():
        document = store.load_document("d")
        assert store.commit(document, "edit", ["x"], "s", 1, user, "x", document.type)
        assert store.load_document("d").version == 2
        assert [row.op for row in store.ops_between(document.pk, 1)] == [["x"]]


@in_real_transactions
def test_a_batch_stores_any_text_and_op_as_sent(make_user, make_document):
    """On PostgreSQL the batch's rows go as JSON: quotes, braces, commas, backslashes, the word NULL
    and astral characters come back as they went, and so do a delete's null op and a document
    edited then deleted in the same batch."""
    from collab.engine import commit_batch

    owner = make_user()
    tricky = ['{"a,b"}', "\\", "NULL", "it's", "😀\n\t", "(1, 2)", '"', "\\u0041"]
    for key in ("a", "b", "gone", "edited then gone"):
        make_document(key=key, content="", created_by=owner)
    heads = store.Heads()
    src = "0123456789abcdef0123456789abcdef"  # as long as a connection's id

    def request(key, op=None, seq=0, delete=False):
        return SubmitRequest(Submission(key=key, version=None, src=src, seq=seq, user=owner, op=op, delete=delete), DocumentPolicy(), DEFAULTS, heads)

    commit_batch([request("edited then gone", ["x"], 20)])  # remembered: the batch below does not read the row between its two ops
    results = commit_batch([request("a", [text], seq) for seq, text in enumerate(tricky, 1)]
                           + [request("b", ["NULL"], 10), request("gone", seq=11, delete=True),
                              request("edited then gone", [1, "y"], 21), request("edited then gone", seq=22, delete=True)])
    assert not [result for result in results if isinstance(result, Exception)]
    assert Document.objects.get(key="a").content == "".join(reversed(tricky))
    rows = store.ops_between(Document.objects.get(key="a").pk, 1)
    assert [(row.op, row.src, row.seq) for row in rows] == [([text], src, seq) for seq, text in enumerate(tricky, 1)]
    for key, ops in (("gone", [None]), ("edited then gone", [["x"], [1, "y"], None])):
        document = Document.objects.get(key=key)
        assert (document.type, document.content, document.version) == ("", "", 1 + len(ops))
        assert [row.op for row in store.ops_between(document.pk, 1)] == ops
    assert Document.objects.get(key="b").content == "NULL"


def test_a_move_not_from_where_the_batch_left_its_document_fails_the_batch(make_user, make_document):
    """A document's moves in a batch are sent as one, from the first's head: one made from another
    head, or at another access revision (a second copy of the row), would be lost in it; the batch
    is run again one by one instead."""
    from django.db import transaction

    user = make_user()
    make_document(key="d", content="", created_by=user)
    for moved in ("version", "access revision"):
        with pytest.raises(store.BatchConflict), transaction.atomic(), store.writes_together():
            first, second = store.load_document("d"), store.load_document("d")
            assert store.commit(first, "edit", ["x"], "s", 1, user, "x", first.type)
            if moved == "version":
                store.commit(second, "edit", ["y"], "s", 2, user, "y", second.type)
            else:  # rights changed after the first op was decided: its move, merged, would pass under the new revision
                Document.objects.filter(key="d").update(access_revision=F("access_revision") + 1)
                first.access_revision += 1
                store.commit(first, "edit", [1, "y"], "s", 2, user, "xy", first.type)
        assert Document.objects.get(key="d").content == ""


@in_real_transactions
def test_a_row_moved_without_an_op_fails_the_batchs_guard(make_user, make_document):
    """The guard is the row's version, not only the log's unique versions: a row moved past the
    remembered head with no op at that version takes the batch's op at its own version, not at
    the remembered one (where the log has room for it)."""
    from collab.engine import commit_batch

    user = make_user()
    for key in ("d", "other"):  # two rows: on PostgreSQL a batch's rows go together only from two
        make_document(key=key, content="", created_by=user)
    heads = store.Heads()

    def request(key, seq):
        return SubmitRequest(Submission(key=key, version=None, src="s", seq=seq, user=user, op=["x"]), DocumentPolicy(), DEFAULTS, heads)

    commit_batch([request("d", 1), request("other", 2)])
    Document.objects.filter(key="d").update(version=F("version") + 1)  # no op at version 2
    result, _ = commit_batch([request("d", 3), request("other", 4)])
    assert result.version == 3 and Document.objects.get(key="d").version == 4
    assert [row.version for row in store.ops_between(Document.objects.get(key="d").pk, 0)] == [0, 1, 3]


@in_real_transactions
def test_a_value_too_long_for_its_column_is_refused_in_a_batch_as_alone(make_user, make_document):
    """PostgreSQL checks a varchar's length (SQLite does not): the batch casts to text, not to the
    column's varchar, which would cut the value; the others in the batch are committed."""
    from django.db import DataError, connection

    from collab.engine import commit_batch

    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not check a column's length")
    user = make_user()
    for key in ("a", "b"):
        make_document(key=key, content="", created_by=user)
    heads = store.Heads()
    requests = [SubmitRequest(Submission(key=key, version=None, src=src, seq=1, user=user, op=["x"]), DocumentPolicy(), DEFAULTS, heads)
                for key, src in (("a", "s" * 70), ("b", "s"))]
    results = commit_batch(requests)
    assert isinstance(results[0], DataError) and results[1].version == 1
    assert [Document.objects.get(key=key).content for key in ("a", "b")] == ["", "x"]


@in_real_transactions
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12), min_size=1, max_size=4))
def test_ops_are_logged_as_they_were_committed_whatever_their_text(make_user, make_document, texts):
    """The log's JSON holds any valid text, astral, quotes, backslashes and control characters included
    (but NUL, which PostgreSQL's text refuses)."""
    from collab.engine import commit_batch

    user = make_user()
    document = make_document(content="", created_by=user)
    heads = store.Heads()
    # Each made after the ones before: appending its text.
    ops = [[len("".join(texts[:index])), text] if index else [text] for index, text in enumerate(texts)]
    submissions = [Submission(key=document.key, version=index + 1, src="s", seq=index + 1, user=user, op=op) for index, op in enumerate(ops)]
    requests = [SubmitRequest(submission, DocumentPolicy(), DEFAULTS, heads) for submission in submissions]
    assert not [result for result in commit_batch(requests) if isinstance(result, Exception)]
    logged = store.ops_between(document.pk, 1)
    assert [row.op for row in logged] == ops
    assert history.replay(logged, "text", "")[1] == Document.objects.get(pk=document.pk).content == "".join(texts)


@in_real_transactions
def test_an_op_is_logged_at_a_time_after_the_reads_it_was_decided_on_and_a_batch_at_one_time(make_user, make_document, monkeypatch):
    """Found in review: a batch's time taken when it began let an op be logged earlier than one that
    another writer (PostgreSQL) committed before the batch read the document: fetch by timestamp
    then showed text from later than the time asked for."""
    from datetime import timedelta

    from collab.engine import commit_batch
    from documents.models import Operation, now_ms

    user = make_user()
    for key in ("a", "b", "c"):
        make_document(key=key, content="", created_by=user)
    start, clock = now_ms(), iter(range(1, 1000))
    monkeypatch.setattr(store, "now_ms", lambda: start + timedelta(seconds=next(clock)))  # time passes at each look
    real_load, read_at = store.load_document, {}

    def load(key, lock=False):
        document = real_load(key, lock=lock)
        read_at[key] = store.now_ms()
        return document

    monkeypatch.setattr(store, "load_document", load)
    heads = store.Heads()

    def batch(keys, seq):
        requests = [SubmitRequest(Submission(key=key, version=None, src="s", seq=seq + index, user=user, op=["x"]), DocumentPolicy(), DEFAULTS, heads)
                    for index, key in enumerate(keys)]
        assert not [result for result in commit_batch(requests) if isinstance(result, Exception)]
        return dict(Operation.objects.filter(src="s", seq__gte=seq).values_list("document__key", "created_at"))

    logged = batch(["a", "b"], 1)  # each document read in the batch
    assert logged["a"] > read_at["a"] and logged["b"] > read_at["b"]
    logged = batch(["a", "b", "c"], 10)  # reading c sends a's and b's writes first
    assert logged["a"] == logged["b"] < read_at["c"] < logged["c"]
    logged = batch(["a", "b", "c"], 20)  # all three remembered: nothing read, one time
    assert logged["a"] == logged["b"] == logged["c"] > read_at["c"]
