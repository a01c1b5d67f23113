"""SubmitRequest against the database directly, including races with other processes."""

import io

import pytest
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab import history, store
from collab.conf import DEFAULTS
from collab.errors import CollabError
from collab.policy import DocumentPolicy
from collab.submit import Submission, SubmitRequest
from documents.models import Document

pytestmark = pytest.mark.django_db
# The committer runs in its own thread, outside any test transaction: it closes a connection
# left in one (close_old_connections), and its rollbacks must be real ones, not savepoints.
in_real_transactions = pytest.mark.django_db(transaction=True)


def submit(user, key, version, op, src="s1", seq=1):
    return SubmitRequest(Submission(key=key, version=version, src=src, seq=seq, user=user, op=op), DocumentPolicy(), DEFAULTS).run()


def test_an_op_is_transformed_over_what_it_missed(make_user, make_document):
    user = make_user()
    make_document(key="d", content="ab", created_by=user)
    submit(user, "d", 1, [1, "X"], src="other")
    outcome = submit(user, "d", 1, [2, "Y"])
    assert (outcome.version, [row[0] for row in outcome.missed], outcome.committed[2]) == (2, [1], [3, "Y"])
    assert Document.objects.get(key="d").content == "aXbY"


def test_a_commit_by_another_process_between_reads_means_a_retry_not_an_error(make_user, make_document, monkeypatch):
    """Regression (found by the two-server test): the document was read at version n, another
    process committed version n before the ops were read, and the op was checked against
    text that lacked that commit, so a valid op was refused as not fitting the document."""
    user = make_user()
    make_document(key="d", content="abc", created_by=user)
    submit(user, "d", 1, ["X"], src="first")  # version 2: "Xabc"
    real_load = store.load_document
    stale, locks = {"once": True}, []

    def load_then_someone_commits(key, lock=False):
        locks.append(lock)
        document = real_load(key, lock=lock)
        if stale.pop("once", False):
            submit(user, "d", 2, [{"d": "X"}], src="elsewhere")  # version 3 lands right after our read
        return document

    monkeypatch.setattr(store, "load_document", load_then_someone_commits)
    outcome = submit(user, "d", 1, [2, {"d": "c"}])  # made against "abc" at version 1
    assert outcome.version == 3
    assert Document.objects.get(key="d").content == "ab"
    # Ours, the other process's, ours again: optimistic first, locked after the lost race (tests/scaleout: PostgreSQL).
    assert locks == [False, False, True]


def test_a_stale_cached_head_means_a_retry_never_a_wrong_commit(make_user, make_document):
    """The committer keeps heads in memory; another process (or a rights change) makes one stale."""
    from documents.models import DocumentAccess, Role

    owner, editor = make_user(), make_user()
    make_document(key="d", content="abc", created_by=owner)
    DocumentAccess.objects.create(document=Document.objects.get(key="d"), user=editor, role=Role.EDITOR)
    heads = store.Heads()

    def cached_submit(user, version, op, seq):
        request = SubmitRequest(Submission(key="d", version=version, src="s1", seq=seq, user=user, op=op), DocumentPolicy(), DEFAULTS, heads)
        return request.run()

    assert cached_submit(editor, 1, ["X"], 1).version == 1
    submit(owner, "d", 2, [{"d": 1}], src="elsewhere")  # committed past the cache
    assert cached_submit(editor, 2, [3, "Y"], 2).version == 3  # transformed over it after a re-read
    assert Document.objects.get(key="d").content == "abYc"  # "XabYc" as made, without the X deleted meanwhile
    DocumentAccess.objects.filter(user=editor).update(role=Role.VIEWER)
    Document.objects.filter(key="d").update(access_revision=F("access_revision") + 1)  # as the signals do
    with pytest.raises(CollabError) as refused:
        cached_submit(editor, 4, ["Z"], 3)
    assert refused.value.code == "ERR_OP_SUBMIT_REJECTED"
    assert Document.objects.get(key="d").version == 4
    # Regression (found by the browser test of a role given back): the head remembered at the
    # refusal knew the old rights; a refusal decided on a remembered head is decided again.
    DocumentAccess.objects.filter(user=editor).update(role=Role.EDITOR)
    Document.objects.filter(key="d").update(access_revision=F("access_revision") + 1)
    assert cached_submit(editor, 4, ["Z"], 4).version == 4


@in_real_transactions
def test_a_batch_commits_around_a_refusal_and_around_a_damaged_document(make_user, make_document):
    """Refusals write nothing, so they share the batch's transaction; a document whose log is out of
    step rolls the batch back, and each submission is then committed alone."""
    from collab.engine import commit_batch

    user = make_user()
    for key in ("a", "damaged", "b"):
        make_document(key=key, content="", created_by=user)
    submit(user, "damaged", 1, ["x"], src="before")
    Document.objects.filter(key="damaged").update(version=1, content="")  # a stale save of old

    heads = store.Heads()

    def request(key, op, seq):
        return SubmitRequest(Submission(key=key, version=None, src="s", seq=seq, user=user, op=op), DocumentPolicy(), DEFAULTS, heads)

    results = commit_batch([request("a", ["1"], 1), request("a", [99, "bad"], 2), request("b", ["2"], 3)])
    assert [type(result).__name__ for result in results] == ["Outcome", "CollabError", "Outcome"]
    results = commit_batch([request("a", [1, "3"], 4), request("damaged", ["y"], 5), request("b", [1, "4"], 6)])
    assert results[1].code == "ERR_LOG_OUT_OF_STEP" and results[0].version == 2 and results[2].version == 2
    assert [Document.objects.get(key=key).content for key in ("a", "damaged", "b")] == ["13", "", "24"]
    assert Document.objects.get(key="damaged").version == 1
    # What the committer remembers is what was committed, not what was rolled back.
    logged = {row.version: row.op for row in store.ops_between(Document.objects.get(key="a").pk, 0)}
    assert all(logged[row.version] == row.op for row in heads.recent["a"]) and heads.get("a").version == 3


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
    submit(user, "a", 2, [3, "!"], src="elsewhere")  # another process: "1ab!" at version 3, past the cache
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
            else:
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
def test_rights_lowered_during_a_batch_refuse_its_op_even_though_the_version_did_not_move(make_user, make_document):
    """Only the guarded UPDATE can tell: the op's INSERT would fit, as no other op took its version."""
    from collab.engine import commit_batch
    from documents.models import DocumentAccess, Role

    owner, editor = make_user(), make_user()
    heads = store.Heads()
    for key in ("shared", "own"):
        make_document(key=key, content="", created_by=owner)
    DocumentAccess.objects.create(document=Document.objects.get(key="shared"), user=editor, role=Role.EDITOR)
    DocumentAccess.objects.create(document=Document.objects.get(key="own"), user=editor, role=Role.EDITOR)

    def request(key, seq):
        return SubmitRequest(Submission(key=key, version=None, src="s", seq=seq, user=editor, op=["x"]), DocumentPolicy(), DEFAULTS, heads)

    commit_batch([request("shared", 1), request("own", 2)])
    DocumentAccess.objects.filter(document__key="shared").update(role=Role.VIEWER)
    Document.objects.filter(key="shared").update(access_revision=F("access_revision") + 1)  # as the signals do
    results = commit_batch([request("own", 3), request("shared", 4)])
    assert results[0].version == 2 and results[1].code == "ERR_OP_SUBMIT_REJECTED"
    assert [Document.objects.get(key=key).content for key in ("own", "shared")] == ["xx", "x"]


@in_real_transactions
def test_every_op_on_a_document_out_of_step_with_its_log_is_refused_none_applied_twice(make_user, make_document):
    """Found in review: the second op of a batch on such a document was retried in the transaction that
    had already moved the row, and committed: the text then held an op its log did not."""
    from collab.engine import commit_batch

    user = make_user()
    make_document(key="damaged", content="", created_by=user)
    submit(user, "damaged", 1, ["a"], src="before")
    Document.objects.filter(key="damaged").update(version=1, content="")  # a stale save of old
    heads = store.Heads()

    def request(seq):
        return SubmitRequest(Submission(key="damaged", version=None, src="s", seq=seq, user=user, op=["Y"]), DocumentPolicy(), DEFAULTS, heads)

    results = commit_batch([request(1), request(2)])
    assert [getattr(result, "code", None) for result in results] == ["ERR_LOG_OUT_OF_STEP"] * 2
    assert (Document.objects.get(key="damaged").version, Document.objects.get(key="damaged").content) == (1, "")


@in_real_transactions
def test_a_repair_is_not_undone_by_a_head_the_committer_remembers(make_user, make_document):
    """Found in review: collab_repair rebuilt the text at the same version, and the next op
    was applied to the damaged text the committer still remembered."""
    from django.core.management import call_command

    from collab.engine import commit_batch

    user = make_user()
    heads = store.Heads()
    make_document(key="d", content="abc", created_by=user)

    def request(op, seq):
        return SubmitRequest(Submission(key="d", version=None, src="s", seq=seq, user=user, op=op), DocumentPolicy(), DEFAULTS, heads)

    commit_batch([request(["X"], 1)])  # remembered: "Xabc" at version 2
    Document.objects.filter(key="d").update(content="Xzzz")  # damaged behind the engine's back
    heads.get("d").content = "Xzzz"  # and remembered so, as if read after the damage
    call_command("collab_repair", "d", stdout=io.StringIO())
    assert Document.objects.get(key="d").content == "Xabc"
    assert commit_batch([request([4, "!"], 2)])[0].version == 2
    assert Document.objects.get(key="d").content == "Xabc!"


@in_real_transactions
def test_the_old_owner_of_a_document_given_to_someone_else_is_refused_even_through_a_remembered_head(make_user, make_document):
    """The committer's heads carry the access revision their rights were decided at; giving the
    document away (a save of created_by, as admin does) must move it."""
    from collab.engine import commit_batch

    old_owner, new_owner = make_user(), make_user()
    heads = store.Heads()
    make_document(key="d", content="", created_by=old_owner)

    def request(user, seq):
        return SubmitRequest(Submission(key="d", version=None, src="s", seq=seq, user=user, op=["x"]), DocumentPolicy(), DEFAULTS, heads)

    assert commit_batch([request(old_owner, 1)])[0].version == 1  # remembered, with the old owner's rights
    document = Document.objects.get(key="d")
    document.created_by = new_owner
    document.save()
    assert commit_batch([request(old_owner, 2)])[0].code == "ERR_DOC_DOES_NOT_EXIST"  # private: as if missing
    assert commit_batch([request(new_owner, 3)])[0].version == 2
    assert Document.objects.get(key="d").content == "xx"


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


@in_real_transactions
def test_text_with_nul_is_refused_as_badly_formed_and_the_rest_of_a_batch_commits(make_user, make_document):
    """Found in review: on PostgreSQL a NUL in an op failed the batch's write (DataError), every op of
    the batch was then run alone, and its sender was told only "internal server error"."""
    from collab.engine import commit_batch

    user = make_user()
    for key in ("a", "b"):
        make_document(key=key, content="", created_by=user)
    heads = store.Heads()

    def request(key, seq, op=None, create=None):
        return SubmitRequest(Submission(key=key, version=None, src="s", seq=seq, user=user, op=op, create=create), DocumentPolicy(), DEFAULTS, heads)

    results = commit_batch([request("a", 1, ["x"]), request("b", 2, ["y\x00z"]), request("new", 3, create={"type": "text-unicode", "data": "\x00"}),
                            request("b", 4, ["w"])])
    assert [getattr(result, "code", None) for result in results] == [None, "ERR_OT_OP_BADLY_FORMED", "ERR_OT_OP_BADLY_FORMED", None]
    assert "NUL (U+0000)" in results[1].message
    assert [Document.objects.get(key=key).content for key in ("a", "b")] == ["x", "w"] and not Document.objects.filter(key="new").exists()
