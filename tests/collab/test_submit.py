"""SubmitRequest against the database directly, including races with other processes."""

import pytest
from django.db.models import F

from collab import store
from collab.conf import DEFAULTS
from collab.errors import CollabError
from collab.policy import DocumentPolicy
from collab.submit import Submission, SubmitRequest
from documents.models import Document

pytestmark = pytest.mark.django_db


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
    stale = {"once": True}

    def load_then_someone_commits(key):
        document = real_load(key)
        if stale.pop("once", False):
            submit(user, "d", 2, [{"d": "X"}], src="elsewhere")  # version 3 lands right after our read
        return document

    monkeypatch.setattr(store, "load_document", load_then_someone_commits)
    outcome = submit(user, "d", 1, [2, {"d": "c"}])  # made against "abc" at version 1
    assert outcome.version == 3
    assert Document.objects.get(key="d").content == "ab"


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
