"""One submission walked through rights → dedup → transform → validate → apply → commit → retry.

Synchronous: the engine's committer runs it in the database thread, one
submission at a time per process. Refusals are CollabErrors with ShareDB's codes.
"""

from dataclasses import dataclass, field

from collab import metrics, ot, store
from collab.access import rights_of
from collab.errors import CollabError, ErrorCode
from collab.limits import document_fits
from collab.store import OpRow
from documents.models import Operation, create_payload

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
    watching: bool = False  # whether the submitting connection has the document open (it needs no broadcast)

    @property
    def author_id(self):
        return self.user.pk if self.user is not None and self.user.is_authenticated else None

    def made(self, row):
        """Whether the committed row is this very op, sent before (by the same author)."""
        return bool(self.src) and row.src == self.src and row.seq == self.seq and row.author_id == self.author_id


@dataclass
class Outcome:
    version: int  # the version the op applied to
    missed: list = field(default_factory=list)  # rows it was transformed over, in order
    committed: tuple | None = None  # the new row; None when the op had been committed before


def rejected(message):
    return CollabError(ErrorCode.OP_SUBMIT_REJECTED, message)


def nul_refused():
    # Valid text to the OT type, but PostgreSQL's text columns cannot hold it: refused on every database.
    return CollabError(ErrorCode.OT_OP_BADLY_FORMED, "text may not contain NUL (U+0000), which PostgreSQL cannot store")


def missing(key):
    # The same answer whether the document does not exist or the user may not see it.
    return CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {key!r} does not exist")


def row_of(version, kind, op, submission, document):
    return OpRow(version, kind, op, submission.src, submission.seq, submission.author_id, (document.pk, document.access_revision))


class SubmitRequest:
    """Walks one submission through rights → dedup → transform → apply → commit, retrying lost races.

    The right to view is checked before anything about the document is
    read or sent back; a resent op is recognised only as its own author's;
    the right to edit is checked for each new op.
    """

    def __init__(self, submission, policy, settings, heads=None):
        self.submission, self.policy = submission, policy
        self.max_retries, self.max_document_bytes = settings["MAX_SUBMIT_RETRIES"], settings["MAX_DOCUMENT_BYTES"]
        self.heads = heads  # the committer's remembered heads; None: always read the row
        self.trust_heads = heads is not None
        self.from_heads = False  # whether this attempt works from a remembered head
        # After a lost race the row is read locked: a document that other processes keep moving would
        # otherwise win every race between this read and this write, and the op would be refused.
        self.lock_row = False

    def run(self):
        for _ in range(self.max_retries):
            try:
                outcome = self.attempt()
            except store.LogOutOfStep:
                raise  # the row was moved in this transaction: it must be rolled back, not retried in it
            except CollabError:
                if not self.from_heads:
                    raise
                # Refused on a remembered head, which may be stale: decide again on the row as it is.
                self.trust_heads = False
                continue
            if outcome is not None:
                if self.heads is not None and outcome.committed is not None:
                    self.heads.remember(self.submission.key, outcome.committed)
                return outcome
            self.forget()
            self.lock_row = True
            metrics.submit_retries.inc()
        raise CollabError(ErrorCode.MAX_SUBMIT_RETRIES_EXCEEDED, f"gave up after {self.max_retries} attempts at committing the op")

    def forget(self):
        """The remembered head is not to be trusted (a lost race, a batch rolled back)."""
        if self.heads is not None:
            self.heads.forget(self.submission.key)

    def missed(self, document, start):
        """The ops committed from `start` to the document's head, in order."""
        if start == document.version:
            return []
        rows = self.heads.rows_since(document, start) if self.from_heads else None
        # Bounded by the version read: another process may commit meanwhile, and
        # the rows must be exactly those between the op and this snapshot.
        return rows if rows is not None else store.ops_between(document.pk, start, document.version)

    def head(self):
        """The document as last committed here (no read), or as in the database; None if there is none."""
        key = self.submission.key
        remembered = self.heads.get(key) if self.trust_heads else None
        self.from_heads = remembered is not None
        if remembered is not None:
            return remembered
        document = store.load_document(key, lock=self.lock_row)
        if self.heads is not None:
            self.heads.put(key, document)
        return document

    def attempt(self):
        """An Outcome, or None when another process won the race and we must retry."""
        submission = self.submission
        if submission.create is not None:
            # Rare, and must see a row deleted meanwhile: never from the remembered heads.
            self.trust_heads = False
            return self.create(self.head())
        document = self.head()
        if document is None or not rights_of(submission.user, document, self.policy).view:
            raise missing(submission.key)
        start = document.version if submission.version is None else submission.version
        if start > document.version:
            raise CollabError(
                ErrorCode.OP_VERSION_NEWER_THAN_CURRENT_SNAPSHOT,
                f"op version {start} is newer than the document's version {document.version}",
            )
        rows = self.missed(document, start)
        if len(rows) != document.version - start:
            raise CollabError(ErrorCode.SUBMIT_TRANSFORM_OPS_NOT_FOUND, f"ops {start} to {document.version} are missing from the log")
        for index, row in enumerate(rows):
            if submission.made(row):
                return Outcome(version=row.version, missed=rows[:index])
        if submission.delete:
            return self.delete(document, rows)
        return self.edit(document, rows)

    def edit(self, document, rows):
        submission = self.submission
        if not rights_of(submission.user, document, self.policy).edit:
            raise rejected("you may view this document but not edit it")
        op = submission.op
        try:
            ot.check_normalized(op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"invalid op: {error}") from None
        if any(type(component) is str and "\x00" in component for component in op):
            raise nul_refused()
        for row in rows:
            if row.kind == Operation.Kind.DELETE:
                raise CollabError(ErrorCode.DOC_WAS_DELETED, f"document was deleted at version {row.version}")
            if row.kind == Operation.Kind.CREATE:
                raise CollabError(ErrorCode.DOC_ALREADY_CREATED, f"document was created again at version {row.version}")
            op = ot.transform(op, row.op, "left")
        if not document.type:
            raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {submission.key!r} has been deleted")
        try:
            content = ot.apply(document.content, op)
        except ot.InvalidOp as error:
            raise CollabError(ErrorCode.OT_OP_BADLY_FORMED, f"op does not fit the document: {error}") from None
        self.check_size(content)
        head = document.version
        if not store.commit(document, Operation.Kind.EDIT, op, submission.src, submission.seq, self.author(), content, document.type):
            return None
        return Outcome(version=head, missed=rows, committed=row_of(head, Operation.Kind.EDIT, op, submission, document))

    def check_size(self, content):
        if not document_fits(content, self.max_document_bytes):
            raise CollabError(
                ErrorCode.DOC_TOO_LARGE,
                f"the document would exceed the limit of {self.max_document_bytes} bytes: split it into several documents",
            )

    def delete(self, document, rows):
        submission = self.submission
        if not self.policy.can_manage(submission.user, document):
            raise rejected("only an owner may delete this document")
        if not document.type:
            raise CollabError(ErrorCode.DOC_DOES_NOT_EXIST, f"document {submission.key!r} has already been deleted")
        head = document.version
        if not store.commit(document, Operation.Kind.DELETE, None, submission.src, submission.seq, self.author(), "", ""):
            return None
        return Outcome(version=head, missed=rows, committed=row_of(head, Operation.Kind.DELETE, None, submission, document))

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
        if "\x00" in data:
            raise nul_refused()
        self.check_size(data)
        if document is not None and not rights_of(submission.user, document, self.policy).view:
            # Creating a taken key must fail; what is behind it is not shown.
            raise rejected(f"document {submission.key!r} cannot be created: the id is taken")
        if document is not None and document.type:
            earlier = store.version_of(document, submission.src, submission.seq, submission.author_id)
            if earlier is not None:
                return Outcome(version=earlier, missed=store.ops_between(document.pk, submission.version or 0, earlier))
            raise CollabError(ErrorCode.DOC_ALREADY_CREATED, f"document {submission.key!r} already exists")
        if document is None:
            if not self.policy.can_create(submission.user):
                raise rejected("sign in to create documents")
            created = store.create(submission.key, data, submission.src, submission.seq, self.author())
            if created is None:
                return None
            return Outcome(version=0, committed=row_of(0, Operation.Kind.CREATE, create_payload(data), submission, created))
        if not self.policy.can_manage(submission.user, document):
            raise rejected("only an owner may create this document again")
        head = document.version
        create_op = create_payload(data)
        if not store.commit(document, Operation.Kind.CREATE, create_op, submission.src, submission.seq, self.author(), data, ot.URI):
            return None
        return Outcome(version=head, committed=row_of(head, Operation.Kind.CREATE, create_op, submission, document))

    def author(self):
        user = self.submission.user
        return user if user is not None and user.is_authenticated else None
