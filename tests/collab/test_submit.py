"""SubmitRequest against the database directly, including races with other processes."""

import io

import pytest
from django.db.models import F

from collab import store
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
