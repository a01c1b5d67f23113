"""One submission walked through dedup → transform → validate → apply → commit → retry.

Synchronous: the engine's committer runs it in the database thread, one
submission at a time per process. Refusals are CollabErrors with ShareDB's codes.
"""

from dataclasses import dataclass, field

from collab import ot, store
from collab.errors import CollabError, ErrorCode
from documents.models import Operation
from documents.services import create_payload

TYPE_NAMES = {ot.URI, ot.NAME}


@dataclass
class Submission:
    key: str
    version: int | None
    src: str
    seq: int
    user: object
    op: list | None = None
    create: dict | None = None
    delete: bool = False


@dataclass
class Outcome:
    version: int  # the version the op applied to
    missed: list = field(default_factory=list)  # rows it was transformed over, in order
    committed: tuple | None = None  # the new row; None when the op had been committed before


def rejected(message):
    return CollabError(ErrorCode.OP_SUBMIT_REJECTED, message)


def row_of(version, kind, op, submission):
    return (version, kind, op, submission.src, submission.seq)


class SubmitRequest:
    def __init__(self, submission, policy, max_retries):
        self.submission, self.policy, self.max_retries = submission, policy, max_retries

    def run(self):
        for _ in range(self.max_retries):
            outcome = self.attempt()
            if outcome is not None:
                return outcome
        raise CollabError(ErrorCode.MAX_SUBMIT_RETRIES_EXCEEDED, f"gave up after {self.max_retries} attempts at committing the op")

    def attempt(self):
        """An Outcome, or None when another process won the race and we must retry."""
        submission = self.submission
        document = store.load_document(submission.key)
        if submission.create is not None:
            return self.create(document)
        if document is None:
            raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {submission.key!r} does not exist")
        start = document.version if submission.version is None else submission.version
        if start > document.version:
            raise CollabError(
                ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT,
                f"op version {start} is newer than the document's version {document.version}",
            )
        # Bounded by the version read: another process may commit meanwhile, and
        # the rows must be exactly those between the op and this snapshot.
        rows = store.ops_between(document.pk, start, document.version) if start < document.version else []
        if len(rows) != document.version - start:
            raise CollabError(ErrorCode.SUBMIT_TRANSFORM_OPS_NOT_FOUND, f"ops {start} to {document.version} are missing from the log")
        for index, row in enumerate(rows):
            if row[3] == submission.src and row[4] == submission.seq:
                return Outcome(version=row[0], missed=rows[:index])
        if submission.delete:
            return self.delete(document, rows)
        return self.edit(document, rows)

    def edit(self, document, rows):
        submission = self.submission
        if not self.policy.can_edit(submission.user, document):
            raise rejected("you may view this document but not edit it")
        op = submission.op
        try:
            ot.check_normalized(op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"invalid op: {error}") from None
        for version, kind, committed, *_ in rows:
            if kind == Operation.Kind.DELETE:
                raise CollabError(ErrorCode.DOC_WAS_DELETED, f"document was deleted at version {version}")
            if kind == Operation.Kind.CREATE:
                raise CollabError(ErrorCode.DOC_ALREADY_CREATED, f"document was created again at version {version}")
            op = ot.transform(op, committed, "left")
        if not document.type:
            raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {submission.key!r} has been deleted")
        try:
            content = ot.apply(document.content, op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"op does not fit the document: {error}") from None
        head = document.version
        if not store.commit(document, Operation.Kind.EDIT, op, submission.src, submission.seq, self.author(), content, document.type):
            return None
        return Outcome(version=head, missed=rows, committed=row_of(head, Operation.Kind.EDIT, op, submission))

    def delete(self, document, rows):
        submission = self.submission
        if not self.policy.can_manage(submission.user, document):
            raise rejected("only an owner may delete this document")
        if not document.type:
            raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {submission.key!r} has already been deleted")
        head = document.version
        if not store.commit(document, Operation.Kind.DELETE, None, submission.src, submission.seq, self.author(), "", ""):
            return None
        return Outcome(version=head, missed=rows, committed=row_of(head, Operation.Kind.DELETE, None, submission))

    def create(self, document):
        submission = self.submission
        create = submission.create
        if not isinstance(create.get("type"), str) or create["type"] not in TYPE_NAMES:
            raise CollabError(ErrorCode.DOC_TYPE_NOT_RECOGNIZED, f"only the {ot.URI} type is supported")
        data = "" if create.get("data") is None else create["data"]
        try:
            data = ot.create(data)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"invalid create data: {error}") from None
        create_op = create_payload(data)
        if document is not None and document.type:
            earlier = store.version_of(document, submission.src, submission.seq)
            if earlier is not None:
                return Outcome(version=earlier, missed=store.ops_between(document.pk, submission.version or 0, earlier))
            raise CollabError(ErrorCode.DOC_ALREADY_CREATED, f"document {submission.key!r} already exists")
        if document is None:
            if not self.policy.can_create(submission.user):
                raise rejected("sign in to create documents")
            created = store.create(submission.key, data, submission.src, submission.seq, self.author())
            if created is None:
                return None
            return Outcome(version=0, committed=row_of(0, Operation.Kind.CREATE, create_op, submission))
        if not self.policy.can_manage(submission.user, document):
            raise rejected("only an owner may create this document again")
        head = document.version
        if not store.commit(document, Operation.Kind.CREATE, create_op, submission.src, submission.seq, self.author(), data, ot.URI):
            return None
        return Outcome(version=head, committed=row_of(head, Operation.Kind.CREATE, create_op, submission))

    def author(self):
        user = self.submission.user
        return user if user.is_authenticated else None
