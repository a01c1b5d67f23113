"""The one door for Python code: views, admin, forms, management commands, tasks.

Every change goes through the same engine as the WebSocket: it is
transformed over what others committed meanwhile, checked, logged, durable,
signalled (collab.signals) and shown live to everyone with the document
open, in this process and in others. See docs/python-api.md.

`user=None` means trusted server code: no permission check, no author.
With a user, COLLAB["PERMISSION_POLICY"] decides, as it does on the socket.
Refusals raise collab.errors.CollabError, whose `code` is ShareDB's.
"""

import asyncio

from asgiref.sync import sync_to_async
from diff_match_patch import diff_match_patch
from django.db import transaction

from collab import access, broadcast, engine, ot, reads, store
from collab.conf import collab_settings, permission_policy
from collab.errors import CollabError, ErrorCode
from collab.submit import Submission, SubmitRequest
from documents.models import Document, NulCharacterError, Operation


class TrustedPolicy:
    """Server code may do anything: its checks are its own."""

    def allows_connection(self, user):
        return True

    def can_view(self, user, document):
        return True

    can_edit = can_manage = can_view

    def can_create(self, user):
        return True


def _key(document_or_key):
    return document_or_key.key if isinstance(document_or_key, Document) else document_or_key


def _policy(user):
    return TrustedPolicy() if user is None else permission_policy()


def _not_in_event_loop(name):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"collab.api.{name}() was called from async code: use `await collab.api.a{name}(...)`.")


def _commit(submission):
    """Run the submission in this thread, in a transaction (or the caller's), and publish it once committed."""
    request = SubmitRequest(submission, _policy(submission.user), collab_settings())
    with transaction.atomic():
        outcome = request.run()
    if outcome.committed is not None:
        row = outcome.committed
        # publish_from_python logs a failure: the caller is told the op committed, whatever became of publishing it.
        transaction.on_commit(lambda: broadcast.from_sync(engine.publish_from_python, submission.key, row))
    return outcome


def _tidy(op):
    """The op in canonical form (the socket requires it; Python callers need not bother)."""
    try:
        return ot.normalize(op)
    except ot.InvalidOp as error:
        raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"invalid op: {error}") from None


def submit(document_or_key, op, *, user=None, version=None):
    """Commit a text-unicode op made against `version` (default: the current one); returns the version it applied to.

    Like a socket submit, an op made against an older version is transformed
    over everything committed since.
    """
    _not_in_event_loop("submit")
    return _commit(Submission(key=_key(document_or_key), version=version, src="", seq=None, user=user, op=_tidy(op))).version


async def asubmit(document_or_key, op, *, user=None, version=None):
    submission = Submission(key=_key(document_or_key), version=version, src="", seq=None, user=user, op=_tidy(op))
    return (await engine.submit(submission, _policy(user))).version


def diff_op(old, new):
    """The smallest text-unicode op turning `old` into `new` (diff-match-patch, in code points)."""
    differ = diff_match_patch()
    differ.Diff_Timeout = 2.0  # seconds: past it, a larger but still correct op
    op = []
    for kind, text in differ.diff_main(old, new, False):
        op.append(len(text) if kind == differ.DIFF_EQUAL else text if kind == differ.DIFF_INSERT else {"d": len(text)})
    return ot.normalize(op)


def _base(key, user, version):
    """(text, version) an edit starts from: the current ones, or those at `version`."""
    document = store.load_document(key)
    if document is None or not document.type or not _policy(user).can_view(user, document):
        raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {key!r} does not exist")
    if version is None or version == document.version:
        return document.content, document.version
    snapshot = reads.snapshot(user, key, version, None, _policy(user))
    if snapshot["type"] is None:
        raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {key!r} did not exist at version {version}")
    return snapshot["data"], version


def replace_text(document_or_key, text, *, user=None, version=None):
    """Make the document's text `text` with the smallest op, so everyone's carets stay put; the version it applied to.

    With `version`, `text` was made from the text at that version (a form
    loaded then): the change is computed against it and transformed over
    what others committed since, so their typing is kept. None when there
    was nothing to change.
    """
    _not_in_event_loop("replace_text")
    key = _key(document_or_key)
    base_text, base_version = _base(key, user, version)
    op = diff_op(base_text, text)
    if not op:
        return None
    return _commit(Submission(key=key, version=base_version, src="", seq=None, user=user, op=op)).version


async def areplace_text(document_or_key, text, *, user=None, version=None):
    key = _key(document_or_key)
    base_text, base_version = await sync_to_async(_base)(key, user, version)
    op = diff_op(base_text, text)
    if not op:
        return None
    return await asubmit(key, op, user=user, version=base_version)


def text_at(document_or_key, *, version=None, timestamp=None, user=None):
    """The text after `version` ops, or as it was at `timestamp` (an aware datetime); None where it did not exist."""
    _not_in_event_loop("text_at")
    key = _key(document_or_key)
    timestamp_ms = None if timestamp is None else int(timestamp.timestamp() * 1000)
    return reads.snapshot(user, key, version, timestamp_ms, _policy(user)).get("data")


async def atext_at(document_or_key, *, version=None, timestamp=None, user=None):
    return await sync_to_async(text_at)(document_or_key, version=version, timestamp=timestamp, user=user)


def history(document_or_key, start=0, stop=None):
    """The document's operations with start <= version < stop, oldest first, with author and time (a QuerySet)."""
    operations = Operation.objects.filter(document__key=_key(document_or_key), version__gte=start).select_related("author")
    if stop is not None:
        operations = operations.filter(version__lt=stop)
    return operations.order_by("version")


def create_document(key=None, text="", *, user=None, **fields):
    """A new document at version 1, its create logged, with `user` as its creator."""
    if key is not None:
        fields["key"] = key
    try:
        return Document.objects.create(content=text, created_by=user, **fields)
    except NulCharacterError as error:  # refused as a create over the socket is
        raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, str(error)) from None


def access_changed(document_or_key):
    """Tell the document's open connections to re-check their rights, after a change signals could not see."""
    key = _key(document_or_key)
    document_id = Document.objects.filter(key=key).values_list("pk", flat=True).first()
    if document_id is None:
        broadcast.from_sync(broadcast.publish_access, key)
    else:
        with transaction.atomic():
            access.bump(document_id)
