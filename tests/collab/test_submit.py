"""SubmitRequest against the database directly, including races with other processes."""

import pytest

from collab import store
from collab.conf import DEFAULTS
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
